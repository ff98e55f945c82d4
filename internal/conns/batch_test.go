package conns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// batchClient starts an emulator holding n enabled manual keys, and a client
// to it whose batches gather for window (long enough for a test's readers
// to all join). wrap, when set, stands between the client and the emulator.
func batchClient(t *testing.T, n int, window time.Duration, wrap func(http.Handler) http.Handler) (*Client, *emulator.Server, []string) {
	t.Helper()
	emu := emulator.New(emulator.Options{RateLimit: -1, KeyQuota: 10000})
	var h http.Handler = emu
	if wrap != nil {
		h = wrap(emu)
	}
	server := httptest.NewServer(h)
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	client.reads.window = window
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("batch_key_%03d", i)
		emu.PutKey(emulator.Key{AccessKeyID: ids[i], AccessKeySecret: secretOf(ids[i], 1), AccessKeyType: KeyTypeManual,
			SecretName: "batch-" + strconv.Itoa(i), Enabled: true})
	}
	return client, emu, ids
}

func secretOf(id string, generation int) string { return fmt.Sprintf("secret_%d_%s", generation, id) }

// readAll reads ids at once, as Terraform's parallel walk does, and returns
// each key or error by ID.
func readAll(t *testing.T, client *Client, ids []string) (map[string]*APIKey, map[string]error) {
	t.Helper()
	var mu sync.Mutex
	keys, errs := map[string]*APIKey{}, map[string]error{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := client.ReadAPIKey(withTimeout(t, time.Minute), id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[id] = err
			} else {
				keys[id] = k
			}
		}()
	}
	wg.Wait()
	return keys, errs
}

// mustReadAll is readAll where every key must be read, with the secret of
// the given generation.
func mustReadAll(t *testing.T, client *Client, ids []string, generation int) {
	t.Helper()
	keys, errs := readAll(t, client, ids)
	for id, err := range errs {
		t.Errorf("reading %s: %v", id, err)
	}
	for _, id := range ids {
		if k := keys[id]; k != nil && (k.AccessKeyID != id || k.AccessKeySecret != secretOf(id, generation) || k.Status != StatusEnabled) {
			t.Errorf("read %s as %s with another secret or status %d", id, k.AccessKeyID, k.Status)
		}
	}
}

// callsOf counts the logged calls of action, and resets the log.
func callsOf(emu *emulator.Server) map[string]int {
	counts := emu.CallCounts()
	emu.ResetCalls()
	return counts
}

func TestReadAPIKeyGathersConcurrentReads(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 30, 300*time.Millisecond, nil)
	mustReadAll(t, client, ids[:10], 1)
	if got := callsOf(emu); got[actionList] != 1 || len(got) != 1 {
		t.Fatalf("10 concurrent reads: expected one DescribeApiKeysStatus, got %v", got)
	}
}

func TestReadAPIKeyAloneIsOneDescribe(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 3, batchWindow, nil)
	mustReadAll(t, client, ids[:1], 1)
	if got := emu.Calls(); len(got) != 1 || got[0].Action != actionDescribe || got[0].AccessKeyID != ids[0] {
		t.Fatalf("a lone read: expected one DescribeApiKey, got %v", got)
	}
	if _, err := client.ReadAPIKey(withTimeout(t, time.Minute), "batch_key_missing"); !IsNotFound(err) {
		t.Fatalf("a lone read of a missing key: expected not found, got %v", err)
	}
}

