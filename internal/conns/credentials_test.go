package conns

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// fakeClock is shared by the emulator and the client's credentials, so that
// tests move time across refresh points without sleeping. It starts at the
// real time, which requests are signed with.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type stsFixture struct {
	emu    *emulator.Server
	url    string
	clock  *fakeClock
	issuer *emulator.OIDCIssuer
}

func newSTSFixture(t *testing.T) *stsFixture {
	t.Helper()
	clk := newFakeClock()
	emu := emulator.New(emulator.Options{Now: clk.Now, RateLimit: -1})
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	return &stsFixture{emu: emu, url: server.URL, clock: clk, issuer: emu.Issuer()}
}

// client builds a client whose API and STS endpoints are the emulator
// (over http://, which the SDK's own STS providers cannot do).
func (f *stsFixture) client(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.Endpoint, cfg.STSEndpoint = f.url, f.url
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if r, ok := c.creds.(*roleCredentials); ok {
		r.now = f.clock.Now
	}
	return c
}

func (f *stsFixture) count(action string) int { return f.emu.CallCounts()[action] }

func assumeRoleConfig() Config {
	return Config{
		SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
		AssumeRole: &AssumeRoleConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "terraform-test"},
	}
}

func TestAssumeRoleIsLazyAndSharedByParallelCalls(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	c := f.client(t, assumeRoleConfig())
	if n := len(f.emu.Calls()); n != 0 {
		t.Fatalf("New made %d calls; configuring must not call the API", n)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.CreateAPIKey(withTimeout(t, 30*time.Second), CreateAPIKeyInput{SecretName: "parallel", AccessKeyType: KeyTypeAuto})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count("AssumeRole"); got != 1 {
		t.Fatalf("8 parallel calls made %d AssumeRole calls, want 1", got)
	}
	if !strings.Contains(c.CredentialID(), emulator.DefaultRoleARN) {
		t.Fatalf("CredentialID %q does not name the role", c.CredentialID())
	}
}

// Credentials are refreshed once less than min(5 min, 20% of the granted
// lifetime) is left: not before, and once per refresh point however many
// calls need them.
func TestRefreshBeforeExpiry(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	f.emu.SetCredentialLifetime(100 * time.Second) // asked 7200 s, granted 100 s: margin 20 s
	c := f.client(t, assumeRoleConfig())
	ctx := withTimeout(t, time.Minute)

	list := func() {
		t.Helper()
		if _, err := c.ListAPIKeys(ctx); err != nil {
			t.Fatal(err)
		}
	}
	list()
	f.clock.Advance(79 * time.Second) // 21 s left
	list()
	if got := f.count("AssumeRole"); got != 1 {
		t.Fatalf("refreshed with 21 s of 100 left: %d AssumeRole calls", got)
	}
	f.clock.Advance(2 * time.Second) // 19 s left
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(list)
	}
	wg.Wait()
	if got := f.count("AssumeRole"); got != 2 {
		t.Fatalf("with 19 s of 100 left, 5 calls made %d AssumeRole calls in all, want 2", got)
	}
	if got := f.emu.CallCounts()["DescribeApiKeysStatus"]; got != 7 {
		t.Fatalf("%d list calls, want 7", got)
	}
	for _, call := range f.emu.Calls() {
		if call.ErrorCode != "" {
			t.Fatalf("call %s failed with %s", call.Action, call.ErrorCode)
		}
	}
}

