package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// ProviderBlockWith is a provider block for the emulator (API Gateway and
// STS on its one listener) with auth as the authentication part, for
// tests of the keyless credentials. It needs the emulator.
func (e *Env) ProviderBlockWith(auth string) string {
	e.t.Helper()
	e.NeedsEmulator("the keyless credential tests configure the emulator's roles and identity provider")
	return fmt.Sprintf(`
provider %q {
  region = %q
  endpoints = {
    apigateway = %q
    sts        = %q
  }
%s
}
`, ProviderName, conns.DefaultRegion, e.Endpoint, e.Endpoint, auth)
}

// NeedsEmulator skips the test, giving why, when it runs against TencentCloud.
func (e *Env) NeedsEmulator(why string) {
	e.t.Helper()
	if e.Emulator == nil {
		e.t.Skip("needs the emulator: " + why)
	}
}

// StaticKeys is the emulator's long-term key as provider arguments.
func StaticKeys() string {
	return fmt.Sprintf("  secret_id  = %q\n  secret_key = %q\n", emulator.DefaultSecretID, emulator.DefaultSecretKey)
}

// AssumeRoleBlock is an assume_role block (extra lines may add arguments).
func AssumeRoleBlock(roleARN, session, extra string) string {
	return fmt.Sprintf("  assume_role {\n    role_arn     = %q\n    session_name = %q\n%s  }\n", roleARN, session, extra)
}

// WebIdentityBlock is an assume_role_with_web_identity block; tokenArg is
// the token line (web_identity_token = ... or web_identity_token_file = ...).
func WebIdentityBlock(providerID, roleARN, session, tokenArg string) string {
	return fmt.Sprintf("  assume_role_with_web_identity {\n    provider_id  = %q\n    role_arn     = %q\n    session_name = %q\n    %s\n  }\n",
		providerID, roleARN, session, tokenArg)
}

// WriteTokenFile writes a token file in the test's temporary folder.
func WriteTokenFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "web-identity-token")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// CheckCalledAs checks that every call of the given actions since the
// apply started was signed by a caller whose ARN contains want (e.g.
// "assumed-role/").
func (e *Env) CheckCalledAs(want string, actions ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.Emulator == nil {
			return nil
		}
		seen := 0
		for _, c := range e.Emulator.Calls() {
			for _, a := range actions {
				if c.Action != a {
					continue
				}
				seen++
				if !strings.Contains(c.Caller, want) {
					return fmt.Errorf("%s was signed by %q, want a caller matching %q", c.Action, c.Caller, want)
				}
			}
		}
		if seen == 0 {
			return fmt.Errorf("no call of %v in the emulator's log", actions)
		}
		return nil
	}
}

// CheckNoKeysNorWrites checks that the emulator holds no key and that no
// API Gateway write was sent: for configurations that must fail before.
func (e *Env) CheckNoKeysNorWrites() error {
	if e.Emulator == nil {
		return nil
	}
	if keys := e.Emulator.Keys(); len(keys) != 0 {
		return fmt.Errorf("%d key(s) exist, want none", len(keys))
	}
	for _, c := range e.Emulator.Calls() {
		switch c.Action {
		case "CreateApiKey", "UpdateApiKey", "EnableApiKey", "DisableApiKey", "DeleteApiKey":
			return fmt.Errorf("%s was sent", c.Action)
		}
	}
	return nil
}

// WriteProfile writes <dir>/<name>.credential in the tccli format.
func WriteProfile(t *testing.T, dir, name, credential string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".credential"), []byte(credential), 0o600); err != nil {
		t.Fatal(err)
	}
}
