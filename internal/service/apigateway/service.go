// Package apigateway holds the resources of TencentCloud API Gateway.
package apigateway

import (
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the service's resource constructors for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		newAPIKeyResource,
		newUsagePlanResource,
		newAPIKeyAttachmentResource,
		newAPIKeyRotationResource,
	}
}

// DataSources lists the service's data source constructors for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAPIKeyDataSource,
		newAPIKeysDataSource,
		newUsagePlansDataSource,
	}
}

// EphemeralResources lists the service's ephemeral resource constructors for
// the provider.
func EphemeralResources() []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newAPIKeyEphemeralResource,
	}
}

// ListResources lists the service's list resource constructors (for
// `terraform query`) for the provider.
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{
		newAPIKeyListResource,
		newUsagePlanListResource,
	}
}

// Actions lists the service's action constructors for the provider.
func Actions() []func() action.Action {
	return []func() action.Action{
		newAPIKeyRotateAction,
	}
}
