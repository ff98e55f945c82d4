// Package conns is the provider's one way to the TencentCloud API: it builds
// the SDK client from the provider configuration, and classifies and logs
// every call. Resources receive a *Client through ProviderData.
package conns

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"golang.org/x/time/rate"
)

// requestTimeout bounds one HTTP exchange; operation timeouts come from the context.
const requestTimeout = 30 * time.Second

// Client calls the API Gateway API-key actions for one provider instance.
type Client struct {
	api      *apigw.Client
	region   string
	endpoint string
	// creds sign every call; temporary ones are obtained and refreshed
	// before each attempt (see ready).
	creds credentials
	// guard checks allowed/forbidden_account_ids once (nil: no check).
	guard    *accountGuard
	limiters *rateLimiters
	// reads gathers ReadAPIKey calls into shared calls (batch.go).
	reads *readBatcher
	// claims records the keys this client's creates made or adopted, so a
	// create's lookup never takes another's key (apikey_claims.go).
	claims *keyClaims

	// planKeys, binds and unbinds share the calls of one usage plan's
	// bindings (usage_plan_binding.go).
	planKeys *planKeyListings
	binds    *bindingBatcher
	unbinds  *bindingBatcher
}

// New builds the client. It never calls the API.
func New(cfg Config) (*Client, error) {
	scheme, host, err := cfg.endpoint()
	if err != nil {
		return nil, err
	}
	plan, err := cfg.resolveCredentials()
	if err != nil {
		return nil, err
	}
	// The region: the configuration, then the profile's, then the default.
	region := orDefault(cfg.Region, orDefault(plan.region, DefaultRegion))
	cred, err := plan.buildCredentials(cfg, region)
	if err != nil {
		return nil, err
	}

	api, err := apigw.NewClient(cred, region, clientProfile(scheme, host))
	if err != nil {
		return nil, fmt.Errorf("creating the API Gateway client: %w", err)
	}
	api.WithHttpTransport(newTransport())
	if cfg.Version != "" {
		api.WithRequestClient(requestClient(cfg.Version))
	}

	c := &Client{
		api:      api,
		region:   region,
		endpoint: scheme + "://" + host,
		creds:    cred,
		limiters: newRateLimiters(cfg.RateLimit),
		claims:   newKeyClaims(),
	}
	c.reads = newReadBatcher(c)
	c.planKeys = newPlanKeyListings(c)
	c.binds, c.unbinds = newBindBatcher(c), newUnbindBatcher(c)
	if len(cfg.AllowedAccountIDs) > 0 || len(cfg.ForbiddenAccountIDs) > 0 {
		identity, err := newSTSClient(cfg, cred, region)
		if err != nil {
			return nil, err
		}
		c.guard = &accountGuard{allowed: cfg.AllowedAccountIDs, forbidden: cfg.ForbiddenAccountIDs, identity: callerAccount(identity)}
	}
	return c, nil
}

// CredentialID names the credential in use (its SecretId, and the role for
// temporary credentials), for error messages.
func (c *Client) CredentialID() string { return c.creds.describe() }

// ready makes the credentials usable before an attempt: it obtains or
// refreshes temporary credentials, and checks the account once.
func (c *Client) ready(ctx context.Context) error {
	if err := c.creds.ensure(ctx); err != nil {
		return err
	}
	return c.guard.check(ctx)
}

// Endpoint is the scheme://host the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// Region is the region sent with every call.
func (c *Client) Region() string { return c.region }

// op describes one API call for call().
type op struct {
	action string
	keyID  string
	// safeToRepeat: carrying the call out twice does no harm, so it is
	// retried also when a lost answer leaves unclear whether it happened.
	safeToRepeat bool
	// secrets of this call (API key secrets) to mask in every log line.
	secrets []string
	// turn, when set, is the action's turn at the rate limiter, reserved
	// before the call: the first attempt waits for it instead.
	turn *rate.Reservation
}

