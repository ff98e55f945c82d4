package acctest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// GatewayCaller is a client of the emulator's API as a deployment runs one:
// it signs every call with the key pair it holds, calling on its own from a
// goroutine (while Terraform applies) and when asked, and takes a new pair
// only when told to (as a deployment reads the apply's outputs). It counts
// the answers, so that a test can say how many calls a rotation broke.
// Secrets never reach its messages.
type GatewayCaller struct {
	e *Env

	mu       sync.Mutex
	id       string
	secret   string
	calls    int
	refused  int
	refusals []string // "<key ID>: <status> <reason>", in order

	cancel context.CancelFunc
	done   chan struct{}
}

// Gateway caller bounds: the background calls stop by themselves after
// maxGatewayCallerTime or maxGatewayCallerCalls calls, whichever comes
// first, so a test that forgets Stop sends nothing more.
const (
	gatewayCallerInterval = 20 * time.Millisecond
	maxGatewayCallerTime  = 10 * time.Minute
	maxGatewayCallerCalls = 30000
)

// StartGatewayCaller starts a caller that holds no pair yet: it calls
// nothing until Hold or TakePair gives it one. It stops when the test ends.
// It needs the emulator.
func (e *Env) StartGatewayCaller(t *testing.T) *GatewayCaller {
	t.Helper()
	e.SkipWithoutEmulator(t, "the caller signs calls to the emulator's data plane")
	ctx, cancel := context.WithTimeout(context.Background(), maxGatewayCallerTime)
	c := &GatewayCaller{e: e, cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	t.Cleanup(c.Stop)
	return c
}

func (c *GatewayCaller) run(ctx context.Context) {
	defer close(c.done)
	tick := time.NewTicker(gatewayCallerInterval)
	defer tick.Stop()
	for n := 0; n < maxGatewayCallerCalls; {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if id, _ := c.Held(); id != "" {
			c.call(ctx, "")
			n++
		}
	}
}

// Hold gives the caller a new pair, as a deployment that picks up new
// credentials.
func (c *GatewayCaller) Hold(id, secret string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.id, c.secret = id, secret
}

// Held returns the pair the caller signs with.
func (c *GatewayCaller) Held() (id, secret string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id, c.secret
}

// Call makes one call with the held pair now and returns the status and
// the gateway's reason; it counts like the background calls. note (e.g.
// " right after the apply") goes into the record of a refusal.
func (c *GatewayCaller) Call(note string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.call(ctx, note)
}

// call signs with the held pair.
func (c *GatewayCaller) call(ctx context.Context, note string) (int, string) {
	id, secret := c.Held()
	status, reason, err := emulator.CallGateway(ctx, c.e.GatewayURL(), id, secret)
	if ctx.Err() != nil {
		return status, reason // stopped: not an answer of the gateway
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if err != nil || status != http.StatusOK {
		c.refused++
		if err != nil {
			reason = err.Error()
		}
		c.refusals = append(c.refusals, fmt.Sprintf("%s: %d %s%s", id, status, reason, note))
	}
	return status, reason
}

// Counts returns how many calls the caller made and how many were refused.
func (c *GatewayCaller) Counts() (calls, refused int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls, c.refused
}

// Refusals lists the refused calls: key ID, status and reason.
func (c *GatewayCaller) Refusals() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.refusals...)
}

// Stop ends the background calls and waits for the last one.
func (c *GatewayCaller) Stop() {
	c.cancel()
	<-c.done
}

// TakePair is a state check that gives the caller the pair in the state of
// the resource at address (attributes idAttr and secretAttr), as a
// deployment does after an apply.
func (c *GatewayCaller) TakePair(address, idAttr, secretAttr string) statecheck.StateCheck {
	return takePair{c: c, address: address, idAttr: idAttr, secretAttr: secretAttr}
}

type takePair struct {
	c                           *GatewayCaller
	address, idAttr, secretAttr string
}

func (p takePair) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	id, secret, err := statePair(req, p.address, p.idAttr, p.secretAttr)
	if err != nil {
		resp.Error = err
		return
	}
	p.c.Hold(id, secret)
}

// ExpectHeldPair is a state check that calls once, right after the apply,
// with the pair the caller still holds (before TakePair gives it a new one)
// and expects the status: 200 where the apply must not break callers, 401
// where it does. The call counts with the others.
func (c *GatewayCaller) ExpectHeldPair(status int) statecheck.StateCheck {
	return heldPairCheck{c: c, status: status}
}

type heldPairCheck struct {
	c      *GatewayCaller
	status int
}

func (h heldPairCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	id, _ := h.c.Held()
	if status, reason := h.c.Call(" (right after the apply)"); status != h.status {
		resp.Error = fmt.Errorf("right after the apply, a caller still holding key %s got %d %s, want %d", id, status, reason, h.status)
	}
}

// ExpectPairPasses is a state check that calls once with the key pair in
// the state of the resource at address and expects it to pass (200). Its
// call is not counted by any GatewayCaller.
func (e *Env) ExpectPairPasses(address, idAttr, secretAttr string) statecheck.StateCheck {
	return pairPasses{e: e, address: address, idAttr: idAttr, secretAttr: secretAttr}
}

type pairPasses struct {
	e                           *Env
	address, idAttr, secretAttr string
}

func (p pairPasses) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if p.e.Emulator == nil {
		p.e.t.Log("the gateway is not called against TencentCloud: the emulator plays it")
		return
	}
	id, secret, err := statePair(req, p.address, p.idAttr, p.secretAttr)
	if err != nil {
		resp.Error = err
		return
	}
	status, reason, err := p.e.CallGateway(id, secret)
	switch {
	case err != nil:
		resp.Error = fmt.Errorf("calling the gateway with key %s: %w", id, err)
	case status != http.StatusOK:
		resp.Error = fmt.Errorf("a caller with key %s (%s.%s) got %d %s, want 200", id, p.address, p.idAttr, status, reason)
	}
}

// statePair reads a key ID and secret from a resource's state.
func statePair(req statecheck.CheckStateRequest, address, idAttr, secretAttr string) (id, secret string, err error) {
	attrs, err := resourceAttributes(req.State, address)
	if err != nil {
		return "", "", err
	}
	id, _ = attrs[idAttr].(string)
	secret, _ = attrs[secretAttr].(string)
	if id == "" || secret == "" {
		return "", "", fmt.Errorf("%s: %s or %s is empty in state", address, idAttr, secretAttr)
	}
	return id, secret, nil
}
