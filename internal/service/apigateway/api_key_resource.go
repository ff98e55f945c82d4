package apigateway

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/diagnostics"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/fingerprint"
)

// Values of the status attribute.
const (
	statusOn  = "on"
	statusOff = "off"
)

// The API's rules for manual keys (CreateApiKey and UpdateApiKey).
var manualKeyChars = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// keyIDValidators checks a key ID as the API's rules for manual keys have
// it: 5–50 letters, digits and underscores. An auto key's generated ID fits
// them too, so every argument that names a key uses them.
func keyIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(5, 50),
		stringvalidator.RegexMatches(manualKeyChars, "must contain only letters, digits and underscores"),
	}
}

// manualSecretValidators checks a manual key secret: 10–50 letters, digits
// and underscores.
func manualSecretValidators(more ...validator.String) []validator.String {
	return append([]validator.String{
		stringvalidator.LengthBetween(10, 50),
		stringvalidator.RegexMatches(manualKeyChars, "must contain only letters, digits and underscores"),
	}, more...)
}

var (
	_ resource.ResourceWithConfigure      = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState    = (*apiKeyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*apiKeyResource)(nil)
	_ resource.ResourceWithIdentity       = (*apiKeyResource)(nil)
)

func newAPIKeyResource() resource.Resource { return &apiKeyResource{} }

type apiKeyResource struct {
	client *conns.Client
}

