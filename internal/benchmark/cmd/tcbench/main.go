// Command tcbench measures the provider with the pinned Terraform CLI
// against the emulator at the API's rate limit, and writes the figures to a
// Markdown file (make bench writes BENCHMARKS.md).
//
// For N keys it times apply, a refreshing plan and destroy, counts the API
// calls by action, and compares each wall time with its rate-limit floor:
// the calls of the busiest action divided by the limit. It also measures
// the provider's start-up, binary size and peak memory.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// The go-plugin handshake cookie Terraform sets for providers.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
)

type options struct {
	terraform   string
	out         string
	sizes       []int
	parallelism int
	startups    int
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.terraform, "terraform", "", "path of the pinned Terraform CLI (required)")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "Markdown file to write")
	flag.StringVar(&sizes, "n", "100,500", "numbers of keys, comma-separated")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.IntVar(&o.startups, "startups", 20, "provider start-ups to time")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "tcbench: bad -n value %q\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.terraform == "" {
		fmt.Fprintln(os.Stderr, "tcbench: -terraform is required")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "tcbench:", err)
		os.Exit(1)
	}
}

// phase is one measured Terraform command.
type phase struct {
	n        int
	name     string
	wall     time.Duration
	calls    map[string]int
	peakRSS  int64 // KiB, of the provider process
	floor    time.Duration
	busiest  string
	limitHit int // RequestLimitExceeded answers the emulator gave
}

