package conns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
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