type apiKeyResourceModel struct {
	ID              types.String `tfsdk:"id"`
	SecretName      types.String `tfsdk:"secret_name"`
	AccessKeyType   types.String `tfsdk:"access_key_type"`
	AccessKeyID     types.String `tfsdk:"access_key_id"`
	AccessKeySecret types.String `tfsdk:"access_key_secret"`
	// The write-only secret is never in plan or state: it is read from the
	// configuration, and its version says when to send it again.
	AccessKeySecretWO        types.String `tfsdk:"access_key_secret_wo"`
	AccessKeySecretWOVersion types.Int64  `tfsdk:"access_key_secret_wo_version"`
	SecretInState            types.Bool   `tfsdk:"secret_in_state"`
	// SecretFingerprint stands for the secret when it is not stored: a
	// salted, slow hash that shows a secret changed outside Terraform.
	SecretFingerprint types.String   `tfsdk:"access_key_secret_fingerprint"`
	Status            types.String   `tfsdk:"status"`
	RotationTriggers  types.Map      `tfsdk:"rotation_triggers"`
	CreateTime        types.String   `tfsdk:"create_time"`
	ModifyTime        types.String   `tfsdk:"modify_time"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// Default operation timeouts; a timeouts block overrides them. They bound
// retries of transient errors too.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_gateway_api_key"
}

func (r *apiKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API Gateway API key (a key ID and secret pair). Manual keys take a user-chosen ID and secret; " +
			"auto keys get both from the service. Secrets are changed in place with `UpdateApiKey`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key ID (`AccessKeyId`).",
				Computed:            true,
				PlanModifiers:       keepState,
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "The key's name. The API cannot rename a key, so changing it replaces the key.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"access_key_type": schema.StringAttribute{
				MarkdownDescription: "`auto` (default): the service generates the key ID and secret. `manual`: you set `access_key_id` and `access_key_secret`. Changing it replaces the key.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(conns.KeyTypeAuto),
				Validators:          []validator.String{stringvalidator.OneOf(conns.KeyTypeAuto, conns.KeyTypeManual)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "The key ID. Required for `manual` keys (5–50 letters, digits and underscores), not allowed for `auto` keys, which get a generated one. Changing it replaces the key.",
				Optional:            true,
				Computed:            true,
				Validators:          keyIDValidators(),
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"access_key_secret": schema.StringAttribute{
				MarkdownDescription: "The key secret. Required for `manual` keys (10–50 letters, digits and underscores); a change is applied in place with `UpdateApiKey`, and a secret changed outside Terraform shows in the next plan, which sets this one again. Not allowed for `auto` keys, whose secret the service generates (change `rotation_triggers` to rotate it); for them it is the secret the service reports.",
				Optional:            true,
				Computed:            true,
				Sensitive:           true,
				Validators:          manualSecretValidators(),
				PlanModifiers:       keepState,
			},
			"access_key_secret_wo": schema.StringAttribute{
				MarkdownDescription: "The secret of a `manual` key as a write-only argument: sent to the API on create, and again with `UpdateApiKey` whenever `access_key_secret_wo_version` changes, but never stored in the plan or the state (`access_key_secret` then stays null; `access_key_secret_fingerprint` stands for it). A secret changed outside Terraform shows in the next plan as an update, which sends this one again (one `UpdateApiKey`). 10–50 letters, digits and underscores. Conflicts with `access_key_secret`. Needs Terraform 1.11 or OpenTofu 1.11 or later. Importing such a key: with an `import` block the state never holds the secret; the `terraform import` command stores it until the next apply.",
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
				Validators: manualSecretValidators(
					stringvalidator.ConflictsWith(path.MatchRoot("access_key_secret")),
					stringvalidator.AlsoRequires(path.MatchRoot("access_key_secret_wo_version")),
				),
			},
			"access_key_secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "The version of `access_key_secret_wo`: change it to send a new write-only secret with `UpdateApiKey`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("access_key_secret_wo"))},
			},
			"secret_in_state": schema.BoolAttribute{
				MarkdownDescription: "Whether the state holds the secret of an `auto` key in `access_key_secret` (default `true`, as before). " +
					"With `false`, `access_key_secret` is null in the plan and the state, `access_key_secret_fingerprint` stands for it " +
					"(a secret rotated outside Terraform shows in the next plan), and callers read the secret with the " +
					"`tencentcloud_api_gateway_api_key` ephemeral resource. Rotation with `rotation_triggers`, import and drift detection " +
					"work as with `true`. Changing it changes nothing on the API. A `manual` key keeps its secret out of the state with " +
					"`access_key_secret_wo` instead, so `false` is refused with `access_key_secret`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"access_key_secret_fingerprint": schema.StringAttribute{
				MarkdownDescription: "When the secret is not in the state (`access_key_secret_wo`, or `secret_in_state = false`): a salted Argon2id hash of it " +
					"(`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`), which each refresh checks against the live secret, so a secret changed outside " +
					"Terraform shows in the plan without being stored. Deliberately slow to compute, so a reader of the state cannot " +
					"try secrets quickly; still, give manual keys long random secrets. Null when `access_key_secret` holds the secret.",
				Computed:      true,
				PlanModifiers: keepState,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`on` (default) or `off`. Applied in place with `EnableApiKey` / `DisableApiKey`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(statusOn),
				Validators:          []validator.String{stringvalidator.OneOf(statusOn, statusOff)},
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "For `auto` keys only: arbitrary values whose change rotates the secret in place (same key ID, new secret), like `keepers` in the random provider. The secret rotates only when the triggers change from one non-empty map to a different one. Setting triggers where there were none (on a key created without them, or just imported) records them without rotating, and removing them rotates nothing, so importing a key never rotates it. An absent `rotation_triggers` and `{}` are the same (stored as `{}`).",
				Optional:            true,
				Computed:            true, // so that an absent map can be planned as {}, and the two plan alike
				ElementType:         types.StringType,
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the key was created (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       keepState,
			},
			"modify_time": schema.StringAttribute{
				MarkdownDescription: "When the key was last changed (ISO 8601, UTC).",
				Computed:            true,
				PlanModifiers:       keepState,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// IdentitySchema declares the key ID as the resource's identity (Terraform
// 1.12+, OpenTofu 1.12+), so a key can be imported with
// `identity = { access_key_id = "…" }` and listed by `terraform query`.
func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"access_key_id": identityschema.StringAttribute{
				Description:       "The key ID (`AccessKeyId`).",
				RequiredForImport: true,
			},
		},
	}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := conns.FromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// ValidateConfig enforces the rules that tie attributes to the key type, so
// a bad configuration fails at plan time without an API call.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiKeyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.AccessKeySecretWO.IsNull() && !req.ClientCapabilities.WriteOnlyAttributesAllowed {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_secret_wo"), "Write-only arguments need a newer Terraform or OpenTofu",
			"access_key_secret_wo is a write-only argument: it needs Terraform 1.11 or later, or OpenTofu 1.11 or later. "+
				"With this version, use access_key_secret instead.")
	}
	if cfg.AccessKeyType.IsUnknown() {
		return
	}
	if cfg.AccessKeyType.ValueString() == conns.KeyTypeManual {
		if cfg.AccessKeyID.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("access_key_id"), "Missing access_key_id",
				`access_key_id is required when access_key_type is "manual".`)
		}
		if cfg.AccessKeySecret.IsNull() && cfg.AccessKeySecretWO.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("access_key_secret"), "Missing access_key_secret",
				`access_key_secret (or the write-only access_key_secret_wo) is required when access_key_type is "manual".`)
		}
		if !cfg.AccessKeySecret.IsNull() && !cfg.SecretInState.IsNull() && !cfg.SecretInState.IsUnknown() && !cfg.SecretInState.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("secret_in_state"), "secret_in_state = false with access_key_secret",
				`access_key_secret is an argument, so its value is stored in the state. To keep a manual key's secret out of the state, `+
					`set it with the write-only access_key_secret_wo (and access_key_secret_wo_version) instead.`)
		}
		if !cfg.RotationTriggers.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("rotation_triggers"), "rotation_triggers not allowed for a manual key",
				`rotation_triggers only applies to access_key_type = "auto". To rotate a manual key, change access_key_secret.`)
		}
		return
	}
	// An auto key (the default): the service generates the ID and secret.
	if !cfg.AccessKeyID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_id"), "access_key_id not allowed for an auto key",
			`access_key_id can only be set when access_key_type is "manual"; the service generates the ID of an auto key.`)
	}
	if !cfg.AccessKeySecretWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_secret_wo"), "access_key_secret_wo not allowed for an auto key",
			`access_key_secret_wo can only be set when access_key_type is "manual"; the service generates the secret of an auto key.`)
	}
	if !cfg.AccessKeySecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_secret"), "access_key_secret not allowed for an auto key",
			`access_key_secret can only be set when access_key_type is "manual"; the service generates the secret of an auto key. `+
				`Change rotation_triggers to rotate it.`)
	}
}