func run(o options) error {
	work, err := os.MkdirTemp("", "tcbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Println("building the provider")
	pluginDir := filepath.Join(work, "plugins")
	binary := filepath.Join(pluginDir, "terraform-provider-tencentcloud")
	if err := goBuild(binary); err != nil {
		return err
	}
	stripped := filepath.Join(work, "stripped", "terraform-provider-tencentcloud")
	if err := goBuild(stripped, "-trimpath", "-ldflags=-s -w"); err != nil {
		return err
	}

	emu := emulator.New(emulator.Options{RateLimit: emulator.DefaultRateLimit, KeyQuota: 100000})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()
	endpoint := "http://" + listener.Addr().String()

	cliConf := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(cliConf, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"tcapigw/tencentcloud\" = %q\n  }\n  direct {}\n}\n", pluginDir)), 0o600); err != nil {
		return err
	}
	tf := &terraformCLI{path: o.terraform, cliConf: cliConf}

	startup, schemaWall, err := measureStartup(binary, tf, work, o.startups)
	if err != nil {
		return err
	}

	var phases []phase
	for _, n := range o.sizes {
		dir := filepath.Join(work, fmt.Sprintf("n%d", n))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(endpoint, emu, n)), 0o600); err != nil {
			return err
		}
		steps := []struct {
			name string
			args []string
		}{
			{"apply", []string{"apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}},
			{"refresh-plan", []string{"plan", "-detailed-exitcode", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}},
			{"destroy", []string{"destroy", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}},
			// Terraform refreshes every key before destroying: the same
			// destroy without that walk shows the provider's own part.
			{"re-apply", []string{"apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}},
			{"destroy -refresh=false", []string{"destroy", "-refresh=false", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}},
		}
		for _, step := range steps {
			emu.ResetCalls()
			fmt.Printf("N=%d %s ...\n", n, step.name)
			wall, peak, err := tf.run(dir, step.args...)
			if err != nil {
				return fmt.Errorf("%s of %d keys: %w", step.name, n, err)
			}
			p := phase{n: n, name: step.name, wall: wall, calls: emu.CallCounts(), peakRSS: peak}
			for _, c := range emu.Calls() {
				if c.ErrorCode == "RequestLimitExceeded" {
					p.limitHit++
				}
			}
			for action, count := range p.calls {
				if floor := time.Duration(float64(count) / emulator.DefaultRateLimit * float64(time.Second)); floor > p.floor {
					p.floor, p.busiest = floor, action
				}
			}
			fmt.Printf("  %s, calls %v\n", wall.Round(time.Millisecond), p.calls)
			phases = append(phases, p)
		}
		if left := len(emu.Keys()); left != 0 {
			return fmt.Errorf("%d of %d keys left after destroy", left, n)
		}
	}

	sizes, err := fileSizes(binary, stripped)
	if err != nil {
		return err
	}
	tfVersion, _ := exec.Command(o.terraform, "version").Output()
	report := render(o, phases, startup, schemaWall, sizes, firstLine(string(tfVersion)))
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil { //nolint:gosec // a report for the repository
		return err
	}
	fmt.Printf("wrote %s\n", o.out)
	return nil
}

func goBuild(out string, flags ...string) error {
	args := append([]string{"build", "-o", out}, flags...)
	args = append(args, "github.com/tcapigw/terraform-provider-tencentcloud")
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func config(endpoint string, emu *emulator.Server, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

provider "tencentcloud" {
  secret_id  = %q
  secret_key = %q
  endpoints = {
    apigateway = %q
  }
}

resource "tencentcloud_api_gateway_api_key" "bench" {
  count       = %d
  secret_name = "bench-${count.index}"
}
`, emu.SecretID(), emu.SecretKey(), endpoint, n)
}

type terraformCLI struct {
	path    string
	cliConf string
}

func (t *terraformCLI) command(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(t.path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+t.cliConf, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return cmd
}

// run times one command and samples the provider's peak resident memory
// (VmHWM, a high-water mark) while it runs.
func (t *terraformCLI) run(dir string, args ...string) (time.Duration, int64, error) {
	cmd := t.command(dir, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	ctx, cancel := context.WithCancel(context.Background())
	var peak int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		peak = samplePeakRSS(ctx, "terraform-provider-tencentcloud")
	}()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	cancel()
	wg.Wait()
	if err != nil {
		return wall, peak, fmt.Errorf("%w\n%s", err, out.String())
	}
	return wall, peak, nil
}

// samplePeakRSS reads VmHWM of every process with the given name until the
// context ends, and returns the largest value seen, in KiB.
func samplePeakRSS(ctx context.Context, name string) int64 {
	// The kernel keeps the first 15 bytes of a command name.
	if len(name) > 15 {
		name = name[:15]
	}
	var peak int64
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
			if err != nil || strings.TrimSpace(string(comm)) != name {
				continue
			}
			if hwm := vmHWM(filepath.Join("/proc", e.Name(), "status")); hwm > peak {
				peak = hwm
			}
		}
		select {
		case <-ctx.Done():
			return peak
		case <-tick.C:
		}
	}
}

func vmHWM(statusFile string) int64 {
	data, err := os.ReadFile(statusFile)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}

// measureStartup times how long the provider binary takes from exec to its
// plugin handshake line (the provider's own start-up), and the wall time of
// `terraform providers schema -json`.
func measureStartup(binary string, tf *terraformCLI, work string, runs int) (time.Duration, time.Duration, error) {
	var handshakes []time.Duration
	for i := 0; i < runs; i++ {
		cmd := exec.Command(binary)
		cmd.Env = append(os.Environ(), magicCookieKey+"="+magicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=6")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return 0, 0, err
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, 0, err
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		elapsed := time.Since(start)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if err != nil || !strings.Contains(line, "|6|") {
			return 0, 0, fmt.Errorf("no plugin handshake from the provider (got %q): %v", line, err)
		}
		handshakes = append(handshakes, elapsed)
	}

	dir := filepath.Join(work, "schema")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("terraform {\n  required_providers {\n    tencentcloud = {\n      source = \"tcapigw/tencentcloud\"\n    }\n  }\n}\n"), 0o600); err != nil {
		return 0, 0, err
	}
	var schemaWalls []time.Duration
	for i := 0; i < 5; i++ {
		wall, _, err := tf.run(dir, "providers", "schema", "-json")
		if err != nil {
			return 0, 0, err
		}
		schemaWalls = append(schemaWalls, wall)
	}
	return median(handshakes), median(schemaWalls), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func fileSizes(paths ...string) ([]int64, error) {
	var sizes []int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, fi.Size())
	}
	return sizes, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				mem = fmt.Sprintf(", %.0f GiB memory", float64(kib)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d cores (%s)%s, %s %s/%s", runtime.NumCPU(), cpu, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func render(o options, phases []phase, startup, schemaWall time.Duration, sizes []int64, tfVersion string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Produced by `make bench` (`go run ./internal/benchmark/cmd/tcbench -terraform bin/terraform-1.5.7/terraform -out BENCHMARKS.md`) on %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. Terraform: %s, `-parallelism=%d`. ", machine(), tfVersion, o.parallelism)
	fmt.Fprintf(&b, "API: the local emulator at its limit of %d requests per second per action; the provider's own limiter is at its default, %d per second.\n\n", emulator.DefaultRateLimit, emulator.DefaultRateLimit)
	fmt.Fprintf(&b, "The rate-limit floor of a phase is the calls of its busiest action divided by %d per second: no client can be faster. Ratio = wall time ÷ floor (target: ≤ 1.2 at N = 500).\n\n", emulator.DefaultRateLimit)
	b.WriteString("| N | phase | wall time | API calls by action | busiest action | floor | ratio | RequestLimitExceeded answers | provider peak RSS |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range phases {
		actions := make([]string, 0, len(p.calls))
		for a := range p.calls {
			actions = append(actions, a)
		}
		sort.Strings(actions)
		parts := make([]string, len(actions))
		for i, a := range actions {
			parts[i] = fmt.Sprintf("%s %d", a, p.calls[a])
		}
		ratio := "n/a"
		if p.floor > 0 {
			ratio = fmt.Sprintf("%.2f", p.wall.Seconds()/p.floor.Seconds())
		}
		fmt.Fprintf(&b, "| %d | %s | %.1f s | %s | %s | %.1f s | %s | %d | %.1f MiB |\n",
			p.n, p.name, p.wall.Seconds(), strings.Join(parts, ", "), p.busiest, p.floor.Seconds(), ratio, p.limitHit, float64(p.peakRSS)/1024)
	}
	b.WriteString("\n| measure | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| provider start-up: exec to plugin handshake (median of %d) | %.1f ms | < 100 ms |\n", o.startups, float64(startup.Microseconds())/1000)
	fmt.Fprintf(&b, "| `terraform providers schema -json`, whole command (median of 5) | %.0f ms | |\n", float64(schemaWall.Milliseconds()))
	fmt.Fprintf(&b, "| binary size, `go build` | %.1f MB | |\n", float64(sizes[0])/1e6)
	fmt.Fprintf(&b, "| binary size, release flags (`-trimpath -ldflags=\"-s -w\"`, as goreleaser builds) | %.1f MB | < 40 MB |\n", float64(sizes[1])/1e6)
	var peak int64
	for _, p := range phases {
		peak = max(peak, p.peakRSS)
	}
	fmt.Fprintf(&b, "| provider peak resident memory, any phase | %.1f MiB | < 64 MB |\n", float64(peak)/1024)
	b.WriteString("\nPeak memory is the provider process's VmHWM, sampled from /proc every 50 ms while Terraform runs.\n")
	b.WriteString("\n`terraform destroy` first refreshes every key (N `DescribeApiKey` calls, one walk) and only then disables and " +
		"deletes them (N `DisableApiKey` and N `DeleteApiKey` calls, pipelined in a second walk), so it takes two floors: " +
		"a ratio near 2 is Terraform's order of work, not the provider's. `destroy -refresh=false` measures the destroy walk alone.\n")
	return b.String()
}
