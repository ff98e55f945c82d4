package emulator_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func stsClient(t *testing.T, e *env, cred common.CredentialIface) *sts.Client {
	t.Helper()
	cli, err := sts.NewClient(cred, region, sdkProfile(e.host))
	if err != nil {
		t.Fatalf("sts.NewClient: %v", err)
	}
	return cli
}

func assumeRoleRequest(arn, session string) *sts.AssumeRoleRequest {
	req := sts.NewAssumeRoleRequest()
	req.RoleArn = common.StringPtr(arn)
	req.RoleSessionName = common.StringPtr(session)
	return req
}

// webIdentity sends AssumeRoleWithWebIdentity unsigned, as the provider does.
func webIdentity(t *testing.T, e *env, provider, token, arn string) (*sts.AssumeRoleWithWebIdentityResponse, error) {
	t.Helper()
	req := sts.NewAssumeRoleWithWebIdentityRequest()
	req.ProviderId = common.StringPtr(provider)
	req.WebIdentityToken = common.StringPtr(token)
	req.RoleArn = common.StringPtr(arn)
	req.RoleSessionName = common.StringPtr("ci-run-1")
	cli, err := sts.NewClient(nil, region, sdkProfile(e.host))
	if err != nil {
		t.Fatal(err)
	}
	return cli.AssumeRoleWithWebIdentity(req)
}

func tempCredential(c *sts.Credentials) *common.Credential {
	return common.NewTokenCredential(*c.TmpSecretId, *c.TmpSecretKey, *c.Token)
}

// Temporary credentials from AssumeRole work for API Gateway with their
// token, not without it, and not after they expire.
func TestSTS_assumeRoleCredentialsLifecycle(t *testing.T) {
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	e.emu.SetCredentialLifetime(90 * time.Second)

	resp, err := stsClient(t, e, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey)).
		AssumeRole(assumeRoleRequest(emulator.DefaultRoleARN, "terraform"))
	must(t, err)
	r := resp.Response
	if r.Credentials == nil || *r.Credentials.Token == "" || *r.Credentials.TmpSecretId == "" || *r.Credentials.TmpSecretKey == "" {
		t.Fatalf("incomplete credentials: %s", resp.ToJsonString())
	}
	// Asked for the default 7200 s, granted the 90 s cap.
	if got, want := *r.ExpiredTime, clk.Now().Unix()+90; got != want {
		t.Fatalf("ExpiredTime = %d, want %d", got, want)
	}
	if exp, err := time.Parse(time.RFC3339, *r.Expiration); err != nil || exp.Unix() != *r.ExpiredTime {
		t.Fatalf("Expiration %q does not match ExpiredTime %d (%v)", *r.Expiration, *r.ExpiredTime, err)
	}

	createAuto(t, newClient(t, e.host, tempCredential(r.Credentials), nil), "via-role")

	noToken := common.NewCredential(*r.Credentials.TmpSecretId, *r.Credentials.TmpSecretKey)
	_, err = newClient(t, e.host, noToken, nil).CreateApiKey(apigw.NewCreateApiKeyRequest())
	wantCode(t, err, "AuthFailure.TokenFailure")

	clk.Advance(90 * time.Second)
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("too-late")
	_, err = newClient(t, e.host, tempCredential(r.Credentials), nil).CreateApiKey(req)
	wantCode(t, err, "AuthFailure.TokenFailure")
	if n := len(e.emu.Keys()); n != 1 {
		t.Fatalf("%d keys, want only the one created before expiry", n)
	}
}

func TestSTS_getCallerIdentity(t *testing.T) {
	e := start(t, emulator.Options{})
	prod := "qcs::cam::uin/200000000002:roleName/deployer"
	e.emu.SetRole(emulator.Role{ARN: prod, Principals: []string{emulator.DefaultAccountID}})

	long := stsClient(t, e, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey))
	me, err := long.GetCallerIdentity(sts.NewGetCallerIdentityRequest())
	must(t, err)
	if *me.Response.AccountId != emulator.DefaultAccountID {
		t.Fatalf("AccountId = %s", *me.Response.AccountId)
	}

	resp, err := long.AssumeRole(assumeRoleRequest(prod, "cross-account"))
	must(t, err)
	role, err := stsClient(t, e, tempCredential(resp.Response.Credentials)).GetCallerIdentity(sts.NewGetCallerIdentityRequest())
	must(t, err)
	got := role.Response
	if *got.AccountId != "200000000002" || *got.Type != "CAMRole" || !strings.HasSuffix(*got.UserId, ":cross-account") {
		t.Fatalf("caller identity of the role session: %s", role.ToJsonString())
	}
}

