package apigateway_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// Plans seeded for the data source and list tests: two named "partners"
// (one with limits and a description), one named "internal".
const (
	seededPartnersID = "usagePlan-partner1"
	seededLimitedID  = "usagePlan-partner2"
	seededInternalID = "usagePlan-internal"
)

func seedPlans(env *acctest.Env) {
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: seededPartnersID, UsagePlanName: "partners",
		CreatedTime: seedCreated, ModifiedTime: seedChanged})
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: seededLimitedID, UsagePlanName: "partners", UsagePlanDesc: "limited",
		MaxRequestNum: 1000, MaxRequestNumPreSec: 10, CreatedTime: seedCreated, ModifiedTime: seedChanged})
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: seededInternalID, UsagePlanName: "internal",
		CreatedTime: seedCreated, ModifiedTime: seedChanged})
}

func plansWithIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"usage_plan_id": knownvalue.StringExact(id)})
	}
	return knownvalue.ListExact(checks)
}

func TestAccUsagePlansDataSource_filters(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	seedPlans(env)
	data := func(name string) string { return "data.tencentcloud_api_gateway_usage_plans." + name }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.MarkCallsNow,
			Config: env.Config(`
data "tencentcloud_api_gateway_usage_plans" "all" {}

data "tencentcloud_api_gateway_usage_plans" "partners" {
  usage_plan_name = "partners"
}

data "tencentcloud_api_gateway_usage_plans" "by_id" {
  usage_plan_id = "` + seededLimitedID + `"
}

data "tencentcloud_api_gateway_usage_plans" "none" {
  usage_plan_name = "no-such-plan"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(data("all"), attr("list"), plansWithIDs(seededPartnersID, seededLimitedID, seededInternalID)),
				statecheck.ExpectKnownValue(data("partners"), attr("list"), plansWithIDs(seededPartnersID, seededLimitedID)),
				statecheck.ExpectKnownValue(data("by_id"), attr("list"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"usage_plan_id":           knownvalue.StringExact(seededLimitedID),
						"usage_plan_name":         knownvalue.StringExact("partners"),
						"usage_plan_desc":         knownvalue.StringExact("limited"),
						"max_request_num":         knownvalue.Int64Exact(1000),
						"max_request_num_pre_sec": knownvalue.Int64Exact(10),
						"create_time":             knownvalue.StringExact(seedCreatedText),
						"modify_time":             knownvalue.StringExact(seedChangedText),
					}),
				})),
				statecheck.ExpectKnownValue(data("none"), attr("list"), knownvalue.ListSizeExact(0)),
				// One page each: one DescribeUsagePlansStatus per data source.
				env.ExpectCallCounts(map[string]int{"DescribeUsagePlansStatus": 4}),
			},
		}},
	})
}

// 250 plans take three calls: pages of 100 that overlap by one plan.
func TestAccUsagePlansDataSource_paging(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	for i := range 250 {
		env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: fmt.Sprintf("usagePlan-p%07d", i), UsagePlanName: "paged"})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.MarkCallsNow,
			Config:    env.Config(`data "tencentcloud_api_gateway_usage_plans" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.tencentcloud_api_gateway_usage_plans.all", attr("list"), knownvalue.ListSizeExact(250)),
				env.ExpectCallCounts(map[string]int{"DescribeUsagePlansStatus": 3}),
			},
		}},
	})
}

// result_output_file is refused at plan time, before any API call.
func TestAccUsagePlansDataSource_resultOutputFile(t *testing.T) {
	env := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`
data "tencentcloud_api_gateway_usage_plans" "all" {
  result_output_file = "plans.json"
}
`),
			PlanOnly:    true,
			ExpectError: acctest.WordsRegexp(`result_output_file is not supported`),
		}},
	})
	env.AssertNoCalls(t)
}
