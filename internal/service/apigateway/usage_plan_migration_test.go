package apigateway_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// The existing TencentCloud provider's source address.
const tencentcloudstackSource = "registry.terraform.io/tencentcloudstack/tencentcloud"

// TestAccUsagePlan_migrationFromTencentcloudstack walks the README's
// migration: state written by the existing TencentCloud provider (two plans
// in its shape, schema version 0, with attach_api_keys and attach_list),
// `state replace-provider` to this provider, then a plan of the unchanged
// resource blocks, which must be empty (`plan -detailed-exitcode` exits 0).
func TestAccUsagePlan_migrationFromTencentcloudstack(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the plans of the state fixture are seeded")
	cli := acctest.NewCLI(t)

	const key = "AKIDmigrated0000000000000000000001"
	seedKey(env, key, "migrated", acctest.RandomManualKeySecret(), "auto", true)
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: "usagePlan-migrate1", UsagePlanName: "migrated-open",
		CreatedTime: seedCreated, ModifiedTime: seedChanged, AccessKeyIDs: []string{key}})
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: "usagePlan-migrate2", UsagePlanName: "migrated-limited",
		UsagePlanDesc: "partners", MaxRequestNum: 1000, MaxRequestNumPreSec: 10, CreatedTime: seedCreated, ModifiedTime: seedChanged})

	// The resource blocks as written for the existing provider.
	cli.WriteConfig(env.Config(`
resource "tencentcloud_api_gateway_usage_plan" "open" {
  usage_plan_name = "migrated-open"
}

resource "tencentcloud_api_gateway_usage_plan" "limited" {
  usage_plan_name         = "migrated-limited"
  usage_plan_desc         = "partners"
  max_request_num         = 1000
  max_request_num_pre_sec = 10
}
`))
	fixture, err := os.ReadFile(filepath.Join("testdata", "usage_plan_tencentcloudstack.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.Dir, "terraform.tfstate"), fixture, 0o600); err != nil {
		t.Fatal(err)
	}

	// This provider's address as this CLI spells it (OpenTofu has its own registry host).
	providers := cli.MustRun("providers", "-no-color")
	m := regexp.MustCompile(`provider\[([^\]]*/` + regexp.QuoteMeta(acctest.ProviderSource) + `)\]`).FindStringSubmatch(providers)
	if m == nil {
		t.Fatalf("terraform providers does not name %s:\n%s", acctest.ProviderSource, providers)
	}
	out := cli.MustRun("state", "replace-provider", "-auto-approve", "-no-color", tencentcloudstackSource, m[1])
	if !strings.Contains(out, "Successfully replaced provider") {
		t.Fatalf("state replace-provider did not replace the provider:\n%s", out)
	}

	env.MarkCallsNow()
	out, err = cli.Run(nil, "plan", "-detailed-exitcode", "-no-color")
	if exit, ok := errors.AsType[*exec.ExitError](err); ok && exit.ExitCode() == 2 {
		t.Fatalf("the plan after replace-provider has changes:\n%s", out)
	} else if err != nil {
		t.Fatalf("terraform plan failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "No changes.") {
		t.Errorf("the plan does not say No changes:\n%s", out)
	}
	// The refresh read each plan with one call.
	env.AssertCalls(t, "DescribeUsagePlan", "DescribeUsagePlan")

	// An apply changes nothing and stores the refreshed state, in this
	// provider's shape: the bound key stays, the service binding that the
	// emulator does not have is gone.
	out = cli.MustRun("apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply after replace-provider changed something:\n%s", out)
	}
	if state := cli.MustRun("state", "show", "-no-color", "tencentcloud_api_gateway_usage_plan.open"); !strings.Contains(state, key) {
		t.Errorf("attach_api_keys lost the bound key:\n%s", state)
	}
	if state := cli.MustRun("state", "show", "-no-color", "tencentcloud_api_gateway_usage_plan.limited"); strings.Contains(state, "service-0000abcd") {
		t.Errorf("attach_list was not refreshed:\n%s", state)
	}
	// A plan that keys are still bound to is not destroyed (see
	// TestAccUsagePlan_boundKeys): unbind the key first.
	env.Emulator.UnbindKey("usagePlan-migrate1", key)
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if n := len(env.Emulator.UsagePlans()); n != 0 {
		t.Errorf("%d plans left after the destroy", n)
	}
}
