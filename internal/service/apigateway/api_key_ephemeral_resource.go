package apigateway

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*apiKeyEphemeralResource)(nil)

func newAPIKeyEphemeralResource() ephemeral.EphemeralResource { return &apiKeyEphemeralResource{} }

// apiKeyEphemeralResource reads an existing key, secret included, for use in
// the same run only: Terraform keeps its result in memory and writes it to
// neither the plan nor the state. There is nothing to renew or close: the
// key outlives the run.
type apiKeyEphemeralResource struct {
	client *conns.Client
}

func (e *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_key"
}

func (e *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing API Gateway API key, with its secret, without storing anything in the plan or the state " +
			"(one `DescribeApiKey` call each time Terraform opens it). Feed `access_key_secret` to write-only arguments, provider " +
			"configuration or other ephemeral values. Needs Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: ephemeralKeyAttributes(map[string]schema.Attribute{
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "The key ID (`AccessKeyId`) of the key to read. The key must exist.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		}, "id"),
	}
}

func (e *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	e.client = client
}

func (e *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	model, diags := readKeyModel(ctx, e.client, req.Config)
	resp.Diagnostics.Append(diags...)
	if model != nil {
		resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
	}
}
