package apigateway

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
)

var (
	_ resource.ResourceWithConfigure   = (*apiKeyRotationResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyRotationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiKeyRotationResource)(nil)
	_ resource.ResourceWithIdentity    = (*apiKeyRotationResource)(nil)
)

func newAPIKeyRotationResource() resource.Resource { return &apiKeyRotationResource{} }

// apiKeyRotationResource alternates between two auto keys, as AWS Secrets
// Manager's "alternating users" rotation and Azure API Management's primary
// and secondary keys do: a rotation gives a new secret to the key that is
// NOT active (one UpdateApiKey) and makes it the active one, so that every
// caller that holds the active key's secret keeps working until it picks
// up the new pair. UpdateApiKey replaces a secret at once
// (https://www.tencentcloud.com/document/api/628/45170), so rotating the
// key in use would refuse its callers until they switch.
type apiKeyRotationResource struct {
	client *conns.Client
}

type apiKeyRotationModel struct {
	ID                    types.String `tfsdk:"id"`
	AccessKeyIDs          types.List   `tfsdk:"access_key_ids"`
	RotationTriggers      types.Map    `tfsdk:"rotation_triggers"`
	ActiveAccessKeyID     types.String `tfsdk:"active_access_key_id"`
	ActiveAccessKeySecret types.String `tfsdk:"active_access_key_secret"`
	// With secret_in_state = false a fingerprint stands for the secret.
	SecretInState                    types.Bool     `tfsdk:"secret_in_state"`
	ActiveAccessKeySecretFingerprint types.String   `tfsdk:"active_access_key_secret_fingerprint"`
	PreviousAccessKeyID              types.String   `tfsdk:"previous_access_key_id"`
	LastRotationTime                 types.String   `tfsdk:"last_rotation_time"`
	Timeouts                         timeouts.Value `tfsdk:"timeouts"`
}

// rotationIDSeparator joins the two key IDs in the resource ID and the
// import ID.
const rotationIDSeparator = ","

// privateKeyStatus is the private-state key under which Read records the
// keys' statuses, so that the plan can warn about a disabled key without
// reading the keys again.
const privateKeyStatus = "key_status"

func (r *apiKeyRotationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_key_rotation"
}

