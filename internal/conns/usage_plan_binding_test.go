package conns

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// bindingClient starts an emulator holding n enabled keys and one empty
// usage plan, and a client whose binds, unbinds and listings gather for
// window (long enough for a test's callers to all join).
func bindingClient(t *testing.T, n int, window time.Duration) (*Client, *emulator.Server, string, []string) {
	t.Helper()
	emu := emulator.New(emulator.Options{RateLimit: -1, KeyQuota: 10000})
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	client.binds.window, client.unbinds.window, client.planKeys.window = window, window, window
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("bind_key_%03d", i)
		emu.PutKey(emulator.Key{AccessKeyID: ids[i], AccessKeySecret: secretOf(ids[i], 1), AccessKeyType: KeyTypeManual,
			SecretName: fmt.Sprintf("bind-%d", i), Enabled: true})
	}
	plan := emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "plan"})
	return client, emu, plan.UsagePlanID, ids
}

type bindOutcomes struct {
	results map[string]BindResult
	errs    map[string]error
}

// bindAll binds ids to the plan at once.
func bindAll(t *testing.T, client *Client, planID string, ids []string) bindOutcomes {
	t.Helper()
	return bindWithWorkers(t, client, planID, ids, len(ids))
}

// bindWithWorkers binds ids to the plan from the given number of
// goroutines, each taking the next key when its bind is done, as
// Terraform's walk does with -parallelism.
func bindWithWorkers(t *testing.T, client *Client, planID string, ids []string, workers int) bindOutcomes {
	t.Helper()
	out := bindOutcomes{results: map[string]BindResult{}, errs: map[string]error{}}
	queue := make(chan string, len(ids))
	for _, id := range ids {
		queue <- id
	}
	close(queue)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range queue {
				r, err := client.BindAPIKey(withTimeout(t, time.Minute), planID, id)
				mu.Lock()
				out.results[id] = r
				if err != nil {
					out.errs[id] = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return out
}

// unbindAll unbinds ids from the plan at once.
func unbindAll(t *testing.T, client *Client, planID string, ids []string) map[string]error {
	t.Helper()
	errs := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := client.UnbindAPIKey(withTimeout(t, time.Minute), planID, id); err != nil {
				mu.Lock()
				defer mu.Unlock()
				errs[id] = err
			}
		})
	}
	wg.Wait()
	return errs
}

// boundKeys returns the emulator's bindings of the plan, sorted.
func boundKeys(t *testing.T, emu *emulator.Server, planID string) []string {
	t.Helper()
	p, ok := emu.UsagePlan(planID)
	if !ok {
		t.Fatalf("usage plan %s is gone", planID)
	}
	keys := slices.Clone(p.AccessKeyIDs)
	slices.Sort(keys)
	return keys
}

// bindCalls are the BindSecretIds calls that reached the emulator, each as
// the number of keys it named (1 when the log names the key).
func callsNamed(emu *emulator.Server, action string) (total, alone int) {
	for _, c := range emu.Calls() {
		if c.Action == action {
			total++
			if c.AccessKeyID != "" {
				alone++
			}
		}
	}
	return total, alone
}

func TestBindAPIKeySharesOneCallPerPlan(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 50, 300*time.Millisecond)
	got := bindAll(t, client, planID, ids)
	if len(got.errs) > 0 {
		t.Fatalf("binding 50 keys: %v", got.errs)
	}
	for id, r := range got.results {
		if !r.Bound || r.Existed {
			t.Errorf("key %s: %+v, want bound and not pre-existing", id, r)
		}
	}
	if calls := callsOf(emu); calls[actionBindKeys] != 1 || len(calls) != 1 {
		t.Fatalf("50 binds arriving together: expected one BindSecretIds, got %v", calls)
	}
	if b := boundKeys(t, emu, planID); !slices.Equal(b, ids) {
		t.Fatalf("bound keys: %v, want %v", b, ids)
	}
}

