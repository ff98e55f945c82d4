package apigateway_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// Actions arrived in Terraform 1.14. Terraform 1.5.7 skips these tests, and
// so does OpenTofu 1.12.6, which reports version 1.12 and rejects the
// action block ("Blocks of type "action" are not expected here").
var skipBelowActions = []tfversion.TerraformVersionCheck{skipWithoutActions{}}

// skipWithoutActions is tfversion.SkipBelow(1.14.0) with the reason.
type skipWithoutActions struct{}

func (skipWithoutActions) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(tfversion.Version1_14_0).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip = "actions need Terraform 1.14 or later (OpenTofu, up to 1.12, has none): " + resp.Skip
	}
}

const rotateAction = "tencentcloud_api_gateway_api_key_rotate"

// rotateOnCreateConfig is a terraform_data whose creation (and replacement,
// when trigger changes) invokes the rotate action on key; secretArg is
// the action's secret argument line, or "".
func rotateOnCreateConfig(key, secretArg, trigger string) string {
	return fmt.Sprintf(`
action %[1]q "test" {
  config {
    access_key_id = %[2]s
    %[3]s
  }
}

resource "terraform_data" "rotate" {
  triggers_replace = [%[4]q]

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.%[1]s.test]
    }
  }
}
`, rotateAction, key, secretArg, trigger)
}

// newSecretVariable declares the ephemeral variable new_secret.
const newSecretVariable = `
variable "new_secret" {
  type      = string
  ephemeral = true
}
`

// keyOutOfBand creates a key behind Terraform's back and deletes it when the
// test ends.
func keyOutOfBand(t *testing.T, env *acctest.Env, in conns.CreateAPIKeyInput) *conns.APIKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, err := env.Client.CreateAPIKey(ctx, in)
	if err != nil {
		t.Fatalf("creating key %q: %s", in.SecretName, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := env.Client.DisableAPIKey(ctx, key.AccessKeyID); err == nil {
			if err := env.Client.DeleteAPIKey(ctx, key.AccessKeyID); err != nil {
				t.Errorf("deleting key %s: %s", key.AccessKeyID, err)
			}
		}
	})
	return key
}

// assertNoUpdate fails the test when any UpdateApiKey reached the emulator.
func assertNoUpdate(t *testing.T, env *acctest.Env) {
	t.Helper()
	if env.Emulator == nil {
		return
	}
	if slices.Contains(callLog(env), "UpdateApiKey") {
		t.Fatal("UpdateApiKey was called, but the action had to fail before any write")
	}
}

// callLog lists the actions that reached the emulator (none against TencentCloud).
func callLog(env *acctest.Env) []string {
	if env.Emulator == nil {
		return nil
	}
	var actions []string
	for _, c := range env.Emulator.Calls() {
		actions = append(actions, c.Action)
	}
	return actions
}

// remoteSecretChanged checks that the key still exists under its ID with a
// secret other than old.
func remoteSecretChanged(env *acctest.Env, id, old *string) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		key, err := env.RemoteKey(*id)
		switch {
		case err != nil:
			return err
		case key == nil:
			return fmt.Errorf("key %s no longer exists", *id)
		case key.AccessKeySecret == *old:
			return fmt.Errorf("key %s still has its old secret", *id)
		}
		return nil
	})
}

type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// TestAccAPIKeyRotateAction_autoKeyFromTrigger rotates a managed auto key
// from an action_trigger: one DescribeApiKey and one UpdateApiKey, the same
// key ID with a new secret, and, since an action cannot change state, the
// next refresh picks the new secret up without a diff.
func TestAccAPIKeyRotateAction_autoKeyFromTrigger(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var id, oldSecret string
	keyConfig := env.Config(autoKeyConfig(name, "on", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: keyConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute(testAddress, "id", &id),
					acctest.CaptureAttribute(testAddress, "access_key_secret", &oldSecret),
				},
			},
			{
				Config: keyConfig + rotateOnCreateConfig(testAddress+".id", "", "first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionNoop),
						env.MarkCalls(),
					},
					// The key resource refreshes to the new secret: no diff.
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKey", "UpdateApiKey"),
					remoteSecretChanged(env, &id, &oldSecret),
					env.ExpectRemoteKeyCount(1),
				},
			},
			{
				// The same configuration again: the refreshed state holds the
				// new secret and the action does not run again.
				Config: keyConfig + rotateOnCreateConfig(testAddress+".id", "", "first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					env.KeyMatchesRemote(testAddress),
					remoteSecretChanged(env, &id, &oldSecret),
				},
			},
		},
	})
}