func (r *apiKeyRotationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Alternates between two `auto` API keys that the configuration already manages: a rotation gives a new secret " +
			"to the key that is not active (one `UpdateApiKey`) and makes it the active one, while the key that was active keeps " +
			"its secret. Callers that hold the active key's ID and secret keep working until they take the new pair. " +
			"Creating, importing or destroying this resource changes no key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The two key IDs, joined by a comma: `<id1>,<id2>`.",
				Computed:            true,
				PlanModifiers:       keepState,
			},
			"access_key_ids": schema.ListAttribute{
				MarkdownDescription: "The IDs of exactly two distinct existing `auto` keys, typically the `id` of two " +
					"`tencentcloud_api_gateway_api_key` resources, both bound to the same usage plans. Changing them replaces this " +
					"resource, which changes no key.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.List{
					listvalidator.SizeBetween(2, 2),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(keyIDValidators()...),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values whose change rotates: for example the `id` of a `time_rotating` resource. " +
					"The same rule as the key's `rotation_triggers`: only a change from one non-empty map to a different one rotates. " +
					"Setting triggers where there were none (on create, or after an import) records them, and removing them rotates " +
					"nothing. An absent `rotation_triggers` and `{}` are the same (stored as `{}`).",
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
			},
			"active_access_key_id": schema.StringAttribute{
				MarkdownDescription: "The key that callers should use now. On create (and import) the more recently modified key " +
					"(the first of `access_key_ids` when both were modified in the same second); after each rotation the other key.",
				Computed: true,
			},
			"active_access_key_secret": schema.StringAttribute{
				MarkdownDescription: "The secret of the active key: after a rotation, the one `UpdateApiKey` answered with; refreshed from the API. " +
					"Null with `secret_in_state = false`.",
				Computed:  true,
				Sensitive: true,
			},
			"secret_in_state": schema.BoolAttribute{
				MarkdownDescription: "Whether the state holds the active key's secret in `active_access_key_secret` (default `true`). With `false` it is " +
					"null in the plan and the state, `active_access_key_secret_fingerprint` stands for it, and callers read the secret of " +
					"`active_access_key_id` with the `tencentcloud_api_gateway_api_key` ephemeral resource. Rotation, import and the " +
					"refresh work as with `true`. Changing it changes no key. Set the keys' own `secret_in_state = false` too, or their " +
					"resources keep the secrets in the state.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"active_access_key_secret_fingerprint": schema.StringAttribute{
				MarkdownDescription: "With `secret_in_state = false`: a salted Argon2id hash of the active key's secret " +
					"(`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`), kept while the refresh finds the same secret and made again when the " +
					"secret changed (a rotation, or a change outside Terraform). Null when `active_access_key_secret` holds the secret.",
				Computed: true,
			},
			"previous_access_key_id": schema.StringAttribute{
				MarkdownDescription: "The other key: it keeps its secret until the next rotation, which gives it a new one.",
				Computed:            true,
			},
			"last_rotation_time": schema.StringAttribute{
				MarkdownDescription: "When this resource last rotated (the new active key's modification time as the API reports it, " +
					"ISO 8601, UTC); null until the first rotation.",
				Computed: true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

// IdentitySchema: the two key IDs (Terraform 1.12+, OpenTofu 1.12+).
func (r *apiKeyRotationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"access_key_ids": identityschema.ListAttribute{
				Description:       "The two key IDs, in the order of `access_key_ids`.",
				ElementType:       types.StringType,
				RequiredForImport: true,
			},
		},
	}
}

