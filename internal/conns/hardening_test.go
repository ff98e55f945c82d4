package conns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// interceptor serves an emulator but lets a test answer some calls itself:
// intercept sees each call's action and its number (1-based, per action)
// and reports whether it answered.
type interceptor struct {
	emu       *emulator.Server
	mu        sync.Mutex
	counts    map[string]int
	intercept func(w http.ResponseWriter, action string, n int) bool
}

func (i *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-TC-Action")
	i.mu.Lock()
	i.counts[action]++
	n := i.counts[action]
	i.mu.Unlock()
	if i.intercept != nil && i.intercept(w, action, n) {
		return
	}
	i.emu.ServeHTTP(w, r)
}

// newInterceptedClient is newEmulatorClient with an interceptor in front.
func newInterceptedClient(t *testing.T, intercept func(w http.ResponseWriter, action string, n int) bool) (*Client, *emulator.Server) {
	t.Helper()
	emu := emulator.New(emulator.Options{RateLimit: -1})
	server := httptest.NewServer(&interceptor{emu: emu, counts: map[string]int{}, intercept: intercept})
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return client, emu
}

// answerError writes an API error envelope.
func answerError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":%q},"RequestId":"00000000-0000-4000-8000-000000000000"}}`, code, message)
}

func TestIsAmbiguous(t *testing.T) {
	t.Parallel()
	sent := tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "",
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")})
	notSent := tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "",
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	_, emptyResult := fromSDK(actionCreate, nil)
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connection lost after sending", sent, true},
		{"connection never made", notSent, false},
		{"internal error (may follow a commit)", tcerr.NewTencentCloudSDKError(CodeInternalError, "boom", "r"), true},
		{"internal sub-code", tcerr.NewTencentCloudSDKError("InternalError.OssException", "oss", "r"), true},
		{"HTTP 504 from a gateway", &HTTPStatusError{StatusCode: 504, Status: "504 Gateway Timeout"}, true},
		{"unparsable answer", tcerr.NewTencentCloudSDKError(codeParseJSON, "Fail to parse json content: {}, because: x", ""), true},
		{"body lost after the headers", tcerr.NewTencentCloudSDKError(codeIOError, "Fail to read response body because EOF", ""), true},
		{"null Result", emptyResult, true},
		{"rate limited (refused before anything is done)", tcerr.NewTencentCloudSDKError(CodeRequestLimitExceeded, "slow", "r"), false},
		{"auth failure", tcerr.NewTencentCloudSDKError("AuthFailure.SignatureFailure", "bad", "r"), false},
		{"validation", tcerr.NewTencentCloudSDKError("InvalidParameter.FormatError", "bad", "r"), false},
		{"already exists", tcerr.NewTencentCloudSDKError(CodeAccessKeyExist, "exists", "r"), false},
		{"not an API error", errors.New("plain"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := error(classify(actionCreate, tc.err))
			if tc.name == "not an API error" {
				err = tc.err
			}
			if got := IsAmbiguous(fmt.Errorf("wrapped: %w", err)); got != tc.want {
				t.Errorf("IsAmbiguous = %v, want %v", got, tc.want)
			}
		})
	}
}

// The SDK's client errors quote the whole body; classify keeps only the
// code, the status, the RequestId and a safe reason.
func TestClassifyStripsBodies(t *testing.T) {
	t.Parallel()
	const secret = "Sup3rSecretInTheBody0123"
	body := `{"Response":{"Result":{"AccessKeyId":"AKIDx","AccessKeySecret":"` + secret + `","Status":"1"},"RequestId":"6f1c2b9e-1111-4222-8333-444455556666"}}`
	cases := []struct {
		sdk           error
		code, want    string
		wantRequestID string
	}{
		{tcerr.NewTencentCloudSDKError(codeParseJSON, "Fail to parse json content: "+body+", because: json: cannot unmarshal string into Go struct field ApiKey.Response.Result.Status of type int64", ""),
			codeParseJSON, "field ApiKey.Response.Result.Status is not of type int64", "6f1c2b9e-1111-4222-8333-444455556666"},
		{tcerr.NewTencentCloudSDKError(codeParseJSON, "Fail to parse json content: "+body[:60]+", because: unexpected end of JSON input", ""),
			codeParseJSON, "it ended early", ""},
		{tcerr.NewTencentCloudSDKError(codeHTTPStatus, "Request fail with http status code: 404 Not Found, with body: "+body, ""),
			codeHTTPStatus, "HTTP 404 Not Found", ""},
	}
	for _, tc := range cases {
		err := classify(actionDescribe, tc.sdk)
		if err.Code != tc.code || !strings.Contains(err.Message, tc.want) || err.RequestID != tc.wantRequestID {
			t.Errorf("classify = %+v, want code %s, a message with %q and RequestId %q", err, tc.code, tc.want, tc.wantRequestID)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) || errors.Unwrap(err) != nil {
			t.Errorf("the error still carries the body: %v", err)
		}
	}
}

