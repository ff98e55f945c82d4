package apigateway_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

const (
	rotationAddress = "tencentcloud_api_gateway_api_key_rotation.test"
	blueAddress     = "tencentcloud_api_gateway_api_key.blue"
	greenAddress    = "tencentcloud_api_gateway_api_key.green"
)

// rotationKeysConfig is two auto keys, blue and green, and, when bound,
// a usage plan that both are bound to (so that they pass the gateway).
func rotationKeysConfig(name string, bound bool) string {
	cfg := fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "blue" {
  secret_name = "%[1]s-blue"
}

resource "tencentcloud_api_gateway_api_key" "green" {
  secret_name = "%[1]s-green"
}
`, name)
	if bound {
		cfg += fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key_attachment" "blue" {
  api_key_id    = tencentcloud_api_gateway_api_key.blue.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}

resource "tencentcloud_api_gateway_api_key_attachment" "green" {
  api_key_id    = tencentcloud_api_gateway_api_key.green.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`, name)
	}
	return cfg
}

// rotationConfig is the keys and a rotation of them with the given
// rotation_triggers line ("" for none).
func rotationConfig(name string, bound bool, triggers string) string {
	return rotationKeysConfig(name, bound) + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
%s
}
`, triggers)
}

// rotationPair is what a rotation's state says, captured for later steps.
type rotationPair struct{ active, previous, secret string }

func (p *rotationPair) capture() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		acctest.CaptureAttribute(rotationAddress, "active_access_key_id", &p.active),
		acctest.CaptureAttribute(rotationAddress, "previous_access_key_id", &p.previous),
		acctest.CaptureAttribute(rotationAddress, "active_access_key_secret", &p.secret),
	}
}

// rotatedFrom checks a rotation's outcome against the pair before it: the
// keys swapped roles; the new active key holds the state's secret, a new
// one; the key that was active kept its secret; last_rotation_time is the
// new active key's modification time.
func rotatedFrom(env *acctest.Env, before *rotationPair, oldStandbySecret *string) statecheck.StateCheck {
	var after rotationPair
	checks := after.capture()
	return multiCheck(append(checks, stateCheckFunc(func() error {
		if after.active != before.previous || after.previous != before.active {
			return fmt.Errorf("expected %s to become active and %s previous, got active %s, previous %s",
				before.previous, before.active, after.active, after.previous)
		}
		active, err := env.RemoteKey(after.active)
		if err != nil || active == nil {
			return fmt.Errorf("reading key %s: %v", after.active, err)
		}
		if active.AccessKeySecret != after.secret {
			return fmt.Errorf("active_access_key_secret is not the secret key %s holds", after.active)
		}
		if active.AccessKeySecret == *oldStandbySecret {
			return fmt.Errorf("key %s, now active, still has the secret it had before the rotation", after.active)
		}
		previous, err := env.RemoteKey(after.previous)
		if err != nil || previous == nil {
			return fmt.Errorf("reading key %s: %v", after.previous, err)
		}
		if previous.AccessKeySecret != before.secret {
			return fmt.Errorf("key %s, active before the rotation, lost the secret its callers hold", after.previous)
		}
		*before = after
		*oldStandbySecret = previous.AccessKeySecret
		return nil
	}))...)
}

// TestAccAPIKeyRotation_lifecycle: create rotates nothing and makes the
// more recently modified key active; each trigger change makes exactly one
// UpdateApiKey, on the key that is not active, and the keys alternate;
// the key resources then refresh to their new secrets with an empty plan;
// removing the triggers, and setting them again, rotates nothing.
func TestAccAPIKeyRotation_lifecycle(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var pair rotationPair
	var standbySecret string
	rotation := func(n string) resource.TestStep {
		return resource.TestStep{
			Config: env.Config(rotationConfig(name, false, triggers(n))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(blueAddress, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(greenAddress, plancheck.ResourceActionNoop),
					// The key that becomes active is known at plan time.
					planValueFrom("active_access_key_id", &pair.previous),
					planValueFrom("previous_access_key_id", &pair.active),
					plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_secret")),
					env.MarkCalls(),
				},
				// The key resources see their own secret change on refresh:
				// computed, so no diff.
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
				rotatedFrom(env, &pair, &standbySecret),
				env.ExpectRemoteKeyCount(2),
				previousKeyRefreshed(env),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(rotationConfig(name, false, triggers("1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(rotationAddress, attr("last_rotation_time"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: append(pair.capture(),
					statecheck.ExpectKnownValue(rotationAddress, attr("last_rotation_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"t0": knownvalue.StringExact("1"),
					})),
					noUpdateSinceStart(env),
					activeIsMoreRecentlyModified(env, &pair),
					stateCheckFunc(func() error {
						previous, err := env.RemoteKey(pair.previous)
						if err != nil || previous == nil {
							return fmt.Errorf("reading key %s: %v", pair.previous, err)
						}
						standbySecret = previous.AccessKeySecret
						return nil
					}),
				),
			},
			rotation("2"),
			rotation("3"),
			rotation("4"),
			{
				// Removing the triggers rotates nothing and calls nothing.
				Config: env.Config(rotationConfig(name, false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.NotNull()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					statecheck.ExpectKnownValue(rotationAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				// Setting them where there were none records them only.
				Config: env.Config(rotationConfig(name, false, triggers("5"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.ExpectCallCounts(map[string]int{})},
			},
		},
	})
}

// multiCheck runs state checks in order, stopping at the first error, so
// that later ones can use what earlier ones captured.
func multiCheck(checks ...statecheck.StateCheck) statecheck.StateCheck {
	return multiStateCheck(checks)
}

type multiStateCheck []statecheck.StateCheck

func (m multiStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, c := range m {
		c.CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
	}
}

// planValueFrom checks that the plan sets a string attribute of the
// rotation to *want, read when the check runs (so a value captured by an
// earlier step).
func planValueFrom(name string, want *string) plancheck.PlanCheck {
	return planValue{address: rotationAddress, name: name, want: want}
}

type planValue struct {
	address, name string
	want          *string
}

func (p planValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != p.address || rc.Change == nil {
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		if got, _ := after[p.name].(string); got != *p.want {
			resp.Error = fmt.Errorf("%s.%s is planned as %q, want %q", p.address, p.name, got, *p.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", p.address)
}

// noUpdateSinceStart checks that no UpdateApiKey has reached the emulator.
func noUpdateSinceStart(env *acctest.Env) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		if slices.Contains(callLog(env), "UpdateApiKey") {
			return fmt.Errorf("UpdateApiKey was called: %v", callLog(env))
		}
		return nil
	})
}

// activeIsMoreRecentlyModified checks the choice of the active key on create
// or import: the more recently modified of the two (or as recently).
func activeIsMoreRecentlyModified(env *acctest.Env, pair *rotationPair) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		active, err1 := env.RemoteKey(pair.active)
		previous, err2 := env.RemoteKey(pair.previous)
		if err1 != nil || err2 != nil || active == nil || previous == nil {
			return fmt.Errorf("reading keys %s and %s: %v %v", pair.active, pair.previous, err1, err2)
		}
		if active.ModifiedTime < previous.ModifiedTime {
			return fmt.Errorf("active key %s was modified at %s, before key %s (%s)", pair.active, active.ModifiedTime,
				pair.previous, previous.ModifiedTime)
		}
		return nil
	})
}

// callerCountAt is a plan check that records how many calls the caller has
// made, so that callerCalledSince can show it called during the apply.
func callerCountAt(caller *acctest.GatewayCaller, n *int) plancheck.PlanCheck {
	return planCheckFunc(func() error { *n, _ = caller.Counts(); return nil })
}

// callerCalledSince checks that the caller made calls since the count n
// was taken: it was calling while Terraform applied.
func callerCalledSince(caller *acctest.GatewayCaller, n *int) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		if calls, _ := caller.Counts(); calls <= *n {
			return fmt.Errorf("the caller made no call during the apply (%d calls before, %d after)", *n, calls)
		}
		return nil
	})
}

type planCheckFunc func() error

func (f planCheckFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// TestAccAPIKeyRotation_gatewayProof is the proof at the gateway: a caller
// signs calls to the emulator's API (both keys bound to a usage plan) from
// a goroutine while the configuration rotates three times. After each
// apply it first calls once more with the pair it held through the apply,
// then takes the new active pair from the rotation's state, as a deployment
// reads the apply's outputs. Required: no refused call at all; both keys
// pass right after each rotation; exactly one UpdateApiKey per rotation
// and no key created or deleted.
func TestAccAPIKeyRotation_gatewayProof(t *testing.T) {
	env := acctest.New(t)
	caller := env.StartGatewayCaller(t) // skips without the emulator
	name := acctest.RandomName()
	var pair rotationPair
	var standbySecret string
	var callsBefore int
	rotation := func(n string) resource.TestStep {
		return resource.TestStep{
			Config: env.Config(rotationConfig(name, true, triggers(n))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
					env.MarkCalls(),
					callerCountAt(caller, &callsBefore),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				// The pair held through the apply (now the previous key) still passes...
				caller.ExpectHeldPair(http.StatusOK),
				// ...and so does the new active pair.
				env.ExpectPairPasses(rotationAddress, "active_access_key_id", "active_access_key_secret"),
				callerCalledSince(caller, &callsBefore),
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
				rotatedFrom(env, &pair, &standbySecret),
				env.ExpectRemoteKeyCount(2),
				caller.TakePair(rotationAddress, "active_access_key_id", "active_access_key_secret"),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(rotationConfig(name, true, triggers("1"))),
				ConfigStateChecks: append(pair.capture(),
					env.ExpectGatewayAnswer(blueAddress, http.StatusOK, emulator.GatewayOK),
					env.ExpectGatewayAnswer(greenAddress, http.StatusOK, emulator.GatewayOK),
					stateCheckFunc(func() error {
						previous, err := env.RemoteKey(pair.previous)
						if err != nil || previous == nil {
							return fmt.Errorf("reading key %s: %v", pair.previous, err)
						}
						standbySecret = previous.AccessKeySecret
						return nil
					}),
					caller.TakePair(rotationAddress, "active_access_key_id", "active_access_key_secret"),
				),
			},
			rotation("2"),
			rotation("3"),
			withCheck(rotation("4"), stopCaller(caller)),
		},
	})
	calls, refused := caller.Counts()
	t.Logf("gateway caller over three alternating rotations: %d calls, %d refused", calls, refused)
	if refused != 0 {
		t.Errorf("%d of %d calls were refused: %v", refused, calls, caller.Refusals())
	}
}

// inPlaceContrastConfig is one auto key bound to a usage plan and rotated
// in place by its own rotation_triggers.
func inPlaceContrastConfig(name, n string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_usage_plan" "test" {
  usage_plan_name = %[1]q
}

resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %[1]q
%[2]s
}

resource "tencentcloud_api_gateway_api_key_attachment" "test" {
  api_key_id    = tencentcloud_api_gateway_api_key.test.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.test.id
}
`, name, triggers(n))
}

