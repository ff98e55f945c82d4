// Package validators holds the provider's own attribute validators.
package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// Endpoint checks that a string is a scheme://host[:port] URL with an http
// or https scheme, as an API endpoint override must be.
func Endpoint() validator.String { return endpointValidator{} }

type endpointValidator struct{}

var _ validator.String = endpointValidator{}

func (endpointValidator) Description(context.Context) string {
	return "value must be an http:// or https:// URL of the form scheme://host[:port]"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, _, err := conns.ParseEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", "The endpoint "+err.Error()+".")
	}
}
