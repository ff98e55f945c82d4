package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/validators"
)

// Environment variables of the keyless credentials, named as the existing
// TencentCloud provider names them.
const (
	EnvAssumeRoleARN             = "TENCENTCLOUD_ASSUME_ROLE_ARN"
	EnvAssumeRoleSessionName     = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"
	EnvAssumeRoleSessionDuration = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"
	EnvAssumeRoleExternalID      = "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"
	EnvWebIdentityToken          = "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN"
	EnvWebIdentityTokenFile      = "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE"
	EnvWebIdentityProviderID     = "TENCENTCLOUD_ASSUME_ROLE_PROVIDER_ID"
	EnvProfile                   = "TENCENTCLOUD_PROFILE"
	EnvSharedCredentialsDir      = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	EnvSTSEndpoint               = "TENCENTCLOUD_STS_ENDPOINT"
)

type assumeRoleModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	Policy          types.String `tfsdk:"policy"`
	ExternalID      types.String `tfsdk:"external_id"`
}

type webIdentityModel struct {
	ProviderID       types.String `tfsdk:"provider_id"`
	RoleARN          types.String `tfsdk:"role_arn"`
	SessionName      types.String `tfsdk:"session_name"`
	SessionDuration  types.Int64  `tfsdk:"session_duration"`
	WebIdentityToken types.String `tfsdk:"web_identity_token"`
	TokenFile        types.String `tfsdk:"web_identity_token_file"`
}

var (
	roleARNValidator = stringvalidator.RegexMatches(regexp.MustCompile(`^qcs::cam::uin/[0-9]+:roleName/[\w+=,.@-]+$`),
		"must be a CAM role ARN: qcs::cam::uin/<account ID>:roleName/<role name>")
	sessionNameValidator = stringvalidator.RegexMatches(regexp.MustCompile(`^[\w+=,.@-]{2,128}$`),
		"must be 2 to 128 letters, digits and the characters +=,.@_-")
	durationValidator = int64validator.Between(0, conns.MaxSessionDuration)
	accountIDs        = []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
		stringvalidator.RegexMatches(regexp.MustCompile(`^[0-9]+$`), "must be a numeric account ID (UIN)"))}
)

// credentialAttributes are the provider's top-level keyless arguments.
func credentialAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"profile": schema.StringAttribute{
			MarkdownDescription: "The tccli profile to use: `<shared_credentials_dir>/<profile>.credential` holds `secretId`, `secretKey`, an optional `token`, " +
				"and optionally `role-arn` with `role-session-name` (that role is then assumed); the region comes from `<profile>.configure`. " +
				"Also `" + EnvProfile + "`. Defaults to `default`. A name with a path separator or `..` is refused.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), validators.ProfileName()},
		},
		"shared_credentials_dir": schema.StringAttribute{
			MarkdownDescription: "The folder of the tccli profiles. Also `" + EnvSharedCredentialsDir + "`. Defaults to `~/.tccli`.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"allowed_account_ids": schema.SetAttribute{
			MarkdownDescription: "Account IDs (UINs) the provider may work in. Before its first API call the provider asks STS `GetCallerIdentity` once " +
				"which account its credentials act in, and refuses to go on, naming the account, when it is not listed. Conflicts with `forbidden_account_ids`.",
			Optional:    true,
			ElementType: types.StringType,
			Validators:  append([]validator.Set{setvalidator.ConflictsWith(path.MatchRoot("forbidden_account_ids"))}, accountIDs...),
		},
		"forbidden_account_ids": schema.SetAttribute{
			MarkdownDescription: "Account IDs (UINs) the provider must not work in, checked like `allowed_account_ids`: a guard for a pipeline pointed at production by mistake.",
			Optional:            true,
			ElementType:         types.StringType,
			Validators:          accountIDs,
		},
	}
}

