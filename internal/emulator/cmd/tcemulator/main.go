// Command tcemulator serves the TencentCloud API Gateway API-key emulator
// (and STS, on the same listener) over HTTP until interrupted.
//
// On start it prints the endpoint and shell export lines for the provider's
// environment variables, so that its output can be sourced:
//
//	tcemulator -addr-file /tmp/emu.addr > /tmp/emu.env &
//	while [ ! -s /tmp/emu.addr ]; do sleep 0.1; done; . /tmp/emu.env
//
// With -web-identity-token-file it writes an OIDC token signed by its
// in-process issuer to that file (and rewrites it, as CI runners do), and
// prints the export lines of a web identity run instead of the keys.
//
// The call-gateway subcommand makes one call of the emulator's data plane
// (an API with key-pair authentication) signed with a key, prints the
// status and the reason, and fails unless the status is the expected one:
//
//	TCEMULATOR_KEY_SECRET=... tcemulator call-gateway -url "$TCEMULATOR_GATEWAY_URL" -id AKID... -expect 200
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package already printed the problem
	default:
		fmt.Fprintln(os.Stderr, "tcemulator:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage error")

// config is the parsed command line.
type config struct {
	listen   string
	addrFile string
	// Web identity: the token file to keep fresh, and its tokens' lifetime.
	tokenFile   string
	tokenTTL    time.Duration
	sessionName string
	credLife    time.Duration
	opts        emulator.Options
	latency     time.Duration
	faults      emulator.Faults
	list        emulator.ListQuirks
	shutdownT   time.Duration
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("tcemulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{shutdownT: 5 * time.Second}
	var faultActions, malformedKinds string
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "`address` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.opts.SecretID, "secret-id", emulator.DefaultSecretID, "SecretId the emulator accepts")
	fs.StringVar(&c.opts.SecretKey, "secret-key", emulator.DefaultSecretKey, "secret key of -secret-id")
	fs.StringVar(&c.opts.Token, "token", "", "if set, every request must carry this X-TC-Token")
	fs.IntVar(&c.opts.RateLimit, "rate-limit", emulator.DefaultRateLimit, "requests per second per action; negative means unlimited")
	fs.IntVar(&c.opts.KeyQuota, "key-quota", emulator.DefaultKeyQuota, "maximum number of keys")
	fs.IntVar(&c.opts.UsagePlanQuotas.Plans, "usage-plan-quota", emulator.DefaultUsagePlanQuota, "maximum number of usage plans")
	fs.IntVar(&c.opts.UsagePlanQuotas.KeysPerPlan, "keys-per-usage-plan", emulator.DefaultKeysPerUsagePlan, "maximum number of keys bound to one usage plan")
	fs.IntVar(&c.opts.UsagePlanQuotas.PlansPerKey, "usage-plans-per-key", emulator.DefaultUsagePlansPerKey, "maximum number of usage plans one key is bound to")
	fs.DurationVar(&c.latency, "latency", 0, "delay added before each API call")
	fs.Int64Var(&c.faults.Seed, "fault-seed", 1, "seed of the fault source (same seed, same faults)")
	fs.Float64Var(&c.faults.TransientRate, "fault-transient", 0, "fraction of calls answered with a transient failure, not performed")
	fs.Float64Var(&c.faults.DropRate, "fault-drop", 0, "fraction of calls performed, then the connection closed unanswered")
	fs.Float64Var(&c.faults.CommitErrorRate, "fault-commit-error", 0, "fraction of calls performed, then answered InternalError or HTTP 502/503/504")
	fs.Float64Var(&c.faults.LateRate, "fault-late", 0, "fraction of calls performed at once, then answered after -fault-late-delay")
	fs.DurationVar(&c.faults.LateDelay, "fault-late-delay", emulator.DefaultLateDelay, "how long a late answer is held")
	fs.Float64Var(&c.faults.NullResultRate, "fault-null-result", 0, `fraction of calls performed, then answered with "Result": null`)
	fs.Float64Var(&c.faults.MalformedRate, "fault-malformed", 0, "fraction of calls performed, then answered with a body the SDK cannot use")
	fs.StringVar(&malformedKinds, "fault-malformed-kinds", "", "comma-separated kinds of malformed body: status-string, status-missing, truncated (default: all)")
	fs.StringVar(&faultActions, "fault-actions", "", "comma-separated actions subject to faults (default: all)")
	fs.BoolVar(&c.list.IgnoreOffset, "list-ignore-offset", false, "DescribeApiKeysStatus ignores Offset (every page starts at the first key)")
	fs.IntVar(&c.list.ExtraTotalCount, "list-extra-total", 0, "added to the TotalCount of every DescribeApiKeysStatus answer")
	fs.StringVar(&c.addrFile, "addr-file", "", "write the endpoint URL to this `file` once listening (removed on exit)")
	fs.StringVar(&c.tokenFile, "web-identity-token-file", "", "write an OIDC token for the default role to this `file`, keep it fresh, and print web identity export lines instead of keys")
	fs.DurationVar(&c.tokenTTL, "token-ttl", time.Hour, "lifetime of the OIDC tokens written to -web-identity-token-file (rewritten at half of it)")
	fs.StringVar(&c.sessionName, "session-name", "local-ci", "role session name printed for web identity runs")
	fs.DurationVar(&c.credLife, "credential-lifetime", 0, "cap on the lifetime of STS temporary credentials (e.g. 30s); 0 grants what is asked")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	f := c.faults
	sum := 0.0
	for _, rate := range []float64{f.TransientRate, f.DropRate, f.CommitErrorRate, f.LateRate, f.NullResultRate, f.MalformedRate} {
		if rate < 0 || rate > 1 {
			return nil, fmt.Errorf("fault rates must be between 0 and 1, got %v", rate)
		}
		sum += rate
	}
	if c.tokenTTL < 2*time.Second {
		return nil, errors.New("-token-ttl must be at least 2s")
	}
	if sum > 1 {
		return nil, errors.New("the -fault-* rates together must not exceed 1")
	}
	c.faults.Actions = splitList(faultActions)
	c.faults.MalformedKinds = splitList(malformedKinds)
	for _, kind := range c.faults.MalformedKinds {
		switch kind {
		case emulator.MalformedStatusString, emulator.MalformedStatusMissing, emulator.MalformedTruncated:
		default:
			return nil, fmt.Errorf("unknown kind of malformed body %q", kind)
		}
	}
	return c, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// run serves until ctx is done, then shuts down gracefully; or, with the
// call-gateway subcommand, makes one signed call of the emulator's gateway.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "call-gateway" {
		return callGateway(ctx, args[1:], stdout, stderr)
	}
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	emu := emulator.New(c.opts)
	emu.SetLatency(c.latency)
	emu.SetFaults(c.faults)
	emu.SetListQuirks(c.list)
	emu.SetCredentialLifetime(c.credLife)
	if c.tokenFile != "" {
		if err := writeToken(emu, c); err != nil {
			return err
		}
		defer os.Remove(c.tokenFile)
	}

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	endpoint := endpointURL(ln.Addr())
	fmt.Fprintf(stdout, "# TencentCloud API Gateway emulator (API %s) listening on %s\n", emulator.APIVersion, endpoint)
	fmt.Fprintf(stdout, "export TENCENTCLOUD_APIGATEWAY_ENDPOINT=%s\n", shellQuote(endpoint))
	fmt.Fprintf(stdout, "export TENCENTCLOUD_STS_ENDPOINT=%s\n", shellQuote(endpoint))
	fmt.Fprintf(stdout, "# Key-pair authenticated API (data plane): any path under %s%s; call it with: tcemulator call-gateway -url ... -id ...\n",
		endpoint, emulator.GatewayPath)
	fmt.Fprintf(stdout, "export TCEMULATOR_GATEWAY_URL=%s\n", shellQuote(endpoint+emulator.GatewayPath))
	if c.tokenFile != "" {
		fmt.Fprintf(stdout, "# Web identity: no SecretId or SecretKey; the OIDC token in %s is rewritten every %s.\n", c.tokenFile, c.tokenTTL/2)
		fmt.Fprintf(stdout, "export TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE=%s\n", shellQuote(c.tokenFile))
		fmt.Fprintf(stdout, "export TENCENTCLOUD_ASSUME_ROLE_ARN=%s\n", shellQuote(emulator.DefaultRoleARN))
		fmt.Fprintf(stdout, "export TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME=%s\n", shellQuote(c.sessionName))
		fmt.Fprintf(stdout, "export TENCENTCLOUD_ASSUME_ROLE_PROVIDER_ID=%s\n", shellQuote(emulator.DefaultOIDCProviderID))
	} else {
		fmt.Fprintf(stdout, "export TENCENTCLOUD_SECRET_ID=%s\n", shellQuote(emu.SecretID()))
		fmt.Fprintf(stdout, "export TENCENTCLOUD_SECRET_KEY=%s\n", shellQuote(emu.SecretKey()))
		if emu.Token() != "" {
			fmt.Fprintf(stdout, "export TENCENTCLOUD_SECURITY_TOKEN=%s\n", shellQuote(emu.Token()))
		}
	}

	hs := &http.Server{Handler: emu, ReadHeaderTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	if c.addrFile != "" {
		if err := writeFileAtomic(c.addrFile, endpoint+"\n"); err != nil {
			_ = hs.Close()
			return err
		}
		defer os.Remove(c.addrFile) // a stale file would point scripts at a dead server
	}

	var rotate <-chan time.Time
	if c.tokenFile != "" {
		ticker := time.NewTicker(c.tokenTTL / 2)
		defer ticker.Stop()
		rotate = ticker.C
	}
	for waiting := true; waiting; {
		select {
		case err := <-served:
			return err
		case <-rotate:
			if err := writeToken(emu, c); err != nil {
				fmt.Fprintln(stderr, "tcemulator: rewriting the token file:", err)
			}
		case <-ctx.Done():
			waiting = false
		}
	}
	fmt.Fprintln(stderr, "tcemulator: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownT)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// writeToken writes a fresh token for the default role's identity provider.
func writeToken(emu *emulator.Server, c *config) error {
	tok, err := emu.Issuer().Mint(emulator.TokenClaims{TTL: c.tokenTTL})
	if err != nil {
		return err
	}
	return writeFileAtomic(c.tokenFile, tok+"\n")
}

// endpointURL is the URL clients use; a wildcard listen address is reached
// through loopback.
func endpointURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// writeFileAtomic writes via rename so that a polling script never reads a
// partial file.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tcemulator-addr-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for POSIX shells when needed.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// defaultSecretEnv names the environment variable call-gateway reads the
// key's secret from. There is no flag for the secret itself: a command line
// is visible to every user of the machine.
const defaultSecretEnv = "TCEMULATOR_KEY_SECRET"

// errUnexpectedStatus is the failure of a call answered with another status
// than -expect.
var errUnexpectedStatus = errors.New("unexpected status")

// callGateway is the call-gateway subcommand.
func callGateway(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tcemulator call-gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var url, id, secretEnv, secretFile string
	var expect int
	var timeout time.Duration
	fs.StringVar(&url, "url", os.Getenv("TCEMULATOR_GATEWAY_URL"), "`URL` of the gateway: the emulator's endpoint + "+emulator.GatewayPath+" + any path (default $TCEMULATOR_GATEWAY_URL)")
	fs.StringVar(&id, "id", "", "AccessKeyId to sign with; empty sends the call unsigned")
	fs.StringVar(&secretEnv, "secret-env", defaultSecretEnv, "`name` of the environment variable holding the key's secret")
	fs.StringVar(&secretFile, "secret-file", "", "read the key's secret from this `file` instead (- for standard input)")
	fs.IntVar(&expect, "expect", http.StatusOK, "the HTTP `status` that counts as success")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if url == "" {
		return errors.New("call-gateway: -url is required (or set TCEMULATOR_GATEWAY_URL)")
	}
	secret := ""
	if id != "" {
		var err error
		if secret, err = readSecret(secretEnv, secretFile); err != nil {
			return fmt.Errorf("call-gateway: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	status, reason, err := emulator.CallGateway(ctx, url, id, secret)
	if err != nil {
		return fmt.Errorf("call-gateway: %w", err)
	}
	fmt.Fprintf(stdout, "%d %s\n", status, reason)
	if status != expect {
		return fmt.Errorf("call-gateway: %w: got %d %s, want %d", errUnexpectedStatus, status, reason, expect)
	}
	return nil
}

// readSecret reads the secret from the file (- is standard input) or, when
// none is given, the environment variable.
func readSecret(envName, file string) (string, error) {
	if file == "" {
		secret := os.Getenv(envName)
		if secret == "" {
			return "", fmt.Errorf("the key's secret is missing: set %s, or use -secret-file", envName)
		}
		return secret, nil
	}
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 4096))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return "", err
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", fmt.Errorf("the secret file %s is empty", file)
	}
	return secret, nil
}
