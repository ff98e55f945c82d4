// Command terraform-provider-tencentcloud serves the TencentCloud API Gateway
// provider to Terraform over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/provider"
)

// Set by the linker at release time (see .goreleaser.yml).
var (
	version = "dev"
	commit  = "none"
)

// memoryLimit is a soft limit for the Go runtime (unless GOMEMLIMIT is
// set). Terraform sends some RPCs for every resource at once; with the
// default GC pacing alone, a plan over hundreds of keys lets the heap double
// past what the provider actually holds.
const memoryLimit = 40 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}

	var debugMode bool

	flag.BoolVar(&debugMode, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()
	if !debugMode {
		silenceDiscardedLogs()
	}

	// providerserver.Serve, but with the provider's own protocol server
	// (see provider.NewProtocol6Server).
	server, err := provider.NewProtocol6Server(version, commit)()
	if err != nil {
		log.Fatal(err.Error())
	}
	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve("registry.terraform.io/tcapigw/tencentcloud",
		func() tfprotov6.ProviderServer { return server }, opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// Log levels of the SDK's and the provider's loggers (terraform-plugin-go,
// terraform-plugin-framework).
var loggerLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_TENCENTCLOUD"}

// silenceDiscardedLogs turns the provider's logging off when the CLI will
// drop every line of it anyway: Terraform and OpenTofu keep a provider's
// logs only with TF_LOG or TF_LOG_PROVIDER set. Left at their default
// (trace), the loggers still format a few lines per RPC, which was half the
// provider's CPU time in a plan over 500 keys. A level set explicitly wins.
func silenceDiscardedLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, v := range loggerLevelVars {
		if os.Getenv(v) == "" {
			_ = os.Setenv(v, "off")
		}
	}
}
