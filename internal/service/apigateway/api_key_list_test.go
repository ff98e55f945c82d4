package apigateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

// queryVersion skips the tests of the list resource below Terraform 1.14,
// the first with `terraform query` and .tfquery.hcl files. OpenTofu (1.12
// included) has neither: its protocol knows the ListResource call, but no
// command sends it.
type queryVersion struct{}

func (queryVersion) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(tfversion.Version1_14_0).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip = "list resources need `terraform query`, which came with Terraform 1.14 (OpenTofu has no query command): " + resp.Skip
	}
}

var skipBelowQuery = []tfversion.TerraformVersionCheck{queryVersion{}}

const listTypeName = "tencentcloud_api_gateway_api_key"

func listAddress(name string) string { return listTypeName + "." + name }

// listBlock is one list block of a .tfquery.hcl file; body holds limit,
// include_resource and a config block, as needed.
func listBlock(name, body string) string {
	return fmt.Sprintf("\nlist %q %q {\n  provider = tencentcloud\n%s\n}\n", listTypeName, name, body)
}

func identityOf(id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"access_key_id": knownvalue.StringExact(id)}
}

// queryCallCounts adapts Env.ExpectCallCounts to a query step, which has no
// state to check.
func queryCallCounts(env *acctest.Env, want map[string]int) querycheck.QueryResultCheck {
	return queryStateCheck{env.ExpectCallCounts(want)}
}

type queryStateCheck struct{ check statecheck.StateCheck }

func (c queryStateCheck) CheckQuery(ctx context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var r statecheck.CheckStateResponse
	c.check.CheckState(ctx, statecheck.CheckStateRequest{}, &r)
	resp.Error = r.Error
}

// queryLacks fails when any value appears anywhere in the query's results
// (display names, identities and resource objects).
func queryLacks(values ...string) querycheck.QueryResultCheck { return queryLacksCheck{values} }

type queryLacksCheck struct{ values []string }

func (c queryLacksCheck) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	b, err := json.Marshal(req.Query)
	if err != nil {
		resp.Error = err
		return
	}
	for _, v := range c.values {
		if strings.Contains(string(b), v) {
			resp.Error = fmt.Errorf("the query results contain a seeded secret")
			return
		}
	}
}

// Keys seeded for the list tests: two auto keys (one off) and a manual key.
const (
	listAutoOnID  = "AKIDlistAutoOn000000000000000000000"
	listAutoOffID = "AKIDlistAutoOff00000000000000000000"
	listManualID  = "tfacc_list_manual"
)

func seedListKeys(env *acctest.Env) (secrets []string) {
	secrets = []string{acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()}
	seedKey(env, listAutoOnID, "orders-service", secrets[0], "auto", true)
	seedKey(env, listAutoOffID, "billing-service", secrets[1], "auto", false)
	seedKey(env, listManualID, "partner-gateway", secrets[2], "manual", true)
	return secrets
}

func TestAccAPIKeyList_results(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	secrets := seedListKeys(env)
	all := listAddress("all")
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(identityOf(id))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			{
				PreConfig: env.MarkCallsNow,
				Query:     true,
				Config:    listBlock("all", "  include_resource = true"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(all, 3),
					querycheck.ExpectIdentity(all, identityOf(listAutoOnID)),
					querycheck.ExpectIdentity(all, identityOf(listAutoOffID)),
					querycheck.ExpectIdentity(all, identityOf(listManualID)),
					querycheck.ExpectResourceDisplayName(all, byID(listAutoOnID), knownvalue.StringExact("orders-service ("+listAutoOnID+")")),
					querycheck.ExpectResourceDisplayName(all, byID(listManualID), knownvalue.StringExact("partner-gateway ("+listManualID+")")),
					// An auto key: no access_key_id (generated configuration
					// must not set it), never the secret.
					querycheck.ExpectResourceKnownValues(all, byID(listAutoOffID), []querycheck.KnownValueCheck{
						{Path: attr("id"), KnownValue: knownvalue.StringExact(listAutoOffID)},
						{Path: attr("secret_name"), KnownValue: knownvalue.StringExact("billing-service")},
						{Path: attr("access_key_type"), KnownValue: knownvalue.StringExact("auto")},
						{Path: attr("status"), KnownValue: knownvalue.StringExact("off")},
						{Path: attr("access_key_id"), KnownValue: knownvalue.Null()},
						{Path: attr("access_key_secret"), KnownValue: knownvalue.Null()},
						{Path: attr("create_time"), KnownValue: knownvalue.StringExact(seedCreatedText)},
						{Path: attr("modify_time"), KnownValue: knownvalue.StringExact(seedChangedText)},
					}),
					// A manual key: its chosen ID, never the secret.
					querycheck.ExpectResourceKnownValues(all, byID(listManualID), []querycheck.KnownValueCheck{
						{Path: attr("access_key_type"), KnownValue: knownvalue.StringExact("manual")},
						{Path: attr("access_key_id"), KnownValue: knownvalue.StringExact(listManualID)},
						{Path: attr("access_key_secret"), KnownValue: knownvalue.Null()},
						{Path: attr("access_key_secret_wo"), KnownValue: knownvalue.Null()},
						{Path: attr("status"), KnownValue: knownvalue.StringExact("on")},
					}),
					queryLacks(secrets...),
					queryCallCounts(env, map[string]int{"DescribeApiKeysStatus": 1}),
				},
			},
		},
	})
}

