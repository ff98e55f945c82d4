package emulator

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand"
	"net/http"
	"slices"
	"time"
)

// Values of Call.Fault.
const (
	FaultTransient   = "transient"    // not performed, answered with a transient failure
	FaultDrop        = "drop"         // performed, connection closed unanswered
	FaultCommitError = "commit-error" // performed, answered InternalError or HTTP 502/503/504
	FaultLate        = "late"         // performed, answered after Faults.LateDelay
	FaultNullResult  = "null-result"  // performed, answered with "Result": null
	FaultMalformed   = "malformed"    // performed, answered with a body the SDK cannot use
)

// Kinds of malformed answer (Faults.MalformedKinds).
const (
	// MalformedStatusString sends Status as a string ("1"): a type drift
	// that tencentcloud-sdk-go cannot parse. A Result that is not a key
	// (a bool) is sent as a string instead; a usage plan's MaxRequestNum, or
	// the TotalCount of a listing without keys or plans, becomes a string.
	MalformedStatusString = "status-string"
	// MalformedStatusMissing leaves Status out of every key (parsable), or
	// the field MalformedStatusString would spoil.
	MalformedStatusMissing = "status-missing"
	// MalformedTruncated cuts the last bytes off the JSON body.
	MalformedTruncated = "truncated"
)

// DefaultLateDelay is how long a late answer is held when Faults.LateDelay
// is zero: longer than any timeout a test sets.
const DefaultLateDelay = time.Minute

// Faults configures seeded fault injection, so that a run is repeatable:
// each action subject to faults draws from a math/rand source of its own,
// seeded with Seed and the action's name, in the order its calls reach the
// fault stage (after authentication and the rate limit). So the n-th call
// of an action meets the same fault whatever the other actions do, and
// however parallel clients interleave them. The rates are fractions of calls; their sum must not exceed 1.
type Faults struct {
	Seed int64
	// TransientRate is the fraction of calls NOT performed and answered with
	// a transient failure: InternalError, RequestLimitExceeded or HTTP 502
	// (chosen by the seeded source).
	TransientRate float64
	// DropRate is the fraction of calls performed, then the connection
	// closed with no response.
	DropRate float64
	// CommitErrorRate is the fraction of calls performed, then answered with
	// a server error as if it had failed after the commit: InternalError, or
	// HTTP 502, 503 or 504 from a gateway (chosen by the seeded source).
	CommitErrorRate float64
	// LateRate is the fraction of calls performed at once, then answered
	// only after LateDelay (DefaultLateDelay when zero), or never if the
	// client gives up first: the client's deadline passes after the commit.
	LateRate  float64
	LateDelay time.Duration
	// NullResultRate is the fraction of calls performed, then answered with
	// "Result": null.
	NullResultRate float64
	// MalformedRate is the fraction of calls performed, then answered with
	// a body of one of MalformedKinds (all three when empty, chosen by the
	// seeded source). The body still holds every secret of the answer.
	MalformedRate  float64
	MalformedKinds []string
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
	faultCommitInternalError
	faultCommitHTTP502
	faultCommitHTTP503
	faultCommitHTTP504
	faultLate
	faultNullResult
	faultMalformed
)

// fault is the outcome of one draw.
type fault struct {
	kind      faultKind
	malformed string // for faultMalformed
}

// SetFaults replaces the fault configuration and reseeds the source.
func (s *Server) SetFaults(f Faults) {
	f.Actions = slices.Clone(f.Actions)
	f.MalformedKinds = slices.Clone(f.MalformedKinds)
	if f.LateDelay <= 0 {
		f.LateDelay = DefaultLateDelay
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.faultRNGs = map[string]*rand.Rand{}
}

// faultRNG is action's fault source (s.mu held).
func (s *Server) faultRNG(action string) *rand.Rand {
	rng, ok := s.faultRNGs[action]
	if !ok {
		h := fnv.New64a()
		_, _ = h.Write([]byte(action))
		rng = rand.New(rand.NewSource(s.faults.Seed ^ int64(h.Sum64())))
		s.faultRNGs[action] = rng
	}
	return rng
}

// drawFault decides the fault for one call of action.
func (s *Server) drawFault(action string) fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	total := f.TransientRate + f.DropRate + f.CommitErrorRate + f.LateRate + f.NullResultRate + f.MalformedRate
	if total <= 0 {
		return fault{}
	}
	if len(f.Actions) > 0 && !slices.Contains(f.Actions, action) {
		return fault{}
	}
	rng := s.faultRNG(action)
	u := rng.Float64()
	limit := 0.0
	next := func(rate float64) bool {
		limit += rate
		return u < limit
	}
	switch {
	case next(f.TransientRate):
		transient := [...]faultKind{faultInternalError, faultRequestLimit, faultHTTP502}
		return fault{kind: transient[rng.Intn(len(transient))]}
	case next(f.DropRate):
		return fault{kind: faultDrop}
	case next(f.CommitErrorRate):
		commit := [...]faultKind{faultCommitInternalError, faultCommitHTTP502, faultCommitHTTP503, faultCommitHTTP504}
		return fault{kind: commit[rng.Intn(len(commit))]}
	case next(f.LateRate):
		return fault{kind: faultLate}
	case next(f.NullResultRate):
		return fault{kind: faultNullResult}
	case next(f.MalformedRate):
		kinds := f.MalformedKinds
		if len(kinds) == 0 {
			kinds = []string{MalformedStatusString, MalformedStatusMissing, MalformedTruncated}
		}
		return fault{kind: faultMalformed, malformed: kinds[rng.Intn(len(kinds))]}
	}
	return fault{}
}

