package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(raw string) *validator.StringResponse {
	resp := &validator.StringResponse{}
	Endpoint().ValidateString(context.Background(), validator.StringRequest{
		Path:        path.Root("endpoints").AtName("apigateway"),
		ConfigValue: types.StringValue(raw),
	}, resp)
	return resp
}

func TestEndpoint(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:8080", "https://proxy.example:8443/"} {
		if resp := validate(ok); resp.Diagnostics.HasError() {
			t.Errorf("%s: unexpected error %v", ok, resp.Diagnostics)
		}
	}
	for _, bad := range []string{"ftp://127.0.0.1", "127.0.0.1:8080", "http://host/v1"} {
		if resp := validate(bad); !resp.Diagnostics.HasError() {
			t.Errorf("%s: expected an error", bad)
		}
	}
}

// The attribute error for an endpoint with user information shows the
// endpoint with it redacted, never the credential.
func TestEndpointRedactsUserInfo(t *testing.T) {
	t.Parallel()
	const token = "cfgTok3nS3cret"
	resp := validate("https://user:" + token + "@proxy.example")
	if !resp.Diagnostics.HasError() {
		t.Fatal("expected an error")
	}
	detail := resp.Diagnostics.Errors()[0].Detail()
	if strings.Contains(detail, token) || strings.Contains(detail, "user:") {
		t.Fatalf("the error quotes the user information: %s", detail)
	}
	if !strings.Contains(detail, `"https://REDACTED@proxy.example"`) {
		t.Fatalf("the error does not show the redacted endpoint: %s", detail)
	}
}