// TestAccAPIKeyRotateAction_manualKeyFromTrigger sets a manual key's secret
// from the write-only argument, on create and again on replacement of the
// triggering resource, and keeps the secret out of plan and state.
func TestAccAPIKeyRotateAction_manualKeyFromTrigger(t *testing.T) {
	env := acctest.New(t)
	id, secret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	keyOutOfBand(t, env, conns.CreateAPIKeyInput{
		SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeManual, AccessKeyID: id, AccessKeySecret: secret,
	})
	secret1, secret2 := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()
	// The secret comes from an ephemeral variable, as it would in use: a
	// literal would show in the plan's copy of the configuration.
	step := func(newSecret, trigger string) resource.TestStep {
		return resource.TestStep{
			Config:          env.Config(newSecretVariable + rotateOnCreateConfig(fmt.Sprintf("%q", id), "access_key_secret_wo = var.new_secret", trigger)),
			ConfigVariables: config.Variables{"new_secret": config.StringVariable(newSecret)},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					acctest.PlanDoesNotContain(secret, newSecret),
					env.MarkCalls(),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCalls("DescribeApiKey", "UpdateApiKey"),
				env.ExpectRemoteSecret(id, newSecret),
				acctest.StateDoesNotContain(secret, newSecret),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		Steps:                    []resource.TestStep{step(secret1, "first"), step(secret2, "second")},
	})
}

// TestAccAPIKeyRotateAction_managedManualKey shows what the docs say about a
// manual key that a resource manages and the action rotates. An action
// cannot change state, so the next plan sees the rotated secret as drift
// (from access_key_secret, or from the write-only secret's fingerprint) and
// the next apply sends the configured secret back; unless the configured
// write-only secret is the rotated one, when the plan stays empty.
func TestAccAPIKeyRotateAction_managedManualKey(t *testing.T) {
	// The next plan shows the rotation as drift (from access_key_secret, or
	// from the write-only secret's fingerprint), and the apply after it sends
	// the configured secret back, as with access_key_secret.
	rotatedBack := []struct {
		name string
		// key is the key's configuration, with the variables of its first
		// apply (and of the later ones, beside new_secret).
		key func(name, id, secret string) (string, config.Variables)
		// inState says whether the configured secret is in the state.
		inState bool
	}{
		{"access_key_secret is rotated back", func(name, id, secret string) (string, config.Variables) {
			return manualKeyConfig(name, id, secret), config.Variables{}
		}, true},
		{"access_key_secret_wo is rotated back", func(name, id, secret string) (string, config.Variables) {
			return writeOnlyKeyConfig(name, id, 1), secretVariable(secret)
		}, false},
	}
	for _, tc := range rotatedBack {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.New(t)
			name, id := acctest.RandomName(), acctest.RandomManualKeyID()
			configured, rotated := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()
			keyConfig, keyVars := tc.key(name, id, configured)
			cfg := env.Config(keyConfig + newSecretVariable +
				rotateOnCreateConfig(testAddress+".id", "access_key_secret_wo = var.new_secret", "first"))
			vars := config.Variables{"new_secret": config.StringVariable(rotated)}
			maps.Copy(vars, keyVars)
			secretChecks := func(live string) []statecheck.StateCheck {
				checks := []statecheck.StateCheck{env.ExpectRemoteSecret(id, live)}
				if !tc.inState {
					checks = append(checks, acctest.StateDoesNotContain(configured, rotated))
				}
				return checks
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   skipBelowActions,
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{
					{Config: env.Config(keyConfig), ConfigVariables: keyVars},
					{
						Config:          cfg,
						ConfigVariables: vars,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{env.MarkCalls()},
							PostApplyPostRefresh: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
							},
						},
						ConfigStateChecks:  append([]statecheck.StateCheck{env.ExpectCalls("DescribeApiKey", "UpdateApiKey")}, secretChecks(rotated)...),
						ExpectNonEmptyPlan: true,
					},
					{
						// The next apply: the configured secret goes back.
						Config:          cfg,
						ConfigVariables: vars,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
								env.MarkCalls(),
							},
						},
						ConfigStateChecks: append([]statecheck.StateCheck{env.ExpectCalls("UpdateApiKey")}, secretChecks(configured)...),
					},
				},
			})
		})
	}

	// Given the rotated secret (the same value as the action), the resource
	// sees that the live secret is the configured one: no change, no call.
	t.Run("access_key_secret_wo given the rotated secret keeps it", func(t *testing.T) {
		env := acctest.New(t)
		name, id := acctest.RandomName(), acctest.RandomManualKeyID()
		configured, rotated := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()
		cfg := env.Config(writeOnlyKeyConfig(name, id, 1) + newSecretVariable +
			rotateOnCreateConfig(testAddress+".id", "access_key_secret_wo = var.new_secret", "first"))
		vars := config.Variables{"secret": config.StringVariable(rotated), "new_secret": config.StringVariable(rotated)}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelowActions,
			CheckDestroy:             env.CheckDestroy,
			Steps: []resource.TestStep{
				{Config: env.Config(writeOnlyKeyConfig(name, id, 1)), ConfigVariables: secretVariable(configured)},
				{
					Config:          cfg,
					ConfigVariables: vars,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{env.MarkCalls()},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						env.ExpectCalls("DescribeApiKey", "UpdateApiKey"),
						env.ExpectRemoteSecret(id, rotated),
						acctest.StateDoesNotContain(configured, rotated),
					},
				},
				{
					Config:          cfg,
					ConfigVariables: vars,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), env.MarkCalls()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						env.ExpectCallCounts(map[string]int{}),
						env.ExpectRemoteSecret(id, rotated),
					},
				},
			},
		})
	})
}