// Through the real SDK: a type-drifted or truncated answer (the emulator's
// malformed modes, whose bodies hold the secret) reaches the caller without
// the body, with its RequestId.
func TestUnparsableAnswersCarryNoSecret(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{emulator.MalformedStatusString, emulator.MalformedTruncated} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			client, emu := newEmulatorClient(t)
			emu.PutKey(emulator.Key{AccessKeyID: "drift_key", AccessKeySecret: "secret_in_the_body_0123", AccessKeyType: "manual", SecretName: "drift", Enabled: true})
			emu.SetFaults(emulator.Faults{MalformedRate: 1, MalformedKinds: []string{kind}})
			for name, call := range map[string]func() error{
				"DescribeApiKey":        func() error { _, err := client.DescribeAPIKey(withTimeout(t, time.Minute), "drift_key"); return err },
				"DescribeApiKeysStatus": func() error { _, err := client.ListAPIKeys(withTimeout(t, time.Minute)); return err },
			} {
				err := call()
				if !HasCode(err, codeParseJSON) || strings.Contains(err.Error(), "secret_in_the_body_0123") {
					t.Errorf("%s: got %v, want a ParseJsonError without the secret", name, err)
				}
				if kind == emulator.MalformedStatusString && !strings.Contains(err.Error(), "RequestId: ") {
					t.Errorf("%s: the RequestId was lost: %v", name, err)
				}
			}
		})
	}
}

// An error message that quotes a secret the provider knows (the
// credential's key, the call's key secret) is masked in the error itself.
func TestAPIErrorMessageMasksKnownSecrets(t *testing.T) {
	t.Parallel()
	const keySecret = "manual_secret_0123456789"
	var credentialKey string
	client, _ := newInterceptedClient(t, func(w http.ResponseWriter, action string, _ int) bool {
		answerError(w, "InvalidParameter.FormatError", "secret "+keySecret+" rejected; credential "+credentialKey)
		return true
	})
	credentialKey = client.creds.secrets()[0]
	_, err := client.CreateAPIKey(withTimeout(t, time.Minute), CreateAPIKeyInput{SecretName: "n", AccessKeyType: KeyTypeManual, AccessKeyID: "masked_id", AccessKeySecret: keySecret})
	if err == nil || strings.Contains(err.Error(), keySecret) || strings.Contains(err.Error(), credentialKey) || !strings.Contains(err.Error(), "***") {
		t.Fatalf("expected the secrets masked in %v", err)
	}
}

// Issue 12: a CreateApiKey carried out and then answered InternalError or
// HTTP 502/503/504 is looked for before trying again: the key is adopted,
// never made twice, and a manual key is not reported as AccessKeyExist.
func TestCreateAfterCommitErrorsAdoptsTheKey(t *testing.T) {
	t.Parallel()
	for seed := range int64(4) {
		for _, in := range []CreateAPIKeyInput{
			{SecretName: "committed-auto", AccessKeyType: KeyTypeAuto},
			{SecretName: "committed-manual", AccessKeyType: KeyTypeManual, AccessKeyID: "committed_manual", AccessKeySecret: "secret_0123456789"},
		} {
			t.Run(fmt.Sprintf("%s/seed%d", in.AccessKeyType, seed), func(t *testing.T) {
				t.Parallel()
				client, emu := newEmulatorClient(t)
				emu.SetFaults(emulator.Faults{Seed: seed, CommitErrorRate: 1, Actions: []string{"CreateApiKey"}})
				key, err := client.CreateAPIKey(withTimeout(t, time.Minute), in)
				if err != nil {
					t.Fatal(err)
				}
				keys := emu.Keys()
				if len(keys) != 1 || keys[0].AccessKeyID != key.AccessKeyID || keys[0].AccessKeySecret != key.AccessKeySecret {
					t.Fatalf("expected exactly the adopted key, got %+v (adopted %s)", keys, key.AccessKeyID)
				}
				calls := emu.Calls()
				if n := countCalls(emu, "CreateApiKey", "*"); n != 1 || calls[len(calls)-1].Action == "CreateApiKey" {
					t.Fatalf("expected one CreateApiKey and then a lookup, got %d: %+v", n, calls)
				}
			})
		}
	}
}