// ModifyPlan marks what an in-place update will change as unknown: the
// secret of a rotated auto key (or its fingerprint) and the modification
// time. Everything else keeps its state value, so plans show no needless
// "known after apply". A secret kept out of the state (write-only, or
// secret_in_state = false) is planned null, and its fingerprint stands for
// it; a secret that the last refresh found changed outside Terraform plans
// an update of the fingerprint.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keptOut := secretKeptOut(plan)
	if keptOut {
		plan.AccessKeySecret = types.StringNull()
	} else if !plan.SecretInState.IsUnknown() {
		plan.SecretFingerprint = types.StringNull()
	}
	var configTriggers types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotation_triggers"), &configTriggers)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configTriggers.IsNull() {
		plan.RotationTriggers = noRotationTriggers()
	}
	if !req.State.Raw.IsNull() {
		var state apiKeyResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		rotate := rotationRequested(plan, state)
		drifted := keptOut && secretDrifted(ctx, req.Private, &resp.Diagnostics)
		if drifted && usesWriteOnlySecret(plan) && liveSecretIsConfigured(ctx, req.Config, state.SecretFingerprint) {
			// Changed outside Terraform to the configured secret (the rotate
			// action given the same value): nothing to set right.
			drifted = false
		}
		newWOVersion := !plan.AccessKeySecretWOVersion.Equal(state.AccessKeySecretWOVersion)
		switch {
		case keptOut && (rotate || drifted || newWOVersion || state.SecretFingerprint.IsNull()):
			plan.SecretFingerprint = types.StringUnknown()
		case !keptOut && plan.AccessKeyType.ValueString() == conns.KeyTypeAuto && (rotate || state.AccessKeySecret.IsNull()):
			// Rotated, or back in the state after secret_in_state = false.
			plan.AccessKeySecret = types.StringUnknown()
		}
		if drifted {
			resp.Diagnostics.Append(secretDriftWarning(state.ID.ValueString(), usesWriteOnlySecret(plan)))
		}
		manualSecretChange := plan.AccessKeyType.ValueString() == conns.KeyTypeManual && !usesWriteOnlySecret(plan) &&
			!plan.AccessKeySecret.Equal(state.AccessKeySecret)
		if rotate || manualSecretChange || !plan.Status.Equal(state.Status) || newWOVersion ||
			(drifted && usesWriteOnlySecret(plan)) {
			plan.ModifyTime = types.StringUnknown()
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer recordIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	secret := plan.AccessKeySecret.ValueString()
	if usesWriteOnlySecret(plan) {
		secret = r.writeOnlySecret(ctx, req.Config, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	key, err := r.client.CreateAPIKey(ctx, conns.CreateAPIKeyInput{
		SecretName:      plan.SecretName.ValueString(),
		AccessKeyType:   plan.AccessKeyType.ValueString(),
		AccessKeyID:     plan.AccessKeyID.ValueString(),
		AccessKeySecret: secret,
	})
	// The key exists from here on (even when the create was cancelled after
	// making it): it goes into state before any further step, so a failure
	// leaves it tainted in state, never orphaned.
	if key != nil && !r.setState(ctx, &resp.State, &resp.Diagnostics, key, plan) {
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.apiError("creating the API key", err))
		return
	}
	if plan.Status.ValueString() == statusOff {
		r.applyStatus(ctx, key.AccessKeyID, statusOff, plan, &resp.State, &resp.Diagnostics)
	}
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer recordIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is the key ID, known before the read; it must be set even
	// when the key turns out to be gone, or the framework reports it missing.
	setIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
	// ReadAPIKey shares calls with the other keys of the walk; a key it
	// reports missing was confirmed missing by its own DescribeApiKey.
	key, err := r.client.ReadAPIKey(ctx, state.ID.ValueString())
	if conns.IsNotFound(err) {
		// Deleted outside Terraform: drop it so the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.apiError("reading API key "+state.ID.ValueString(), err))
		return
	}
	if state.SecretInState.IsNull() {
		// Imported, or stored by an earlier version: the default.
		state.SecretInState = types.BoolValue(true)
	}
	model, drifted, diags := r.stateFromKey(key, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if drifted {
		// The live secret is not the one Terraform last set or saw. The
		// state records the live secret's fingerprint, as a read records
		// what the API holds; the mark tells the plan that this is drift to
		// set right, and stays until an apply has done so.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretDrift, []byte("true"))...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer recordIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// A manual key gets the configured secret, an auto key a generated one.
	// UpdateApiKey answers with the key after the change: that is the new
	// state, with no read after it.
	var newSecret string
	secretChange := false
	manual := plan.AccessKeyType.ValueString() == conns.KeyTypeManual
	// The plan decided whether drift is to be set right: it left the
	// fingerprint unknown then.
	drifted := secretKeptOut(plan) && plan.SecretFingerprint.IsUnknown() && secretDrifted(ctx, req.Private, &resp.Diagnostics)
	switch {
	case manual && usesWriteOnlySecret(plan) && drifted:
		// Changed outside Terraform: the configured secret goes back.
		newSecret = r.writeOnlySecret(ctx, req.Config, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		secretChange = true
	case manual && usesWriteOnlySecret(plan) && !plan.AccessKeySecretWOVersion.Equal(state.AccessKeySecretWOVersion):
		secret := r.writeOnlySecret(ctx, req.Config, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		// After an import (or a switch from access_key_secret) the state
		// still holds the live secret: when it is the configured one there
		// is nothing to send, only the stored secret to drop.
		newSecret, secretChange = secret, state.AccessKeySecret.ValueString() != secret
	case manual && !usesWriteOnlySecret(plan) && !plan.AccessKeySecret.Equal(state.AccessKeySecret):
		newSecret, secretChange = plan.AccessKeySecret.ValueString(), true
	case rotationRequested(plan, state):
		secretChange = true
	}
	if secretChange {
		key, err := r.client.UpdateAPIKey(ctx, id, newSecret)
		if err != nil {
			resp.Diagnostics.Append(r.apiError("changing the secret of API key "+id, err))
			return
		}
		if !r.setState(ctx, &resp.State, &resp.Diagnostics, key, plan) {
			return
		}
	} else if !r.updateWithoutWrite(ctx, id, plan, state, &resp.State, &resp.Diagnostics) {
		return
	}
	// Whatever drift the last refresh found is set right (or, for an auto
	// key, recorded): the plan no longer needs to show it.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretDrift, nil)...)

	if !plan.Status.Equal(state.Status) {
		r.applyStatus(ctx, id, plan.Status.ValueString(), plan, &resp.State, &resp.Diagnostics)
	}
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyResourceModel
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

	// The API deletes only disabled keys. A key that this Delete disabled is
	// turned back on when the delete then fails (bound to a usage plan,
	// retries exhausted, timed out, interrupted): a failed destroy or
	// replacement must not lock out the key's callers. Only a key that this
	// Delete turned off is turned on again: one stored as on may have been
	// disabled outside Terraform since the state was refreshed (a saved
	// plan, -refresh=false), say because it leaked, so its live status is
	// read first, in calls shared with the other deletes of the walk. A key
	// stored as off needs no read: DeleteApiKey itself answers InvalidStatus
	// when it is on.
	disabledHere := false
	if state.Status.ValueString() != statusOff {
		wasOn, err := r.client.DisableAPIKeyIfEnabled(ctx, id)
		switch {
		case conns.IsNotFound(err):
			return
		case err != nil && wasOn && conns.IsAmbiguous(err):
			// The disable may have been carried out: restore the key as after a failed delete.
			r.restoreAfterFailedDelete(ctx, id, err, &resp.Diagnostics)
			return
		case err != nil:
			resp.Diagnostics.Append(r.apiError("disabling API key "+id+" before deleting it", err))
			return
		}
		disabledHere = wasOn
	}
	err := r.client.DeleteAPIKey(ctx, id)
	if conns.HasCode(err, conns.CodeInvalidStatus) {
		// Enabled outside Terraform since it was last read.
		if err = r.client.DisableAPIKey(ctx, id); err == nil || conns.IsAmbiguous(err) {
			disabledHere = true
		}
		if err == nil {
			err = r.client.DeleteAPIKey(ctx, id)
		}
	}
	switch {
	case err == nil || conns.IsNotFound(err):
	case disabledHere:
		r.restoreAfterFailedDelete(ctx, id, err, &resp.Diagnostics)
	default:
		// Off before this Delete (disabled outside Terraform, or by its
		// configuration): it stays off, and the error says nothing of
		// turning it on.
		resp.Diagnostics.Append(diagnostics.DeleteFailed(id, err, r.client.CredentialID()))
	}
}

// restoreTimeout bounds turning a key back on after a failed delete. It
// runs on a context of its own: the delete's may have ended already.
const restoreTimeout = time.Minute

// restoreAfterFailedDelete enables a key that Delete disabled before the
// delete failed, and reports the failure with the key's resulting status.
func (r *apiKeyResource) restoreAfterFailedDelete(ctx context.Context, id string, deleteErr error, diags *diag.Diagnostics) {
	restoreCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restoreTimeout)
	defer cancel()
	err := r.client.EnableAPIKey(restoreCtx, id)
	if conns.IsNotFound(err) {
		// The failed delete was carried out after all (its answer was
		// lost): the key is gone, which is what was asked.
		return
	}
	diags.Append(diagnostics.DeleteFailedAfterDisable(id, deleteErr, err, r.client.CredentialID()))
}

// ImportState takes the key ID, either as an import ID or as the identity's
// access_key_id; the Read that follows fills in the rest and the identity.
func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("access_key_id"), req, resp)
}

// recordIdentity sets the identity from the key ID in state, on every path
// that leaves a key in state (a create that failed half-way included).
func recordIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	recordIdentityAs(ctx, "access_key_id", state, identity, diags)
}

// setIdentity stores the key ID as the identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String, diags *diag.Diagnostics) {
	setIdentityAs(ctx, "access_key_id", identity, id, diags)
}

// recordIdentityAs sets the identity attribute name from the id in state,
// on every path that leaves the object in state (a create that failed
// half-way included), for resources whose identity is their ID.
func recordIdentityAs(ctx context.Context, name string, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if state.Raw.IsNull() {
		return
	}
	var id types.String
	diags.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	setIdentityAs(ctx, name, identity, id, diags)
}

// setIdentityAs stores the ID as the identity attribute name. Clients that
// store no identity (Terraform before 1.12) get one all the same: the
// framework checks for it after every Create and Read, and drops it for them.
func setIdentityAs(ctx context.Context, name string, identity *tfsdk.ResourceIdentity, id types.String, diags *diag.Diagnostics) {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root(name), id)...)
}