// TestAccAPIKeyRotateAction_errors covers the invocations that must fail
// before any write: each ends with an error and no UpdateApiKey call.
func TestAccAPIKeyRotateAction_errors(t *testing.T) {
	t.Run("missing key", func(t *testing.T) {
		env := acctest.New(t)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelowActions,
			Steps: []resource.TestStep{{
				Config:      env.Config(rotateOnCreateConfig(fmt.Sprintf("%q", acctest.RandomManualKeyID()), "", "x")),
				ExpectError: acctest.WordsRegexp("API key not found"),
			}},
		})
		assertNoUpdate(t, env)
	})

	t.Run("manual key without a secret", func(t *testing.T) {
		env := acctest.New(t)
		id, secret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
		keyOutOfBand(t, env, conns.CreateAPIKeyInput{
			SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeManual, AccessKeyID: id, AccessKeySecret: secret,
		})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelowActions,
			Steps: []resource.TestStep{{
				Config:      env.Config(rotateOnCreateConfig(fmt.Sprintf("%q", id), "", "x")),
				ExpectError: acctest.WordsRegexp("Missing secret for a manual key"),
			}},
		})
		assertNoUpdate(t, env)
		if key, err := env.RemoteKey(id); err != nil || key == nil || key.AccessKeySecret != secret {
			t.Fatalf("key %s lost its secret (err: %v)", id, err)
		}
	})

	t.Run("secret for an auto key", func(t *testing.T) {
		env := acctest.New(t)
		key := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelowActions,
			Steps: []resource.TestStep{{
				Config: env.Config(rotateOnCreateConfig(fmt.Sprintf("%q", key.AccessKeyID),
					fmt.Sprintf("access_key_secret_wo = %q", acctest.RandomManualKeySecret()), "x")),
				ExpectError: acctest.WordsRegexp("Secret given for an auto key"),
			}},
		})
		assertNoUpdate(t, env)
		if remote, err := env.RemoteKey(key.AccessKeyID); err != nil || remote == nil || remote.AccessKeySecret != key.AccessKeySecret {
			t.Fatalf("key %s lost its secret (err: %v)", key.AccessKeyID, err)
		}
	})

	// Malformed arguments fail at validate time, before any API call.
	for name, tc := range map[string]struct{ key, secretArg, message string }{
		"bad key ID":     {key: `"no-dashes-allowed"`, message: "must contain only letters, digits and underscores"},
		"short secret":   {key: `"some_key_id"`, secretArg: `access_key_secret_wo = "short"`, message: "string length must be between 10 and 50"},
		"bad characters": {key: `"some_key_id"`, secretArg: `access_key_secret_wo = "not-a-valid-secret"`, message: "must contain only letters, digits and underscores"},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   skipBelowActions,
				Steps: []resource.TestStep{{
					Config:      env.Config(rotateOnCreateConfig(tc.key, tc.secretArg, "x")),
					PlanOnly:    true,
					ExpectError: acctest.WordsRegexp(tc.message),
				}},
			})
			env.AssertNoCalls(t)
		})
	}
}

