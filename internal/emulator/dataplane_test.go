package emulator_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// gatewayRequest describes a data-plane request signed by this file's own
// key-pair signer (independent of emulator.SignKeyPairRequest).
type gatewayRequest struct {
	method    string // default GET
	path      string // default /release/hello
	id        string
	secret    string
	at        time.Time // X-Date; default now
	source    string    // default "test-source"
	dateName  string    // "x-date" (default) or "date"
	headers   string    // the headers element; default "<dateName> source"
	algorithm string    // default hmac-sha1
	unsigned  bool
	mutate    func(*http.Request) // after signing
}

type gatewayResult struct {
	status int
	body   map[string]any
	raw    string
}

func (r gatewayResult) reason() string { s, _ := r.body["reason"].(string); return s }

func (e *env) gateway(t *testing.T, gr gatewayRequest) gatewayResult {
	t.Helper()
	if gr.method == "" {
		gr.method = http.MethodGet
	}
	if gr.path == "" {
		gr.path = "/release/hello"
	}
	if gr.at.IsZero() {
		gr.at = time.Now()
	}
	if gr.source == "" {
		gr.source = "test-source"
	}
	if gr.dateName == "" {
		gr.dateName = "x-date"
	}
	if gr.headers == "" {
		gr.headers = gr.dateName + " source"
	}
	if gr.algorithm == "" {
		gr.algorithm = "hmac-sha1"
	}
	req, err := http.NewRequest(gr.method, e.ts.URL+gr.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	date := gr.at.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
	req.Header.Set(gr.dateName, date)
	req.Header.Set("Source", gr.source)
	if !gr.unsigned {
		mac := hmac.New(sha1.New, []byte(gr.secret))
		fmt.Fprintf(mac, "%s: %s\nsource: %s", gr.dateName, date, gr.source)
		sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		req.Header.Set("Authorization", fmt.Sprintf(`hmac id="%s", algorithm="%s", headers="%s", signature="%s"`, gr.id, gr.algorithm, gr.headers, sig))
	}
	if gr.mutate != nil {
		gr.mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", gr.method, gr.path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := gatewayResult{status: resp.StatusCode, raw: string(raw)}
	if resp.StatusCode != http.StatusNotFound {
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if err := json.Unmarshal(raw, &res.body); err != nil {
			t.Fatalf("answer %q is not JSON: %v", raw, err)
		}
	}
	return res
}

// gatewayEnv has a plan with the bound key "bound_key", the unbound key
// "loose_key" and the disabled, bound key "off_key".
func gatewayEnv(t *testing.T, opts emulator.Options) (*env, string) {
	t.Helper()
	e := start(t, opts)
	for _, id := range []string{"bound_key", "loose_key", "off_key"} {
		e.emu.PutKey(emulator.Key{AccessKeyID: id, AccessKeySecret: "secret_of_" + id, AccessKeyType: emulator.KeyTypeManual,
			SecretName: id, Enabled: id != "off_key"})
	}
	plan := e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "callers", AccessKeyIDs: []string{"bound_key", "off_key"}}).UsagePlanID
	return e, plan
}