// A failed refresh is the error of the calls that needed it, even while
// the old keys would still be accepted for a few seconds.
func TestFailedRefreshIsAnError(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	f.emu.SetCredentialLifetime(100 * time.Second)
	c := f.client(t, assumeRoleConfig())
	ctx := withTimeout(t, time.Minute)
	if _, err := c.ListAPIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	// The role stops trusting the account.
	f.emu.SetRole(emulator.Role{ARN: emulator.DefaultRoleARN})
	f.clock.Advance(85 * time.Second)
	_, err := c.ListAPIKeys(ctx)
	if !HasCode(err, "UnauthorizedOperation") {
		t.Fatalf("got %v, want UnauthorizedOperation from AssumeRole", err)
	}
	for _, want := range []string{"AssumeRole failed", emulator.DefaultRoleARN, "terraform-test"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got := f.emu.CallCounts()["DescribeApiKeysStatus"]; got != 1 {
		t.Fatalf("the list was sent %d times; with a failed refresh it must not be sent again", got)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The token file is read again before every exchange, in either form.
func TestWebIdentityRereadsTheTokenFile(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	f.emu.SetCredentialLifetime(100 * time.Second)
	file := filepath.Join(t.TempDir(), "token")
	writeFile(t, file, f.issuer.MustMint(emulator.TokenClaims{})+"\n")
	c := f.client(t, Config{WebIdentity: &WebIdentityConfig{
		RoleARN: emulator.DefaultRoleARN, SessionName: "ci-run", TokenFile: file,
	}})
	ctx := withTimeout(t, time.Minute)
	if _, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{SecretName: "oidc", AccessKeyType: KeyTypeAuto}); err != nil {
		t.Fatal(err)
	}

	// The runner rotates the file; the old token has expired by now.
	f.clock.Advance(85 * time.Second)
	writeFile(t, file, `{"web_identity_token": "`+f.issuer.MustMint(emulator.TokenClaims{})+`"}`)
	if _, err := c.ListAPIKeys(ctx); err != nil {
		t.Fatalf("with a rotated JSON token file: %v", err)
	}
	// A bad file is seen at the next refresh.
	f.clock.Advance(85 * time.Second)
	expired := f.issuer.MustMint(emulator.TokenClaims{TTL: -time.Minute})
	writeFile(t, file, expired)
	_, err := c.ListAPIKeys(ctx)
	if !HasCode(err, "InvalidParameter.WebIdentityTokenError") || strings.Contains(err.Error(), expired) {
		t.Fatalf("got %v, want InvalidParameter.WebIdentityTokenError without the token", err)
	}
	if got := f.count("AssumeRoleWithWebIdentity"); got != 3 {
		t.Fatalf("%d exchanges, want 3", got)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListAPIKeys(ctx)
	if !HasCode(err, "ClientError.WebIdentityToken") || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("with the file gone: %v", err)
	}
}

func TestExchangeErrorsNameRoleAndSessionNeverTheToken(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	token := f.issuer.MustMint(emulator.TokenClaims{Audience: "someone-else"})
	cases := map[string]struct {
		cfg  Config
		code string
	}{
		"wrong role": {Config{
			SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
			AssumeRole: &AssumeRoleConfig{RoleARN: "qcs::cam::uin/100000000001:roleName/missing", SessionName: "s-1"},
		}, "ResourceNotFound.RoleNotFound"},
		"wrong audience": {Config{WebIdentity: &WebIdentityConfig{
			RoleARN: emulator.DefaultRoleARN, SessionName: "s-1", Token: token,
		}}, "InvalidParameter.WebIdentityTokenError"},
		"untrusted provider": {Config{WebIdentity: &WebIdentityConfig{
			ProviderID: "nope", RoleARN: emulator.DefaultRoleARN, SessionName: "s-1", Token: token,
		}}, "InvalidParameter.ParamError"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := f.client(t, tc.cfg)
			_, err := c.CreateAPIKey(withTimeout(t, 30*time.Second), CreateAPIKeyInput{SecretName: "never", AccessKeyType: KeyTypeAuto})
			if !HasCode(err, tc.code) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			msg := err.Error()
			if strings.Contains(msg, token) || !strings.Contains(msg, "s-1") || !strings.Contains(msg, "roleName/") {
				t.Fatalf("message %q must name role and session and not carry the token", msg)
			}
		})
	}
	if n := f.count("CreateApiKey"); n != 0 {
		t.Fatalf("%d CreateApiKey calls after failed exchanges", n)
	}
}

func TestAccountGuard(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	prod := "qcs::cam::uin/200000000002:roleName/deployer"
	f.emu.SetRole(emulator.Role{ARN: prod, Principals: []string{emulator.DefaultAccountID}})

	cfg := assumeRoleConfig()
	cfg.AssumeRole.RoleARN = prod
	cfg.ForbiddenAccountIDs = []string{"200000000002"}
	c := f.client(t, cfg)
	ctx := withTimeout(t, 30*time.Second)
	for range 3 {
		_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{SecretName: "prod", AccessKeyType: KeyTypeAuto})
		if !HasCode(err, CodeAccountNotAllowed) || !strings.Contains(err.Error(), "200000000002") {
			t.Fatalf("got %v, want a refusal naming account 200000000002", err)
		}
	}
	if f.count("GetCallerIdentity") != 1 || f.count("CreateApiKey") != 0 {
		t.Fatalf("calls: %v; want one GetCallerIdentity and no CreateApiKey", f.emu.CallCounts())
	}

	allowed := f.client(t, Config{
		SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
		AllowedAccountIDs: []string{emulator.DefaultAccountID},
	})
	if _, err := allowed.ListAPIKeys(ctx); err != nil {
		t.Fatalf("an allowed account: %v", err)
	}
	notListed := f.client(t, Config{
		SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
		AllowedAccountIDs: []string{"300000000003"},
	})
	if _, err := notListed.ListAPIKeys(ctx); !HasCode(err, CodeAccountNotAllowed) {
		t.Fatalf("an account not among allowed_account_ids: %v", err)
	}
}

