package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6Server serves the provider over plugin protocol 6, as
// providerserver does, with one correction to the framework (see
// actionWriteOnlyServer). main and the acceptance tests both use it.
func NewProtocol6Server(version, commit string) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(New(version, commit)())
	return func() (tfprotov6.ProviderServer, error) {
		server, err := framework()
		if err != nil {
			return nil, err
		}
		full, ok := server.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the framework's protocol server (%T) lacks RPCs that this provider forwards", server)
		}
		return actionWriteOnlyServer{full}, nil
	}
}

// frameworkServer is every RPC that the framework's server answers: the
// ProviderServer interface and those that terraform-plugin-go still keeps
// apart from it (tf6server finds them by type assertion, so a wrapper must
// have them all).
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// writeOnlyNotAllowed is the summary of the framework's diagnostic for a
// write-only value sent by a client that does not support write-only
// attributes.
const writeOnlyNotAllowed = "WriteOnly Attribute Not Allowed"

// actionWriteOnlyServer lets action configurations set write-only
// attributes. terraform-plugin-framework v1.19.0 accepts WriteOnly in action
// schemas and Terraform 1.14+ handles such attributes (null in the plan,
// ephemeral values allowed), but the framework's ValidateActionConfig
// validates with WriteOnlyAttributesAllowed hard-coded to false, so any
// value fails with writeOnlyNotAllowed. Every client that sends actions
// (Terraform 1.14+) supports write-only attributes, so for actions that
// diagnostic is always wrong and is dropped; every other diagnostic
// (including the attributes' own validators) is kept.
type actionWriteOnlyServer struct {
	frameworkServer
}

func (s actionWriteOnlyServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	resp, err := s.frameworkServer.ValidateActionConfig(ctx, req)
	if resp != nil {
		resp.Diagnostics = slices.DeleteFunc(resp.Diagnostics, func(d *tfprotov6.Diagnostic) bool {
			return d != nil && d.Summary == writeOnlyNotAllowed
		})
	}
	return resp, err
}
