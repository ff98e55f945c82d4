package emulator

import (
	"math/rand"
	"net/http"
	"slices"
)

// Values of Call.Fault.
const (
	FaultTransient = "transient"
	FaultDrop      = "drop"
)

// Faults configures seeded fault injection, so that a run is repeatable:
// each call subject to faults draws from a math/rand source seeded with Seed,
// in the order calls reach the fault stage (after authentication and the
// rate limit).
type Faults struct {
	Seed int64
	// TransientRate is the fraction of calls NOT performed and answered with
	// a transient failure: InternalError, RequestLimitExceeded or HTTP 502
	// (chosen by the seeded source).
	TransientRate float64
	// DropRate is the fraction of calls performed, then the connection
	// closed with no response.
	DropRate float64
	// Actions limits faults to these actions; empty means all. Calls of
	// other actions do not draw, so they do not shift the sequence.
	Actions []string
}

type faultKind int

const (
	noFault faultKind = iota
	faultInternalError
	faultRequestLimit
	faultHTTP502
	faultDrop
)

// SetFaults replaces the fault configuration and reseeds the source.
func (s *Server) SetFaults(f Faults) {
	f.Actions = slices.Clone(f.Actions)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.faultRNG = rand.New(rand.NewSource(f.Seed))
}

// drawFault decides the fault for one call of action.
func (s *Server) drawFault(action string) faultKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	if f.TransientRate <= 0 && f.DropRate <= 0 {
		return noFault
	}
	if len(f.Actions) > 0 && !slices.Contains(f.Actions, action) {
		return noFault
	}
	u := s.faultRNG.Float64()
	switch {
	case u < f.TransientRate:
		transient := [...]faultKind{faultInternalError, faultRequestLimit, faultHTTP502}
		return transient[s.faultRNG.Intn(len(transient))]
	case u < f.TransientRate+f.DropRate:
		return faultDrop
	}
	return noFault
}

// transientError is the envelope error of a transient fault (nil for 502,
// which has no envelope).
func (k faultKind) transientError(limit int) *apiError {
	switch k {
	case faultInternalError:
		return newError("InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us.")
	case faultRequestLimit:
		return requestLimitError(limit)
	}
	return nil
}

// writeBadGateway answers like a load balancer whose upstream failed. The
// body is JSON without an error envelope so that tencentcloud-sdk-go reports
// ClientError.HttpStatusCodeError (with the status in its message) rather
// than a JSON parse error.
func writeBadGateway(w http.ResponseWriter, requestID string) {
	w.Header().Set("X-TC-RequestId", requestID)
	writeJSON(w, http.StatusBadGateway, map[string]string{
		"message": "Bad Gateway: the upstream server returned an invalid response",
	})
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, recorders): abort the response instead, which
	// net/http turns into a closed connection or a reset stream.
	panic(http.ErrAbortHandler)
}
