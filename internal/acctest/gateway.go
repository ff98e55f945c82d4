package acctest

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// GatewayURL is the emulator's data plane: an API with key-pair
// authentication, published in the release environment. "" against
// TencentCloud, where a test would need an API of its own.
func (e *Env) GatewayURL() string {
	if e.Emulator == nil {
		return ""
	}
	return e.Endpoint + emulator.GatewayPath + "acctest"
}

// CallGateway calls the emulator's API signed with a key, as the key's
// callers do, and returns the status and the gateway's reason.
func (e *Env) CallGateway(keyID, secret string) (int, string, error) {
	ctx, cancel := e.ctx()
	defer cancel()
	return emulator.CallGateway(ctx, e.GatewayURL(), keyID, secret)
}

// ExpectGatewayAnswer checks what a caller of the emulator's API gets when
// it signs with the key of the resource at keyAddress (its access_key_id and
// access_key_secret in state): the status and the reason. Against
// TencentCloud it asserts nothing.
func (e *Env) ExpectGatewayAnswer(keyAddress string, status int, reason string) statecheck.StateCheck {
	return gatewayAnswer{e: e, address: keyAddress, status: status, reason: reason}
}

type gatewayAnswer struct {
	e       *Env
	address string
	status  int
	reason  string
}

func (c gatewayAnswer) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if c.e.Emulator == nil {
		c.e.t.Log("the gateway is not called against TencentCloud: the emulator plays it")
		return
	}
	attrs, err := resourceAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	id, _ := attrs["access_key_id"].(string)
	secret, _ := attrs["access_key_secret"].(string)
	status, reason, err := c.e.CallGateway(id, secret)
	switch {
	case err != nil:
		resp.Error = fmt.Errorf("calling the gateway with key %s: %w", id, err)
	case status != c.status || reason != c.reason:
		resp.Error = fmt.Errorf("a caller with key %s got %d %s, want %d %s", id, status, reason, c.status, c.reason)
	}
}

// ExpectGatewayAnswerNow is ExpectGatewayAnswer for a key given by ID and
// secret, outside a step's checks (e.g. in PreConfig, after an out-of-band
// change).
func (e *Env) ExpectGatewayAnswerNow(keyID, secret string, status int, reason string) {
	e.t.Helper()
	if e.Emulator == nil {
		return
	}
	got, why, err := e.CallGateway(keyID, secret)
	if err != nil {
		e.t.Fatalf("calling the gateway with key %s: %s", keyID, err)
	}
	if got != status || why != reason {
		e.t.Errorf("a caller with key %s got %d %s, want %d %s", keyID, got, why, status, reason)
	}
}