func writeProfile(t *testing.T, dir, name, credential, configure string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, name+".credential"), credential)
	if configure != "" {
		writeFile(t, filepath.Join(dir, name+".configure"), configure)
	}
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	dir := t.TempDir()
	writeProfile(t, dir, "plain",
		`{"secretId": "`+emulator.DefaultSecretID+`", "secretKey": "`+emulator.DefaultSecretKey+`"}`,
		`{"_sys_param": {"region": "ap-shanghai", "output": "json"}}`)
	writeProfile(t, dir, "deployer",
		`{"secretId": "`+emulator.DefaultSecretID+`", "secretKey": "`+emulator.DefaultSecretKey+`", "role-arn": "`+emulator.DefaultRoleARN+`", "role-session-name": "from-profile"}`, "")
	writeProfile(t, dir, "half-role", `{"secretId": "a", "secretKey": "b", "role-arn": "`+emulator.DefaultRoleARN+`"}`, "")
	ctx := withTimeout(t, 30*time.Second)

	plain := f.client(t, Config{Profile: "plain", SharedCredentialsDir: dir})
	if plain.Region() != "ap-shanghai" {
		t.Fatalf("region %q, want the profile's ap-shanghai", plain.Region())
	}
	if _, err := plain.ListAPIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if f.count("AssumeRole") != 0 {
		t.Fatal("a profile without role-arn assumed a role")
	}
	if r := f.client(t, Config{Profile: "plain", SharedCredentialsDir: dir, Region: "ap-beijing"}); r.Region() != "ap-beijing" {
		t.Fatalf("the configured region must win over the profile's, got %q", r.Region())
	}

	role := f.client(t, Config{Profile: "deployer", SharedCredentialsDir: dir})
	if _, err := role.ListAPIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if f.count("AssumeRole") != 1 || !strings.Contains(role.CredentialID(), "from-profile") {
		t.Fatalf("a profile with role-arn: %d AssumeRole calls, credential %q", f.count("AssumeRole"), role.CredentialID())
	}

	for name, want := range map[string]string{
		"half-role": "role-arn and role-session-name together",
		"missing":   "missing.credential does not exist",
	} {
		if _, err := New(Config{Profile: name, SharedCredentialsDir: dir, Endpoint: f.url}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("profile %s: got %v, want %q", name, err, want)
		}
	}
}

