package apigateway_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// expectKeyEnabled fails the test unless the emulator holds the key, enabled.
func expectKeyEnabled(t *testing.T, env *acctest.Env, id string) {
	t.Helper()
	key, ok := env.Emulator.Key(id)
	switch {
	case !ok:
		t.Errorf("key %s no longer exists", id)
	case !key.Enabled:
		t.Errorf("key %s was left disabled by the failed delete", id)
	}
}

// A destroy that fails because the key is bound to a usage plan turns the
// key it disabled back on, says so, and says what to do.
func TestAccAPIKey_failedDestroyKeepsKeyEnabled(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "a key cannot be bound to a usage plan on demand")
	name := acctest.RandomName()
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:            env.Config(autoKeyConfig(name, "on", "")),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(testAddress, "id", &id)},
			},
			{
				PreConfig: func() { env.Emulator.SetKeyBoundToUsagePlan(id, true) },
				Config:    env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionDestroy),
						env.MarkCalls(),
					},
				},
				ExpectError: regexp.MustCompile(`(?s)` + acctest.WordsRegexp(`DeleteApiKey failed: [UnsupportedOperation.ResourceIsInUse]`).String() +
					`.*API\s+key\s+AKID\w+\s+` + acctest.WordsRegexp(`was disabled to be deleted, and has been enabled again: callers that use it keep working.`).String() +
					`.*` + acctest.WordsRegexp(`is still bound to a usage plan`).String() +
					`.*tencentcloud_api_gateway_api_key_attachment.*` + acctest.WordsRegexp(`tccli apigateway UnBindSecretIds`).String() +
					`.*` + acctest.WordsRegexp(`terraform state rm`).String()),
			},
			{
				// State still holds the key as it is: on.
				PreConfig: func() {
					env.AssertCalls(t, "DescribeApiKey", "DisableApiKey", "DeleteApiKey→UnsupportedOperation.ResourceIsInUse", "EnableApiKey")
					expectKeyEnabled(t, env, id)
				},
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("status"), knownvalue.StringExact("on")),
				},
			},
			{
				// Unbound, the key is destroyed.
				PreConfig: func() { env.Emulator.SetKeyBoundToUsagePlan(id, false) },
				Config:    env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectCalls("DescribeApiKey", "DisableApiKey", "DeleteApiKey")},
			},
		},
	})
}

// A replacement (a new secret_name) deletes the old key first: when that
// fails, the old key stays enabled and no new key is made.
func TestAccAPIKey_failedReplacementKeepsOldKeyEnabled(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "a key cannot be bound to a usage plan on demand")
	name := acctest.RandomName()
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:            env.Config(autoKeyConfig(name, "on", "")),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(testAddress, "id", &id)},
			},
			{
				PreConfig: func() { env.Emulator.SetKeyBoundToUsagePlan(id, true) },
				Config:    env.Config(autoKeyConfig(name+"-renamed", "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionDestroyBeforeCreate),
						env.MarkCalls(),
					},
				},
				ExpectError: acctest.WordsRegexp(`has been enabled again`),
			},
			{
				// The old key is still on, still in state, and alone.
				PreConfig: func() {
					env.AssertCalls(t, "DescribeApiKey", "DisableApiKey", "DeleteApiKey→UnsupportedOperation.ResourceIsInUse", "EnableApiKey")
					expectKeyEnabled(t, env, id)
					if n := len(env.Emulator.Keys()); n != 1 {
						t.Errorf("expected only the old key, the emulator holds %d", n)
					}
				},
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("id"), knownvalue.StringFunc(func(v string) error {
						if v != id {
							return fmt.Errorf("state holds key %s, not the old key %s", v, id)
						}
						return nil
					})),
				},
			},
			{
				// Unbound, the replacement goes through.
				PreConfig: func() { env.Emulator.SetKeyBoundToUsagePlan(id, false) },
				Config:    env.Config(autoKeyConfig(name+"-renamed", "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKey", "DisableApiKey", "DeleteApiKey", "DescribeApiKeysStatus", "CreateApiKey"),
					env.KeyMatchesRemote(testAddress),
					env.ExpectRemoteKeyCount(1),
				},
			},
		},
	})
}