// TestAccAPIKeyRotateAction_invokeCLI runs `terraform apply -invoke=…` as a
// user does, on an auto key and a manual key made outside Terraform: each
// invocation makes one DescribeApiKey and one UpdateApiKey, keeps the key
// ID, reports progress, and no secret reaches the output or the state.
func TestAccAPIKeyRotateAction_invokeCLI(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cli := acctest.NewCLI(t)
	if major, minor := cliVersion(t, cli); major == 1 && minor < 14 {
		t.Skipf("actions and -invoke need Terraform 1.14 or later (OpenTofu 1.12 has none); %s is %d.%d",
			os.Getenv("TF_ACC_TERRAFORM_PATH"), major, minor)
	}
	auto := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
	manualID, manualSecret := acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	keyOutOfBand(t, env, conns.CreateAPIKeyInput{
		SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeManual, AccessKeyID: manualID, AccessKeySecret: manualSecret,
	})
	newSecret := acctest.RandomManualKeySecret()
	// -invoke takes the action's configuration from the plan, where an
	// ephemeral value is null (Terraform 1.14 to 1.16): the secret comes
	// from a sensitive variable, which no output shows and no state holds.
	cli.WriteConfig(env.Config(fmt.Sprintf(`
# Only the manual key's action needs them.
variable "new_secret" {
  type      = string
  sensitive = true
  default   = null
}

variable "new_secret_ephemeral" {
  type      = string
  ephemeral = true
  default   = null
}

action %[1]q "auto" {
  config {
    access_key_id = %[2]q
  }
}

action %[1]q "manual" {
  config {
    access_key_id        = %[3]q
    access_key_secret_wo = var.new_secret
  }
}

action %[1]q "manual_ephemeral" {
  config {
    access_key_id        = %[3]q
    access_key_secret_wo = var.new_secret_ephemeral
  }
}
`, rotateAction, auto.AccessKeyID, manualID)))

	invoke := func(name string, extra ...string) string {
		t.Helper()
		before := len(callLog(env))
		args := append([]string{"apply", "-auto-approve", "-no-color", "-invoke=action." + rotateAction + "." + name}, extra...)
		out := cli.MustRun(args...)
		if env.Emulator != nil {
			if got := strings.Join(callLog(env)[before:], ", "); got != "DescribeApiKey, UpdateApiKey" {
				t.Fatalf("invoking %s: expected the calls DescribeApiKey, UpdateApiKey, got %s", name, got)
			}
		}
		return out
	}

	outputs := map[string]string{
		"auto":   invoke("auto"),
		"manual": invoke("manual", "-var=new_secret="+newSecret),
	}
	for name, want := range map[string]string{
		"auto":   "Asking the service for a new secret for auto API key " + auto.AccessKeyID,
		"manual": "Setting the new secret of manual API key " + manualID,
	} {
		out := outputs[name]
		for _, line := range []string{want, "Rotated the secret of API key", "Apply complete!"} {
			if !strings.Contains(out, line) {
				t.Errorf("the output of invoking %s lacks %q:\n%s", name, line, out)
			}
		}
	}

	// The ephemeral variable reaches the action as null: a clear error and
	// no write. When Terraform passes ephemeral values to -invoke, this
	// fails, and the docs' advice to use a sensitive variable can go.
	before := len(callLog(env))
	out, err := cli.Run(nil, "apply", "-auto-approve", "-no-color",
		"-invoke=action."+rotateAction+".manual_ephemeral", "-var=new_secret_ephemeral="+acctest.RandomManualKeySecret())
	if err == nil || !acctest.WordsRegexp("Missing secret for a manual key").MatchString(out) {
		t.Errorf("invoking with an ephemeral secret: expected the missing-secret error, got (err: %v):\n%s", err, out)
	}
	if env.Emulator != nil {
		if got := strings.Join(callLog(env)[before:], ", "); got != "DescribeApiKey" {
			t.Errorf("invoking with an ephemeral secret: expected only DescribeApiKey, got %s", got)
		}
	}

	rotated, err := env.RemoteKey(auto.AccessKeyID)
	if err != nil || rotated == nil || rotated.AccessKeySecret == auto.AccessKeySecret {
		t.Fatalf("auto key %s was not rotated in place (err: %v)", auto.AccessKeyID, err)
	}
	if key, err := env.RemoteKey(manualID); err != nil || key == nil || key.AccessKeySecret != newSecret {
		t.Fatalf("manual key %s does not hold the new secret (err: %v)", manualID, err)
	}
	if state, err := os.ReadFile(filepath.Join(cli.Dir, "terraform.tfstate")); err == nil {
		outputs["state file"] = string(state)
	}
	for what, out := range outputs {
		for _, secret := range []string{auto.AccessKeySecret, rotated.AccessKeySecret, manualSecret, newSecret} {
			if strings.Contains(out, secret) {
				t.Fatalf("the %s holds a secret:\n%s", what, out)
			}
		}
	}
}
