package emulator

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// STS, the security token service (API version 2018-08-13), is served on
// the same listener as API Gateway: a request whose X-TC-Version is
// STSAPIVersion is an STS call. So `endpoints.sts` can point at the same URL
// as `endpoints.apigateway`.
const (
	STSAPIVersion = "2018-08-13"
	// STSService is the TC3 service name of signed STS calls.
	STSService = "sts"
	// DefaultAccountID is the account (UIN) of the emulator's long-term key.
	DefaultAccountID = "100000000001"
	// DefaultRoleARN is a role of DefaultAccountID that the long-term key may
	// assume and that trusts DefaultOIDCProviderID.
	DefaultRoleARN = "qcs::cam::uin/" + DefaultAccountID + ":roleName/terraform-ci"
	// DefaultOIDCProviderID is the CAM name of the identity provider backed by
	// the emulator's in-process issuer ("OIDC", the provider's default
	// provider_id).
	DefaultOIDCProviderID = "OIDC"
	// DefaultSessionDuration and MaxSessionDuration bound DurationSeconds.
	DefaultSessionDuration = 7200
	MaxSessionDuration     = 43200
)

// Role is a CAM role as STS sees it: who may assume it.
type Role struct {
	// ARN is qcs::cam::uin/<account>:roleName/<name>; the account is the one
	// the role's temporary credentials act in.
	ARN string
	// Principals may call AssumeRole: account IDs, or the ARN of a caller
	// (a role session ARN for role chaining).
	Principals []string
	// OIDCProviders are the identity provider IDs whose tokens
	// AssumeRoleWithWebIdentity accepts for this role.
	OIDCProviders []string
	// Subject, if set, is the only token "sub" accepted (the role's trust
	// condition, e.g. one repository and branch).
	Subject string
	// ExternalID, if set, must be sent with AssumeRole.
	ExternalID string
}

// OIDCProvider is a CAM OIDC identity provider: tokens from Issuer with an
// audience among ClientIDs, verified with Keys.
type OIDCProvider struct {
	ID        string
	Issuer    string
	ClientIDs []string
	Keys      jose.JSONWebKeySet
}

// principal is who signed a request.
type principal struct {
	AccountID   string
	ARN         string
	UserID      string
	PrincipalID string
	Type        string
	secretID    string // the SecretId that signed
}

// tempCredential is one set of temporary credentials STS issued.
type tempCredential struct {
	secretKey string
	token     string
	expires   time.Time
	who       principal
}

// stsState is the emulator's STS: roles, identity providers, the issued
// credentials and the in-process OIDC issuer. Guarded by Server.mu.
type stsState struct {
	roles     map[string]Role
	providers map[string]OIDCProvider
	issuer    *OIDCIssuer
	// lifetime caps the lifetime of issued credentials (0: as asked).
	lifetime time.Duration
	creds    map[string]*tempCredential // by TmpSecretId
	exchange int                        // STS credential exchanges performed
}

// initSTS sets up the default account: DefaultRoleARN trusting the
// long-term key's account and DefaultOIDCProviderID, and that provider
// backed by a fresh in-process issuer.
func (s *Server) initSTS() {
	issuer, err := NewOIDCIssuer(DefaultIssuerURL, s.now)
	if err != nil { // only a broken crypto/rand fails here
		panic(fmt.Sprintf("emulator: %v", err))
	}
	s.sts = stsState{
		roles:     map[string]Role{},
		providers: map[string]OIDCProvider{},
		issuer:    issuer,
		creds:     map[string]*tempCredential{},
	}
	s.SetOIDCProvider(OIDCProvider{
		ID: DefaultOIDCProviderID, Issuer: issuer.URL(), ClientIDs: []string{DefaultAudience}, Keys: issuer.JWKS(),
	})
	s.SetRole(Role{ARN: DefaultRoleARN, Principals: []string{DefaultAccountID}, OIDCProviders: []string{DefaultOIDCProviderID}})
}

// Issuer is the in-process OIDC issuer behind DefaultOIDCProviderID.
func (s *Server) Issuer() *OIDCIssuer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sts.issuer
}

// SetRole adds or replaces a role.
func (s *Server) SetRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sts.roles[r.ARN] = r
}

// SetOIDCProvider adds or replaces an identity provider.
func (s *Server) SetOIDCProvider(p OIDCProvider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sts.providers[p.ID] = p
}

