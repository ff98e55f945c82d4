package conns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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

	// Codes the SDK itself uses for failures on the client's side.
	codeNetworkError = "ClientError.NetworkError"
	codeHTTPStatus   = "ClientError.HttpStatusCodeError"
	codeParseJSON    = "ClientError.ParseJsonError"
	codeIOError      = "ClientError.IOError"

	// Codes of this package for answers it cannot use.
	codeEmptyResult      = "ClientError.EmptyResult"
	codeIncompleteResult = "ClientError.IncompleteResult"
	// CodeCreateOutcomeUnknown: a CreateApiKey may have made a key that
	// could not be found; the message says how to look for it.
	CodeCreateOutcomeUnknown = "ClientError.CreateOutcomeUnknown"
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
	// out although no usable answer came back (a connection lost after
	// sending, a server error that can follow a commit).
	ambiguous bool
	// answered: the service answered HTTP 200, so it carried the call out,
	// but the answer cannot be used (unparsable, null or incomplete).
	answered bool
	// answeredKeyID is the key ID an incomplete answer named.
	answeredKeyID string
	err           error
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
	// RequestID is the X-TC-RequestId header, when the answer had one.
	RequestID string
}

func (e *HTTPStatusError) Error() string { return "HTTP " + e.Status }

// Codes of this package for a call that ended before it was sent: its
// context's deadline passed, or it was cancelled (Ctrl-C, a failed
// sibling), while it waited for credentials, the account check or a retry.
const (
	CodeTimedOut    = "ClientError.TimedOut"
	CodeInterrupted = "ClientError.Interrupted"
	// codeEmptyError: the error was a typed nil (a nil pointer as an error).
	codeEmptyError = "ClientError.EmptyError"
)

// classify turns whatever the SDK returned into an *APIError. The SDK's own
// client errors quote the whole response body, which can hold key secrets
// (every key's, for a list): their messages are rebuilt from safe parts
// only, and the SDK error is not kept in the chain.
//
// It never panics: a typed nil in the chain (whose Error or Unwrap would
// dereference nil) is classified like any other unclear failure.
func classify(action string, err error) (out *APIError) {
	if err == nil {
		return nil
	}
	// A typed nil in the chain, whose Error or Unwrap dereferences nil
	// (errors.As itself calls Unwrap), says nothing of what happened to
	// the request: the outcome is unknown, which is what ambiguous means.
	defer func() {
		if recover() != nil {
			out = emptyError(action)
		}
	}()
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) && sdkErr == nil {
		return emptyError(action)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if apiErr == nil {
			return emptyError(action)
		}
		return apiErr
	}
	out = &APIError{Action: action, err: err}
	if sdkErr != nil {
		out.Code, out.Message, out.RequestID = sdkErr.Code, sdkErr.Message, sdkErr.RequestId
	} else {
		out.Code, out.Message = "ClientError", err.Error()
	}

	var statusErr *HTTPStatusError
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case sdkErr == nil && !errors.As(err, &urlErr) && errors.Is(err, context.DeadlineExceeded):
		// A bare context error is this package's own: the call gave up
		// while it waited (credentials, account check, backoff), before
		// anything was sent. A send the context stopped is an SDK network
		// error instead, handled below.
		out.Code, out.Message = CodeTimedOut, "the operation's time ran out before the request was sent ("+err.Error()+")"
	case sdkErr == nil && !errors.As(err, &urlErr) && errors.Is(err, context.Canceled):
		out.Code, out.Message = CodeInterrupted, "the operation was interrupted before the request was sent ("+err.Error()+")"
	case errors.As(err, &statusErr) && statusErr != nil:
		// A gateway or the service failed: it may have done so after
		// carrying the call out.
		out.Code, out.Message, out.RequestID = codeHTTPStatus, statusErr.Error(), statusErr.RequestID
		out.transient, out.ambiguous = true, true
	case out.Code == codeParseJSON:
		// Answered, so carried out, but unreadable: the answer may have
		// been a key. Asking again gets the same answer, so not transient.
		out.Message, out.RequestID = parseErrorReason(out.Message), requestIDIn(out.Message)
		out.ambiguous, out.answered, out.err = true, true, nil
	case out.Code == codeHTTPStatus:
		out.Message, out.err = httpStatusReason(out.Message), nil
	case out.Code == codeIOError:
		// The answer's headers came, its body did not: carried out.
		out.Message = "the response body could not be read"
		out.transient, out.ambiguous = true, true
	case out.Code == codeNetworkError, errors.As(err, &netErr):
		if sdkErr != nil {
			if cause := sdkErr.Unwrap(); cause != nil {
				out.Message = cause.Error()
			}
		}
		out.transient = true
		out.ambiguous = !neverSent(err)
	case out.Code == CodeInternalError, strings.HasPrefix(out.Code, CodeInternalError+"."):
		// An internal error can be raised after the write.
		out.transient, out.ambiguous = true, true
	case out.Code == CodeRequestLimitExceeded:
		// Refused before anything is done.
		out.transient = true
	}
	return out
}