// credentialBlocks are the role blocks.
func credentialBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"assume_role": schema.SingleNestedBlock{
			MarkdownDescription: "Assume a CAM role with STS `AssumeRole`, signed by the static or profile keys. The role's temporary credentials are " +
				"obtained at the first API call and refreshed before they expire. Each argument also comes from its environment variable.",
			Validators: []validator.Object{objectvalidator.ConflictsWith(path.MatchRoot("assume_role_with_web_identity"))},
			Attributes: map[string]schema.Attribute{
				"role_arn": schema.StringAttribute{
					MarkdownDescription: "The role's ARN, `qcs::cam::uin/<account ID>:roleName/<name>`. Also `" + EnvAssumeRoleARN + "`. Required.",
					Optional:            true, Validators: []validator.String{roleARNValidator},
				},
				"session_name": schema.StringAttribute{
					MarkdownDescription: "The role session name, shown in CloudAudit. Also `" + EnvAssumeRoleSessionName + "`. Required.",
					Optional:            true, Validators: []validator.String{sessionNameValidator},
				},
				"session_duration": schema.Int64Attribute{
					MarkdownDescription: fmt.Sprintf("Seconds the credentials are asked to last, 0 to %d; STS may grant less. Also `%s`. Defaults to %d.",
						conns.MaxSessionDuration, EnvAssumeRoleSessionDuration, conns.DefaultSessionDuration),
					Optional: true, Validators: []validator.Int64{durationValidator},
				},
				"policy": schema.StringAttribute{
					MarkdownDescription: "A JSON policy document that further restricts the session. Kept out of logs.",
					Optional:            true, Sensitive: true,
				},
				"external_id": schema.StringAttribute{
					MarkdownDescription: "The external ID the role's trust policy requires. Also `" + EnvAssumeRoleExternalID + "`.",
					Optional:            true, Sensitive: true,
					Validators: []validator.String{stringvalidator.LengthBetween(2, 128)},
				},
			},
		},
		"assume_role_with_web_identity": schema.SingleNestedBlock{
			MarkdownDescription: "Exchange an OIDC token (from GitHub Actions, GitLab CI, ...) for a CAM role's temporary credentials with STS " +
				"`AssumeRoleWithWebIdentity`; no SecretId or SecretKey is needed. The token file is read again before every exchange, " +
				"and the credentials are refreshed before they expire. Each argument also comes from its environment variable.",
			Attributes: map[string]schema.Attribute{
				"provider_id": schema.StringAttribute{
					MarkdownDescription: "The name of the CAM OIDC identity provider. Also `" + EnvWebIdentityProviderID + "`. Defaults to `" + conns.DefaultProviderID + "`.",
					Optional:            true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				},
				"role_arn": schema.StringAttribute{
					MarkdownDescription: "The role's ARN. Also `" + EnvAssumeRoleARN + "`. Required.",
					Optional:            true, Validators: []validator.String{roleARNValidator},
				},
				"session_name": schema.StringAttribute{
					MarkdownDescription: "The role session name. Also `" + EnvAssumeRoleSessionName + "`. Required.",
					Optional:            true, Validators: []validator.String{sessionNameValidator},
				},
				"session_duration": schema.Int64Attribute{
					MarkdownDescription: fmt.Sprintf("Seconds the credentials are asked to last, 0 to %d. Also `%s`. Defaults to %d.",
						conns.MaxSessionDuration, EnvAssumeRoleSessionDuration, conns.DefaultSessionDuration),
					Optional: true, Validators: []validator.Int64{durationValidator},
				},
				"web_identity_token": schema.StringAttribute{
					MarkdownDescription: "The OIDC token (JWT) itself. Also `" + EnvWebIdentityToken + "`. Conflicts with `web_identity_token_file`.",
					Optional:            true, Sensitive: true,
					Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("web_identity_token_file"))},
				},
				"web_identity_token_file": schema.StringAttribute{
					MarkdownDescription: "A file holding the token, as a raw JWT or as `{\"web_identity_token\": \"<jwt>\"}`; read again before every exchange. " +
						"Also `" + EnvWebIdentityTokenFile + "`.",
					Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				},
			},
		},
	}
}

