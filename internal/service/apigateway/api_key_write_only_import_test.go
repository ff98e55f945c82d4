package apigateway_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// An import block plans with the configuration: importing a key that the
// configuration manages with access_key_secret_wo writes a state without
// its secret. The secret is sent only when the configured one is not the
// live one.
func TestAccAPIKey_writeOnlyImportBlockStoresNoSecret(t *testing.T) {
	cases := map[string]struct {
		configured func(live string) string
		calls      []string
	}{
		"configured secret is the live one": {
			configured: func(live string) string { return live },
			calls:      nil,
		},
		"configured secret is another": {
			configured: func(string) string { return acctest.RandomManualKeySecret() },
			calls:      []string{"UpdateApiKey"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			keyName, id, live := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
			configured := tc.configured(live)

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: keyName, AccessKeyType: conns.KeyTypeManual,
								AccessKeyID: id, AccessKeySecret: live})
						},
						Config:          env.Config(importBlock(id) + writeOnlyKeyConfig(keyName, id, 1)),
						ConfigVariables: secretVariable(configured),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
								env.MarkCalls(),
							},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							env.ExpectCalls(tc.calls...),
							env.ExpectRemoteSecret(id, configured),
							acctest.StateDoesNotContain(live, configured),
							env.KeyMatchesRemote(testAddress),
							statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
							statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_wo_version"), knownvalue.Int64Exact(1)),
						},
					},
				},
			})
		})
	}
}

// The terraform import command cannot see the configuration, so the state
// it writes holds the secret (as documented); the next apply drops it, with
// no API call when the configured secret is the live one. Run as a user
// runs it, with the state file read as it is.
func TestAccAPIKey_writeOnlyImportCommandSecretDroppedByApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test counts the API calls of the apply")
	cli := acctest.NewCLI(t)
	if major, minor := cliVersion(t, cli); major == 1 && minor < 11 {
		t.Skipf("write-only arguments need Terraform 1.11 or OpenTofu 1.11 or later; %s is %d.%d",
			os.Getenv("TF_ACC_TERRAFORM_PATH"), major, minor)
	}
	keyName, id, secret := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: keyName, AccessKeyType: conns.KeyTypeManual,
		AccessKeyID: id, AccessKeySecret: secret})
	stateFile := func() string {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join(cli.Dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	vars := []string{"TF_VAR_secret=" + secret}

	cli.WriteConfig(env.Config(writeOnlyKeyConfig(keyName, id, 1)))
	if out, err := cli.Run(vars, "import", "-no-color", testAddress, id); err != nil {
		t.Fatalf("import failed: %v\n%s", err, out)
	}
	if !strings.Contains(stateFile(), secret) {
		t.Errorf("the state written by terraform import no longer holds the secret: update the documentation, which says it does")
	}
	before := len(env.Emulator.Calls())
	if out, err := cli.Run(vars, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	if got := callCounts(env.Emulator.Calls()[before:]); got["UpdateApiKey"] != 0 {
		t.Errorf("the apply sent the secret that the key already has: calls %v", got)
	}
	if strings.Contains(stateFile(), secret) {
		t.Errorf("the state still holds the secret after the apply")
	}
	if !strings.Contains(stateFile(), `"access_key_secret_fingerprint": "$argon2id$`) {
		t.Errorf("the state after the apply holds no fingerprint of the secret")
	}
	if remote, _ := env.Emulator.Key(id); remote.AccessKeySecret != secret {
		t.Errorf("the live secret of key %s changed", id)
	}
	if out, err := cli.Run(vars, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("destroy failed: %v\n%s", err, out)
	}
}
