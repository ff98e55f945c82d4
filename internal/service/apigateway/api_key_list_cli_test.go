package apigateway_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

// The query file of the generate-config workflow: every key.
const findAllQuery = `list "tencentcloud_api_gateway_api_key" "found" {
  provider         = tencentcloud
  include_resource = true
}
`

// The variable that the user adds for the manual key's secret.
const partnerSecretVariable = `variable "partner_key_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
`

// TestAccAPIKeyList_generateConfigImport runs the workflow of the
// query-import example with the CLI itself: keys made outside Terraform →
// `terraform query -generate-config-out=generated.tf` → the user adds the
// manual key's secret (write-only) → `terraform apply` imports all three →
// the next plan is empty. No seeded secret may appear in the query's
// output (human or JSON) or in the generated file.
func TestAccAPIKeyList_generateConfigImport(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	needsEmulator(t, env)
	cli := acctest.NewCLI(t)
	if major, minor := cliVersion(t, cli); major == 1 && minor < 14 {
		t.Skipf("list resources need `terraform query`, which came with Terraform 1.14 (OpenTofu has no query command); %s is %d.%d",
			os.Getenv("TF_ACC_TERRAFORM_PATH"), major, minor)
	}
	secrets := seedListKeys(env)
	manualSecret := secrets[2]

	cli.WriteConfig(env.ProviderBlock())
	if err := os.WriteFile(filepath.Join(cli.Dir, "find.tfquery.hcl"), []byte(findAllQuery), 0o600); err != nil {
		t.Fatal(err)
	}

	// First a look at the keys (with their attributes, as JSON), then the
	// configuration. Once generated.tf exists, it is part of the
	// configuration: until the manual key has its secret, it does not
	// validate, and neither does the next query.
	outputs := map[string]string{"query -json": cli.MustRun("query", "-json")}
	env.Emulator.ResetCalls()
	outputs["query"] = cli.MustRun("query", "-no-color", "-generate-config-out=generated.tf")
	if got := env.Emulator.CallCounts(); len(got) != 1 || got["DescribeApiKeysStatus"] != 1 {
		t.Errorf("the query made the API calls %v, want DescribeApiKeysStatus ×1 only", got)
	}
	b, err := os.ReadFile(filepath.Join(cli.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(b)
	outputs["generated.tf"] = generated
	for what, out := range outputs {
		for _, secret := range secrets {
			if strings.Contains(out, secret) {
				t.Fatalf("the %s holds a seeded secret", what)
			}
		}
	}
	for _, name := range []string{"orders-service (" + listAutoOnID + ")", "billing-service (" + listAutoOffID + ")", "partner-gateway (" + listManualID + ")"} {
		if !strings.Contains(outputs["query"], name) {
			t.Errorf("the query output does not list %q:\n%s", name, outputs["query"])
		}
	}
	// Each key is imported by its identity. An auto key's ID is only
	// there: as access_key_id it would fail validation.
	for _, id := range []string{listAutoOnID, listAutoOffID, listManualID} {
		if !regexp.MustCompile(`identity\s*=\s*\{\s*access_key_id\s*=\s*"` + id + `"`).MatchString(generated) {
			t.Errorf("generated.tf has no import of %s by identity:\n%s", id, generated)
		}
	}
	for _, id := range []string{listAutoOnID, listAutoOffID} {
		if n := strings.Count(generated, id); n != 1 {
			t.Errorf("generated.tf names auto key %s %d times, want once (its import identity):\n%s", id, n, generated)
		}
	}

	// What the user does for a manual key: add its secret, here as the
	// write-only argument.
	edited, ok := addManualSecret(generated, listManualID)
	if !ok {
		t.Fatalf("generated.tf has no resource block for the manual key %s with access_key_secret_wo = null:\n%s", listManualID, generated)
	}
	if err := os.WriteFile(filepath.Join(cli.Dir, "generated.tf"), []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.Dir, "variables.tf"), []byte(partnerSecretVariable), 0o600); err != nil {
		t.Fatal(err)
	}
	withSecret := []string{"TF_VAR_partner_key_secret=" + manualSecret}

	env.Emulator.ResetCalls()
	out, err := cli.Run(withSecret, "apply", "-auto-approve", "-no-color")
	if err != nil {
		t.Fatalf("apply of the generated configuration failed: %v\n%s", err, out)
	}
	// The manual key's update records the write-only version and drops the
	// imported secret from state; the configured secret is the live one, so
	// nothing is sent.
	if !acctest.WordsRegexp("Resources: 3 imported, 0 added, 1 changed, 0 destroyed.").MatchString(out) {
		t.Errorf("apply did not import the three keys (and record the manual key's write-only secret):\n%s", out)
	}
	calls := env.Emulator.CallCounts()
	if calls["UpdateApiKey"] != 0 || calls["CreateApiKey"] != 0 || calls["DeleteApiKey"] != 0 || calls["DisableApiKey"] != 0 || calls["EnableApiKey"] != 0 {
		t.Errorf("apply made the API calls %v, want reads only (the configured write-only secret is the live one)", calls)
	}
	if state, err := os.ReadFile(filepath.Join(cli.Dir, "terraform.tfstate")); err != nil || strings.Contains(string(state), manualSecret) {
		t.Errorf("the state after the import holds the manual key's secret (or cannot be read: %v)", err)
	}
	t.Logf("apply: API calls %v", calls)
	if strings.Contains(out, manualSecret) {
		t.Fatal("the apply output holds the manual key's secret")
	}

	out, err = cli.Run(withSecret, "plan", "-detailed-exitcode", "-no-color")
	if err != nil {
		t.Fatalf("the plan after the import is not empty (exit %v):\n%s", err, out)
	}
	for i, id := range []string{listAutoOnID, listAutoOffID, listManualID} {
		key, err := env.RemoteKey(id)
		if err != nil || key == nil || key.AccessKeySecret != secrets[i] {
			t.Errorf("key %s changed on the API (err %v)", id, err)
		}
	}
}

// addManualSecret sets the write-only secret in the generated resource
// block of the manual key id, as the docs tell the user to.
func addManualSecret(generated, id string) (string, bool) {
	blocks := strings.SplitAfter(generated, "\n}\n")
	for i, block := range blocks {
		if !strings.Contains(block, `resource "tencentcloud_api_gateway_api_key"`) || !strings.Contains(block, fmt.Sprintf("%q", id)) {
			continue
		}
		// Terraform writes `null # sensitive` for the write-only secret.
		wo := regexp.MustCompile(`(?m)^(\s*access_key_secret_wo\s*=\s*)null[^\n]*$`)
		version := regexp.MustCompile(`(?m)^(\s*access_key_secret_wo_version\s*=\s*)null[^\n]*$`)
		if !wo.MatchString(block) || !version.MatchString(block) {
			return "", false
		}
		block = wo.ReplaceAllString(block, "${1}var.partner_key_secret")
		blocks[i] = version.ReplaceAllString(block, "${1}1")
		return strings.Join(blocks, ""), true
	}
	return "", false
}