// A delete that keeps failing until the delete timeout ends re-enables the
// key too, on a context of its own (the delete's has expired by then).
func TestAccAPIKey_destroyTimeoutKeepsKeyEnabled(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "faults cannot be injected into TencentCloud")
	name := acctest.RandomName()
	var id string
	config := fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %q
  timeouts {
    delete = "2s"
  }
}
`, name)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:            env.Config(config),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(testAddress, "id", &id)},
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults(emulator.Faults{Seed: 1, TransientRate: 1, Actions: []string{"DeleteApiKey"}})
				},
				Config: env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				// The retries end with the delete timeout; the last attempt's error is reported.
				ExpectError: regexp.MustCompile(`(?s)DeleteApiKey\s+failed.*` + acctest.WordsRegexp(`has been enabled again`).String()),
			},
			{
				PreConfig: func() {
					calls := env.Emulator.Calls()
					if last := calls[len(calls)-1]; last.Action != "EnableApiKey" || last.ErrorCode != "" {
						t.Errorf("expected the failed destroy to end with a successful EnableApiKey, got %s→%s", last.Action, last.ErrorCode)
					}
					expectKeyEnabled(t, env, id)
					env.Emulator.SetFaults(emulator.Faults{})
				},
				Config: env.ProviderBlock(),
			},
		},
	})
}

// expectKeyDisabled fails the test unless the emulator holds the key, disabled.
func expectKeyDisabled(t *testing.T, env *acctest.Env, id string) {
	t.Helper()
	key, ok := env.Emulator.Key(id)
	switch {
	case !ok:
		t.Errorf("key %s no longer exists", id)
	case key.Enabled:
		t.Errorf("key %s, disabled outside Terraform, was enabled by the failed delete", id)
	}
}

// runBeforeApply is a pre-apply plan check that acts on the API after the
// plan was made and before it is applied, as happens to a saved plan.
type runBeforeApply func()

func (f runBeforeApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// A key that state holds as on but that was disabled outside Terraform
// (it leaked, say) is not turned on by a destroy that fails: Delete reads
// its live status and disables nothing, so it restores nothing. The change
// comes after the refresh (a saved plan applied later) or is never
// refreshed (-refresh=false).
func TestAccAPIKey_failedDestroyLeavesKeyDisabledOutOfBand(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noRefresh bool
		// calls of the final destroy: the refresh finds the key off, or
		// (without refresh) Delete reads it.
		finalCalls []string
	}{
		{name: "after the refresh", finalCalls: []string{"DeleteApiKey"}},
		{name: "refresh=false", noRefresh: true, finalCalls: []string{"DescribeApiKey", "DeleteApiKey"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.New(t)
			env.SkipWithoutEmulator(t, "a key cannot be bound to a usage plan on demand")
			name := acctest.RandomName()
			var id string
			offAndBound := func() {
				env.Emulator.SetKeyEnabled(id, false)
				env.Emulator.SetKeyBoundToUsagePlan(id, true)
			}
			destroy := resource.TestStep{
				Config: env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionDestroy)},
				},
				ExpectError: regexp.MustCompile(`(?s)` + acctest.WordsRegexp(`DeleteApiKey failed: [UnsupportedOperation.ResourceIsInUse]`).String() +
					`.*API\s+key\s+AKID\w+\s+` + acctest.WordsRegexp(`is still bound to a usage plan`).String() +
					`.*tencentcloud_api_gateway_api_key_attachment.*` + acctest.WordsRegexp(`tccli apigateway UnBindSecretIds`).String() +
					`.*` + acctest.WordsRegexp(`terraform state rm`).String()),
			}
			if tc.noRefresh {
				destroy.PreConfig = offAndBound
			} else {
				destroy.ConfigPlanChecks.PreApply = append(destroy.ConfigPlanChecks.PreApply, runBeforeApply(offAndBound))
			}
			destroy.ConfigPlanChecks.PreApply = append(destroy.ConfigPlanChecks.PreApply, env.MarkCalls())
			tcase := resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{
					{
						Config:            env.Config(autoKeyConfig(name, "on", "")),
						ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(testAddress, "id", &id)},
					},
					destroy,
					{
						// The key is still off: nothing disabled it here, so
						// nothing turned it on. Unbound, it is destroyed.
						PreConfig: func() {
							env.AssertCalls(t, "DescribeApiKey", "DeleteApiKey→UnsupportedOperation.ResourceIsInUse")
							expectKeyDisabled(t, env, id)
							env.Emulator.SetKeyBoundToUsagePlan(id, false)
						},
						Config: env.ProviderBlock(),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{env.MarkCalls()},
						},
						ConfigStateChecks: []statecheck.StateCheck{env.ExpectCalls(tc.finalCalls...)},
					},
				},
			}
			if tc.noRefresh {
				tcase.AdditionalCLIOptions = &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}}
			}
			resource.ParallelTest(t, tcase)
		})
	}
}

// The same with a saved destroy plan, through the CLI itself: the key is
// disabled and bound after `plan -destroy -out`, and `apply` of that plan
// fails without turning it on, with an error that says nothing of
// enabling it and names the ways out.
func TestAccAPIKey_savedDestroyPlanLeavesKeyDisabledOutOfBand(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "a key cannot be bound to a usage plan on demand")
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.Config(autoKeyConfig(acctest.RandomName(), "on", "")))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	keys := env.Emulator.Keys()
	if len(keys) != 1 || !keys[0].Enabled {
		t.Fatalf("expected one enabled key, got %v", keys)
	}
	id := keys[0].AccessKeyID

	cli.MustRun("plan", "-destroy", "-no-color", "-out=destroy.tfplan")
	env.Emulator.SetKeyEnabled(id, false)
	env.Emulator.SetKeyBoundToUsagePlan(id, true)
	env.MarkCallsNow()
	out, err := cli.Run(nil, "apply", "-no-color", "destroy.tfplan")
	if err == nil {
		t.Fatalf("expected the destroy of a bound key to fail:\n%s", out)
	}
	env.AssertCalls(t, "DescribeApiKey", "DeleteApiKey→UnsupportedOperation.ResourceIsInUse")
	expectKeyDisabled(t, env, id)
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"DeleteApiKey failed: [UnsupportedOperation.ResourceIsInUse]", "API key " + id + " is still bound to a usage plan",
		"tencentcloud_api_gateway_api_key_attachment", "terraform import <attachment address> " + id + "#<usage plan ID>",
		`tccli apigateway UnBindSecretIds --UsagePlanId <usage plan ID> --AccessKeyIds '["` + id + `"]'`, "terraform state rm"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the error lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"enabled again", "was disabled to be deleted", "DISABLED"} {
		if strings.Contains(flat, not) {
			t.Errorf("the error says %q of a key this destroy did not disable:\n%s", not, out)
		}
	}

	env.Emulator.SetKeyBoundToUsagePlan(id, false)
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if n := len(env.Emulator.Keys()); n != 0 {
		t.Fatalf("expected no key after the destroy, the emulator holds %d", n)
	}
}

// Reading each key's live status before it is disabled shares calls: a
// destroy of many keys (without a refresh, so that only the destroy walk
// reads) adds a few DescribeApiKeysStatus to its DisableApiKey and
// DeleteApiKey, not a read per key. The emulator limits every action to
// 20 calls a second, as the API does.
func TestAccAPIKey_destroyManyReadsInSharedCalls(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "it counts the calls of the destroy")
	const n = 100
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.Config(fleetConfig(acctest.RandomName(), n/2, n/2, 1)))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	env.Emulator.ResetCalls()
	start := time.Now()
	cli.MustRun("destroy", "-refresh=false", "-auto-approve", "-no-color")
	took := time.Since(start)
	calls := env.Emulator.CallCounts()
	t.Logf("destroying %d keys: %v in %s", n, calls, took.Round(10*time.Millisecond))
	if left := len(env.Emulator.Keys()); left != 0 {
		t.Fatalf("%d keys left after the destroy", left)
	}
	reads := calls["DescribeApiKeysStatus"] + calls["DescribeApiKey"]
	if calls["DisableApiKey"] != n || calls["DeleteApiKey"] != n || reads > n/4 || len(calls) > 4 {
		t.Fatalf("expected %d DisableApiKey, %d DeleteApiKey and at most %d reads, got %v", n, n, n/4, calls)
	}
}
