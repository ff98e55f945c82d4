package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/fingerprint"
)

// APIKeyResourceType is the resource type the checks look for.
const APIKeyResourceType = "tencentcloud_api_gateway_api_key"

// MarkCalls is a pre-apply plan check that starts a new window of the
// emulator's call log, so that ExpectCalls sees the apply's calls only and
// not the plan's refresh.
func (e *Env) MarkCalls() plancheck.PlanCheck { return markCalls{e} }

type markCalls struct{ e *Env }

func (m markCalls) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	if m.e.Emulator != nil {
		m.e.mark()
	}
}

// MarkCallsNow starts a new window of the call log; for PreConfig.
func (e *Env) MarkCallsNow() {
	if e.Emulator != nil {
		e.mark()
	}
}

// ExpectCalls checks that exactly these actions, in this order, reached the
// emulator since the last mark. Against TencentCloud there is no call log:
// the check logs that and asserts nothing.
func (e *Env) ExpectCalls(actions ...string) statecheck.StateCheck {
	return callCheck{e: e, check: func(calls []string) error {
		if !slices.Equal(calls, actions) {
			return fmt.Errorf("expected API calls %v, got %v", actions, calls)
		}
		return nil
	}}
}

// ExpectCallCounts checks how many calls of each action reached the
// emulator since the last mark, in any order; actions not named must not
// have been called.
func (e *Env) ExpectCallCounts(want map[string]int) statecheck.StateCheck {
	return callCheck{e: e, check: func(calls []string) error {
		got := map[string]int{}
		for _, a := range calls {
			got[a]++
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("expected API calls %v, got %v", want, got)
		}
		return nil
	}}
}

type callCheck struct {
	e     *Env
	check func(actions []string) error
}

func (c callCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if c.e.Emulator == nil {
		c.e.t.Log("API call counts are not checked against TencentCloud: only the emulator keeps a call log")
		return
	}
	calls := c.e.callsSinceMark()
	actions := make([]string, len(calls))
	for i, call := range calls {
		actions[i] = call.Action
	}
	if err := c.check(actions); err != nil {
		resp.Error = fmt.Errorf("%w (calls: %s)", err, describeCalls(calls))
	}
}

// WordsRegexp matches a message whatever line breaks the CLI puts between
// its words (Terraform wraps diagnostics to the terminal width).
func WordsRegexp(message string) *regexp.Regexp {
	words := strings.Fields(message)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// AssertNoCalls fails the test when any call reached the emulator, e.g.
// after a test whose every step must fail at plan time.
func (e *Env) AssertNoCalls(t *testing.T) {
	t.Helper()
	if e.Emulator == nil {
		return
	}
	if calls := e.Emulator.Calls(); len(calls) != 0 {
		t.Fatalf("expected no API calls, got %s", describeCalls(calls))
	}
}

// KeyMatchesRemote checks that the resource's state is what the API holds
// for the key: ID, name, type, secret, status and times. A key whose secret
// is kept out of the state must have a null access_key_secret and a
// fingerprint of the live secret.
func (e *Env) KeyMatchesRemote(address string) statecheck.StateCheck {
	return keyMatchesRemote{e: e, address: address}
}

type keyMatchesRemote struct {
	e       *Env
	address string
}

func (c keyMatchesRemote) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	id, _ := attrs["id"].(string)
	key, err := c.e.RemoteKey(id)
	if err != nil {
		resp.Error = fmt.Errorf("reading key %s: %w", id, err)
		return
	}
	if key == nil {
		resp.Error = fmt.Errorf("%s: key %s is in state but not on the API", c.address, id)
		return
	}
	status := "off"
	if key.Status == 1 {
		status = "on"
	}
	want := map[string]string{
		"id":                key.AccessKeyID,
		"access_key_id":     key.AccessKeyID,
		"access_key_secret": key.AccessKeySecret,
		"access_key_type":   key.AccessKeyType,
		"secret_name":       key.SecretName,
		"status":            status,
		"create_time":       key.CreatedTime,
		"modify_time":       key.ModifiedTime,
	}
	if attrs["access_key_secret"] == nil {
		fp, _ := attrs["access_key_secret_fingerprint"].(string)
		if ok, err := fingerprint.Matches(fp, key.AccessKeySecret); !ok {
			resp.Error = fmt.Errorf("%s: the secret is not in state, and access_key_secret_fingerprint is not the live secret's (%v)", c.address, err)
			return
		}
		delete(want, "access_key_secret")
	} else if attrs["access_key_secret_fingerprint"] != nil {
		resp.Error = fmt.Errorf("%s: the state holds both the secret and a fingerprint of it", c.address)
		return
	}
	for name, value := range want {
		if got, _ := attrs[name].(string); got != value {
			shown := func(v string) string {
				if name == "access_key_secret" {
					return fmt.Sprintf("(secret of %d characters)", len(v))
				}
				return fmt.Sprintf("%q", v)
			}
			resp.Error = fmt.Errorf("%s: %s is %s in state but %s on the API", c.address, name, shown(got), shown(value))
			return
		}
	}
}

