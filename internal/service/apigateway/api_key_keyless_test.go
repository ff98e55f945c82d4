package apigateway_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// checkEveryCallBy fails unless every API Gateway call in the log was signed
// by a caller matching want, and at least one STS exchange of action happened.
func checkEveryCallBy(t *testing.T, env *acctest.Env, want, stsAction string) {
	t.Helper()
	apiCalls := 0
	for _, c := range env.Emulator.Calls() {
		switch {
		case c.ErrorCode != "":
			t.Errorf("%s failed with %s", c.Action, c.ErrorCode)
		case c.Action == stsAction || c.Action == "GetCallerIdentity":
		case !strings.Contains(c.Caller, want):
			t.Errorf("%s was signed by %q, want %q", c.Action, c.Caller, want)
		default:
			apiCalls++
		}
	}
	counts := env.Emulator.CallCounts()
	if counts[stsAction] == 0 || apiCalls == 0 {
		t.Fatalf("calls %v: want %s exchanges and API Gateway calls", counts, stsAction)
	}
	t.Logf("%d API Gateway calls, %d %s exchanges", apiCalls, counts[stsAction], stsAction)
}

// Keys are created, rotated and destroyed through an assumed role; the
// static keys only sign AssumeRole.
func TestAccAPIKey_assumeRole(t *testing.T) {
	env := acctest.New(t)
	env.NeedsEmulator("roles are configured on the emulator")
	name := acctest.RandomName()
	provider := env.ProviderBlockWith(acctest.StaticKeys() + acctest.AssumeRoleBlock(emulator.DefaultRoleARN, "terraform-acc",
		`    session_duration = 3600
    policy           = jsonencode({ version = "2.0", statement = [{ effect = "allow", action = ["apigw:*"], resource = ["*"] }] })
`))
	session := "assumed-role/"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:            provider + fleetConfig(name, 2, 1, 1),
				ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(3)},
				Check:             env.CheckCalledAs(session, "CreateApiKey"),
			},
			{
				Config:            provider + fleetConfig(name, 2, 1, 2),
				ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote()},
				Check:             env.CheckCalledAs(session, "UpdateApiKey"),
			},
		},
	})
	checkEveryCallBy(t, env, session, "AssumeRole")
}

// The same through OIDC web identity, with the token given inline and in a
// file (raw JWT and the JSON form); no SecretId or SecretKey is configured.
func TestAccAPIKey_webIdentity(t *testing.T) {
	t.Parallel()
	for _, form := range []string{"inline", "file", "json file"} {
		t.Run(form, func(t *testing.T) {
			env := acctest.New(t)
			env.NeedsEmulator("the emulator's OIDC issuer signs the token")
			// Longer than the test, so that the same token serves every step.
			token := env.Emulator.Issuer().MustMint(emulator.TokenClaims{TTL: 30 * time.Minute})
			var tokenArg string
			switch form {
			case "inline":
				tokenArg = fmt.Sprintf("web_identity_token = %q", token)
			case "file":
				tokenArg = fmt.Sprintf("web_identity_token_file = %q", acctest.WriteTokenFile(t, token))
			default:
				tokenArg = fmt.Sprintf("web_identity_token_file = %q", acctest.WriteTokenFile(t, `{"web_identity_token": "`+token+`"}`))
			}
			provider := env.ProviderBlockWith(acctest.WebIdentityBlock(emulator.DefaultOIDCProviderID, emulator.DefaultRoleARN, "ci-run", tokenArg))
			name := acctest.RandomName()
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{
					{
						Config:            provider + fleetConfig(name, 1, 1, 1),
						ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(2), acctest.StateDoesNotContain(token)},
					},
					{
						Config:            provider + fleetConfig(name, 1, 1, 2),
						ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), acctest.StateDoesNotContain(token)},
					},
				},
			})
			checkEveryCallBy(t, env, "assumed-role/", "AssumeRoleWithWebIdentity")
		})
	}
}

// Profiles in the tccli format, with and without role-arn.
func TestAccAPIKey_profiles(t *testing.T) {
	t.Parallel()
	for _, withRole := range []bool{false, true} {
		t.Run(fmt.Sprintf("role-arn=%v", withRole), func(t *testing.T) {
			env := acctest.New(t)
			env.NeedsEmulator("the profile holds the emulator's key")
			dir := t.TempDir()
			credential := fmt.Sprintf(`{"secretId": %q, "secretKey": %q`, emulator.DefaultSecretID, emulator.DefaultSecretKey)
			want := ":uin/" + emulator.DefaultAccountID
			if withRole {
				credential += fmt.Sprintf(`, "role-arn": %q, "role-session-name": "from-profile"`, emulator.DefaultRoleARN)
				want = "assumed-role/"
			}
			acctest.WriteProfile(t, dir, "ci", credential+"}")
			provider := env.ProviderBlockWith(fmt.Sprintf("  profile = \"ci\"\n  shared_credentials_dir = %q\n", dir))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{{
					Config:            provider + fleetConfig(acctest.RandomName(), 1, 0, 1),
					ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(1)},
					Check:             env.CheckCalledAs(want, "CreateApiKey"),
				}},
			})
			if n := env.Emulator.CallCounts()["AssumeRole"]; (n > 0) != withRole {
				t.Fatalf("%d AssumeRole calls with role-arn=%v", n, withRole)
			}
		})
	}
}

