package conns

import (
	"context"
	"sync"
)

// keyClaims is one Client's record of the keys its creates made or adopted,
// and of the auto-key creates it has in flight, by name.
//
// Terraform creates every resource of a walk in one provider process, so
// resources with the same secret_name (count, for_each) create side by side.
// When one create's outcome is unclear, its lookup lists the keys with that
// name: a sibling's key is new since the snapshot too, and adopting it would
// give two resources one key. So a key that a create of this client made or
// adopted is never a candidate for another, and a lookup waits until no
// create of that name is in flight in this client before it judges, since
// the key of a create whose answer is still on its way is in the listing but
// not yet in the record.
//
// Keys made by creates whose own outcome was unclear are in no record until
// some lookup adopts them: each is adopted by exactly one lookup (claim is
// atomic), which is the same as if its own lookup had found it, since two
// auto keys of one name made for this process differ in nothing a resource
// configures at create time. Other processes cannot be seen (see README).
type keyClaims struct {
	mu sync.Mutex
	// claimed: key IDs that a create made or adopted for a resource.
	claimed map[string]bool
	// inFlight: auto-key CreateApiKey calls in flight, by SecretName.
	inFlight map[string]*namedCreates
}

// namedCreates counts the creates of one name in flight; idle is closed
// when the count drops to zero.
type namedCreates struct {
	n    int
	idle chan struct{}
}

func newKeyClaims() *keyClaims {
	return &keyClaims{claimed: map[string]bool{}, inFlight: map[string]*namedCreates{}}
}

// begin marks a CreateApiKey of an auto key named name in flight. The
// returned end records the key ID the call's answer named ("": none), then
// ends the mark: a lookup that waited for the mark finds the key recorded.
func (k *keyClaims) begin(name string) (end func(madeID string)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f := k.inFlight[name]
	if f == nil {
		f = &namedCreates{idle: make(chan struct{})}
		k.inFlight[name] = f
	}
	f.n++
	return func(madeID string) {
		k.mu.Lock()
		defer k.mu.Unlock()
		if madeID != "" {
			k.claimed[madeID] = true
		}
		if f.n--; f.n == 0 {
			close(f.idle)
			delete(k.inFlight, name)
		}
	}
}

// settle waits until no create of name is in flight in this client.
func (k *keyClaims) settle(ctx context.Context, name string) error {
	for {
		k.mu.Lock()
		f := k.inFlight[name]
		k.mu.Unlock()
		if f == nil {
			return nil
		}
		select {
		case <-f.idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// record notes that the key id was made or adopted for a resource.
func (k *keyClaims) record(id string) {
	if id == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.claimed[id] = true
}

// claimSole adopts the only unclaimed key of candidates (listed for name)
// for the caller. busy: a create of name began meanwhile and is in flight,
// so its key may be among the candidates without being recorded yet; the
// caller must wait and list again. Otherwise it returns the unclaimed
// candidates: none or several leave key nil.
func (k *keyClaims) claimSole(name string, candidates []*APIKey) (key *APIKey, unclaimed []*APIKey, busy bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.inFlight[name] != nil {
		return nil, nil, true
	}
	for _, c := range candidates {
		if !k.claimed[c.AccessKeyID] {
			unclaimed = append(unclaimed, c)
		}
	}
	if len(unclaimed) == 1 {
		key = unclaimed[0]
		k.claimed[key.AccessKeyID] = true
	}
	return key, unclaimed, false
}
