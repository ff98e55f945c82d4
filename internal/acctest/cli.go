package acctest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
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
	return newCLI(t, nil)
}

// TimeProviderSource is the address of hashicorp/time (time_rotating,
// time_static, …), which examples use beside this provider.
const TimeProviderSource = "hashicorp/time"

// NewCLIWithTimeProvider is NewCLI with hashicorp/time installed through
// dev_overrides too, built once per test process from the version pinned in
// tools/go.mod, for configurations that use it: `terraform init` could not
// fetch it where the registry is out of reach.
func NewCLIWithTimeProvider(t *testing.T) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Terraform CLI tests run only with TF_ACC=1 (make test sets it)")
	}
	return newCLI(t, map[string]string{TimeProviderSource: buildTimeProvider(t)})
}

func newCLI(t *testing.T, moreOverrides map[string]string) *CLI {
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
	lines := fmt.Sprintf("    %q = %q\n", ProviderSource, providerDir)
	for _, source := range slices.Sorted(maps.Keys(moreOverrides)) {
		lines += fmt.Sprintf("    %q = %q\n", source, moreOverrides[source])
	}
	overrides := "provider_installation {\n  dev_overrides {\n" + lines + "  }\n  direct {}\n}\n"
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

var (
	timeBuildOnce sync.Once
	timeBuildDir  string
	timeBuildErr  error
)

// buildTimeProvider builds hashicorp/time once per test process from the
// tools module, where tools/go.mod pins its version.
func buildTimeProvider(t *testing.T) string {
	t.Helper()
	timeBuildOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tcapigw/terraform-provider-tencentcloud").Output()
		if err != nil {
			timeBuildErr = fmt.Errorf("finding the module's directory: %w", err)
			return
		}
		tools := filepath.Join(strings.TrimSpace(string(out)), "tools")
		timeBuildDir, timeBuildErr = os.MkdirTemp("", "tcapigw-time-provider-") //nolint:usetesting // shared by the process; RunTests removes it
		if timeBuildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(timeBuildDir, "terraform-provider-time"), "github.com/hashicorp/terraform-provider-time")
		cmd.Dir = tools
		if out, err := cmd.CombinedOutput(); err != nil {
			timeBuildErr = fmt.Errorf("go build (in %s): %w\n%s", tools, err, out)
		}
	})
	if timeBuildErr != nil {
		t.Fatalf("building hashicorp/time: %v", timeBuildErr)
	}
	return timeBuildDir
}

// RunTests runs a package's tests and then removes the provider binaries
// that CLI tests built: call it from TestMain.
func RunTests(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{buildDir, timeBuildDir} {
		if dir != "" {
			_ = os.RemoveAll(dir)
		}
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