func TestGatewayKeyPairMatrix(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e, plan := gatewayEnv(t, emulator.Options{Now: clk.Now})
	now := clk.Now()
	ok := gatewayRequest{id: "bound_key", secret: "secret_of_bound_key", at: now}
	with := func(change func(*gatewayRequest)) gatewayRequest { r := ok; change(&r); return r }

	tests := []struct {
		name   string
		req    gatewayRequest
		status int
		reason string
	}{
		{"bound and enabled", ok, 200, emulator.GatewayOK},
		{"Date instead of X-Date", with(func(r *gatewayRequest) { r.dateName = "date" }), 200, emulator.GatewayOK},
		{"any method", with(func(r *gatewayRequest) { r.method = http.MethodPost }), 200, emulator.GatewayOK},
		{"test environment", with(func(r *gatewayRequest) { r.path = "/test/a/b" }), 200, emulator.GatewayOK},
		{"prepub environment root", with(func(r *gatewayRequest) { r.path = "/prepub" }), 200, emulator.GatewayOK},
		{"14 minutes old", with(func(r *gatewayRequest) { r.at = now.Add(-14 * time.Minute) }), 200, emulator.GatewayOK},
		{"unsigned", with(func(r *gatewayRequest) { r.unsigned = true }), 401, emulator.GatewayUnsigned},
		{"wrong secret", with(func(r *gatewayRequest) { r.secret = "secret_of_loose_key" }), 401, emulator.GatewayBadSignature},
		{"Source changed after signing", with(func(r *gatewayRequest) {
			r.mutate = func(req *http.Request) { req.Header.Set("Source", "tampered") }
		}), 401, emulator.GatewayBadSignature},
		{"unknown key", with(func(r *gatewayRequest) { r.id = "no_such_key" }), 401, emulator.GatewayUnknownKey},
		{"16 minutes old", with(func(r *gatewayRequest) { r.at = now.Add(-16 * time.Minute) }), 401, emulator.GatewayStaleDate},
		{"16 minutes ahead", with(func(r *gatewayRequest) { r.at = now.Add(16 * time.Minute) }), 401, emulator.GatewayStaleDate},
		{"date not GMT", with(func(r *gatewayRequest) {
			r.mutate = func(req *http.Request) { req.Header.Set("X-Date", "2026-12-07T07:00:00Z") }
		}), 401, emulator.GatewayBadDate},
		{"other algorithm", with(func(r *gatewayRequest) { r.algorithm = "hmac-sha256" }), 401, emulator.GatewayBadAuthorization},
		{"no date among the signed headers", with(func(r *gatewayRequest) { r.headers = "source" }), 401, emulator.GatewayBadAuthorization},
		{"not hmac", with(func(r *gatewayRequest) {
			r.mutate = func(req *http.Request) { req.Header.Set("Authorization", "Basic Ym91bmRfa2V5OnNlY3JldA==") }
		}), 401, emulator.GatewayBadAuthorization},
		{"disabled key", gatewayRequest{id: "off_key", secret: "secret_of_off_key", at: now}, 403, emulator.GatewayKeyDisabled},
		{"disabled key, wrong secret", gatewayRequest{id: "off_key", secret: "nope", at: now}, 401, emulator.GatewayBadSignature},
		{"key bound to no plan", gatewayRequest{id: "loose_key", secret: "secret_of_loose_key", at: now}, 403, emulator.GatewayKeyNotBound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.gateway(t, tt.req)
			if res.status != tt.status || res.reason() != tt.reason {
				t.Fatalf("answer %d %s, want %d %s", res.status, res.raw, tt.status, tt.reason)
			}
			if msg, _ := res.body["message"].(string); msg == "" {
				t.Errorf("answer %s has no message", res.raw)
			}
			if strings.Contains(res.raw, "secret_of_") {
				t.Errorf("answer %s holds a secret", res.raw)
			}
			if tt.status == 200 {
				if res.body["accessKeyId"] != "bound_key" || !slices.Equal(anyStrings(res.body["usagePlanIds"]), []string{plan}) {
					t.Errorf("answer %s does not name the key and its plan", res.raw)
				}
			}
		})
	}

	// Data-plane calls have their own log; the API's stays empty.
	if n := len(e.emu.Calls()); n != 0 {
		t.Errorf("%d data-plane calls went to the API call log", n)
	}
	log := e.emu.GatewayCalls()
	if len(log) != len(tests) {
		t.Fatalf("gateway log has %d calls, want %d", len(log), len(tests))
	}
	for i, c := range log {
		if c.Status != tests[i].status || c.Reason != tests[i].reason || !c.At.Equal(now) {
			t.Errorf("gateway call %d = %+v, want %d %s", i, c, tests[i].status, tests[i].reason)
		}
	}
	if log[0].AccessKeyID != "bound_key" || log[0].Path != "/release/hello" || log[0].Method != http.MethodGet || log[6].AccessKeyID != "" {
		t.Errorf("gateway log = %+v", log[:7])
	}
	e.emu.ResetGatewayCalls()
	if len(e.emu.GatewayCalls()) != 0 {
		t.Error("ResetGatewayCalls left calls")
	}

	// Other paths are not the gateway.
	for _, path := range []string{"/other", "/releases/x"} {
		if res := e.gateway(t, with(func(r *gatewayRequest) { r.path = path })); res.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.status)
		}
	}
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// A caller passes only while its key is bound and on, following the API's
// changes: the demo's sequence, through the exported client helper.
func TestCallGatewayFollowsBindingAndStatus(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	key := createAuto(t, cli, "caller")
	id, secret := *key.AccessKeyId, *key.AccessKeySecret
	url := e.ts.URL + emulator.GatewayPath + "orders"
	ctx := context.Background()
	expect := func(wantStatus int, wantReason string) {
		t.Helper()
		status, reason, err := emulator.CallGateway(ctx, url, id, secret)
		must(t, err)
		if status != wantStatus || reason != wantReason {
			t.Fatalf("CallGateway = %d %s, want %d %s", status, reason, wantStatus, wantReason)
		}
	}

	expect(403, emulator.GatewayKeyNotBound)
	plan := *createPlan(t, cli, "callers").UsagePlanId
	must(t, bindKeys(cli, plan, id))
	expect(200, emulator.GatewayOK)
	must(t, disableKey(cli, id))
	expect(403, emulator.GatewayKeyDisabled)
	must(t, enableKey(cli, id))
	expect(200, emulator.GatewayOK)

	// A rotated secret: the old one no longer signs.
	rotated, err := updateKey(cli, id, nil)
	must(t, err)
	expect(401, emulator.GatewayBadSignature)
	secret = *rotated.AccessKeySecret
	expect(200, emulator.GatewayOK)

	must(t, unbindKeys(cli, plan, id))
	expect(403, emulator.GatewayKeyNotBound)
	// Marked bound out of band (a plan the emulator does not list) passes too.
	e.emu.SetKeyBoundToUsagePlan(id, true)
	expect(200, emulator.GatewayOK)

	status, reason, err := emulator.CallGateway(ctx, url, "", "")
	must(t, err)
	if status != 401 || reason != emulator.GatewayUnsigned {
		t.Errorf("unsigned CallGateway = %d %s", status, reason)
	}
	if _, _, err := emulator.CallGateway(ctx, e.ts.URL+"/elsewhere", id, secret); err == nil {
		t.Error("CallGateway took a plain 404 for the gateway's answer")
	}
}