// A CreateApiKey answer that cannot be used (null Result, Status missing or
// of another type, truncated) is ambiguous: the key is found and adopted.
func TestCreateWithUnusableAnswerAdoptsTheKey(t *testing.T) {
	t.Parallel()
	faults := map[string]emulator.Faults{
		"null Result":    {NullResultRate: 1},
		"Status missing": {MalformedRate: 1, MalformedKinds: []string{emulator.MalformedStatusMissing}},
		"Status string":  {MalformedRate: 1, MalformedKinds: []string{emulator.MalformedStatusString}},
		"truncated":      {MalformedRate: 1, MalformedKinds: []string{emulator.MalformedTruncated}},
	}
	for name, f := range faults {
		for _, in := range []CreateAPIKeyInput{
			{SecretName: "unusable-auto", AccessKeyType: KeyTypeAuto},
			{SecretName: "unusable-manual", AccessKeyType: KeyTypeManual, AccessKeyID: "unusable_manual", AccessKeySecret: "secret_0123456789"},
		} {
			t.Run(name+"/"+in.AccessKeyType, func(t *testing.T) {
				t.Parallel()
				client, emu := newEmulatorClient(t)
				f.Actions = []string{"CreateApiKey"}
				emu.SetFaults(f)
				key, err := client.CreateAPIKey(withTimeout(t, time.Minute), in)
				if err != nil {
					t.Fatal(err)
				}
				keys := emu.Keys()
				if len(keys) != 1 || keys[0].AccessKeyID != key.AccessKeyID || keys[0].AccessKeySecret != key.AccessKeySecret || key.Status != StatusEnabled {
					t.Fatalf("expected exactly the adopted key, got %+v (adopted %+v)", keys, key)
				}
				if n := countCalls(emu, "CreateApiKey", "*"); n != 1 {
					t.Fatalf("expected one CreateApiKey, got %d", n)
				}
			})
		}
	}
}

// Keys that carried the name before the first CreateApiKey are never
// adopted: with an older twin, the new key is adopted; with a twin made by
// someone else meanwhile, both are named and none is adopted.
func TestCreateLookupAdoptsOnlyKeysNewSinceTheSnapshot(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDearlier", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "twin", Enabled: true})
	emu.SetFaults(emulator.Faults{Seed: 3, DropRate: 1, Actions: []string{"CreateApiKey"}})
	key, err := client.CreateAPIKey(withTimeout(t, time.Minute), CreateAPIKeyInput{SecretName: "twin", AccessKeyType: KeyTypeAuto})
	if err != nil {
		t.Fatal(err)
	}
	if key.AccessKeyID == "AKIDearlier" || len(emu.Keys()) != 2 {
		t.Fatalf("adopted %s among %+v: want the new key", key.AccessKeyID, emu.Keys())
	}
	if got := countCalls(emu, "DescribeApiKeysStatus", "*"); got != 2 {
		t.Errorf("expected one listing before the create and one after, got %d", got)
	}

	// Another workspace creates a key of the same name while this create's
	// answer is lost.
	client, emu = newInterceptedClient(t, nil)
	emu.SetFaults(emulator.Faults{Seed: 3, DropRate: 1, Actions: []string{"CreateApiKey"}})
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDconcurrent", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "race", Enabled: true,
		CreatedTime: time.Now().Add(time.Minute)})
	look := &createLookup{in: CreateAPIKeyInput{SecretName: "race", AccessKeyType: KeyTypeAuto}, started: time.Now(), existing: map[string]bool{}}
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDmine", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "race", Enabled: true})
	if _, err := client.findCreated(withTimeout(t, time.Minute), look); !HasCode(err, codeAmbiguousCreate) ||
		!strings.Contains(err.Error(), "AKIDconcurrent") || !strings.Contains(err.Error(), "AKIDmine") {
		t.Fatalf("expected an error naming both candidates, got %v", err)
	}
}

