package apigateway_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// Reads of a refresh share calls: a plan over 150 keys makes a handful of
// DescribeApiKeysStatus calls instead of 150 DescribeApiKey, and reports
// no change.
func TestAccAPIKey_batchedRefresh(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "it counts the calls of the plan")
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.Config(fleetConfig(acctest.RandomName(), 130, 20, 1)))
	cli.MustRun("apply", "-auto-approve", "-no-color")

	env.Emulator.ResetCalls()
	out := cli.MustRun("plan", "-no-color")
	if !strings.Contains(out, "No changes.") {
		t.Fatalf("expected an empty plan:\n%s", out)
	}
	calls := env.Emulator.CallCounts()
	total := 0
	for _, n := range calls {
		total += n
	}
	t.Logf("refreshing 150 keys: %v", calls)
	// 150 keys in the account: filtered calls for the first reads, then
	// the account in 2 pages. Reads that arrive alone are one
	// DescribeApiKey each; a few may, on a busy machine.
	if total > 20 || calls["DescribeApiKeysStatus"] < 2 || len(calls) > 2 {
		t.Fatalf("expected at most 20 calls, DescribeApiKeysStatus and DescribeApiKey only, to refresh 150 keys; got %v", calls)
	}
}

// A refresh of one key is one DescribeApiKey, and so is its import.
func TestAccAPIKey_singleReadIsOneDescribe(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "it counts the calls of the plan")
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %q
}
`, acctest.RandomName())))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	keys := env.Emulator.Keys()
	if len(keys) != 1 {
		t.Fatalf("expected one key, got %d", len(keys))
	}
	id := keys[0].AccessKeyID

	expectOneDescribe := func(what string) {
		t.Helper()
		calls := env.Emulator.Calls()
		if len(calls) != 1 || calls[0].Action != "DescribeApiKey" || calls[0].AccessKeyID != id {
			t.Fatalf("%s: expected one DescribeApiKey of %s, got %v", what, id, calls)
		}
	}
	env.Emulator.ResetCalls()
	cli.MustRun("plan", "-no-color")
	expectOneDescribe("refresh of one key")

	cli.MustRun("state", "rm", "tencentcloud_api_gateway_api_key.test")
	env.Emulator.ResetCalls()
	cli.MustRun("import", "-no-color", "tencentcloud_api_gateway_api_key.test", id)
	expectOneDescribe("import")
}

// Drift in a few keys among 120 is found by the shared reads: a key
// deleted, one disabled and one with another secret, all out of band, are
// recreated, re-enabled and given their secret back by the next apply.
func TestAccAPIKey_batchedRefreshFindsDrift(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "it changes keys behind Terraform's back and reads the call log")
	name := acctest.RandomName()
	config := env.Config(fleetConfig(name, 100, 20, 1))
	const (
		deleted  = "tencentcloud_api_gateway_api_key.auto[7]"
		disabled = "tencentcloud_api_gateway_api_key.auto[42]"
		rotated  = "tencentcloud_api_gateway_api_key.manual[3]"
	)
	var deletedID, disabledID, rotatedID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute(deleted, "id", &deletedID),
					acctest.CaptureAttribute(disabled, "id", &disabledID),
					acctest.CaptureAttribute(rotated, "id", &rotatedID),
				},
			},
			{
				PreConfig: func() {
					env.DeleteOutOfBand(deletedID)
					env.Emulator.SetKeyEnabled(disabledID, false)
					env.SetSecretOutOfBand(rotatedID, "secret_changed_out_of_band_0123")
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(deleted, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(disabled, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(rotated, plancheck.ResourceActionUpdate),
						expectChangeCount(3),
						deletedConfirmedByDescribe(env, &deletedID),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(120)},
			},
		},
	})
}

// Faults during shared reads (transient failures and lost answers of
// DescribeApiKeysStatus and DescribeApiKey) neither fail the refresh nor
// drop a key: the plan over 120 keys stays empty.
func TestAccAPIKey_batchedRefreshWithFaults(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "faults cannot be injected into TencentCloud")
	config := env.Config(fleetConfig(acctest.RandomName(), 100, 20, 1))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Emulator.SetFaults(emulator.Faults{Seed: 20261129, TransientRate: 0.4, DropRate: 0.2,
						Actions: []string{"DescribeApiKeysStatus", "DescribeApiKey"}})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(120)},
			},
		},
	})
	faults := 0
	for _, c := range env.Emulator.Calls() {
		if c.Action == "DescribeApiKeysStatus" && c.Fault != "" {
			faults++
		}
	}
	if faults == 0 {
		t.Fatal("no fault hit DescribeApiKeysStatus: the test proves nothing")
	}
	t.Logf("%d faults hit DescribeApiKeysStatus", faults)
}

// expectChangeCount checks how many resources the plan changes.
func expectChangeCount(n int) plancheck.PlanCheck { return changeCount(n) }

type changeCount int

func (c changeCount) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := 0
	for _, rc := range req.Plan.ResourceChanges {
		if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Read() {
			got++
		}
	}
	if got != int(c) {
		resp.Error = fmt.Errorf("expected %d resources to change, got %d", int(c), got)
	}
}

// deletedConfirmedByDescribe checks that the refresh asked DescribeApiKey
// about the deleted key and was told it does not exist: the shared read
// alone did not drop it from state.
func deletedConfirmedByDescribe(env *acctest.Env, id *string) plancheck.PlanCheck {
	return describeConfirmed{env: env, id: id}
}

type describeConfirmed struct {
	env *acctest.Env
	id  *string
}

func (d describeConfirmed) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, c := range d.env.Emulator.Calls() {
		if c.Action == "DescribeApiKey" && c.AccessKeyID == *d.id && c.ErrorCode == "ResourceNotFound.InvalidAccessKeyId" {
			return
		}
	}
	resp.Error = fmt.Errorf("no DescribeApiKey confirmed that key %s is gone", *d.id)
}
