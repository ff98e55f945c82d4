package apigateway_test

import (
	"path/filepath"
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
	cli.MigrateStateFrom(filepath.Join("testdata", "api_key_attachment_tencentcloudstack.json"), tencentcloudstackSource)

	env.MarkCallsNow()
	cli.PlanNoChanges("replace-provider")
	env.AssertCalls(t, "DescribeUsagePlanSecretIds")

	// Destroying the migrated binding unbinds the key.
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if bound, _ := env.IsBound(key, plan); bound {
		t.Errorf("key %s is still bound to %s after destroy", key, plan)
	}
}
