package apigateway_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

// skipBelowTerraform116 skips a CLI test that needs Terraform 1.16's
// action features (-invoke with -target, on_failure); OpenTofu 1.12 has
// no actions.
func skipBelowTerraform116(t *testing.T, cli *acctest.CLI) {
	t.Helper()
	if major, minor := cliVersion(t, cli); major == 1 && minor < 16 {
		t.Skipf("-invoke with -target and on_failure need Terraform 1.16 or later (OpenTofu 1.12 has no actions); %s is %d.%d",
			os.Getenv("TF_ACC_TERRAFORM_PATH"), major, minor)
	}
}

// updateCallsOn returns the key IDs of the UpdateApiKey calls since the
// call log held before entries.
func updateCallsOn(env *acctest.Env, before int) []string {
	var ids []string
	for _, c := range env.Emulator.Calls()[before:] {
		if c.Action == "UpdateApiKey" {
			ids = append(ids, c.AccessKeyID)
		}
	}
	return ids
}

// TestAccAPIKeyRotateAction_invokeWithTarget (Terraform 1.16): an action
// whose configuration names its key through `caller` is triggered by two
// keys; `terraform apply -invoke=… -target=<key>` rotates that key only
// (one DescribeApiKey, one UpdateApiKey), and the other keeps its secret.
// Without -target, -invoke runs the action once for each key that triggers it.
func TestAccAPIKeyRotateAction_invokeWithTarget(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test counts the calls of each invocation")
	cli := acctest.NewCLI(t)
	skipBelowTerraform116(t, cli)
	name := acctest.RandomName()
	cli.WriteConfig(env.Config(fmt.Sprintf(`
action %[1]q "rotate" {
  config {
    access_key_id = caller.id
  }
}

resource "tencentcloud_api_gateway_api_key" "blue" {
  secret_name = "%[2]s-blue"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.%[1]s.rotate]
    }
  }
}

resource "tencentcloud_api_gateway_api_key" "green" {
  secret_name = "%[2]s-green"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.%[1]s.rotate]
    }
  }
}
`, rotateAction, name)))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	keys := map[string]string{} // name → ID
	secrets := map[string]string{}
	for _, k := range env.Emulator.Keys() {
		color := strings.TrimPrefix(k.SecretName, name+"-")
		keys[color], secrets[color] = k.AccessKeyID, k.AccessKeySecret
	}

	before := len(env.Emulator.Calls())
	out := cli.MustRun("apply", "-auto-approve", "-no-color", "-invoke=action."+rotateAction+".rotate", "-target="+blueAddress)
	if !strings.Contains(out, "Actions: 1 invoked") || !strings.Contains(out, "called from "+blueAddress) {
		t.Errorf("-invoke with -target: the output does not show one invocation called from %s:\n%s", blueAddress, out)
	}
	if got := updateCallsOn(env, before); len(got) != 1 || got[0] != keys["blue"] {
		t.Errorf("-invoke with -target=%s: UpdateApiKey on %v, want on %s only", blueAddress, got, keys["blue"])
	}
	if k, _ := env.Emulator.Key(keys["green"]); k.AccessKeySecret != secrets["green"] {
		t.Errorf("the green key, not targeted, was rotated")
	}
	if k, _ := env.Emulator.Key(keys["blue"]); k.AccessKeySecret == secrets["blue"] {
		t.Errorf("the blue key, targeted, kept its secret")
	}

	// Without -target: one invocation per calling key.
	before = len(env.Emulator.Calls())
	out = cli.MustRun("apply", "-auto-approve", "-no-color", "-invoke=action."+rotateAction+".rotate")
	got := updateCallsOn(env, before)
	slices.Sort(got)
	want := []string{keys["blue"], keys["green"]}
	slices.Sort(want)
	if !slices.Equal(got, want) || !strings.Contains(out, "Actions: 2 invoked") {
		t.Errorf("-invoke without -target: UpdateApiKey on %v, want once on each of %v\n%s", got, want, out)
	}

	// The key resources refresh to their new secrets: no diff.
	if out := cli.MustRun("plan", "-no-color"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the invocations is not empty:\n%s", out)
	}
	cli.MustRun("destroy", "-auto-approve", "-no-color")
}

// TestAccAPIKeyRotateAction_onFailure (Terraform 1.16): a manual key whose
// creation triggers the rotate action, which fails (the account is off the
// manual-key allowlist, so UpdateApiKey answers UinNotInWhiteList). What
// each on_failure mode does for the key:
//   - halt (the default): the apply fails; the key is created, in state and
//     not tainted, with its configured secret; the next plan is empty.
//   - taint: the apply fails and the new key is tainted: the next plan
//     replaces it (deletes it and creates it again).
//   - continue: the error becomes a warning and the apply succeeds; the key
//     keeps its configured secret and the next plan is empty.
func TestAccAPIKeyRotateAction_onFailure(t *testing.T) {
	for _, mode := range []string{"halt", "taint", "continue"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.SkipWithoutEmulator(t, "the test takes the account off the manual-key allowlist")
			cli := acctest.NewCLI(t)
			skipBelowTerraform116(t, cli)
			id, secret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
			cli.WriteConfig(env.Config(fmt.Sprintf(`
variable "new_secret" {
  type      = string
  sensitive = true
}

action %[1]q "rotate" {
  config {
    access_key_id        = caller.id
    access_key_secret_wo = var.new_secret
  }
}

resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name       = %[2]q
  access_key_type   = "manual"
  access_key_id     = %[3]q
  access_key_secret = %[4]q

  lifecycle {
    action_trigger {
      events     = [after_create]
      actions    = [action.%[1]s.rotate]
      on_failure = %[5]s
    }
  }
}
`, rotateAction, acctest.RandomName(), id, secret, mode)))
			env.Emulator.SetManualKeyAllowlisted(false)
			newSecret := "-var=new_secret=" + acctest.RandomManualKeySecret()
			out, err := cli.Run(nil, "apply", "-auto-approve", "-no-color", newSecret)
			if mode == "continue" {
				if err != nil || !strings.Contains(out, "Warning: Error rotating the secret of API key "+id) {
					t.Fatalf("on_failure = continue: expected a successful apply with the error as a warning (err %v):\n%s", err, out)
				}
			} else if err == nil || !strings.Contains(out, "Error: Error rotating the secret of API key "+id) {
				t.Fatalf("on_failure = %s: expected the apply to fail with the action's error (err %v):\n%s", mode, err, out)
			}
			if !strings.Contains(out, "UnsupportedOperation.UinNotInWhiteList") {
				t.Errorf("the output does not name the API's error:\n%s", out)
			}
			if key, ok := env.Emulator.Key(id); !ok || key.AccessKeySecret != secret {
				t.Errorf("key %s does not exist with its configured secret", id)
			}
			env.Emulator.SetManualKeyAllowlisted(true)

			plan, _ := cli.Run(nil, "plan", "-no-color", newSecret)
			switch mode {
			case "taint":
				if !acctest.WordsRegexp(testAddress + " is tainted, so must be replaced").MatchString(plan) {
					t.Errorf("on_failure = taint: the next plan does not replace the tainted key:\n%s", plan)
				}
			default:
				if !strings.Contains(plan, "No changes") {
					t.Errorf("on_failure = %s: the next plan is not empty:\n%s", mode, plan)
				}
			}
			cli.MustRun("destroy", "-auto-approve", "-no-color", newSecret)
		})
	}
}
