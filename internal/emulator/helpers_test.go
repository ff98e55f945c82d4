package emulator_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

const (
	region  = "ap-guangzhou"
	isoTime = "2006-01-02T15:04:05Z"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// clock is a settable clock for Options.Now. It starts at the real time
// (requests are signed with the real time) and only moves when advanced.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is an emulator served over HTTP for one test.
type env struct {
	emu  *emulator.Server
	ts   *httptest.Server
	host string // 127.0.0.1:PORT, the SDK's Endpoint
}

func start(t *testing.T, opts emulator.Options) *env {
	t.Helper()
	emu := emulator.New(opts)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return &env{emu: emu, ts: ts, host: strings.TrimPrefix(ts.URL, "http://")}
}

// client returns an SDK client with the emulator's default credentials.
func (e *env) client(t *testing.T) *apigw.Client {
	t.Helper()
	return newClient(t, e.host, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), nil)
}

// newClient builds the real SDK client the way the provider does; configure
// may adjust the profile.
func newClient(t *testing.T, endpoint string, cred common.CredentialIface, configure func(*profile.ClientProfile)) *apigw.Client {
	t.Helper()
	cpf := sdkProfile(endpoint)
	if configure != nil {
		configure(cpf)
	}
	cli, err := apigw.NewClient(cred, region, cpf)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return cli
}

func sdkProfile(endpoint string) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = endpoint
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.ReqTimeout = 10
	return cpf
}

// commonCall sends an arbitrary action through the SDK's CommonRequest, so
// that it is signed by the real signer.
func (e *env) commonCall(t *testing.T, version, action string, params map[string]any) (map[string]any, error) {
	t.Helper()
	cli := common.NewCommonClient(common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), region, sdkProfile(e.host))
	req := tchttp.NewCommonRequest("apigateway", version, action)
	if err := req.SetActionParameters(params); err != nil {
		t.Fatalf("SetActionParameters: %v", err)
	}
	resp := tchttp.NewCommonResponse()
	if err := cli.Send(req, resp); err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(resp.GetBody(), &out); err != nil {
		t.Fatalf("decode common response: %v", err)
	}
	return out, nil
}

// errCode returns the SDK error code of err ("" for nil).
func errCode(err error) string {
	if err == nil {
		return ""
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return sdkErr.Code
	}
	return "non-SDK error: " + err.Error()
}

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := errCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func createAuto(t *testing.T, cli *apigw.Client, name string) *apigw.ApiKey {
	t.Helper()
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr(name)
	resp, err := cli.CreateApiKey(req)
	must(t, err)
	return resp.Response.Result
}

func createManual(t *testing.T, cli *apigw.Client, name, id, secret string) *apigw.ApiKey {
	t.Helper()
	resp, err := cli.CreateApiKey(manualRequest(name, id, secret))
	must(t, err)
	return resp.Response.Result
}

func manualRequest(name, id, secret string) *apigw.CreateApiKeyRequest {
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr(name)
	req.AccessKeyType = common.StringPtr("manual")
	req.AccessKeyId = common.StringPtr(id)
	req.AccessKeySecret = common.StringPtr(secret)
	return req
}

