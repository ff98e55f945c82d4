package conns

import (
	"errors"
	"fmt"
	"net"
	"strings"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Error codes the provider acts on. Resources use the predicates below and
// never compare codes or messages themselves.
const (
	CodeNotFound             = "ResourceNotFound.InvalidAccessKeyId"
	CodeRequestLimitExceeded = "RequestLimitExceeded"
	CodeInternalError        = "InternalError"
	CodeAccessKeyExist       = "FailedOperation.AccessKeyExist"
	CodeInvalidStatus        = "UnsupportedOperation.InvalidStatus"
	CodeResourceIsInUse      = "UnsupportedOperation.ResourceIsInUse"
	CodeUinNotInWhiteList    = "UnsupportedOperation.UinNotInWhiteList"
	CodeKeyCountLimit        = "LimitExceeded.ApiKeyCountLimitExceeded"
	CodeSignatureExpire      = "AuthFailure.SignatureExpire"

	// Codes the SDK itself uses for failures that never reached the API.
	codeNetworkError = "ClientError.NetworkError"
	codeHTTPStatus   = "ClientError.HttpStatusCodeError"
)

// APIError is every error that a TencentCloud API call returns through this
// package: the action, the API's code and message, and the request ID.
type APIError struct {
	Action    string
	Code      string
	Message   string
	RequestID string
	// transient is decided once, when the error is classified.
	transient bool
	// ambiguous: the request may have reached the service and been carried
	// out although no answer came back (a connection lost after sending).
	ambiguous bool
	err       error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: [%s] %s", e.Action, e.Code, e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (RequestId: %s)", e.RequestID)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.err }

// HTTPStatusError is returned by the client's transport for an HTTP 5xx
// answer, which the SDK would otherwise report as an unparsable body.
type HTTPStatusError struct {
	StatusCode int
	Status     string
}

func (e *HTTPStatusError) Error() string { return "HTTP " + e.Status }

// classify turns whatever the SDK returned into an *APIError.
func classify(action string, err error) *APIError {
	if err == nil {
		return nil
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	out := &APIError{Action: action, err: err}
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		out.Code, out.Message, out.RequestID = sdkErr.Code, sdkErr.Message, sdkErr.RequestId
	} else {
		out.Code, out.Message = "ClientError", err.Error()
	}

	var statusErr *HTTPStatusError
	var netErr net.Error
	switch {
	case errors.As(err, &statusErr):
		out.Code, out.Message = codeHTTPStatus, statusErr.Error()
		out.transient = true
	case out.Code == codeNetworkError, errors.As(err, &netErr):
		if cause := errors.Unwrap(sdkErr); sdkErr != nil && cause != nil {
			out.Message = cause.Error()
		}
		out.transient = true
		out.ambiguous = !neverSent(err)
	case out.Code == CodeRequestLimitExceeded,
		out.Code == CodeInternalError,
		strings.HasPrefix(out.Code, CodeInternalError+"."):
		out.transient = true
	}
	return out
}

// neverSent reports whether a network error happened before the request
// left this machine (no connection), so it cannot have been carried out.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// ErrorCode returns the API error code of err, or "" when err is not an API error.
func ErrorCode(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// IsNotFound reports whether err says the API key does not exist.
func IsNotFound(err error) bool { return ErrorCode(err) == CodeNotFound }

// IsTransient reports whether err is worth retrying: rate limiting, internal
// errors, network failures and HTTP 5xx answers.
func IsTransient(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.transient
}

// IsAmbiguous reports whether the call may have been carried out although
// it failed: the answer was lost on the way back.
func IsAmbiguous(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.ambiguous
}

// IsAuthFailure reports whether the API rejected the credentials.
func IsAuthFailure(err error) bool { return strings.HasPrefix(ErrorCode(err), "AuthFailure") }

// HasCode reports whether err carries the given API error code.
func HasCode(err error, code string) bool { return ErrorCode(err) == code }
