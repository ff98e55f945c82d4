package conns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"golang.org/x/sync/singleflight"
)

// Limits and defaults of STS role sessions.
const (
	DefaultSessionDuration = 7200
	MaxSessionDuration     = 43200
	DefaultProviderID      = "OIDC"
	// maxRefreshMargin: temporary credentials are refreshed once less than
	// min(maxRefreshMargin, refreshFraction of their lifetime) is left.
	maxRefreshMargin = 5 * time.Minute
	refreshFraction  = 5 // 1/5 = 20%
)

// AssumeRoleConfig is the assume_role block: a role assumed with the
// static or profile keys, which sign the AssumeRole call.
type AssumeRoleConfig struct {
	RoleARN         string
	SessionName     string
	SessionDuration int // seconds; 0 means DefaultSessionDuration
	Policy          string
	ExternalID      string
}

// WebIdentityConfig is the assume_role_with_web_identity block: an OIDC
// token exchanged for a role's temporary credentials, with no keys at all.
type WebIdentityConfig struct {
	ProviderID      string
	RoleARN         string
	SessionName     string
	SessionDuration int
	// Exactly one of Token and TokenFile. The file is read again before
	// every exchange, because CI runners rotate it.
	Token     string
	TokenFile string
}

// ErrConflictingCredentials means two credential methods were configured.
var ErrConflictingCredentials = errors.New("conflicting TencentCloud credentials")

