package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func TestRunServesUntilCanceled(t *testing.T) {
	t.Parallel()
	addrFile := filepath.Join(t.TempDir(), "emu.addr")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-secret-id", "AKIDcmdTest", "-secret-key", "cmdKey",
			"-token", "tok en", "-key-quota", "1"}, &stdout, io.Discard)
	}()

	var endpoint string
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(addrFile)
		if err == nil {
			endpoint = strings.TrimSpace(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("addr file never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint = %q", endpoint)
	}

	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(endpoint, "http://")
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.ReqTimeout = 10
	cli, err := apigw.NewClient(common.NewTokenCredential("AKIDcmdTest", "cmdKey", "tok en"), "ap-guangzhou", cpf)
	if err != nil {
		t.Fatal(err)
	}
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("from-cmd")
	if _, err := cli.CreateApiKey(req); err != nil {
		t.Fatalf("first key: %v", err)
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if _, err := cli.CreateApiKey(req); !errors.As(err, &sdkErr) || sdkErr.Code != "LimitExceeded.ApiKeyCountLimitExceeded" {
		t.Fatalf("second key with -key-quota 1: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancelation")
	}
	if _, err := os.Stat(addrFile); !os.IsNotExist(err) {
		t.Errorf("addr file left behind: %v", err)
	}
	out := stdout.String()
	for _, want := range []string{
		"listening on " + endpoint + "\n",
		"export TENCENTCLOUD_APIGATEWAY_ENDPOINT=" + endpoint + "\n",
		"export TCEMULATOR_GATEWAY_URL=" + endpoint + emulator.GatewayPath + "\n",
		"export TENCENTCLOUD_SECRET_ID=AKIDcmdTest\n",
		"export TENCENTCLOUD_SECRET_KEY=cmdKey\n",
		"export TENCENTCLOUD_SECURITY_TOKEN='tok en'\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-rate-limit", "-1", "-latency", "250ms", "-fault-seed", "9",
		"-fault-transient", "0.25", "-fault-drop", "0.5", "-fault-actions", "CreateApiKey, UpdateApiKey"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.RateLimit != -1 || c.latency != 250*time.Millisecond || c.faults.Seed != 9 || c.faults.TransientRate != 0.25 ||
		c.faults.DropRate != 0.5 || strings.Join(c.faults.Actions, ",") != "CreateApiKey,UpdateApiKey" || c.listen != "127.0.0.1:0" {
		t.Errorf("config = %+v", c)
	}

	for _, args := range [][]string{
		{"-fault-transient", "1.5"},
		{"-fault-drop", "-0.1"},
		{"-fault-transient", "0.6", "-fault-drop", "0.6"},
		{"-fault-commit-error", "0.6", "-fault-malformed", "0.6"},
		{"-fault-late", "2"},
		{"-fault-malformed-kinds", "status-string,bogus"},
		{"-token-ttl", "1s"},
		{"extra"},
		{"-no-such-flag"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted bad input", args)
		}
	}
}

// The fault modes performed-then-failed, and the paging quirks, have flags.
func TestParseFlagsCommitFaultsAndListQuirks(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-fault-commit-error", "0.15", "-fault-late", "0.05", "-fault-late-delay", "2s",
		"-fault-null-result", "0.1", "-fault-malformed", "0.2", "-fault-malformed-kinds", "truncated, status-string",
		"-list-ignore-offset", "-list-extra-total", "7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := c.faults
	if f.CommitErrorRate != 0.15 || f.LateRate != 0.05 || f.LateDelay != 2*time.Second || f.NullResultRate != 0.1 ||
		f.MalformedRate != 0.2 || strings.Join(f.MalformedKinds, ",") != "truncated,status-string" ||
		!c.list.IgnoreOffset || c.list.ExtraTotalCount != 7 {
		t.Errorf("config = %+v", c)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:8080": "http://127.0.0.1:8080",
		"AKID_abc-1":            "AKID_abc-1",
		"a b":                   "'a b'",
		"it's":                  `'it'\''s'`,
		"$HOME":                 "'$HOME'",
		"":                      "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://127.0.0.1:80"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 81}, "http://127.0.0.1:81"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 82}, "http://[::1]:82"},
	} {
		if got := endpointURL(tc.addr); got != tc.want {
			t.Errorf("endpointURL(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// With -web-identity-token-file the command writes a token that STS
// exchanges for the default role, keeps it fresh, and prints the web
// identity variables instead of keys.
func TestRunWebIdentity(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addrFile, tokenFile := filepath.Join(dir, "emu.addr"), filepath.Join(dir, "token")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-web-identity-token-file", tokenFile, "-token-ttl", "2s"}, &stdout, io.Discard)
	}()
	deadline := time.Now().Add(5 * time.Second)
	var endpoint string
	for endpoint == "" {
		if b, err := os.ReadFile(addrFile); err == nil {
			endpoint = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			t.Fatal("addr file never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	exchange := func(token string) error {
		cpf := profile.NewClientProfile()
		cpf.HttpProfile.Endpoint = strings.TrimPrefix(endpoint, "http://")
		cpf.HttpProfile.Scheme = "HTTP"
		cli, err := sts.NewClient(nil, "ap-guangzhou", cpf)
		if err != nil {
			return err
		}
		req := sts.NewAssumeRoleWithWebIdentityRequest()
		req.ProviderId = common.StringPtr(emulator.DefaultOIDCProviderID)
		req.WebIdentityToken = common.StringPtr(token)
		req.RoleArn = common.StringPtr(emulator.DefaultRoleARN)
		req.RoleSessionName = common.StringPtr("local-ci")
		_, err = cli.AssumeRoleWithWebIdentity(req)
		return err
	}
	if err := exchange(strings.TrimSpace(string(first))); err != nil {
		t.Fatalf("exchanging the written token: %v", err)
	}
	// Rewritten at half its 2 s lifetime.
	time.Sleep(1500 * time.Millisecond)
	second, err := os.ReadFile(tokenFile)
	if err != nil || string(second) == string(first) {
		t.Fatalf("the token file was not rewritten (%v)", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"export TENCENTCLOUD_STS_ENDPOINT=" + endpoint + "\n",
		"export TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE=" + tokenFile + "\n",
		"export TENCENTCLOUD_ASSUME_ROLE_ARN=" + emulator.DefaultRoleARN + "\n",
		"export TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME=local-ci\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "TENCENTCLOUD_SECRET_ID") {
		t.Errorf("a web identity run must not export keys:\n%s", out)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("token file left behind: %v", err)
	}
}

// The usage-plan quotas have flags, defaulting to the documented limits.
func TestParseFlagsUsagePlanQuotas(t *testing.T) {
	t.Parallel()
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if q := c.opts.UsagePlanQuotas; q.Plans != 200 || q.KeysPerPlan != 50 || q.PlansPerKey != 10 {
		t.Errorf("default quotas = %+v", q)
	}
	c, err = parseFlags([]string{"-usage-plan-quota", "5", "-keys-per-usage-plan", "3", "-usage-plans-per-key", "2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if q := c.opts.UsagePlanQuotas; q.Plans != 5 || q.KeysPerPlan != 3 || q.PlansPerKey != 2 {
		t.Errorf("quotas = %+v", q)
	}
}

// call-gateway makes one signed call of the data plane, prints the status and
// the reason, and fails unless the status is the expected one. Not parallel:
// it sets an environment variable.
func TestCallGateway(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	ts := httptest.NewServer(emu)
	defer ts.Close()
	emu.PutKey(emulator.Key{AccessKeyID: "gw_key", AccessKeySecret: "gw_secret_0123", SecretName: "gw", Enabled: true})
	plan := emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "callers", AccessKeyIDs: []string{"gw_key"}}).UsagePlanID
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("gw_secret_0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url := ts.URL + emulator.GatewayPath + "hello"
	call := func(args ...string) (string, error) {
		t.Helper()
		var stdout bytes.Buffer
		err := run(context.Background(), append([]string{"call-gateway", "-url", url}, args...), &stdout, io.Discard)
		return stdout.String(), err
	}

	out, err := call("-id", "gw_key", "-secret-file", secretFile)
	if err != nil || out != "200 ok\n" {
		t.Fatalf("bound key: %q, %v", out, err)
	}
	emu.SetKeyEnabled("gw_key", false)
	out, err = call("-id", "gw_key", "-secret-file", secretFile)
	if !errors.Is(err, errUnexpectedStatus) || out != "403 key-disabled\n" {
		t.Fatalf("disabled key: %q, %v", out, err)
	}
	if out, err = call("-id", "gw_key", "-secret-file", secretFile, "-expect", "403"); err != nil || out != "403 key-disabled\n" {
		t.Fatalf("disabled key, -expect 403: %q, %v", out, err)
	}
	emu.SetKeyEnabled("gw_key", true)
	emu.UnbindKey(plan, "gw_key")
	if out, err = call("-id", "gw_key", "-secret-file", secretFile, "-expect", "403"); err != nil || out != "403 key-not-bound\n" {
		t.Fatalf("unbound key: %q, %v", out, err)
	}
	if out, err = call("-expect", "401"); err != nil || out != "401 unsigned\n" {
		t.Fatalf("unsigned: %q, %v", out, err)
	}

	// The secret from the environment; the wrong one is refused.
	t.Setenv(defaultSecretEnv, "not_the_secret")
	if out, err = call("-id", "gw_key", "-expect", "401"); err != nil || out != "401 bad-signature\n" {
		t.Fatalf("secret from the environment: %q, %v", out, err)
	}
	t.Setenv(defaultSecretEnv, "")
	if _, err = call("-id", "gw_key"); err == nil || strings.Contains(err.Error(), "gw_secret") {
		t.Fatalf("no secret: %v", err)
	}
	if err := run(context.Background(), []string{"call-gateway", "-url", url, "extra"}, io.Discard, io.Discard); err == nil {
		t.Fatal("call-gateway accepted an extra argument")
	}
}
