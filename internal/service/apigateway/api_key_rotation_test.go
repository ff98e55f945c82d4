package apigateway_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
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

// Importing a key and applying a configuration with rotation_triggers
// records the triggers and never rotates the live key's secret. Changing
// them afterwards rotates it; removing them rotates nothing.
func TestAccAPIKey_importThenTriggersDoesNotRotate(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	key := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name, AccessKeyType: conns.KeyTypeAuto})
	withTriggers := env.Config(autoKeyConfig(name, "on", triggers("2026-Q4")))
	sameID := statecheck.CompareValue(compare.ValuesSame())
	rotated := statecheck.CompareValue(compare.ValuesDiffer())
	kept := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				// terraform import: state holds no triggers ({}).
				Config:             withTriggers,
				ResourceName:       testAddress,
				ImportState:        true,
				ImportStateId:      key.AccessKeyID,
				ImportStatePersist: true,
			},
			{
				Config: withTriggers,
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
					})),
					sameID.AddStateValue(testAddress, attr("id")),
					rotated.AddStateValue(testAddress, attr("access_key_secret")),
				},
			},
			{
				// A changed non-empty map rotates: same ID, new secret.
				Config: env.Config(autoKeyConfig(name, "on", triggers("2027-Q1"))),
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

// The same with an import block, whose plan sees the configuration: the
// apply records the triggers with no API call.
func TestAccAPIKey_importBlockThenTriggersDoesNotRotate(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	key := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name, AccessKeyType: conns.KeyTypeAuto})

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
				},
			},
			{
				Config: env.Config(importBlock(key.AccessKeyID) + autoKeyConfig(name, "on", triggers("2026-Q4", "green"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
				},
			},
		},
	})
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