func TestPrecedenceAndConflicts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProfile(t, dir, "deployer", `{"secretId": "AKIDp", "secretKey": "k", "role-arn": "`+emulator.DefaultRoleARN+`", "role-session-name": "p"}`, "")
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, "header.payload.signature")
	static := Config{SecretID: "AKIDs", SecretKey: "k"}
	web := &WebIdentityConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "ci", TokenFile: tokenFile}
	role := &AssumeRoleConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "tf"}

	conflicts := map[string]Config{
		"static and web identity":           {SecretID: "AKIDs", SecretKey: "k", WebIdentity: web},
		"static and profile":                {SecretID: "AKIDs", SecretKey: "k", Profile: "deployer", SharedCredentialsDir: dir},
		"profile and web identity":          {Profile: "deployer", SharedCredentialsDir: dir, WebIdentity: web},
		"assume_role and web identity":      {AssumeRole: role, WebIdentity: web},
		"assume_role and profile role-arn":  {AssumeRole: role, Profile: "deployer", SharedCredentialsDir: dir},
		"static, profile and web identity":  {SecretID: "AKIDs", SecretKey: "k", Profile: "deployer", SharedCredentialsDir: dir, WebIdentity: web},
		"shared dir alone names a profile":  {SecretID: "AKIDs", SecretKey: "k", SharedCredentialsDir: dir},
		"web identity from env with static": {SecretID: "AKIDs", SecretKey: "k", WebIdentity: &WebIdentityConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "ci", Token: "t"}},
	}
	for name, cfg := range conflicts {
		if _, err := cfg.resolveCredentials(); !errors.Is(err, ErrConflictingCredentials) {
			t.Errorf("%s: got %v, want ErrConflictingCredentials", name, err)
		}
	}

	// Static keys sign AssumeRole; web identity needs no keys.
	withRole := static
	withRole.AssumeRole = role
	plan, err := withRole.resolveCredentials()
	if err != nil || plan.role == nil || plan.role.SessionDuration != DefaultSessionDuration || plan.source.GetSecretId() != "AKIDs" {
		t.Fatalf("static keys + assume_role: %+v, %v", plan, err)
	}
	plan, err = Config{WebIdentity: web}.resolveCredentials()
	if err != nil || plan.source != nil || plan.web.ProviderID != DefaultProviderID {
		t.Fatalf("web identity: %+v, %v", plan, err)
	}

	invalid := map[string]Config{
		"bad ARN":          {SecretID: "a", SecretKey: "b", AssumeRole: &AssumeRoleConfig{RoleARN: "arn:aws:iam::1:role/x", SessionName: "tf"}},
		"bad session":      {SecretID: "a", SecretKey: "b", AssumeRole: &AssumeRoleConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "x"}},
		"long duration":    {SecretID: "a", SecretKey: "b", AssumeRole: &AssumeRoleConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "tf", SessionDuration: 43201}},
		"policy not JSON":  {SecretID: "a", SecretKey: "b", AssumeRole: &AssumeRoleConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "tf", Policy: "{"}},
		"token and file":   {WebIdentity: &WebIdentityConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "ci", Token: "t", TokenFile: tokenFile}},
		"no token":         {WebIdentity: &WebIdentityConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "ci"}},
		"missing file":     {WebIdentity: &WebIdentityConfig{RoleARN: emulator.DefaultRoleARN, SessionName: "ci", TokenFile: filepath.Join(dir, "nope")}},
		"web identity ARN": {WebIdentity: &WebIdentityConfig{RoleARN: "role", SessionName: "ci", Token: "t"}},
	}
	for name, cfg := range invalid {
		if _, err := cfg.resolveCredentials(); err == nil || errors.Is(err, ErrConflictingCredentials) {
			t.Errorf("%s: got %v, want a validation error", name, err)
		}
	}
}

// The refresh margin is min(5 min, 20% of the lifetime).
func TestRefreshMargin(t *testing.T) {
	t.Parallel()
	for lifetime, want := range map[time.Duration]time.Duration{
		10 * time.Second: 2 * time.Second,
		15 * time.Minute: 3 * time.Minute,
		2 * time.Hour:    5 * time.Minute,
	} {
		if got := refreshMargin(lifetime); got != want {
			t.Errorf("refreshMargin(%s) = %s, want %s", lifetime, got, want)
		}
	}
}