var (
	roleARNPattern     = regexp.MustCompile(`^qcs::cam::uin/[0-9]+:roleName/[\w+=,.@-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
)

// ValidateRoleARN, ValidateSessionName and ValidateSessionDuration check
// the values STS would refuse, so that a plan fails before any call.
func ValidateRoleARN(arn string) error {
	if !roleARNPattern.MatchString(arn) {
		return fmt.Errorf("%q is not a CAM role ARN of the form qcs::cam::uin/<account ID>:roleName/<role name>", arn)
	}
	return nil
}

func ValidateSessionName(name string) error {
	if !sessionNamePattern.MatchString(name) {
		return fmt.Errorf("%q must be 2 to 128 letters, digits and the characters +=,.@_-", name)
	}
	return nil
}

func ValidateSessionDuration(seconds int) error {
	if seconds < 0 || seconds > MaxSessionDuration {
		return fmt.Errorf("%d must be between 0 and %d seconds", seconds, MaxSessionDuration)
	}
	return nil
}

func (a *AssumeRoleConfig) validate() error {
	var errs []error
	if err := ValidateRoleARN(a.RoleARN); err != nil {
		errs = append(errs, fmt.Errorf("assume_role.role_arn: %w", err))
	}
	if err := ValidateSessionName(a.SessionName); err != nil {
		errs = append(errs, fmt.Errorf("assume_role.session_name: %w", err))
	}
	if err := ValidateSessionDuration(a.SessionDuration); err != nil {
		errs = append(errs, fmt.Errorf("assume_role.session_duration: %w", err))
	}
	if a.ExternalID != "" && (len(a.ExternalID) < 2 || len(a.ExternalID) > 128) {
		errs = append(errs, errors.New("assume_role.external_id must be 2 to 128 characters"))
	}
	if a.Policy != "" && !json.Valid([]byte(a.Policy)) {
		errs = append(errs, errors.New("assume_role.policy must be a JSON policy document"))
	}
	return errors.Join(errs...)
}

func (w *WebIdentityConfig) validate() error {
	var errs []error
	if w.ProviderID == "" {
		errs = append(errs, errors.New("assume_role_with_web_identity.provider_id must not be empty"))
	}
	if err := ValidateRoleARN(w.RoleARN); err != nil {
		errs = append(errs, fmt.Errorf("assume_role_with_web_identity.role_arn: %w", err))
	}
	if err := ValidateSessionName(w.SessionName); err != nil {
		errs = append(errs, fmt.Errorf("assume_role_with_web_identity.session_name: %w", err))
	}
	if err := ValidateSessionDuration(w.SessionDuration); err != nil {
		errs = append(errs, fmt.Errorf("assume_role_with_web_identity.session_duration: %w", err))
	}
	switch {
	case w.Token != "" && w.TokenFile != "":
		errs = append(errs, errors.New("assume_role_with_web_identity: set web_identity_token or web_identity_token_file, not both"))
	case w.Token == "" && w.TokenFile == "":
		errs = append(errs, errors.New("assume_role_with_web_identity: set web_identity_token or web_identity_token_file"))
	case w.TokenFile != "":
		if _, err := os.Stat(w.TokenFile); err != nil {
			errs = append(errs, fmt.Errorf("assume_role_with_web_identity.web_identity_token_file: %w", err))
		}
	}
	return errors.Join(errs...)
}

// readToken returns the token to exchange: the inline token, or the file's
// content, either a raw JWT or the JSON form {"web_identity_token": "..."}.
// Errors never quote the file.
func (w *WebIdentityConfig) readToken() (string, error) {
	if w.Token != "" {
		return w.Token, nil
	}
	data, err := os.ReadFile(w.TokenFile)
	if err != nil {
		return "", fmt.Errorf("reading web_identity_token_file: %w", err)
	}
	raw := strings.TrimSpace(string(data))
	if strings.HasPrefix(raw, "{") {
		var doc struct {
			Token string `json:"web_identity_token"`
		}
		if json.Unmarshal([]byte(raw), &doc) != nil {
			return "", fmt.Errorf("web_identity_token_file %s holds JSON without a web_identity_token string", w.TokenFile)
		}
		raw = strings.TrimSpace(doc.Token)
	}
	if raw == "" {
		return "", fmt.Errorf("web_identity_token_file %s holds no token", w.TokenFile)
	}
	return raw, nil
}

// credentialPlan is the outcome of resolving the configuration: the keys
// that sign (none for web identity), and the role to assume with them.
type credentialPlan struct {
	source     common.CredentialIface
	sourceName string
	role       *AssumeRoleConfig
	web        *WebIdentityConfig
	region     string // from the profile's .configure file
}

// resolveCredentials applies the documented precedence and reports
// conflicts. It reads files but calls no API.
//
//  1. Exactly one of: web identity, static keys, a named profile (profile
//     or shared_credentials_dir). Two of them are an error.
//  2. Without any: the SDK's credentials file, then tccli's profile named by
//     TCCLI_PROFILE (default "default").
//  3. assume_role (or a profile's role-arn) is assumed with those keys.
//     Web identity already assumes its role, so assume_role beside it is an
//     error, as are assume_role and a profile's role-arn together.
//
// The SDK's CVM role provider is left out on purpose: it calls the instance
// metadata service, and configuring must not touch the network.
func (c Config) resolveCredentials() (*credentialPlan, error) {
	profileSet := c.Profile != "" || c.SharedCredentialsDir != ""
	var methods []string
	if c.SecretID != "" || c.SecretKey != "" {
		methods = append(methods, "static keys (secret_id/secret_key or TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY)")
	}
	if profileSet {
		methods = append(methods, "a shared profile (profile/shared_credentials_dir or TENCENTCLOUD_PROFILE/TENCENTCLOUD_SHARED_CREDENTIALS_DIR)")
	}
	if c.WebIdentity != nil {
		methods = append(methods, "web identity (assume_role_with_web_identity or TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN[_FILE])")
		if c.AssumeRole != nil {
			methods = append(methods, "the assume_role block (web identity already assumes its role_arn)")
		}
	}
	if len(methods) > 1 {
		return nil, fmt.Errorf("%w: %s are configured together; configure exactly one way to authenticate", ErrConflictingCredentials, strings.Join(methods, " and "))
	}

	if c.WebIdentity != nil {
		w := *c.WebIdentity
		if w.ProviderID == "" {
			w.ProviderID = DefaultProviderID
		}
		if w.SessionDuration == 0 {
			w.SessionDuration = DefaultSessionDuration
		}
		if err := w.validate(); err != nil {
			return nil, err
		}
		return &credentialPlan{web: &w, sourceName: "web identity"}, nil
	}

	plan := &credentialPlan{}
	switch {
	case c.SecretID != "" && c.SecretKey != "":
		plan.source = common.NewTokenCredential(c.SecretID, c.SecretKey, c.SecurityToken)
		plan.sourceName = "secret_id " + c.SecretID
	case c.SecretID != "":
		return nil, errors.New("secret_id is set but secret_key is not")
	case c.SecretKey != "":
		return nil, errors.New("secret_key is set but secret_id is not")
	case profileSet:
		p, err := readTccliProfile(c.SharedCredentialsDir, c.Profile)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", orDefault(c.Profile, DefaultProfile), err)
		}
		plan.usesProfile(p)
	default:
		// Not named: the SDK's credentials file, then tccli's default profile.
		cred, file, err := readCredentialsFile()
		if err != nil {
			return nil, err
		}
		if cred != nil {
			plan.source, plan.sourceName = cred, "the TencentCloud credentials file "+file
			break
		}
		// TCCLI_PROFILE names it, as the SDK's own tccli provider reads it.
		p, err := readTccliProfile("", orDefault(os.Getenv(common.EnvTCCLIProfile), DefaultProfile))
		if errors.Is(err, errProfileNotFound) {
			return nil, fmt.Errorf("%w: %s", ErrNoCredentials, err)
		}
		if err != nil {
			return nil, err
		}
		plan.usesProfile(p)
	}

	if c.AssumeRole != nil {
		if plan.role != nil {
			return nil, fmt.Errorf("%w: the assume_role block and the role-arn of %s are both configured; keep one", ErrConflictingCredentials, plan.sourceName)
		}
		a := *c.AssumeRole
		if err := a.validate(); err != nil {
			return nil, err
		}
		plan.role = &a
	}
	if plan.role != nil && plan.role.SessionDuration == 0 {
		plan.role.SessionDuration = DefaultSessionDuration
	}
	return plan, nil
}

// credentialsFile is the SDK's credentials file, as its ProfileProvider
// finds it: TENCENTCLOUD_CREDENTIALS_FILE, else ~/.tencentcloud/credentials.
// An empty variable names no file.
func credentialsFile() string {
	if path, ok := os.LookupEnv(common.EnvCredentialFile); ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".tencentcloud", "credentials")
}

// readCredentialsFile reads the SDK's credentials file: nil when there is
// none, so that the next source is used. A file that exists but cannot be
// used is an error naming it: falling through would pick up another
// source, possibly another account's. The error never quotes the file.
func readCredentialsFile() (common.CredentialIface, string, error) {
	path := credentialsFile()
	if path == "" {
		return nil, "", nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	} else if err != nil {
		reason := err
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			reason = pathErr.Err // without the path, which is named once already
		}
		return nil, "", fmt.Errorf("the TencentCloud credentials file %s cannot be read: %w", path, reason)
	}
	cred, err := common.DefaultProfileProvider().GetCredential()
	if err != nil {
		// The SDK's messages can quote lines of the file; say only where
		// it is and what it must hold.
		return nil, "", fmt.Errorf("the TencentCloud credentials file %s is malformed: it must be an INI file whose [default] section sets secret_id and secret_key. "+
			"Fix it, or remove it (or unset %s) to use the next source", path, common.EnvCredentialFile)
	}
	return cred, path, nil
}

func (p *credentialPlan) usesProfile(prof *tccliProfile) {
	p.source = common.NewTokenCredential(prof.SecretID, prof.SecretKey, prof.Token)
	p.sourceName = "profile " + prof.Name + " (" + prof.Path + ")"
	p.region = prof.Region
	if prof.RoleARN != "" {
		p.role = &AssumeRoleConfig{RoleARN: prof.RoleARN, SessionName: prof.RoleSessionName}
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// credentials is what the API clients sign with: the SDK reads it through
// common.CredentialIface for every request, and Client.call makes it ready
// (ensure) before each attempt, so that an STS failure is a classified
// error of that call rather than a request signed with stale keys.
type credentials interface {
	common.CredentialIface
	// ensure obtains or refreshes temporary credentials when needed.
	ensure(ctx context.Context) error
	// secrets are the values to mask in log lines.
	secrets() []string
	// describe names the credential in error messages, never a secret.
	describe() string
	// generation numbers the temporary credentials in use (0: static keys,
	// or none obtained yet); it only grows.
	generation() uint64
	// reject reports that the API refused the credentials of generation
	// gen. When gen is still current it is marked stale, so that the next
	// ensure obtains the next generation; it stays in use until then. False
	// when there is nothing to renew (static keys).
	reject(gen uint64) bool
}

// codeTokenFailure: the API rejected temporary credentials (expired, or a
// wrong token).
const codeTokenFailure = "AuthFailure.TokenFailure"

// sendReady makes the credentials ready, then sends. When the API rejects
// temporary credentials that were still fresh here (its clock runs ahead
// of this machine's), it sends once more with the next generation: the one
// this call or a parallel one obtains. The request was refused before
// anything was done, so repeating it is safe.
func sendReady[T any](ctx context.Context, c *Client, send func(context.Context) (T, string, error)) (T, string, error) {
	var zero T
	if err := c.ready(ctx); err != nil {
		return zero, "", err
	}
	// Read before signing: a refresh finishing in between makes this older
	// than what signed, which costs at most the one retry below.
	used := c.creds.generation()
	out, requestID, err := send(ctx)
	var sdkErr *tcerr.TencentCloudSDKError
	if err == nil || !errors.As(err, &sdkErr) || sdkErr == nil || sdkErr.Code != codeTokenFailure || !c.creds.reject(used) {
		return out, requestID, err
	}
	tflog.Debug(ctx, "TencentCloud rejected the temporary credentials before their expiry; obtaining new ones")
	if err := c.ready(ctx); err != nil {
		return zero, "", err
	}
	return send(ctx)
}

// staticCredentials are keys used as given.
type staticCredentials struct {
	common.CredentialIface
	name string
}

func (staticCredentials) ensure(context.Context) error { return nil }

func (s staticCredentials) secrets() []string {
	_, key, token := s.GetCredential()
	return presentValues(key, token)
}

func (s staticCredentials) describe() string { return s.GetSecretId() }

func (staticCredentials) generation() uint64 { return 0 }

func (staticCredentials) reject(uint64) bool { return false }

func presentValues(values ...string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// tempKeys are temporary credentials from STS.
type tempKeys struct {
	id, key, token string
	expires        time.Time
	lifetime       time.Duration // as granted, from ExpiredTime
	// gen is set when the keys are installed: 1 for the first exchange's.
	gen uint64
}

// exchangeFunc obtains temporary credentials from STS. It returns the
// secrets it used (web identity token, policy) for masking.
type exchangeFunc func(ctx context.Context) (*tempKeys, error)

// roleCredentials are temporary credentials of a role session, obtained
// lazily and refreshed before they expire.
type roleCredentials struct {
	action   string // AssumeRole or AssumeRoleWithWebIdentity
	roleARN  string
	session  string
	source   string // what signs the exchange, for messages
	exchange exchangeFunc
	now      func() time.Time

	group singleflight.Group
	mu    sync.RWMutex
	// cur is the generation that signs. Once obtained it is only ever
	// replaced by a complete newer one, never cleared, so that a call
	// signing during a refresh never signs with empty values.
	cur *tempKeys
	// rejected: the API refused cur before its refresh point; the next
	// ensure obtains the next generation.
	rejected bool
	masks    []string
}

var _ credentials = (*roleCredentials)(nil)

// stale reports whether the credentials must be (re)obtained: there are
// none yet, the API rejected them, or less than min(5 min, 20% of their
// lifetime) is left.
func (r *roleCredentials) stale() bool {
	r.mu.RLock()
	cur, rejected := r.cur, r.rejected
	r.mu.RUnlock()
	return cur == nil || rejected || cur.expires.Sub(r.now()) < refreshMargin(cur.lifetime)
}

func refreshMargin(lifetime time.Duration) time.Duration {
	return min(maxRefreshMargin, lifetime/refreshFraction)
}

// ensure blocks until the credentials are fresh. Parallel callers share one
// exchange; a failed exchange is every waiting caller's error, and the old
// keys are not used past their refresh point.
func (r *roleCredentials) ensure(ctx context.Context) error {
	if !r.stale() {
		return nil
	}
	ch := r.group.DoChan("refresh", func() (any, error) {
		if !r.stale() { // a refresh finished while this caller queued
			return nil, nil
		}
		// The exchange outlives a caller that gives up, so that the others
		// waiting for it still get its result.
		xctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
		defer cancel()
		start := time.Now()
		keys, err := r.exchange(xctx)
		fields := map[string]any{
			"tencentcloud_sts_action": r.action, "role_arn": r.roleARN, "role_session_name": r.session,
			"duration_ms": time.Since(start).Milliseconds(),
		}
		if err != nil {
			fields["error_code"] = ErrorCode(err)
			tflog.Debug(ctx, "TencentCloud STS exchange failed", fields)
			return nil, err
		}
		fields["expires_at"] = keys.expires.UTC().Format(time.RFC3339)
		fields["lifetime_s"] = int(keys.lifetime.Seconds())
		tflog.Debug(ctx, "TencentCloud STS credentials obtained", fields)
		r.mu.Lock()
		r.masks = append(r.masks, keys.key, keys.token)
		if r.cur != nil {
			keys.gen = r.cur.gen + 1
		} else {
			keys.gen = 1
		}
		r.cur, r.rejected = keys, false
		r.mu.Unlock()
		return nil, nil
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		// Nothing was sent: classify makes this a time-out or an
		// interruption that is neither transient nor ambiguous.
		return fmt.Errorf("waiting for the temporary credentials of role %s, session %s: %w", r.roleARN, r.session, ctx.Err())
	}
}

func (r *roleCredentials) current() (id, key, token string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.cur == nil {
		return "", "", ""
	}
	return r.cur.id, r.cur.key, r.cur.token
}

func (r *roleCredentials) GetSecretId() string { id, _, _ := r.current(); return id }

func (r *roleCredentials) GetSecretKey() string { _, key, _ := r.current(); return key }

func (r *roleCredentials) GetToken() string { _, _, token := r.current(); return token }

func (r *roleCredentials) GetCredential() (string, string, string) { return r.current() }

func (r *roleCredentials) secrets() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.masks)
}

func (r *roleCredentials) addMasks(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range presentValues(values...) {
		if !slices.Contains(r.masks, v) {
			r.masks = append(r.masks, v)
		}
	}
}

func (r *roleCredentials) generation() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.cur == nil {
		return 0
	}
	return r.cur.gen
}

func (r *roleCredentials) reject(gen uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return false
	}
	// An older generation was rejected: the current one, already newer, is
	// what the retry signs with.
	if r.cur.gen == gen {
		r.rejected = true
	}
	return true
}

func (r *roleCredentials) describe() string {
	if id := r.GetSecretId(); id != "" {
		return fmt.Sprintf("%s (temporary credentials of role %s, session %s)", id, r.roleARN, r.session)
	}
	return fmt.Sprintf("%s (assuming role %s, session %s)", r.source, r.roleARN, r.session)
}

// accountGuard refuses to work in the wrong account: before the first API
// call of the process it asks GetCallerIdentity once which account the
// credentials act in, and remembers a refusal. Parallel first calls share
// one check and wait for it with their own context; no lock is held
// across the network call.
type accountGuard struct {
	allowed, forbidden []string
	identity           func(ctx context.Context) (string, error)

	group   singleflight.Group
	mu      sync.Mutex
	checked bool
	err     error
}

// Code of the error for credentials of an account that is not allowed.
const CodeAccountNotAllowed = "ClientError.AccountNotAllowed"

func (g *accountGuard) check(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if done, err := g.result(); done {
		return err
	}
	ch := g.group.DoChan("check", func() (any, error) {
		if done, err := g.result(); done { // a check finished while this caller queued
			return nil, err
		}
		// The check outlives a caller that gives up, so that the others
		// waiting for it still get its result.
		xctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
		defer cancel()
		account, err := g.identity(xctx)
		if err != nil {
			return nil, err // not remembered: a transient failure is tried again
		}
		refuse := func(why string) error {
			return &APIError{Action: "Account check", Code: CodeAccountNotAllowed, Message: fmt.Sprintf(
				"the credentials act in account %s, %s; refusing to call TencentCloud with them", account, why)}
		}
		var verdict error
		switch {
		case slices.Contains(g.forbidden, account):
			verdict = refuse("which forbidden_account_ids lists")
		case len(g.allowed) > 0 && !slices.Contains(g.allowed, account):
			verdict = refuse("which is not among allowed_account_ids " + strings.Join(g.allowed, ", "))
		}
		tflog.Debug(ctx, "TencentCloud account checked", map[string]any{"account_id": account, "allowed": verdict == nil})
		g.mu.Lock()
		g.checked, g.err = true, verdict
		g.mu.Unlock()
		return nil, verdict
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return fmt.Errorf("waiting for the account check (GetCallerIdentity): %w", ctx.Err())
	}
}

// result is the remembered outcome of the check, once there is one.
func (g *accountGuard) result() (done bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.checked, g.err
}
