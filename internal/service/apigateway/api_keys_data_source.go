package apigateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

var (
	_ datasource.DataSourceWithConfigure      = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*apiKeysDataSource)(nil)
)

func newAPIKeysDataSource() datasource.DataSource { return &apiKeysDataSource{} }

// apiKeysDataSource lists the keys that match optional filters, paging
// through DescribeApiKeysStatus.
type apiKeysDataSource struct {
	client *conns.Client
}

type apiKeysDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	SecretName  types.String `tfsdk:"secret_name"`
	AccessKeyID types.String `tfsdk:"access_key_id"`
	// APIKeyID is the existing TencentCloud provider's name for the
	// access_key_id filter, accepted so its configurations carry over.
	APIKeyID       types.String       `tfsdk:"api_key_id"`
	Status         types.String       `tfsdk:"status"`
	KeyWord        types.String       `tfsdk:"key_word"`
	IncludeSecrets types.Bool         `tfsdk:"include_secrets"`
	APIKeys        []apiKeysItemModel `tfsdk:"api_keys"`
}

type apiKeysItemModel struct {
	AccessKeyID     types.String `tfsdk:"access_key_id"`
	SecretName      types.String `tfsdk:"secret_name"`
	AccessKeyType   types.String `tfsdk:"access_key_type"`
	AccessKeySecret types.String `tfsdk:"access_key_secret"`
	Status          types.String `tfsdk:"status"`
	CreateTime      types.String `tfsdk:"create_time"`
	ModifyTime      types.String `tfsdk:"modify_time"`
}

// Filter names as DescribeApiKeysStatus spells them.
const (
	filterAccessKeyID = "AccessKeyId"
	filterSecretName  = "SecretName"
	filterStatus      = "Status"
	filterKeyWord     = "KeyWord"
)

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_keys"
}

func (d *apiKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API Gateway API keys that match every filter set (all keys when none is), " +
			"paging through `DescribeApiKeysStatus` 100 keys at a time. Their secrets are left out (null) unless `include_secrets` is true: " +
			"a data source's result is stored in the state, and one listing would otherwise copy every secret of the account there. " +
			"To use a secret without storing it, use the `tencentcloud_api_gateway_api_key` ephemeral resource.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the filters: the same filters give the same ID.",
				Computed:            true,
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "Only keys with exactly this name.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "Only the key with this ID.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"api_key_id": schema.StringAttribute{
				MarkdownDescription: "The same filter as `access_key_id`, under the name that the existing TencentCloud provider uses. " +
					"Set one of them, or both to the same value.",
				Optional:   true,
				Validators: nonEmpty,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only keys that are `on` (enabled) or `off` (disabled).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(statusOn, statusOff)},
			},
			"key_word": schema.StringAttribute{
				MarkdownDescription: "Only keys whose name or ID contains this text.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"include_secrets": schema.BoolAttribute{
				MarkdownDescription: "Whether to return each key's `access_key_secret` (default `false`: every secret is null). " +
					"The secrets are sensitive but, as for every data source, stored in the state.",
				Optional: true,
			},
			"api_keys": schema.ListNestedAttribute{
				MarkdownDescription: "The matching keys, in the order the API lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: listedKeyAttributes(),
				},
			},
		},
	}
}

// listedKeyAttributes are a listed key's attributes: those of the
// single-key data source, with a secret that is only there when asked for.
func listedKeyAttributes() map[string]schema.Attribute {
	attrs := dataSourceKeyAttributes(map[string]schema.Attribute{}, "access_key_id")
	attrs["access_key_secret"] = schema.StringAttribute{
		MarkdownDescription: "The key secret when `include_secrets` is true; null otherwise.",
		Computed:            true,
		Sensitive:           true,
	}
	return attrs
}

func (d *apiKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// ValidateConfig rejects access_key_id and api_key_id set to different
// values: they are one filter under two names.
func (d *apiKeysDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var cfg apiKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, b := cfg.AccessKeyID, cfg.APIKeyID
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() || a.Equal(b) {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("api_key_id"), "Conflicting key ID filters",
		fmt.Sprintf("access_key_id (%q) and api_key_id (%q) are the same filter under two names, and they differ. "+
			"Set only one of them.", a.ValueString(), b.ValueString()))
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := cfg.filters()

	// Bound the whole listing (every page and its retries), as the
	// resource's default read timeout does.
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	keys, err := d.client.ListAPIKeys(ctx, filters...)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError("Error listing API keys", err, d.client.CredentialID()))
		return
	}

	// An empty list rather than null when nothing matches, so that
	// length() and for expressions work without a null check.
	cfg.APIKeys = make([]apiKeysItemModel, 0, len(keys))
	includeSecrets := cfg.IncludeSecrets.ValueBool()
	for _, key := range keys {
		m, diags := newAPIKeyModel(key)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		cfg.APIKeys = append(cfg.APIKeys, apiKeysItemModel{
			AccessKeyID:     m.AccessKeyID,
			SecretName:      m.SecretName,
			AccessKeyType:   m.AccessKeyType,
			AccessKeySecret: m.AccessKeySecret,
			Status:          m.Status,
			CreateTime:      m.CreateTime,
			ModifyTime:      m.ModifyTime,
		})
		if !includeSecrets {
			cfg.APIKeys[len(cfg.APIKeys)-1].AccessKeySecret = types.StringNull()
		}
	}
	cfg.ID = types.StringValue(filtersID(filters))
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// filters turns the configured filters into DescribeApiKeysStatus filters,
// in a fixed order; unset ones are not sent.
func (m apiKeysDataSourceModel) filters() []conns.ListAPIKeysFilter {
	var out []conns.ListAPIKeysFilter
	add := func(name string, v types.String) {
		if !v.IsNull() && !v.IsUnknown() {
			out = append(out, conns.ListAPIKeysFilter{Name: name, Value: v.ValueString()})
		}
	}
	keyID := m.AccessKeyID
	if keyID.IsNull() {
		keyID = m.APIKeyID
	}
	add(filterAccessKeyID, keyID)
	add(filterSecretName, m.SecretName)
	if !m.Status.IsNull() && !m.Status.IsUnknown() {
		status := "0"
		if m.Status.ValueString() == statusOn {
			status = "1"
		}
		out = append(out, conns.ListAPIKeysFilter{Name: filterStatus, Value: status})
	}
	add(filterKeyWord, m.KeyWord)
	return out
}

// filtersID is a stable ID for a set of filters: the same filters (whichever
// name set the key ID) give the same ID, in every run.
func filtersID(filters []conns.ListAPIKeysFilter) string {
	h := sha256.New()
	for _, f := range filters {
		fmt.Fprintf(h, "%q=%q;", f.Name, f.Value)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
