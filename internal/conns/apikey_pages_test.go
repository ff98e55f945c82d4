package conns

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func seedKeys(emu *emulator.Server, n int, name string) {
	for i := range n {
		emu.PutKey(emulator.Key{
			AccessKeyID:     fmt.Sprintf("AKIDpage%04d", i),
			AccessKeySecret: fmt.Sprintf("secret_page_%04d", i),
			SecretName:      name,
			Enabled:         true,
		})
	}
}

func TestAPIKeysPagesEveryKeyOnce(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	seedKeys(emu, 250, "paged")

	var ids []string
	for key, err := range client.APIKeys(withTimeout(t, time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, key.AccessKeyID)
	}
	if len(ids) != 250 {
		t.Fatalf("listed %d keys, want 250", len(ids))
	}
	for i, id := range ids {
		if want := fmt.Sprintf("AKIDpage%04d", i); id != want {
			t.Fatalf("key %d is %s, want %s (the API's order)", i, id, want)
		}
	}
	if n := countCalls(emu, actionList, ""); n != 3 {
		t.Errorf("%d DescribeApiKeysStatus calls for 250 keys, want 3 (100 a page)", n)
	}
}

func TestAPIKeysStopsWhenTheConsumerStops(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	seedKeys(emu, 250, "paged")

	for _, stopAfter := range []int{1, 100, 101} {
		emu.ResetCalls()
		n := 0
		for _, err := range client.APIKeys(withTimeout(t, time.Minute)) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == stopAfter {
				break
			}
		}
		// Pages of 100: the 101st key needs a second page, the 100th does not.
		want := (stopAfter + 99) / 100
		if got := countCalls(emu, actionList, ""); got != want {
			t.Errorf("stopping after %d keys: %d DescribeApiKeysStatus calls, want %d", stopAfter, got, want)
		}
	}
}

func TestAPIKeysSendsFilters(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	seedKeys(emu, 3, "other")
	emu.PutKey(emulator.Key{AccessKeyID: "AKIDwanted", AccessKeySecret: "secret_wanted_0", SecretName: "wanted", Enabled: true})

	var ids []string
	for key, err := range client.APIKeys(withTimeout(t, time.Minute), ListAPIKeysFilter{Name: "SecretName", Value: "wanted"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, key.AccessKeyID)
	}
	if len(ids) != 1 || ids[0] != "AKIDwanted" {
		t.Errorf("listed %v, want [AKIDwanted]", ids)
	}
}

func TestAPIKeysYieldsAnErrorOnce(t *testing.T) {
	t.Parallel()
	client, _ := newEmulatorClient(t)
	errs := 0
	for key, err := range client.APIKeys(withTimeout(t, time.Minute), ListAPIKeysFilter{Name: "NoSuchFilter", Value: "x"}) {
		if err == nil || key != nil {
			t.Fatalf("got key %v, error %v; want only an error", key, err)
		}
		errs++
	}
	if errs != 1 {
		t.Errorf("%d errors yielded, want 1", errs)
	}
}

// fakeListAPI answers DescribeApiKeysStatus, without checking signatures,
// with pages that page(offset) chooses out of total keys.
func fakeListAPI(t *testing.T, total int, page func(offset int) (from, to int)) (*Client, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		var req struct{ Offset int }
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		from, to := page(req.Offset)
		set := []map[string]any{}
		for i := from; i < to && i < total; i++ {
			set = append(set, map[string]any{
				"AccessKeyId": fmt.Sprintf("AKIDfake%04d", i), "AccessKeyType": "auto", "SecretName": "fake",
				"Status": 1, "CreatedTime": "2026-01-01T00:00:00Z", "ModifiedTime": "2026-01-01T00:00:00Z",
			})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"RequestId": "fake", "Result": map[string]any{"TotalCount": total, "ApiKeySet": set},
		}})
	}))
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: "AKIDfake", SecretKey: "fake", Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	return client, &calls
}

func listAll(t *testing.T, client *Client) []string {
	t.Helper()
	var ids []string
	for key, err := range client.APIKeys(withTimeout(t, time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, key.AccessKeyID)
	}
	return ids
}

// Keys made before the offset while the listing runs move later keys onto
// the next page: the overlap must not list a key twice.
func TestAPIKeysSkipsKeysThatComeAgain(t *testing.T) {
	t.Parallel()
	client, calls := fakeListAPI(t, 200, func(offset int) (int, int) {
		from := max(0, offset-50) // every page after the first repeats 50 keys
		return from, from + 100
	})
	ids := listAll(t, client)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("key %s listed twice", id)
		}
		seen[id] = true
	}
	if len(ids) != 200 {
		t.Errorf("listed %d keys, want 200", len(ids))
	}
	// Pages start at offsets 0, 99 and 198 (one key of overlap each) and
	// answer keys 0-99, 49-148 and 148-199.
	if n := calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

// A service that keeps answering the first page ends the listing after one
// page that adds nothing, instead of looping.
func TestAPIKeysStopsWhenAPageAddsNothing(t *testing.T) {
	t.Parallel()
	client, calls := fakeListAPI(t, 1000, func(int) (int, int) { return 0, 100 })
	if ids := listAll(t, client); len(ids) != 100 {
		t.Errorf("listed %d keys, want 100", len(ids))
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

// Issue 15: a listed key with a null Status is read with its own
// DescribeApiKey, as a single read would have it; a key that DescribeApiKey
// finds gone is left out. A null Result is an error, not an empty list.
func TestAPIKeysDescribesKeysWithoutStatus(t *testing.T) {
	t.Parallel()
	// Key 3 is deleted once listed, before it is described.
	deleteAfterListing := func(next http.Handler) http.Handler {
		emu, ok := next.(*emulator.Server)
		if !ok {
			t.Fatalf("expected the emulator behind the client, got %T", next)
		}
		spoiled := spoilListed(false, "batch_key_001", "batch_key_003")(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			spoiled.ServeHTTP(w, r)
			if r.Header.Get("X-TC-Action") == actionList {
				emu.DeleteKey("batch_key_003")
			}
		})
	}
	client, emu, ids := batchClient(t, 5, batchWindow, deleteAfterListing)
	emu.SetKeyEnabled(ids[1], false)
	keys, err := client.ListAPIKeys(withTimeout(t, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, k := range keys {
		listed = append(listed, k.AccessKeyID)
		want := int64(StatusEnabled)
		if k.AccessKeyID == ids[1] {
			want = StatusDisabled
		}
		if k.Status != want || k.AccessKeySecret != secretOf(k.AccessKeyID, 1) {
			t.Errorf("key %s listed with status %d (want %d) or another secret", k.AccessKeyID, k.Status, want)
		}
	}
	if fmt.Sprint(listed) != fmt.Sprint([]string{ids[0], ids[1], ids[2], ids[4]}) {
		t.Errorf("listed %v", listed)
	}
	if got := callsOf(emu); got[actionList] != 1 || got[actionDescribe] != 2 {
		t.Errorf("expected 1 DescribeApiKeysStatus and a DescribeApiKey for each of the 2 keys without a status, got %v", got)
	}

	client, _, _ = batchClient(t, 2, batchWindow, spoilListed(true))
	if keys, err := client.ListAPIKeys(withTimeout(t, time.Minute)); !HasCode(err, codeEmptyResult) {
		t.Fatalf("a null Result: expected %s, got %d keys and %v", codeEmptyResult, len(keys), err)
	}
}
