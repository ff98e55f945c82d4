package apigateway_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

const attachmentAddress = "tencentcloud_api_gateway_api_key_attachment.test"

// attachmentConfig is a usage plan, n auto keys and a binding of each key
// to the plan (none when bound is false).
func attachmentConfig(name string, n int, bound bool) string {
	cfg := fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key" "test" {
  count       = %[2]d
  secret_name = "%[1]s-${count.index}"
}
`, name, n)
	if bound {
		cfg += `
resource "tencentcloud_api_gateway_api_key_attachment" "test" {
  count         = length(tencentcloud_api_gateway_api_key.test)
  api_key_id    = tencentcloud_api_gateway_api_key.test[count.index].id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`
	}
	return cfg
}

// oneBindingConfig is a usage plan, a key and its binding, without count
// (import steps address the binding by name).
func oneBindingConfig(name string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key_attachment" "test" {
  api_key_id    = tencentcloud_api_gateway_api_key.test.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`, name)
}

// singleAttachmentConfig binds one key to one plan, both given by ID.
func singleAttachmentConfig(keyID, planID string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_attachment" "test" {
  api_key_id    = %q
  usage_plan_id = %q
}
`, keyID, planID)
}

// checkDestroyAttachments: no attachment in state is still bound, and
// neither its key nor its plan (when made by the test) is left.
func checkDestroyAttachments(env *acctest.Env) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != acctest.APIKeyAttachmentResourceType {
				continue
			}
			bound, err := env.IsBound(rs.Primary.Attributes["api_key_id"], rs.Primary.Attributes["usage_plan_id"])
			if err != nil {
				return err
			}
			if bound {
				return fmt.Errorf("attachment %s is still bound after destroy", rs.Primary.ID)
			}
		}
		if err := env.CheckUsagePlansDestroyed(s); err != nil {
			return err
		}
		return env.CheckDestroy(s)
	}
}

// checkAttachmentID checks that the ID is <api_key_id>#<usage_plan_id>.
type checkAttachmentID struct{ address string }

func (c checkAttachmentID) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.address {
			id, key, plan := r.AttributeValues["id"], r.AttributeValues["api_key_id"], r.AttributeValues["usage_plan_id"]
			if want := fmt.Sprintf("%v#%v", key, plan); id != want {
				resp.Error = fmt.Errorf("%s: id is %v, want %s", c.address, id, want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in state", c.address)
}

// A plan, a key and its binding are created in one apply, with an empty
// plan after; the binding imports by ID; a malformed import ID is refused
// with the expected shape; and everything destroys (the binding first, or
// the key's delete would be refused).
func TestAccAPIKeyAttachment_basic(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	first := attachmentAddress
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(oneBindingConfig(name)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(first, plancheck.ResourceActionCreate),
						env.MarkCalls(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkAttachmentID{first},
					statecheck.ExpectKnownValue(first, attr("usage_plan_id"), knownvalue.StringRegexp(regexp.MustCompile(`^usagePlan-`))),
					env.BindingsMatchState(),
					env.ExpectActionCalls("BindSecretIds", 1),
				},
			},
			{
				ResourceName:      first,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  first,
				ImportState:   true,
				ImportStateId: "AKIDnoplan",
				ExpectError:   acctest.WordsRegexp("Expected <api_key_id>#<usage_plan_id>"),
			},
		},
	})
}

// Every binding in state carries its identity, and an import block with the
// identity alone brings it back with no change planned.
func TestAccAPIKeyAttachment_identity(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	first := attachmentAddress
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(oneBindingConfig(name)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(first, map[string]knownvalue.Check{
						"api_key_id":    knownvalue.StringRegexp(regexp.MustCompile(`^AKID`)),
						"usage_plan_id": knownvalue.StringRegexp(regexp.MustCompile(`^usagePlan-`)),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(first, attr("api_key_id"), attr("api_key_id")),
					statecheck.ExpectIdentityValueMatchesStateAtPath(first, attr("usage_plan_id"), attr("usage_plan_id")),
				},
			},
			{
				ResourceName:    first,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(first, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// A binding removed outside Terraform leaves state: the next plan creates
// it and the apply binds the key again. A plan deleted outside Terraform
// takes its bindings with it: the plan and the binding are created again.
func TestAccAPIKeyAttachment_restoredAfterOutOfBandChanges(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	first := attachmentAddress + "[0]"
	cfg := env.Config(attachmentConfig(name, 2, true))
	var keyID, planID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute(first, "api_key_id", &keyID),
					acctest.CaptureAttribute(first, "usage_plan_id", &planID),
					env.BindingsMatchState(),
				},
			},
			{
				PreConfig: func() { env.UnbindOutOfBand(keyID, planID) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(first, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(attachmentAddress+"[1]", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.BindingsMatchState()},
			},
			{
				PreConfig: func() { env.DeleteUsagePlanOutOfBand(planID) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tencentcloud_api_gateway_usage_plan.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(first, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(attachmentAddress+"[1]", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.BindingsMatchState()},
			},
		},
	})
}

// Removing keys and their bindings from the configuration destroys the
// bindings first: the keys' deletes, which the API refuses for a bound
// key, then succeed, and the plan stays.
func TestAccAPIKeyAttachment_destroyOrder(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config:            env.Config(attachmentConfig(name, 3, true)),
				ConfigStateChecks: []statecheck.StateCheck{env.BindingsMatchState(), env.ExpectRemoteKeyCount(3)},
			},
			{
				Config: env.Config(attachmentConfig(name, 0, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(attachmentAddress+"[2]", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("tencentcloud_api_gateway_api_key.test[2]", plancheck.ResourceActionDestroy),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.BindingsMatchState(),
					env.ExpectRemoteKeyCount(0),
					// The unbinds (shared when they arrive together) come
					// first: no key delete is refused for a binding.
					env.ExpectActionCallsAtMost("UnBindSecretIds", 3),
					env.ExpectActionCalls("DeleteApiKey", 3),
				},
			},
		},
	})
}

// Many bindings to one plan share BindSecretIds calls; under faults on
// BindSecretIds (refused, performed then failed, answer dropped) the apply
// still binds exactly the keys in state.
func TestAccAPIKeyAttachment_manyBindingsUnderFaults(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "faults are injected into BindSecretIds")
	name := acctest.RandomName()
	const n = 20
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{Config: env.Config(attachmentConfig(name, n, false))},
			{
				// The keys exist: their n binds start together, -parallelism at a time.
				Config: env.Config(attachmentConfig(name, n, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{env.MarkCalls()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.BindingsMatchState(),
					env.ExpectActionCallsAtMost("BindSecretIds", n*3/4),
				},
			},
			{
				PreConfig: func() {
					for _, p := range env.Emulator.UsagePlans() {
						for _, k := range p.AccessKeyIDs {
							env.Emulator.UnbindKey(p.UsagePlanID, k)
						}
					}
					env.Emulator.SetFaults(emulator.Faults{Seed: 3, TransientRate: 0.25, DropRate: 0.2, CommitErrorRate: 0.2,
						Actions: []string{"BindSecretIds"}})
					env.MarkCallsNow()
				},
				Config: env.Config(attachmentConfig(name, n, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.BindingsMatchState(),
					env.ExpectFaultsMet("BindSecretIds"),
				},
			},
		},
	})
}

// The plan's quota of 50 keys and the key's quota of 10 plans fail the
// bind with an error that names the limit, and bind nothing.
func TestAccAPIKeyAttachment_limits(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "full plans are seeded")
	full := env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "full"})
	for i := range 50 {
		id := fmt.Sprintf("AKIDlimitFullPlan%019d", i)
		seedKey(env, id, "full", acctest.RandomManualKeySecret(), "auto", true)
		env.Emulator.BindKey(full.UsagePlanID, id)
	}
	const busy = "AKIDlimitBusyKey0000000000000000001"
	seedKey(env, busy, "busy", acctest.RandomManualKeySecret(), "auto", true)
	for i := range 10 {
		p := env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: fmt.Sprintf("busy-%d", i)})
		env.Emulator.BindKey(p.UsagePlanID, busy)
	}
	eleventh := env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "eleventh"})
	const spare = "AKIDlimitSpareKey000000000000000001"
	seedKey(env, spare, "spare", acctest.RandomManualKeySecret(), "auto", true)
	before := env.RemoteBindings()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.Config(singleAttachmentConfig(spare, full.UsagePlanID)),
				ExpectError: acctest.WordsRegexp("A usage plan holds at most 50 API keys"),
			},
			{
				Config:      env.Config(singleAttachmentConfig(busy, eleventh.UsagePlanID)),
				ExpectError: acctest.WordsRegexp("An API key can be bound to at most 10 usage plans"),
			},
		},
	})
	if after := env.RemoteBindings(); !slices.Equal(after, before) {
		t.Fatalf("the refused binds changed the bindings: %d before, %d after", len(before), len(after))
	}
}

// A missing key or plan fails the bind with an error that names it.
func TestAccAPIKeyAttachment_notFound(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the plan and key are seeded")
	plan := env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "lonely"})
	const key = "AKIDnotFoundKey00000000000000000001"
	seedKey(env, key, "lonely", acctest.RandomManualKeySecret(), "auto", true)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.Config(singleAttachmentConfig("AKIDnoSuchKey", plan.UsagePlanID)),
				ExpectError: acctest.WordsRegexp("The API key does not exist (in this region). Check api_key_id."),
			},
			{
				Config:      env.Config(singleAttachmentConfig(key, "usagePlan-nosuch00")),
				ExpectError: acctest.WordsRegexp("The usage plan does not exist (in this region). Check usage_plan_id."),
			},
		},
	})
}

// A binding that exists already is adopted with a warning; destroying the
// resource unbinds it.
func TestAccAPIKeyAttachment_adoptsExistingBinding(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the binding is made out of band")
	plan := env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "adopt"})
	const key = "AKIDadoptKey0000000000000000000001"
	seedKey(env, key, "adopt", acctest.RandomManualKeySecret(), "auto", true)
	env.Emulator.BindKey(plan.UsagePlanID, key)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(singleAttachmentConfig(key, plan.UsagePlanID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{env.MarkCalls()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.BindingsMatchState(),
					// Refused as already bound, then found in the listing.
					env.ExpectCalls("BindSecretIds", "DescribeUsagePlanSecretIds"),
				},
			},
		},
	})
	if bound, _ := env.IsBound(key, plan.UsagePlanID); bound {
		t.Fatalf("destroying the adopted binding left the key bound")
	}
}

// Malformed IDs are refused at plan time, before any API call.
func TestAccAPIKeyAttachment_badInput(t *testing.T) {
	env := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.Config(singleAttachmentConfig("AKID-not-a-key!", "usagePlan-abcd1234")),
				PlanOnly:    true,
				ExpectError: acctest.WordsRegexp("must contain only letters, digits and underscores"),
			},
			{
				Config:      env.Config(singleAttachmentConfig("AK1", "usagePlan-abcd1234")),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`string length must be between 5 and 50|Invalid Attribute Value Length`),
			},
			{
				Config:      env.Config(singleAttachmentConfig("AKIDabcdef", "plan-1")),
				PlanOnly:    true,
				ExpectError: acctest.WordsRegexp(`must be a usage plan ID: "usagePlan-" followed by letters and digits`),
			},
		},
	})
	env.AssertNoCalls(t)
}

// dataPlaneConfig is a usage plan and a key of the given status, bound to
// the plan when bound is true.
func dataPlaneConfig(name, status string, bound bool) string {
	cfg := fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %[1]q
  status      = %[2]q
}
`, name, status)
	if bound {
		cfg += `
resource "tencentcloud_api_gateway_api_key_attachment" "test" {
  api_key_id    = tencentcloud_api_gateway_api_key.test.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`
	}
	return cfg
}