// SetCredentialLifetime caps the lifetime of the temporary credentials STS
// issues from now on, whatever DurationSeconds asks (0: no cap). Whole
// seconds, at least one: ExpiredTime is in seconds.
func (s *Server) SetCredentialLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d > 0 && d < time.Second {
		d = time.Second
	}
	s.sts.lifetime = d.Truncate(time.Second)
}

// IssuedCredential is a set of temporary credentials STS issued, with its
// secrets: for tests that check that no secret leaks.
type IssuedCredential struct {
	TmpSecretID, TmpSecretKey, Token string
	Expires                          time.Time
	Caller                           string // the role session's ARN
}

// IssuedCredentials lists every temporary credential issued so far.
func (s *Server) IssuedCredentials() []IssuedCredential {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IssuedCredential, 0, len(s.sts.creds))
	for id, c := range s.sts.creds {
		out = append(out, IssuedCredential{TmpSecretID: id, TmpSecretKey: c.secretKey, Token: c.token, Expires: c.expires, Caller: c.who.ARN})
	}
	return out
}

// STSExchanges is the number of temporary credentials STS has issued.
func (s *Server) STSExchanges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sts.exchange
}

var stsActions = map[string]func(s *Server, body []byte, who *principal, call *Call) (any, *apiError){
	"AssumeRole":                (*Server).assumeRole,
	"AssumeRoleWithWebIdentity": (*Server).assumeRoleWithWebIdentity,
	"GetCallerIdentity":         (*Server).getCallerIdentity,
}

// handleSTS serves an STS call: AssumeRoleWithWebIdentity unsigned
// ("Authorization: SKIP"), the others TC3-signed for service sts. Faults
// are not injected into STS calls.
func (s *Server) handleSTS(r *http.Request, body []byte, call *Call) outcome {
	if call.Action == "" {
		return outcome{err: missing("Action")}
	}
	perform, ok := stsActions[call.Action]
	if !ok {
		return outcome{err: newError("InvalidAction", "The API `%s` does not exist.", call.Action)}
	}
	var who *principal
	if call.Action == "AssumeRoleWithWebIdentity" {
		if h := r.Header.Get("Authorization"); h != "SKIP" {
			return outcome{err: newError("AuthFailure.InvalidAuthorization",
				"AssumeRoleWithWebIdentity is not signed: send `Authorization: SKIP`.")}
		}
	} else {
		p, e := s.authenticateFor(r, body, STSService)
		if e != nil {
			return outcome{err: e}
		}
		who = &p
		call.Caller, call.SecretID = p.ARN, p.secretID
	}
	if ok, limit := s.allow(call.Action); !ok {
		return outcome{err: requestLimitError(limit)}
	}
	if e := checkContentType(r); e != nil {
		return outcome{err: e}
	}
	result, e := perform(s, body, who, call)
	return outcome{result: result, err: e}
}

// flatResult is an answer whose fields sit directly in Response, as STS
// answers, rather than in Response.Result as API Gateway's do.
type flatResult map[string]any

