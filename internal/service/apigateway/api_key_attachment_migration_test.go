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

// TestAccAPIKeyAttachment_migrationFromTencentcloudstack: state written by
// the existing TencentCloud provider for a binding (its shape: ID
// `<key>#<plan>`, schema version 0), `state replace-provider` to this
// provider, then a plan of the unchanged resource block, which must be
// empty (`plan -detailed-exitcode` exits 0) after one listing of the plan.
// The fixture is .json: *.tfstate files are git-ignored.
func TestAccAPIKeyAttachment_migrationFromTencentcloudstack(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the key, plan and binding of the state fixture are seeded")
	cli := acctest.NewCLI(t)

	const key, plan = "AKIDmigratedAttach0000000000000001", "usagePlan-attach01"
	seedKey(env, key, "migrated", acctest.RandomManualKeySecret(), "auto", true)
	env.Emulator.PutUsagePlan(emulator.UsagePlan{UsagePlanID: plan, UsagePlanName: "migrated", AccessKeyIDs: []string{key}})

	// The resource block as written for the existing provider.
	cli.WriteConfig(env.Config(`
resource "tencentcloud_api_gateway_api_key_attachment" "partner" {
  api_key_id    = "` + key + `"
  usage_plan_id = "` + plan + `"
}
`))
	fixture, err := os.ReadFile(filepath.Join("testdata", "api_key_attachment_tencentcloudstack.json"))
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
	env.AssertCalls(t, "DescribeUsagePlanSecretIds")

	// Destroying the migrated binding unbinds the key.
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if bound, _ := env.IsBound(key, plan); bound {
		t.Errorf("key %s is still bound to %s after destroy", key, plan)
	}
}
