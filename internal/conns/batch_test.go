package conns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
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

	// When every reader of a batch gives up, its call is not made.
	emu.ResetCalls()
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := client.ReadAPIKey(ctx, ids[0]); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expected the deadline, got %v", err)
	}
	time.Sleep(450 * time.Millisecond)
	if got := emu.Calls(); len(got) != 0 {
		t.Fatalf("a batch nobody waits for made calls: %v", got)
	}
}
