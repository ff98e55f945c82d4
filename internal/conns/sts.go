package conns

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

const stsServiceName = "sts"

// stsEndpoint returns the scheme and host of STS: endpoints.sts, or
// sts.<domain> over the configured protocol. Unlike the SDK's own role
// providers, which always use HTTPS, an http:// override is honoured.
func (c Config) stsEndpoint() (scheme, host string, err error) {
	if c.STSEndpoint != "" {
		return ParseEndpoint(c.STSEndpoint)
	}
	scheme, _, err = Config{Protocol: c.Protocol}.endpoint()
	if err != nil {
		return "", "", err
	}
	return scheme, stsServiceName + "." + orDefault(c.Domain, DefaultDomain), nil
}

// newSTSClient is the typed STS client, set up like the API client. cred is
// nil for AssumeRoleWithWebIdentity, which is sent unsigned.
func newSTSClient(cfg Config, cred common.CredentialIface, region string) (*sts.Client, error) {
	scheme, host, err := cfg.stsEndpoint()
	if err != nil {
		return nil, fmt.Errorf("STS endpoint: %w", err)
	}
	client, err := sts.NewClient(cred, region, clientProfile(scheme, host))
	if err != nil {
		return nil, fmt.Errorf("creating the STS client: %w", err)
	}
	client.WithHttpTransport(newTransport())
	if cfg.Version != "" {
		client.WithRequestClient(requestClient(cfg.Version))
	}
	return client, nil
}

// buildCredentials turns the plan into the credentials the clients sign
// with. Nothing is called yet.
func (p *credentialPlan) buildCredentials(cfg Config, region string) (credentials, error) {
	switch {
	case p.web != nil:
		client, err := newSTSClient(cfg, nil, region)
		if err != nil {
			return nil, err
		}
		w := *p.web
		r := &roleCredentials{
			action: "AssumeRoleWithWebIdentity", roleARN: w.RoleARN, session: w.SessionName,
			source: "web identity token of provider " + w.ProviderID, now: time.Now,
		}
		r.exchange = func(ctx context.Context) (*tempKeys, error) { return webIdentityExchange(ctx, client, w, r) }
		return r, nil
	case p.role != nil:
		client, err := newSTSClient(cfg, p.source, region)
		if err != nil {
			return nil, err
		}
		a := *p.role
		r := &roleCredentials{
			action: "AssumeRole", roleARN: a.RoleARN, session: a.SessionName,
			source: p.sourceName, now: time.Now,
		}
		_, key, token := p.source.GetCredential()
		r.addMasks(key, token, a.Policy, a.ExternalID, url.QueryEscape(a.Policy))
		r.exchange = func(ctx context.Context) (*tempKeys, error) { return assumeRoleExchange(ctx, client, a, r) }
		return r, nil
	default:
		return staticCredentials{CredentialIface: p.source, name: p.sourceName}, nil
	}
}

func assumeRoleExchange(ctx context.Context, client *sts.Client, a AssumeRoleConfig, r *roleCredentials) (*tempKeys, error) {
	req := sts.NewAssumeRoleRequest()
	req.RoleArn = common.StringPtr(a.RoleARN)
	req.RoleSessionName = common.StringPtr(a.SessionName)
	req.DurationSeconds = common.Uint64Ptr(uint64(a.SessionDuration))
	if a.Policy != "" {
		req.Policy = common.StringPtr(url.QueryEscape(a.Policy)) // the API takes it URL-encoded
	}
	if a.ExternalID != "" {
		req.ExternalId = common.StringPtr(a.ExternalID)
	}
	resp, err := client.AssumeRoleWithContext(ctx, req)
	if err != nil {
		return nil, stsError("AssumeRole", a.RoleARN, a.SessionName, err)
	}
	var expired *int64
	var creds *sts.Credentials
	if r := resp.Response; r != nil {
		expired, creds = r.ExpiredTime, r.Credentials
	}
	if expired == nil {
		return toTempKeys(r.now(), "AssumeRole", a.RoleARN, a.SessionName, creds, nil)
	}
	e := *expired
	return toTempKeys(r.now(), "AssumeRole", a.RoleARN, a.SessionName, creds, &e)
}

