package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// TestProtocolErrorsSDK sends requests signed by the SDK's own signer through
// CommonRequest, which allows any action, version and parameters.
func TestProtocolErrorsSDK(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	tests := []struct {
		name    string
		version string
		action  string
		params  map[string]any
		want    string
	}{
		{"known action", emulator.APIVersion, "DescribeApiKeysStatus", map[string]any{"Limit": 5}, ""},
		{"unknown action", emulator.APIVersion, "DescribeApiKeys", nil, "InvalidAction"},
		{"other version", "2017-03-12", "DescribeApiKeysStatus", nil, "NoSuchVersion"},
		{"unknown parameter", emulator.APIVersion, "CreateApiKey", map[string]any{"SecretName": "x", "Description": "y"}, "UnknownParameter"},
		{"parameter names are case-sensitive", emulator.APIVersion, "CreateApiKey", map[string]any{"secretName": "x"}, "UnknownParameter"},
		{"unknown parameter in a filter", emulator.APIVersion, "DescribeApiKeysStatus",
			map[string]any{"Filters": []any{map[string]any{"Name": "Status", "Values": []string{"1"}, "Op": "eq"}}}, "UnknownParameter"},
		{"wrong parameter type", emulator.APIVersion, "DescribeApiKeysStatus", map[string]any{"Limit": "ten"}, "InvalidParameter"},
		{"wrong type in a filter", emulator.APIVersion, "DescribeApiKeysStatus",
			map[string]any{"Filters": []any{map[string]any{"Name": "Status", "Values": "1"}}}, "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := e.commonCall(t, tt.version, tt.action, tt.params)
			wantCode(t, err, tt.want)
			if tt.want == "" {
				if _, ok := resp["Response"].(map[string]any)["Result"]; !ok {
					t.Errorf("response lacks Result: %v", resp)
				}
			}
		})
	}
	if len(e.emu.Keys()) != 0 {
		t.Error("rejected calls created keys")
	}
}

// TestProtocolErrorsRaw covers what no SDK sends.
func TestProtocolErrorsRaw(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	tests := []struct {
		name string
		rr   rawRequest
		want string
	}{
		{"GET", rawRequest{method: http.MethodGet, action: "DescribeApiKeysStatus"}, "UnsupportedProtocol"},
		{"body over 10 MiB", rawRequest{action: "CreateApiKey", body: `{"SecretName":"` + strings.Repeat("a", 10<<20) + `"}`}, "RequestSizeLimitExceeded"},
		{"malformed JSON", rawRequest{action: "CreateApiKey", body: `{"SecretName":`}, "InvalidParameter"},
		{"empty body", rawRequest{action: "DescribeApiKeysStatus", body: ``}, "InvalidParameter"},
		{"JSON array body", rawRequest{action: "DescribeApiKeysStatus", body: `[]`}, "InvalidParameter"},
		{"form body", rawRequest{action: "CreateApiKey", body: `SecretName=x`, contentType: "application/x-www-form-urlencoded"}, "UnsupportedProtocol"},
		{"no version", rawRequest{action: "DescribeApiKeysStatus", body: `{}`, mutate: func(r *http.Request) { r.Header.Del("X-TC-Version") }}, "MissingParameter"},
		{"no action", rawRequest{body: `{}`}, "MissingParameter"},
		{"authentication comes before the action", rawRequest{action: "Nope", body: `{}`, secretKey: "wrong"}, "AuthFailure.SignatureFailure"},
		{"empty object", rawRequest{action: "DescribeApiKeysStatus", body: `{}`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := sendRaw(t, e.newRaw(t, tt.rr)).code(); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("other paths are not found", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Post(e.ts.URL+"/v3/", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", resp.StatusCode)
		}
	})
}
