package apigateway

import (
	"context"

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
	_ datasource.DataSourceWithConfigure      = (*usagePlansDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*usagePlansDataSource)(nil)
)

func newUsagePlansDataSource() datasource.DataSource { return &usagePlansDataSource{} }

// usagePlansDataSource lists usage plans, paging through
// DescribeUsagePlansStatus, with the existing TencentCloud provider's
// arguments and attribute names.
type usagePlansDataSource struct {
	client *conns.Client
}

type usagePlansDataSourceModel struct {
	ID               types.String         `tfsdk:"id"`
	UsagePlanID      types.String         `tfsdk:"usage_plan_id"`
	UsagePlanName    types.String         `tfsdk:"usage_plan_name"`
	ResultOutputFile types.String         `tfsdk:"result_output_file"`
	List             []usagePlanItemModel `tfsdk:"list"`
}

type usagePlanItemModel struct {
	UsagePlanID            types.String `tfsdk:"usage_plan_id"`
	UsagePlanName          types.String `tfsdk:"usage_plan_name"`
	UsagePlanDesc          types.String `tfsdk:"usage_plan_desc"`
	MaxRequestNum          types.Int64  `tfsdk:"max_request_num"`
	MaxRequestNumPerSecond types.Int64  `tfsdk:"max_request_num_pre_sec"`
	CreateTime             types.String `tfsdk:"create_time"`
	ModifyTime             types.String `tfsdk:"modify_time"`
}

func (d *usagePlansDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_usage_plans"
}

func (d *usagePlansDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API Gateway usage plans that match every filter set (all plans when none is), paging " +
			"through `DescribeUsagePlansStatus` 100 plans at a time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the filters: the same filters give the same ID.",
				Computed:            true,
			},
			"usage_plan_id": schema.StringAttribute{
				MarkdownDescription: "Only the plan with this ID.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"usage_plan_name": schema.StringAttribute{
				MarkdownDescription: "Only plans with this name.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"result_output_file": schema.StringAttribute{
				MarkdownDescription: "Not supported: accepted in the schema so that configurations written for the existing " +
					"TencentCloud provider parse, but setting it is an error. A data source that writes files is out of place " +
					"in a plan; write the list with the `local_file` resource of the hashicorp/local provider " +
					"(`content = jsonencode(data.tencentcloud_api_gateway_usage_plans.<name>.list)`), or an `output`.",
				Optional: true,
			},
			"list": schema.ListNestedAttribute{
				MarkdownDescription: "The matching plans, in the order the API lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"usage_plan_id":   computedString("The usage plan ID."),
					"usage_plan_name": computedString("The plan's name."),
					"usage_plan_desc": computedString("The plan's description."),
					"max_request_num": schema.Int64Attribute{
						MarkdownDescription: "The total number of requests the plan allows; `-1` for no limit.",
						Computed:            true,
					},
					"max_request_num_pre_sec": schema.Int64Attribute{
						MarkdownDescription: "The requests per second the plan allows; `-1` for no limit.",
						Computed:            true,
					},
					"create_time": computedString("When the plan was created (ISO 8601, UTC)."),
					"modify_time": computedString("When the plan was last changed (ISO 8601, UTC)."),
				}},
			},
		},
	}
}

func (d *usagePlansDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// ValidateConfig refuses result_output_file before any API call.
func (d *usagePlansDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var file types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("result_output_file"), &file)...)
	if file.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("result_output_file"), "result_output_file is not supported",
		"This provider's data sources do not write files. Remove result_output_file; to keep the list in a file, use the "+
			"local_file resource of the hashicorp/local provider with content = jsonencode(data.tencentcloud_api_gateway_usage_plans.<name>.list), "+
			"or an output.")
}

func (d *usagePlansDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg usagePlansDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var filters []conns.UsagePlanFilter
	for _, f := range []struct {
		name  string
		value types.String
	}{{conns.UsagePlanFilterID, cfg.UsagePlanID}, {conns.UsagePlanFilterName, cfg.UsagePlanName}} {
		if !f.value.IsNull() && !f.value.IsUnknown() {
			filters = append(filters, conns.UsagePlanFilter{Name: f.name, Value: f.value.ValueString()})
		}
	}

	// Bound the whole listing, as the resource's default read timeout does.
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	plans, err := d.client.ListUsagePlans(ctx, filters...)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError("Error listing usage plans", err, d.client.CredentialID()))
		return
	}
	// An empty list rather than null when nothing matches.
	cfg.List = make([]usagePlanItemModel, 0, len(plans))
	for _, p := range plans {
		cfg.List = append(cfg.List, usagePlanItemModel{
			UsagePlanID:            types.StringValue(p.ID),
			UsagePlanName:          types.StringValue(p.Name),
			UsagePlanDesc:          types.StringValue(p.Description),
			MaxRequestNum:          types.Int64Value(p.MaxRequestNum),
			MaxRequestNumPerSecond: types.Int64Value(p.MaxRequestNumPerSecond),
			CreateTime:             types.StringValue(p.CreatedTime),
			ModifyTime:             types.StringValue(p.ModifiedTime),
		})
	}
	// The same stable hash of the filters as the api_keys data source's ID.
	hashed := make([]conns.ListAPIKeysFilter, len(filters))
	for i, f := range filters {
		hashed[i] = conns.ListAPIKeysFilter(f)
	}
	cfg.ID = types.StringValue(filtersID(hashed))
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
