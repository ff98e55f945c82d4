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

// Issue 15, item 6: a credentials file of the SDK that exists but cannot be
// used is an error naming it, without its content; only a missing file
// lets the next source (here another account's tccli profile) be used.
func TestMalformedCredentialsFileIsAnError(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TCCLI_PROFILE", "")
	os.Unsetenv("TCCLI_PROFILE")
	if err := os.MkdirAll(filepath.Join(home, ".tccli"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".tccli", "default.credential"), []byte(`{"secretId": "AKIDotheraccount", "secretKey": "k"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const leaked = "s3cr3tKeyMaterialInTheFile"
	write := func(path, content string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	named := write(filepath.Join(t.TempDir(), "creds.ini"), "[default]\nsecret_id = AKIDfile\nsecret-key = "+leaked+"\n")
	home1 := write(filepath.Join(home, ".tencentcloud", "credentials"), "[default\nsecret_key = "+leaked+"\n")

	// In this order: the named file is read before the one in the home
	// folder, so the second case unsets the variable.
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", named)
	for _, tc := range []struct{ name, path string }{{"TENCENTCLOUD_CREDENTIALS_FILE", named}, {"~/.tencentcloud/credentials", home1}} {
		if tc.name != "TENCENTCLOUD_CREDENTIALS_FILE" {
			os.Unsetenv("TENCENTCLOUD_CREDENTIALS_FILE")
		}
		_, err := (Config{}).credential()
		if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), "malformed") || strings.Contains(err.Error(), leaked) {
			t.Fatalf("%s malformed: got %v; want an error naming %s and not quoting it", tc.name, err, tc.path)
		}
	}

	// Missing: the next source.
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", filepath.Join(home, "nope"))
	cred, err := (Config{}).credential()
	if err != nil || cred.GetSecretId() != "AKIDotheraccount" {
		t.Fatalf("a missing credentials file must fall through to the tccli profile: %v", err)
	}
	// Well-formed: used.
	write(named, "[default]\nsecret_id = AKIDfile\nsecret_key = k\n")
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", named)
	plan, err := (Config{}).resolveCredentials()
	if err != nil || plan.source.GetSecretId() != "AKIDfile" || !strings.Contains(plan.sourceName, named) {
		t.Fatalf("a valid credentials file: %+v, %v", plan, err)
	}
}

// Issue 15, item 6: a profile name is a file name in the shared folder; a
// path separator or ".." in it is refused, from the configuration and
// from TENCENTCLOUD_PROFILE or TCCLI_PROFILE alike, before any file is read.
func TestProfileNameCannotLeaveTheFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", "")
	os.Unsetenv("TENCENTCLOUD_CREDENTIALS_FILE")
	dir := filepath.Join(home, "profiles")
	outside := filepath.Join(home, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// A readable credential outside the folder: the names below reach it.
	if err := os.WriteFile(filepath.Join(outside, "x.credential"), []byte(`{"secretId": "AKIDoutside", "secretKey": "k"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../outside/x", "..", "a/b", `a\b`, "x..y"} {
		if _, err := (Config{Profile: name, SharedCredentialsDir: dir}).resolveCredentials(); err == nil || !strings.Contains(err.Error(), "path separator") {
			t.Errorf("profile %q: got %v, want a refusal", name, err)
		}
	}
	t.Setenv("TCCLI_PROFILE", "../../"+filepath.Base(home)+"/outside/x")
	if _, err := (Config{}).resolveCredentials(); err == nil || !strings.Contains(err.Error(), "path separator") {
		t.Errorf("TCCLI_PROFILE with ..: got %v, want a refusal", err)
	}
	if err := ValidateProfileName("team-a.prod_1"); err != nil {
		t.Errorf("a plain name was refused: %v", err)
	}
}