// A caller that gives up while waiting for a refresh returns at once; the
// refresh still completes for the others.
func TestEnsureHonoursTheCallersContext(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	f.emu.SetLatency(300 * time.Millisecond)
	c := f.client(t, assumeRoleConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.creds.ensure(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	if err := c.creds.ensure(withTimeout(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := f.count("AssumeRole"); got != 1 {
		t.Fatalf("%d AssumeRole calls, want the one both callers shared", got)
	}
}

// When the API's clock runs ahead and it rejects credentials that are
// still fresh here, the call obtains new ones once and succeeds.
func TestTokenFailureOfFreshCredentialsRefreshesOnce(t *testing.T) {
	t.Parallel()
	f := newSTSFixture(t)
	f.emu.SetCredentialLifetime(100 * time.Second)
	c := f.client(t, assumeRoleConfig())
	role, ok := c.creds.(*roleCredentials)
	if !ok {
		t.Fatalf("credentials are %T, want role credentials", c.creds)
	}
	role.now = time.Now // this machine's clock, not the emulator's
	ctx := withTimeout(t, 30*time.Second)
	if _, err := c.ListAPIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(101 * time.Second) // expired for the emulator only
	if _, err := c.ListAPIKeys(ctx); err != nil {
		t.Fatalf("after the server-side expiry: %v", err)
	}
	counts := f.emu.CallCounts()
	if counts["AssumeRole"] != 2 || counts["DescribeApiKeysStatus"] != 3 {
		t.Fatalf("calls %v: want one rejected list, one new exchange and a second list", counts)
	}
}

// STS goes to sts.<domain> over the configured protocol, or to
// endpoints.sts, http:// included (the SDK's own STS providers force HTTPS).
func TestSTSEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg          Config
		scheme, host string
	}{
		{Config{}, "HTTPS", "sts.tencentcloudapi.com"},
		{Config{Protocol: "HTTP", Domain: "internal.example"}, "HTTP", "sts.internal.example"},
		{Config{Protocol: "HTTPS", STSEndpoint: "http://127.0.0.1:9000"}, "HTTP", "127.0.0.1:9000"},
	}
	for _, tc := range cases {
		scheme, host, err := tc.cfg.stsEndpoint()
		if err != nil || scheme != tc.scheme || host != tc.host {
			t.Errorf("%+v: got %q %q %v, want %q %q", tc.cfg, scheme, host, err, tc.scheme, tc.host)
		}
	}
	if _, _, err := (Config{STSEndpoint: "sts.example"}).stsEndpoint(); err == nil {
		t.Error("an endpoint without scheme must be an error")
	}
}

// slowSTSFixture is an stsFixture whose answers to one action wait until
// release is closed (or the client gives up). arrived gets one value per
// such request as it reaches the server.
func slowSTSFixture(t *testing.T, action string) (f *stsFixture, arrived chan struct{}, release func()) {
	t.Helper()
	clk := newFakeClock()
	emu := emulator.New(emulator.Options{Now: clk.Now, RateLimit: -1})
	arrived = make(chan struct{}, 16)
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == action {
			arrived <- struct{}{}
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	t.Cleanup(release) // before the server closes: no handler left waiting
	return &stsFixture{emu: emu, url: server.URL, clock: clk, issuer: emu.Issuer()}, arrived, release
}

// Issue 15, item 1: a deadline or a cancellation that ends the wait for
// temporary credentials is, through call(), a classified error that says
// so, was never sent and is not ambiguous (a panic here ended the plugin
// process and orphaned every key created in that walk). The exchange goes
// on for the others, and a call with time enough succeeds.
func TestCredentialWaitEndedByTheContextIsAClassifiedError(t *testing.T) {
	t.Parallel()
	f, arrived, release := slowSTSFixture(t, "AssumeRoleWithWebIdentity")
	c := f.client(t, Config{WebIdentity: &WebIdentityConfig{
		RoleARN: emulator.DefaultRoleARN, SessionName: "ci-run", Token: f.issuer.MustMint(emulator.TokenClaims{}),
	}})
	create := func(ctx context.Context) error {
		_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{SecretName: "deadline", AccessKeyType: KeyTypeAuto})
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := create(ctx)
	if !HasCode(err, CodeTimedOut) || IsAmbiguous(err) || IsTransient(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v (ambiguous %v, transient %v); want %s, neither ambiguous nor transient, with the deadline in the chain",
			err, IsAmbiguous(err), IsTransient(err), CodeTimedOut)
	}
	for _, want := range []string{"failed: [" + CodeTimedOut + "]", "time ran out", "before the request was sent", emulator.DefaultRoleARN, "ci-run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	<-arrived // the exchange the first call started is still at the server
	interrupted, stop := context.WithCancel(context.Background())
	defer stop()
	time.AfterFunc(50*time.Millisecond, stop) // Ctrl-C while the call waits for it
	err = create(interrupted)
	if !HasCode(err, CodeInterrupted) || IsAmbiguous(err) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("got %v; want %s, not ambiguous, saying it was interrupted", err, CodeInterrupted)
	}

	release()
	if err := create(withTimeout(t, 30*time.Second)); err != nil {
		t.Fatalf("with time enough: %v", err)
	}
	counts := f.emu.CallCounts()
	if counts["AssumeRoleWithWebIdentity"] != 1 || counts["CreateApiKey"] != 1 || len(f.emu.Keys()) != 1 {
		t.Fatalf("calls %v, %d keys: want the one shared exchange and one key, made by the call with time enough", counts, len(f.emu.Keys()))
	}
}

// Issue 15, item 3: after a server-side expiry, parallel calls rejected
// with the same credentials all succeed, sharing one new exchange. The
// server holds the rejected answers until all ten calls have arrived, so
// every call is rejected with the first generation.
func TestParallelCallsSurviveAServerSideExpiry(t *testing.T) {
	t.Parallel()
	const parallel = 10
	clk := newFakeClock()
	emu := emulator.New(emulator.Options{Now: clk.Now, RateLimit: -1})
	emu.SetCredentialLifetime(100 * time.Second)
	var mu sync.Mutex
	lists := 0
	allArrived := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == actionList {
			mu.Lock()
			lists++
			n := lists
			mu.Unlock()
			switch {
			case n == 1+parallel:
				close(allArrived)
			case n > 1 && n < 1+parallel:
				select {
				case <-allArrived:
				case <-r.Context().Done():
					return
				}
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	f := &stsFixture{emu: emu, url: server.URL, clock: clk, issuer: emu.Issuer()}
	cfg := assumeRoleConfig()
	cfg.RateLimit = 1000
	c := f.client(t, cfg)
	role, ok := c.creds.(*roleCredentials)
	if !ok {
		t.Fatalf("credentials are %T, want role credentials", c.creds)
	}
	role.now = time.Now // this machine's clock, not the emulator's
	ctx := withTimeout(t, 30*time.Second)
	if _, err := c.ListAPIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(101 * time.Second) // expired for the emulator only

	errs := make(chan error, parallel)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			_, err := c.ListAPIKeys(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Log(err)
		}
	}
	rejected := countCalls(emu, actionList, codeTokenFailure)
	if failed != 0 || rejected != parallel || f.count("AssumeRole") != 2 {
		t.Fatalf("%d of %d calls failed, %d rejected, %d AssumeRole calls; want none failed, %d rejected, and one exchange after the first",
			failed, parallel, rejected, f.count("AssumeRole"), parallel)
	}
}

// fakeRoleCredentials are role credentials whose exchange calls no API:
// the n-th returns AKID-n, key-n and token-n; n counts the exchanges.
func fakeRoleCredentials() (*roleCredentials, *int) {
	n := 0
	r := &roleCredentials{action: "AssumeRole", roleARN: emulator.DefaultRoleARN, session: "s", now: time.Now}
	var mu sync.Mutex
	r.exchange = func(context.Context) (*tempKeys, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return &tempKeys{id: fmt.Sprintf("AKID-%d", n), key: fmt.Sprintf("key-%d", n), token: fmt.Sprintf("token-%d", n),
			expires: time.Now().Add(time.Hour), lifetime: time.Hour}, nil
	}
	return r, &n
}

// A rejected generation is marked stale, not cleared: until the next one
// is in place, whatever signs gets the whole old one, never empty values.
func TestRejectedCredentialsStayCompleteUntilReplaced(t *testing.T) {
	t.Parallel()
	r, exchanges := fakeRoleCredentials()
	ctx := withTimeout(t, 10*time.Second)
	if err := r.ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if !r.reject(r.generation()) {
		t.Fatal("reject of the current generation: nothing to renew?")
	}
	if id, key, token := r.GetCredential(); id != "AKID-1" || key != "key-1" || token != "token-1" {
		t.Fatalf("after the rejection the signer got %q %q %q; want generation 1 whole until generation 2 is in place", id, key, token)
	}
	if !r.stale() {
		t.Fatal("a rejected generation must be stale")
	}
	if err := r.ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if id, key, token := r.GetCredential(); id != "AKID-2" || key != "key-2" || token != "token-2" || r.generation() != 2 || *exchanges != 2 {
		t.Fatalf("got %q %q %q, generation %d after %d exchanges; want generation 2", id, key, token, r.generation(), *exchanges)
	}
}

// A call rejected with a generation older than the current one (a
// parallel call replaced it meanwhile) sends once more with the current
// one and obtains no other; a rejection of the current one obtains the
// next one; either way only one retry.
func TestRejectedCallRetriesOnceWithTheCurrentGeneration(t *testing.T) {
	t.Parallel()
	tokenFailure := tcerr.NewTencentCloudSDKError(codeTokenFailure, "Token verification failed.", "r")
	t.Run("older generation", func(t *testing.T) {
		t.Parallel()
		r, exchanges := fakeRoleCredentials()
		c := &Client{creds: r}
		var signed []string
		_, _, err := sendReady(withTimeout(t, 10*time.Second), c, func(ctx context.Context) (struct{}, string, error) {
			signed = append(signed, r.GetSecretId())
			if len(signed) == 1 {
				// While this request was out, a parallel call was rejected
				// and obtained generation 2.
				r.reject(1)
				if err := r.ensure(ctx); err != nil {
					t.Fatal(err)
				}
				return struct{}{}, "", tokenFailure
			}
			return struct{}{}, "r", nil
		})
		if err != nil || len(signed) != 2 || signed[1] != "AKID-2" || *exchanges != 2 {
			t.Fatalf("got %v, signed with %v after %d exchanges; want a retry with AKID-2 and no third exchange", err, signed, *exchanges)
		}
	})
	t.Run("current generation, rejected twice", func(t *testing.T) {
		t.Parallel()
		r, exchanges := fakeRoleCredentials()
		c := &Client{creds: r}
		var signed []string
		_, _, err := sendReady(withTimeout(t, 10*time.Second), c, func(context.Context) (struct{}, string, error) {
			signed = append(signed, r.GetSecretId())
			return struct{}{}, "", tokenFailure
		})
		if !errors.Is(err, tokenFailure) || !slices.Equal(signed, []string{"AKID-1", "AKID-2"}) || *exchanges != 2 {
			t.Fatalf("got %v, signed with %v after %d exchanges; want one retry with AKID-2, then the rejection", err, signed, *exchanges)
		}
	})
}

// Issue 15, item 6: the account check holds no lock across its network
// call. A caller that gives up while another's check is under way returns
// at once; the check goes on and its result is shared.
func TestAccountGuardWaitIsCancellableAndShared(t *testing.T) {
	t.Parallel()
	f, arrived, release := slowSTSFixture(t, "GetCallerIdentity")
	c := f.client(t, Config{
		SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
		AllowedAccountIDs: []string{emulator.DefaultAccountID},
	})
	first := make(chan error, 1)
	go func() {
		_, err := c.ListAPIKeys(withTimeout(t, 30*time.Second))
		first <- err
	}()
	<-arrived // the first caller's check is at the server

	impatient := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.ListAPIKeys(ctx)
		impatient <- err
	}()
	select {
	case err := <-impatient:
		if !HasCode(err, CodeTimedOut) || IsAmbiguous(err) || !strings.Contains(err.Error(), "account check") {
			t.Errorf("got %v; want %s naming the account check", err, CodeTimedOut)
		}
	case <-time.After(10 * time.Second):
		t.Error("a caller whose deadline passed still waits behind another caller's account check")
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAPIKeys(withTimeout(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := f.count("GetCallerIdentity"); n != 1 {
		t.Fatalf("%d GetCallerIdentity calls, want the one check all callers shared", n)
	}
	if n := f.count(actionList); n != 2 {
		t.Fatalf("%d list calls, want 2: the caller that gave up sent nothing", n)
	}
}

// A first caller that gives up does not end the check for the others.
func TestAccountGuardOutlivesTheFirstCaller(t *testing.T) {
	t.Parallel()
	f, arrived, release := slowSTSFixture(t, "GetCallerIdentity")
	c := f.client(t, Config{
		SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey,
		ForbiddenAccountIDs: []string{emulator.DefaultAccountID},
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.ListAPIKeys(ctx)
		first <- err
	}()
	<-arrived
	second := make(chan error, 1)
	go func() {
		_, err := c.ListAPIKeys(withTimeout(t, 30*time.Second))
		second <- err
	}()
	cancel()
	if err := <-first; !HasCode(err, CodeInterrupted) {
		t.Fatalf("the cancelled first caller: %v", err)
	}
	release()
	if err := <-second; !HasCode(err, CodeAccountNotAllowed) {
		t.Fatalf("the second caller: got %v, want the shared check's refusal", err)
	}
	if n := f.count("GetCallerIdentity"); n != 1 {
		t.Fatalf("%d GetCallerIdentity calls, want 1", n)
	}
}
