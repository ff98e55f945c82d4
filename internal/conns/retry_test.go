package conns

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// newEmulatorClient starts an emulator and a client wired to it.
func newEmulatorClient(t *testing.T) (*Client, *emulator.Server) {
	t.Helper()
	emu := emulator.New(emulator.Options{})
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	client, err := New(Config{
		SecretID:  emu.SecretID(),
		SecretKey: emu.SecretKey(),
		Endpoint:  server.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client, emu
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func countCalls(emu *emulator.Server, action, errorCode string) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.Action == action && (errorCode == "*" || c.ErrorCode == errorCode) {
			n++
		}
	}
	return n
}

func TestRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDretry", AccessKeySecret: "secret_0123456789", AccessKeyType: "auto", SecretName: "retry", Enabled: true})
	emu.SetFaults(emulator.Faults{Seed: 7, TransientRate: 0.6})

	for i := 0; i < 10; i++ {
		if _, err := client.DescribeAPIKey(withTimeout(t, time.Minute), "AKIDretry"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	failed := 0
	for _, c := range emu.Calls() {
		if c.Fault != "" {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("the emulator injected no fault: the test proves nothing")
	}
	if got := countCalls(emu, "DescribeApiKey", ""); got != 10 {
		t.Fatalf("expected 10 successful DescribeApiKey calls, got %d", got)
	}
}

func TestNoRetryOnPermanentErrors(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	if _, err := client.DescribeAPIKey(withTimeout(t, time.Minute), "AKIDmissing"); !IsNotFound(err) {
		t.Fatalf("expected not found, got %v", err)
	}
	if _, err := client.CreateAPIKey(withTimeout(t, time.Minute), CreateAPIKeyInput{SecretName: "x", AccessKeyType: "manual", AccessKeyID: "bad-id!", AccessKeySecret: "secret_0123456789"}); err == nil {
		t.Fatal("expected a validation error")
	}
	if n := len(emu.Calls()); n != 2 {
		t.Fatalf("expected exactly 2 calls (no retries), got %d", n)
	}

	bad, err := New(Config{SecretID: emu.SecretID(), SecretKey: "wrong-key", Endpoint: client.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	emu.ResetCalls()
	if _, err := bad.DescribeAPIKey(withTimeout(t, time.Minute), "AKIDany"); !IsAuthFailure(err) {
		t.Fatalf("expected an auth failure, got %v", err)
	}
	if n := len(emu.Calls()); n != 1 {
		t.Fatalf("an auth failure must not be retried; got %d calls", n)
	}
}

func TestRetriesStopAtTheDeadline(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	emu.SetFaults(emulator.Faults{Seed: 1, TransientRate: 1})
	_, err := client.DescribeAPIKey(withTimeout(t, 2*time.Second), "AKIDany")
	if !IsTransient(err) {
		t.Fatalf("expected the last transient error, got %v", err)
	}
	if n := len(emu.Calls()); n < 2 {
		t.Fatalf("expected retries before the deadline, got %d call(s)", n)
	}
}

// A CreateApiKey whose answer is lost was carried out: the client finds
// the key instead of creating a second one.
func TestCreateWithLostAnswerAdoptsTheKey(t *testing.T) {
	t.Parallel()
	for _, in := range []CreateAPIKeyInput{
		{SecretName: "lost-auto", AccessKeyType: KeyTypeAuto},
		{SecretName: "lost-manual", AccessKeyType: KeyTypeManual, AccessKeyID: "lost_manual_id", AccessKeySecret: "secret_0123456789"},
	} {
		t.Run(in.AccessKeyType, func(t *testing.T) {
			t.Parallel()
			client, emu := newEmulatorClient(t)
			emu.SetFaults(emulator.Faults{Seed: 3, DropRate: 1, Actions: []string{"CreateApiKey"}})
			key, err := client.CreateAPIKey(withTimeout(t, time.Minute), in)
			if err != nil {
				t.Fatal(err)
			}
			keys := emu.Keys()
			if len(keys) != 1 || keys[0].AccessKeyID != key.AccessKeyID || keys[0].AccessKeySecret != key.AccessKeySecret {
				t.Fatalf("expected exactly the adopted key on the emulator, got %+v (adopted %s)", keys, key.AccessKeyID)
			}
			if n := countCalls(emu, "CreateApiKey", "*"); n != 1 {
				t.Fatalf("expected one CreateApiKey, got %d", n)
			}
		})
	}
}

// Transient failures (nothing carried out) make the client create again,
// ending with exactly one key; after a lost answer, a manual key found with
// another secret is not adopted.
func TestCreateRetriesFailuresAndAdoptsOnlyItsOwnKey(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	emu.SetFaults(emulator.Faults{Seed: 5, TransientRate: 0.7, Actions: []string{"CreateApiKey"}})
	key, err := client.CreateAPIKey(withTimeout(t, time.Minute), CreateAPIKeyInput{SecretName: "flaky", AccessKeyType: KeyTypeAuto})
	if err != nil {
		t.Fatal(err)
	}
	if keys := emu.Keys(); len(keys) != 1 || keys[0].AccessKeyID != key.AccessKeyID {
		t.Fatalf("expected exactly one key, got %+v", keys)
	}

	emu.PutKey(emulator.Key{AccessKeyID: "taken_manual_id", AccessKeySecret: "other_secret_123", AccessKeyType: "manual", SecretName: "taken", Enabled: true})
	emu.SetFaults(emulator.Faults{Seed: 5, DropRate: 1, Actions: []string{"CreateApiKey"}})
	_, err = client.CreateAPIKey(withTimeout(t, time.Minute), CreateAPIKeyInput{SecretName: "taken", AccessKeyType: KeyTypeManual, AccessKeyID: "taken_manual_id", AccessKeySecret: "secret_0123456789"})
	if !HasCode(err, CodeAccessKeyExist) {
		t.Fatalf("expected AccessKeyExist for a key with another secret, got %v", err)
	}
}

// The client's per-action limiter keeps a burst of parallel calls under
// the API's limit instead of learning it from RequestLimitExceeded.
func TestRateLimiterKeepsUnderTheAPILimit(t *testing.T) {
	t.Parallel()
	run := func(clientLimit int) (limited int) {
		emu := emulator.New(emulator.Options{})
		server := httptest.NewServer(emu)
		defer server.Close()
		client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL, RateLimit: clientLimit})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 60; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := client.DescribeAPIKey(withTimeout(t, time.Minute), "AKIDnone"); !IsNotFound(err) {
					t.Errorf("expected not found, got %v", err)
				}
			}()
		}
		wg.Wait()
		return countCalls(emu, "DescribeApiKey", CodeRequestLimitExceeded)
	}
	// A limiter far above the API's limit lets the burst hit it...
	if unthrottled := run(1000); unthrottled < 20 {
		t.Fatalf("without the limiter expected many RequestLimitExceeded answers, got %d", unthrottled)
	}
	// ...the default one keeps (nearly) all calls under it.
	if throttled := run(DefaultRateLimit); throttled > 3 {
		t.Fatalf("with the default limiter expected at most a few RequestLimitExceeded answers, got %d", throttled)
	}
}
