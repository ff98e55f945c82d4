// Package provider is the tencentcloud provider: its configuration and the
// resources of every service package.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/service/apigateway"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/validators"
)

// Environment variables, named as the existing TencentCloud provider names them.
const (
	EnvSecretID           = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey          = "TENCENTCLOUD_SECRET_KEY"
	EnvSecurityToken      = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvRegion             = "TENCENTCLOUD_REGION"
	EnvProtocol           = "TENCENTCLOUD_PROTOCOL"
	EnvDomain             = "TENCENTCLOUD_DOMAIN"
	EnvAPIGatewayEndpoint = "TENCENTCLOUD_APIGATEWAY_ENDPOINT"
)

var (
	_ provider.Provider                       = (*tencentCloudProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*tencentCloudProvider)(nil)
	_ provider.ProviderWithListResources      = (*tencentCloudProvider)(nil)
	_ provider.ProviderWithActions            = (*tencentCloudProvider)(nil)
)

type tencentCloudProvider struct {
	version string
	commit  string
	// getenv is os.Getenv, replaceable in unit tests.
	getenv func(string) string
}

// New returns a constructor of the provider, as providerserver expects.
func New(version, commit string) func() provider.Provider {
	return func() provider.Provider {
		return &tencentCloudProvider{version: version, commit: commit, getenv: os.Getenv}
	}
}

type providerModel struct {
	SecretID      types.String    `tfsdk:"secret_id"`
	SecretKey     types.String    `tfsdk:"secret_key"`
	SecurityToken types.String    `tfsdk:"security_token"`
	Region        types.String    `tfsdk:"region"`
	Protocol      types.String    `tfsdk:"protocol"`
	Domain        types.String    `tfsdk:"domain"`
	Endpoints     *endpointsModel `tfsdk:"endpoints"`
	RateLimit     types.Int64     `tfsdk:"rate_limit"`

	// Keyless credentials (credentials.go).
	AssumeRole           *assumeRoleModel  `tfsdk:"assume_role"`
	WebIdentity          *webIdentityModel `tfsdk:"assume_role_with_web_identity"`
	Profile              types.String      `tfsdk:"profile"`
	SharedCredentialsDir types.String      `tfsdk:"shared_credentials_dir"`
	AllowedAccountIDs    types.Set         `tfsdk:"allowed_account_ids"`
	ForbiddenAccountIDs  types.Set         `tfsdk:"forbidden_account_ids"`
}

type endpointsModel struct {
	APIGateway types.String `tfsdk:"apigateway"`
	STS        types.String `tfsdk:"sts"`
}

func (p *tencentCloudProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tencentcloud"
	resp.Version = p.version
}

func (p *tencentCloudProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	defer func() {
		for name, attr := range credentialAttributes() {
			resp.Schema.Attributes[name] = attr
		}
		resp.Schema.Blocks = credentialBlocks()
	}()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages TencentCloud API Gateway API keys. Credentials, region and endpoint can come from the provider block or from the `TENCENTCLOUD_*` environment variables.",
		Attributes: map[string]schema.Attribute{
			"secret_id": schema.StringAttribute{
				MarkdownDescription: "The SecretId of the TencentCloud API credential. Also `" + EnvSecretID + "`. When neither this nor the environment variable is set, the SDK's credentials file and tccli profile are used.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "The SecretKey of the TencentCloud API credential. Also `" + EnvSecretKey + "`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          nonEmpty,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "The token of temporary credentials. Also `" + EnvSecurityToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "The region of the API calls. Also `" + EnvRegion + "`. Defaults to `" + conns.DefaultRegion + "`.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"protocol": schema.StringAttribute{
				MarkdownDescription: "`HTTPS` (default) or `HTTP`. Also `" + EnvProtocol + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("HTTPS", "HTTP")},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "The root domain of the API: calls go to `apigateway.<domain>`. Also `" + EnvDomain + "`. Defaults to `" + conns.DefaultDomain + "`.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"rate_limit": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most API calls per second of each action, shared by every resource of this provider instance. Defaults to %d, the API's limit; lower it when other tools share the account's limit.", conns.DefaultRateLimit),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 1000)},
			},
			"endpoints": schema.SingleNestedAttribute{
				MarkdownDescription: "Endpoint overrides, for a local emulator, private endpoints or proxies.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"apigateway": schema.StringAttribute{
						MarkdownDescription: "A full URL (`scheme://host[:port]`) that replaces the API Gateway endpoint. Also `" + EnvAPIGatewayEndpoint + "`. Takes precedence over `protocol` and `domain`.",
						Optional:            true,
						Validators:          []validator.String{validators.Endpoint()},
					},
					"sts": schema.StringAttribute{
						MarkdownDescription: "A full URL (`scheme://host[:port]`) that replaces the STS endpoint (`sts.<domain>`), used to assume roles and check the account. `http://` is honoured. Also `" + EnvSTSEndpoint + "`.",
						Optional:            true,
						Validators:          []validator.String{validators.Endpoint()},
					},
				},
			},
		},
	}
}