func TestSTS_assumeRoleErrors(t *testing.T) {
	e := start(t, emulator.Options{})
	e.emu.SetRole(emulator.Role{ARN: "qcs::cam::uin/300000000003:roleName/closed", Principals: []string{"300000000003"}})
	e.emu.SetRole(emulator.Role{ARN: "qcs::cam::uin/100000000001:roleName/external", Principals: []string{emulator.DefaultAccountID}, ExternalID: "partner-42"})
	cli := stsClient(t, e, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey))

	cases := map[string]struct {
		req  *sts.AssumeRoleRequest
		code string
	}{
		"unknown role":     {assumeRoleRequest("qcs::cam::uin/100000000001:roleName/nope", "s1"), "ResourceNotFound.RoleNotFound"},
		"malformed ARN":    {assumeRoleRequest("arn:aws:iam::1:role/x", "s1"), "InvalidParameter.ParamError"},
		"short session":    {assumeRoleRequest(emulator.DefaultRoleARN, "s"), "InvalidParameter.ParamError"},
		"not a principal":  {assumeRoleRequest("qcs::cam::uin/300000000003:roleName/closed", "s1"), "UnauthorizedOperation"},
		"no external ID":   {assumeRoleRequest("qcs::cam::uin/100000000001:roleName/external", "s1"), "UnauthorizedOperation"},
		"too long":         {withDuration(assumeRoleRequest(emulator.DefaultRoleARN, "s1"), 43201), "InvalidParameter.OverTimeError"},
		"policy not JSON":  {withPolicy(assumeRoleRequest(emulator.DefaultRoleARN, "s1"), "not-json"), "InvalidParameter.StrategyFormatError"},
		"external ID okay": {withExternalID(assumeRoleRequest("qcs::cam::uin/100000000001:roleName/external", "s1"), "partner-42"), ""},
		"policy okay":      {withPolicy(assumeRoleRequest(emulator.DefaultRoleARN, "s1"), url.QueryEscape(`{"version":"2.0","statement":[]}`)), ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := cli.AssumeRole(tc.req)
			wantCode(t, err, tc.code)
		})
	}
}

func withDuration(r *sts.AssumeRoleRequest, d uint64) *sts.AssumeRoleRequest {
	r.DurationSeconds = &d
	return r
}

func withPolicy(r *sts.AssumeRoleRequest, p string) *sts.AssumeRoleRequest {
	r.Policy = &p
	return r
}

func withExternalID(r *sts.AssumeRoleRequest, id string) *sts.AssumeRoleRequest {
	r.ExternalId = &id
	return r
}