func TestBindAPIKeyAloneIsOneCall(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 2, batchWindow)
	r, err := client.BindAPIKey(withTimeout(t, time.Minute), planID, ids[0])
	if err != nil || !r.Bound || r.Existed {
		t.Fatalf("bind: %+v, %v", r, err)
	}
	if calls := emu.Calls(); len(calls) != 1 || calls[0].Action != actionBindKeys || calls[0].AccessKeyID != ids[0] {
		t.Fatalf("a lone bind: expected one BindSecretIds naming %s, got %v", ids[0], calls)
	}
}

// A binding that exists already is adopted, alone or in a shared call
// that the service refuses because of it; the other keys of that call are
// bound on their own.
func TestBindAPIKeyAdoptsAnExistingBinding(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 6, 300*time.Millisecond)
	emu.BindKey(planID, ids[0])
	r, err := client.BindAPIKey(withTimeout(t, time.Minute), planID, ids[0])
	if err != nil || !r.Bound || !r.Existed {
		t.Fatalf("binding a bound key: %+v, %v; want bound, existed", r, err)
	}
	emu.BindKey(planID, ids[1])
	emu.ResetCalls()
	got := bindAll(t, client, planID, ids[1:])
	if len(got.errs) > 0 {
		t.Fatalf("binds: %v", got.errs)
	}
	for _, id := range ids[1:] {
		if r := got.results[id]; !r.Bound || r.Existed != (id == ids[1]) {
			t.Errorf("key %s: %+v", id, r)
		}
	}
	// The shared call is refused, the listing finds ids[1], and the other
	// four are bound one call each.
	total, alone := callsNamed(emu, actionBindKeys)
	if lists, _ := callsNamed(emu, actionDescribePlanSecretID); total != 5 || alone != 4 || lists != 1 {
		t.Fatalf("expected 1 shared BindSecretIds, 1 listing and 4 binds alone; got %d binds (%d alone), %d listings", total, alone, lists)
	}
	if b := boundKeys(t, emu, planID); !slices.Equal(b, ids) {
		t.Fatalf("bound keys: %v, want %v", b, ids)
	}
}

// A shared call refused because of one key (missing) or of the plan's
// quota gives each key its own true outcome: the keys that fit are bound,
// the others get their own error, and no key is bound whose bind failed.
func TestBindAPIKeyPerKeyErrors(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 54, 300*time.Millisecond)
	// 45 keys bound already: 5 more fit.
	for _, id := range ids[:45] {
		emu.BindKey(planID, id)
	}
	want := append(ids[45:], "bind_key_missing")
	got := bindAll(t, client, planID, want)
	var limited []string
	for _, id := range ids[45:] {
		switch err := got.errs[id]; {
		case err == nil && got.results[id].Bound:
		case HasCode(err, CodePlanKeyLimit) && !got.results[id].Bound:
			limited = append(limited, id)
		default:
			t.Errorf("key %s: %+v, %v; want bound, or refused for the plan's quota", id, got.results[id], err)
		}
	}
	if len(limited) != 4 {
		t.Errorf("%d keys refused for the quota, want 4 (9 keys for 5 places): %v", len(limited), got.errs)
	}
	if err := got.errs["bind_key_missing"]; !IsNotFound(err) || got.results["bind_key_missing"].Bound {
		t.Errorf("missing key: %+v, %v; want not found", got.results["bind_key_missing"], err)
	}
	b := boundKeys(t, emu, planID)
	if len(b) != 50 {
		t.Fatalf("the plan holds %d keys, want 50", len(b))
	}
	for _, id := range limited {
		if slices.Contains(b, id) {
			t.Errorf("key %s is bound although its bind failed", id)
		}
	}
}

func TestBindAPIKeyPlanGone(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 3, 300*time.Millisecond)
	emu.DeleteUsagePlan(planID)
	got := bindAll(t, client, planID, ids)
	for _, id := range ids {
		if err := got.errs[id]; !IsUsagePlanNotFound(err) || got.results[id].Bound {
			t.Errorf("key %s: %+v, %v; want plan not found", id, got.results[id], err)
		}
	}
}