// TestAccAPIKeyRotation_inPlaceContrast is the same caller and the same three
// rotations with one key rotated in place (the key's own rotation_triggers):
// right after each apply, the pair the caller held is refused (401
// bad-signature) until it takes the new secret. This is what the
// alternating rotation removes.
func TestAccAPIKeyRotation_inPlaceContrast(t *testing.T) {
	env := acctest.New(t)
	caller := env.StartGatewayCaller(t) // skips without the emulator
	name := acctest.RandomName()
	var callsBefore int
	rotation := func(n string) resource.TestStep {
		return resource.TestStep{
			Config: env.Config(inPlaceContrastConfig(name, n)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{env.MarkCalls(), callerCountAt(caller, &callsBefore)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				caller.ExpectHeldPair(http.StatusUnauthorized),
				callerCalledSince(caller, &callsBefore),
				env.ExpectCalls("UpdateApiKey"),
				caller.TakePair(testAddress, "access_key_id", "access_key_secret"),
				caller.ExpectHeldPair(http.StatusOK),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config:            env.Config(inPlaceContrastConfig(name, "1")),
				ConfigStateChecks: []statecheck.StateCheck{caller.TakePair(testAddress, "access_key_id", "access_key_secret")},
			},
			rotation("2"),
			rotation("3"),
			withCheck(rotation("4"), stopCaller(caller)),
		},
	})
	calls, refused := caller.Counts()
	t.Logf("gateway caller over three in-place rotations: %d calls, %d refused (3 of them the calls right after each apply)", calls, refused)
	if refused < 3 {
		t.Errorf("expected at least the 3 calls right after each apply to be refused, got %d of %d refused", refused, calls)
	}
	for _, r := range caller.Refusals() {
		if !strings.Contains(r, emulator.GatewayBadSignature) {
			t.Errorf("a refusal other than a rotated secret's: %s", r)
		}
	}
}

