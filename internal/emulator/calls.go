package emulator

import (
	"sort"
	"time"
)

// Call is one entry of the call log: a request that reached the API path,
// whatever its outcome.
type Call struct {
	Action      string    `json:"Action"`      // X-TC-Action as received (even when unknown)
	AccessKeyID string    `json:"AccessKeyId"` // from the request body if present, else from the result (CreateApiKey auto)
	SecretName  string    `json:"SecretName"`  // from the request body if present
	UsagePlanID string    `json:"UsagePlanId"` // from the request body if present, else from the result (CreateUsagePlan)
	ErrorCode   string    `json:"ErrorCode"`   // "" on success; the API error code; ErrorCodeHTTP50x or ErrorCodeCanceled
	Fault       string    `json:"Fault"`       // "" or one of the Fault* values
	RequestID   string    `json:"RequestId"`   // the RequestId answered (or that would have been, for drops)
	Caller      string    `json:"Caller"`      // ARN of who signed, once authenticated ("" for unsigned calls)
	SecretID    string    `json:"SecretId"`    // the SecretId that signed, once authenticated (temporary ones included)
	At          time.Time `json:"At"`          // arrival time by the server's clock
}

type loggedCall struct {
	seq uint64
	Call
}

// arrive reserves the call's place in the log: calls are logged when they
// finish but listed in arrival order.
func (s *Server) arrive() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// record logs a finished call at its arrival position.
func (s *Server) record(seq uint64, c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.callsFloor {
		return // arrived before the last ResetCalls
	}
	i := sort.Search(len(s.calls), func(i int) bool { return s.calls[i].seq > seq })
	s.calls = append(s.calls, loggedCall{})
	copy(s.calls[i+1:], s.calls[i:])
	s.calls[i] = loggedCall{seq: seq, Call: c}
}

// Calls returns the finished calls in arrival order. Calls still in flight
// (for instance waiting out the latency) appear once they finish.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.Call
	}
	return out
}

// CallCounts returns the number of logged calls per action, failed ones included.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[string]int)
	for _, c := range s.calls {
		counts[c.Action]++
	}
	return counts
}

// ResetCalls empties the call log. Calls in flight are forgotten too.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.callsFloor = s.seq
}