// applyStatus turns the key on or off, then reads it once for the
// modification time that the enable/disable actions do not return.
func (r *apiKeyResource) applyStatus(ctx context.Context, id, status string, base apiKeyResourceModel, state *tfsdk.State, diags *diag.Diagnostics) {
	var err error
	if status == statusOff {
		err = r.client.DisableAPIKey(ctx, id)
	} else {
		err = r.client.EnableAPIKey(ctx, id)
	}
	if err != nil {
		diags.Append(r.apiError(fmt.Sprintf("turning API key %s %s", id, status), err))
		return
	}
	key, err := r.client.DescribeAPIKey(ctx, id)
	if err != nil {
		// The status did change; record that much and report the failed read.
		diags.Append(state.SetAttribute(ctx, path.Root("status"), status)...)
		diags.Append(r.apiError("reading API key "+id+" after turning it "+status, err))
		return
	}
	r.setState(ctx, state, diags, key, base)
}

// setState writes the key as the API reported it. Triggers and timeouts are
// the configuration's own, with no API counterpart: they come from base.
func (r *apiKeyResource) setState(ctx context.Context, state *tfsdk.State, diags *diag.Diagnostics, key *conns.APIKey, base apiKeyResourceModel) bool {
	model, _, d := r.stateFromKey(key, base)
	diags.Append(d...)
	if d.HasError() {
		return false
	}
	d = state.Set(ctx, &model)
	diags.Append(d...)
	return !d.HasError()
}

