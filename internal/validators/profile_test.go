package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A profile name reaching outside the shared folder fails at plan time.
func TestProfileName(t *testing.T) {
	t.Parallel()
	check := func(v types.String) *validator.StringResponse {
		resp := &validator.StringResponse{}
		ProfileName().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("profile"), ConfigValue: v}, resp)
		return resp
	}
	for _, ok := range []types.String{types.StringValue("default"), types.StringValue("team-a.prod_1"), types.StringNull(), types.StringUnknown()} {
		if resp := check(ok); resp.Diagnostics.HasError() {
			t.Errorf("%s: unexpected error %v", ok, resp.Diagnostics)
		}
	}
	for _, bad := range []string{"../../etc/x", "..", "a/b", `a\b`} {
		resp := check(types.StringValue(bad))
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "path separator") {
			t.Errorf("%s: expected an error, got %v", bad, resp.Diagnostics)
		}
	}
}