func webIdentityExchange(ctx context.Context, client *sts.Client, w WebIdentityConfig, r *roleCredentials) (*tempKeys, error) {
	token, err := w.readToken()
	if err != nil {
		return nil, &APIError{Action: "AssumeRoleWithWebIdentity", Code: "ClientError.WebIdentityToken",
			Message: fmt.Sprintf("role %s, session %s: %s", w.RoleARN, w.SessionName, err), err: err}
	}
	r.addMasks(token)
	// The SDK's request constructor marks it unsigned (Authorization: SKIP),
	// and the client holds no credential, so no token header is sent either.
	req := sts.NewAssumeRoleWithWebIdentityRequest()
	req.ProviderId = common.StringPtr(w.ProviderID)
	req.WebIdentityToken = common.StringPtr(token)
	req.RoleArn = common.StringPtr(w.RoleARN)
	req.RoleSessionName = common.StringPtr(w.SessionName)
	req.DurationSeconds = common.Int64Ptr(int64(w.SessionDuration))
	resp, err := client.AssumeRoleWithWebIdentityWithContext(ctx, req)
	if err != nil {
		apiErr := stsError("AssumeRoleWithWebIdentity", w.RoleARN, w.SessionName, err)
		apiErr.Message = strings.ReplaceAll(apiErr.Message, token, "***")
		return nil, apiErr
	}
	var expired *int64
	var creds *sts.Credentials
	if r := resp.Response; r != nil {
		creds = r.Credentials
		if r.ExpiredTime != nil {
			e := int64(*r.ExpiredTime) //nolint:gosec // unix seconds fit
			expired = &e
		}
	}
	return toTempKeys(r.now(), "AssumeRoleWithWebIdentity", w.RoleARN, w.SessionName, creds, expired)
}

func toTempKeys(now time.Time, action, role, session string, c *sts.Credentials, expiredTime *int64) (*tempKeys, error) {
	if c == nil || c.TmpSecretId == nil || c.TmpSecretKey == nil || c.Token == nil || expiredTime == nil {
		return nil, &APIError{Action: action, Code: "ClientError.IncompleteAnswer",
			Message: fmt.Sprintf("role %s, session %s: STS answered without complete credentials and ExpiredTime", role, session)}
	}
	expires := time.Unix(*expiredTime, 0)
	lifetime := expires.Sub(now)
	if lifetime <= 0 {
		return nil, &APIError{Action: action, Code: "ClientError.ExpiredCredentials",
			Message: fmt.Sprintf("role %s, session %s: STS returned credentials that expired at %s (check this machine's clock)",
				role, session, expires.UTC().Format(time.RFC3339))}
	}
	return &tempKeys{id: *c.TmpSecretId, key: *c.TmpSecretKey, token: *c.Token, expires: expires, lifetime: lifetime}, nil
}

// stsError is a failed exchange as an *APIError: STS's code and request ID,
// with a message naming the role and session. Transient failures (network,
// rate limit, internal errors) are retried by Client.call like any other.
func stsError(action, role, session string, err error) *APIError {
	out := classify(action, err)
	out.Message = fmt.Sprintf("role %s, session %s: %s", role, session, out.Message)
	// Nothing was written by the API call that needed these credentials,
	// and an exchange is safe to repeat.
	out.ambiguous = false
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) && sdkErr != nil && sdkErr.Code == codeTokenFailure {
		out.transient = false
	}
	return out
}

// callerAccount asks STS which account the credentials act in.
func callerAccount(client *sts.Client) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		resp, err := client.GetCallerIdentityWithContext(ctx, sts.NewGetCallerIdentityRequest())
		if err != nil {
			e := classify("GetCallerIdentity", err)
			e.ambiguous = false
			return "", e
		}
		if resp.Response == nil || resp.Response.AccountId == nil || *resp.Response.AccountId == "" {
			return "", &APIError{Action: "GetCallerIdentity", Code: "ClientError.IncompleteAnswer", Message: "STS answered without AccountId"}
		}
		return *resp.Response.AccountId, nil
	}
}
