package conns

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// The record: a lookup waits while a create of its name is in flight, then
// never takes a key that a create made or adopted.
func TestKeyClaims(t *testing.T) {
	t.Parallel()
	k := newKeyClaims()
	mine, theirs := &APIKey{AccessKeyID: "AKIDmine"}, &APIKey{AccessKeyID: "AKIDtheirs"}

	end := k.begin("shared")
	if _, _, busy := k.claimSole("shared", []*APIKey{mine}); !busy {
		t.Fatal("a lookup judged while a create of its name was in flight")
	}
	if key, _, busy := k.claimSole("other", []*APIKey{{AccessKeyID: "AKIDelsewhere"}}); busy || key == nil {
		t.Fatal("a create of another name held a lookup back")
	}
	settled := make(chan error, 1)
	go func() { settled <- k.settle(context.Background(), "shared") }()
	select {
	case err := <-settled:
		t.Fatalf("settle returned (%v) while a create of the name was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	end(theirs.AccessKeyID)
	if err := <-settled; err != nil {
		t.Fatal(err)
	}

	key, unclaimed, busy := k.claimSole("shared", []*APIKey{theirs, mine})
	if busy || key != mine || len(unclaimed) != 1 {
		t.Fatalf("expected the one unclaimed key adopted, got %+v (unclaimed %d, busy %v)", key, len(unclaimed), busy)
	}
	if key, unclaimed, _ := k.claimSole("shared", []*APIKey{theirs, mine}); key != nil || len(unclaimed) != 0 {
		t.Fatalf("a key adopted once was adopted again: %+v", key)
	}
	other := &APIKey{AccessKeyID: "AKIDother"}
	if key, unclaimed, _ := k.claimSole("shared", []*APIKey{other, {AccessKeyID: "AKIDfourth"}, mine}); key != nil || len(unclaimed) != 2 {
		t.Fatalf("expected two unclaimed candidates and none adopted, got %+v, %d", key, len(unclaimed))
	}

	// settle ends with its context, and an ended mark leaves no trace.
	end = k.begin("stuck")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := k.settle(ctx, "stuck"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expected the deadline, got %v", err)
	}
	end("")
	if err := k.settle(context.Background(), "stuck"); err != nil || len(k.inFlight) != 0 {
		t.Fatalf("settle after the end: %v, %d names in flight", err, len(k.inFlight))
	}
}

// siblingServer serves an emulator to two concurrent auto-key creates of
// one name, in the order that made a create adopt its sibling's key: both
// take their snapshot before either creates; the first CreateApiKey to
// arrive ("A") is answered InternalError, not performed, and only once the
// second ("B") has been performed; B's answer is written by answerB.
type siblingServer struct {
	emu     *emulator.Server
	answerB func(w http.ResponseWriter, performed *httptest.ResponseRecorder)
	// aAnswersAfter, when set, holds A's answer until it is closed.
	aAnswersAfter chan struct{}

	mu           sync.Mutex
	counts       map[string]int
	snapshots    chan struct{} // closed once both snapshots arrived
	bPerformed   chan struct{}
	recoveryList chan struct{} // closed a while after the first listing after the snapshots
}

func newSiblingServer(t *testing.T, answerB func(http.ResponseWriter, *httptest.ResponseRecorder)) (*siblingServer, *Client) {
	t.Helper()
	s := &siblingServer{emu: emulator.New(emulator.Options{RateLimit: -1}), answerB: answerB, counts: map[string]int{},
		snapshots: make(chan struct{}), bPerformed: make(chan struct{}), recoveryList: make(chan struct{})}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: s.emu.SecretID(), SecretKey: s.emu.SecretKey(), Endpoint: server.URL, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return s, client
}

func (s *siblingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-TC-Action")
	s.mu.Lock()
	s.counts[action]++
	n := s.counts[action]
	s.mu.Unlock()
	switch {
	case action == actionList && n <= 2:
		if n == 2 {
			close(s.snapshots)
		}
		<-s.snapshots
	case action == actionList && n == 3:
		// Signalled once this listing has long been answered.
		defer time.AfterFunc(200*time.Millisecond, func() { close(s.recoveryList) })
	case action == actionCreate && n == 1:
		<-s.bPerformed
		if s.aAnswersAfter != nil {
			<-s.aAnswersAfter
		}
		answerError(w, "InternalError", "An internal error has occurred.")
		return
	case action == actionCreate && n == 2:
		rec := httptest.NewRecorder()
		s.emu.ServeHTTP(rec, r)
		close(s.bPerformed)
		s.answerB(w, rec)
		return
	}
	s.emu.ServeHTTP(w, r)
}

// copyAnswer writes a recorded answer.
func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// createSiblings runs two creates of one auto key name at once and checks
// that they end with two distinct keys, exactly the emulator's. onReturn
// runs when the first of them returns.
func createSiblings(t *testing.T, s *siblingServer, client *Client, onReturn func()) {
	t.Helper()
	ctx := withTimeout(t, time.Minute)
	var wg sync.WaitGroup
	var once sync.Once
	keys := make([]*APIKey, 2)
	errs := make([]error, 2)
	for i := range keys {
		wg.Go(func() {
			keys[i], errs[i] = client.CreateAPIKey(ctx, CreateAPIKeyInput{SecretName: "sibling", AccessKeyType: KeyTypeAuto})
			if onReturn != nil {
				once.Do(onReturn)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a sibling's create failed: %v", err)
		}
	}
	remote := map[string]bool{}
	for _, k := range s.emu.Keys() {
		remote[k.AccessKeyID] = true
	}
	if keys[0].AccessKeyID == keys[1].AccessKeyID || len(remote) != 2 || !remote[keys[0].AccessKeyID] || !remote[keys[1].AccessKeyID] {
		t.Fatalf("the siblings hold %s and %s, the emulator %v: want two distinct keys, exactly the emulator's",
			keys[0].AccessKeyID, keys[1].AccessKeyID, remote)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts[actionCreate] != 3 {
		t.Errorf("expected three CreateApiKey calls (A, B, A again), got %d", s.counts[actionCreate])
	}
}

// Issue 15: sibling A's create fails before the service acts, sibling B's
// succeeds and is answered before A's lookup. B's key is recorded as B's,
// so A creates its own instead of adopting B's.
func TestCreateLookupSkipsASiblingsKey(t *testing.T) {
	t.Parallel()
	s, client := newSiblingServer(t, copyAnswer)
	s.aAnswersAfter = make(chan struct{})
	createSiblings(t, s, client, func() { close(s.aAnswersAfter) })
}

// Issue 15: as above, but B's answer is still on its way when A's create
// fails: A's lookup waits for B's create to end before it judges, since
// B's key is listed before it is recorded.
func TestCreateLookupWaitsForSiblingsInFlight(t *testing.T) {
	t.Parallel()
	var aListedFirst atomic.Bool
	var s *siblingServer
	s, client := newSiblingServer(t, func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
		// Hold B's answer until A lists (the race) or long enough for a
		// lookup that waits for B to be seen waiting.
		select {
		case <-s.recoveryList:
			aListedFirst.Store(true)
		case <-time.After(time.Second):
		}
		copyAnswer(w, rec)
	})
	createSiblings(t, s, client, nil)
	if aListedFirst.Load() {
		t.Error("A's lookup listed while B's create was in flight")
	}
}

// Issue 15: B's create is carried out and answered InternalError, A's is
// not carried out: both look, one adopts B's key and the other creates
// again; no error, no key taken twice.
func TestCreateLookupsOfUnclearSiblingsShareNoKey(t *testing.T) {
	t.Parallel()
	s, client := newSiblingServer(t, func(w http.ResponseWriter, _ *httptest.ResponseRecorder) {
		answerError(w, "InternalError", "An internal error has occurred.")
	})
	createSiblings(t, s, client, nil)
}
