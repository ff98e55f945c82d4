package apigateway_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

const planAddress = "tencentcloud_api_gateway_usage_plan.test"

// usagePlanConfig is a plan with the given arguments (HCL lines) besides its name.
func usagePlanConfig(name, body string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %q
%s
}
`, name, body)
}

var planIDPattern = regexp.MustCompile(`^usagePlan-[a-z0-9]+$`)

// checkDestroyPlans is CheckDestroy for tests of plans only.
func checkDestroyPlans(env *acctest.Env) func(*terraform.State) error {
	return func(s *terraform.State) error {
		if err := env.CheckUsagePlansDestroyed(s); err != nil {
			return err
		}
		return env.CheckDestroy(s)
	}
}

// Create with the defaults (one call, its answer is the state, the next
// plan is empty), import by ID, update in place with one ModifyUsagePlan,
// clear the description and limits again, and destroy (a read to check no
// key is bound, then the delete).
func TestAccUsagePlan_basic(t *testing.T) {
	env := acctest.New(t)
	name, renamed := acctest.RandomName(), acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	created := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyPlans(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(usagePlanConfig(name, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(planAddress, attr("max_request_num"), knownvalue.Int64Exact(-1)),
						plancheck.ExpectKnownValue(planAddress, attr("max_request_num_pre_sec"), knownvalue.Int64Exact(-1)),
						plancheck.ExpectKnownValue(planAddress, attr("usage_plan_desc"), knownvalue.StringExact("")),
						env.MarkCalls(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("CreateUsagePlan"),
					env.UsagePlanMatchesRemote(planAddress),
					statecheck.ExpectKnownValue(planAddress, attr("id"), knownvalue.StringRegexp(planIDPattern)),
					statecheck.ExpectKnownValue(planAddress, attr("usage_plan_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num"), knownvalue.Int64Exact(-1)),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num_pre_sec"), knownvalue.Int64Exact(-1)),
					statecheck.ExpectKnownValue(planAddress, attr("attach_api_keys"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(planAddress, attr("attach_list"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(planAddress, attr("create_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					sameID.AddStateValue(planAddress, attr("id")),
					created.AddStateValue(planAddress, attr("create_time")),
				},
			},
			{
				// terraform import: one DescribeUsagePlan; the state is the same.
				PreConfig:         env.MarkCallsNow,
				ResourceName:      planAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateCheck: func([]*terraform.InstanceState) error {
					env.AssertCalls(t, "DescribeUsagePlan")
					return nil
				},
			},
			{
				ResourceName:    planAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: env.Config(usagePlanConfig(renamed, `  usage_plan_desc         = "partners"
  max_request_num         = 99999999
  max_request_num_pre_sec = 2000`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(planAddress, attr("modify_time")),
						plancheck.ExpectKnownValue(planAddress, attr("create_time"), knownvalue.NotNull()),
						plancheck.ExpectKnownValue(planAddress, attr("attach_api_keys"), knownvalue.ListSizeExact(0)),
						env.MarkCalls(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("ModifyUsagePlan"),
					env.UsagePlanMatchesRemote(planAddress),
					statecheck.ExpectKnownValue(planAddress, attr("usage_plan_name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(planAddress, attr("usage_plan_desc"), knownvalue.StringExact("partners")),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num"), knownvalue.Int64Exact(99999999)),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num_pre_sec"), knownvalue.Int64Exact(2000)),
					sameID.AddStateValue(planAddress, attr("id")),
					created.AddStateValue(planAddress, attr("create_time")),
				},
			},
			{
				// Removing the arguments sets the defaults again: no
				// description, no limits.
				Config: env.Config(usagePlanConfig(renamed, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionUpdate), env.MarkCalls()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("ModifyUsagePlan"),
					env.UsagePlanMatchesRemote(planAddress),
					statecheck.ExpectKnownValue(planAddress, attr("usage_plan_desc"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num"), knownvalue.Int64Exact(-1)),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num_pre_sec"), knownvalue.Int64Exact(-1)),
				},
			},
			{
				Config:  env.Config(usagePlanConfig(renamed, "")),
				Destroy: true,
			},
			{
				// The destroy ended with a read (no key may be bound) and the delete.
				Config: env.Config(""),
				PreConfig: func() {
					if env.Emulator == nil {
						return
					}
					calls := env.Emulator.Calls()
					var last []string
					for _, c := range calls[max(0, len(calls)-2):] {
						last = append(last, c.Action+c.ErrorCode)
					}
					if fmt.Sprint(last) != "[DescribeUsagePlan DeleteUsagePlan]" {
						t.Errorf("the destroy ended with calls %v, want [DescribeUsagePlan DeleteUsagePlan]", last)
					}
				},
			},
		},
	})
}

// A refresh reads the plan with one call (the emulator's plans are bound to
// no service, so attach_list costs nothing), and a plan deleted outside
// Terraform leaves state: the next plan creates it again.
func TestAccUsagePlan_disappears(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the refresh's calls are counted")
	name := acctest.RandomName()
	var id string
	cfg := env.Config(usagePlanConfig(name, `  max_request_num_pre_sec = 5`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyPlans(env),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(planAddress, "id", &id)},
			},
			{
				PreConfig:    env.MarkCallsNow,
				RefreshState: true,
			},
			{
				PreConfig: func() {
					// The refresh and the plan the harness runs after it:
					// one DescribeUsagePlan each, nothing else.
					env.AssertCalls(t, "DescribeUsagePlan", "DescribeUsagePlan")
					env.DeleteUsagePlanOutOfBand(id)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.UsagePlanMatchesRemote(planAddress),
					statecheck.ExpectKnownValue(planAddress, attr("max_request_num_pre_sec"), knownvalue.Int64Exact(5)),
				},
			},
		},
	})
}

// Out-of-range limits and an empty name are plan-time errors: no API call.
func TestAccUsagePlan_badInput(t *testing.T) {
	const (
		total     = `value must be between 1 and 99999999`
		perSecond = `value must be between 1 and 2000`
	)
	for name, tc := range map[string]struct{ body, want string }{
		"total 0":             {`max_request_num = 0`, total},
		"total -2":            {`max_request_num = -2`, total},
		"total too high":      {`max_request_num = 100000000`, total},
		"per second 0":        {`max_request_num_pre_sec = 0`, perSecond},
		"per second -5":       {`max_request_num_pre_sec = -5`, perSecond},
		"per second too high": {`max_request_num_pre_sec = 2001`, perSecond},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.Config(usagePlanConfig("invalid", "  "+tc.body)),
					PlanOnly:    true,
					ExpectError: acctest.WordsRegexp(tc.want),
				}},
			})
			env.AssertNoCalls(t)
		})
	}
	t.Run("empty name", func(t *testing.T) {
		env := acctest.New(t)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(usagePlanConfig("", "")),
				PlanOnly:    true,
				ExpectError: acctest.WordsRegexp(`string length must be at least 1`),
			}},
		})
		env.AssertNoCalls(t)
	})
}

// With 200 plans in the account, a create fails with a clear error, once.
func TestAccUsagePlan_quota(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the account is filled with 200 plans")
	for i := range 200 {
		env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanName: fmt.Sprintf("seeded-%03d", i)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   env.MarkCallsNow,
				Config:      env.Config(usagePlanConfig(acctest.RandomName(), "")),
				ExpectError: acctest.WordsRegexp(`The account has reached its usage plan quota (200)`),
			},
			{
				PreConfig: func() { env.AssertCalls(t, "CreateUsagePlan→LimitExceeded.UsagePlanLimitExceeded") },
				Config:    env.Config(""),
			},
		},
	})
	if n := len(env.Emulator.UsagePlans()); n != 200 {
		t.Errorf("the emulator holds %d plans, want the 200 seeded", n)
	}
}

// Keys bound to the plan after it was created (here out of band, as an
// attachment made in the same apply does) show in attach_api_keys from the
// next refresh on, and never make the plan show a change. Destroying a plan
// that keys are still bound to fails and names them and the attachment
// resource, and deletes nothing; once unbound it destroys.
func TestAccUsagePlan_boundKeys(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "keys are bound to the plan out of band")
	name := acctest.RandomName()
	var id string
	keys := []string{"AKIDplanBound000000000000000000001", "AKIDplanBound000000000000000000002"}
	for _, k := range keys {
		seedKey(env, k, "bound", acctest.RandomManualKeySecret(), "auto", true)
	}
	cfg := env.Config(usagePlanConfig(name, ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(planAddress, "id", &id)},
			},
			{
				PreConfig: func() {
					for _, k := range keys {
						env.Emulator.BindKey(id, k)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.UsagePlanMatchesRemote(planAddress),
					statecheck.ExpectKnownValue(planAddress, attr("attach_api_keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(keys[0]), knownvalue.StringExact(keys[1]),
					})),
				},
			},
			{
				Config:  cfg,
				Destroy: true,
				ExpectError: regexp.MustCompile(acctest.WordsRegexp(`is still bound to 2 API key(s): `+keys[0]+`, `+keys[1]).String() +
					`(?s:.*)tencentcloud_api_gateway_api_key_attachment`),
			},
			{
				PreConfig: func() {
					if plan, ok := env.Emulator.UsagePlan(id); !ok || len(plan.AccessKeyIDs) != 2 {
						t.Errorf("the failed destroy changed the plan or its bindings: %+v (exists: %v)", plan, ok)
					}
					for _, k := range keys {
						env.Emulator.UnbindKey(id, k)
					}
				},
				Config:  cfg,
				Destroy: true,
			},
		},
	})
	if _, ok := env.Emulator.UsagePlan(id); ok {
		t.Errorf("usage plan %s is left after the destroy", id)
	}
}

// Every plan in state carries its identity, and an import block with only
// the identity brings the plan back with no change planned.
func TestAccUsagePlan_identity(t *testing.T) {
	env := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		CheckDestroy:             checkDestroyPlans(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(usagePlanConfig(acctest.RandomName(), `  max_request_num = 1000`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(planAddress, map[string]knownvalue.Check{
						"usage_plan_id": knownvalue.StringRegexp(planIDPattern),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(planAddress, attr("usage_plan_id"), attr("id")),
				},
			},
			{
				PreConfig:       env.MarkCallsNow,
				ResourceName:    planAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// A plan imported the old way, by ID, gets its identity from the Read that
// follows the import.
func TestAccUsagePlan_identityAfterImportByID(t *testing.T) {
	env := acctest.New(t)
	cfg := env.Config(usagePlanConfig(acctest.RandomName(), ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		CheckDestroy:             checkDestroyPlans(env),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:    planAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(planAddress, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesStateAtPath(planAddress, attr("usage_plan_id"), attr("id")),
				},
			},
		},
	})
}

// A plan that is gone by the time it is deleted (here: deleted out of band,
// and destroyed without a refresh) counts as deleted.
func TestAccUsagePlan_deleteOfAVanishedPlan(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the plan is deleted out of band between refresh and delete")
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.Config(usagePlanConfig(acctest.RandomName(), "")))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	plans := env.Emulator.UsagePlans()
	if len(plans) != 1 {
		t.Fatalf("the apply made %d plans, want 1", len(plans))
	}
	env.DeleteUsagePlanOutOfBand(plans[0].UsagePlanID)
	env.MarkCallsNow()
	out := cli.MustRun("destroy", "-auto-approve", "-refresh=false", "-no-color")
	if !strings.Contains(out, "1 destroyed") {
		t.Errorf("the destroy did not report the plan destroyed:\n%s", out)
	}
	env.AssertCalls(t, "DescribeUsagePlan→ResourceNotFound.InvalidUsagePlan")
}