// keepFirstListed answers DescribeApiKeysStatus with its first key only, as
// a service honouring only one value of the AccessKeyId filter would.
func keepFirstListed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if r.Header.Get("X-TC-Action") == actionList {
			var env struct {
				Response map[string]json.RawMessage
			}
			var result struct {
				TotalCount int
				ApiKeySet  []json.RawMessage
			}
			if json.Unmarshal(body, &env) == nil && json.Unmarshal(env.Response["Result"], &result) == nil && len(result.ApiKeySet) > 1 {
				result.ApiKeySet, result.TotalCount = result.ApiKeySet[:1], 1
				env.Response["Result"], _ = json.Marshal(result)
				body, _ = json.Marshal(env)
			}
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// spoilListed rewrites every DescribeApiKeysStatus answer: the entries of
// ids (all entries when none is given) lose their Status (null, as the SDK
// then reads it), and with nullResult the whole Result is null.
func spoilListed(nullResult bool, ids ...string) func(http.Handler) http.Handler {
	spoil := map[string]bool{}
	for _, id := range ids {
		spoil[id] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var env struct {
				Response map[string]any
			}
			if r.Header.Get("X-TC-Action") == actionList && json.Unmarshal(body, &env) == nil {
				if result, ok := env.Response["Result"].(map[string]any); ok {
					set, _ := result["ApiKeySet"].([]any)
					for _, k := range set {
						if key, ok := k.(map[string]any); ok && (len(ids) == 0 || spoil[fmt.Sprint(key["AccessKeyId"])]) {
							key["Status"] = nil
						}
					}
					if nullResult {
						env.Response["Result"] = nil
					}
				}
				body, _ = json.Marshal(env)
			}
			for k, v := range rec.Header() {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// Issue 15: a listed key with a null Status gets the checks of a single
// read: its reader asks DescribeApiKey instead of taking an unknown status,
// in a batched answer and in an account listing alike; the other keys are
// still answered by the shared call.
func TestReadAPIKeyDescribesListedKeysWithoutStatus(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 6, 300*time.Millisecond, spoilListed(false, "batch_key_001", "batch_key_004"))
	mustReadAll(t, client, ids, 1)
	if got := callsOf(emu); got[actionList] != 1 || got[actionDescribe] != 2 {
		t.Fatalf("expected 1 DescribeApiKeysStatus and a DescribeApiKey for each of the 2 keys without a status, got %v", got)
	}

	client, emu, ids = batchClient(t, 60, 100*time.Millisecond, spoilListed(false, "batch_key_025"))
	mustReadAll(t, client, ids[0:10], 1)
	mustReadAll(t, client, ids[10:20], 1)
	callsOf(emu)
	mustReadAll(t, client, ids[20:30], 1)
	if got := callsOf(emu); got[actionDescribe] != 1 || len(got) != 1 {
		t.Fatalf("reads answered by the account listing: expected only a DescribeApiKey of the key without a status, got %v", got)
	}
}

// A listing answered with a null Result is a failed batch, not "no keys":
// every read asks DescribeApiKey.
func TestReadAPIKeyDescribesAfterANullListing(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 4, 300*time.Millisecond, spoilListed(true))
	mustReadAll(t, client, ids, 1)
	if got := callsOf(emu); got[actionList] != 1 || got[actionDescribe] != 4 {
		t.Fatalf("expected the null listing, then 4 DescribeApiKey, got %v", got)
	}
}

// A key absent from a batched answer is confirmed by DescribeApiKey: keys
// the answer left out are still read, and only a key that DescribeApiKey
// does not find is reported missing.
func TestReadAPIKeyConfirmsKeysAbsentFromTheAnswer(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 6, 300*time.Millisecond, keepFirstListed)
	emu.DeleteKey(ids[5])
	keys, errs := readAll(t, client, ids)
	for _, id := range ids[:5] {
		if k := keys[id]; k == nil || k.AccessKeySecret != secretOf(id, 1) {
			t.Errorf("key %s left out of the answer was not read: %v", id, errs[id])
		}
	}
	if !IsNotFound(errs[ids[5]]) {
		t.Errorf("deleted key %s: expected not found, got %v", ids[5], errs[ids[5]])
	}
	// One list call, then one DescribeApiKey for each key it left out.
	if got := callsOf(emu); got[actionList] != 1 || got[actionDescribe] != 5 {
		t.Fatalf("expected 1 DescribeApiKeysStatus and 5 DescribeApiKey, got %v", got)
	}
}

// After listAfterReads reads, one listing of the account answers the rest
// of the walk; a key missing from it is still confirmed by DescribeApiKey.
func TestReadAPIKeyListsTheAccountForLongWalks(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 150, 100*time.Millisecond, nil)
	mustReadAll(t, client, ids[0:10], 1)
	if got := callsOf(emu); got[actionList] != 1 || len(got) != 1 {
		t.Fatalf("first 10 reads: expected one filtered DescribeApiKeysStatus, got %v", got)
	}
	// 20 reads so far and 150 keys in the account: list it (2 pages).
	mustReadAll(t, client, ids[10:20], 1)
	if got := callsOf(emu); got[actionList] != 2 || len(got) != 1 {
		t.Fatalf("reads 11-20: expected the account listed in 2 calls, got %v", got)
	}
	for i := 20; i < 140; i += 10 {
		mustReadAll(t, client, ids[i:i+10], 1)
	}
	if got := callsOf(emu); len(got) != 0 {
		t.Fatalf("reads 21-140: expected no call, got %v", got)
	}
	// Keys the listing does not hold are asked for: one created since, one
	// that does not exist.
	emu.PutKey(emulator.Key{AccessKeyID: "batch_key_new", AccessKeySecret: secretOf("batch_key_new", 1), AccessKeyType: KeyTypeManual, SecretName: "new", Enabled: true})
	mustReadAll(t, client, []string{"batch_key_new"}, 1)
	if _, errs := readAll(t, client, []string{"batch_key_gone"}); !IsNotFound(errs["batch_key_gone"]) {
		t.Fatalf("a key missing from the listing: expected not found, got %v", errs["batch_key_gone"])
	}
	if got := callsOf(emu); got[actionDescribe] != 2 || len(got) != 1 {
		t.Fatalf("keys missing from the listing: expected two DescribeApiKey, got %v", got)
	}
}