func (p *tencentCloudProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := resolveConfig(model, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.Version = p.version

	client, err := conns.New(cfg)
	switch {
	case errors.Is(err, conns.ErrConflictingCredentials):
		resp.Diagnostics.AddError("Conflicting TencentCloud credentials", err.Error())
		return
	case errors.Is(err, conns.ErrNoCredentials):
		resp.Diagnostics.AddError("Missing TencentCloud credentials",
			"Set secret_id and secret_key in the provider block, or the "+EnvSecretID+" and "+EnvSecretKey+
				" environment variables, or configure assume_role_with_web_identity, or a profile (tccli format), or provide a TencentCloud credentials file. ("+err.Error()+")")
		return
	case err != nil:
		resp.Diagnostics.AddError("Invalid TencentCloud provider configuration", err.Error())
		return
	}
	resp.DataSourceData = client
	resp.ResourceData = client
	resp.EphemeralResourceData = client
	resp.ListResourceData = client
	resp.ActionData = client
}

func (p *tencentCloudProvider) Resources(context.Context) []func() resource.Resource {
	return apigateway.Resources()
}

func (p *tencentCloudProvider) DataSources(context.Context) []func() datasource.DataSource {
	return apigateway.DataSources()
}

func (p *tencentCloudProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return apigateway.EphemeralResources()
}

func (p *tencentCloudProvider) ListResources(context.Context) []func() list.ListResource {
	return apigateway.ListResources()
}

func (p *tencentCloudProvider) Actions(context.Context) []func() action.Action {
	return apigateway.Actions()
}

// resolveConfig picks each setting from the provider block, then the
// environment, then the default. Unknown values (from resources not yet
// created) cannot configure a client, so they are errors naming the attribute.
func resolveConfig(m providerModel, getenv func(string) string) (conns.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	pick := func(attr path.Path, v types.String, env string) string {
		if v.IsUnknown() {
			diags.AddAttributeError(attr, "Unknown provider configuration value",
				"The provider cannot be configured with a value that is known only after apply. "+
					"Set "+attr.String()+" to a literal or a variable, or use the "+env+" environment variable.")
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		return getenv(env)
	}
	endpoint := types.StringNull()
	if m.Endpoints != nil {
		endpoint = m.Endpoints.APIGateway
	}
	cfg := conns.Config{
		SecretID:      pick(path.Root("secret_id"), m.SecretID, EnvSecretID),
		SecretKey:     pick(path.Root("secret_key"), m.SecretKey, EnvSecretKey),
		SecurityToken: pick(path.Root("security_token"), m.SecurityToken, EnvSecurityToken),
		Region:        pick(path.Root("region"), m.Region, EnvRegion),
		Protocol:      pick(path.Root("protocol"), m.Protocol, EnvProtocol),
		Domain:        pick(path.Root("domain"), m.Domain, EnvDomain),
		Endpoint:      pick(path.Root("endpoints").AtName("apigateway"), endpoint, EnvAPIGatewayEndpoint),
	}
	switch {
	case m.RateLimit.IsUnknown():
		diags.AddAttributeError(path.Root("rate_limit"), "Unknown provider configuration value",
			"The provider cannot be configured with a rate_limit that is known only after apply.")
	case m.RateLimit.IsNull():
		cfg.RateLimit = conns.DefaultRateLimit
	default:
		cfg.RateLimit = int(m.RateLimit.ValueInt64())
	}
	// An unset region is left empty: a profile's region comes before the default.
	diags.Append(resolveCredentialConfig(m, getenv, &cfg)...)
	if cfg.Protocol == "" {
		cfg.Protocol = conns.DefaultProtocol
	}
	if cfg.Domain == "" {
		cfg.Domain = conns.DefaultDomain
	}
	// Values from the environment were not seen by the schema validators.
	if cfg.Protocol != "HTTPS" && cfg.Protocol != "HTTP" {
		diags.AddAttributeError(path.Root("protocol"), "Invalid protocol",
			"protocol (or "+EnvProtocol+") must be HTTPS or HTTP, got \""+cfg.Protocol+"\".")
	}
	if cfg.Endpoint != "" {
		if _, _, err := conns.ParseEndpoint(cfg.Endpoint); err != nil {
			diags.AddAttributeError(path.Root("endpoints").AtName("apigateway"), "Invalid endpoint",
				"endpoints.apigateway (or "+EnvAPIGatewayEndpoint+"): the endpoint "+err.Error()+".")
		}
	}
	return cfg, diags
}