// stopCaller stops the caller's calls: before the destroy that ends the
// test, which would refuse them.
func stopCaller(caller *acctest.GatewayCaller) statecheck.StateCheck {
	return stateCheckFunc(func() error { caller.Stop(); return nil })
}

// withCheck adds state checks to a step.
func withCheck(step resource.TestStep, checks ...statecheck.StateCheck) resource.TestStep {
	step.ConfigStateChecks = append(step.ConfigStateChecks, checks...)
	return step
}

// rotationWithTimeoutConfig is rotationConfig with a short update timeout,
// so that a rotation whose UpdateApiKey keeps failing gives up quickly.
func rotationWithTimeoutConfig(name, n string) string {
	return rotationKeysConfig(name, true) + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
%s

  timeouts {
    update = "3s"
  }
}
`, triggers(n))
}

// TestAccAPIKeyRotation_failureHalfWay: the rotation's UpdateApiKey fails
// (the emulator's faults): first refused every time (transient errors,
// not performed), then carried out but answered with a server error (so
// the outcome is unclear). Each time the apply fails with an error that
// says what state the keys are in; the active key keeps its secret and its
// callers keep passing; state is unchanged, so the next plan still wants
// the rotation. Without faults the next apply rotates, with one
// UpdateApiKey; and an unusable answer (Result null) is carried out, so the
// key is read again for its new secret.
func TestAccAPIKeyRotation_failureHalfWay(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test injects faults into UpdateApiKey")
	name := acctest.RandomName()
	var pair rotationPair
	var standbySecret string
	// checkUnchanged runs before the step after a failure: the active key
	// and the standby are as they were, and the active pair passes.
	checkUnchanged := func(standbyMayHaveChanged bool) {
		t.Helper()
		env.Emulator.SetFaults(emulator.Faults{})
		env.ExpectGatewayAnswerNow(pair.active, pair.secret, http.StatusOK, emulator.GatewayOK)
		if key, err := env.RemoteKey(pair.active); err != nil || key == nil || key.AccessKeySecret != pair.secret {
			t.Errorf("the active key %s lost the secret its callers hold (err: %v)", pair.active, err)
		}
		standby, err := env.RemoteKey(pair.previous)
		if err != nil || standby == nil {
			t.Fatalf("reading key %s: %v", pair.previous, err)
		}
		if !standbyMayHaveChanged && standby.AccessKeySecret != standbySecret {
			t.Errorf("key %s got a new secret although every UpdateApiKey was refused", pair.previous)
		}
		standbySecret = standby.AccessKeySecret
	}
	const stateText = "is still the active key and keeps its secret, so callers that hold it keep working; " +
		"active_access_key_id still names it. API key"
	// After a failure, state is as it was: the plan still makes the same
	// key active.
	sameRotationPlanned := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{
			planValueFrom("active_access_key_id", &pair.previous),
			planValueFrom("previous_access_key_id", &pair.active),
			env.MarkCalls(),
		},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyAttachments(env),
		Steps: []resource.TestStep{
			{
				Config: env.Config(rotationWithTimeoutConfig(name, "1")),
				ConfigStateChecks: append(pair.capture(), stateCheckFunc(func() error {
					previous, err := env.RemoteKey(pair.previous)
					if err != nil || previous == nil {
						return fmt.Errorf("reading key %s: %v", pair.previous, err)
					}
					standbySecret = previous.AccessKeySecret
					return nil
				})),
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults(emulator.Faults{Seed: 1, TransientRate: 1, Actions: []string{"UpdateApiKey"}})
				},
				Config:      env.Config(rotationWithTimeoutConfig(name, "2")),
				ExpectError: keyStateError(stateText, "the key this rotation was to make active, was not changed"),
			},
			{
				PreConfig: func() {
					checkUnchanged(false)
					env.Emulator.SetFaults(emulator.Faults{Seed: 1, CommitErrorRate: 1, Actions: []string{"UpdateApiKey"}})
				},
				Config:           env.Config(rotationWithTimeoutConfig(name, "2")),
				ConfigPlanChecks: sameRotationPlanned,
				ExpectError:      keyStateError(stateText, "the key this rotation was to make active, was given a new secret although UpdateApiKey reported a failure"),
			},
			{
				// No faults: the rotation goes through, one UpdateApiKey.
				PreConfig:        func() { checkUnchanged(true) },
				Config:           env.Config(rotationWithTimeoutConfig(name, "2")),
				ConfigPlanChecks: sameRotationPlanned,
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
					rotatedFrom(env, &pair, &standbySecret),
				},
			},
			{
				// UpdateApiKey answers Result null: carried out, so the key is
				// read again (DescribeApiKey) and its new secret stored.
				PreConfig: func() {
					env.Emulator.SetFaults(emulator.Faults{Seed: 1, NullResultRate: 1, Actions: []string{"UpdateApiKey"}})
				},
				Config: env.Config(rotationWithTimeoutConfig(name, "3")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1, "DescribeApiKey": 1}),
					rotatedFrom(env, &pair, &standbySecret),
					env.ExpectPairPasses(rotationAddress, "active_access_key_id", "active_access_key_secret"),
				},
			},
		},
	})
}

// keyStateError matches the words of before, a key ID and a comma, then the
// words of after, whatever line breaks the CLI puts between them.
func keyStateError(before, after string) *regexp.Regexp {
	return regexp.MustCompile(acctest.WordsRegexp(before).String() + `\s+[A-Za-z0-9_]+,\s+` + acctest.WordsRegexp(after).String())
}

// literalRotationConfig is a rotation of keys given by literal IDs (an HCL
// list), with the given rotation_triggers line.
func literalRotationConfig(ids []string, triggerLine string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids = [%s]
%s
}
`, strings.Join(quoted, ", "), triggerLine)
}