// emptyError classifies an error that carries nothing: a typed nil.
func emptyError(action string) *APIError {
	return &APIError{Action: action, Code: codeEmptyError, ambiguous: true,
		Message: "the request failed with an error that carries no details"}
}

var (
	// The SDK's parse errors end with the decoder's reason; a type error
	// names the field (a Go identifier path) and its Go type.
	typeErrorField = regexp.MustCompile(`Go struct field ([A-Za-z0-9_.]+) of type ([A-Za-z0-9_.\[\]*]+)`)
	// A RequestId is a UUID; only the value of the RequestId key is taken.
	requestIDField = regexp.MustCompile(`"RequestId"\s*:\s*"([0-9A-Za-z-]{1,64})"`)
	httpStatusCode = regexp.MustCompile(`http status code: ([1-5][0-9][0-9])`)
)

// parseErrorReason is a safe reason for an unparsable answer: a fixed
// phrase, and for a type error the field and type the decoder expected.
func parseErrorReason(sdkMessage string) string {
	if m := typeErrorField.FindStringSubmatch(sdkMessage); m != nil {
		return fmt.Sprintf("the response could not be read: field %s is not of type %s (response body withheld: it may hold secrets)", m[1], m[2])
	}
	if strings.Contains(sdkMessage, "unexpected end of JSON input") {
		return "the response could not be read: it ended early (response body withheld: it may hold secrets)"
	}
	return "the response could not be read: it is not valid JSON (response body withheld: it may hold secrets)"
}

// requestIDIn finds the RequestId in an SDK message that quotes a body.
func requestIDIn(sdkMessage string) string {
	if m := requestIDField.FindStringSubmatch(sdkMessage); m != nil {
		return m[1]
	}
	return ""
}

// httpStatusReason keeps the status of an SDK HttpStatusCodeError, not the body.
func httpStatusReason(sdkMessage string) string {
	m := httpStatusCode.FindStringSubmatch(sdkMessage)
	if m == nil {
		return "unexpected HTTP status (response body withheld)"
	}
	code, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("HTTP %d %s (response body withheld)", code, http.StatusText(code))
}

// mask replaces every secret in s.
func mask(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}

// neverSent reports whether a network error happened before the request
// left this machine (no connection), so it cannot have been carried out.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr != nil && opErr.Op == "dial"
}

// ErrorCode returns the API error code of err, or "" when err is not an API error.
func ErrorCode(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr != nil {
		return apiErr.Code
	}
	return ""
}

// IsNotFound reports whether err says the API key does not exist.
func IsNotFound(err error) bool { return ErrorCode(err) == CodeNotFound }

// IsTransient reports whether err is worth retrying: rate limiting, internal
// errors, network failures, unread bodies and HTTP 5xx answers.
func IsTransient(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr != nil && apiErr.transient
}

// IsAmbiguous reports whether the call may have been carried out although
// it failed: the answer was lost on the way back, could not be read, or
// was a server error that can follow a commit (InternalError*, HTTP 5xx).
func IsAmbiguous(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr != nil && apiErr.ambiguous
}

// IsAuthFailure reports whether the API rejected the credentials.
func IsAuthFailure(err error) bool { return strings.HasPrefix(ErrorCode(err), "AuthFailure") }

// HasCode reports whether err carries the given API error code.
func HasCode(err error, code string) bool { return ErrorCode(err) == code }
