package conns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	netErr := tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "",
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")})
	cases := []struct {
		name                           string
		err                            error
		notFound, transient, authFault bool
		code                           string
	}{
		{"not found", tcerr.NewTencentCloudSDKError(CodeNotFound, "The key does not exist.", "req-1"), true, false, false, CodeNotFound},
		{"rate limited", tcerr.NewTencentCloudSDKError(CodeRequestLimitExceeded, "slow down", "req-2"), false, true, false, CodeRequestLimitExceeded},
		{"internal error", tcerr.NewTencentCloudSDKError("InternalError", "boom", "req-3"), false, true, false, "InternalError"},
		{"internal sub-code", tcerr.NewTencentCloudSDKError("InternalError.OssException", "oss", "req-4"), false, true, false, "InternalError.OssException"},
		{"network error", netErr, false, true, false, codeNetworkError},
		{"signature", tcerr.NewTencentCloudSDKError("AuthFailure.SignatureFailure", "bad", "req-5"), false, false, true, "AuthFailure.SignatureFailure"},
		{"validation", tcerr.NewTencentCloudSDKError("InvalidParameter.FormatError", "bad format", "req-6"), false, false, false, "InvalidParameter.FormatError"},
		{"in use", tcerr.NewTencentCloudSDKError(CodeResourceIsInUse, "bound", "req-7"), false, false, false, CodeResourceIsInUse},
		{"lookalike code", tcerr.NewTencentCloudSDKError("InternalErrorish", "not ours", "req-8"), false, false, false, "InternalErrorish"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := error(classify("DescribeApiKey", tc.err))
			if got := IsNotFound(err); got != tc.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, tc.notFound)
			}
			if got := IsTransient(err); got != tc.transient {
				t.Errorf("IsTransient = %v, want %v", got, tc.transient)
			}
			if got := IsAuthFailure(err); got != tc.authFault {
				t.Errorf("IsAuthFailure = %v, want %v", got, tc.authFault)
			}
			if got := ErrorCode(fmt.Errorf("wrapped: %w", err)); got != tc.code {
				t.Errorf("ErrorCode = %q, want %q", got, tc.code)
			}
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	err := classify("UpdateApiKey", tcerr.NewTencentCloudSDKError(CodeUinNotInWhiteList, "not on the allowlist", "abc-123"))
	want := "UpdateApiKey failed: [UnsupportedOperation.UinNotInWhiteList] not on the allowlist (RequestId: abc-123)"
	if err.Error() != want {
		t.Fatalf("got %q, want %q", err.Error(), want)
	}
}

