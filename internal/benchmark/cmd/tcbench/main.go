// Command tcbench measures the provider with the pinned CLIs (Terraform,
// OpenTofu) against the emulator at the API's rate limit, and writes the
// figures to a Markdown file (make bench writes BENCHMARKS.md).
//
// For N keys and each CLI it times apply, a refreshing plan and destroy,
// counts the API calls by action, and compares each wall time with its
// rate-limit floor (the calls of the busiest action divided by the limit)
// and with the same command against the emulator without a rate limit and
// the provider's rate_limit raised: the CLI's own walk, which no provider
// can beat. It also measures the provider's start-up, binary size and peak
// memory.
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
	clis        []string
	out         string
	sizes       []int
	parallelism int
	startups    int
	// phases selects what to measure: "keys" (N keys), "bindings" (bindN
	// keys bound to one usage plan).
	phases map[string]bool
	bindN  int
}

func main() {
	var o options
	var sizes, clis string
	flag.StringVar(&clis, "terraform", "", "paths of the pinned CLIs (Terraform or OpenTofu), comma-separated (required)")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "Markdown file to write")
	flag.StringVar(&sizes, "n", "100,500", "numbers of keys, comma-separated")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.IntVar(&o.startups, "startups", 20, "provider start-ups to time")
	var phases string
	flag.StringVar(&phases, "phases", "keys,bindings", "what to measure, comma-separated: keys (N keys), bindings (-bind-n keys bound to one usage plan)")
	flag.IntVar(&o.bindN, "bind-n", 50, "keys bound to one usage plan in the bindings phase (a plan holds at most 50)")
	flag.Parse()
	o.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		switch p = strings.TrimSpace(p); p {
		case "keys", "bindings":
			o.phases[p] = true
		default:
			fmt.Fprintf(os.Stderr, "tcbench: unknown phase %q (keys, bindings)\n", p)
			os.Exit(2)
		}
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "tcbench: bad -n value %q\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	for _, c := range strings.Split(clis, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.clis = append(o.clis, c)
		}
	}
	if len(o.clis) == 0 {
		fmt.Fprintln(os.Stderr, "tcbench: -terraform is required")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "tcbench:", err)
		os.Exit(1)
	}
}

// noLimitRate is the provider's rate_limit (its maximum) in the no-limit
// reference runs, where the emulator enforces no limit either.
const noLimitRate = 1000

// phase is one measured command, at the API's rate limit and without one.
type phase struct {
	n        int
	name     string
	wall     time.Duration
	calls    map[string]int
	peakRSS  int64 // KiB, of the provider process
	floor    time.Duration
	busiest  string
	limitHit int // RequestLimitExceeded answers the emulator gave

	// The same command against the emulator without a rate limit.
	freeWall  time.Duration
	freeCalls map[string]int
}

// cliResult is every figure of one CLI.
type cliResult struct {
	version    string
	schemaWall time.Duration
	phases     []phase
	// bindPhases: binding bindN keys to one usage plan.
	bindPhases []phase
}