// assertNoWrites fails the test when anything but reads reached the emulator.
func assertNoWrites(t *testing.T, env *acctest.Env) {
	t.Helper()
	for _, action := range callLog(env) {
		if !strings.HasPrefix(action, "Describe") {
			t.Fatalf("%s was called, but the plan had to fail before any write (calls: %v)", action, callLog(env))
		}
	}
}

// TestAccAPIKeyRotation_badInput: not exactly two keys, the same key twice,
// a key that does not exist and a manual key are each an error at plan
// time, before any write.
func TestAccAPIKeyRotation_badInput(t *testing.T) {
	cases := map[string]struct {
		ids     func(t *testing.T, env *acctest.Env) []string
		message string
	}{
		"one key": {
			ids:     func(*testing.T, *acctest.Env) []string { return []string{"tfacc_one_key"} },
			message: "list must contain at least 2 elements and at most 2 elements, got: 1",
		},
		"three keys": {
			ids:     func(*testing.T, *acctest.Env) []string { return []string{"tfacc_key_a", "tfacc_key_b", "tfacc_key_c"} },
			message: "list must contain at least 2 elements and at most 2 elements, got: 3",
		},
		"the same key twice": {
			ids:     func(*testing.T, *acctest.Env) []string { return []string{"tfacc_key_a", "tfacc_key_a"} },
			message: "This attribute contains duplicate values of: \"tfacc_key_a\"",
		},
		"a key that does not exist": {
			ids: func(t *testing.T, env *acctest.Env) []string {
				key := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
				return []string{key.AccessKeyID, "tfacc_no_such_key"}
			},
			message: `API key "tfacc_no_such_key" does not exist.`,
		},
		"a manual key": {
			ids: func(t *testing.T, env *acctest.Env) []string {
				key := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
				manual := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeManual,
					AccessKeyID: acctest.RandomManualKeyID(), AccessKeySecret: acctest.RandomManualKeySecret()})
				return []string{manual.AccessKeyID, key.AccessKeyID}
			},
			message: "is a manual key. A rotation alternates between two auto keys",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			ids := tc.ids(t, env)
			if env.Emulator != nil {
				env.Emulator.ResetCalls()
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.Config(literalRotationConfig(ids, triggers("1"))),
					PlanOnly:    true,
					ExpectError: acctest.WordsRegexp(tc.message),
				}},
			})
			assertNoWrites(t, env)
		})
	}
}