func TestAccAPIKeyList_filters(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	seedListKeys(env)
	// The provider block is in the first step's configuration, which the
	// query steps keep.
	query := (listBlock("by_name", `  config {
    secret_name = "orders-service"
  }`) +
		listBlock("on", `  config {
    status = "on"
  }`) +
		listBlock("off", `  config {
    status = "off"
  }`) +
		listBlock("auto", `  config {
    access_key_type = "auto"
  }`) +
		listBlock("manual", `  config {
    access_key_type = "manual"
  }`) +
		listBlock("key_word", `  config {
    key_word = "-service"
  }`) +
		listBlock("combined", `  config {
    key_word        = "-service"
    status          = "on"
    access_key_type = "auto"
  }`) +
		listBlock("none", `  config {
    secret_name = "no-such-key"
  }`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			{
				PreConfig: env.MarkCallsNow,
				Query:     true,
				Config:    query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(listAddress("by_name"), 1),
					querycheck.ExpectIdentity(listAddress("by_name"), identityOf(listAutoOnID)),
					querycheck.ExpectLength(listAddress("on"), 2),
					querycheck.ExpectIdentity(listAddress("on"), identityOf(listAutoOnID)),
					querycheck.ExpectIdentity(listAddress("on"), identityOf(listManualID)),
					querycheck.ExpectLength(listAddress("off"), 1),
					querycheck.ExpectIdentity(listAddress("off"), identityOf(listAutoOffID)),
					querycheck.ExpectLength(listAddress("auto"), 2),
					querycheck.ExpectIdentity(listAddress("auto"), identityOf(listAutoOnID)),
					querycheck.ExpectIdentity(listAddress("auto"), identityOf(listAutoOffID)),
					querycheck.ExpectLength(listAddress("manual"), 1),
					querycheck.ExpectIdentity(listAddress("manual"), identityOf(listManualID)),
					querycheck.ExpectLength(listAddress("key_word"), 2),
					querycheck.ExpectIdentity(listAddress("key_word"), identityOf(listAutoOnID)),
					querycheck.ExpectIdentity(listAddress("key_word"), identityOf(listAutoOffID)),
					querycheck.ExpectLength(listAddress("combined"), 1),
					querycheck.ExpectIdentity(listAddress("combined"), identityOf(listAutoOnID)),
					querycheck.ExpectLength(listAddress("none"), 0),
					// One page for each of the eight list blocks.
					queryCallCounts(env, map[string]int{"DescribeApiKeysStatus": 8}),
				},
			},
		},
	})
}

// TestAccAPIKeyList_serverSideFilters shows which filters the API applies:
// 150 disabled manual keys and one enabled auto key. status goes to the
// API (one page answers it); access_key_type has no API filter, so the
// provider reads both pages and keeps the one auto key.
func TestAccAPIKeyList_serverSideFilters(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	for i := range 150 {
		seedKey(env, fmt.Sprintf("tfacc_off_%03d", i), fmt.Sprintf("off-%03d", i), acctest.RandomManualKeySecret(), "manual", false)
	}
	seedKey(env, listAutoOnID, "orders-service", acctest.RandomManualKeySecret(), "auto", true)

	step := func(name, config string, calls int) resource.TestStep {
		return resource.TestStep{
			PreConfig: env.MarkCallsNow,
			Query:     true,
			Config:    listBlock(name, "  config {\n    "+config+"\n  }"),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(listAddress(name), 1),
				querycheck.ExpectIdentity(listAddress(name), identityOf(listAutoOnID)),
				queryCallCounts(env, map[string]int{"DescribeApiKeysStatus": calls}),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			step("on", `status = "on"`, 1),
			step("auto", `access_key_type = "auto"`, 2),
		},
	})
}

// TestAccAPIKeyList_limit checks that the listing stops at the query's
// limit: it asks for no page it does not need.
func TestAccAPIKeyList_limit(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	for i := range 250 {
		seedKey(env, fmt.Sprintf("tfacc_limit_%03d", i), fmt.Sprintf("limit-%03d", i), acctest.RandomManualKeySecret(), "manual", true)
	}
	step := func(limit string, results, calls int) resource.TestStep {
		body := ""
		if limit != "" {
			body = "  limit = " + limit
		}
		return resource.TestStep{
			PreConfig: env.MarkCallsNow,
			Query:     true,
			Config:    listBlock("keys", body),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(listAddress("keys"), results),
				queryCallCounts(env, map[string]int{"DescribeApiKeysStatus": calls}),
			},
		}
	}
	noCalls := step("0", 0, 0)
	noCalls.QueryResultChecks[1] = queryCallCounts(env, map[string]int{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			step("5", 5, 1),
			step("100", 100, 1),
			step("150", 150, 2),
			step("", 100, 1), // Terraform's default limit is 100
			step("1000", 250, 3),
			noCalls,
		},
	})
}

func TestAccAPIKeyList_invalidFilters(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	step := func(config, message string) resource.TestStep {
		return resource.TestStep{
			Query:       true,
			Config:      listBlock("bad", "  config {\n    "+config+"\n  }"),
			ExpectError: regexp.MustCompile(message),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.Config("")},
			step(`status = "enabled"`, `value must be one of: \["on" "off"\]`),
			step(`access_key_type = "automatic"`, `value must be one of: \["auto" "manual"\]`),
			step(`key_word = ""`, `string length must be at least 1`),
			step(`secret_name = ""`, `string length must be at least 1`),
			step(`no_such_filter = "x"`, `An argument named "no_such_filter" is not expected here`),
		},
	})
	env.AssertNoCalls(t)
}
