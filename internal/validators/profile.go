package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// ProfileName checks that a tccli profile name names a file inside the
// shared credentials folder: no path separator, no "..".
func ProfileName() validator.String { return profileNameValidator{} }

type profileNameValidator struct{}

var _ validator.String = profileNameValidator{}

func (profileNameValidator) Description(context.Context) string {
	return `value must be a profile name without a path separator or ".."`
}

func (v profileNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (profileNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := conns.ValidateProfileName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid profile name", "The "+err.Error()+".")
	}
}