// rotationImportBlock imports the rotation by ID or by identity.
func rotationImportBlock(ids []string, byIdentity bool) string {
	if byIdentity {
		return fmt.Sprintf(`
import {
  to = %s
  identity = {
    access_key_ids = [%q, %q]
  }
}
`, rotationAddress, ids[0], ids[1])
	}
	return fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, rotationAddress, strings.Join(ids, ","))
}

// importedRotationSteps: two keys made outside Terraform, the second
// modified a second later (so it is the more recently modified), imported
// with an import block and a configuration with triggers. The import picks
// the second key as active, records the triggers and rotates nothing; the
// next trigger change rotates the first key. Then `terraform import` of
// `<id1>,<id2>` gives the same state (the rotated key, now the more
// recently modified, is active).
func importedRotationSteps(t *testing.T, env *acctest.Env, byIdentity bool) []resource.TestStep {
	first := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
	second := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
	time.Sleep(1100 * time.Millisecond) // modification times are whole seconds
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	second, err := env.Client.UpdateAPIKey(ctx, second.AccessKeyID, "")
	if err != nil {
		t.Fatalf("rotating key %s: %s", second.AccessKeyID, err)
	}
	ids := []string{first.AccessKeyID, second.AccessKeyID}
	pair := rotationPair{active: second.AccessKeyID, previous: first.AccessKeyID, secret: second.AccessKeySecret}
	standbySecret := first.AccessKeySecret
	return []resource.TestStep{
		{
			Config: env.Config(rotationImportBlock(ids, byIdentity) + literalRotationConfig(ids, triggers("1"))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_id"), knownvalue.StringExact(second.AccessKeyID)),
					env.MarkCalls(),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCallCounts(map[string]int{}),
				statecheck.ExpectKnownValue(rotationAddress, attr("id"), knownvalue.StringExact(strings.Join(ids, ","))),
				statecheck.ExpectKnownValue(rotationAddress, attr("previous_access_key_id"), knownvalue.StringExact(first.AccessKeyID)),
				statecheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.StringExact(second.AccessKeySecret)),
				statecheck.ExpectKnownValue(rotationAddress, attr("last_rotation_time"), knownvalue.Null()),
			},
		},
		{
			Config: env.Config(literalRotationConfig(ids, triggers("2"))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{env.MarkCalls()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
				rotatedFrom(env, &pair, &standbySecret),
			},
		},
		{
			ResourceName:      rotationAddress,
			ImportState:       true,
			ImportStateId:     strings.Join(ids, ","),
			ImportStateVerify: true,
			// The triggers are the configuration's own; an import does not
			// know when this resource last rotated (null until it does).
			ImportStateVerifyIgnore: []string{"rotation_triggers", "last_rotation_time"},
		},
	}
}

