package apigateway

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

var _ datasource.DataSourceWithConfigure = (*apiKeyDataSource)(nil)

func newAPIKeyDataSource() datasource.DataSource { return &apiKeyDataSource{} }

// apiKeyDataSource reads one existing key by its ID.
type apiKeyDataSource struct {
	client *conns.Client
}

// apiKeyModel is one key as the single-key data source and the ephemeral
// resource return it (both use the same attribute names).
type apiKeyModel struct {
	ID              types.String `tfsdk:"id"`
	AccessKeyID     types.String `tfsdk:"access_key_id"`
	SecretName      types.String `tfsdk:"secret_name"`
	AccessKeyType   types.String `tfsdk:"access_key_type"`
	AccessKeySecret types.String `tfsdk:"access_key_secret"`
	Status          types.String `tfsdk:"status"`
	CreateTime      types.String `tfsdk:"create_time"`
	ModifyTime      types.String `tfsdk:"modify_time"`
}

// newAPIKeyModel converts the key as the API reported it; a status that is
// neither enabled nor disabled is an error rather than a guess.
func newAPIKeyModel(key *conns.APIKey) (apiKeyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	status, err := statusFromAPI(key.Status)
	if err != nil {
		diags.AddError("Unexpected API key status", fmt.Sprintf("API key %s: %s", key.AccessKeyID, err))
		return apiKeyModel{}, diags
	}
	return apiKeyModel{
		ID:              types.StringValue(key.AccessKeyID),
		AccessKeyID:     types.StringValue(key.AccessKeyID),
		SecretName:      types.StringValue(key.SecretName),
		AccessKeyType:   types.StringValue(key.AccessKeyType),
		AccessKeySecret: types.StringValue(key.AccessKeySecret),
		Status:          types.StringValue(status),
		CreateTime:      types.StringValue(key.CreatedTime),
		ModifyTime:      types.StringValue(key.ModifiedTime),
	}, diags
}

// readKeyModel reads the key that a configuration names by access_key_id,
// for the data source and the ephemeral resource; nil on error.
func readKeyModel(ctx context.Context, client *conns.Client, config tfsdk.Config) (*apiKeyModel, diag.Diagnostics) {
	var cfg apiKeyModel
	diags := config.Get(ctx, &cfg)
	if diags.HasError() {
		return nil, diags
	}
	key, errDiag := describeKey(ctx, client, cfg.AccessKeyID.ValueString())
	if errDiag != nil {
		diags.Append(errDiag)
		return nil, diags
	}
	model, d := newAPIKeyModel(key)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	return &model, diags
}

// describeKey reads one key for a data source or ephemeral resource. A key
// that does not exist is an error here (unlike in the resource, which drops
// it from state): the configuration names a key that must exist.
func describeKey(ctx context.Context, client *conns.Client, id string) (*conns.APIKey, diag.Diagnostic) {
	// Bound the read and its retries of transient errors, as the resource's
	// default read timeout does.
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	key, err := client.DescribeAPIKey(ctx, id)
	switch {
	case conns.IsNotFound(err):
		return nil, diag.NewAttributeErrorDiagnostic(path.Root("access_key_id"), "API key not found",
			fmt.Sprintf("API key %q does not exist. Check the key ID, and that the provider's credentials belong to the account "+
				"that owns the key.\n\n%s", id, err))
	case err != nil:
		return nil, diagnostics.APIError("Error reading API key "+id, err, client.CredentialID())
	}
	return key, nil
}

func (d *apiKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_key"
}

func (d *apiKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one existing API Gateway API key, with its secret, by its key ID (one `DescribeApiKey` call). " +
			"The secret is sensitive but, as for every data source, stored in the state: to use a secret without storing it, " +
			"use the `tencentcloud_api_gateway_api_key` ephemeral resource.",
		Attributes: dataSourceKeyAttributes(map[string]schema.Attribute{
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "The key ID (`AccessKeyId`) of the key to read. The key must exist.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		}, "id"),
	}
}

func (d *apiKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

func (d *apiKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	model, diags := readKeyModel(ctx, d.client, req.Config)
	resp.Diagnostics.Append(diags...)
	if model != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	}
}
