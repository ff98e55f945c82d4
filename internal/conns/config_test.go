package conns

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw, scheme, host string
		ok                bool
	}{
		{"http://127.0.0.1:8080", "HTTP", "127.0.0.1:8080", true},
		{"https://apigateway.internal.example", "HTTPS", "apigateway.internal.example", true},
		{"HTTPS://proxy.example:8443/", "HTTPS", "proxy.example:8443", true},
		{"ftp://127.0.0.1", "", "", false},
		{"127.0.0.1:8080", "", "", false},
		{"http://", "", "", false},
		{"http://host/some/path", "", "", false},
		{"http://host?x=1", "", "", false},
		{"http://user:pw@host", "", "", false},
	}
	for _, tc := range cases {
		scheme, host, err := ParseEndpoint(tc.raw)
		if (err == nil) != tc.ok || scheme != tc.scheme || host != tc.host {
			t.Errorf("ParseEndpoint(%q) = %q, %q, %v; want %q, %q, ok=%v", tc.raw, scheme, host, err, tc.scheme, tc.host, tc.ok)
		}
	}
}

// User information in an endpoint is a credential: no error quotes it,
// whichever check rejects the URL.
func TestParseEndpointRedactsUserInfo(t *testing.T) {
	t.Parallel()
	const token = "tok3nS3cret"
	cases := map[string]struct{ raw, shown string }{
		"user and password":      {"https://user:" + token + "@proxy.example", `"https://REDACTED@proxy.example"`},
		"token as user":          {"https://" + token + "@proxy.example:8443", `"https://REDACTED@proxy.example:8443"`},
		"with a path":            {"https://user:" + token + "@proxy.example/v1", `"https://REDACTED@proxy.example/v1"`},
		"slash in the password":  {"https://user:" + token + "/x@proxy.example", `"https://REDACTED@proxy.example"`},
		"does not parse":         {"https://user:" + token + "@proxy example", `"https://REDACTED@proxy example"`},
		"bad escape in password": {"https://user:" + token + "%zz@proxy.example", `"https://REDACTED@proxy.example"`},
		"no scheme":              {"user:" + token + "@proxy.example", `"REDACTED@proxy.example"`},
		"other scheme":           {"ftp://user:" + token + "@proxy.example", `"ftp://REDACTED@proxy.example"`},
	}
	for name, tc := range cases {
		_, _, err := ParseEndpoint(tc.raw)
		if err == nil {
			t.Errorf("%s: ParseEndpoint accepted an endpoint with user information", name)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, token) || strings.Contains(msg, "user:") {
			t.Errorf("%s: the error quotes the user information: %s", name, msg)
		}
		if !strings.Contains(msg, tc.shown) || !strings.Contains(msg, "no user information") {
			t.Errorf("%s: the error %q does not show %s and say why", name, msg, tc.shown)
		}
	}
	if got := RedactEndpoint("https://proxy.example:8443"); got != "https://proxy.example:8443" {
		t.Errorf("RedactEndpoint changed an endpoint without user information: %q", got)
	}
}

func TestConfigEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		cfg          Config
		scheme, host string
	}{
		{"defaults", Config{}, "HTTPS", "apigateway.tencentcloudapi.com"},
		{"protocol and domain", Config{Protocol: "HTTP", Domain: "internal.tencentcloudapi.com"}, "HTTP", "apigateway.internal.tencentcloudapi.com"},
		{"endpoint wins", Config{Protocol: "HTTPS", Domain: "x.com", Endpoint: "http://127.0.0.1:9000"}, "HTTP", "127.0.0.1:9000"},
	}
	for _, tc := range cases {
		scheme, host, err := tc.cfg.endpoint()
		if err != nil || scheme != tc.scheme || host != tc.host {
			t.Errorf("%s: got %q %q %v, want %q %q", tc.name, scheme, host, err, tc.scheme, tc.host)
		}
	}
	if _, _, err := (Config{Protocol: "FTP"}).endpoint(); err == nil {
		t.Error("an unknown protocol must be an error")
	}
}

// Credential sources are read from the environment and the home directory,
// so these tests change both and cannot run in parallel.
func TestCredentialSources(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", "")
	os.Unsetenv("TENCENTCLOUD_CREDENTIALS_FILE")
	t.Setenv("TCCLI_PROFILE", "")
	os.Unsetenv("TCCLI_PROFILE")

	if _, err := (Config{}).credential(); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("with no source: got %v, want ErrNoCredentials", err)
	}
	if _, err := (Config{SecretID: "AKIDonly"}).credential(); err == nil {
		t.Fatal("a SecretId without a SecretKey must be an error")
	}

	cred, err := (Config{SecretID: "AKIDstatic", SecretKey: "static-key", SecurityToken: "tok"}).credential()
	if err != nil {
		t.Fatal(err)
	}
	if id, key, token := cred.GetCredential(); id != "AKIDstatic" || key != "static-key" || token != "tok" {
		t.Fatalf("static credential: got %q %q %q", id, key, token)
	}

	// With no static keys, the SDK's tccli profile is used.
	if err := os.MkdirAll(filepath.Join(home, ".tccli"), 0o700); err != nil {
		t.Fatal(err)
	}
	profile := `{"secretId": "AKIDfromtccli", "secretKey": "tccli-key"}`
	if err := os.WriteFile(filepath.Join(home, ".tccli", "default.credential"), []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	cred, err = (Config{}).credential()
	if err != nil {
		t.Fatal(err)
	}
	if id, _, _ := cred.GetCredential(); id != "AKIDfromtccli" {
		t.Fatalf("tccli profile: got SecretId %q", id)
	}
}

// Without a named profile, TCCLI_PROFILE still picks the fallback tccli
// profile, as the SDK's provider did.
func TestFallbackProfileHonoursTCCLIProfile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", "")
	os.Unsetenv("TENCENTCLOUD_CREDENTIALS_FILE")
	t.Setenv("TCCLI_PROFILE", "staging")
	dir := filepath.Join(home, ".tccli")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "staging.credential"), []byte(`{"secretId": "AKIDstaging", "secretKey": "k"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cred, err := (Config{}).credential()
	if err != nil {
		t.Fatal(err)
	}
	if id := cred.GetSecretId(); id != "AKIDstaging" {
		t.Fatalf("got SecretId %q, want the staging profile's", id)
	}
}
