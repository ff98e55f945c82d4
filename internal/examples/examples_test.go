// Package examples_test validates every Terraform configuration under
// examples/ with the pinned CLI and the provider built from this checkout,
// so that the examples (and the docs generated from them) cannot drift from
// the provider's schema.
package examples_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

func TestMain(m *testing.M) { acctest.RunTests(m) }

// TestExamplesValidate runs `terraform fmt -check` and `terraform validate`
// in a copy of each directory under examples/ that holds .tf or .tfquery.hcl
// files, with a required_providers block for tcapigw/tencentcloud added where
// the files have none. Directories are found at run time, so new examples are
// covered without changing this test. Files that need a newer CLI than
// TF_ACC_TERRAFORM_PATH (ephemeral resources, write-only arguments, import by
// identity, query files, actions) are left out with the reason; a directory left empty
// is skipped. Query files are validated with `validate -query`. Examples that use hashicorp/time
// (time_rotating) get it through dev_overrides too, built from the version tools/go.mod pins.
func TestExamplesValidate(t *testing.T) {
	cli := acctest.NewCLI(t) // skips without TF_ACC; builds the provider once
	version := cliVersion(t, cli)

	root := repoRoot(t)
	examples := filepath.Join(root, "examples")
	dirs := exampleDirs(t, examples)
	if len(dirs) == 0 {
		t.Fatalf("no .tf files under %s", examples)
	}
	for _, dir := range dirs {
		rel, err := filepath.Rel(examples, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			// Files that need a newer CLI are left out, with the reason;
			// the rest of the directory is still validated.
			files := readTF(t, dir)
			var tooNew []string
			for name, text := range files {
				if need, why := required(filepath.ToSlash(rel), name, text, version.openTofu); version.less(need) {
					needs := fmt.Sprintf("%s %s or later", version.product(), need)
					if need == never {
						needs = "a CLI that " + version.product() + " does not have"
					}
					tooNew = append(tooNew, fmt.Sprintf("%s has %s: it needs %s", name, why, needs))
					delete(files, name)
				}
			}
			slices.Sort(tooNew)
			if len(files) == 0 {
				t.Skipf("%s; TF_ACC_TERRAFORM_PATH is %s", strings.Join(tooNew, "; "), version)
			}
			for _, reason := range tooNew {
				t.Logf("left out under %s: %s", version, reason)
			}

			var work *acctest.CLI
			if usesTimeProvider(files) {
				work = acctest.NewCLIWithTimeProvider(t)
			} else {
				work = acctest.NewCLI(t)
			}
			hasRequiredProviders := false
			for name, text := range files {
				if err := os.WriteFile(filepath.Join(work.Dir, name), []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				hasRequiredProviders = hasRequiredProviders || requiredProvidersBlock.MatchString(text)
			}
			if out, err := work.Run(nil, "fmt", "-check", "-diff", "-no-color"); err != nil {
				t.Errorf("examples/%s is not formatted (make generate formats it): %v\n%s", rel, err, out)
			}
			if !hasRequiredProviders {
				header := fmt.Sprintf("terraform {\n  required_providers {\n    tencentcloud = {\n      source = %q\n    }\n  }\n}\n", acctest.ProviderSource)
				if err := os.WriteFile(filepath.Join(work.Dir, "zz_required_providers.tf"), []byte(header), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			validate := []string{"validate", "-no-color"}
			if len(queryFiles(files)) > 0 {
				validate = append(validate, "-query")
			}
			if out, err := work.Run(nil, validate...); err != nil {
				t.Fatalf("terraform validate of examples/%s failed: %v\n%s", rel, err, out)
			}
		})
	}
}

var (
	requiredProvidersBlock = regexp.MustCompile(`(?m)^\s*required_providers\s*\{`)
	ephemeralBlock         = regexp.MustCompile(`(?m)^\s*ephemeral\s+"`)
	writeOnlyArgument      = regexp.MustCompile(`(?m)^\s*\w+_wo\s*=`)
	identityImport         = regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`)
	actionBlock            = regexp.MustCompile(`(?m)^\s*action\s+"`)
)

// timeResource finds hashicorp/time's resources (time_rotating, …).
var timeResource = regexp.MustCompile(`(?m)^\s*(resource|data|ephemeral)\s+"time_`)

// usesTimeProvider reports whether an example uses hashicorp/time, which
// the CLI then gets through dev_overrides as this provider does.
func usesTimeProvider(files map[string]string) bool {
	for _, text := range files {
		if timeResource.MatchString(text) {
			return true
		}
	}
	return false
}

// never is a version that no CLI reaches: for features OpenTofu lacks.
var never = cliVer{major: 1 << 30}

// required returns the oldest CLI version that can validate one example
// file, and why.
func required(rel, name, text string, openTofu bool) (need cliVer, why string) {
	var reasons []string
	if strings.HasSuffix(name, queryFileSuffix) {
		// `terraform query` came with Terraform 1.14; OpenTofu has none.
		reasons = append(reasons, "list blocks for `terraform query`")
		need = cliVer{major: 1, minor: 14}
		if openTofu {
			need = never
		}
	}
	if strings.HasPrefix(rel, "ephemeral-resources/") || ephemeralBlock.MatchString(text) {
		reasons = append(reasons, "an ephemeral resource")
		need = cliVer{major: 1, minor: 10}
		if openTofu {
			need = cliVer{major: 1, minor: 11}
		}
	}
	if writeOnlyArgument.MatchString(text) {
		reasons = append(reasons, "a write-only argument")
		need = cliVer{major: 1, minor: 11}
	}
	if identityImport.MatchString(text) {
		reasons = append(reasons, "an import block by resource identity")
		need = cliVer{major: 1, minor: 12}
	}
	if actionBlock.MatchString(text) {
		// Actions came with Terraform 1.14; OpenTofu has none.
		reasons = append(reasons, "an action")
		need = cliVer{major: 1, minor: 14}
		if openTofu {
			need = never
		}
	}
	return need, strings.Join(reasons, " and ")
}

// queryFiles names the query files (.tfquery.hcl) among files.
func queryFiles(files map[string]string) []string {
	var names []string
	for name := range files {
		if strings.HasSuffix(name, queryFileSuffix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

const queryFileSuffix = ".tfquery.hcl"

// cliVer is a CLI's major and minor version.
type cliVer struct {
	major, minor int
	openTofu     bool
	text         string
}

func (v cliVer) less(o cliVer) bool {
	return v.major < o.major || v.major == o.major && v.minor < o.minor
}

func (v cliVer) product() string {
	if v.openTofu {
		return "OpenTofu"
	}
	return "Terraform"
}

func (v cliVer) String() string {
	if v.text != "" {
		return v.product() + " " + v.text
	}
	return fmt.Sprintf("%d.%d", v.major, v.minor)
}

// cliVersion asks the CLI for its version (`version -json`; OpenTofu
// answers with the same field).
func cliVersion(t *testing.T, cli *acctest.CLI) cliVer {
	t.Helper()
	out, err := cli.Run(nil, "version", "-json")
	if err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	// Warnings (e.g. about the CLI configuration) may precede the JSON.
	if i := strings.Index(out, "{"); i >= 0 {
		out = out[i:]
	}
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&v); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	parts := strings.SplitN(v.Version, ".", 3)
	if len(parts) < 2 {
		t.Fatalf("terraform version -json: unexpected version %q", v.Version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("terraform version -json: unexpected version %q", v.Version)
	}
	binary := filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH"))
	return cliVer{major: major, minor: minor, openTofu: strings.Contains(binary, "tofu"), text: v.Version}
}

// repoRoot is the directory of the module's go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// exampleDirs lists, sorted, the directories under root that hold .tf or
// .tfquery.hcl files.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .terraform and the like
		}
		if !d.IsDir() && (strings.HasSuffix(d.Name(), ".tf") || strings.HasSuffix(d.Name(), queryFileSuffix)) {
			if dir := filepath.Dir(path); !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(dirs)
	return dirs
}

// readTF reads the .tf and .tfquery.hcl files of one directory (not its
// subdirectories).
func readTF(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	query, err := filepath.Glob(filepath.Join(dir, "*"+queryFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, query...)
	files := make(map[string]string, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = string(b)
	}
	return files
}