// An account much larger than the walk is not listed: after one page the
// client keeps reading by ID.
func TestReadAPIKeyDoesNotListALargeAccount(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 400, 100*time.Millisecond, nil)
	// Keys from the end of the account, so the first page holds none.
	tail := ids[300:]
	mustReadAll(t, client, tail[0:10], 1)
	mustReadAll(t, client, tail[10:20], 1)
	// 10 filtered, then at 20 reads one page that shows 400 > 10×20 keys,
	// and the filtered call the batch still needs.
	if got := callsOf(emu); got[actionList] != 3 || len(got) != 1 {
		t.Fatalf("expected 3 DescribeApiKeysStatus calls, got %v", got)
	}
	mustReadAll(t, client, tail[20:30], 1)
	if got := callsOf(emu); got[actionList] != 1 || len(got) != 1 {
		t.Fatalf("reads 21-30 of a 400-key account: expected one filtered call, got %v", got)
	}
}

// No answer is reused across a write of the same client: a listing serves
// reads until the client writes, and not after.
func TestReadAPIKeyDropsTheListingOnWrite(t *testing.T) {
	t.Parallel()
	for _, write := range []struct {
		name string
		do   func(c *Client, id string) error
	}{
		{"update", func(c *Client, id string) error {
			_, err := c.UpdateAPIKey(withTimeout(t, time.Minute), id, secretOf(id, 3))
			return err
		}},
		{"disable", func(c *Client, id string) error { return c.DisableAPIKey(withTimeout(t, time.Minute), id) }},
		{"enable", func(c *Client, id string) error { return c.EnableAPIKey(withTimeout(t, time.Minute), id) }},
	} {
		t.Run(write.name, func(t *testing.T) {
			t.Parallel()
			client, emu, ids := batchClient(t, 40, 100*time.Millisecond, nil)
			mustReadAll(t, client, ids[0:10], 1)
			mustReadAll(t, client, ids[10:20], 1)
			callsOf(emu)
			// Changed behind the client's back: the listing still answers.
			emu.SetKeySecret(ids[30], secretOf(ids[30], 2))
			mustReadAll(t, client, ids[30:31], 1)
			if got := callsOf(emu); len(got) != 0 {
				t.Fatalf("expected the listing to answer, got calls %v", got)
			}
			// A write to another key: the listing is gone.
			if err := write.do(client, ids[35]); err != nil {
				t.Fatal(err)
			}
			callsOf(emu)
			mustReadAll(t, client, ids[30:31], 2)
			if got := callsOf(emu); got[actionDescribe] != 1 || len(got) != 1 {
				t.Fatalf("after a write: expected a DescribeApiKey, got %v", got)
			}
		})
	}
}

