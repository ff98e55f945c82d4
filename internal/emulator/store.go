package emulator

import (
	"slices"
	"time"
)

// Key types as the API spells them.
const (
	KeyTypeAuto   = "auto"
	KeyTypeManual = "manual"
)

// Key is the emulator's own record of one API key.
type Key struct {
	AccessKeyID     string
	AccessKeySecret string
	AccessKeyType   string // KeyTypeAuto or KeyTypeManual
	SecretName      string
	Enabled         bool
	// BoundToUsagePlan is true when the key is bound to a usage plan. Read
	// from Key or Keys it is derived from the bindings of the emulated plans,
	// OR-ed with a mark set by PutKey or SetKeyBoundToUsagePlan, which stands
	// for a binding to a plan the emulator does not list. A bound key cannot
	// be deleted (UnsupportedOperation.ResourceIsInUse).
	BoundToUsagePlan bool
	CreatedTime      time.Time
	ModifiedTime     time.Time
}

// store holds the keys and the usage plans in creation order. It is not
// locked itself: every access goes through Server.mu.
type store struct {
	byID  map[string]*Key
	order []string // IDs in creation order; listing pages over this

	plans     map[string]*UsagePlan // bindings live in UsagePlan.AccessKeyIDs
	planOrder []string              // plan IDs in creation order
}

func newStore() store {
	return store{byID: make(map[string]*Key), plans: make(map[string]*UsagePlan)}
}

func (st *store) get(id string) (*Key, bool) {
	k, ok := st.byID[id]
	return k, ok
}

func (st *store) len() int { return len(st.order) }

// put inserts k, or overwrites the key with the same ID in place (keeping
// its position in the listing).
func (st *store) put(k Key) {
	if cur, ok := st.byID[k.AccessKeyID]; ok {
		*cur = k
		return
	}
	st.byID[k.AccessKeyID] = &k
	st.order = append(st.order, k.AccessKeyID)
}

// delete removes a key and its bindings, so that no plan lists a key that
// no longer exists.
func (st *store) delete(id string) bool {
	if _, ok := st.byID[id]; !ok {
		return false
	}
	delete(st.byID, id)
	st.order = slices.DeleteFunc(st.order, func(x string) bool { return x == id })
	st.unbindEverywhere(id)
	return true
}

// bound reports whether k is bound to a plan: a real binding or the mark.
func (st *store) bound(k *Key) bool {
	return k.BoundToUsagePlan || len(st.plansOf(k.AccessKeyID)) > 0
}

// view is the copy of k handed out, with BoundToUsagePlan derived.
func (st *store) view(k *Key) Key {
	out := *k
	out.BoundToUsagePlan = st.bound(k)
	return out
}

// all returns pointers to the stored keys in creation order.
func (st *store) all() []*Key {
	out := make([]*Key, len(st.order))
	for i, id := range st.order {
		out[i] = st.byID[id]
	}
	return out
}

// apiTime truncates to what the API can express (ISO 8601, whole seconds, UTC).
func apiTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// Key returns a copy of the key with the given ID.
func (s *Server) Key(id string) (Key, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return Key{}, false
	}
	return s.store.view(k), true
}

// Keys returns copies of all keys in creation order.
func (s *Server) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.store.all()
	out := make([]Key, len(all))
	for i, k := range all {
		out[i] = s.store.view(k)
	}
	return out
}

// PutKey inserts or overwrites a key directly, bypassing validation and the
// quota (for seeding and drift). Zero times become now; an empty type
// becomes auto. BoundToUsagePlan true marks the key bound to a plan the
// emulator does not list, unless it is bound to one of its plans already
// (so that writing back a key read with Key does not make a binding stick).
// Bindings to the emulated plans are kept; BindKey and UnbindKey change them.
func (s *Server) PutKey(k Key) {
	now := apiTime(s.now())
	if k.CreatedTime.IsZero() {
		k.CreatedTime = now
	}
	if k.ModifiedTime.IsZero() {
		k.ModifiedTime = k.CreatedTime
	}
	if k.AccessKeyType == "" {
		k.AccessKeyType = KeyTypeAuto
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.store.plansOf(k.AccessKeyID)) > 0 {
		k.BoundToUsagePlan = false
	}
	s.store.put(k)
}

// DeleteKey removes a key out of band, with its bindings. It reports whether
// the key existed.
func (s *Server) DeleteKey(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.delete(id)
}

// SetKeyEnabled changes a key's status out of band (bumping ModifiedTime on
// a change, as the API does). It reports whether the key exists.
func (s *Server) SetKeyEnabled(id string, enabled bool) bool {
	return s.modifyKey(id, func(k *Key) bool {
		changed := k.Enabled != enabled
		k.Enabled = enabled
		return changed
	})
}

// SetKeySecret replaces a key's secret out of band and bumps ModifiedTime.
// It reports whether the key exists.
func (s *Server) SetKeySecret(id, secret string) bool {
	return s.modifyKey(id, func(k *Key) bool {
		k.AccessKeySecret = secret
		return true
	})
}

// SetKeyBoundToUsagePlan marks a key as bound to a plan the emulator does
// not list (bound true), or unbinds it from every plan, listed or not (bound
// false). The API does not report bindings in the key, so ModifiedTime is
// left alone. It reports whether the key exists.
func (s *Server) SetKeyBoundToUsagePlan(id string, bound bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return false
	}
	k.BoundToUsagePlan = bound
	if !bound {
		s.store.unbindEverywhere(id)
	}
	return true
}

// modifyKey applies fn to the stored key; fn reports whether ModifiedTime
// should be bumped.
func (s *Server) modifyKey(id string, fn func(*Key) bool) bool {
	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return false
	}
	if fn(k) {
		k.ModifiedTime = now
	}
	return true
}