// steps are the measured commands, in order, for one N.
func steps(parallelism int) []struct {
	name string
	args []string
} {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	return []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply", "-auto-approve", "-no-color", p}},
		{"refresh-plan", []string{"plan", "-detailed-exitcode", "-no-color", p}},
		{"destroy", []string{"destroy", "-auto-approve", "-no-color", p}},
		// The CLI refreshes every key before destroying: the same
		// destroy without that walk shows the destroy walk alone.
		{"re-apply", []string{"apply", "-auto-approve", "-no-color", p}},
		{"destroy -refresh=false", []string{"destroy", "-refresh=false", "-auto-approve", "-no-color", p}},
	}
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
	emu.SetUsagePlanQuotas(emulator.UsagePlanQuotas{KeysPerPlan: max(o.bindN, emulator.DefaultKeysPerUsagePlan)})
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

	startup, err := measureStartup(binary, o.startups)
	if err != nil {
		return err
	}

	results := make([]cliResult, 0, len(o.clis))
	for ci, cliPath := range o.clis {
		tf := &terraformCLI{path: cliPath, cliConf: cliConf}
		version, _ := tf.command(work, "version").Output()
		res := cliResult{version: firstLine(string(version))}
		fmt.Printf("== %s\n", res.version)
		if res.schemaWall, err = measureSchema(tf, filepath.Join(work, fmt.Sprintf("schema%d", ci))); err != nil {
			return err
		}
		if o.phases["bindings"] {
			limited, err := runBindSteps(tf, emu, endpoint, filepath.Join(work, fmt.Sprintf("cli%d-bind", ci)), o.bindN, o.parallelism, false)
			if err != nil {
				return err
			}
			free, err := runBindSteps(tf, emu, endpoint, filepath.Join(work, fmt.Sprintf("cli%d-bind-free", ci)), o.bindN, o.parallelism, true)
			if err != nil {
				return err
			}
			for i := range limited {
				limited[i].freeWall, limited[i].freeCalls = free[i].wall, free[i].calls
			}
			res.bindPhases = limited
		}
		for _, n := range o.sizes {
			if !o.phases["keys"] {
				break
			}
			limited, err := runSteps(tf, emu, endpoint, filepath.Join(work, fmt.Sprintf("cli%d-n%d", ci, n)), n, o.parallelism, false)
			if err != nil {
				return err
			}
			free, err := runSteps(tf, emu, endpoint, filepath.Join(work, fmt.Sprintf("cli%d-n%d-free", ci, n)), n, o.parallelism, true)
			if err != nil {
				return err
			}
			for i := range limited {
				limited[i].freeWall, limited[i].freeCalls = free[i].wall, free[i].calls
			}
			res.phases = append(res.phases, limited...)
		}
		results = append(results, res)
	}

	sizes, err := fileSizes(binary, stripped)
	if err != nil {
		return err
	}
	report := render(o, results, startup, sizes)
	// Sections that other benchmarks write by hand follow a marker; a
	// re-run keeps them.
	if existing, err := os.ReadFile(o.out); err == nil {
		report += keptSections(string(existing))
	}
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil { //nolint:gosec // a report for the repository
		return err
	}
	fmt.Printf("wrote %s\n", o.out)
	return nil
}

// runSteps applies, plans and destroys n keys in dir: at the API's rate
// limit, or (free) with neither the emulator nor the provider limiting.
func runSteps(tf *terraformCLI, emu *emulator.Server, endpoint, dir string, n, parallelism int, free bool) ([]phase, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	rateLimit, mode := 0, "at 20/s"
	if free {
		rateLimit, mode = noLimitRate, "no limit"
		emu.SetRateLimit(-1)
	} else {
		emu.SetRateLimit(emulator.DefaultRateLimit)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(endpoint, emu, n, rateLimit)), 0o600); err != nil {
		return nil, err
	}
	var phases []phase
	for _, step := range steps(parallelism) {
		emu.ResetCalls()
		fmt.Printf("N=%d %s (%s) ...\n", n, step.name, mode)
		wall, peak, err := tf.run(dir, step.args...)
		if err != nil {
			return nil, fmt.Errorf("%s of %d keys (%s): %w", step.name, n, mode, err)
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
		return nil, fmt.Errorf("%d of %d keys left after destroy (%s)", left, n, mode)
	}
	return phases, nil
}

// bindSteps are the measured commands of the bindings phase: the keys and
// the plan exist (made by a first, unmeasured apply), then their bindings
// are applied, refreshed and removed.
func bindSteps(parallelism int) []struct {
	name  string
	bound bool
	args  []string
} {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	return []struct {
		name  string
		bound bool
		args  []string
	}{
		{"bind (apply)", true, []string{"apply", "-auto-approve", "-no-color", p}},
		{"refresh-plan", true, []string{"plan", "-detailed-exitcode", "-no-color", p}},
		{"unbind (apply)", false, []string{"apply", "-auto-approve", "-no-color", p}},
	}
}

