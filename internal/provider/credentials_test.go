package provider

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

const testRole = "qcs::cam::uin/100000000001:roleName/terraform-ci"

func TestResolveWebIdentityFromEnvironment(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{
		EnvWebIdentityTokenFile:      "/run/token",
		EnvAssumeRoleARN:             testRole,
		EnvAssumeRoleSessionName:     "ci",
		EnvAssumeRoleSessionDuration: "900",
		EnvWebIdentityProviderID:     "github",
		EnvSTSEndpoint:               "http://127.0.0.1:9000",
	})
	cfg, diags := resolveConfig(nullModel(), env)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := &conns.WebIdentityConfig{ProviderID: "github", RoleARN: testRole, SessionName: "ci", SessionDuration: 900, TokenFile: "/run/token"}
	if !reflect.DeepEqual(cfg.WebIdentity, want) {
		t.Fatalf("web identity: got %+v, want %+v", cfg.WebIdentity, want)
	}
	if cfg.AssumeRole != nil {
		t.Fatal("the role variables belong to web identity here, not to assume_role")
	}
	if cfg.STSEndpoint != "http://127.0.0.1:9000" {
		t.Fatalf("STS endpoint %q", cfg.STSEndpoint)
	}
}

func TestResolveBlocksWinOverEnvironment(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{
		EnvWebIdentityTokenFile:  "/run/token",
		EnvAssumeRoleARN:         testRole,
		EnvAssumeRoleSessionName: "env-session",
	})
	m := nullModel()
	m.WebIdentity = &webIdentityModel{WebIdentityToken: types.StringValue("inline.jwt.value"), SessionName: types.StringValue("block-session")}
	cfg, diags := resolveConfig(m, env)
	if diags.HasError() {
		t.Fatal(diags)
	}
	w := cfg.WebIdentity
	if w.Token != "inline.jwt.value" || w.TokenFile != "" || w.SessionName != "block-session" || w.RoleARN != testRole {
		t.Fatalf("got %+v: the block's token must replace the environment's token file; other values fall back", w)
	}

	// TENCENTCLOUD_ASSUME_ROLE_ARN alone asks for assume_role.
	cfg, diags = resolveConfig(nullModel(), envOf(map[string]string{
		EnvAssumeRoleARN: testRole, EnvAssumeRoleSessionName: "s1", EnvAssumeRoleExternalID: "ext-1",
	}))
	if diags.HasError() {
		t.Fatal(diags)
	}
	if a := cfg.AssumeRole; a == nil || a.RoleARN != testRole || a.ExternalID != "ext-1" || cfg.WebIdentity != nil {
		t.Fatalf("assume role from the environment: %+v", cfg.AssumeRole)
	}
}

func TestResolveCredentialErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model providerModel
		env   map[string]string
		want  string
	}{
		"block without role": {
			model: func() providerModel { m := nullModel(); m.AssumeRole = &assumeRoleModel{}; return m }(),
			want:  "assume_role needs role_arn, or the TENCENTCLOUD_ASSUME_ROLE_ARN environment variable",
		},
		"web identity without session": {
			env:  map[string]string{EnvWebIdentityToken: "x", EnvAssumeRoleARN: testRole},
			want: "needs session_name, or the TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME environment variable",
		},
		"duration from environment": {
			env:  map[string]string{EnvAssumeRoleARN: testRole, EnvAssumeRoleSessionName: "s1", EnvAssumeRoleSessionDuration: "50000"},
			want: "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION must be a whole number of seconds between 0 and 43200",
		},
		"unknown token": {
			model: func() providerModel {
				m := nullModel()
				m.WebIdentity = &webIdentityModel{WebIdentityToken: types.StringUnknown(), RoleARN: types.StringValue(testRole), SessionName: types.StringValue("s1")}
				return m
			}(),
			want: "known only after apply",
		},
		"STS endpoint": {
			env:  map[string]string{EnvSTSEndpoint: "sts.example"},
			want: "endpoints.sts (or TENCENTCLOUD_STS_ENDPOINT)",
		},
		"profile name from the environment leaving the folder": {
			env:  map[string]string{EnvProfile: "../../home/someone/.tccli/prod"},
			want: "profile (or TENCENTCLOUD_PROFILE): the profile name \"../../home/someone/.tccli/prod\" must not contain a path separator",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			model := tc.model
			if model.AssumeRole == nil && model.WebIdentity == nil {
				model = nullModel()
			}
			_, diags := resolveConfig(model, envOf(tc.env))
			if !diags.HasError() {
				t.Fatal("no error")
			}
			var all []string
			for _, d := range diags.Errors() {
				all = append(all, d.Detail())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("errors %q lack %q", all, tc.want)
			}
		})
	}
}