var (
	roleARNPattern     = regexp.MustCompile(`^qcs::cam::uin/([0-9]+):roleName/[\w+=,.@-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
)

func paramError(format string, args ...any) *apiError {
	return newError("InvalidParameter.ParamError", format, args...)
}

// checkRoleRequest checks the parameters AssumeRole and
// AssumeRoleWithWebIdentity share and returns the role.
func (s *Server) checkRoleRequest(roleARN, session string, duration int64) (Role, *apiError) {
	switch {
	case roleARN == "":
		return Role{}, paramError("RoleArn is required.")
	case !roleARNPattern.MatchString(roleARN):
		return Role{}, paramError("RoleArn `%s` is not of the form qcs::cam::uin/<account>:roleName/<name>.", roleARN)
	case !sessionNamePattern.MatchString(session):
		return Role{}, paramError("RoleSessionName must be 2-128 characters of letters, digits and +=,.@_-.")
	case duration < 0:
		return Role{}, paramError("DurationSeconds must not be negative.")
	case duration > MaxSessionDuration:
		return Role{}, newError("InvalidParameter.OverTimeError", "DurationSeconds must be at most %d.", MaxSessionDuration)
	}
	s.mu.Lock()
	role, ok := s.sts.roles[roleARN]
	s.mu.Unlock()
	if !ok {
		return Role{}, newError("ResourceNotFound.RoleNotFound", "The role `%s` does not exist.", roleARN)
	}
	return role, nil
}

type assumeRoleParams struct {
	RoleArn         *string `json:"RoleArn"`
	RoleSessionName *string `json:"RoleSessionName"`
	DurationSeconds *int64  `json:"DurationSeconds"`
	Policy          *string `json:"Policy"`
	ExternalID      *string `json:"ExternalId"`
	Tags            []struct {
		Key   *string `json:"Key"`
		Value *string `json:"Value"`
	} `json:"Tags"`
	SourceIdentity *string `json:"SourceIdentity"`
	SerialNumber   *string `json:"SerialNumber"`
	TokenCode      *string `json:"TokenCode"`
}

// maxPolicyLength is the limit on the (URL-decoded) session policy.
const maxPolicyLength = 2048

func (s *Server) assumeRole(body []byte, who *principal, _ *Call) (any, *apiError) {
	var p assumeRoleParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	var duration int64
	if p.DurationSeconds != nil {
		duration = *p.DurationSeconds
	}
	role, e := s.checkRoleRequest(deref(p.RoleArn), deref(p.RoleSessionName), duration)
	if e != nil {
		return nil, e
	}
	if ext := deref(p.ExternalID); ext != "" && (len(ext) < 2 || len(ext) > 128) {
		return nil, paramError("ExternalId must be 2-128 characters.")
	}
	if p.Policy != nil {
		policy, err := url.QueryUnescape(*p.Policy)
		switch {
		case err != nil || !json.Valid([]byte(policy)):
			return nil, newError("InvalidParameter.StrategyFormatError", "Policy must be a URL-encoded JSON policy document.")
		case len(policy) > maxPolicyLength:
			return nil, newError("InvalidParameter.PolicyTooLong", "Policy must be at most %d characters.", maxPolicyLength)
		}
	}
	if !slices.Contains(role.Principals, who.AccountID) && !slices.Contains(role.Principals, who.ARN) {
		return nil, newError("UnauthorizedOperation", "%s is not allowed to assume the role `%s`.", who.ARN, role.ARN)
	}
	if role.ExternalID != "" && deref(p.ExternalID) != role.ExternalID {
		return nil, newError("UnauthorizedOperation", "The role `%s` requires the right ExternalId.", role.ARN)
	}
	return s.issueCredentials(role, *p.RoleSessionName, duration), nil
}

type webIdentityParams struct {
	ProviderID       *string `json:"ProviderId"`
	WebIdentityToken *string `json:"WebIdentityToken"`
	RoleArn          *string `json:"RoleArn"`
	RoleSessionName  *string `json:"RoleSessionName"`
	DurationSeconds  *int64  `json:"DurationSeconds"`
}

func (s *Server) assumeRoleWithWebIdentity(body []byte, _ *principal, _ *Call) (any, *apiError) {
	var p webIdentityParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	switch {
	case deref(p.ProviderID) == "":
		return nil, paramError("ProviderId is required.")
	case deref(p.WebIdentityToken) == "":
		return nil, paramError("WebIdentityToken is required.")
	}
	var duration int64
	if p.DurationSeconds != nil {
		duration = *p.DurationSeconds
	}
	role, e := s.checkRoleRequest(deref(p.RoleArn), deref(p.RoleSessionName), duration)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	provider, ok := s.sts.providers[*p.ProviderID]
	s.mu.Unlock()
	if !ok {
		return nil, paramError("The identity provider `%s` does not exist.", *p.ProviderID)
	}
	// The token is never echoed: messages say what is wrong with it.
	claims, err := verifyToken(*p.WebIdentityToken, provider, s.now())
	if err != nil {
		return nil, newError("InvalidParameter.WebIdentityTokenError", "The web identity token was rejected: %s.", err)
	}
	if !slices.Contains(role.OIDCProviders, provider.ID) {
		return nil, newError("UnauthorizedOperation", "The role `%s` does not trust the identity provider `%s`.", role.ARN, provider.ID)
	}
	if role.Subject != "" && claims.Subject != role.Subject {
		return nil, newError("UnauthorizedOperation", "The role `%s` does not trust the token subject %q.", role.ARN, claims.Subject)
	}
	return s.issueCredentials(role, *p.RoleSessionName, duration), nil
}

func (s *Server) getCallerIdentity(body []byte, who *principal, _ *Call) (any, *apiError) {
	var p struct{}
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	return flatResult{
		"Arn": who.ARN, "AccountId": who.AccountID, "UserId": who.UserID,
		"PrincipalId": who.PrincipalID, "Type": who.Type,
	}, nil
}

// issueCredentials makes temporary credentials for a role session. Their
// lifetime is the one asked for (default 2 hours), capped by
// SetCredentialLifetime.
func (s *Server) issueCredentials(role Role, session string, duration int64) flatResult {
	if duration == 0 {
		duration = DefaultSessionDuration
	}
	account := roleARNPattern.FindStringSubmatch(role.ARN)[1]
	roleID := roleIDOf(role.ARN)
	id := "AKID" + randomAlnum(32)
	cred := &tempCredential{
		secretKey: randomAlnum(40),
		token:     randomAlnum(96),
		who: principal{
			AccountID:   account,
			ARN:         "qcs::sts:" + account + ":assumed-role/" + roleID + "/" + session,
			UserID:      roleID + ":" + session,
			PrincipalID: roleID,
			Type:        "CAMRole",
		},
	}
	s.mu.Lock()
	granted := time.Duration(duration) * time.Second
	if s.sts.lifetime > 0 && s.sts.lifetime < granted {
		granted = s.sts.lifetime
	}
	expiredTime := s.now().Unix() + int64(granted/time.Second)
	cred.expires = time.Unix(expiredTime, 0)
	s.sts.creds[id] = cred
	s.sts.exchange++
	s.mu.Unlock()
	return flatResult{
		"Credentials": map[string]string{"Token": cred.token, "TmpSecretId": id, "TmpSecretKey": cred.secretKey},
		"ExpiredTime": expiredTime,
		"Expiration":  cred.expires.UTC().Format(time.RFC3339),
	}
}

// roleIDOf is a stable numeric role ID, in the form CAM uses.
func roleIDOf(arn string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(arn))
	return fmt.Sprintf("4611686018%09d", h.Sum32()%1_000_000_000)
}

// longTermPrincipal is the owner of the emulator's long-term key.
func longTermPrincipal() principal {
	return principal{
		AccountID:   DefaultAccountID,
		ARN:         "qcs::cam::uin/" + DefaultAccountID + ":uin/" + DefaultAccountID,
		UserID:      DefaultAccountID,
		PrincipalID: DefaultAccountID,
		Type:        "CAMUser",
	}
}

// credentialFor finds the key of a SecretId: the long-term key or unexpired
// or expired temporary credentials (temp is then non-nil).
func (s *Server) credentialFor(secretID string) (secretKey string, who principal, temp *tempCredential, ok bool) {
	if secretID == s.secretID {
		who := longTermPrincipal()
		who.secretID = secretID
		return s.secretKey, who, nil, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, found := s.sts.creds[secretID]; found {
		who := c.who
		who.secretID = secretID
		return c.secretKey, who, c, true
	}
	return "", principal{}, nil, false
}

// checkTemporary accepts temporary credentials only with their token and
// before they expire.
func (s *Server) checkTemporary(temp *tempCredential, token string) *apiError {
	if token != temp.token {
		return newError("AuthFailure.TokenFailure", "Token verification failed.")
	}
	if !s.now().Before(temp.expires) {
		return newError("AuthFailure.TokenFailure", "The temporary credentials expired at %s.", temp.expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// serveOIDCControl serves the issuer's control endpoints; false when the
// path is not one of them.
//
//	GET  /_emulator/oidc/jwks   the issuer's public keys (JWKS)
//	POST /_emulator/oidc/token  a freshly minted JWT, as text; query
//	                            parameters aud, sub and ttl (a Go duration)
func (s *Server) serveOIDCControl(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case ControlOIDCJWKS:
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return true
		}
		writeJSON(w, http.StatusOK, s.Issuer().JWKS())
	case ControlOIDCToken:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return true
		}
		q := r.URL.Query()
		claims := TokenClaims{Audience: q.Get("aud"), Subject: q.Get("sub")}
		if ttl := q.Get("ttl"); ttl != "" {
			d, err := time.ParseDuration(ttl)
			if err != nil {
				http.Error(w, "ttl must be a Go duration such as 10m", http.StatusBadRequest)
				return true
			}
			claims.TTL = d
		}
		tok, err := s.Issuer().Mint(claims)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return true
		}
		w.Header().Set("Content-Type", "application/jwt")
		_, _ = w.Write([]byte(tok + "\n"))
	default:
		return false
	}
	return true
}

// Control endpoints of the in-process OIDC issuer.
const (
	ControlOIDCJWKS  = controlPrefix + "oidc/jwks"
	ControlOIDCToken = controlPrefix + "oidc/token"
)
