package apigateway

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

var _ list.ListResourceWithConfigure = (*usagePlanListResource)(nil)

func newUsagePlanListResource() list.ListResource { return &usagePlanListResource{} }

// usagePlanListResource lists usage plans for `terraform query` (Terraform
// 1.14+), so that plans made in the console can be found and imported.
type usagePlanListResource struct {
	client *conns.Client
}

type usagePlanListModel struct {
	UsagePlanName types.String `tfsdk:"usage_plan_name"`
}

func (l *usagePlanListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_usage_plan"
}

func (l *usagePlanListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API Gateway usage plans (all of them, or those with a name), paging through " +
			"`DescribeUsagePlansStatus` 100 plans at a time and stopping at the query's `limit`. Each result is named " +
			"`<name> (<plan ID>)` and carries the plan's identity (`usage_plan_id`); with `include_resource = true` (and with " +
			"`-generate-config-out`) also its settings. The listing does not carry bindings: `attach_api_keys` and " +
			"`attach_list` are null in the results, and filled in by the first refresh after the import.",
		Attributes: map[string]schema.Attribute{
			"usage_plan_name": schema.StringAttribute{
				MarkdownDescription: "Only plans with this name.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (l *usagePlanListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	l.client = client
}

// List streams the matching plans. Pages are fetched only as Terraform
// takes results, and never beyond the query's limit.
func (l *usagePlanListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg usagePlanListModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var filters []conns.UsagePlanFilter
	if !cfg.UsagePlanName.IsNull() && !cfg.UsagePlanName.IsUnknown() {
		filters = append(filters, conns.UsagePlanFilter{Name: conns.UsagePlanFilterName, Value: cfg.UsagePlanName.ValueString()})
	}

	stream.Results = func(yield func(list.ListResult) bool) {
		if req.Limit <= 0 {
			return
		}
		ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
		defer cancel()
		var n int64
		for plan, err := range l.client.UsagePlans(ctx, filters...) {
			if err != nil {
				yield(list.ListResult{Diagnostics: diag.Diagnostics{
					diagnostics.APIError("Error listing usage plans", err, l.client.CredentialID()),
				}})
				return
			}
			if !yield(usagePlanListResult(ctx, req, plan)) {
				return
			}
			if n++; n >= req.Limit {
				return
			}
		}
	}
}

// usagePlanListResult is one listed plan: its display name, its identity
// and, when asked for, its attributes as the resource holds them after an
// import (bindings null: the listing does not carry them).
func usagePlanListResult(ctx context.Context, req list.ListRequest, plan *conns.UsagePlan) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s)", plan.Name, plan.ID)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(usagePlanIdentityAttribute), plan.ID)...)
	if !req.IncludeResource || result.Diagnostics.HasError() {
		return result
	}
	timeoutsType, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	result.Diagnostics.Append(d...)
	objectType, ok := timeoutsType.(interface{ AttributeTypes() map[string]attr.Type })
	if !ok {
		result.Diagnostics.AddError("Unexpected resource schema", fmt.Sprintf("timeouts has type %T, not an object type. This is a bug in the provider.", timeoutsType))
		return result
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, &usagePlanResourceModel{
		ID:                     types.StringValue(plan.ID),
		UsagePlanName:          types.StringValue(plan.Name),
		UsagePlanDesc:          types.StringValue(plan.Description),
		MaxRequestNum:          types.Int64Value(plan.MaxRequestNum),
		MaxRequestNumPerSecond: types.Int64Value(plan.MaxRequestNumPerSecond),
		CreateTime:             types.StringValue(plan.CreatedTime),
		ModifyTime:             types.StringValue(plan.ModifiedTime),
		AttachAPIKeys:          types.ListNull(types.StringType),
		AttachList:             types.ListNull(attachListItemType),
		Timeouts:               timeouts.Value{Object: types.ObjectNull(objectType.AttributeTypes())},
	})...)
	return result
}
