package emulator_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// faultRun makes 40 sequential CreateApiKey calls against a fresh emulator
// with the given seed, checks that what the client saw matches the logged
// outcome, and returns the outcomes.
func faultRun(t *testing.T, seed int64) []string {
	t.Helper()
	e := start(t, emulator.Options{RateLimit: -1})
	e.emu.SetFaults(emulator.Faults{Seed: seed, TransientRate: 0.3, DropRate: 0.2})
	cli := e.client(t)

	const n = 40
	clientCodes := make([]string, n)
	var clientErrs []error
	for i := range n {
		_, err := cli.CreateApiKey(manualRequest("faulty", fmt.Sprintf("key_%02d", i), "secret_0123456789"))
		clientCodes[i] = errCode(err)
		clientErrs = append(clientErrs, err)
	}

	calls := e.emu.Calls()
	if len(calls) != n {
		t.Fatalf("%d calls logged, want %d", len(calls), n)
	}
	outcomes := make([]string, n)
	for i, c := range calls {
		outcomes[i] = c.Fault + "/" + c.ErrorCode
		id := fmt.Sprintf("key_%02d", i)
		_, exists := e.emu.Key(id)
		if c.AccessKeyID != id {
			t.Errorf("call %d logged AccessKeyID %q, want %q", i, c.AccessKeyID, id)
		}
		var wantClient string
		wantExists := false
		switch outcomes[i] {
		case "/":
			wantExists = true
		case "transient/InternalError", "transient/RequestLimitExceeded":
			wantClient = c.ErrorCode
		case "transient/" + emulator.ErrorCodeHTTP502:
			wantClient = "ClientError.HttpStatusCodeError"
			if !strings.Contains(clientErrs[i].Error(), "502") {
				t.Errorf("call %d: 502 fault surfaced as %v", i, clientErrs[i])
			}
		case "drop/":
			wantClient = "ClientError.NetworkError"
			wantExists = true // performed, though the client never heard
		default:
			t.Errorf("call %d: unexpected outcome %q", i, outcomes[i])
		}
		if clientCodes[i] != wantClient || exists != wantExists {
			t.Errorf("call %d (%s): client saw %q, key exists %v; want %q, %v", i, outcomes[i], clientCodes[i], exists, wantClient, wantExists)
		}
	}
	return outcomes
}

func TestFaultsAreDeterministic(t *testing.T) {
	t.Parallel()
	first := faultRun(t, 7)
	again := faultRun(t, 7)
	if !slices.Equal(first, again) {
		t.Errorf("same seed, different outcomes:\n%v\n%v", first, again)
	}
	if other := faultRun(t, 8); slices.Equal(first, other) {
		t.Errorf("seeds 7 and 8 gave the same outcomes %v", first)
	}
	for _, want := range []string{"/", "drop/", "transient/InternalError", "transient/RequestLimitExceeded", "transient/" + emulator.ErrorCodeHTTP502} {
		if !slices.Contains(first, want) {
			t.Errorf("seed 7 never produced %q: %v", want, first)
		}
	}
}

func TestSetFaultsReseeds(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	run := func() []string {
		e.emu.ResetCalls()
		e.emu.SetFaults(emulator.Faults{Seed: 99, TransientRate: 0.5})
		for range 20 {
			_ = listOnce(cli)
		}
		var out []string
		for _, c := range e.emu.Calls() {
			out = append(out, c.ErrorCode)
		}
		return out
	}
	first := run()
	if second := run(); !slices.Equal(first, second) {
		t.Errorf("reseeding did not repeat the sequence:\n%v\n%v", first, second)
	}
	if !slices.Contains(first, "") || slices.Equal(first, make([]string, len(first))) {
		t.Errorf("expected a mix of faults and successes, got %v", first)
	}
}