func (r *apiKeyRotationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// ModifyPlan checks the keys at plan time where their IDs are known, and
// plans what a rotation changes. A new resource reads both keys (a missing
// or manual key is an error before any write); an existing one uses what
// the refresh recorded. A rotation plans the other key as active (known
// when the triggers are) and its secret as unknown.
func (r *apiKeyRotationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan apiKeyRotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var configTriggers types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotation_triggers"), &configTriggers)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configTriggers.IsNull() {
		plan.RotationTriggers = noRotationTriggers()
	}

	if req.State.Raw.IsNull() {
		// Nothing rotates on create: which key is active is read at apply.
		plan.LastRotationTime = types.StringNull()
		if plan.secretKeptOut() {
			plan.ActiveAccessKeySecret = types.StringNull()
		} else if !plan.SecretInState.IsUnknown() {
			plan.ActiveAccessKeySecretFingerprint = types.StringNull()
		}
		if ids, known := keyIDs(plan.AccessKeyIDs); known && len(ids) == 2 {
			plan.ID = types.StringValue(strings.Join(ids, rotationIDSeparator))
			ctx, cancel := withTimeout(ctx, plan.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
			defer cancel()
			if resp.Diagnostics.HasError() {
				return
			}
			keys, diags := r.readKeys(ctx, ids)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			for _, k := range keys {
				if k.Status != conns.StatusEnabled {
					resp.Diagnostics.AddAttributeWarning(path.Root("access_key_ids"), "API key is disabled",
						fmt.Sprintf("API key %s is disabled: the gateway refuses its callers until it is enabled.", k.AccessKeyID))
				}
			}
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	var state apiKeyRotationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.LastRotationTime = state.ID, state.LastRotationTime
	plan.ActiveAccessKeyID, plan.PreviousAccessKeyID = state.ActiveAccessKeyID, state.PreviousAccessKeyID
	plan.ActiveAccessKeySecret = state.ActiveAccessKeySecret
	plan.ActiveAccessKeySecretFingerprint = state.ActiveAccessKeySecretFingerprint
	if !plan.SecretInState.Equal(state.SecretInState) {
		// The secret goes into the state or out of it (one read of the keys).
		plan.ActiveAccessKeySecret, plan.ActiveAccessKeySecretFingerprint = types.StringUnknown(), types.StringUnknown()
	}
	disabled := r.disabledKeys(ctx, req.Private, &resp.Diagnostics)
	if triggersRotate(plan.RotationTriggers, state.RotationTriggers) {
		plan.ActiveAccessKeySecret = types.StringUnknown()
		plan.ActiveAccessKeySecretFingerprint = types.StringUnknown()
		plan.LastRotationTime = types.StringUnknown()
		if fullyKnown(plan.RotationTriggers) {
			// The key that becomes active is known: the plan shows it.
			plan.ActiveAccessKeyID, plan.PreviousAccessKeyID = state.PreviousAccessKeyID, state.ActiveAccessKeyID
		} else {
			// Unknown triggers may turn out unchanged: the apply decides.
			plan.ActiveAccessKeyID, plan.PreviousAccessKeyID = types.StringUnknown(), types.StringUnknown()
		}
		if standby := state.PreviousAccessKeyID.ValueString(); slices.Contains(disabled, standby) {
			resp.Diagnostics.AddAttributeWarning(path.Root("rotation_triggers"), "The key to rotate to is disabled",
				fmt.Sprintf("API key %s, which this rotation would make active, is disabled. Unless it is enabled before the "+
					"rotation runs (for example by its tencentcloud_api_gateway_api_key resource in the same apply), the rotation "+
					"fails before any change.", standby))
		}
	}
	switch {
	case plan.secretKeptOut():
		plan.ActiveAccessKeySecret = types.StringNull()
	case !plan.SecretInState.IsUnknown():
		plan.ActiveAccessKeySecretFingerprint = types.StringNull()
	}
	if active := state.ActiveAccessKeyID.ValueString(); slices.Contains(disabled, active) {
		resp.Diagnostics.AddAttributeWarning(path.Root("active_access_key_id"), "The active API key is disabled",
			fmt.Sprintf("API key %s, the active key, was disabled outside this resource: the gateway refuses its callers "+
				"until it is enabled again.", active))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create rotates nothing: it reads both keys and makes the more recently
// modified one active.
func (r *apiKeyRotationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiKeyRotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	ids, _ := keyIDs(plan.AccessKeyIDs)
	keys, diags := r.readKeys(ctx, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	active, previous := mostRecentlyModified(keys)
	plan.ID = types.StringValue(strings.Join(ids, rotationIDSeparator))
	if resp.Diagnostics.Append(plan.setActive(active, previous)...); resp.Diagnostics.HasError() {
		return
	}
	plan.LastRotationTime = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRotationIdentity(ctx, resp.Identity, plan.AccessKeyIDs, &resp.Diagnostics)
	resp.Diagnostics.Append(recordKeyStatus(ctx, resp.Private, keys)...)
}

// Read refreshes the active key's secret and records the keys' statuses. A
// key that no longer exists drops the resource from state, so the plan shows
// it created again (and a missing key is then an error before any write).
func (r *apiKeyRotationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyRotationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	ids, _ := keyIDs(state.AccessKeyIDs)
	setRotationIdentity(ctx, resp.Identity, state.AccessKeyIDs, &resp.Diagnostics)
	keys, missing, diags := r.readKeysAllowMissing(ctx, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddWarning("API key of a rotation no longer exists",
			fmt.Sprintf("API key %s no longer exists, so the rotation of %s is removed from the state; the plan creates it "+
				"again with the keys configured. Callers of the missing key are refused.", strings.Join(missing, " and "), strings.Join(ids, " and ")))
		resp.State.RemoveResource(ctx)
		return
	}

	var active, previous *conns.APIKey
	if state.ActiveAccessKeyID.IsNull() || state.ActiveAccessKeyID.ValueString() == "" {
		// Just imported: chosen as on create.
		active, previous = mostRecentlyModified(keys)
	} else {
		active, previous = keys[0], keys[1]
		if active.AccessKeyID != state.ActiveAccessKeyID.ValueString() {
			active, previous = previous, active
		}
	}
	if state.RotationTriggers.IsNull() {
		state.RotationTriggers = noRotationTriggers()
	}
	state.ID = types.StringValue(strings.Join(ids, rotationIDSeparator))
	if resp.Diagnostics.Append(state.setActive(active, previous)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(recordKeyStatus(ctx, resp.Private, keys)...)
}

// Update rotates when the triggers call for it: it reads both keys, and
// only when both are fit for it makes one UpdateApiKey, on the key that is
// not active. A failure leaves the state as it was: the active key, whose
// secret the callers hold, is never written.
func (r *apiKeyRotationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiKeyRotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The keys never change in place (a change replaces the resource).
	setRotationIdentity(ctx, resp.Identity, state.AccessKeyIDs, &resp.Diagnostics)
	if !triggersRotate(plan.RotationTriggers, state.RotationTriggers) {
		state.RotationTriggers, state.Timeouts = plan.RotationTriggers, plan.Timeouts
		if !plan.SecretInState.Equal(state.SecretInState) {
			// The active secret goes into the state or out of it: read it.
			state.SecretInState = plan.SecretInState
			keys, diags := r.readKeys(ctx, []string{state.ActiveAccessKeyID.ValueString(), state.PreviousAccessKeyID.ValueString()})
			if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
				return
			}
			if resp.Diagnostics.Append(state.setActive(keys[0], keys[1])...); resp.Diagnostics.HasError() {
				return
			}
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	activeID, standbyID := state.ActiveAccessKeyID.ValueString(), state.PreviousAccessKeyID.ValueString()
	keys, diags := r.readKeys(ctx, []string{activeID, standbyID})
	if diags.HasError() {
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.AddError("Rotation not started", rotationUnchanged(activeID, standbyID, "was not changed"))
		return
	}
	if keys[1].Status != conns.StatusEnabled {
		resp.Diagnostics.AddAttributeError(path.Root("rotation_triggers"), "The key to rotate to is disabled",
			fmt.Sprintf("API key %s is disabled: making it the active key would lock out every caller that switches to it. "+
				"Enable it (status = \"on\" on its tencentcloud_api_gateway_api_key resource), then apply again.\n\n%s",
				standbyID, rotationUnchanged(activeID, standbyID, "was not changed")))
		return
	}

	rotated, err := r.client.UpdateAPIKey(ctx, standbyID, "")
	if err != nil {
		what := r.standbyOutcome(ctx, standbyID, keys[1].AccessKeySecret)
		d := diagnostics.APIError("Error rotating to API key "+standbyID, err, r.client.CredentialID())
		resp.Diagnostics.AddError(d.Summary(), d.Detail()+"\n\n"+rotationUnchanged(activeID, standbyID, what))
		return
	}
	if resp.Diagnostics.Append(plan.setActive(rotated, keys[0])...); resp.Diagnostics.HasError() {
		// The key did rotate: record which key is active, without a secret.
		plan.ActiveAccessKeyID, plan.PreviousAccessKeyID = types.StringValue(standbyID), types.StringValue(activeID)
		plan.ActiveAccessKeySecret, plan.ActiveAccessKeySecretFingerprint = types.StringNull(), types.StringNull()
	}
	plan.LastRotationTime = types.StringValue(rotated.ModifiedTime)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(recordKeyStatus(ctx, resp.Private, []*conns.APIKey{keys[0], rotated})...)
}

// outcomeReadTimeout bounds the read that tells what a failed UpdateApiKey
// left. It runs on a context of its own: the update's may have ended.
const outcomeReadTimeout = 30 * time.Second

// standbyOutcome says what a failed UpdateApiKey left of the key it was to
// rotate: the call may have been carried out on an earlier attempt or
// before its answer was lost, so the key is read again and its secret
// compared with the one it had before.
func (r *apiKeyRotationResource) standbyOutcome(ctx context.Context, id, secretBefore string) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outcomeReadTimeout)
	defer cancel()
	key, err := r.client.DescribeAPIKey(ctx, id)
	switch {
	case err != nil:
		return "may or may not have a new secret: the outcome of UpdateApiKey is unclear and reading the key afterwards failed (" +
			conns.ErrorCode(err) + ")"
	case key.AccessKeySecret == secretBefore:
		return "was not changed (a read after the failure found its secret as before)"
	}
	return "was given a new secret although UpdateApiKey reported a failure (a read after the failure found it changed); " +
		"no caller holds that secret yet, and this resource does not use it"
}

// rotationUnchanged says what state the keys are in after a rotation that
// did not happen or failed half-way.
func rotationUnchanged(activeID, standbyID, standbyOutcome string) string {
	return fmt.Sprintf("The keys are as they were: API key %[1]s is still the active key and keeps its secret, so callers that "+
		"hold it keep working; active_access_key_id still names it. API key %[2]s, the key this rotation was to make active, %[3]s; "+
		"it stays the previous key. Apply again to retry the rotation: it again rotates API key %[2]s only.",
		activeID, standbyID, standbyOutcome)
}

// Delete changes no key: the keys belong to their own resources.
func (r *apiKeyRotationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState takes `<id1>,<id2>` or the identity's access_key_ids. The
// triggers start empty, so the first apply with triggers only records them:
// an import never rotates. The Read that follows picks the active key.
func (r *apiKeyRotationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ids []string
	if req.ID != "" {
		ids = strings.Split(req.ID, rotationIDSeparator)
		if len(ids) != 2 || ids[0] == "" || ids[1] == "" || ids[0] == ids[1] {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("The import ID must be two distinct key IDs joined by a comma, <id1>,<id2>; got %q.", req.ID))
			return
		}
	} else {
		var list types.List
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("access_key_ids"), &list)...)
		if resp.Diagnostics.HasError() {
			return
		}
		var known bool
		if ids, known = keyIDs(list); !known || len(ids) != 2 || ids[0] == ids[1] {
			resp.Diagnostics.AddError("Invalid import identity", "The identity's access_key_ids must hold two distinct key IDs.")
			return
		}
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("access_key_ids"), list)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.Join(ids, rotationIDSeparator))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rotation_triggers"), noRotationTriggers())...)
}

// setActive records which key is active and its secret, or with
// secret_in_state = false the secret's fingerprint (the stored one while it
// matches). It is the one place where a key's secret enters this resource.
func (m *apiKeyRotationModel) setActive(active, previous *conns.APIKey) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ActiveAccessKeyID = types.StringValue(active.AccessKeyID)
	m.PreviousAccessKeyID = types.StringValue(previous.AccessKeyID)
	if m.SecretInState.IsNull() || m.SecretInState.IsUnknown() {
		// Imported, or stored by an earlier version: the default.
		m.SecretInState = types.BoolValue(true)
	}
	if !m.secretKeptOut() {
		m.ActiveAccessKeySecret = types.StringValue(active.AccessKeySecret)
		m.ActiveAccessKeySecretFingerprint = types.StringNull()
		return diags
	}
	fp, _, err := secretFingerprint(m.ActiveAccessKeySecretFingerprint, active.AccessKeySecret)
	if err != nil {
		diags.AddError("Error fingerprinting the secret", fmt.Sprintf("API key %s: %s", active.AccessKeyID, err))
		return diags
	}
	m.ActiveAccessKeySecret = types.StringNull()
	m.ActiveAccessKeySecretFingerprint = types.StringValue(fp)
	return diags
}

// secretKeptOut reports whether secret_in_state is false.
func (m *apiKeyRotationModel) secretKeptOut() bool {
	return !m.SecretInState.IsNull() && !m.SecretInState.IsUnknown() && !m.SecretInState.ValueBool()
}

// readKeys reads the keys, in order, concurrently so that the reads share
// one call (see conns.Client.ReadAPIKey). A key that does not exist or is
// not an auto key is an error on access_key_ids.
func (r *apiKeyRotationResource) readKeys(ctx context.Context, ids []string) ([]*conns.APIKey, diag.Diagnostics) {
	keys, missing, diags := r.readKeysAllowMissing(ctx, ids)
	for _, id := range missing {
		diags.AddAttributeError(path.Root("access_key_ids"), "API key not found",
			fmt.Sprintf("API key %q does not exist. Check the key ID, and that the provider's credentials belong to the account "+
				"that owns the key. Nothing was changed.", id))
	}
	return keys, diags
}

// readKeysAllowMissing reads the keys like readKeys, but lists the missing
// ones instead of failing on them.
func (r *apiKeyRotationResource) readKeysAllowMissing(ctx context.Context, ids []string) (keys []*conns.APIKey, missing []string, diags diag.Diagnostics) {
	keys = make([]*conns.APIKey, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { keys[i], errs[i] = r.client.ReadAPIKey(ctx, id) })
	}
	wg.Wait()
	for i, id := range ids {
		switch err := errs[i]; {
		case conns.IsNotFound(err):
			missing = append(missing, id)
		case err != nil:
			diags.Append(diagnostics.APIError("Error reading API key "+id, err, r.client.CredentialID()))
		case keys[i].AccessKeyType != conns.KeyTypeAuto:
			diags.AddAttributeError(path.Root("access_key_ids"), "Not an auto key",
				fmt.Sprintf("API key %s is a %s key. A rotation alternates between two auto keys, whose secrets the service "+
					"generates; rotate a manual key by changing its access_key_secret. Nothing was changed.", id, keys[i].AccessKeyType))
		}
	}
	return keys, missing, diags
}

// mostRecentlyModified orders two keys: the more recently modified first,
// the first given on a tie (modification times are whole seconds).
func mostRecentlyModified(keys []*conns.APIKey) (active, previous *conns.APIKey) {
	// ISO 8601 UTC times of one layout order as strings do.
	if keys[1].ModifiedTime > keys[0].ModifiedTime {
		return keys[1], keys[0]
	}
	return keys[0], keys[1]
}

// keyIDs returns the IDs of access_key_ids, and whether all are known.
func keyIDs(list types.List) ([]string, bool) {
	if list.IsNull() || list.IsUnknown() {
		return nil, false
	}
	ids := make([]string, 0, len(list.Elements()))
	for _, e := range list.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			return nil, false
		}
		ids = append(ids, s.ValueString())
	}
	return ids, true
}