// A caller of an API with key-pair authentication (the emulator's gateway)
// passes only while its key is bound and on: bound and on, 200; unbound
// out of band, 403 until the apply binds it again; the binding removed from
// the configuration, 403; bound again but off, 403; on again, 200.
func TestAccAPIKeyAttachment_dataPlane(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the emulator plays the gateway")
	name := acctest.RandomName()
	var keyID, secret, planID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(dataPlaneConfig(name, "on", true)),
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectGatewayAnswer(testAddress, 200, emulator.GatewayOK),
					acctest.CaptureAttribute(testAddress, "id", &keyID),
					acctest.CaptureAttribute(testAddress, "access_key_secret", &secret),
					acctest.CaptureAttribute(attachmentAddress, "usage_plan_id", &planID),
				},
			},
			{
				PreConfig: func() {
					env.UnbindOutOfBand(keyID, planID)
					env.ExpectGatewayAnswerNow(keyID, secret, 403, emulator.GatewayKeyNotBound)
				},
				Config:            env.Config(dataPlaneConfig(name, "on", true)),
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectGatewayAnswer(testAddress, 200, emulator.GatewayOK)},
			},
			{
				Config:            env.Config(dataPlaneConfig(name, "on", false)),
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectGatewayAnswer(testAddress, 403, emulator.GatewayKeyNotBound)},
			},
			{
				Config:            env.Config(dataPlaneConfig(name, "off", true)),
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectGatewayAnswer(testAddress, 403, emulator.GatewayKeyDisabled)},
			},
			{
				Config:            env.Config(dataPlaneConfig(name, "on", true)),
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectGatewayAnswer(testAddress, 200, emulator.GatewayOK)},
			},
		},
	})
}