func TestDroppedCallIsPerformed(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	e.emu.SetFaults(emulator.Faults{DropRate: 1, Actions: []string{"CreateApiKey"}})
	cli := e.client(t)

	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("dropped")
	_, err := cli.CreateApiKey(req)
	wantCode(t, err, "ClientError.NetworkError")

	keys := e.emu.Keys()
	if len(keys) != 1 || keys[0].SecretName != "dropped" {
		t.Fatalf("keys = %+v, want the dropped call's key", keys)
	}
	calls := e.emu.Calls()
	if len(calls) != 1 || calls[0].Fault != emulator.FaultDrop || calls[0].ErrorCode != "" || calls[0].AccessKeyID != keys[0].AccessKeyID {
		t.Errorf("call log = %+v, want one dropped call naming %s", calls, keys[0].AccessKeyID)
	}

	// Actions not listed are unaffected.
	got, err := describe(cli, keys[0].AccessKeyID)
	must(t, err)
	if *got.SecretName != "dropped" {
		t.Errorf("DescribeApiKey = %s", jsonOf(got))
	}
}

func TestFaultActionsFilter(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	e.emu.SetFaults(emulator.Faults{Seed: 1, TransientRate: 1, Actions: []string{"DescribeApiKey"}})
	cli := e.client(t)
	for range 5 {
		k := createAuto(t, cli, "unaffected")
		if _, err := describe(cli, *k.AccessKeyId); err == nil {
			t.Fatal("DescribeApiKey succeeded despite TransientRate 1")
		}
	}
	for _, c := range e.emu.Calls() {
		if faulted := c.Fault == emulator.FaultTransient; faulted != (c.Action == "DescribeApiKey") {
			t.Errorf("call %+v: fault %q", c, c.Fault)
		}
	}
	if len(e.emu.Keys()) != 5 {
		t.Errorf("%d keys, want 5", len(e.emu.Keys()))
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)

	e.emu.SetLatency(150 * time.Millisecond)
	began := time.Now()
	must(t, listOnce(cli))
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Errorf("call took %v with 150ms latency", took)
	}

	// A client that gives up is not kept waiting, and nothing is performed.
	e.emu.SetLatency(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("too-slow")
	began = time.Now()
	_, err := cli.CreateApiKeyWithContext(ctx, req)
	if err == nil || time.Since(began) > 5*time.Second {
		t.Fatalf("call with a 200ms deadline returned %v after %v", err, time.Since(began))
	}
	waitFor(t, "the canceled call to be logged", func() bool {
		calls := e.emu.Calls()
		return len(calls) == 2 && calls[1].ErrorCode == emulator.ErrorCodeCanceled && calls[1].SecretName == "too-slow"
	})
	if n := len(e.emu.Keys()); n != 0 {
		t.Errorf("%d keys created by a canceled call", n)
	}

	e.emu.SetLatency(0)
	createAuto(t, cli, "fast-again")
}

// TestFaultsPerActionIgnoreOtherActions checks that each action draws from
// a source of its own: the faults that the CreateApiKey calls meet are the
// same whether or not calls of another action come in between, so a test
// with parallel clients still knows which creates fail.
func TestFaultsPerActionIgnoreOtherActions(t *testing.T) {
	t.Parallel()
	createOutcomes := func(interleave bool) []string {
		e := start(t, emulator.Options{RateLimit: -1})
		e.emu.SetFaults(emulator.Faults{Seed: 5, TransientRate: 0.4})
		cli := e.client(t)
		for i := range 20 {
			if interleave {
				for range i % 3 {
					_ = listOnce(cli)
				}
			}
			_, _ = cli.CreateApiKey(manualRequest("faulty", fmt.Sprintf("key_%02d", i), "secret_0123456789"))
		}
		var out []string
		for _, c := range e.emu.Calls() {
			if c.Action == "CreateApiKey" {
				out = append(out, c.Fault+"/"+c.ErrorCode)
			}
		}
		return out
	}
	alone, mixed := createOutcomes(false), createOutcomes(true)
	if !slices.Equal(alone, mixed) {
		t.Errorf("calls of another action changed the faults of CreateApiKey:\nalone %v\nmixed %v", alone, mixed)
	}
	if !slices.Contains(alone, "/") || !slices.ContainsFunc(alone, func(o string) bool { return o != "/" }) {
		t.Errorf("expected a mix of faults and successes, got %v", alone)
	}
}
