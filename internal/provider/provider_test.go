package provider

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolveConfigPrecedence(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{
		EnvSecretID:           "AKIDenv",
		EnvSecretKey:          "env-key",
		EnvSecurityToken:      "env-token",
		EnvRegion:             "ap-shanghai",
		EnvProtocol:           "HTTP",
		EnvDomain:             "env.example",
		EnvAPIGatewayEndpoint: "http://127.0.0.1:7000",
	})

	// The provider block wins over the environment.
	cfg, diags := resolveConfig(providerModel{
		SecretID:      types.StringValue("AKIDblock"),
		SecretKey:     types.StringValue("block-key"),
		SecurityToken: types.StringValue("block-token"),
		Region:        types.StringValue("ap-beijing"),
		Protocol:      types.StringValue("HTTPS"),
		Domain:        types.StringValue("block.example"),
		Endpoints:     &endpointsModel{APIGateway: types.StringValue("https://proxy.example:8443")},
		RateLimit:     types.Int64Value(5),
	}, env)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := conns.Config{SecretID: "AKIDblock", SecretKey: "block-key", SecurityToken: "block-token", Region: "ap-beijing",
		Protocol: "HTTPS", Domain: "block.example", Endpoint: "https://proxy.example:8443", RateLimit: 5}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("block values: got %+v, want %+v", cfg, want)
	}

	// The environment fills what the block leaves out.
	cfg, diags = resolveConfig(nullModel(), env)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want = conns.Config{SecretID: "AKIDenv", SecretKey: "env-key", SecurityToken: "env-token", Region: "ap-shanghai",
		Protocol: "HTTP", Domain: "env.example", Endpoint: "http://127.0.0.1:7000", RateLimit: conns.DefaultRateLimit}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("environment values: got %+v, want %+v", cfg, want)
	}

	// Defaults fill the rest; the region is left to conns.New, where a
	// profile's region comes before the default.
	cfg, diags = resolveConfig(nullModel(), envOf(nil))
	if diags.HasError() {
		t.Fatal(diags)
	}
	want = conns.Config{Protocol: conns.DefaultProtocol, Domain: conns.DefaultDomain, RateLimit: conns.DefaultRateLimit}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("defaults: got %+v, want %+v", cfg, want)
	}
}

func nullModel() providerModel {
	return providerModel{
		SecretID: types.StringNull(), SecretKey: types.StringNull(), SecurityToken: types.StringNull(),
		Region: types.StringNull(), Protocol: types.StringNull(), Domain: types.StringNull(),
		RateLimit: types.Int64Null(),
	}
}

func TestResolveConfigRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model providerModel
		env   map[string]string
		want  string
	}{
		"unknown secret_id": {
			model: func() providerModel { m := nullModel(); m.SecretID = types.StringUnknown(); return m }(),
			want:  "Unknown provider configuration value",
		},
		"unknown endpoint": {
			model: func() providerModel {
				m := nullModel()
				m.Endpoints = &endpointsModel{APIGateway: types.StringUnknown()}
				return m
			}(),
			want: "Unknown provider configuration value",
		},
		"protocol from the environment": {
			model: nullModel(),
			env:   map[string]string{EnvProtocol: "FTP"},
			want:  "Invalid protocol",
		},
		"endpoint from the environment": {
			model: nullModel(),
			env:   map[string]string{EnvAPIGatewayEndpoint: "localhost:9000"},
			want:  "Invalid endpoint",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, diags := resolveConfig(tc.model, envOf(tc.env))
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			if got := diags.Errors()[0].Summary(); got != tc.want {
				t.Fatalf("summary %q, want %q", got, tc.want)
			}
		})
	}
}

// An endpoint from the environment with user information is rejected
// without quoting the credential in it.
func TestResolveConfigRedactsEndpointUserInfo(t *testing.T) {
	t.Parallel()
	const token = "envTok3nS3cret"
	_, diags := resolveConfig(nullModel(), envOf(map[string]string{EnvAPIGatewayEndpoint: "https://proxy:" + token + "@proxy.example"}))
	if !diags.HasError() {
		t.Fatal("expected an error")
	}
	detail := diags.Errors()[0].Detail()
	if strings.Contains(detail, token) {
		t.Fatalf("the error quotes the endpoint's user information: %s", detail)
	}
	if !strings.Contains(detail, `"https://REDACTED@proxy.example"`) || !strings.Contains(detail, EnvAPIGatewayEndpoint) {
		t.Fatalf("the error does not show the redacted endpoint and where it came from: %s", detail)
	}
}
