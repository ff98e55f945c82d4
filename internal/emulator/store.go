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
	AccessKeyID      string
	AccessKeySecret  string
	AccessKeyType    string // KeyTypeAuto or KeyTypeManual
	SecretName       string
	Enabled          bool
	BoundToUsagePlan bool // a bound key cannot be deleted (UnsupportedOperation.ResourceIsInUse)
	CreatedTime      time.Time
	ModifiedTime     time.Time
}

// store holds the keys in creation order. It is not locked itself: every
// access goes through Server.mu.
type store struct {
	byID  map[string]*Key
	order []string // IDs in creation order; listing pages over this
}

func newStore() store {
	return store{byID: make(map[string]*Key)}
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

func (st *store) delete(id string) bool {
	if _, ok := st.byID[id]; !ok {
		return false
	}
	delete(st.byID, id)
	st.order = slices.DeleteFunc(st.order, func(x string) bool { return x == id })
	return true
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
	return *k, true
}

// Keys returns copies of all keys in creation order.
func (s *Server) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.store.all()
	out := make([]Key, len(all))
	for i, k := range all {
		out[i] = *k
	}
	return out
}

// PutKey inserts or overwrites a key directly, bypassing validation and the
// quota (for seeding and drift). Zero times become now; an empty type
// becomes auto.
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
	s.store.put(k)
}

// DeleteKey removes a key out of band. It reports whether the key existed.
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

// SetKeyBoundToUsagePlan marks a key as bound (or not) to a usage plan. The
// API does not report bindings in the key, so ModifiedTime is left alone.
func (s *Server) SetKeyBoundToUsagePlan(id string, bound bool) bool {
	return s.modifyKey(id, func(k *Key) bool {
		k.BoundToUsagePlan = bound
		return false
	})
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