// stateFromKey is the state of a key as the API reported it, with base's
// configuration-only attributes. A secret kept out of the state is
// fingerprinted: base's fingerprint is kept when it is the live secret's,
// else a new one is made and drifted reports that the live secret is not
// the one base's fingerprint was made from.
func (r *apiKeyResource) stateFromKey(key *conns.APIKey, base apiKeyResourceModel) (model apiKeyResourceModel, drifted bool, diags diag.Diagnostics) {
	status, err := statusFromAPI(key.Status)
	if err != nil {
		diags.AddError("Unexpected API key status", fmt.Sprintf("API key %s: %s", key.AccessKeyID, err))
		return model, false, diags
	}
	model = apiKeyResourceModel{
		ID:              types.StringValue(key.AccessKeyID),
		SecretName:      types.StringValue(key.SecretName),
		AccessKeyType:   types.StringValue(key.AccessKeyType),
		AccessKeyID:     types.StringValue(key.AccessKeyID),
		AccessKeySecret: types.StringValue(key.AccessKeySecret),
		// The write-only secret itself is never stored; its version is.
		AccessKeySecretWO:        types.StringNull(),
		AccessKeySecretWOVersion: base.AccessKeySecretWOVersion,
		SecretInState:            base.SecretInState,
		SecretFingerprint:        types.StringNull(),
		Status:                   types.StringValue(status),
		RotationTriggers:         base.RotationTriggers,
		CreateTime:               types.StringValue(key.CreatedTime),
		ModifyTime:               types.StringValue(key.ModifiedTime),
		Timeouts:                 base.Timeouts,
	}
	if secretKeptOut(base) {
		model.AccessKeySecret = types.StringNull()
		var fp string
		fp, drifted, err = secretFingerprint(base.SecretFingerprint, key.AccessKeySecret)
		if err != nil {
			diags.AddError("Error fingerprinting the secret", fmt.Sprintf("API key %s: %s", key.AccessKeyID, err))
			return model, false, diags
		}
		model.SecretFingerprint = types.StringValue(fp)
	}
	if model.RotationTriggers.IsNull() {
		// Imported, or stored by an earlier version: no triggers is {}.
		model.RotationTriggers = noRotationTriggers()
	}
	return model, drifted, diags
}