// resolveCredentialConfig fills the keyless part of cfg: each value from
// the provider block, then its environment variable. A web identity token
// (block or environment) makes the role variables its own; otherwise
// TENCENTCLOUD_ASSUME_ROLE_ARN alone asks for assume_role.
func resolveCredentialConfig(m providerModel, getenv func(string) string, cfg *conns.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	str := func(attr path.Path, v types.String, env string) string {
		if v.IsUnknown() {
			diags.AddAttributeError(attr, "Unknown provider configuration value",
				"The provider cannot be configured with a value that is known only after apply. Set "+attr.String()+
					" to a literal or a variable"+orEnv(env)+".")
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		if env == "" {
			return ""
		}
		return getenv(env)
	}
	duration := func(attr path.Path, v types.Int64) int {
		switch {
		case v.IsUnknown():
			diags.AddAttributeError(attr, "Unknown provider configuration value",
				"The provider cannot be configured with a "+attr.String()+" that is known only after apply.")
		case !v.IsNull():
			return int(v.ValueInt64())
		default:
			raw := getenv(EnvAssumeRoleSessionDuration)
			if raw == "" {
				return 0
			}
			n, err := strconv.Atoi(raw)
			if err != nil || conns.ValidateSessionDuration(n) != nil {
				diags.AddAttributeError(attr, "Invalid session duration",
					fmt.Sprintf("%s must be a whole number of seconds between 0 and %d, got %q.", EnvAssumeRoleSessionDuration, conns.MaxSessionDuration, raw))
			}
			return n
		}
		return 0
	}

	cfg.Profile = str(path.Root("profile"), m.Profile, EnvProfile)
	// The schema validator did not see a value from the environment.
	if err := conns.ValidateProfileName(cfg.Profile); err != nil {
		diags.AddAttributeError(path.Root("profile"), "Invalid profile name", "profile (or "+EnvProfile+"): the "+err.Error()+".")
	}
	cfg.SharedCredentialsDir = expandHome(str(path.Root("shared_credentials_dir"), m.SharedCredentialsDir, EnvSharedCredentialsDir))
	endpoint := types.StringNull()
	if m.Endpoints != nil {
		endpoint = m.Endpoints.STS
	}
	cfg.STSEndpoint = str(path.Root("endpoints").AtName("sts"), endpoint, EnvSTSEndpoint)
	if cfg.STSEndpoint != "" {
		if _, _, err := conns.ParseEndpoint(cfg.STSEndpoint); err != nil {
			diags.AddAttributeError(path.Root("endpoints").AtName("sts"), "Invalid endpoint",
				"endpoints.sts (or "+EnvSTSEndpoint+"): the endpoint "+err.Error()+".")
		}
	}
	cfg.AllowedAccountIDs = setStrings(m.AllowedAccountIDs, path.Root("allowed_account_ids"), &diags)
	cfg.ForbiddenAccountIDs = setStrings(m.ForbiddenAccountIDs, path.Root("forbidden_account_ids"), &diags)

	webFromEnv := getenv(EnvWebIdentityToken) != "" || getenv(EnvWebIdentityTokenFile) != ""
	if w := m.WebIdentity; w != nil || webFromEnv {
		if w == nil {
			w = &webIdentityModel{}
		}
		at := path.Root("assume_role_with_web_identity")
		web := &conns.WebIdentityConfig{
			ProviderID:      str(at.AtName("provider_id"), w.ProviderID, EnvWebIdentityProviderID),
			RoleARN:         str(at.AtName("role_arn"), w.RoleARN, EnvAssumeRoleARN),
			SessionName:     str(at.AtName("session_name"), w.SessionName, EnvAssumeRoleSessionName),
			SessionDuration: duration(at.AtName("session_duration"), w.SessionDuration),
		}
		// The token and its file are one choice: set in the block, the
		// environment's pair is ignored.
		if w.WebIdentityToken.IsNull() && w.TokenFile.IsNull() {
			web.Token, web.TokenFile = getenv(EnvWebIdentityToken), getenv(EnvWebIdentityTokenFile)
		} else {
			web.Token = str(at.AtName("web_identity_token"), w.WebIdentityToken, "")
			web.TokenFile = str(at.AtName("web_identity_token_file"), w.TokenFile, "")
		}
		web.TokenFile = expandHome(web.TokenFile)
		requireRoleFields(&diags, at, web.RoleARN, web.SessionName)
		cfg.WebIdentity = web
	}

	roleFromEnv := getenv(EnvAssumeRoleARN) != "" && cfg.WebIdentity == nil
	if a := m.AssumeRole; a != nil || roleFromEnv {
		if a == nil {
			a = &assumeRoleModel{}
		}
		at := path.Root("assume_role")
		role := &conns.AssumeRoleConfig{
			RoleARN:         str(at.AtName("role_arn"), a.RoleARN, EnvAssumeRoleARN),
			SessionName:     str(at.AtName("session_name"), a.SessionName, EnvAssumeRoleSessionName),
			SessionDuration: duration(at.AtName("session_duration"), a.SessionDuration),
			Policy:          str(at.AtName("policy"), a.Policy, ""),
			ExternalID:      str(at.AtName("external_id"), a.ExternalID, EnvAssumeRoleExternalID),
		}
		requireRoleFields(&diags, at, role.RoleARN, role.SessionName)
		cfg.AssumeRole = role
	}
	return diags
}

func requireRoleFields(diags *diag.Diagnostics, block path.Path, roleARN, session string) {
	if roleARN == "" {
		diags.AddAttributeError(block.AtName("role_arn"), "Missing role ARN",
			block.String()+" needs role_arn, or the "+EnvAssumeRoleARN+" environment variable.")
	}
	if session == "" {
		diags.AddAttributeError(block.AtName("session_name"), "Missing session name",
			block.String()+" needs session_name, or the "+EnvAssumeRoleSessionName+" environment variable.")
	}
}

func orEnv(env string) string {
	if env == "" {
		return ""
	}
	return ", or use the " + env + " environment variable"
}

func setStrings(v types.Set, attr path.Path, diags *diag.Diagnostics) []string {
	if v.IsNull() {
		return nil
	}
	if v.IsUnknown() {
		diags.AddAttributeError(attr, "Unknown provider configuration value",
			"The provider cannot be configured with "+attr.String()+" known only after apply.")
		return nil
	}
	var out []string
	diags.Append(v.ElementsAs(context.Background(), &out, false)...)
	return out
}

// expandHome expands a leading ~/ as shells do.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}