func TestSTS_webIdentity(t *testing.T) {
	e := start(t, emulator.Options{})
	issuer := e.emu.Issuer()
	other, err := emulator.NewOIDCIssuer(emulator.DefaultIssuerURL, nil) // same iss, different key
	must(t, err)
	e.emu.SetOIDCProvider(emulator.OIDCProvider{ID: "gitlab", Issuer: "https://gitlab.example", ClientIDs: []string{"sts"}, Keys: other.JWKS()})
	e.emu.SetRole(emulator.Role{ARN: "qcs::cam::uin/100000000001:roleName/main-only", OIDCProviders: []string{emulator.DefaultOIDCProviderID}, Subject: emulator.DefaultSubject})

	good := issuer.MustMint(emulator.TokenClaims{})
	resp, err := webIdentity(t, e, emulator.DefaultOIDCProviderID, good, emulator.DefaultRoleARN)
	must(t, err)
	if resp.Response.ExpiredTime == nil || resp.Response.Credentials == nil {
		t.Fatalf("answer: %s", resp.ToJsonString())
	}
	createAuto(t, newClient(t, e.host, tempCredential(resp.Response.Credentials), nil), "via-oidc")
	_, err = webIdentity(t, e, emulator.DefaultOIDCProviderID, good, "qcs::cam::uin/100000000001:roleName/main-only")
	must(t, err)

	cases := map[string]struct {
		provider, token, role, code string
	}{
		"expired token":      {emulator.DefaultOIDCProviderID, issuer.MustMint(emulator.TokenClaims{TTL: -time.Minute}), emulator.DefaultRoleARN, "InvalidParameter.WebIdentityTokenError"},
		"wrong audience":     {emulator.DefaultOIDCProviderID, issuer.MustMint(emulator.TokenClaims{Audience: "someone-else"}), emulator.DefaultRoleARN, "InvalidParameter.WebIdentityTokenError"},
		"wrong issuer":       {emulator.DefaultOIDCProviderID, issuer.MustMint(emulator.TokenClaims{Issuer: "https://evil.example"}), emulator.DefaultRoleARN, "InvalidParameter.WebIdentityTokenError"},
		"bad signature":      {emulator.DefaultOIDCProviderID, other.MustMint(emulator.TokenClaims{}), emulator.DefaultRoleARN, "InvalidParameter.WebIdentityTokenError"},
		"not a JWT":          {emulator.DefaultOIDCProviderID, "not-a-jwt", emulator.DefaultRoleARN, "InvalidParameter.WebIdentityTokenError"},
		"untrusted provider": {"gitlab", other.MustMint(emulator.TokenClaims{Issuer: "https://gitlab.example", Audience: "sts"}), emulator.DefaultRoleARN, "UnauthorizedOperation"},
		"unknown provider":   {"nope", good, emulator.DefaultRoleARN, "InvalidParameter.ParamError"},
		"unknown role":       {emulator.DefaultOIDCProviderID, good, "qcs::cam::uin/100000000001:roleName/nope", "ResourceNotFound.RoleNotFound"},
		"wrong subject":      {emulator.DefaultOIDCProviderID, issuer.MustMint(emulator.TokenClaims{Subject: "repo:example/infrastructure:pull_request"}), "qcs::cam::uin/100000000001:roleName/main-only", "UnauthorizedOperation"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := webIdentity(t, e, tc.provider, tc.token, tc.role)
			wantCode(t, err, tc.code)
			if err != nil && strings.Contains(err.Error(), tc.token) {
				t.Fatal("the error message echoes the token")
			}
		})
	}
	counts := e.emu.CallCounts()
	if counts["AssumeRoleWithWebIdentity"] != 2+len(cases) || e.emu.STSExchanges() != 2 {
		t.Fatalf("call log counts %v, exchanges %d", counts, e.emu.STSExchanges())
	}
}

// A signed AssumeRoleWithWebIdentity is refused: the action takes no
// signature, so a client that signs it is misconfigured.
func TestSTS_webIdentityMustBeUnsigned(t *testing.T) {
	e := start(t, emulator.Options{})
	req := sts.NewAssumeRoleWithWebIdentityRequest()
	req.ProviderId = common.StringPtr(emulator.DefaultOIDCProviderID)
	req.WebIdentityToken = common.StringPtr(e.emu.Issuer().MustMint(emulator.TokenClaims{}))
	req.RoleArn = common.StringPtr(emulator.DefaultRoleARN)
	req.RoleSessionName = common.StringPtr("signed")
	req.SetSkipSign(false) // the SDK's constructor marks it unsigned
	_, err := stsClient(t, e, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey)).AssumeRoleWithWebIdentity(req)
	wantCode(t, err, "AuthFailure.InvalidAuthorization")
}

// An STS call signed for the apigateway service is refused, and the reverse.
func TestSTS_scopeIsChecked(t *testing.T) {
	e := start(t, emulator.Options{})
	_, err := e.commonCall(t, emulator.STSAPIVersion, "GetCallerIdentity", map[string]any{})
	wantCode(t, err, "AuthFailure.InvalidAuthorization")
}

func TestSTS_controlMintsTokens(t *testing.T) {
	e := start(t, emulator.Options{})
	resp, err := http.Post(e.ts.URL+emulator.ControlOIDCToken+"?ttl=10m", "", nil)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	_, err = webIdentity(t, e, emulator.DefaultOIDCProviderID, strings.TrimSpace(string(body)), emulator.DefaultRoleARN)
	must(t, err)
}