// secretFingerprint returns the fingerprint to store for a live secret:
// the stored one when it matches (and has the current parameters), else a
// new one. drifted reports a stored fingerprint of another secret; one
// that cannot be checked (tampered with, or from a later version) counts
// as drift, so a write-only secret is sent again rather than trusted.
func secretFingerprint(stored types.String, secret string) (fp string, drifted bool, err error) {
	if !stored.IsNull() && !stored.IsUnknown() {
		match, err := fingerprint.Matches(stored.ValueString(), secret)
		if match && fingerprint.IsCurrent(stored.ValueString()) {
			return stored.ValueString(), false, nil
		}
		drifted = !match || err != nil
	}
	fp, err = fingerprint.New(secret)
	return fp, drifted, err
}

// updateWithoutWrite is an update that needs no change of the secret: the
// configuration-only attributes, and where the secret is kept, which at
// most needs one read (a secret back in the state that is not at hand).
func (r *apiKeyResource) updateWithoutWrite(ctx context.Context, id string, plan, state apiKeyResourceModel, out *tfsdk.State, diags *diag.Diagnostics) bool {
	state.RotationTriggers, state.Timeouts = plan.RotationTriggers, plan.Timeouts
	state.AccessKeySecretWOVersion = plan.AccessKeySecretWOVersion
	state.SecretInState = plan.SecretInState
	switch {
	case secretKeptOut(plan):
		if state.SecretFingerprint.IsNull() {
			// Kept out from now on: the stored secret (an import's, or
			// secret_in_state was true) gives its fingerprint.
			fp, err := fingerprint.New(state.AccessKeySecret.ValueString())
			if err != nil {
				diags.AddError("Error fingerprinting the secret", fmt.Sprintf("API key %s: %s", id, err))
				return false
			}
			state.SecretFingerprint = types.StringValue(fp)
		}
		state.AccessKeySecret = types.StringNull()
	case state.AccessKeySecret.IsNull():
		// Back in the state: read it.
		key, err := r.client.DescribeAPIKey(ctx, id)
		if err != nil {
			diags.Append(r.apiError("reading the secret of API key "+id, err))
			return false
		}
		return r.setState(ctx, out, diags, key, plan)
	default:
		state.SecretFingerprint = types.StringNull()
	}
	d := out.Set(ctx, &state)
	diags.Append(d...)
	return !d.HasError()
}

