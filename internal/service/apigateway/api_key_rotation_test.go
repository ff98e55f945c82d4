package apigateway_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// createOutsideTerraform makes a key through the API, as a console user
// would, for tests that import it.
func createOutsideTerraform(t *testing.T, env *acctest.Env, in conns.CreateAPIKeyInput) *conns.APIKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, err := env.Client.CreateAPIKey(ctx, in)
	if err != nil {
		t.Fatalf("creating a key to import: %s", err)
	}
	return key
}

func importBlock(id string) string {
	return fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, testAddress, id)
}

func triggers(values ...string) string {
	out := "  rotation_triggers = {\n"
	for i, v := range values {
		out += fmt.Sprintf("    t%d = %q\n", i, v)
	}
	return out + "  }"
}

// Importing a key with an import block and applying a configuration with
// rotation_triggers records the triggers and never rotates the live key's
// secret. Changing them afterwards rotates it; removing them rotates nothing.
func TestAccAPIKey_importThenTriggersDoesNotRotate(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	key := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name, AccessKeyType: conns.KeyTypeAuto})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	rotated := statecheck.CompareValue(compare.ValuesDiffer())
	kept := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(importBlock(key.AccessKeyID) + autoKeyConfig(name, "on", triggers("2026-Q4", "blue"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(key.AccessKeySecret)),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(key.AccessKeySecret)),
					statecheck.ExpectKnownValue(testAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"t0": knownvalue.StringExact("2026-Q4"),
						"t1": knownvalue.StringExact("blue"),
					})),
					sameID.AddStateValue(testAddress, attr("id")),
					rotated.AddStateValue(testAddress, attr("access_key_secret")),
				},
			},
			{
				// A changed non-empty map rotates: same ID, new secret.
				Config: env.Config(autoKeyConfig(name, "on", triggers("2026-Q4", "green"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret")),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					sameID.AddStateValue(testAddress, attr("id")),
					rotated.AddStateValue(testAddress, attr("access_key_secret")),
					kept.AddStateValue(testAddress, attr("access_key_secret")),
				},
			},
			{
				// Removing the triggers records {} and rotates nothing.
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					kept.AddStateValue(testAddress, attr("access_key_secret")),
				},
			},
		},
	})
}

// The same with the terraform import command, run as a user runs it: the
// import cannot see the configuration, and the apply after it still
// rotates nothing.
func TestAccAPIKey_importCommandThenTriggersDoesNotRotate(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test counts the API calls of the apply")
	cli := acctest.NewCLI(t)
	name := acctest.RandomName()
	key := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name, AccessKeyType: conns.KeyTypeAuto})

	cli.WriteConfig(env.Config(autoKeyConfig(name, "on", triggers("2026-Q4"))))
	cli.MustRun("import", "-no-color", testAddress, key.AccessKeyID)
	before := len(env.Emulator.Calls())
	cli.MustRun("apply", "-auto-approve", "-no-color")
	if got := callCounts(env.Emulator.Calls()[before:]); got["UpdateApiKey"] != 0 {
		t.Errorf("the apply after the import rotated the key: calls %v", got)
	}
	if remote, _ := env.Emulator.Key(key.AccessKeyID); remote.AccessKeySecret != key.AccessKeySecret {
		t.Errorf("the live secret of key %s changed", key.AccessKeyID)
	}
	if state := cli.MustRun("show", "-json"); !strings.Contains(state, `"rotation_triggers":{"t0":"2026-Q4"}`) {
		t.Errorf("the state does not record the triggers:\n%s", state)
	}
	// The next plan is empty.
	if out := cli.MustRun("plan", "-no-color", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the apply is not empty:\n%s", out)
	}
	cli.MustRun("destroy", "-auto-approve", "-no-color")
}

// callCounts counts calls by action.
func callCounts(calls []emulator.Call) map[string]int {
	out := map[string]int{}
	for _, c := range calls {
		out[c.Action]++
	}
	return out
}

// An absent rotation_triggers and {} are the same: switching between them
// plans nothing and calls nothing, whichever the key was created with.
func TestAccAPIKey_emptyTriggersSameAsNone(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	config := func(aTriggers, bTriggers string) string {
		return env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "a" {
  secret_name = "%[1]s-a"
  %[2]s
}

resource "tencentcloud_api_gateway_api_key" "b" {
  secret_name = "%[1]s-b"
  %[3]s
}
`, name, aTriggers, bTriggers))
	}
	noTriggers := knownvalue.MapExact(map[string]knownvalue.Check{})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("", "rotation_triggers = {}"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tencentcloud_api_gateway_api_key.a", attr("rotation_triggers"), noTriggers),
					statecheck.ExpectKnownValue("tencentcloud_api_gateway_api_key.b", attr("rotation_triggers"), noTriggers),
				},
			},
			{
				Config: config("rotation_triggers = {}", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectCallCounts(map[string]int{})},
			},
			{
				Config: config("", "rotation_triggers = {}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectCallCounts(map[string]int{})},
			},
		},
	})
}