// Issue 15: the key of a create carried out and answered InternalError is
// found by a listing whose entries have a null Status: it is read with
// DescribeApiKey and adopted with its real status, so it can go to state.
// A lookup answered with a null Result fails with "may exist" instead of
// taking it for "no key" and creating a second one.
func TestCreateLookupReadsACandidateWithoutStatus(t *testing.T) {
	t.Parallel()
	for _, nullResult := range []bool{false, true} {
		t.Run(fmt.Sprintf("null Result %v", nullResult), func(t *testing.T) {
			t.Parallel()
			var lists atomic.Int32
			commitThenFail := func(next http.Handler) http.Handler {
				spoiled := spoilListed(false)(next)
				null := spoilListed(true)(next)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch r.Header.Get("X-TC-Action") {
					case actionCreate:
						next.ServeHTTP(httptest.NewRecorder(), r)
						answerError(w, CodeInternalError, "An internal error has occurred.")
					case actionList:
						if lists.Add(1) > 1 && nullResult {
							null.ServeHTTP(w, r)
						} else {
							spoiled.ServeHTTP(w, r)
						}
					default:
						next.ServeHTTP(w, r)
					}
				})
			}
			client, emu, _ := batchClient(t, 0, batchWindow, commitThenFail)
			key, err := client.CreateAPIKey(withTimeout(t, 15*time.Second), CreateAPIKeyInput{SecretName: "no-status", AccessKeyType: KeyTypeAuto})
			keys := emu.Keys()
			if len(keys) != 1 || countCalls(emu, actionCreate, "*") != 1 {
				t.Fatalf("expected one CreateApiKey and its key, got %d keys", len(keys))
			}
			if nullResult {
				if key != nil || !HasCode(err, CodeCreateOutcomeUnknown) {
					t.Fatalf("expected no key and %s, got %+v, %v", CodeCreateOutcomeUnknown, key, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if key.AccessKeyID != keys[0].AccessKeyID || key.Status != StatusEnabled || key.AccessKeySecret != keys[0].AccessKeySecret {
				t.Fatalf("expected key %s adopted as enabled with its secret, got %s with status %d", keys[0].AccessKeyID, key.AccessKeyID, key.Status)
			}
		})
	}
}

// The success path of findAfterCancel: a cancelled create whose key exists
// returns the key with the cancellation error, on a context of its own.
func TestFindAfterCancelReturnsTheKey(t *testing.T) {
	t.Parallel()
	for _, in := range []CreateAPIKeyInput{
		{SecretName: "cancelled-auto", AccessKeyType: KeyTypeAuto},
		{SecretName: "cancelled-manual", AccessKeyType: KeyTypeManual, AccessKeyID: "cancelled_manual", AccessKeySecret: "secret_0123456789"},
	} {
		t.Run(in.AccessKeyType, func(t *testing.T) {
			t.Parallel()
			client, emu := newEmulatorClient(t)
			emu.PutKey(emulator.Key{AccessKeyID: "AKIDolder", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: in.SecretName, Enabled: true})
			look := &createLookup{in: in, started: time.Now(), existing: map[string]bool{"AKIDolder": true}}
			id := in.AccessKeyID
			if id == "" {
				id = "AKIDmadeByTheCancelledCall"
			}
			emu.PutKey(emulator.Key{AccessKeyID: id, AccessKeySecret: "secret_0123456789", AccessKeyType: in.AccessKeyType, SecretName: in.SecretName, Enabled: true})

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			cause := classify(actionCreate, tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "", context.Canceled))
			key, err := client.findAfterCancel(ctx, look, cause)
			if key == nil || key.AccessKeyID != id || key.AccessKeySecret != "secret_0123456789" {
				t.Fatalf("expected key %s, got %+v", id, key)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("expected the cancellation error, got %v", err)
			}
		})
	}
}