// TestAccAPIKeyRotation_import imports by `<id1>,<id2>`; a malformed import
// ID is a clear error.
func TestAccAPIKeyRotation_import(t *testing.T) {
	env := acctest.New(t)
	steps := importedRotationSteps(t, env, false)
	steps = append(steps, resource.TestStep{
		ResourceName:  rotationAddress,
		ImportState:   true,
		ImportStateId: "only_one_key",
		ExpectError:   acctest.WordsRegexp("The import ID must be two distinct key IDs joined by a comma"),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccAPIKeyRotation_importByIdentity imports with the identity
// (access_key_ids), and every state carries it.
func TestAccAPIKeyRotation_importByIdentity(t *testing.T) {
	env := acctest.New(t)
	steps := importedRotationSteps(t, env, true)
	steps[0].ConfigStateChecks = append(steps[0].ConfigStateChecks,
		statecheck.ExpectIdentityValueMatchesStateAtPath(rotationAddress, attr("access_key_ids"), attr("access_key_ids")))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		Steps:                    steps,
	})
}

// TestAccAPIKeyRotation_keyDeleted: a key deleted outside Terraform shows in
// the plan: its resource is created again, and so is the rotation (dropped
// from state by the refresh), which rotates nothing.
func TestAccAPIKeyRotation_keyDeleted(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var greenID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:            env.Config(rotationConfig(name, false, triggers("1"))),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureAttribute(greenAddress, "id", &greenID)},
			},
			{
				PreConfig: func() { env.DeleteOutOfBand(greenID) },
				Config:    env.Config(rotationConfig(name, false, triggers("1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(greenAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionCreate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					noUpdateSinceStart(env),
					env.AllKeysMatchRemote(),
				},
			},
		},
	})
}