// Each misconfiguration is one clear error before any API Gateway write,
// and no key is created.
func TestAccAPIKey_keylessFailures(t *testing.T) {
	t.Parallel()
	const prodRole = "qcs::cam::uin/200000000002:roleName/deployer"
	type failure struct {
		auth  func(env *acctest.Env, t *testing.T) string
		error string // words of the error, in order
	}
	web := func(env *acctest.Env, providerID string, claims emulator.TokenClaims) string {
		return acctest.WebIdentityBlock(providerID, emulator.DefaultRoleARN, "ci-run",
			fmt.Sprintf("web_identity_token = %q", env.Emulator.Issuer().MustMint(claims)))
	}
	cases := map[string]failure{
		"wrong role": {
			auth: func(*acctest.Env, *testing.T) string {
				return acctest.StaticKeys() + acctest.AssumeRoleBlock("qcs::cam::uin/100000000001:roleName/missing", "terraform-acc", "")
			},
			error: "AssumeRole failed: [ResourceNotFound.RoleNotFound] role qcs::cam::uin/100000000001:roleName/missing, session terraform-acc:",
		},
		"untrusted provider": {
			auth: func(env *acctest.Env, t *testing.T) string {
				other, err := emulator.NewOIDCIssuer("https://gitlab.example", nil)
				if err != nil {
					t.Fatal(err)
				}
				env.Emulator.SetOIDCProvider(emulator.OIDCProvider{ID: "gitlab", Issuer: other.URL(), ClientIDs: []string{emulator.DefaultAudience}, Keys: other.JWKS()})
				return acctest.WebIdentityBlock("gitlab", emulator.DefaultRoleARN, "ci-run",
					fmt.Sprintf("web_identity_token = %q", other.MustMint(emulator.TokenClaims{})))
			},
			error: "AssumeRoleWithWebIdentity failed: [UnauthorizedOperation] role " + emulator.DefaultRoleARN + ", session ci-run:",
		},
		"expired token": {
			auth: func(env *acctest.Env, _ *testing.T) string {
				return web(env, emulator.DefaultOIDCProviderID, emulator.TokenClaims{TTL: -time.Minute})
			},
			error: "[InvalidParameter.WebIdentityTokenError] role " + emulator.DefaultRoleARN + ", session ci-run: The web identity token was rejected: the token has expired.",
		},
		"wrong audience": {
			auth: func(env *acctest.Env, _ *testing.T) string {
				return web(env, emulator.DefaultOIDCProviderID, emulator.TokenClaims{Audience: "not-sts"})
			},
			error: "[InvalidParameter.WebIdentityTokenError] role " + emulator.DefaultRoleARN + `, session ci-run: The web identity token was rejected: the audience ["not-sts"] is not a client ID`,
		},
		"missing token file": {
			auth: func(*acctest.Env, *testing.T) string {
				return acctest.WebIdentityBlock(emulator.DefaultOIDCProviderID, emulator.DefaultRoleARN, "ci-run", `web_identity_token_file = "/nonexistent/token"`)
			},
			error: "assume_role_with_web_identity.web_identity_token_file: stat /nonexistent/token: no such file or directory",
		},
		"forbidden account": {
			auth: func(env *acctest.Env, _ *testing.T) string {
				env.Emulator.SetRole(emulator.Role{ARN: prodRole, Principals: []string{emulator.DefaultAccountID}})
				return acctest.StaticKeys() + `  forbidden_account_ids = ["200000000002"]` + "\n" + acctest.AssumeRoleBlock(prodRole, "terraform-acc", "")
			},
			error: "[ClientError.AccountNotAllowed] the credentials act in account 200000000002, which forbidden_account_ids lists",
		},
		"not an allowed account": {
			auth: func(*acctest.Env, *testing.T) string {
				return acctest.StaticKeys() + `  allowed_account_ids = ["300000000003"]` + "\n"
			},
			error: "account 100000000001, which is not among allowed_account_ids 300000000003",
		},
		"conflicting methods": {
			auth: func(env *acctest.Env, _ *testing.T) string {
				return acctest.StaticKeys() + web(env, emulator.DefaultOIDCProviderID, emulator.TokenClaims{})
			},
			error: "Conflicting TencentCloud credentials",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			env.NeedsEmulator("the failures are set up on the emulator")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderBlockWith(tc.auth(env, t)) + fleetConfig(acctest.RandomName(), 1, 0, 1),
					ExpectError: acctest.WordsRegexp(tc.error),
				}},
			})
			if err := env.CheckNoKeysNorWrites(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// An apply that lasts longer than the credentials: they are refreshed
// before they expire (no AuthFailure), with one exchange per refresh and
// not one per API call. Run through the CLI with -parallelism=1, so that
// the apply's one provider process makes calls for several lifetimes.
func TestAccAPIKey_credentialsOutliveTheApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.NeedsEmulator("the credential lifetime and latency are set on the emulator")
	const (
		keys     = 32
		lifetime = 8 * time.Second // refreshed with 1.4 s or more to spare: room for a loaded machine
		latency  = 300 * time.Millisecond
	)
	env.Emulator.SetCredentialLifetime(lifetime)
	env.Emulator.SetLatency(latency)
	cli := acctest.NewCLI(t)
	cli.WriteConfig(env.ProviderBlockWith(acctest.StaticKeys()+acctest.AssumeRoleBlock(emulator.DefaultRoleARN, "long-apply", "")) +
		fleetConfig(acctest.RandomName(), keys, 0, 1))

	for _, command := range [][]string{
		{"apply", "-auto-approve", "-no-color", "-parallelism=1"},
		{"destroy", "-auto-approve", "-no-color", "-parallelism=1", "-refresh=false"},
	} {
		env.Emulator.ResetCalls()
		start := time.Now()
		if out, err := cli.Run(nil, command...); err != nil {
			t.Fatalf("%s: %v\n%s", command[0], err, out)
		}
		elapsed := time.Since(start)
		calls := env.Emulator.Calls()
		exchanges, apiCalls := 0, 0
		used := map[string]bool{}
		for _, c := range calls {
			if c.ErrorCode != "" {
				t.Fatalf("%s: %s failed with %s", command[0], c.Action, c.ErrorCode)
			}
			if c.Action == "AssumeRole" {
				exchanges++
				continue
			}
			apiCalls++
			used[c.SecretID] = true
		}
		// A refresh is due every 80% of a lifetime; ExpiredTime is in whole
		// seconds, so a granted lifetime is up to a second shorter.
		maxExchanges := 2 + int(elapsed/(lifetime*8/10-time.Second))
		t.Logf("%s: %s, %d API Gateway calls, %d AssumeRole exchanges (at most %d expected), %d temporary credentials used",
			command[0], elapsed.Round(100*time.Millisecond), apiCalls, exchanges, maxExchanges, len(used))
		switch {
		case elapsed < lifetime:
			t.Fatalf("%s took %s, less than a credential lifetime: the test proves nothing", command[0], elapsed)
		case exchanges < 2:
			t.Fatalf("%s: %d exchanges in %s: the credentials were not refreshed", command[0], exchanges, elapsed)
		case exchanges > maxExchanges:
			t.Fatalf("%s: %d exchanges, more than one per refresh point (%d)", command[0], exchanges, maxExchanges)
		case len(used) != exchanges:
			t.Fatalf("%s: %d exchanges but %d temporary credentials used: each exchange must serve calls", command[0], exchanges, len(used))
		}
	}
	if n := len(env.Emulator.Keys()); n != 0 {
		t.Fatalf("%d keys left after destroy", n)
	}
}