// When looking for the key fails too, the error names the key ID (manual)
// or the name (auto) and says how to find and import the key.
func TestCreateLookupFailureSaysTheKeyMayExist(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         CreateAPIKeyInput
		lookup     string
		lookupCall int
		want       []string
	}{
		{CreateAPIKeyInput{SecretName: "lost-manual", AccessKeyType: KeyTypeManual, AccessKeyID: "lost_manual_key", AccessKeySecret: "secret_0123456789"},
			"DescribeApiKey", 1, []string{"Key lost_manual_key may exist", "terraform import <resource address> lost_manual_key"}},
		{CreateAPIKeyInput{SecretName: "lost-auto", AccessKeyType: KeyTypeAuto},
			"DescribeApiKeysStatus", 2, []string{`An auto key named "lost-auto" may exist`, `secret_name = "lost-auto"`, "terraform import"}},
	}
	for _, tc := range cases {
		t.Run(tc.in.AccessKeyType, func(t *testing.T) {
			t.Parallel()
			client, emu := newInterceptedClient(t, func(w http.ResponseWriter, action string, n int) bool {
				if action == tc.lookup && n >= tc.lookupCall {
					answerError(w, "AuthFailure.UnauthorizedOperation", "not allowed to read keys")
					return true
				}
				return false
			})
			emu.SetFaults(emulator.Faults{CommitErrorRate: 1, Actions: []string{"CreateApiKey"}})
			_, err := client.CreateAPIKey(withTimeout(t, time.Minute), tc.in)
			if !HasCode(err, CodeCreateOutcomeUnknown) {
				t.Fatalf("expected %s, got %v", CodeCreateOutcomeUnknown, err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q: %v", want, err)
				}
			}
			if n := countCalls(emu, "CreateApiKey", "*"); n != 1 || len(emu.Keys()) != 1 {
				t.Errorf("expected one CreateApiKey and its key, got %d calls and %d keys", n, len(emu.Keys()))
			}
		})
	}

	// After a cancel: the lookup has its own deadline; when it fails, the
	// error says that the key may exist, not only "cancelled".
	client, emu := newInterceptedClient(t, func(w http.ResponseWriter, action string, n int) bool {
		if action == "DescribeApiKeysStatus" {
			answerError(w, "AuthFailure.UnauthorizedOperation", "not allowed to list keys")
			return true
		}
		return false
	})
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDmaybe", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "cancelled", Enabled: true})
	look := &createLookup{in: CreateAPIKeyInput{SecretName: "cancelled", AccessKeyType: KeyTypeAuto}, started: time.Now(), existing: map[string]bool{}}
	cause := classify(actionCreate, tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "", context.DeadlineExceeded))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key, err := client.findAfterCancel(ctx, look, cause)
	if key != nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `An auto key named "cancelled" may exist`) {
		t.Fatalf("expected no key and an error naming the key, wrapping the deadline; got %+v, %v", key, err)
	}
}

// UpdateApiKey carried out but answered with a null, incomplete or
// unparsable Result: the key is read again, so the new secret is returned.
func TestUpdateWithUnusableAnswerReadsTheKey(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]emulator.Faults{
		"null Result":   {NullResultRate: 1},
		"Status string": {MalformedRate: 1, MalformedKinds: []string{emulator.MalformedStatusString}},
		"truncated":     {MalformedRate: 1, MalformedKinds: []string{emulator.MalformedTruncated}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client, emu := newEmulatorClient(t)
			emu.PutKey(emulator.Key{AccessKeyID: "AKIDrotate", AccessKeySecret: "old_secret_0123456789", AccessKeyType: "auto", SecretName: "rotate", Enabled: true})
			f.Actions = []string{"UpdateApiKey"}
			emu.SetFaults(f)
			key, err := client.UpdateAPIKey(withTimeout(t, time.Minute), "AKIDrotate", "")
			if err != nil {
				t.Fatal(err)
			}
			remote, _ := emu.Key("AKIDrotate")
			if key.AccessKeySecret != remote.AccessKeySecret || key.AccessKeySecret == "old_secret_0123456789" {
				t.Fatalf("returned secret differs from the rotated one (old kept: %v)", key.AccessKeySecret == "old_secret_0123456789")
			}
			if got := countCalls(emu, "UpdateApiKey", "*"); got != 1 {
				t.Errorf("expected one UpdateApiKey, got %d", got)
			}
		})
	}
}