// Under faults of every kind on BindSecretIds (refused, performed then
// failed, performed with the answer lost), each key's outcome is true: a
// key reported bound is bound, a key reported not bound is not, and no
// binding appears that no bind asked for.
func TestBindAPIKeyUnderFaultsNeitherLosesNorInventsBindings(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			client, emu, planID, ids := bindingClient(t, 40, 50*time.Millisecond)
			emu.SetFaults(emulator.Faults{Seed: seed, TransientRate: 0.25, DropRate: 0.2, CommitErrorRate: 0.2,
				Actions: []string{actionBindKeys}})
			got := bindWithWorkers(t, client, planID, ids, 10)
			b := boundKeys(t, emu, planID)
			for _, id := range ids {
				r, err := got.results[id], got.errs[id]
				switch {
				case err == nil && !slices.Contains(b, id):
					t.Errorf("key %s reported bound, but is not", id)
				case !r.Bound && slices.Contains(b, id):
					t.Errorf("key %s reported not bound (%v), but is", id, err)
				case r.Existed:
					t.Errorf("key %s reported pre-existing: only this test bound it", id)
				}
			}
			if faults := countFaults(emu, actionBindKeys); faults == 0 {
				t.Fatalf("no fault met: the test proves nothing")
			}
			// The listing meets no fault, so every unclear outcome is
			// settled and every bind ends done.
			if len(got.errs) > 0 {
				t.Errorf("binds failed: %v", got.errs)
			}
		})
	}
}

func countFaults(emu *emulator.Server, action string) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.Action == action && c.Fault != "" {
			n++
		}
	}
	return n
}

func TestUnbindAPIKeySharesCallsAndCountsUnboundAsDone(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 20, 300*time.Millisecond)
	for _, id := range ids {
		emu.BindKey(planID, id)
	}
	if errs := unbindAll(t, client, planID, ids[:10]); len(errs) > 0 {
		t.Fatalf("unbinds: %v", errs)
	}
	if calls := callsOf(emu); calls[actionUnbindKeys] != 1 || len(calls) != 1 {
		t.Fatalf("10 unbinds arriving together: expected one UnBindSecretIds, got %v", calls)
	}
	// One of the next ten was unbound outside: the shared call is refused,
	// the listing settles it, the others are unbound one by one.
	emu.UnbindKey(planID, ids[10])
	emu.DeleteKey(ids[11])
	if errs := unbindAll(t, client, planID, append(ids[10:], "bind_key_missing")); len(errs) > 0 {
		t.Fatalf("unbinds: %v", errs)
	}
	if b := boundKeys(t, emu, planID); len(b) != 0 {
		t.Fatalf("still bound: %v", b)
	}
	emu.DeleteUsagePlan(planID)
	if err := client.UnbindAPIKey(withTimeout(t, time.Minute), planID, ids[0]); err != nil {
		t.Fatalf("unbinding from a deleted plan: %v, want done", err)
	}
}

func TestUnbindAPIKeyUnderFaults(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 30, 50*time.Millisecond)
	for _, id := range ids {
		emu.BindKey(planID, id)
	}
	emu.SetFaults(emulator.Faults{Seed: 7, TransientRate: 0.2, DropRate: 0.2, CommitErrorRate: 0.2, Actions: []string{actionUnbindKeys}})
	errs := unbindAll(t, client, planID, ids)
	b := boundKeys(t, emu, planID)
	for _, id := range ids {
		if errs[id] == nil && slices.Contains(b, id) {
			t.Errorf("key %s reported unbound, but is bound", id)
		}
	}
	if len(errs) > 0 {
		t.Logf("unbinds that failed (the resource keeps them in state): %v", errs)
	}
}