// Issue 15, item 1: a create whose timeout runs out while the provider
// waits for a slow STS exchange fails with an error that says so; the
// provider does not crash (a panic here ended the plugin process and lost
// the answer of every create in flight), and nothing was sent. The same
// configuration with a longer timeout then applies and destroys cleanly.
func TestAccAPIKey_keylessDeadlineDuringExchange(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "the latency is set on the emulator")
	env.Emulator.SetLatency(1500 * time.Millisecond) // every call, STS's included
	token := env.Emulator.Issuer().MustMint(emulator.TokenClaims{TTL: 30 * time.Minute})
	provider := env.ProviderBlockWith(acctest.WebIdentityBlock(emulator.DefaultOIDCProviderID, emulator.DefaultRoleARN, "ci-run",
		fmt.Sprintf("web_identity_token = %q", token)))
	name := acctest.RandomName()
	keys := func(timeout string) string {
		return provider + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  count       = 3
  secret_name = "%s-${count.index}"
  timeouts {
    create = %q
  }
}
`, name, timeout)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:      keys("1s"),
				ExpectError: acctest.WordsRegexp("[ClientError.TimedOut] the operation's time ran out before the request was sent"),
			},
			{
				PreConfig: func() {
					if err := env.CheckNoKeysNorWrites(); err != nil {
						t.Fatal(err)
					}
				},
				Config:            keys("2m"),
				ConfigStateChecks: []statecheck.StateCheck{env.AllKeysMatchRemote(), env.ExpectRemoteKeyCount(3)},
			},
		},
	})
}