// lateDelay is how long a late answer is held.
func (s *Server) lateDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.LateDelay
}

// transientError is the envelope error of a transient or commit fault (nil
// for the HTTP status faults, which have no envelope).
func (k faultKind) transientError(limit int) *apiError {
	switch k {
	case faultInternalError, faultCommitInternalError:
		return newError("InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us.")
	case faultRequestLimit:
		return requestLimitError(limit)
	}
	return nil
}

// httpStatus is the HTTP status of a fault answered by a gateway (0 if none).
func (k faultKind) httpStatus() int {
	switch k {
	case faultHTTP502, faultCommitHTTP502:
		return http.StatusBadGateway
	case faultCommitHTTP503:
		return http.StatusServiceUnavailable
	case faultCommitHTTP504:
		return http.StatusGatewayTimeout
	}
	return 0
}

// httpErrorCode is the pseudo error code logged for a gateway answer.
func httpErrorCode(status int) string { return fmt.Sprintf("HTTP%d", status) }

// writeGatewayError answers like a load balancer whose upstream failed. The
// body is JSON without an error envelope so that tencentcloud-sdk-go reports
// ClientError.HttpStatusCodeError (with the status in its message) rather
// than a JSON parse error.
func writeGatewayError(w http.ResponseWriter, requestID string, status int) {
	w.Header().Set("X-TC-RequestId", requestID)
	writeJSON(w, status, map[string]string{
		"message": http.StatusText(status) + ": the upstream server did not answer in time or returned an invalid response",
	})
}

// writeMalformed answers result in an envelope spoiled as kind says.
func writeMalformed(w http.ResponseWriter, requestID string, result any, kind string) {
	var env resultEnvelope
	env.Response.Result = result
	env.Response.RequestID = requestID
	body, err := json.Marshal(env)
	if err != nil {
		panic(fmt.Sprintf("emulator: marshal response: %v", err))
	}
	switch kind {
	case MalformedTruncated:
		body = body[:len(body)-3]
	default:
		var doc map[string]map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			panic(fmt.Sprintf("emulator: unmarshal response: %v", err))
		}
		doc["Response"]["Result"] = spoilStatus(doc["Response"]["Result"], kind)
		if body, err = json.Marshal(doc); err != nil {
			panic(fmt.Sprintf("emulator: marshal response: %v", err))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// spoilStatus changes the Status of every key in a decoded Result (the
// listed ones of DescribeApiKeysStatus and DescribeUsagePlanSecretIds), or
// the MaxRequestNum of every plan, or else the TotalCount of a listing.
func spoilStatus(result any, kind string) any {
	spoil := func(obj map[string]any) {
		for _, field := range []string{"Status", "MaxRequestNum", "TotalCount"} {
			if _, ok := obj[field]; !ok {
				continue
			}
			if kind == MalformedStatusMissing {
				delete(obj, field)
			} else {
				obj[field] = fmt.Sprint(obj[field])
			}
			return
		}
	}
	switch r := result.(type) {
	case map[string]any:
		for _, list := range []string{"ApiKeySet", "AccessKeyList", "UsagePlanStatusSet"} {
			if set, ok := r[list].([]any); ok {
				for _, item := range set {
					if obj, ok := item.(map[string]any); ok {
						spoil(obj)
					}
				}
				return r
			}
		}
		spoil(r)
		return r
	default:
		return fmt.Sprint(r) // a bool Result becomes a string
	}
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