func resourceAttributes(state *tfjson.State, address string) (map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("state is empty")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in state", address)
}

// CheckDestroy confirms that no API key from the state exists any more.
func (e *Env) CheckDestroy(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != APIKeyResourceType {
			continue
		}
		key, err := e.RemoteKey(rs.Primary.ID)
		if err != nil {
			return err
		}
		if key != nil {
			return fmt.Errorf("API key %s still exists after destroy", rs.Primary.ID)
		}
	}
	if e.Emulator != nil {
		if keys := e.Emulator.Keys(); len(keys) != 0 {
			return fmt.Errorf("the emulator still holds %d key(s) after destroy", len(keys))
		}
	}
	return nil
}

// CaptureAttribute stores a string attribute of a resource in dst, for
// steps that act on the remote object (e.g. deleting it out of band).
func CaptureAttribute(address, attr string, dst *string) statecheck.StateCheck {
	return captureAttribute{address: address, attr: attr, dst: dst}
}

type captureAttribute struct {
	address, attr string
	dst           *string
}

func (c captureAttribute) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	v, ok := attrs[c.attr].(string)
	if !ok || v == "" {
		resp.Error = fmt.Errorf("%s.%s is not a non-empty string", c.address, c.attr)
		return
	}
	*c.dst = v
}

// ExpectRemoteKeyCount checks how many keys the emulator holds. Against
// TencentCloud, where the account may hold other keys, it asserts nothing.
func (e *Env) ExpectRemoteKeyCount(n int) statecheck.StateCheck { return remoteKeyCount{e: e, n: n} }

type remoteKeyCount struct {
	e *Env
	n int
}

func (c remoteKeyCount) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if c.e.Emulator == nil {
		c.e.t.Log("the key count is not checked against TencentCloud: the account may hold other keys")
		return
	}
	if got := len(c.e.Emulator.Keys()); got != c.n {
		resp.Error = fmt.Errorf("expected the emulator to hold %d key(s), it holds %d", c.n, got)
	}
}

// AllKeysMatchRemote checks every API key in state against the API, and,
// on the emulator, that it holds exactly the keys in state: no orphan and
// no duplicate.
func (e *Env) AllKeysMatchRemote() statecheck.StateCheck { return allKeysMatchRemote{e} }

type allKeysMatchRemote struct{ e *Env }

func (c allKeysMatchRemote) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("state is empty")
		return
	}
	inState := map[string]bool{}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Type != APIKeyResourceType {
			continue
		}
		id, _ := r.AttributeValues["id"].(string)
		if inState[id] {
			resp.Error = fmt.Errorf("key %s is in state twice", id)
			return
		}
		inState[id] = true
		one := statecheck.CheckStateResponse{}
		keyMatchesRemote{e: c.e, address: r.Address}.CheckState(ctx, req, &one)
		if one.Error != nil {
			resp.Error = one.Error
			return
		}
	}
	if c.e.Emulator == nil {
		return
	}
	for _, k := range c.e.Emulator.Keys() {
		if !inState[k.AccessKeyID] {
			resp.Error = fmt.Errorf("the emulator holds key %s (%s) that is not in state: an orphan", k.AccessKeyID, k.SecretName)
			return
		}
	}
	if n := len(c.e.Emulator.Keys()); n != len(inState) {
		resp.Error = fmt.Errorf("the emulator holds %d keys, state %d", n, len(inState))
	}
}

// StateDoesNotContain checks that none of the values occurs anywhere in
// the state, sensitive or not.
func StateDoesNotContain(values ...string) statecheck.StateCheck { return stateLacks{values} }

type stateLacks struct{ values []string }

