// Package apigateway holds the resources of TencentCloud API Gateway.
package apigateway

import "github.com/hashicorp/terraform-plugin-framework/resource"

// Resources lists the service's resource constructors for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		newAPIKeyResource,
	}
}
