package apigateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

// The API's ranges for a plan's limits; -1 means unlimited
// (https://www.tencentcloud.com/document/api/628/36611).
const (
	unlimited              = -1
	maxRequestNumLimit     = 99999999
	maxRequestNumPerSecond = 2000
)

// limitValidators accept -1 (unlimited) or 1..upper.
func limitValidators(upper int64) []validator.Int64 {
	return []validator.Int64{int64validator.Any(int64validator.OneOf(unlimited), int64validator.Between(1, upper))}
}

var (
	_ resource.ResourceWithConfigure   = (*usagePlanResource)(nil)
	_ resource.ResourceWithImportState = (*usagePlanResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*usagePlanResource)(nil)
	_ resource.ResourceWithIdentity    = (*usagePlanResource)(nil)
)

func newUsagePlanResource() resource.Resource { return &usagePlanResource{} }

// usagePlanResource is an API Gateway usage plan, with the existing
// TencentCloud provider's type and attribute names, so its resource blocks
// and state carry over.
type usagePlanResource struct {
	client *conns.Client
}

type usagePlanResourceModel struct {
	ID                     types.String   `tfsdk:"id"`
	UsagePlanName          types.String   `tfsdk:"usage_plan_name"`
	UsagePlanDesc          types.String   `tfsdk:"usage_plan_desc"`
	MaxRequestNum          types.Int64    `tfsdk:"max_request_num"`
	MaxRequestNumPerSecond types.Int64    `tfsdk:"max_request_num_pre_sec"`
	CreateTime             types.String   `tfsdk:"create_time"`
	ModifyTime             types.String   `tfsdk:"modify_time"`
	AttachAPIKeys          types.List     `tfsdk:"attach_api_keys"`
	AttachList             types.List     `tfsdk:"attach_list"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// attachListItemType is one attach_list element: a service or API the plan
// is bound to, in one environment (the existing provider's shape).
var attachListItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"service_id":   types.StringType,
	"service_name": types.StringType,
	"api_id":       types.StringType,
	"api_name":     types.StringType,
	"path":         types.StringType,
	"method":       types.StringType,
	"environment":  types.StringType,
	"modify_time":  types.StringType,
	"create_time":  types.StringType,
}}

func (r *usagePlanResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_usage_plan"
}

func (r *usagePlanResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepList := []planmodifier.List{listplanmodifier.UseStateForUnknown()}
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API Gateway usage plan: the request limits that apply to the API keys bound to it " +
			"(with `tencentcloud_api_gateway_api_key_attachment`) on the services and APIs it is bound to. " +
			"Every argument changes in place with `ModifyUsagePlan`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The usage plan ID (`usagePlan-…`).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"usage_plan_name": schema.StringAttribute{
				MarkdownDescription: "The plan's name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"usage_plan_desc": schema.StringAttribute{
				MarkdownDescription: "The plan's description. Default: none (`\"\"`).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"max_request_num": schema.Int64Attribute{
				MarkdownDescription: "The total number of requests the plan allows: `-1` (the default) for no limit, or 1 to 99999999.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(unlimited),
				Validators:          limitValidators(maxRequestNumLimit),
			},
			"max_request_num_pre_sec": schema.Int64Attribute{
				MarkdownDescription: "The requests per second the plan allows: `-1` (the default) for no limit, or 1 to 2000.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(unlimited),
				Validators:          limitValidators(maxRequestNumPerSecond),
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the plan was created (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"modify_time": schema.StringAttribute{
				MarkdownDescription: "When the plan was last changed (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"attach_api_keys": schema.ListAttribute{
				MarkdownDescription: "The IDs of the API keys bound to the plan, as last read. Bind keys with " +
					"`tencentcloud_api_gateway_api_key_attachment`: the bindings it makes show here from the next refresh on, " +
					"and never make the plan show a change.",
				Computed:      true,
				ElementType:   types.StringType,
				PlanModifiers: keepList,
			},
			"attach_list": schema.ListNestedAttribute{
				MarkdownDescription: "The services and APIs the plan is bound to, one element per environment, as last read " +
					"(`DescribeUsagePlanEnvironments`; read only when `DescribeUsagePlan` reports bound environments).",
				Computed:      true,
				PlanModifiers: keepList,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"service_id":   computedString("The service ID."),
					"service_name": computedString("The service name."),
					"api_id":       computedString("The API ID; empty for a binding to a whole service."),
					"api_name":     computedString("The API name; empty for a binding to a whole service."),
					"path":         computedString("The API path; empty for a binding to a whole service."),
					"method":       computedString("The API method; empty for a binding to a whole service."),
					"environment":  computedString("The environment name."),
					"modify_time":  computedString("When the binding was last changed (ISO 8601, UTC)."),
					"create_time":  computedString("When the binding was made (ISO 8601, UTC)."),
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// usagePlanIdentityAttribute names the plan ID in the resource's identity.
const usagePlanIdentityAttribute = "usage_plan_id"

// IdentitySchema declares the plan ID as the resource's identity (Terraform
// 1.12+, OpenTofu 1.12+), for `import { identity = { usage_plan_id = … } }`
// and `terraform query`.
func (r *usagePlanResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			usagePlanIdentityAttribute: identityschema.StringAttribute{
				Description:       "The usage plan ID (`usagePlan-…`).",
				RequiredForImport: true,
			},
		},
	}
}

func (r *usagePlanResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// ModifyPlan marks the modification time unknown when an update will
// change the plan; everything computed else keeps its state value, so a
// plan shows no needless "known after apply".
func (r *usagePlanResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state usagePlanResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planSettingsChange(plan, state) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modify_time"), types.StringUnknown())...)
}

// planSettingsChange reports whether an update has anything to send.
func planSettingsChange(plan, state usagePlanResourceModel) bool {
	return !plan.UsagePlanName.Equal(state.UsagePlanName) || !plan.UsagePlanDesc.Equal(state.UsagePlanDesc) ||
		!plan.MaxRequestNum.Equal(state.MaxRequestNum) || !plan.MaxRequestNumPerSecond.Equal(state.MaxRequestNumPerSecond)
}

func (m usagePlanResourceModel) input() conns.UsagePlanInput {
	return conns.UsagePlanInput{
		Name:                   m.UsagePlanName.ValueString(),
		Description:            m.UsagePlanDesc.ValueString(),
		MaxRequestNum:          m.MaxRequestNum.ValueInt64(),
		MaxRequestNumPerSecond: m.MaxRequestNumPerSecond.ValueInt64(),
	}
}

func (r *usagePlanResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer recordIdentityAs(ctx, usagePlanIdentityAttribute, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan usagePlanResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.client.CreateUsagePlan(ctx, plan.input())
	// The plan exists from here on, even when the create was cancelled
	// after making it: it goes into state, never orphaned. A new plan is
	// bound to nothing.
	if created != nil {
		created.BoundKeyIDs = []string{}
		r.setState(ctx, &resp.State, &resp.Diagnostics, created, []*conns.UsagePlanEnvironment{}, plan.Timeouts)
	}
	if err != nil {
		resp.Diagnostics.Append(r.apiError("creating the usage plan", err))
	}
}

func (r *usagePlanResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer recordIdentityAs(ctx, usagePlanIdentityAttribute, &resp.State, resp.Identity, &resp.Diagnostics)
	var state usagePlanResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is known before the read; it must be set even when the
	// plan turns out to be gone.
	setIdentityAs(ctx, usagePlanIdentityAttribute, resp.Identity, state.ID, &resp.Diagnostics)
	id := state.ID.ValueString()
	plan, err := r.client.DescribeUsagePlan(ctx, id)
	if conns.IsUsagePlanNotFound(err) {
		// Deleted outside Terraform: drop it so the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.apiError("reading usage plan "+id, err))
		return
	}
	envs, err := r.environments(ctx, plan)
	if err != nil {
		resp.Diagnostics.Append(r.apiError("reading the services and APIs of usage plan "+id, err))
		return
	}
	r.setState(ctx, &resp.State, &resp.Diagnostics, plan, envs, state.Timeouts)
}

// environments lists the services and APIs the plan is bound to (one
// DescribeUsagePlanEnvironments each), unless DescribeUsagePlan said there
// are none: most plans are bound to none, and a refresh of many plans then
// costs one call each.
func (r *usagePlanResource) environments(ctx context.Context, plan *conns.UsagePlan) ([]*conns.UsagePlanEnvironment, error) {
	envs := []*conns.UsagePlanEnvironment{}
	if plan.BoundEnvironmentCount == 0 {
		return envs, nil
	}
	for _, bindType := range []string{conns.BindTypeService, conns.BindTypeAPI} {
		some, err := r.client.UsagePlanEnvironments(ctx, plan.ID, bindType)
		if err != nil {
			return nil, err
		}
		envs = append(envs, some...)
	}
	return envs, nil
}

func (r *usagePlanResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer recordIdentityAs(ctx, usagePlanIdentityAttribute, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state usagePlanResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planSettingsChange(plan, state) {
		// Only timeouts changed: nothing to send.
		state.Timeouts = plan.Timeouts
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	id := state.ID.ValueString()
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	// ModifyUsagePlan answers with the plan after the change: that is the
	// new state, with no read after it. The answer carries no bindings,
	// which the plan kept from state.
	modified, err := r.client.ModifyUsagePlan(ctx, id, plan.input())
	if err != nil {
		resp.Diagnostics.Append(r.apiError("changing usage plan "+id, err))
		return
	}
	out := plan
	out.ID = types.StringValue(modified.ID)
	out.UsagePlanName = types.StringValue(modified.Name)
	out.UsagePlanDesc = types.StringValue(modified.Description)
	out.MaxRequestNum = types.Int64Value(modified.MaxRequestNum)
	out.MaxRequestNumPerSecond = types.Int64Value(modified.MaxRequestNumPerSecond)
	out.ModifyTime = types.StringValue(modified.ModifiedTime)
	out.CreateTime, out.AttachAPIKeys, out.AttachList = state.CreateTime, state.AttachAPIKeys, state.AttachList
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

func (r *usagePlanResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state usagePlanResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	// Deleting a plan drops the bindings of its keys with it. Bindings
	// that Terraform manages are gone by now (an attachment depends on its
	// plan, so it is destroyed first); any left were made elsewhere, and
	// dropping them would silently lock those keys' callers out.
	plan, err := r.client.DescribeUsagePlan(ctx, id)
	switch {
	case conns.IsUsagePlanNotFound(err):
		return
	case err != nil:
		resp.Diagnostics.Append(r.apiError("reading usage plan "+id+" before deleting it", err))
		return
	case len(plan.BoundKeyIDs) > 0:
		resp.Diagnostics.AddError("Usage plan "+id+" is still bound to API keys", fmt.Sprintf(
			"Usage plan %s is still bound to %d API key(s): %s. Deleting it would unbind them, and their callers would be refused.\n\n"+
				"Manage each binding with a tencentcloud_api_gateway_api_key_attachment resource (Terraform then removes it before the plan), "+
				"or unbind the keys (UnBindSecretIds, or the API Gateway console), then destroy again.",
			id, len(plan.BoundKeyIDs), strings.Join(plan.BoundKeyIDs, ", ")))
		return
	}
	err = r.client.DeleteUsagePlan(ctx, id)
	if err != nil && !conns.IsUsagePlanNotFound(err) {
		resp.Diagnostics.Append(r.apiError("deleting usage plan "+id, err))
	}
}

// ImportState takes the plan ID, as an import ID or as the identity's
// usage_plan_id; the Read that follows fills in the rest.
func (r *usagePlanResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root(usagePlanIdentityAttribute), req, resp)
}

// setState writes the plan as the API reported it; timeouts are the
// configuration's own.
func (r *usagePlanResource) setState(ctx context.Context, state *tfsdk.State, diags *diag.Diagnostics, plan *conns.UsagePlan,
	envs []*conns.UsagePlanEnvironment, t timeouts.Value,
) {
	keys, d := types.ListValueFrom(ctx, types.StringType, plan.BoundKeyIDs)
	diags.Append(d...)
	items := make([]attr.Value, 0, len(envs))
	for _, e := range envs {
		item, d := types.ObjectValue(attachListItemType.AttrTypes, map[string]attr.Value{
			"service_id":   types.StringValue(e.ServiceID),
			"service_name": types.StringValue(e.ServiceName),
			"api_id":       types.StringValue(e.APIID),
			"api_name":     types.StringValue(e.APIName),
			"path":         types.StringValue(e.Path),
			"method":       types.StringValue(e.Method),
			"environment":  types.StringValue(e.Environment),
			"modify_time":  types.StringValue(e.ModifiedTime),
			"create_time":  types.StringValue(e.CreatedTime),
		})
		diags.Append(d...)
		items = append(items, item)
	}
	attachList, d := types.ListValue(attachListItemType, items)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, &usagePlanResourceModel{
		ID:                     types.StringValue(plan.ID),
		UsagePlanName:          types.StringValue(plan.Name),
		UsagePlanDesc:          types.StringValue(plan.Description),
		MaxRequestNum:          types.Int64Value(plan.MaxRequestNum),
		MaxRequestNumPerSecond: types.Int64Value(plan.MaxRequestNumPerSecond),
		CreateTime:             types.StringValue(plan.CreatedTime),
		ModifyTime:             types.StringValue(plan.ModifiedTime),
		AttachAPIKeys:          keys,
		AttachList:             attachList,
		Timeouts:               t,
	})...)
}

func (r *usagePlanResource) apiError(what string, err error) diag.Diagnostic {
	return diagnostics.APIError("Error "+what, err, r.client.CredentialID())
}