// TestAccAPIKeyRotation_keyDriftCLI runs the CLI as a user does, to see the
// warnings and errors a plan shows for drift in the keys: the active key
// disabled (a warning, no change), the key to rotate to disabled (a warning
// in the plan, then an error before any write), and a key deleted (the plan
// fails, naming it).
func TestAccAPIKeyRotation_keyDriftCLI(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test disables and deletes keys out of band and counts calls")
	cli := acctest.NewCLI(t)
	first := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
	second := keyOutOfBand(t, env, conns.CreateAPIKeyInput{SecretName: acctest.RandomName(), AccessKeyType: conns.KeyTypeAuto})
	ids := []string{first.AccessKeyID, second.AccessKeyID}
	cli.WriteConfig(env.Config(literalRotationConfig(ids, triggers("1"))))
	cli.MustRun("apply", "-auto-approve", "-no-color")
	state := cli.MustRun("show", "-json")
	active, standby := first.AccessKeyID, second.AccessKeyID
	if !strings.Contains(state, fmt.Sprintf(`"active_access_key_id":%q`, active)) {
		active, standby = standby, active
	}
	expect := func(out string, words ...string) {
		t.Helper()
		for _, w := range words {
			if !acctest.WordsRegexp(w).MatchString(out) {
				t.Errorf("the output lacks %q:\n%s", w, out)
			}
		}
	}

	env.Emulator.SetKeyEnabled(active, false)
	out := cli.MustRun("plan", "-no-color")
	expect(out, "No changes", "The active API key is disabled", "API key "+active+", the active key, was disabled outside this resource")
	env.Emulator.SetKeyEnabled(active, true)

	env.Emulator.SetKeyEnabled(standby, false)
	cli.WriteConfig(env.Config(literalRotationConfig(ids, triggers("2"))))
	out = cli.MustRun("plan", "-no-color")
	expect(out, "The key to rotate to is disabled", "API key "+standby+", which this rotation would make active, is disabled")
	env.Emulator.ResetCalls()
	out, err := cli.Run(nil, "apply", "-auto-approve", "-no-color")
	if err == nil {
		t.Fatalf("the apply rotated to a disabled key:\n%s", out)
	}
	expect(out, "API key "+standby+" is disabled: making it the active key would lock out every caller that switches to it",
		"API key "+active+" is still the active key and keeps its secret")
	assertNoWrites(t, env)
	env.Emulator.SetKeyEnabled(standby, true)
	cli.MustRun("apply", "-auto-approve", "-no-color")
	if got := callCounts(env.Emulator.Calls())["UpdateApiKey"]; got != 1 {
		t.Errorf("rotating once the key is enabled again: %d UpdateApiKey calls, want 1", got)
	}

	env.DeleteOutOfBand(first.AccessKeyID)
	out, err = cli.Run(nil, "plan", "-no-color")
	if err == nil {
		t.Fatalf("the plan succeeded with a deleted key:\n%s", out)
	}
	expect(out, "API key "+first.AccessKeyID+" no longer exists", `API key "`+first.AccessKeyID+`" does not exist.`)
	cli.MustRun("state", "rm", rotationAddress)
}

