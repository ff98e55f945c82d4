// Command terraform-provider-tencentcloud serves the TencentCloud API Gateway
// provider to Terraform over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/provider"
)

// Set by the linker at release time (see .goreleaser.yml).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool

	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address:         "registry.terraform.io/tcapigw/tencentcloud",
		Debug:           debug,
		ProtocolVersion: 6,
	}

	if err := providerserver.Serve(context.Background(), provider.New(version, commit), opts); err != nil {
		log.Fatal(err.Error())
	}
}