func (r *apiKeyResource) apiError(what string, err error) diag.Diagnostic {
	return diagnostics.APIError("Error "+what, err, r.client.CredentialID())
}

// withTimeout bounds an operation by its configured or default timeout.
func withTimeout(ctx context.Context, configured func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := configured(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}

// usesWriteOnlySecret reports whether the key's secret is the write-only
// argument, which is never stored.
func usesWriteOnlySecret(m apiKeyResourceModel) bool { return !m.AccessKeySecretWOVersion.IsNull() }

// secretKeptOut reports whether the key's secret stays out of the state,
// its fingerprint standing for it: a write-only secret, or an auto key with
// secret_in_state = false.
func secretKeptOut(m apiKeyResourceModel) bool {
	return usesWriteOnlySecret(m) || (m.AccessKeyType.ValueString() == conns.KeyTypeAuto &&
		!m.SecretInState.IsNull() && !m.SecretInState.IsUnknown() && !m.SecretInState.ValueBool())
}

// privateSecretDrift is the private-state key with which a refresh marks a
// live secret that differs from the fingerprinted one, until an apply
// clears it. The fingerprint alone cannot say it: the refresh stores the
// live secret's, and comparing it with a configured write-only secret at
// every plan would cost a slow hash per key.
const privateSecretDrift = "secret_drift"

// secretDrifted reports the mark a refresh left on a changed secret.
func secretDrifted(ctx context.Context, private privateState, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	v, d := private.GetKey(ctx, privateSecretDrift)
	diags.Append(d...)
	return string(v) == "true"
}

// liveSecretIsConfigured reports whether the refreshed fingerprint (the
// live secret's) is that of the configured write-only secret. One slow
// hash, so it is only asked after a refresh found drift.
func liveSecretIsConfigured(ctx context.Context, config tfsdk.Config, live types.String) bool {
	var configured types.String
	if config.GetAttribute(ctx, path.Root("access_key_secret_wo"), &configured).HasError() ||
		configured.IsNull() || configured.IsUnknown() || live.IsNull() || live.IsUnknown() {
		return false
	}
	match, err := fingerprint.Matches(live.ValueString(), configured.ValueString())
	return err == nil && match
}

// secretDriftWarning tells what the planned update of a secret changed
// outside Terraform will do.
func secretDriftWarning(id string, writeOnly bool) diag.Diagnostic {
	if writeOnly {
		return diag.NewWarningDiagnostic("API key secret changed outside Terraform",
			fmt.Sprintf("The secret of API key %s is not the one Terraform last set (its fingerprint differs). "+
				"The apply sets the configured access_key_secret_wo again, with one UpdateApiKey.", id))
	}
	return diag.NewWarningDiagnostic("API key secret rotated outside Terraform",
		fmt.Sprintf("The secret of API key %s was changed outside Terraform (its fingerprint differs). "+
			"The apply records the new secret's fingerprint and changes nothing on the API: callers that read the secret "+
			"with the tencentcloud_api_gateway_api_key ephemeral resource get the new one. To replace it with a fresh "+
			"secret, change rotation_triggers.", id))
}

// writeOnlySecret reads the write-only secret, which only the configuration holds.
func (r *apiKeyResource) writeOnlySecret(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) string {
	var secret types.String
	diags.Append(config.GetAttribute(ctx, path.Root("access_key_secret_wo"), &secret)...)
	if !diags.HasError() && (secret.IsNull() || secret.IsUnknown()) {
		diags.AddAttributeError(path.Root("access_key_secret_wo"), "Missing write-only secret",
			"access_key_secret_wo_version is set, so access_key_secret_wo must be set to a known value.")
	}
	return secret.ValueString()
}

// rotationRequested reports whether an auto key's secret is to rotate: see
// triggersRotate.
func rotationRequested(plan, state apiKeyResourceModel) bool {
	return plan.AccessKeyType.ValueString() == conns.KeyTypeAuto && triggersRotate(plan.RotationTriggers, state.RotationTriggers)
}

// triggersRotate is the rule of rotation_triggers, shared by the key and
// the key rotation: a rotation is due when the triggers change from one
// non-empty map to a different one. Setting triggers where there were none
// only records them (state holds none after an import: an import must
// never rotate a live key), and removing them rotates nothing. Unknown
// triggers may rotate; the apply decides.
func triggersRotate(planned, prior types.Map) bool {
	if noTriggers(prior) {
		return false
	}
	if planned.IsUnknown() {
		return true
	}
	return !noTriggers(planned) && !planned.Equal(prior)
}

// noTriggers reports whether a known rotation_triggers holds no value.
func noTriggers(m types.Map) bool { return m.IsNull() || (!m.IsUnknown() && len(m.Elements()) == 0) }

// noRotationTriggers is the value of an absent rotation_triggers.
func noRotationTriggers() types.Map {
	return types.MapValueMust(types.StringType, map[string]attr.Value{})
}

// statusFromAPI maps the API's status number; an undocumented value is an
// error rather than a guess.
func statusFromAPI(status int64) (string, error) {
	switch status {
	case conns.StatusEnabled:
		return statusOn, nil
	case conns.StatusDisabled:
		return statusOff, nil
	}
	return "", fmt.Errorf("the API reported status %d, which is neither 1 (enabled) nor 0 (disabled)", status)
}
