package apigateway_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// Ephemeral resources need Terraform 1.10 (OpenTofu 1.11); feeding one into
// a write-only argument needs Terraform 1.11 (OpenTofu 1.11). OpenTofu
// reports its own version, so the same checks apply to it.
var (
	skipBelowEphemeral = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
	skipBelowWriteOnly = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}
)

// withEcho adds the echo provider, which copies an ephemeral value into
// state so that a test can look at it.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := maps.Clone(acctest.ProtoV6ProviderFactories)
	factories["echo"] = echoprovider.NewProviderServer()
	return factories
}

// existingKey makes a manual key outside Terraform: seeded into the
// emulator, or created (and deleted when the test ends) on TencentCloud.
func existingKey(t *testing.T, env *acctest.Env, name, id, secret string) {
	t.Helper()
	if env.Emulator != nil {
		seedKey(env, id, name, secret, conns.KeyTypeManual, true)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := env.Client.CreateAPIKey(ctx, conns.CreateAPIKeyInput{
		SecretName: name, AccessKeyType: conns.KeyTypeManual, AccessKeyID: id, AccessKeySecret: secret,
	}); err != nil {
		t.Fatalf("creating key %s: %s", id, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := env.Client.DisableAPIKey(ctx, id); err == nil {
			err = env.Client.DeleteAPIKey(ctx, id)
			if err != nil {
				t.Errorf("deleting key %s: %s", id, err)
			}
		}
	})
}

func ephemeralKeyConfig(id string) string {
	return fmt.Sprintf(`
ephemeral "tencentcloud_api_gateway_api_key" "source" {
  access_key_id = %q
}
`, id)
}

// The ephemeral resource yields every attribute of the key, secret
// included; the echo provider is what puts them in state here.
func TestAccAPIKeyEphemeralResource_basic(t *testing.T) {
	env := acctest.New(t)
	name, id, secret := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	existingKey(t, env, name, id, secret)
	remote, err := env.RemoteKey(id)
	if err != nil || remote == nil {
		t.Fatalf("reading key %s: %v", id, err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		TerraformVersionChecks:   skipBelowEphemeral,
		Steps: []resource.TestStep{{
			Config: env.Config(ephemeralKeyConfig(id) + `
provider "echo" {
  data = ephemeral.tencentcloud_api_gateway_api_key.source
}

resource "echo" "test" {}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", attr("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                knownvalue.StringExact(id),
					"access_key_id":     knownvalue.StringExact(id),
					"secret_name":       knownvalue.StringExact(name),
					"access_key_type":   knownvalue.StringExact("manual"),
					"access_key_secret": knownvalue.StringExact(secret),
					"status":            knownvalue.StringExact("on"),
					"create_time":       knownvalue.StringExact(remote.CreatedTime),
					"modify_time":       knownvalue.StringExact(remote.ModifiedTime),
				})),
			},
		}},
	})
}

func TestAccAPIKeyEphemeralResource_notFound(t *testing.T) {
	env := acctest.New(t)
	id := acctest.RandomManualKeyID()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		TerraformVersionChecks:   skipBelowEphemeral,
		Steps: []resource.TestStep{{
			Config: env.Config(ephemeralKeyConfig(id) + `
provider "echo" {
  data = ephemeral.tencentcloud_api_gateway_api_key.source
}

resource "echo" "test" {}
`),
			ExpectError: acctest.WordsRegexp(fmt.Sprintf(`API key %q does not exist.`, id)),
		}},
	})
}

// writeOnlyFromEphemeralConfig is key B whose write-only secret comes from
// the ephemeral key A.
func writeOnlyFromEphemeralConfig(sourceID, name, id string, version int) string {
	return ephemeralKeyConfig(sourceID) + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name                  = %q
  access_key_type              = "manual"
  access_key_id                = %q
  access_key_secret_wo         = ephemeral.tencentcloud_api_gateway_api_key.source.access_key_secret
  access_key_secret_wo_version = %d
}
`, name, id, version)
}

// Key A's secret, read by the ephemeral resource, becomes manual key B's
// secret through the write-only argument: the API holds it for B, and
// neither the plan nor the state ever does.
func TestAccAPIKeyEphemeralResource_feedsWriteOnlySecret(t *testing.T) {
	env := acctest.New(t)
	sourceID, sourceSecret, rotatedSecret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()
	existingKey(t, env, acctest.RandomName(), sourceID, sourceSecret)
	name, id := acctest.RandomName(), acctest.RandomManualKeyID()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowWriteOnly,
		CheckDestroy: func(*terraform.State) error {
			if key, err := env.RemoteKey(id); err != nil || key != nil {
				return fmt.Errorf("key %s should be destroyed (err: %v)", id, err)
			}
			// Closing the ephemeral resource leaves the key it read alone.
			if key, err := env.RemoteKey(sourceID); err != nil || key == nil {
				return fmt.Errorf("key %s, read by the ephemeral resource, should still exist (err: %v)", sourceID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.Config(writeOnlyFromEphemeralConfig(sourceID, name, id, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionCreate),
						acctest.PlanDoesNotContain(sourceSecret),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectRemoteSecret(id, sourceSecret),
					env.ExpectRemoteSecret(sourceID, sourceSecret),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_wo"), knownvalue.Null()),
					acctest.StateDoesNotContain(sourceSecret),
				},
			},
			{
				// A's secret changes elsewhere; bumping the version sends A's
				// new secret to B, read afresh by the ephemeral resource.
				PreConfig: func() { env.SetSecretOutOfBand(sourceID, rotatedSecret) },
				Config:    env.Config(writeOnlyFromEphemeralConfig(sourceID, name, id, 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						acctest.PlanDoesNotContain(sourceSecret, rotatedSecret),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// The apply opens the ephemeral resource once more and
					// sends its secret with one UpdateApiKey.
					env.ExpectCallCounts(map[string]int{"DescribeApiKey": 1, "UpdateApiKey": 1}),
					env.ExpectRemoteSecret(id, rotatedSecret),
					acctest.StateDoesNotContain(sourceSecret, rotatedSecret),
				},
			},
		},
	})
}

// cliVersion is the major and minor version of the CLI that NewCLI runs.
func cliVersion(t *testing.T, cli *acctest.CLI) (major, minor int) {
	t.Helper()
	out := cli.MustRun("version", "-json")
	m := regexp.MustCompile(`"terraform_version":\s*"(\d+)\.(\d+)\.`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no version in the output of version -json:\n%s", out)
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor
}

// TestAccAPIKeyEphemeralResource_noSecretInOutput runs the CLI itself: with
// the ephemeral secret feeding a write-only argument, neither the plan and
// apply output, nor the saved plan, nor the state file hold it.
func TestAccAPIKeyEphemeralResource_noSecretInOutput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cli := acctest.NewCLI(t)
	if major, minor := cliVersion(t, cli); major == 1 && minor < 11 {
		t.Skipf("write-only arguments need Terraform 1.11 or OpenTofu 1.11 or later; %s is %d.%d",
			os.Getenv("TF_ACC_TERRAFORM_PATH"), major, minor)
	}
	sourceID, sourceSecret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	existingKey(t, env, acctest.RandomName(), sourceID, sourceSecret)
	id := acctest.RandomManualKeyID()

	cli.WriteConfig(env.Config(writeOnlyFromEphemeralConfig(sourceID, acctest.RandomName(), id, 1)))
	outputs := map[string]string{
		"plan":      cli.MustRun("plan", "-no-color", "-out=tfplan"),
		"show plan": cli.MustRun("show", "-json", "tfplan"),
		"apply":     cli.MustRun("apply", "-auto-approve", "-no-color", "tfplan"),
		"show":      cli.MustRun("show", "-json"),
	}
	state, err := os.ReadFile(filepath.Join(cli.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	outputs["state file"] = string(state)
	for what, out := range outputs {
		if strings.Contains(out, sourceSecret) {
			t.Fatalf("the %s holds the secret:\n%s", what, out)
		}
	}
	if !acctest.WordsRegexp("access_key_secret_wo = (write-only attribute)").MatchString(outputs["plan"]) {
		t.Errorf("the plan does not show access_key_secret_wo as write-only:\n%s", outputs["plan"])
	}
	if key, err := env.RemoteKey(id); err != nil || key == nil || key.AccessKeySecret != sourceSecret {
		t.Fatalf("key %s does not hold the ephemeral key's secret on the API (err: %v)", id, err)
	}
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if key, err := env.RemoteKey(id); err != nil || key != nil {
		t.Fatalf("destroy left key %s behind (err: %v)", id, err)
	}
}
