package emulator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBodyBytes is the service's request size limit.
const maxBodyBytes = 10 << 20

// ServeHTTP serves the API on "/", the control endpoints under /_emulator/,
// and the data plane (an API with key-pair authentication) under /release/,
// /prepub/ and /test/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// r.URL.Path is "/" also for absolute-form request URIs, which is how a
	// client configured to use the emulator as its HTTP proxy sends.
	switch {
	case strings.HasPrefix(r.URL.Path, controlPrefix):
		s.serveControl(w, r)
	case r.URL.Path == "/":
		s.serveAPI(w, r)
	default:
		if env, ok := isGatewayPath(r.URL.Path); ok {
			s.serveGateway(w, r, env)
			return
		}
		http.NotFound(w, r)
	}
}

// outcome is how one API call is answered.
type outcome struct {
	result     any
	err        *apiError
	httpStatus int    // a gateway's error answer (HTTP 502/503/504 faults)
	drop       bool   // close the connection instead of answering
	late       bool   // answer only after the late delay
	malformed  string // spoil the result's body this way
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	seq := s.arrive()
	call := Call{
		Action:    r.Header.Get("X-TC-Action"),
		RequestID: newRequestID(),
		At:        s.now(),
	}
	// Read the body before waiting: net/http only notices a client going
	// away (canceling r.Context()) once the body has been consumed.
	body, readErr := readBody(w, r)
	logFields(body, &call)
	if !s.wait(r.Context()) {
		call.ErrorCode = ErrorCodeCanceled
		s.record(seq, call)
		return // nobody is listening
	}

	out := s.handle(r, body, readErr, &call)
	if out.err != nil {
		call.ErrorCode = out.err.Code
	}
	if out.httpStatus != 0 {
		call.ErrorCode = httpErrorCode(out.httpStatus)
	}
	// Log before answering, so a client holding its answer finds the call.
	s.record(seq, call)

	if out.late {
		t := time.NewTimer(s.lateDelay())
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client gave up; the answer goes nowhere.
		}
		t.Stop()
	}
	switch {
	case out.drop:
		dropConnection(w)
	case out.httpStatus != 0:
		writeGatewayError(w, call.RequestID, out.httpStatus)
	case out.err != nil:
		writeError(w, call.RequestID, out.err)
	case out.malformed != "":
		writeMalformed(w, call.RequestID, out.result, out.malformed)
	default:
		writeResult(w, call.RequestID, out.result)
	}
}

// handle runs the service's checks in order, then faults, then the action.
func (s *Server) handle(r *http.Request, body []byte, readErr *apiError, call *Call) outcome {
	if r.Method != http.MethodPost {
		return outcome{err: newError("UnsupportedProtocol", "HTTP method %s is not supported: send a signed POST.", r.Method)}
	}
	if readErr != nil {
		return outcome{err: readErr}
	}
	if r.Header.Get("X-TC-Version") == STSAPIVersion {
		return s.handleSTS(r, body, call)
	}

	who, e := s.authenticateFor(r, body, Service)
	if e != nil {
		return outcome{err: e}
	}
	call.Caller, call.SecretID = who.ARN, who.secretID
	switch version := r.Header.Get("X-TC-Version"); version {
	case APIVersion:
	case "":
		return outcome{err: missing("Version")}
	default:
		return outcome{err: newError("NoSuchVersion", "The API version `%s` does not exist; use %s.", version, APIVersion)}
	}
	if call.Action == "" {
		return outcome{err: missing("Action")}
	}
	perform, ok := actions[call.Action]
	if !ok {
		return outcome{err: newError("InvalidAction", "The API `%s` does not exist.", call.Action)}
	}
	if ok, limit := s.allow(call.Action); !ok {
		return outcome{err: requestLimitError(limit)}
	}

	fault := s.drawFault(call.Action)
	switch fault.kind {
	case faultInternalError, faultRequestLimit:
		call.Fault = FaultTransient
		return outcome{err: fault.kind.transientError(s.currentRateLimit())}
	case faultHTTP502:
		call.Fault = FaultTransient
		return outcome{httpStatus: fault.kind.httpStatus()}
	}

	var out outcome
	if e := checkContentType(r); e != nil {
		out.err = e
	} else {
		out.result, out.err = perform(s, body, call)
	}
	switch fault.kind {
	case faultDrop:
		call.Fault = FaultDrop
		out.drop = true
	case faultCommitInternalError:
		// Whatever the action answered, the server then failed.
		call.Fault = FaultCommitError
		out.err = fault.kind.transientError(s.currentRateLimit())
	case faultCommitHTTP502, faultCommitHTTP503, faultCommitHTTP504:
		call.Fault = FaultCommitError
		out.httpStatus = fault.kind.httpStatus()
	case faultLate:
		call.Fault = FaultLate
		out.late = true
	case faultNullResult:
		if out.err == nil {
			call.Fault = FaultNullResult
			out.result = nil
		}
	case faultMalformed:
		if out.err == nil {
			call.Fault = FaultMalformed
			out.malformed = fault.malformed
		}
	}
	return out
}

// readBody reads the whole body, enforcing the size limit.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	tooLarge := newError("RequestSizeLimitExceeded", "The request body exceeds the limit of %d bytes.", maxBodyBytes)
	if r.ContentLength > maxBodyBytes {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge
		}
		return nil, newError("InvalidParameter", "The request body could not be read: %v.", err)
	}
	return body, nil
}

// wait sleeps for the configured latency. It reports false if the client
// went away meanwhile.
func (s *Server) wait(ctx context.Context) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) currentRateLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimit
}
