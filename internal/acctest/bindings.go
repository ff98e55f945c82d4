package acctest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// APIKeyAttachmentResourceType is the binding resource type the checks look for.
const APIKeyAttachmentResourceType = "tencentcloud_api_gateway_api_key_attachment"

// Binding is one key bound to one usage plan.
type Binding struct{ KeyID, PlanID string }

func (b Binding) String() string { return b.KeyID + "#" + b.PlanID }

// RemoteBindings returns every binding the emulator holds, sorted. Against
// TencentCloud it returns nil: the account may hold any number of plans.
func (e *Env) RemoteBindings() []Binding {
	if e.Emulator == nil {
		return nil
	}
	var out []Binding
	for _, p := range e.Emulator.UsagePlans() {
		for _, k := range p.AccessKeyIDs {
			out = append(out, Binding{KeyID: k, PlanID: p.UsagePlanID})
		}
	}
	sortBindings(out)
	return out
}

func sortBindings(b []Binding) {
	slices.SortFunc(b, func(x, y Binding) int { return strings.Compare(x.String(), y.String()) })
}

// IsBound reports whether the key is bound to the plan, as the API holds it
// (on the emulator, from its own record, so the check is not in the call log).
func (e *Env) IsBound(keyID, planID string) (bool, error) {
	if e.Emulator != nil {
		p, ok := e.Emulator.UsagePlan(planID)
		return ok && slices.Contains(p.AccessKeyIDs, keyID), nil
	}
	ctx, cancel := e.ctx()
	defer cancel()
	return e.Client.ReadAPIKeyBinding(ctx, planID, keyID)
}

// UnbindOutOfBand removes a binding behind Terraform's back.
func (e *Env) UnbindOutOfBand(keyID, planID string) {
	e.t.Helper()
	if e.Emulator != nil {
		if !e.Emulator.UnbindKey(planID, keyID) {
			e.t.Fatalf("key %s is not bound to usage plan %s in the emulator", keyID, planID)
		}
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	if err := e.Client.UnbindAPIKey(ctx, planID, keyID); err != nil {
		e.t.Fatalf("unbinding key %s from usage plan %s out of band: %s", keyID, planID, err)
	}
}

// BindingsMatchState checks that the API holds exactly the bindings of the
// attachments in state: none missing, and on the emulator none besides
// (nothing lost, nothing invented). Against TencentCloud it checks only
// that each attachment in state is bound.
func (e *Env) BindingsMatchState() statecheck.StateCheck { return bindingsMatchState{e} }

type bindingsMatchState struct{ e *Env }

func (c bindingsMatchState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("state is empty")
		return
	}
	var inState []Binding
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Type != APIKeyAttachmentResourceType {
			continue
		}
		key, _ := r.AttributeValues["api_key_id"].(string)
		plan, _ := r.AttributeValues["usage_plan_id"].(string)
		inState = append(inState, Binding{KeyID: key, PlanID: plan})
	}
	sortBindings(inState)
	if c.e.Emulator == nil {
		for _, b := range inState {
			bound, err := c.e.IsBound(b.KeyID, b.PlanID)
			if err != nil {
				resp.Error = err
				return
			}
			if !bound {
				resp.Error = fmt.Errorf("attachment %s is in state but the key is not bound", b)
				return
			}
		}
		return
	}
	if remote := c.e.RemoteBindings(); !slices.Equal(remote, inState) {
		resp.Error = fmt.Errorf("bindings in state %v, in the emulator %v", inState, remote)
	}
}

// ExpectActionCalls checks how many calls of one action reached the
// emulator since the last mark, whatever the other calls were.
func (e *Env) ExpectActionCalls(action string, n int) statecheck.StateCheck {
	return callCheck{e: e, check: func(calls []string) error {
		if got := countOf(calls, action); got != n {
			return fmt.Errorf("expected %d %s call(s), got %d", n, action, got)
		}
		return nil
	}}
}

// ExpectActionCallsAtMost is ExpectActionCalls with an upper bound, for
// calls that callers share when they arrive together.
func (e *Env) ExpectActionCallsAtMost(action string, n int) statecheck.StateCheck {
	return callCheck{e: e, check: func(calls []string) error {
		got := countOf(calls, action)
		e.t.Logf("%d %s call(s) since the mark", got, action)
		if got > n {
			return fmt.Errorf("expected at most %d %s call(s), got %d", n, action, got)
		}
		return nil
	}}
}

func countOf(calls []string, action string) int {
	n := 0
	for _, c := range calls {
		if c == action {
			n++
		}
	}
	return n
}

// ExpectFaultsMet checks that injected faults hit the action since the last
// mark, so that a test of behaviour under faults did meet some.
func (e *Env) ExpectFaultsMet(action string) statecheck.StateCheck {
	return faultsMet{e: e, action: action}
}

type faultsMet struct {
	e      *Env
	action string
}

func (c faultsMet) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if c.e.Emulator == nil {
		return
	}
	n := 0
	for _, call := range c.e.callsSinceMark() {
		if call.Action == c.action && call.Fault != "" {
			n++
		}
	}
	c.e.t.Logf("%d %s call(s) met a fault", n, c.action)
	if n == 0 {
		resp.Error = fmt.Errorf("no %s call met a fault: the step proves nothing", c.action)
	}
}
