package emulator

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The data plane: the emulator answers calls of an API that uses key-pair
// authentication, as API Gateway does (TencentCloud API Gateway
// documentation, "Key Pair Authentication"). Any method and any path under
// an environment's prefix is such an API, published in that environment:
//
//	http://<emulator>/release/<any path>   (also /prepub/ and /test/)
//
// Its callers are the keys of the emulator; a key passes when it exists, is
// enabled, signed with its secret, and is bound to a usage plan.

// GatewayPath is the path of the emulated API in the release environment;
// any path below it (and below /prepub/ and /test/) is served alike.
const GatewayPath = "/release/"

// gatewayEnvironments are the path prefixes of the data plane.
var gatewayEnvironments = []string{"release", "prepub", "test"}

// MaxGatewayDateSkew is how far X-Date (or Date) may be from the emulator's
// clock, as documented.
const MaxGatewayDateSkew = 15 * time.Minute

// Reasons of a data-plane answer, in its JSON body and the gateway log.
const (
	GatewayOK               = "ok"
	GatewayUnsigned         = "unsigned"          // 401: no Authorization header
	GatewayBadAuthorization = "bad-authorization" // 401: not hmac id=..., algorithm="hmac-sha1", headers=..., signature=...
	GatewayBadDate          = "bad-date"          // 401: X-Date/Date missing or not an HTTP date
	GatewayStaleDate        = "stale-date"        // 401: X-Date/Date more than 15 minutes from the emulator's clock
	GatewayUnknownKey       = "unknown-key"       // 401: no key of that ID
	GatewayBadSignature     = "bad-signature"     // 401: the signature is not that of the key's secret
	GatewayKeyDisabled      = "key-disabled"      // 403
	GatewayKeyNotBound      = "key-not-bound"     // 403: bound to no usage plan
)

// GatewayCall is one entry of the data-plane log, kept apart from the API
// call log.
type GatewayCall struct {
	Method      string    `json:"Method"`
	Path        string    `json:"Path"`
	AccessKeyID string    `json:"AccessKeyId"` // as claimed by the Authorization header ("" when unsigned)
	Status      int       `json:"Status"`
	Reason      string    `json:"Reason"`
	At          time.Time `json:"At"`
}

// gatewayAnswer is the JSON body of every data-plane answer.
type gatewayAnswer struct {
	Reason      string   `json:"reason"`
	Message     string   `json:"message"`
	AccessKeyID string   `json:"accessKeyId,omitempty"`
	UsagePlans  []string `json:"usagePlanIds,omitempty"` // the listed plans the key is bound to (200 only)
	Environment string   `json:"environment,omitempty"`
	Path        string   `json:"path,omitempty"`
}

// isGatewayPath reports whether path is under an environment's prefix.
func isGatewayPath(path string) (environment string, ok bool) {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !slices.Contains(gatewayEnvironments, first) {
		return "", false
	}
	return first, true
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request, environment string) {
	call := GatewayCall{Method: r.Method, Path: r.URL.Path, At: s.now()}
	status, ans := s.authorizeKeyPair(r, &call)
	call.Status, call.Reason = status, ans.Reason
	if status == http.StatusOK {
		ans.Environment, ans.Path = environment, r.URL.Path
	}
	s.mu.Lock()
	s.gatewayCalls = append(s.gatewayCalls, call)
	s.mu.Unlock()
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `hmac algorithm="hmac-sha1", headers="x-date source"`)
	}
	writeJSON(w, status, ans)
}

// authorizeKeyPair checks a request as the gateway does, in this order:
// the Authorization header, the date, the key, the signature, then the
// key's status and bindings (so an unsigned caller learns nothing of a key).
func (s *Server) authorizeKeyPair(r *http.Request, call *GatewayCall) (int, gatewayAnswer) {
	refuse := func(status int, reason, format string, args ...any) (int, gatewayAnswer) {
		return status, gatewayAnswer{Reason: reason, Message: fmt.Sprintf(format, args...)}
	}
	header := r.Header.Get("Authorization")
	if header == "" {
		return refuse(http.StatusUnauthorized, GatewayUnsigned, "The request is not signed: send an Authorization header of key-pair authentication.")
	}
	auth, why := parseKeyPairAuthorization(header)
	if why != "" {
		return refuse(http.StatusUnauthorized, GatewayBadAuthorization, "The Authorization header is invalid: %s.", why)
	}
	call.AccessKeyID = auth.id

	dateHeader := ""
	for _, h := range auth.headers {
		if h == "x-date" || h == "date" {
			dateHeader = h
			break
		}
	}
	if dateHeader == "" {
		return refuse(http.StatusUnauthorized, GatewayBadAuthorization, "The Authorization header is invalid: headers must include x-date or date.")
	}
	date, err := http.ParseTime(r.Header.Get(dateHeader))
	if err != nil {
		return refuse(http.StatusUnauthorized, GatewayBadDate, "The %s header must be an HTTP date in GMT, such as Mon, 19 Mar 2018 12:08:40 GMT.", dateHeader)
	}
	if skew := s.now().Sub(date).Abs(); skew > MaxGatewayDateSkew {
		return refuse(http.StatusUnauthorized, GatewayStaleDate, "The %s header is %s away from the server's time; at most %s is allowed.",
			dateHeader, skew.Round(time.Second), MaxGatewayDateSkew)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(auth.id)
	if !ok {
		return refuse(http.StatusUnauthorized, GatewayUnknownKey, "No key has the ID `%s`.", auth.id)
	}
	want := keyPairSignature(keyPairSigningString(r.Header, auth.headers), k.AccessKeySecret)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return refuse(http.StatusUnauthorized, GatewayBadSignature, "The signature does not match: sign with the secret of the key `%s`.", auth.id)
	}
	if !k.Enabled {
		return refuse(http.StatusForbidden, GatewayKeyDisabled, "The key `%s` is disabled.", auth.id)
	}
	if !s.store.bound(k) {
		return refuse(http.StatusForbidden, GatewayKeyNotBound, "The key `%s` is bound to no usage plan of this API.", auth.id)
	}
	return http.StatusOK, gatewayAnswer{Reason: GatewayOK, Message: "The key passed key-pair authentication.",
		AccessKeyID: auth.id, UsagePlans: s.store.plansOf(auth.id)}
}