func describe(cli *apigw.Client, id string) (*apigw.ApiKey, error) {
	req := apigw.NewDescribeApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	resp, err := cli.DescribeApiKey(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func enableKey(cli *apigw.Client, id string) error {
	req := apigw.NewEnableApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	resp, err := cli.EnableApiKey(req)
	return checkTrue(resp, err)
}

func disableKey(cli *apigw.Client, id string) error {
	req := apigw.NewDisableApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	resp, err := cli.DisableApiKey(req)
	return checkTrue(resp, err)
}

func deleteKey(cli *apigw.Client, id string) error {
	req := apigw.NewDeleteApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	resp, err := cli.DeleteApiKey(req)
	return checkTrue(resp, err)
}

// checkTrue turns a successful answer whose Result is not true into an error.
func checkTrue[R interface {
	*apigw.EnableApiKeyResponse | *apigw.DisableApiKeyResponse | *apigw.DeleteApiKeyResponse |
		*apigw.DeleteUsagePlanResponse | *apigw.BindSecretIdsResponse | *apigw.UnBindSecretIdsResponse
}](resp R, err error) error {
	if err != nil {
		return err
	}
	var result *bool
	switch r := any(resp).(type) {
	case *apigw.EnableApiKeyResponse:
		result = r.Response.Result
	case *apigw.DisableApiKeyResponse:
		result = r.Response.Result
	case *apigw.DeleteApiKeyResponse:
		result = r.Response.Result
	case *apigw.DeleteUsagePlanResponse:
		result = r.Response.Result
	case *apigw.BindSecretIdsResponse:
		result = r.Response.Result
	case *apigw.UnBindSecretIdsResponse:
		result = r.Response.Result
	}
	if result == nil || !*result {
		return fmt.Errorf("Result = %v, want true", result)
	}
	return nil
}

func updateKey(cli *apigw.Client, id string, secret *string) (*apigw.ApiKey, error) {
	req := apigw.NewUpdateApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	req.AccessKeySecret = secret
	resp, err := cli.UpdateApiKey(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

// --- hand-built requests, for what the SDK cannot send ---

// rawRequest describes a request signed by this file's own TC3 signer (an
// implementation independent of both the SDK and the emulator).
type rawRequest struct {
	method        string // default POST
	path          string // default "/"
	action        string
	version       string // default 2018-08-08
	body          string
	contentType   string // default application/json
	secretID      string // default emulator.DefaultSecretID
	secretKey     string // default emulator.DefaultSecretKey
	signedHeaders []string
	at            time.Time // default now
	scopeDate     string    // credential scope date; default the UTC date of at
	unsigned      bool      // no Authorization header
	mutate        func(*http.Request)
}

func (e *env) newRaw(t *testing.T, rr rawRequest) *http.Request {
	t.Helper()
	if rr.method == "" {
		rr.method = http.MethodPost
	}
	if rr.path == "" {
		rr.path = "/"
	}
	if rr.version == "" {
		rr.version = emulator.APIVersion
	}
	if rr.contentType == "" {
		rr.contentType = "application/json"
	}
	if rr.secretID == "" {
		rr.secretID = emulator.DefaultSecretID
	}
	if rr.secretKey == "" {
		rr.secretKey = emulator.DefaultSecretKey
	}
	if rr.signedHeaders == nil {
		rr.signedHeaders = []string{"content-type", "host"}
	}
	if rr.at.IsZero() {
		rr.at = time.Now()
	}
	req, err := http.NewRequest(rr.method, e.ts.URL+rr.path, strings.NewReader(rr.body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(rr.at.Unix(), 10)
	req.Header.Set("Content-Type", rr.contentType)
	req.Header.Set("X-TC-Action", rr.action)
	req.Header.Set("X-TC-Version", rr.version)
	req.Header.Set("X-TC-Region", region)
	req.Header.Set("X-TC-Timestamp", ts)
	if !rr.unsigned {
		date := rr.scopeDate
		if date == "" {
			date = rr.at.UTC().Format("2006-01-02")
		}
		req.Header.Set("Authorization", testSign(req, rr.secretID, rr.secretKey, rr.signedHeaders, rr.body, ts, date))
	}
	if rr.mutate != nil {
		rr.mutate(req)
	}
	return req
}

func testSign(req *http.Request, id, key string, signed []string, body, timestamp, date string) string {
	var canonHeaders strings.Builder
	for _, h := range signed {
		v := req.Header.Get(h)
		if h == "host" {
			v = req.URL.Host
		}
		fmt.Fprintf(&canonHeaders, "%s:%s\n", h, strings.ToLower(v))
	}
	bodyHash := sha256.Sum256([]byte(body))
	canonical := strings.Join([]string{req.Method, "/", "", canonHeaders.String(), strings.Join(signed, ";"), hex.EncodeToString(bodyHash[:])}, "\n")
	canonHash := sha256.Sum256([]byte(canonical))
	scope := date + "/apigateway/tc3_request"
	toSign := "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + hex.EncodeToString(canonHash[:])
	mac := func(k []byte, s string) []byte { m := hmac.New(sha256.New, k); m.Write([]byte(s)); return m.Sum(nil) }
	k := mac(mac(mac([]byte("TC3"+key), date), "apigateway"), "tc3_request")
	return fmt.Sprintf("TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		id, scope, strings.Join(signed, ";"), hex.EncodeToString(mac(k, toSign)))
}

// envelope is the response envelope as a client sees it.
type envelope struct {
	Response struct {
		Error *struct {
			Code    string
			Message string
		}
		RequestID string          `json:"RequestId"`
		Result    json.RawMessage `json:"Result"`
	}
}

// sendRaw sends req and decodes the envelope (status 200 is required).
func sendRaw(t *testing.T, req *http.Request) envelope {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if !uuidV4.MatchString(env.Response.RequestID) {
		t.Fatalf("RequestId %q is not a UUID v4", env.Response.RequestID)
	}
	return env
}

func (env envelope) code() string {
	if env.Response.Error == nil {
		return ""
	}
	return env.Response.Error.Code
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