// Paging always ends, lists every key once, and survives a key deleted or
// created between pages.
func TestListAPIKeysPaging(t *testing.T) {
	t.Parallel()
	seed := func(emu *emulator.Server, n int) {
		for i := range n {
			emu.PutKey(emulator.Key{AccessKeyID: fmt.Sprintf("page_key_%03d", i), AccessKeySecret: "secret_0123456789", AccessKeyType: "manual", SecretName: "p", Enabled: true})
		}
	}
	ids := func(keys []*APIKey) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = k.AccessKeyID
		}
		return out
	}
	unique := func(t *testing.T, keys []*APIKey) {
		t.Helper()
		got := ids(keys)
		slices.Sort(got)
		if len(slices.Compact(got)) != len(keys) {
			t.Errorf("a key was listed twice: %d keys, %d distinct", len(keys), len(slices.Compact(got)))
		}
	}

	t.Run("service ignores Offset", func(t *testing.T) {
		t.Parallel()
		client, emu := newEmulatorClient(t)
		seed(emu, 250)
		emu.SetListQuirks(emulator.ListQuirks{IgnoreOffset: true})
		keys, err := client.ListAPIKeys(withTimeout(t, 30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		unique(t, keys)
		if n := countCalls(emu, "DescribeApiKeysStatus", "*"); n != 2 || len(keys) != 100 {
			t.Errorf("got %d keys in %d calls: want the one page the service gives, and a stop after a page with nothing new", len(keys), n)
		}
	})
	t.Run("service overstates TotalCount", func(t *testing.T) {
		t.Parallel()
		for _, ignoreOffset := range []bool{false, true} {
			client, emu := newEmulatorClient(t)
			seed(emu, 150)
			emu.SetListQuirks(emulator.ListQuirks{ExtraTotalCount: 1000, IgnoreOffset: ignoreOffset})
			keys, err := client.ListAPIKeys(withTimeout(t, 30*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			unique(t, keys)
			want := 150
			if ignoreOffset {
				want = 100
			}
			if n := countCalls(emu, "DescribeApiKeysStatus", "*"); len(keys) != want || n > 3 {
				t.Errorf("ignoreOffset=%v: got %d keys in %d calls, want %d keys in at most 3", ignoreOffset, len(keys), n, want)
			}
		}
	})
	t.Run("key deleted or created between pages", func(t *testing.T) {
		t.Parallel()
		var emu *emulator.Server
		client, emu := newInterceptedClient(t, func(_ http.ResponseWriter, action string, n int) bool {
			if action == "DescribeApiKeysStatus" && n == 2 {
				emu.DeleteKey("page_key_010")
				emu.PutKey(emulator.Key{AccessKeyID: "page_key_new", AccessKeySecret: "secret_0123456789", AccessKeyType: "manual", SecretName: "p", Enabled: true})
			}
			return false
		})
		seed(emu, 150)
		keys, err := client.ListAPIKeys(withTimeout(t, 30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		unique(t, keys)
		got := ids(keys)
		for i := range 150 {
			if id := fmt.Sprintf("page_key_%03d", i); i != 10 && !slices.Contains(got, id) {
				t.Errorf("%s was missed", id)
			}
		}
		if !slices.Contains(got, "page_key_new") {
			t.Error("the key created between pages was missed")
		}
	})
}

// The service's clock may be up to 5 minutes behind this machine's (the
// signature window): a new key that it dates 4 minutes before the attempt
// started is still found.
func TestCreateLookupAllowsTheSignatureWindowOfClockSkew(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	started := time.Now()
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDskewed", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "skew", Enabled: true,
		CreatedTime: started.Add(-4 * time.Minute)})
	look := &createLookup{in: CreateAPIKeyInput{SecretName: "skew", AccessKeyType: KeyTypeAuto}, started: started, existing: map[string]bool{}}
	key, err := client.findCreated(withTimeout(t, time.Minute), look)
	if err != nil || key == nil || key.AccessKeyID != "AKIDskewed" {
		t.Fatalf("expected the skewed key, got %+v, %v", key, err)
	}
}
