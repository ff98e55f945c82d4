package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TC3-HMAC-SHA256, the signature method tencentcloud-sdk-go uses by default.
const (
	signAlgorithm   = "TC3-HMAC-SHA256"
	scopeTerminator = "tc3_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	maxClockSkew    = 5 * time.Minute
)

// authorization is a parsed Authorization header.
type authorization struct {
	secretID      string
	date          string // yyyy-mm-dd of the credential scope
	signedHeaders []string
	signature     string
}

// parseAuthorization parses
// "TC3-HMAC-SHA256 Credential=<id>/<date>/apigateway/tc3_request, SignedHeaders=a;b, Signature=<hex>".
func parseAuthorization(h, service string) (*authorization, *apiError) {
	garbled := func(why string) (*authorization, *apiError) {
		return nil, newError("AuthFailure.InvalidAuthorization", "Authorization header is invalid: %s.", why)
	}
	if h == "" {
		return garbled("missing")
	}
	rest, ok := strings.CutPrefix(h, signAlgorithm+" ")
	if !ok {
		return garbled("the algorithm must be " + signAlgorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return garbled("malformed element " + strconv.Quote(part))
		}
		fields[name] = value
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 4 || scope[0] == "" {
		return garbled("Credential must be <SecretId>/<date>/" + service + "/" + scopeTerminator)
	}
	if _, err := time.Parse(time.DateOnly, scope[1]); err != nil {
		return garbled("the credential date must be yyyy-mm-dd")
	}
	if scope[2] != service || scope[3] != scopeTerminator {
		return garbled("the credential scope must be <date>/" + service + "/" + scopeTerminator)
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") {
		return garbled("SignedHeaders must include content-type and host")
	}
	sig := fields["Signature"]
	if _, err := hex.DecodeString(sig); err != nil || len(sig) != 2*sha256.Size {
		return garbled("Signature must be a hex HMAC-SHA256")
	}
	return &authorization{secretID: scope[0], date: scope[1], signedHeaders: signed, signature: sig}, nil
}

// authenticateFor performs the service's checks in its order: header
// syntax, SecretId (the long-term key or STS temporary credentials), clock
// skew, signature, token (and expiry of temporary credentials). It returns
// who signed.
func (s *Server) authenticateFor(r *http.Request, body []byte, service string) (principal, *apiError) {
	auth, aerr := parseAuthorization(r.Header.Get("Authorization"), service)
	if aerr != nil {
		return principal{}, aerr
	}
	secretKey, who, temp, ok := s.credentialFor(auth.secretID)
	if !ok {
		return principal{}, newError("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
	}

	tsHeader := r.Header.Get("X-TC-Timestamp")
	if tsHeader == "" {
		return principal{}, newError("MissingParameter", "The request is missing a required parameter `Timestamp`.")
	}
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return principal{}, newError("InvalidParameterValue", "The value `%s` of parameter `Timestamp` is not an integer.", tsHeader)
	}
	signedAt := time.Unix(ts, 0)
	if skew := s.now().Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return principal{}, newError("AuthFailure.SignatureExpire",
			"Signature expired. Timestamp %d differs from the server time by %s, more than %s.", ts, skew.Round(time.Second), maxClockSkew)
	}

	// The scope date is derived from the timestamp by every signer; a
	// mismatch means the client signed something other than what it sent.
	if auth.date != signedAt.UTC().Format(time.DateOnly) {
		return principal{}, newError("AuthFailure.SignatureFailure", "The credential date %s does not match X-TC-Timestamp %d.", auth.date, ts)
	}
	want := signTC3(secretKey, service, auth.date, tsHeader, canonicalRequest(r, auth.signedHeaders, body))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(auth.signature))) {
		return principal{}, newError("AuthFailure.SignatureFailure",
			"The provided credentials could not be validated. Please check your signature is correct.")
	}

	if temp != nil {
		return who, s.checkTemporary(temp, r.Header.Get("X-TC-Token"))
	}
	if s.token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("X-TC-Token")), []byte(s.token)) != 1 {
		return principal{}, newError("AuthFailure.TokenFailure", "Token verification failed.")
	}
	return who, nil
}

// canonicalRequest builds the TC3 canonical request. The URI is always "/"
// and the query empty (POST); headers come from the request as received, with
// the Host header standing for "host" — which is also what a client going
// through an HTTP proxy signs.
func canonicalRequest(r *http.Request, signedHeaders []string, body []byte) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		headers.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	payloadHash := sha256Hex(body)
	if r.Header.Get("X-TC-Content-SHA256") == unsignedPayload {
		payloadHash = sha256Hex([]byte(unsignedPayload))
	}
	return strings.Join([]string{
		r.Method,
		"/",
		"",
		headers.String(),
		strings.Join(signedHeaders, ";"),
		payloadHash,
	}, "\n")
}

// signTC3 returns the hex signature of a canonical request.
func signTC3(secretKey, service, date, timestamp, canonical string) string {
	scope := date + "/" + service + "/" + scopeTerminator
	stringToSign := signAlgorithm + "\n" + timestamp + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
	key := hmacSHA256([]byte("TC3"+secretKey), date)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, scopeTerminator)
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
