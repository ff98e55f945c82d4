package apigateway

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

var (
	_ resource.ResourceWithConfigure   = (*apiKeyAttachmentResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyAttachmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*apiKeyAttachmentResource)(nil)
)

// attachmentIDSeparator joins the key and plan IDs in the attachment's ID,
// as the existing TencentCloud provider does.
const attachmentIDSeparator = "#"

// usagePlanIDPattern is the shape of a usage plan ID (`usagePlan-…`).
var usagePlanIDPattern = regexp.MustCompile(`^usagePlan-[A-Za-z0-9]+$`)

func newAPIKeyAttachmentResource() resource.Resource { return &apiKeyAttachmentResource{} }

type apiKeyAttachmentResource struct {
	client *conns.Client
}

type apiKeyAttachmentModel struct {
	ID          types.String   `tfsdk:"id"`
	APIKeyID    types.String   `tfsdk:"api_key_id"`
	UsagePlanID types.String   `tfsdk:"usage_plan_id"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *apiKeyAttachmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_key_attachment"
}

func (r *apiKeyAttachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds an API key to a usage plan (`BindSecretIds`). A key authorizes calls only through the usage plans " +
			"it is bound to. The same type, arguments and import ID as the existing TencentCloud provider's resource.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<api_key_id>#<usage_plan_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_key_id": schema.StringAttribute{
				MarkdownDescription: "The key ID (`AccessKeyId`): 5–50 letters, digits and underscores. Changing it replaces the binding.",
				Required:            true,
				Validators:          manualKeyIDValidators(),
				PlanModifiers:       replace,
			},
			"usage_plan_id": schema.StringAttribute{
				MarkdownDescription: "The usage plan ID (`usagePlan-…`). Changing it replaces the binding.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(usagePlanIDPattern, `must be a usage plan ID: "usagePlan-" followed by letters and digits`),
				},
				PlanModifiers: replace,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

// IdentitySchema: the key and the plan (Terraform 1.12+, OpenTofu 1.12+).
func (r *apiKeyAttachmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"api_key_id":    identityschema.StringAttribute{Description: "The key ID (`AccessKeyId`).", RequiredForImport: true},
			"usage_plan_id": identityschema.StringAttribute{Description: "The usage plan ID.", RequiredForImport: true},
		},
	}
}

func (r *apiKeyAttachmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// Create binds the key. Binds of one plan that arrive together share one
// BindSecretIds (see conns.BindAPIKey).
//
// A binding that is already there is adopted, with a warning, rather than
// refused: a binding has no attributes of its own, so adopting it loses
// nothing and the apply converges (it is also how a bind whose answer was
// lost is finished). The cost is that two resources can then hold one
// binding (two configurations, or a binding made in the console): the one
// destroyed first unbinds it, and the other restores it at its next apply.
// The warning names the pair so that the user can remove the duplicate.
func (r *apiKeyAttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiKeyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	keyID, planID := plan.APIKeyID.ValueString(), plan.UsagePlanID.ValueString()
	result, err := r.client.BindAPIKey(ctx, planID, keyID)
	if result.Bound {
		// Bound, or maybe bound: in state before any error, so that a
		// failure leaves it tainted (the next apply unbinds and binds it
		// again) and never orphaned.
		plan.ID = types.StringValue(attachmentID(keyID, planID))
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setAttachmentIdentity(ctx, resp.Identity, keyID, planID, &resp.Diagnostics)
	}
	if err != nil {
		resp.Diagnostics.Append(r.apiError(fmt.Sprintf("binding API key %s to usage plan %s", keyID, planID), err))
		return
	}
	if result.Existed {
		resp.Diagnostics.AddWarning("API key already bound to the usage plan",
			fmt.Sprintf("API key %s was already bound to usage plan %s (by another resource, another configuration, or outside Terraform). "+
				"This resource now manages that binding: destroying it unbinds the key. If another resource manages the same "+
				"binding, remove one of them, or each will undo the other's destroy.", keyID, planID))
	}
}

// Read looks the key up in the plan's bound keys; the reads of one plan's
// attachments share one listing. A binding removed outside Terraform, or a
// plan or key that is gone, leaves state: the next plan binds it again.
func (r *apiKeyAttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	keyID, planID := state.APIKeyID.ValueString(), state.UsagePlanID.ValueString()
	// Known before the read: the framework wants it even when the binding is gone.
	setAttachmentIdentity(ctx, resp.Identity, keyID, planID, &resp.Diagnostics)
	bound, err := r.client.ReadAPIKeyBinding(ctx, planID, keyID)
	switch {
	case conns.IsUsagePlanNotFound(err), err == nil && !bound:
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.Append(r.apiError(fmt.Sprintf("reading the binding of API key %s to usage plan %s", keyID, planID), err))
		return
	}
	// State written by the existing provider, or an import, has the same
	// values: only the ID is normalized.
	state.ID = types.StringValue(attachmentID(keyID, planID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called: both arguments force replacement, and timeouts
// change in state only.
func (r *apiKeyAttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan apiKeyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete unbinds the key. A key that is no longer bound, or a key or plan
// that is gone, counts as done.
func (r *apiKeyAttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	keyID, planID := state.APIKeyID.ValueString(), state.UsagePlanID.ValueString()
	if err := r.client.UnbindAPIKey(ctx, planID, keyID); err != nil {
		resp.Diagnostics.Append(r.apiError(fmt.Sprintf("unbinding API key %s from usage plan %s", keyID, planID), err))
	}
}

// ImportState takes `<api_key_id>#<usage_plan_id>`, or the identity's two
// attributes; the Read that follows checks that the binding exists.
func (r *apiKeyAttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var keyID, planID string
	if req.ID != "" {
		var ok bool
		keyID, planID, ok = parseAttachmentID(req.ID)
		if !ok {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Expected <api_key_id>#<usage_plan_id>, for example AKIDxxxxxxxx#usagePlan-xxxxxxxx; got %q.", req.ID))
			return
		}
	} else {
		var key, plan types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("api_key_id"), &key)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("usage_plan_id"), &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		keyID, planID = key.ValueString(), plan.ValueString()
		if keyID == "" || planID == "" {
			resp.Diagnostics.AddError("Invalid import identity", "Both api_key_id and usage_plan_id must be set.")
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), attachmentID(keyID, planID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_key_id"), keyID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("usage_plan_id"), planID)...)
	setAttachmentIdentity(ctx, resp.Identity, keyID, planID, &resp.Diagnostics)
}

func attachmentID(keyID, planID string) string { return keyID + attachmentIDSeparator + planID }

// parseAttachmentID splits `<api_key_id>#<usage_plan_id>`; both parts must
// be set and the plan ID must look like one.
func parseAttachmentID(id string) (keyID, planID string, ok bool) {
	keyID, planID, found := strings.Cut(id, attachmentIDSeparator)
	if !found || keyID == "" || !usagePlanIDPattern.MatchString(planID) {
		return "", "", false
	}
	return keyID, planID, true
}

func setAttachmentIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, keyID, planID string, diags *diag.Diagnostics) {
	if identity == nil || keyID == "" || planID == "" {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("api_key_id"), keyID)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("usage_plan_id"), planID)...)
}

// attachmentHints say what to do about the errors of a binding.
var attachmentHints = map[string]string{
	conns.CodePlanKeyLimit: "A usage plan holds at most 50 API keys. Bind the key to another usage plan, or unbind keys from this one.",
	conns.CodeKeyAlreadyBound: "The service refuses to bind this key to this usage plan; it reports the key as already bound. " +
		"Check the key's bindings in the API Gateway console.",
	conns.CodeAlreadyBindUsagePlan: "An API key can be bound to at most 10 usage plans. Unbind the key from another usage plan, " +
		"or bind another key to this one.",
	conns.CodeUsagePlanNotFound: "The usage plan does not exist (in this region). Check usage_plan_id.",
	conns.CodeNotFound:          "The API key does not exist (in this region). Check api_key_id.",
}

func (r *apiKeyAttachmentResource) apiError(what string, err error) diag.Diagnostic {
	d := diagnostics.APIError("Error "+what, err, r.client.CredentialID())
	hint, ok := attachmentHints[conns.ErrorCode(err)]
	if !ok {
		return d
	}
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+hint)
}
