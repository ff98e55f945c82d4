package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/provider"
)

// ProviderAddress is the provider's registry address.
const ProviderAddress = "registry.terraform.io/tcapigw/tencentcloud"

// CLI runs the pinned Terraform CLI itself in a working directory, against
// the provider served from this test process. It is for what
// terraform-plugin-testing does not show: the CLI's own output.
type CLI struct {
	t        *testing.T
	Dir      string
	binary   string
	reattach string
	cliConf  string
}

// NewCLI serves the provider for the test's lifetime and prepares an empty
// working directory. It needs TF_ACC and TF_ACC_TERRAFORM_PATH, as the
// acceptance tests do, and skips the test otherwise.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Terraform CLI tests run only with TF_ACC=1 (make test sets it)")
	}
	binary := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if binary == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the pinned Terraform CLI (make test sets it)")
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(ProviderAddress,
			providerserver.NewProtocol6(provider.New("acctest", "none")()),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard})),
			tf6server.WithoutLogStderrOverride(),
		)
	}()
	var conf *plugin.ReattachConfig
	select {
	case conf = <-reattachCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})

	reattach, err := json.Marshal(map[string]any{ProviderAddress: map[string]any{
		"Protocol":        string(conf.Protocol),
		"ProtocolVersion": conf.ProtocolVersion,
		"Pid":             conf.Pid,
		"Test":            true,
		"Addr":            map[string]string{"Network": conf.Addr.Network(), "String": conf.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cliConf := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &CLI{t: t, Dir: dir, binary: binary, reattach: string(reattach), cliConf: cliConf}
}

// WriteConfig writes main.tf; the configuration names the provider by its
// registry address.
func (c *CLI) WriteConfig(hcl string) {
	c.t.Helper()
	header := `terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(header+hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Run runs one CLI command and returns its combined output; extraEnv adds
// variables such as TF_LOG.
func (c *CLI) Run(extraEnv []string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.binary, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+c.reattach,
		"TF_CLI_CONFIG_FILE="+c.cliConf,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// MustRun runs a command and fails the test if it fails.
func (c *CLI) MustRun(args ...string) string {
	c.t.Helper()
	out, err := c.Run(nil, args...)
	if err != nil {
		c.t.Fatalf("terraform %v failed: %v\n%s", args, err, out)
	}
	return out
}
