package emulator

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
)

// Pseudo error codes recorded in Call.ErrorCode for outcomes that carry no
// API error code.
const (
	ErrorCodeHTTP502  = "HTTP502"             // the 502 transient or commit fault
	ErrorCodeHTTP503  = "HTTP503"             // the 503 commit fault
	ErrorCodeHTTP504  = "HTTP504"             // the 504 commit fault
	ErrorCodeCanceled = "ClientClosedRequest" // the client gave up during the latency wait
)

// apiError is an API error answered in the envelope.
type apiError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Envelopes exactly as the service answers (HTTP 200 in both cases).
type errorEnvelope struct {
	Response struct {
		Error     *apiError `json:"Error"`
		RequestID string    `json:"RequestId"`
	} `json:"Response"`
}

type resultEnvelope struct {
	Response struct {
		Result    any    `json:"Result"`
		RequestID string `json:"RequestId"`
	} `json:"Response"`
}

func writeResult(w http.ResponseWriter, requestID string, result any) {
	if flat, ok := result.(flatResult); ok { // STS answers without Result
		flat["RequestId"] = requestID
		writeJSON(w, http.StatusOK, map[string]any{"Response": map[string]any(flat)})
		return
	}
	var env resultEnvelope
	env.Response.Result = result
	env.Response.RequestID = requestID
	writeJSON(w, http.StatusOK, env)
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	var env errorEnvelope
	env.Response.Error = e
	env.Response.RequestID = requestID
	writeJSON(w, http.StatusOK, env)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only plain data is marshaled here
		panic(fmt.Sprintf("emulator: marshal response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newRequestID returns a random UUID (version 4), the form of real RequestIds.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomAlnum returns n random letters and digits from crypto/rand, the
// alphabet of generated key IDs and secrets.
func randomAlnum(n int) string {
	return randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n)
}

// randomFrom returns n random characters of alphabet (at most 256 of them)
// from crypto/rand.
func randomFrom(alphabet string, n int) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	for i := 0; i < n; {
		_, _ = rand.Read(buf)
		// Reject bytes beyond the largest multiple of the alphabet's size to
		// avoid modulo bias.
		if int(buf[0]) >= 256-256%len(alphabet) {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}