// An HTTP 5xx answer reaches the caller as a transient error through the
// real SDK and transport, not as an unparsable body.
func TestHTTP5xxIsTransient(t *testing.T) {
	t.Parallel()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	defer server.Close()
	client, err := New(Config{SecretID: "AKIDtest", SecretKey: "key", Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	// Retried until the deadline, then reported.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = client.DescribeAPIKey(ctx, "AKIDsomething")
	if !IsTransient(err) {
		t.Fatalf("expected a transient error, got %v", err)
	}
	var statusErr *HTTPStatusError
	if !errors.As(err, &statusErr) || statusErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("expected HTTP 502 in the error chain, got %v", err)
	}
}

// A context cancelled while the request is in flight stops the call at
// once, although the server holds the request.
func TestCallHonoursContext(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer server.Close()
	defer close(release)
	client, err := New(Config{SecretID: "AKIDtest", SecretKey: "key", Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived // the request reached the server: cancel it there
		cancel()
	}()
	began := time.Now()
	_, err = client.DescribeAPIKey(ctx, "AKIDsomething")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("expected context.Canceled in the error chain, got %v", err)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("the cancelled call returned only after %v", took)
	}
	select {
	case <-arrived:
		t.Fatal("the cancelled call was sent again")
	default:
	}
}

// classify meets whatever a send, a wait or the SDK returns: a classified
// error for each, never a panic (a panic in a provider ends the process and
// loses every answer in flight).
func TestClassifyEveryKindOfError(t *testing.T) {
	t.Parallel()
	var nilSDK *tcerr.TencentCloudSDKError
	var nilAPI *APIError
	var nilOp *net.OpError
	var nilURL *url.Error
	readReset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	dialRefused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	inFlight := &url.Error{Op: "Post", URL: "https://apigateway.tencentcloudapi.com/", Err: context.DeadlineExceeded}
	cases := []struct {
		name                 string
		err                  error
		code                 string
		transient, ambiguous bool
		message              string
	}{
		{"deadline, bare", context.DeadlineExceeded, CodeTimedOut, false, false, "time ran out"},
		{"deadline, wrapped", fmt.Errorf("waiting for the temporary credentials: %w", context.DeadlineExceeded), CodeTimedOut, false, false, "time ran out"},
		{"cancelled, bare", context.Canceled, CodeInterrupted, false, false, "interrupted"},
		{"cancelled, wrapped", fmt.Errorf("waiting for the account check: %w", context.Canceled), CodeInterrupted, false, false, "interrupted"},
		{"typed-nil SDK error", nilSDK, codeEmptyError, false, true, "no details"},
		{"typed-nil SDK error, wrapped", fmt.Errorf("send: %w", nilSDK), codeEmptyError, false, true, "no details"},
		{"typed-nil APIError", nilAPI, codeEmptyError, false, true, "no details"},
		{"net error, bare, after sending", readReset, "ClientError", true, true, "connection reset"},
		{"net error, bare, never sent", dialRefused, "ClientError", true, false, "connection refused"},
		{"typed-nil net error, bare", nilOp, codeEmptyError, false, true, "no details"},
		{"HTTP client timeout in flight (not from the SDK)", inFlight, "ClientError", true, true, "deadline exceeded"},
		{"SDK network error without a cause", tcerr.NewTencentCloudSDKError(codeNetworkError, "Fail to get response", ""), codeNetworkError, true, true, "Fail to get response"},
		{"SDK network error, cancelled in flight", tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "",
			&url.Error{Op: "Post", URL: "https://x/", Err: context.Canceled}), codeNetworkError, true, true, "canceled"},
		{"SDK network error, typed-nil net cause", tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "", nilOp), codeEmptyError, false, true, "no details"},
		{"SDK error, typed-nil cause whose Unwrap panics", tcerr.NewTencentCloudSDKErrorWithCause(codeNetworkError, "Fail to get response", "", nilURL), codeEmptyError, false, true, "no details"},
		{"SDK API error without a cause", tcerr.NewTencentCloudSDKError("InvalidParameter.FormatError", "bad", "r-1"), "InvalidParameter.FormatError", false, false, "bad"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic: %v", p)
				}
			}()
			got := classify(actionList, tc.err)
			if got == nil {
				t.Fatal("classify returned nil for an error")
			}
			msg := got.Error()
			if got.Code != tc.code || got.transient != tc.transient || got.ambiguous != tc.ambiguous || !strings.Contains(msg, tc.message) {
				t.Fatalf("got code %s, transient %v, ambiguous %v, %q; want %s, %v, %v, a message with %q",
					got.Code, got.transient, got.ambiguous, msg, tc.code, tc.transient, tc.ambiguous, tc.message)
			}
			// The predicates the resources use hold up too.
			wrapped := fmt.Errorf("wrapped: %w", got)
			if ErrorCode(wrapped) != tc.code || IsTransient(wrapped) != tc.transient || IsAmbiguous(wrapped) != tc.ambiguous {
				t.Fatalf("predicates disagree with the classification %+v", got)
			}
		})
	}
	if classify(actionList, nil) != nil {
		t.Fatal("classify(nil) must be nil")
	}
	if IsTransient(nilAPI) || IsAmbiguous(nilAPI) || ErrorCode(fmt.Errorf("x: %w", nilAPI)) != "" {
		t.Fatal("the predicates must treat a typed-nil *APIError as no API error")
	}
}