// TestAccAPIKeyRotation_unknownTriggers: triggers known only at apply (as
// time_rotating's id when it rotates: here a replaced terraform_data) plan
// the active key as unknown, and the apply rotates once.
func TestAccAPIKeyRotation_unknownTriggers(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	config := func(period string) string {
		return env.Config(rotationKeysConfig(name, false) + fmt.Sprintf(`
resource "terraform_data" "period" {
  triggers_replace = [%q]
}

resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids    = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
  rotation_triggers = { period = terraform_data.period.id }
}
`, period))
	}
	var pair rotationPair
	var standbySecret string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("2026-12"),
				ConfigStateChecks: append(pair.capture(), stateCheckFunc(func() error {
					previous, err := env.RemoteKey(pair.previous)
					if err != nil || previous == nil {
						return fmt.Errorf("reading key %s: %v", pair.previous, err)
					}
					standbySecret = previous.AccessKeySecret
					return nil
				})),
			},
			{
				Config: config("2027-01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_id")),
						plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_secret")),
						env.MarkCalls(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
					rotatedFrom(env, &pair, &standbySecret),
				},
			},
		},
	})
}

// TestAccAPIKeyRotation_timeRotatingExample applies the documented example
// (examples/resources/tencentcloud_api_gateway_api_key_rotation) with the
// real CLI and hashicorp/time: both keys bound, the outputs' pair passes
// the gateway. Replacing time_rotating, as its period ending does (or an
// operator with -replace), rotates with one UpdateApiKey: the pair the
// outputs gave before still passes, and so does the new one.
func TestAccAPIKeyRotation_timeRotatingExample(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the test calls the emulator's gateway and counts API calls")
	cli := acctest.NewCLIWithTimeProvider(t)
	example, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "resources", "tencentcloud_api_gateway_api_key_rotation", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.Dir, "main.tf"), append(example, env.ProviderBlock()...), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun("apply", "-auto-approve", "-no-color")
	output := func(name string) string {
		t.Helper()
		return strings.TrimSpace(cli.MustRun("output", "-no-color", "-raw", name))
	}
	oldID, oldSecret := output("orders_key_id"), output("orders_key_secret")
	env.ExpectGatewayAnswerNow(oldID, oldSecret, http.StatusOK, emulator.GatewayOK)

	time.Sleep(1100 * time.Millisecond) // time_rotating's id is its base time, in whole seconds
	env.Emulator.ResetCalls()
	cli.MustRun("apply", "-auto-approve", "-no-color", "-replace=time_rotating.monthly")
	counts := callCounts(env.Emulator.Calls())
	if counts["UpdateApiKey"] != 1 || counts["CreateApiKey"] != 0 || counts["DeleteApiKey"] != 0 {
		t.Errorf("the rotation made calls %v: want one UpdateApiKey and no key created or deleted", counts)
	}
	newID, newSecret := output("orders_key_id"), output("orders_key_secret")
	if newID == oldID {
		t.Errorf("the active key is still %s after the rotation", oldID)
	}
	env.ExpectGatewayAnswerNow(oldID, oldSecret, http.StatusOK, emulator.GatewayOK)
	env.ExpectGatewayAnswerNow(newID, newSecret, http.StatusOK, emulator.GatewayOK)
	if out := cli.MustRun("plan", "-no-color"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the rotation is not empty:\n%s", out)
	}
	cli.MustRun("destroy", "-auto-approve", "-no-color")
}

// previousKeyRefreshed checks that the key resource of the rotation's
// previous key holds the secret that key holds on the API: its refresh at
// this step's plan picked up the secret that the rotation before gave it
// (an auto key's computed secret, so no diff), and this rotation left it
// alone.
func previousKeyRefreshed(env *acctest.Env) statecheck.StateCheck { return previousKeyCheck{env} }

type previousKeyCheck struct{ env *acctest.Env }

func (c previousKeyCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var previous string
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == rotationAddress {
			previous, _ = r.AttributeValues["previous_access_key_id"].(string)
		}
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Type == acctest.APIKeyResourceType && r.AttributeValues["id"] == previous {
			c.env.KeyMatchesRemote(r.Address).CheckState(ctx, req, resp)
			return
		}
	}
	resp.Error = fmt.Errorf("no key resource holds the previous key %q", previous)
}