// fullyKnown reports whether a map and all of its values are known.
func fullyKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// keyStatus is what Read records of the keys for the next plan.
type keyStatus struct {
	Disabled []string `json:"disabled"`
}

// privateState is the part of the framework's private state data that
// recordKeyStatus and disabledKeys use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func recordKeyStatus(ctx context.Context, private privateState, keys []*conns.APIKey) diag.Diagnostics {
	status := keyStatus{Disabled: []string{}}
	for _, k := range keys {
		if k.Status != conns.StatusEnabled {
			status.Disabled = append(status.Disabled, k.AccessKeyID)
		}
	}
	raw, err := json.Marshal(status)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error recording the keys' status", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateKeyStatus, raw)
}

// disabledKeys returns the keys that the last refresh found disabled.
func (r *apiKeyRotationResource) disabledKeys(ctx context.Context, private privateState, diags *diag.Diagnostics) []string {
	raw, d := private.GetKey(ctx, privateKeyStatus)
	diags.Append(d...)
	var status keyStatus
	if len(raw) == 0 || json.Unmarshal(raw, &status) != nil {
		return nil
	}
	return status.Disabled
}

// setRotationIdentity stores the key IDs as the identity.
func setRotationIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, ids types.List, diags *diag.Diagnostics) {
	if identity == nil || ids.IsNull() || ids.IsUnknown() {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("access_key_ids"), ids)...)
}
