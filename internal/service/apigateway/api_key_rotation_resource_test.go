package apigateway_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

const (
	rotationAddress = "tencentcloud_api_gateway_api_key_rotation.test"
	blueAddress     = "tencentcloud_api_gateway_api_key.blue"
	greenAddress    = "tencentcloud_api_gateway_api_key.green"
)

// rotationKeysConfig is two auto keys, blue and green, and, when bound,
// a usage plan that both are bound to (so that they pass the gateway).
func rotationKeysConfig(name string, bound bool) string {
	cfg := fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "blue" {
  secret_name = "%[1]s-blue"
}

resource "tencentcloud_api_gateway_api_key" "green" {
  secret_name = "%[1]s-green"
}
`, name)
	if bound {
		cfg += fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key_attachment" "blue" {
  api_key_id    = tencentcloud_api_gateway_api_key.blue.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}

resource "tencentcloud_api_gateway_api_key_attachment" "green" {
  api_key_id    = tencentcloud_api_gateway_api_key.green.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`, name)
	}
	return cfg
}

// rotationConfig is the keys and a rotation of them with the given
// rotation_triggers line ("" for none).
func rotationConfig(name string, bound bool, triggers string) string {
	return rotationKeysConfig(name, bound) + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
%s
}
`, triggers)
}

// rotationPair is what a rotation's state says, captured for later steps.
type rotationPair struct{ active, previous, secret string }

func (p *rotationPair) capture() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		acctest.CaptureAttribute(rotationAddress, "active_access_key_id", &p.active),
		acctest.CaptureAttribute(rotationAddress, "previous_access_key_id", &p.previous),
		acctest.CaptureAttribute(rotationAddress, "active_access_key_secret", &p.secret),
	}
}

// rotatedFrom checks a rotation's outcome against the pair before it: the
// keys swapped roles; the new active key holds the state's secret, a new
// one; the key that was active kept its secret; last_rotation_time is the
// new active key's modification time.
func rotatedFrom(env *acctest.Env, before *rotationPair, oldStandbySecret *string) statecheck.StateCheck {
	var after rotationPair
	checks := after.capture()
	return multiCheck(append(checks, stateCheckFunc(func() error {
		if after.active != before.previous || after.previous != before.active {
			return fmt.Errorf("expected %s to become active and %s previous, got active %s, previous %s",
				before.previous, before.active, after.active, after.previous)
		}
		active, err := env.RemoteKey(after.active)
		if err != nil || active == nil {
			return fmt.Errorf("reading key %s: %v", after.active, err)
		}
		if active.AccessKeySecret != after.secret {
			return fmt.Errorf("active_access_key_secret is not the secret key %s holds", after.active)
		}
		if active.AccessKeySecret == *oldStandbySecret {
			return fmt.Errorf("key %s, now active, still has the secret it had before the rotation", after.active)
		}
		previous, err := env.RemoteKey(after.previous)
		if err != nil || previous == nil {
			return fmt.Errorf("reading key %s: %v", after.previous, err)
		}
		if previous.AccessKeySecret != before.secret {
			return fmt.Errorf("key %s, active before the rotation, lost the secret its callers hold", after.previous)
		}
		*before = after
		*oldStandbySecret = previous.AccessKeySecret
		return nil
	}))...)
}

// TestAccAPIKeyRotation_lifecycle: create rotates nothing and makes the
// more recently modified key active; each trigger change makes exactly one
// UpdateApiKey, on the key that is not active, and the keys alternate;
// the key resources then refresh to their new secrets with an empty plan;
// removing the triggers, and setting them again, rotates nothing.
func TestAccAPIKeyRotation_lifecycle(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var pair rotationPair
	var standbySecret string
	rotation := func(n string) resource.TestStep {
		return resource.TestStep{
			Config: env.Config(rotationConfig(name, false, triggers(n))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(blueAddress, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(greenAddress, plancheck.ResourceActionNoop),
					// The key that becomes active is known at plan time.
					planValueFrom(rotationAddress, "active_access_key_id", &pair.previous),
					planValueFrom(rotationAddress, "previous_access_key_id", &pair.active),
					plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_secret")),
					env.MarkCalls(),
				},
				// The key resources see their own secret change on refresh:
				// computed, so no diff.
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
				rotatedFrom(env, &pair, &standbySecret),
				env.ExpectRemoteKeyCount(2),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(rotationConfig(name, false, triggers("1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(rotationAddress, attr("last_rotation_time"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: append(pair.capture(),
					statecheck.ExpectKnownValue(rotationAddress, attr("last_rotation_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"t0": knownvalue.StringExact("1"),
					})),
					noUpdateSinceStart(env),
					activeIsMoreRecentlyModified(env, &pair),
					stateCheckFunc(func() error {
						previous, err := env.RemoteKey(pair.previous)
						if err != nil || previous == nil {
							return fmt.Errorf("reading key %s: %v", pair.previous, err)
						}
						standbySecret = previous.AccessKeySecret
						return nil
					}),
				),
			},
			rotation("2"),
			rotation("3"),
			rotation("4"),
			{
				// Removing the triggers rotates nothing and calls nothing.
				Config: env.Config(rotationConfig(name, false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.NotNull()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					statecheck.ExpectKnownValue(rotationAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				// Setting them where there were none records them only.
				Config: env.Config(rotationConfig(name, false, triggers("5"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectCallCounts(map[string]int{})},
			},
		},
	})
}

// multiCheck runs state checks in order, stopping at the first error, so
// that later ones can use what earlier ones captured.
func multiCheck(checks ...statecheck.StateCheck) statecheck.StateCheck {
	return multiStateCheck(checks)
}

type multiStateCheck []statecheck.StateCheck

func (m multiStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, c := range m {
		c.CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
	}
}

// planValueFrom checks that the plan sets a string attribute to *want, read
// when the check runs (so a value captured by an earlier step).
func planValueFrom(address, name string, want *string) plancheck.PlanCheck {
	return planValue{address: address, name: name, want: want}
}

type planValue struct {
	address, name string
	want          *string
}

func (p planValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != p.address || rc.Change == nil {
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		if got, _ := after[p.name].(string); got != *p.want {
			resp.Error = fmt.Errorf("%s.%s is planned as %q, want %q", p.address, p.name, got, *p.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", p.address)
}

// noUpdateSinceStart checks that no UpdateApiKey has reached the emulator.
func noUpdateSinceStart(env *acctest.Env) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		if slices.Contains(callLog(env), "UpdateApiKey") {
			return fmt.Errorf("UpdateApiKey was called: %v", callLog(env))
		}
		return nil
	})
}

// activeIsMoreRecentlyModified checks the choice of the active key on create
// or import: the more recently modified of the two (or as recently).
func activeIsMoreRecentlyModified(env *acctest.Env, pair *rotationPair) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		active, err1 := env.RemoteKey(pair.active)
		previous, err2 := env.RemoteKey(pair.previous)
		if err1 != nil || err2 != nil || active == nil || previous == nil {
			return fmt.Errorf("reading keys %s and %s: %v %v", pair.active, pair.previous, err1, err2)
		}
		if active.ModifiedTime < previous.ModifiedTime {
			return fmt.Errorf("active key %s was modified at %s, before key %s (%s)", pair.active, active.ModifiedTime,
				pair.previous, previous.ModifiedTime)
		}
		return nil
	})
}