// SignKeyPairRequest writes the documented headers, which this file's own
// signer reproduces.
func TestSignKeyPairRequest(t *testing.T) {
	t.Parallel()
	at := time.Date(2018, 3, 19, 12, 8, 40, 0, time.FixedZone("CST", 8*3600))
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/release/x", nil)
	emulator.SignKeyPairRequest(req, "AKIDexample", "secret_example", at)
	const date = "Mon, 19 Mar 2018 04:08:40 GMT"
	mac := hmac.New(sha1.New, []byte("secret_example"))
	mac.Write([]byte("x-date: " + date + "\nsource: " + emulator.DefaultGatewaySource))
	want := `hmac id="AKIDexample", algorithm="hmac-sha1", headers="x-date source", signature="` + base64.StdEncoding.EncodeToString(mac.Sum(nil)) + `"`
	if got := req.Header.Get("X-Date"); got != date {
		t.Errorf("X-Date = %q, want %q", got, date)
	}
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization = %q\nwant %q", got, want)
	}

	// A Source already set is kept and signed.
	req, _ = http.NewRequest(http.MethodGet, "http://example.invalid/release/x", nil)
	req.Header.Set("Source", "my-app")
	emulator.SignKeyPairRequest(req, "AKIDexample", "secret_example", at)
	mac = hmac.New(sha1.New, []byte("secret_example"))
	mac.Write([]byte("x-date: " + date + "\nsource: my-app"))
	if !strings.Contains(req.Header.Get("Authorization"), base64.StdEncoding.EncodeToString(mac.Sum(nil))) || req.Header.Get("Source") != "my-app" {
		t.Errorf("with Source my-app: Authorization = %q", req.Header.Get("Authorization"))
	}
}

func TestGatewayControlEndpoint(t *testing.T) {
	t.Parallel()
	e, _ := gatewayEnv(t, emulator.Options{})
	e.gateway(t, gatewayRequest{id: "loose_key", secret: "secret_of_loose_key"})
	resp, err := http.Get(e.ts.URL + emulator.ControlGatewayCalls)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var calls []emulator.GatewayCall
	if err := json.Unmarshal(body, &calls); err != nil || len(calls) != 1 || calls[0].Status != 403 ||
		calls[0].Reason != emulator.GatewayKeyNotBound || calls[0].AccessKeyID != "loose_key" {
		t.Errorf("GET %s = %s", emulator.ControlGatewayCalls, body)
	}
	if strings.Contains(string(body), "secret_of_") {
		t.Errorf("the gateway log holds a secret: %s", body)
	}
}
