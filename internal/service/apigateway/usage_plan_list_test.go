package apigateway_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

const planListTypeName = "tencentcloud_api_gateway_usage_plan"

func planListBlock(name, body string) string {
	return fmt.Sprintf("\nlist %q %q {\n  provider = tencentcloud\n%s\n}\n", planListTypeName, name, body)
}

func planIdentity(id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"usage_plan_id": knownvalue.StringExact(id)}
}

// terraform query finds the plans with their identities and, asked for,
// their settings; a name filters them; a limit stops the paging.
func TestAccUsagePlanList_results(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	seedPlans(env)
	all, partners := planListTypeName+".all", planListTypeName+".partners"
	limited := queryfilter.ByResourceIdentity(planIdentity(seededLimitedID))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			{
				PreConfig: env.MarkCallsNow,
				Query:     true,
				Config: planListBlock("all", "  include_resource = true") + planListBlock("partners", `  config {
    usage_plan_name = "partners"
  }`) + planListBlock("one", "  limit = 1"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(all, 3),
					querycheck.ExpectIdentity(all, planIdentity(seededPartnersID)),
					querycheck.ExpectIdentity(all, planIdentity(seededLimitedID)),
					querycheck.ExpectIdentity(all, planIdentity(seededInternalID)),
					querycheck.ExpectResourceDisplayName(all, limited, knownvalue.StringExact("partners ("+seededLimitedID+")")),
					querycheck.ExpectResourceKnownValues(all, limited, []querycheck.KnownValueCheck{
						{Path: attr("id"), KnownValue: knownvalue.StringExact(seededLimitedID)},
						{Path: attr("usage_plan_name"), KnownValue: knownvalue.StringExact("partners")},
						{Path: attr("usage_plan_desc"), KnownValue: knownvalue.StringExact("limited")},
						{Path: attr("max_request_num"), KnownValue: knownvalue.Int64Exact(1000)},
						{Path: attr("max_request_num_pre_sec"), KnownValue: knownvalue.Int64Exact(10)},
						{Path: attr("create_time"), KnownValue: knownvalue.StringExact(seedCreatedText)},
						{Path: attr("attach_api_keys"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength(partners, 2),
					querycheck.ExpectIdentity(partners, planIdentity(seededPartnersID)),
					querycheck.ExpectIdentity(partners, planIdentity(seededLimitedID)),
					querycheck.ExpectLength(planListTypeName+".one", 1),
					// One page per list block.
					queryCallCounts(env, map[string]int{"DescribeUsagePlansStatus": 3}),
				},
			},
		},
	})
}