type keyPairAuthorization struct {
	id, signature string
	headers       []string // lowercase, in signing order
}

// parseKeyPairAuthorization parses
// `hmac id="<id>", algorithm="hmac-sha1", headers="x-date source", signature="<base64>"`.
// It returns why the header is invalid, or "".
func parseKeyPairAuthorization(h string) (keyPairAuthorization, string) {
	rest, ok := strings.CutPrefix(h, "hmac ")
	if !ok {
		return keyPairAuthorization{}, `it must start with "hmac "`
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
			return keyPairAuthorization{}, fmt.Sprintf("malformed element %q (want name=\"value\")", strings.TrimSpace(part))
		}
		fields[strings.ToLower(name)] = value[1 : len(value)-1]
	}
	auth := keyPairAuthorization{id: fields["id"], signature: fields["signature"], headers: strings.Fields(strings.ToLower(fields["headers"]))}
	switch {
	case auth.id == "":
		return auth, "id is missing"
	case fields["algorithm"] != "hmac-sha1":
		return auth, `algorithm must be "hmac-sha1"`
	case len(auth.headers) == 0:
		return auth, "headers is missing"
	case auth.signature == "":
		return auth, "signature is missing"
	}
	return auth, ""
}

// keyPairSigningString joins the signed headers, in order, as
// "name: value" lines (a header that is absent counts as empty).
func keyPairSigningString(h http.Header, names []string) string {
	lines := make([]string, len(names))
	for i, name := range names {
		lines[i] = name + ": " + h.Get(name)
	}
	return strings.Join(lines, "\n")
}

// keyPairSignature is Base64(HMAC-SHA1(signing string, secret)).
func keyPairSignature(signing, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(signing))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// GatewayCalls returns the data-plane calls in arrival order.
func (s *Server) GatewayCalls() []GatewayCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gatewayCalls)
}

// ResetGatewayCalls empties the data-plane log.
func (s *Server) ResetGatewayCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gatewayCalls = nil
}

// --- the client side, for tests, scripts and the demo ---

// DefaultGatewaySource is the Source header SignKeyPairRequest sends when
// the request has none.
const DefaultGatewaySource = "tcemulator"

// SignKeyPairRequest signs req for key-pair authentication with the key
// accessKeyID and its secret: it sets X-Date to now (GMT), Source (keeping
// one already set), and Authorization over "x-date source".
func SignKeyPairRequest(req *http.Request, accessKeyID, secret string, now time.Time) {
	req.Header.Set("X-Date", now.UTC().Format(http.TimeFormat))
	if req.Header.Get("Source") == "" {
		req.Header.Set("Source", DefaultGatewaySource)
	}
	headers := []string{"x-date", "source"}
	sig := keyPairSignature(keyPairSigningString(req.Header, headers), secret)
	req.Header.Set("Authorization", fmt.Sprintf(`hmac id=%q, algorithm="hmac-sha1", headers=%q, signature=%q`,
		accessKeyID, strings.Join(headers, " "), sig))
}

// CallGateway makes a GET to url signed with the key (an empty accessKeyID
// sends it unsigned) and returns the HTTP status and the reason the gateway
// gave (GatewayOK and the Gateway* refusals). err is set only when no
// answer came or it was not the gateway's JSON.
func CallGateway(ctx context.Context, url, accessKeyID, secret string) (status int, reason string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if accessKeyID != "" {
		SignKeyPairRequest(req, accessKeyID, secret, time.Now())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, "", err
	}
	var ans gatewayAnswer
	if err := json.Unmarshal(body, &ans); err != nil || ans.Reason == "" {
		return resp.StatusCode, "", fmt.Errorf("the answer (HTTP %d) is not the gateway's JSON", resp.StatusCode)
	}
	return resp.StatusCode, ans.Reason, nil
}