// runBindSteps binds n existing keys to one usage plan in dir, refreshes
// and unbinds them, then destroys the keys and the plan.
func runBindSteps(tf *terraformCLI, emu *emulator.Server, endpoint, dir string, n, parallelism int, free bool) ([]phase, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	rateLimit, mode := 0, "at 20/s"
	if free {
		rateLimit, mode = noLimitRate, "no limit"
		emu.SetRateLimit(-1)
	} else {
		emu.SetRateLimit(emulator.DefaultRateLimit)
	}
	write := func(bound bool) error {
		return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(bindConfig(endpoint, emu, n, rateLimit, bound)), 0o600)
	}
	if err := write(false); err != nil {
		return nil, err
	}
	fmt.Printf("bindings: %d keys and a usage plan (%s) ...\n", n, mode)
	if _, _, err := tf.run(dir, "apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism)); err != nil {
		return nil, fmt.Errorf("creating %d keys and a plan (%s): %w", n, mode, err)
	}
	var phases []phase
	for _, step := range bindSteps(parallelism) {
		if err := write(step.bound); err != nil {
			return nil, err
		}
		emu.ResetCalls()
		fmt.Printf("bindings: %d keys, %s (%s) ...\n", n, step.name, mode)
		wall, peak, err := tf.run(dir, step.args...)
		if err != nil {
			return nil, fmt.Errorf("bindings: %s of %d keys (%s): %w", step.name, n, mode, err)
		}
		p := phase{n: n, name: step.name, wall: wall, calls: emu.CallCounts(), peakRSS: peak}
		for action, count := range p.calls {
			if floor := time.Duration(float64(count) / emulator.DefaultRateLimit * float64(time.Second)); floor > p.floor {
				p.floor, p.busiest = floor, action
			}
		}
		fmt.Printf("  %s, calls %v\n", wall.Round(time.Millisecond), p.calls)
		phases = append(phases, p)
		if step.name == "bind (apply)" {
			bound := 0
			for _, plan := range emu.UsagePlans() {
				bound += len(plan.AccessKeyIDs)
			}
			if bound != n {
				return nil, fmt.Errorf("bindings: %d of %d keys bound after the apply (%s)", bound, n, mode)
			}
		}
	}
	if _, _, err := tf.run(dir, "destroy", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism)); err != nil {
		return nil, fmt.Errorf("bindings: destroying (%s): %w", mode, err)
	}
	if left := len(emu.Keys()) + len(emu.UsagePlans()); left != 0 {
		return nil, fmt.Errorf("bindings: %d keys and plans left after destroy (%s)", left, mode)
	}
	return phases, nil
}

// bindConfig is n keys and a usage plan, with each key bound to the plan
// when bound is true.
func bindConfig(endpoint string, emu *emulator.Server, n, rateLimit int, bound bool) string {
	cfg := strings.Replace(config(endpoint, emu, n, rateLimit), `resource "tencentcloud_api_gateway_api_key" "bench"`, `resource "tencentcloud_api_gateway_usage_plan" "bench" {
  usage_plan_name = "bench"
}

resource "tencentcloud_api_gateway_api_key" "bench"`, 1)
	if bound {
		cfg += `
resource "tencentcloud_api_gateway_api_key_attachment" "bench" {
  count         = length(tencentcloud_api_gateway_api_key.bench)
  api_key_id    = tencentcloud_api_gateway_api_key.bench[count.index].id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.bench.id
}
`
	}
	return cfg
}

