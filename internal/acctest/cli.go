package acctest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// CLI runs the pinned Terraform CLI itself in a working directory, with
// the provider binary built from this checkout installed through
// dev_overrides: the way a user runs it, with the CLI's own output and
// logs (TF_LOG covers the provider too). It is for what
// terraform-plugin-testing does not show.
type CLI struct {
	t       *testing.T
	Dir     string
	binary  string
	cliConf string
}

// NewCLI prepares an empty working directory. It needs TF_ACC and
// TF_ACC_TERRAFORM_PATH, as the acceptance tests do, and skips the test
// otherwise. Packages that use it run their tests through RunTests.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Terraform CLI tests run only with TF_ACC=1 (make test sets it)")
	}
	binary := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if binary == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the pinned Terraform CLI (make test sets it)")
	}
	providerDir := buildProvider(t)
	dir := t.TempDir()
	cliConf := filepath.Join(dir, ".terraformrc")
	overrides := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderSource, providerDir)
	if err := os.WriteFile(cliConf, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	return &CLI{t: t, Dir: dir, binary: binary, cliConf: cliConf}
}

// ProviderSource is the provider's source address in configurations.
const ProviderSource = "tcapigw/tencentcloud"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildProvider builds the provider binary once per test process.
func buildProvider(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// Shared by every test of the process, so not t.TempDir(); RunTests removes it.
		buildDir, buildErr = os.MkdirTemp("", "tcapigw-provider-") //nolint:usetesting // see above
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "terraform-provider-tencentcloud"),
			"github.com/tcapigw/terraform-provider-tencentcloud")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v", buildErr)
	}
	return buildDir
}

// RunTests runs a package's tests and then removes the provider binary
// that CLI tests built: call it from TestMain.
func RunTests(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// WriteConfig writes main.tf; the configuration names the provider by its
// registry address.
func (c *CLI) WriteConfig(hcl string) {
	c.t.Helper()
	header := fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = %q
    }
  }
}
`, ProviderSource)
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(header+hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Command prepares one CLI command in the working directory; extraEnv adds
// variables such as TF_LOG. For commands the test must interrupt.
func (c *CLI) Command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.binary, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+c.cliConf,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// Run runs one CLI command and returns its combined output.
func (c *CLI) Run(extraEnv []string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := c.Command(ctx, extraEnv, args...)
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