func (c stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = lacks("state", req.State, c.values)
}

// StateHoldsNoRemoteSecret checks that no secret of any key the API holds
// now, or held at an earlier such check of this test (a secret rotated
// away), occurs anywhere in the state. On the emulator it reads the
// emulator's own records; against TencentCloud it lists the account's keys.
func (e *Env) StateHoldsNoRemoteSecret() statecheck.StateCheck { return noRemoteSecret{e} }

type noRemoteSecret struct{ e *Env }

func (c noRemoteSecret) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	secrets, err := c.e.remoteSecrets()
	if err != nil {
		resp.Error = err
		return
	}
	if len(secrets) == 0 {
		resp.Error = fmt.Errorf("the API holds no key secret: the check would search for nothing")
		return
	}
	resp.Error = lacks("state", req.State, secrets)
}

// remoteSecrets returns every secret the API holds, with those seen by
// earlier calls.
func (e *Env) remoteSecrets() ([]string, error) {
	var current []string
	if e.Emulator != nil {
		for _, k := range e.Emulator.Keys() {
			current = append(current, k.AccessKeySecret)
		}
	} else {
		ctx, cancel := e.ctx()
		defer cancel()
		keys, err := e.Client.ListAPIKeys(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the account's keys: %w", err)
		}
		for _, k := range keys {
			current = append(current, k.AccessKeySecret)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.secretsSeen == nil {
		e.secretsSeen = map[string]bool{}
	}
	for _, s := range current {
		if s != "" {
			e.secretsSeen[s] = true
		}
	}
	return slices.Collect(maps.Keys(e.secretsSeen)), nil
}

// PlanDoesNotContain checks that none of the values occurs anywhere in the plan.
func PlanDoesNotContain(values ...string) plancheck.PlanCheck { return planLacks{values} }

type planLacks struct{ values []string }

func (c planLacks) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = lacks("plan", req.Plan, c.values)
}

func lacks(what string, doc any, values []string) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	for _, v := range values {
		if v != "" && strings.Contains(string(raw), v) {
			return fmt.Errorf("the %s contains a secret (%d characters)", what, len(v))
		}
	}
	return nil
}

// ExpectRemoteSecret checks the secret that the API holds for a key.
func (e *Env) ExpectRemoteSecret(id, secret string) statecheck.StateCheck {
	return remoteSecret{e: e, id: id, secret: secret}
}

type remoteSecret struct {
	e          *Env
	id, secret string
}

func (c remoteSecret) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	key, err := c.e.RemoteKey(c.id)
	switch {
	case err != nil:
		resp.Error = err
	case key == nil:
		resp.Error = fmt.Errorf("key %s does not exist on the API", c.id)
	case key.AccessKeySecret != c.secret:
		resp.Error = fmt.Errorf("key %s does not hold the configured secret on the API", c.id)
	}
}

// AssertCalls fails the test unless exactly these calls, in this order,
// reached the emulator since the last mark. Each is an action, followed by
// "→" and the error code for a call that failed (as describeCalls renders
// them). It is for steps that end in an expected error, whose state checks
// do not run; call it from the next step's PreConfig. Against TencentCloud
// it asserts nothing.
func (e *Env) AssertCalls(t *testing.T, calls ...string) {
	t.Helper()
	if e.Emulator == nil {
		t.Log("API calls are not checked against TencentCloud: only the emulator keeps a call log")
		return
	}
	got := e.callsSinceMark()
	if rendered := describeCalls(got); rendered != describeCalls(toCalls(calls)) {
		t.Errorf("expected API calls %s, got %s", strings.Join(calls, ", "), rendered)
	}
}

// toCalls parses the "Action→ErrorCode" form of AssertCalls.
func toCalls(rendered []string) []emulator.Call {
	calls := make([]emulator.Call, len(rendered))
	for i, r := range rendered {
		calls[i].Action, calls[i].ErrorCode, _ = strings.Cut(r, "→")
	}
	return calls
}

// ImportBlockStep is a step that imports the resource at address with an
// import block (by ID or by identity, as kind says) and expects the import
// to plan no change.
func ImportBlockStep(address string, kind resource.ImportStateKind) resource.TestStep {
	return resource.TestStep{
		ResourceName:    address,
		ImportState:     true,
		ImportStateKind: kind,
		ImportPlanChecks: resource.ImportPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
		},
	}
}