func goBuild(out string, flags ...string) error {
	args := append([]string{"build", "-o", out}, flags...)
	args = append(args, "github.com/tcapigw/terraform-provider-tencentcloud")
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func config(endpoint string, emu *emulator.Server, n, rateLimit int) string {
	limit := ""
	if rateLimit > 0 {
		limit = fmt.Sprintf("\n  rate_limit = %d", rateLimit)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

provider "tencentcloud" {
  secret_id  = %q
  secret_key = %q%s
  endpoints = {
    apigateway = %q
  }
}

resource "tencentcloud_api_gateway_api_key" "bench" {
  count       = %d
  secret_name = "bench-${count.index}"
}
`, emu.SecretID(), emu.SecretKey(), limit, endpoint, n)
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
// plugin handshake line (the provider's own start-up).
func measureStartup(binary string, runs int) (time.Duration, error) {
	var handshakes []time.Duration
	for i := 0; i < runs; i++ {
		cmd := exec.Command(binary)
		cmd.Env = append(os.Environ(), magicCookieKey+"="+magicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=6")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return 0, err
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		elapsed := time.Since(start)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if err != nil || !strings.Contains(line, "|6|") {
			return 0, fmt.Errorf("no plugin handshake from the provider (got %q): %v", line, err)
		}
		handshakes = append(handshakes, elapsed)
	}
	return median(handshakes), nil
}

// measureSchema times `providers schema -json` as a whole (median of 5).
func measureSchema(tf *terraformCLI, dir string) (time.Duration, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("terraform {\n  required_providers {\n    tencentcloud = {\n      source = \"tcapigw/tencentcloud\"\n    }\n  }\n}\n"), 0o600); err != nil {
		return 0, err
	}
	var walls []time.Duration
	for i := 0; i < 5; i++ {
		wall, _, err := tf.run(dir, "providers", "schema", "-json")
		if err != nil {
			return 0, err
		}
		walls = append(walls, wall)
	}
	return median(walls), nil
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

// keptMarker starts the part of the report that tcbench does not write: it
// keeps that part, marker included, from the file it replaces.
const keptMarker = "<!-- Below: sections not written by tcbench, which keeps them as they are on every run. -->"

// keptSections returns the part of an earlier report from keptMarker on,
// after a blank line; "" when there is none.
func keptSections(report string) string {
	i := strings.Index(report, keptMarker)
	if i < 0 {
		return ""
	}
	return "\n" + report[i:]
}

// Targets at the largest N (issue 12): calls and wall time against the
// floor or the no-limit reference.
const (
	targetPlanCalls      = 60
	targetPlanVsFree     = 1.3
	targetDestroyVsFloor = 1.25
	targetApplyVsFloor   = 1.2
)

func render(o options, results []cliResult, startup time.Duration, sizes []int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Produced by `make bench` (`go run ./internal/benchmark/cmd/tcbench -terraform <CLI>,<CLI>,… -out BENCHMARKS.md`) on %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. Every CLI runs with `-parallelism=%d`.\n\n", machine(), o.parallelism)
	fmt.Fprintf(&b, "Each command runs twice against the local emulator: **at 20/s**, the emulator's limit of %d requests per second per action with the provider's "+
		"own limiter at its default (%d per second), and **no limit**, the emulator unlimited and the provider's `rate_limit` at %d. The no-limit wall time is "+
		"the CLI's own walk with this provider, which no API can beat.\n\n", emulator.DefaultRateLimit, emulator.DefaultRateLimit, noLimitRate)
	fmt.Fprintf(&b, "The rate-limit floor of a phase is the calls of its busiest action divided by %d per second: no client can be faster. "+
		"÷ floor = wall time at 20/s ÷ floor; ÷ no limit = wall time at 20/s ÷ wall time without a limit.\n\n", emulator.DefaultRateLimit)
	b.WriteString("A refresh reads keys in shared calls (`ReadAPIKey` in `internal/conns/batch.go`): reads that arrive together share one " +
		"`DescribeApiKeysStatus` filtered on their IDs, and after 20 reads a process lists the whole account (100 keys a call) when it holds at most " +
		"10 keys per key read, and answers the rest of the walk from that listing. A key missing from a shared answer is confirmed by its own `DescribeApiKey`.\n\n")

	largest := 0
	for _, n := range o.sizes {
		largest = max(largest, n)
	}
	b.WriteString("## Targets at N = " + strconv.Itoa(largest) + "\n\n")
	b.WriteString("| CLI | refresh plan: calls (≤ 60) | refresh plan: ÷ no limit (≤ 1.3) | destroy: ÷ floor (≤ 1.25) | apply: ÷ floor (≤ 1.2) |\n|---|---|---|---|---|\n")
	for _, r := range results {
		get := func(name string) *phase {
			for i := range r.phases {
				if p := &r.phases[i]; p.n == largest && p.name == name {
					return p
				}
			}
			return nil
		}
		plan, destroy, apply := get("refresh-plan"), get("destroy"), get("apply")
		if plan == nil || destroy == nil || apply == nil {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.version,
			verdict(float64(totalCalls(plan.calls)), targetPlanCalls, "%.0f"),
			verdict(ratio(plan.wall, plan.freeWall), targetPlanVsFree, "%.2f"),
			verdict(ratio(destroy.wall, destroy.floor), targetDestroyVsFloor, "%.2f"),
			verdict(ratio(apply.wall, apply.floor), targetApplyVsFloor, "%.2f"))
	}

	for _, r := range results {
		fmt.Fprintf(&b, "\n## %s\n\n", r.version)
		b.WriteString("| N | phase | API calls at 20/s | wall at 20/s | floor | ÷ floor | wall, no limit | ÷ no limit | API calls, no limit | RequestLimitExceeded | provider peak RSS |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, p := range r.phases {
			fmt.Fprintf(&b, "| %d | %s | %s | %.1f s | %.1f s | %s | %.1f s | %s | %s | %d | %.1f MiB |\n",
				p.n, p.name, callList(p.calls), p.wall.Seconds(), p.floor.Seconds(), fmtRatio(ratio(p.wall, p.floor)),
				p.freeWall.Seconds(), fmtRatio(ratio(p.wall, p.freeWall)), callList(p.freeCalls), p.limitHit, float64(p.peakRSS)/1024)
		}
		if len(o.sizes) > 1 {
			small, big := o.sizes[0], o.sizes[len(o.sizes)-1]
			fmt.Fprintf(&b, "\nScaling from N = %d to N = %d (%.0f× the keys): ", small, big, float64(big)/float64(small))
			var parts []string
			for _, s := range steps(o.parallelism) {
				var a, c *phase
				for i := range r.phases {
					if r.phases[i].name == s.name && r.phases[i].n == small {
						a = &r.phases[i]
					}
					if r.phases[i].name == s.name && r.phases[i].n == big {
						c = &r.phases[i]
					}
				}
				if a == nil || c == nil {
					continue
				}
				parts = append(parts, fmt.Sprintf("%s wall %s (no limit %s), calls %s",
					s.name, fmtRatio(ratio(c.wall, a.wall)), fmtRatio(ratio(c.freeWall, a.freeWall)),
					fmtRatio(float64(totalCalls(c.calls))/float64(max(1, totalCalls(a.calls))))))
			}
			b.WriteString(strings.Join(parts, "; ") + ".\n")
		}
		fmt.Fprintf(&b, "\n`providers schema -json`, whole command (median of 5): %.0f ms.\n", float64(r.schemaWall.Milliseconds()))
	}

	if o.phases["bindings"] {
		renderBindings(&b, o, results)
	}

	b.WriteString("\n## Provider\n\n| measure | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| provider start-up: exec to plugin handshake (median of %d) | %.1f ms | < 100 ms |\n", o.startups, float64(startup.Microseconds())/1000)
	fmt.Fprintf(&b, "| binary size, `go build` | %.1f MB | |\n", float64(sizes[0])/1e6)
	fmt.Fprintf(&b, "| binary size, release flags (`-trimpath -ldflags=\"-s -w\"`, as goreleaser builds) | %.1f MB | < 40 MB |\n", float64(sizes[1])/1e6)
	var peak int64
	for _, r := range results {
		for _, p := range r.phases {
			peak = max(peak, p.peakRSS)
		}
	}
	fmt.Fprintf(&b, "| provider peak resident memory, any phase at 20/s | %.1f MiB | < 64 MB |\n", float64(peak)/1024)
	b.WriteString("\nPeak memory is the provider process's VmHWM, sampled from /proc every 50 ms while the CLI runs.\n")
	b.WriteString("\n`destroy` first runs a refreshing plan walk (shared reads: a few calls) and only then disables and deletes every key " +
		"(N `DisableApiKey` and N `DeleteApiKey` calls, pipelined in the apply walk; each delete reads its key's live status first, " +
		"in `DescribeApiKeysStatus` calls shared while the disables wait their turn, a few per hundred keys at 20/s), so its floor is that of the destroy walk; " +
		"`destroy -refresh=false` measures the destroy walk alone. Apply and destroy are bound by the write actions' 20/s: their floor does not move " +
		"with N's reads, and their no-limit time is the CLI's walk.\n")
	return b.String()
}

// renderBindings writes the bindings phase: bindN existing keys bound to
// one usage plan in one apply, refreshed and unbound.
func renderBindings(b *strings.Builder, o options, results []cliResult) {
	fmt.Fprintf(b, "\n## Binding %d keys to one usage plan\n\n", o.bindN)
	fmt.Fprintf(b, "A first apply (not measured) makes %d keys and a usage plan; then one apply binds every key to the plan "+
		"(%d `tencentcloud_api_gateway_api_key_attachment`), a plan refreshes them, and an apply removes the bindings. "+
		"Binds (and unbinds) of one plan that arrive together share one `BindSecretIds` (`UnBindSecretIds`) call; "+
		"one call per key would be %d calls, %.1f s at 20/s. Refreshing the bindings of one plan lists the plan once.\n\n",
		o.bindN, o.bindN, o.bindN, float64(o.bindN)/emulator.DefaultRateLimit)
	b.WriteString("| CLI | phase | API calls at 20/s | wall at 20/s | floor | wall, no limit | API calls, no limit |\n|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		for _, p := range r.bindPhases {
			fmt.Fprintf(b, "| %s | %s | %s | %.1f s | %.1f s | %.1f s | %s |\n", r.version, p.name, callList(p.calls),
				p.wall.Seconds(), p.floor.Seconds(), p.freeWall.Seconds(), callList(p.freeCalls))
		}
	}
}

func callList(calls map[string]int) string {
	actions := make([]string, 0, len(calls))
	for a := range calls {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	parts := make([]string, len(actions))
	for i, a := range actions {
		parts[i] = fmt.Sprintf("%s %d", a, calls[a])
	}
	return strings.Join(parts, ", ")
}

func totalCalls(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

// ratio is a/b, or 0 when b is zero.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

func fmtRatio(r float64) string {
	if r == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", r)
}

// verdict formats a measured value with whether it meets its target.
func verdict(v, target float64, format string) string {
	mark := "✅"
	if v > target {
		mark = "❌"
	}
	return fmt.Sprintf(format+" %s", v, mark)
}