// Transient failures of the batched call are retried; every read succeeds.
func TestReadAPIKeyRetriesATransientListFailure(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 10, 300*time.Millisecond, nil)
	emu.SetFaults(emulator.Faults{Seed: 12, TransientRate: 0.5, DropRate: 0.2, Actions: []string{actionList}})
	mustReadAll(t, client, ids, 1)
	faults := 0
	for _, c := range emu.Calls() {
		if c.Fault != "" {
			faults++
		}
	}
	if faults == 0 {
		t.Fatal("the emulator injected no fault: the test proves nothing")
	}
	if got := emu.CallCounts(); got[actionDescribe] != 0 {
		t.Fatalf("expected the retried list to answer every read, got %v", got)
	}
}

// refuseList answers DescribeApiKeysStatus with an error that retrying
// does not cure, as for a credential not allowed to list keys.
func refuseList(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") != actionList {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Response":{"Error":{"Code":"UnauthorizedOperation","Message":"not allowed"},"RequestId":"refused"}}`))
	})
}

// A batched call that fails for good leaves each read to its own
// DescribeApiKey, and later reads go there directly.
func TestReadAPIKeyFallsBackWhenListingFails(t *testing.T) {
	t.Parallel()
	client, _, ids := batchClient(t, 20, 300*time.Millisecond, refuseList)
	var describes, lists int
	var mu sync.Mutex
	client.api.WithHttpTransport(countingTransport{next: newTransport(), count: func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Header.Get("X-TC-Action") {
		case actionDescribe:
			describes++
		case actionList:
			lists++
		}
	}})
	mustReadAll(t, client, ids[:10], 1)
	if lists != 1 || describes != 10 {
		t.Fatalf("first reads: expected 1 refused list and 10 DescribeApiKey, got %d and %d", lists, describes)
	}
	mustReadAll(t, client, ids[10:], 1)
	if lists != 1 || describes != 20 {
		t.Fatalf("later reads: expected no more list calls and 10 more DescribeApiKey, got %d and %d", lists, describes)
	}
}

type countingTransport struct {
	next  http.RoundTripper
	count func(*http.Request)
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.count(r)
	return t.next.RoundTrip(r)
}

// A reader that gives up does not cancel the batch for the others.
func TestReadAPIKeyCancelledReaderLeavesOthersServed(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 5, 400*time.Millisecond, nil)
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := client.ReadAPIKey(ctx, ids[0])
		gaveUp <- err
	}()
	time.AfterFunc(100*time.Millisecond, cancel)
	mustReadAll(t, client, ids[1:], 1)
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled reader: expected context.Canceled, got %v", err)
	}
	if got := emu.CallCounts(); got[actionList] != 1 || len(got) != 1 {
		t.Fatalf("expected one DescribeApiKeysStatus for the others, got %v", got)
	}
}

// When every reader of a batch gives up, the batch's call is not made. The
// batch holds two keys: a batch of one never calls on its own (its reader
// describes the key), so only a larger one shows a call nobody waits for.
func TestReadAPIKeyBatchNobodyWaitsForMakesNoCall(t *testing.T) {
	t.Parallel()
	const window = 400 * time.Millisecond
	client, emu, ids := batchClient(t, 3, window, nil)
	readers := ids[:2]
	errs := make(chan error, len(readers))
	for _, id := range readers {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := client.ReadAPIKey(ctx, id)
			errs <- err
		}()
	}
	// The batch both readers joined, taken while it gathers.
	var batch *readBatch
	for deadline := time.Now().Add(time.Second); batch == nil; {
		client.reads.mu.Lock()
		if b := client.reads.open; b != nil && b.waiters == len(readers) {
			batch = b
		}
		client.reads.mu.Unlock()
		if batch == nil {
			if time.Now().After(deadline) {
				t.Fatal("the two readers did not join one batch")
			}
			time.Sleep(time.Millisecond)
		}
	}
	for range readers {
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("expected the deadline, got %v", err)
		}
	}
	select {
	case <-batch.done:
	case <-time.After(10 * window):
		t.Fatal("the abandoned batch never ended")
	}
	if got := emu.Calls(); len(got) != 0 {
		t.Fatalf("a batch nobody waits for made calls: %v", got)
	}
	if len(batch.ids) != len(readers) || !errors.Is(batch.err, context.Canceled) {
		t.Fatalf("expected a cancelled batch of %d keys, got %d keys and error %v", len(readers), len(batch.ids), batch.err)
	}
}

// holdAccountListing holds back the answer of the first unfiltered
// DescribeApiKeysStatus (an account listing) once armed: the emulator has
// answered it, so it shows the keys as they were then, and it reaches the
// client only when release is closed.
type holdAccountListing struct {
	armed    atomic.Bool
	answered chan struct{}
	release  chan struct{}
	once     sync.Once
}

func newHoldAccountListing() *holdAccountListing {
	return &holdAccountListing{answered: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdAccountListing) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		listing := r.Header.Get("X-TC-Action") == actionList && !bytes.Contains(body, []byte("AccessKeyId"))
		if !listing || !h.armed.Load() {
			next.ServeHTTP(w, r)
			return
		}
		held := false
		h.once.Do(func() { held = true })
		if !held {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		close(h.answered)
		<-h.release
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// A listing taken while the client wrote is not kept: a write that starts
// (and here ends) while the account listing is in flight leaves the
// listing's view of the written key stale, so later reads must not be
// answered from it.
func TestReadAPIKeyListingTakenAcrossAWriteIsNotKept(t *testing.T) {
	t.Parallel()
	hold := newHoldAccountListing()
	client, emu, ids := batchClient(t, 40, 100*time.Millisecond, hold.wrap)
	mustReadAll(t, client, ids[0:10], 1)
	callsOf(emu)

	// Reads 11-20 list the account; its answer is held back.
	hold.armed.Store(true)
	readsDone := make(chan struct{})
	go func() {
		defer close(readsDone)
		mustReadAll(t, client, ids[10:20], 1)
	}()
	select {
	case <-hold.answered:
	case <-time.After(30 * time.Second):
		t.Fatal("the account was not listed")
	}
	// While the listing is in flight, the client disables a key.
	written := ids[35]
	if err := client.DisableAPIKey(withTimeout(t, time.Minute), written); err != nil {
		t.Fatal(err)
	}
	close(hold.release)
	<-readsDone
	if got := callsOf(emu); got[actionList] != 1 || got[actionDisable] != 1 || len(got) != 2 {
		t.Fatalf("expected the account listing and the disable, got %v", got)
	}

	key, err := client.ReadAPIKey(withTimeout(t, time.Minute), written)
	if err != nil {
		t.Fatal(err)
	}
	if key.Status != StatusDisabled {
		t.Fatalf("key %s, disabled while the listing was taken, read with status %d from the listing", written, key.Status)
	}
	if got := callsOf(emu); got[actionDescribe] != 1 || len(got) != 1 {
		t.Fatalf("expected the key read by its own DescribeApiKey, got %v", got)
	}
}

// DisableAPIKeyIfEnabled disables only a key that is on, and reports it.
func TestDisableAPIKeyIfEnabled(t *testing.T) {
	t.Parallel()
	client, emu, ids := batchClient(t, 3, batchWindow, nil)
	emu.SetKeyEnabled(ids[1], false)
	emu.DeleteKey(ids[2])

	if wasOn, err := client.DisableAPIKeyIfEnabled(withTimeout(t, time.Minute), ids[0]); err != nil || !wasOn {
		t.Fatalf("an enabled key: expected it turned off, got %v, %v", wasOn, err)
	}
	if k, _ := emu.Key(ids[0]); k.Enabled {
		t.Fatal("the enabled key is still on")
	}
	if got := emu.Calls(); len(got) != 2 || got[0].Action != actionDescribe || got[1].Action != actionDisable {
		t.Fatalf("an enabled key: expected DescribeApiKey and DisableApiKey, got %v", got)
	}

	emu.ResetCalls()
	if wasOn, err := client.DisableAPIKeyIfEnabled(withTimeout(t, time.Minute), ids[1]); err != nil || wasOn {
		t.Fatalf("a disabled key: expected it left alone, got %v, %v", wasOn, err)
	}
	if got := callsOf(emu); got[actionDescribe] != 1 || len(got) != 1 {
		t.Fatalf("a disabled key: expected one DescribeApiKey and no disable, got %v", got)
	}

	if wasOn, err := client.DisableAPIKeyIfEnabled(withTimeout(t, time.Minute), ids[2]); !IsNotFound(err) || wasOn {
		t.Fatalf("a missing key: expected not found, got %v, %v", wasOn, err)
	}
	if got := callsOf(emu); got[actionDescribe] != 1 || len(got) != 1 {
		t.Fatalf("a missing key: expected one DescribeApiKey and no disable, got %v", got)
	}
}

// Deletes as Terraform makes them (10 at a time, each disabling then
// deleting its key) at the API's rate limit: the reads of the live status
// wait for their disable's turn in shared calls, so the destroy costs its
// DisableApiKey and DeleteApiKey calls and few reads. The account holds
// more keys than the destroy: while the client writes, no batch lists it.
func TestDisableAPIKeyIfEnabledSharesReadsAtTheRateLimit(t *testing.T) {
	t.Parallel()
	const n, account, parallelism = 60, 250, 10
	_, emu, ids := batchClient(t, account, batchWindow, nil)
	emu.SetRateLimit(DefaultRateLimit)
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	work := make(chan string)
	go func() {
		defer close(work)
		for _, id := range ids[:n] {
			work <- id
		}
	}()
	var wg sync.WaitGroup
	for range parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				ctx := withTimeout(t, time.Minute)
				if wasOn, err := client.DisableAPIKeyIfEnabled(ctx, id); err != nil || !wasOn {
					t.Errorf("disabling %s: %v, %v", id, wasOn, err)
					continue
				}
				if err := client.DeleteAPIKey(ctx, id); err != nil {
					t.Errorf("deleting %s: %v", id, err)
				}
			}
		}()
	}
	wg.Wait()
	got := emu.CallCounts()
	t.Logf("%d deletes: %v", n, got)
	// A read that a loaded machine leaves alone in its batch is a plain
	// DescribeApiKey: count the reads of both kinds together.
	reads := got[actionDescribe] + got[actionList]
	for action := range got {
		switch action {
		case actionDescribe, actionList, actionDisable, actionDeleteKey:
		default:
			t.Fatalf("unexpected %s calls: %v", action, got)
		}
	}
	if got[actionDisable] != n || got[actionDeleteKey] != n || reads > n/5 {
		t.Fatalf("expected %d DisableApiKey and DeleteApiKey, and at most %d reads, got %v", n, n/5, got)
	}
	if left := len(emu.Keys()); left != account-n {
		t.Fatalf("expected %d keys left, got %d", account-n, left)
	}
}
