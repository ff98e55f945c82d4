package conns

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// FromProviderData returns the client that the provider's Configure handed
// to a resource, data source or ephemeral resource. It returns nil without
// diagnostics before the provider is configured (e.g. during validation).
func FromProviderData(data any) (*Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if data == nil {
		return nil, diags
	}
	client, ok := data.(*Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *conns.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil, diags
	}
	return client, diags
}
