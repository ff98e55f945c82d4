package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

const keyConfig = `
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = "provider-config"
}
`

// Bad provider settings fail when Terraform validates the configuration.
func TestAccProvider_invalidSettings(t *testing.T) {
	cases := map[string]struct{ block, want string }{
		"endpoint scheme": {`endpoints = { apigateway = "ftp://127.0.0.1:9000" }`, `must be an http:// or https:// URL`},
		"endpoint path":   {`endpoints = { apigateway = "http://127.0.0.1:9000/v1" }`, `must be scheme://host[:port]`},
		"protocol":        {`protocol = "FTP"`, `value must be one of: ["HTTPS" "HTTP"]`},
		"empty region":    {`region = ""`, `string length must be at least 1`},
		"sts endpoint":    {`endpoints = { sts = "sts.example" }`, `must be an http:// or https:// URL`},
		"profile name":    {`profile = "../../other/.tccli/prod"`, `must not contain a path separator or ".."`},
		"role ARN": {`assume_role {
  role_arn     = "arn:aws:iam::1:role/x"
  session_name = "tf"
}`, `must be a CAM role ARN: qcs::cam::uin/<account ID>:roleName/<role name>`},
		"session duration": {`assume_role {
  role_arn         = "qcs::cam::uin/1:roleName/r"
  session_name     = "tf"
  session_duration = 43201
}`, `value must be between 0 and 43200`},
		"token and token file": {`assume_role_with_web_identity {
  role_arn                = "qcs::cam::uin/1:roleName/r"
  session_name            = "ci"
  web_identity_token      = "a.b.c"
  web_identity_token_file = "/run/token"
}`, `cannot be specified when`},
		"both role blocks": {`assume_role {
  role_arn     = "qcs::cam::uin/1:roleName/r"
  session_name = "tf"
}
assume_role_with_web_identity {
  web_identity_token = "a.b.c"
}`, `cannot be specified when`},
		"allowed and forbidden": {`allowed_account_ids   = ["1"]
forbidden_account_ids = ["2"]`, `cannot be specified when`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      `provider "tencentcloud" {` + "\n" + tc.block + "\n}\n" + keyConfig,
					PlanOnly:    true,
					ExpectError: acctest.WordsRegexp(tc.want),
				}},
			})
		})
	}
}

// Without credentials anywhere, configuring fails with one clear error
// that names the argument and the environment variable. It changes the
// process environment, so it does not run in parallel.
func TestAccProvider_missingCredentials(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	t.Setenv("HOME", t.TempDir())
	for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_CREDENTIALS_FILE", "TCCLI_PROFILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `provider "tencentcloud" {}` + keyConfig,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Missing TencentCloud credentials(.|\n)*secret_id(.|\n)*TENCENTCLOUD_SECRET_ID`),
		}},
	})
}

// The provider answers `terraform providers schema -json` under its
// registry address.
func TestAccProvider_schema(t *testing.T) {
	t.Parallel()
	cli := acctest.NewCLI(t)
	cli.WriteConfig("")
	out := cli.MustRun("providers", "schema", "-json")
	// OpenTofu names the default registry registry.opentofu.org.
	if !strings.Contains(out, `"registry.terraform.io/tcapigw/tencentcloud"`) && !strings.Contains(out, `"registry.opentofu.org/tcapigw/tencentcloud"`) {
		t.Errorf("schema output lacks the provider address tcapigw/tencentcloud")
	}
	for _, want := range []string{`"tencentcloud_api_gateway_api_key"`, `"secret_key":{"type":"string"`} {
		if !strings.Contains(out, want) {
			t.Errorf("schema output lacks %s", want)
		}
	}
}

// A rejected credential is reported with its SecretId (never its key) and
// what to check.
func TestAccProvider_authFailure(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "it is given a wrong key on purpose")
	const wrongKey = "ThisIsNotTheRightSecretKey000"
	block := fmt.Sprintf(`
provider "tencentcloud" {
  secret_id  = %q
  secret_key = %q
  endpoints = {
    apigateway = %q
  }
}
`, env.Emulator.SecretID(), wrongKey, env.Endpoint)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: block + keyConfig,
			ExpectError: regexp.MustCompile(`(?s)AuthFailure.SignatureFailure.*SecretId\s+` + regexp.QuoteMeta(env.Emulator.SecretID()) +
				`.*check\s+that\s+the\s+SecretId\s+and\s+SecretKey`),
		}},
	})
	if keys := env.Emulator.Keys(); len(keys) != 0 {
		t.Fatalf("expected no key, got %d", len(keys))
	}
}

// An endpoint with user information (a proxy credential), in the provider
// block or in the environment, fails with an error that shows it redacted:
// nothing the CLI prints holds the credential. In the block it comes from a
// sensitive variable, as a credential should: a literal in main.tf would be
// quoted by the CLI itself (Terraform 1.16 prints the source line with the
// error), which no provider can prevent.
func TestAccProvider_endpointUserInfoRedacted(t *testing.T) {
	t.Parallel()
	cli := acctest.NewCLI(t)
	const token = "proxyTok3nS3cret"
	endpoint := "https://proxy-user:" + token + "@proxy.example:8443"
	const credentials = `
  secret_id  = "AKIDEndpointTest"
  secret_key = "EndpointTestKey"
`
	cases := map[string]struct {
		block string
		env   []string
	}{
		"provider block": {
			block: "variable \"endpoint\" {\n  type      = string\n  sensitive = true\n}\n\n" +
				"provider \"tencentcloud\" {" + credentials + "  endpoints = { apigateway = var.endpoint }\n}\n",
			env: []string{"TF_VAR_endpoint=" + endpoint},
		},
		"environment": {
			block: "provider \"tencentcloud\" {" + credentials + "}\n",
			env:   []string{"TENCENTCLOUD_APIGATEWAY_ENDPOINT=" + endpoint},
		},
	}
	for name, tc := range cases {
		cli.WriteConfig(tc.block + keyConfig)
		out, err := cli.Run(tc.env, "plan", "-no-color")
		if err == nil {
			t.Errorf("%s: the plan accepted an endpoint with user information:\n%s", name, out)
			continue
		}
		if strings.Contains(out, token) || strings.Contains(out, "proxy-user") {
			t.Errorf("%s: the CLI output shows the endpoint's user information:\n%s", name, out)
		}
		if !acctest.WordsRegexp(`"https://REDACTED@proxy.example:8443" must be scheme://host[:port] with no user information`).MatchString(out) {
			t.Errorf("%s: the error does not show the redacted endpoint and why it is refused:\n%s", name, out)
		}
	}
}