// Reads of one plan's bindings share one listing, kept for the walk until
// this client binds or unbinds a key of the plan.
func TestReadAPIKeyBindingSharesOneListing(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 30, 100*time.Millisecond)
	for _, id := range ids[:20] {
		emu.BindKey(planID, id)
	}
	read := func(ids []string) map[string]bool {
		bound := map[string]bool{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Go(func() {
				isBound, err := client.ReadAPIKeyBinding(withTimeout(t, time.Minute), planID, id)
				if err != nil {
					t.Errorf("reading %s: %v", id, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				bound[id] = isBound
			})
		}
		wg.Wait()
		return bound
	}
	for id, b := range read(ids) {
		if want := slices.Index(ids, id) < 20; b != want {
			t.Errorf("key %s read as bound=%v, want %v", id, b, want)
		}
	}
	if calls := callsOf(emu); calls[actionDescribePlanSecretID] != 1 || len(calls) != 1 {
		t.Fatalf("30 reads of one plan: expected one DescribeUsagePlanSecretIds, got %v", calls)
	}
	read(ids[:10])
	if calls := callsOf(emu); len(calls) != 0 {
		t.Fatalf("reads answered by the listing: expected no call, got %v", calls)
	}
	if _, err := client.BindAPIKey(withTimeout(t, time.Minute), planID, ids[25]); err != nil {
		t.Fatal(err)
	}
	if got := read(ids[25:26]); !got[ids[25]] {
		t.Fatalf("a key bound by this client reads as unbound: the listing outlived the write")
	}
	if calls := callsOf(emu); calls[actionDescribePlanSecretID] != 1 {
		t.Fatalf("after a bind: expected a new listing, got %v", calls)
	}
	emu.DeleteUsagePlan(planID)
	client2, _ := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: client.Endpoint()})
	if _, err := client2.ReadAPIKeyBinding(withTimeout(t, time.Minute), planID, ids[0]); !IsUsagePlanNotFound(err) {
		t.Fatalf("a deleted plan: expected plan not found, got %v", err)
	}
}

// BenchmarkBind50Keys binds 50 keys to one plan from 10 goroutines, as
// Terraform's default -parallelism does, and reports the BindSecretIds
// calls: shared (BindAPIKey) and one per key (bindAlone), with the client
// at the API's 20 calls per second and without a limit.
func BenchmarkBind50Keys(b *testing.B) {
	for _, bench := range []struct {
		mode string
		rate int
	}{{"shared", DefaultRateLimit}, {"alone", DefaultRateLimit}, {"shared", 1000}, {"alone", 1000}} {
		mode := bench.mode
		b.Run(fmt.Sprintf("%s-%d-per-s", mode, bench.rate), func(b *testing.B) {
			var calls int
			for b.Loop() {
				b.StopTimer()
				emu := emulator.New(emulator.Options{RateLimit: -1, KeyQuota: 10000})
				server := httptest.NewServer(emu)
				client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL, RateLimit: bench.rate})
				if err != nil {
					b.Fatal(err)
				}
				plan := emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "bench"})
				ids := make(chan string, 50)
				for i := range 50 {
					id := fmt.Sprintf("bench_key_%02d", i)
					emu.PutKey(emulator.Key{AccessKeyID: id, AccessKeySecret: secretOf(id, 1), AccessKeyType: KeyTypeManual, SecretName: id, Enabled: true})
					ids <- id
				}
				close(ids)
				b.StartTimer()
				var wg sync.WaitGroup
				for range 10 {
					wg.Go(func() {
						for id := range ids {
							var err error
							if mode == "shared" {
								_, err = client.BindAPIKey(context.Background(), plan.UsagePlanID, id)
							} else {
								_, err = client.bindAlone(context.Background(), plan.UsagePlanID, id, nil)
							}
							if err != nil {
								b.Error(err)
							}
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				calls += emu.CallCounts()[actionBindKeys]
				server.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(calls)/float64(b.N), "BindSecretIds/op")
		})
	}
}

// A caller that gives up while its bind is in flight is told that the key
// may be bound (so the attachment is recorded, tainted, not orphaned), and
// the shared call is cancelled once no caller waits for it.
func TestBindAPIKeyCallerGivesUp(t *testing.T) {
	t.Parallel()
	client, emu, planID, ids := bindingClient(t, 1, batchWindow)
	emu.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r, err := client.BindAPIKey(ctx, planID, ids[0])
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !r.Bound {
		t.Fatalf("bind given up: %+v, %v; want may-be-bound with the deadline's error", r, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if calls := emu.Calls(); len(calls) == 1 && calls[0].ErrorCode == emulator.ErrorCodeCanceled {
			if b := boundKeys(t, emu, planID); len(b) != 0 {
				t.Fatalf("a cancelled bind bound %v", b)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the shared call was not cancelled: calls %v", emu.Calls())
}
