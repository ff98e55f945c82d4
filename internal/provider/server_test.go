package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func validateRotateConfig(t *testing.T, server tfprotov6.ProviderServer, secret string) []*tfprotov6.Diagnostic {
	t.Helper()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"access_key_id":        tftypes.String,
		"access_key_secret_wo": tftypes.String,
	}}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"access_key_id":        tftypes.NewValue(tftypes.String, "partner_gateway_key"),
		"access_key_secret_wo": tftypes.NewValue(tftypes.String, secret),
	}))
	if err != nil {
		t.Fatal(err)
	}
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatalf("%T does not serve actions", server)
	}
	resp, err := actions.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
		ActionType: "tencentcloud_api_gateway_api_key_rotate",
		Config:     &config,
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func summaries(diags []*tfprotov6.Diagnostic) []string {
	out := make([]string, len(diags))
	for i, d := range diags {
		out[i] = d.Summary
	}
	return out
}

// The framework alone rejects any write-only value in an action's
// configuration; the provider's server accepts it and keeps the attribute's
// own validators. If the first check fails, the framework has fixed the bug
// and actionWriteOnlyServer can go.
func TestActionWriteOnlyServer(t *testing.T) {
	t.Parallel()
	framework, err := providerserver.NewProtocol6WithError(New("test", "none")())()
	if err != nil {
		t.Fatal(err)
	}
	if got := summaries(validateRotateConfig(t, framework, "a_valid_new_secret")); len(got) != 1 || got[0] != writeOnlyNotAllowed {
		t.Fatalf("the framework alone: expected only %q, got %q", writeOnlyNotAllowed, got)
	}

	server, err := NewProtocol6Server("test", "none")()
	if err != nil {
		t.Fatal(err)
	}
	if got := summaries(validateRotateConfig(t, server, "a_valid_new_secret")); len(got) != 0 {
		t.Fatalf("a valid write-only secret: expected no diagnostics, got %q", got)
	}
	if got := summaries(validateRotateConfig(t, server, "short")); len(got) != 1 || got[0] != "Invalid Attribute Value Length" {
		t.Fatalf("a short write-only secret: expected the length validator's error only, got %q", got)
	}
}

// tf6server finds the list, action and state store RPCs by type assertion:
// the wrapper must have every method of the framework's server, or
// Terraform would see those features as unsupported.
func TestActionWriteOnlyServerForwardsEveryRPC(t *testing.T) {
	t.Parallel()
	framework, err := providerserver.NewProtocol6WithError(New("test", "none")())()
	if err != nil {
		t.Fatal(err)
	}
	server, err := NewProtocol6Server("test", "none")()
	if err != nil {
		t.Fatal(err)
	}
	wrapped := reflect.TypeOf(server)
	inner := reflect.TypeOf(framework)
	for i := range inner.NumMethod() {
		if name := inner.Method(i).Name; name != "" {
			if _, ok := wrapped.MethodByName(name); !ok {
				t.Errorf("the provider's server lacks %s, which the framework's server has", name)
			}
		}
	}
}