// call runs one API action: it waits for the action's rate limiter, sends
// with the context, retries transient errors with backoff until the
// context's deadline, logs every attempt without secrets, and classifies
// the final error. send returns the response's request ID.
func call[T any](ctx context.Context, c *Client, o op, send func(context.Context) (T, string, error)) (T, error) {
	ctx = tflog.SetField(ctx, "tencentcloud_action", o.action)
	if o.keyID != "" {
		ctx = tflog.SetField(ctx, "tencentcloud_access_key_id", o.keyID)
	}
	ctx = maskedContext(ctx, c.knownSecrets(o.secrets...))

	if isWrite(o.action) {
		// No read answered before this write may answer one after it.
		c.reads.beginWrite()
		defer c.reads.endWrite()
	}

	var zero T
	for attempt := 1; ; attempt++ {
		var err error
		if attempt == 1 && o.turn != nil {
			err = waitTurn(ctx, o.turn)
		} else {
			err = c.limiters.wait(ctx, o.action)
		}
		if err != nil {
			// Only the context ends the wait: it ended, or the limiter saw
			// that its deadline would pass first. Nothing was sent.
			cause := ctx.Err()
			if cause == nil {
				cause = fmt.Errorf("%v: %w", err, context.DeadlineExceeded)
			}
			return zero, classify(o.action, fmt.Errorf("waiting for the rate limit of %s: %w", o.action, cause))
		}
		start := time.Now()
		out, requestID, err := sendReady(ctx, c, send)
		fields := map[string]any{"duration_ms": time.Since(start).Milliseconds(), "attempt": attempt}
		if err == nil {
			fields["request_id"] = requestID
			tflog.Debug(ctx, "TencentCloud API call", fields)
			return out, nil
		}
		apiErr := classify(o.action, err)
		// The error reaches diagnostics and logs outside this context. The
		// secrets are asked again: the send may have fetched temporary ones.
		apiErr.Message = mask(apiErr.Message, c.knownSecrets(o.secrets...))
		fields["error_code"] = apiErr.Code
		fields["request_id"] = apiErr.RequestID
		fields["transient"] = apiErr.transient
		retry := apiErr.transient && (!apiErr.ambiguous || o.safeToRepeat) && ctx.Err() == nil && attempt < maxAttempts
		if retry {
			delay := backoff(attempt)
			fields["retry_in_ms"] = delay.Milliseconds()
			tflog.Debug(ctx, "TencentCloud API call failed, retrying", fields)
			if sleep(ctx, delay) {
				continue
			}
		}
		tflog.Debug(ctx, "TencentCloud API call failed", fields)
		return zero, apiErr
	}
}

// knownSecrets is every secret the client knows of: the credential's key
// and token (temporary ones included), and the given API key secrets.
func (c *Client) knownSecrets(extra ...string) []string {
	return append(c.creds.secrets(), extra...)
}

// maskedContext masks secrets in every message and field logged with ctx.
func maskedContext(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// newTransport is net/http's default transport (proxies from the
// environment included) with enough idle connections for parallel applies,
// wrapped to report HTTP 5xx answers as errors.
func newTransport() http.RoundTripper {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return &statusTransport{next: http.DefaultTransport}
	}
	t := base.Clone()
	t.MaxIdleConnsPerHost = 32
	return &statusTransport{next: t}
}

// statusTransport reports HTTP 5xx answers as a typed error; the SDK would
// otherwise try to parse their (non-JSON) bodies and hide the status.
type statusTransport struct{ next http.RoundTripper }

func (t *statusTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp.StatusCode < http.StatusInternalServerError {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	return nil, &HTTPStatusError{StatusCode: resp.StatusCode, Status: resp.Status, RequestID: resp.Header.Get("X-TC-RequestId")}
}

// clientProfile is the SDK profile of every client this package builds
// (API Gateway and STS).
func clientProfile(scheme, host string) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = scheme
	cpf.HttpProfile.Endpoint = host
	cpf.HttpProfile.ReqTimeout = int(requestTimeout / time.Second)
	cpf.Language = "en-US"
	// Retries belong to this package, which honours the context; the SDK's
	// own retry sleeps ignore it.
	cpf.NetworkFailureMaxRetries = 0
	cpf.RateLimitExceededMaxRetries = 0
	cpf.DisableRegionBreaker = true
	return cpf
}

// requestClient is the SDK's RequestClient header value for a provider version.
func requestClient(version string) string {
	return "terraform-provider-tencentcloud_" + sanitizeVersion(version)
}

// sanitizeVersion keeps the characters the SDK accepts in RequestClient.
func sanitizeVersion(v string) string {
	out := make([]rune, 0, len(v))
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			out = append(out, r)
		}
	}
	return string(out)
}
