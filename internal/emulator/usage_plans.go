package emulator

import (
	"slices"
	"strings"
	"time"
)

// Quotas of usage plans, as documented.
const (
	DefaultUsagePlanQuota   = 200 // usage plans per account
	DefaultKeysPerUsagePlan = 50  // keys bound to one plan
	DefaultUsagePlansPerKey = 10  // plans one key is bound to
)

// Ranges of a plan's limits; -1 means unlimited.
const (
	Unlimited              = -1
	maxMaxRequestNum       = 99999999
	maxMaxRequestNumPerSec = 2000
)

const (
	usagePlanIDPrefix = "usagePlan-"
	usagePlanIDLen    = 8 // lowercase letters and digits after the prefix
)

// UsagePlan is the emulator's own record of one usage plan, with its
// bindings. The JSON names (of the control endpoint) are the API's.
type UsagePlan struct {
	UsagePlanID         string    `json:"UsagePlanId"`
	UsagePlanName       string    `json:"UsagePlanName"`
	UsagePlanDesc       string    `json:"UsagePlanDesc"`
	MaxRequestNum       int64     `json:"MaxRequestNum"`       // -1 (unlimited) or 1..99999999
	MaxRequestNumPreSec int64     `json:"MaxRequestNumPreSec"` // -1 (unlimited) or 1..2000 (the API's spelling)
	CreatedTime         time.Time `json:"CreatedTime"`
	ModifiedTime        time.Time `json:"ModifiedTime"`
	AccessKeyIDs        []string  `json:"AccessKeyIds"` // the bound keys, in the order they were bound
}

// UsagePlanQuotas are the account's usage-plan limits; a zero field means
// its documented default.
type UsagePlanQuotas struct {
	Plans       int // plans per account (DefaultUsagePlanQuota)
	KeysPerPlan int // keys per plan (DefaultKeysPerUsagePlan)
	PlansPerKey int // plans per key (DefaultUsagePlansPerKey)
}

// SetUsagePlanQuotas sets the limits CreateUsagePlan and BindSecretIds
// enforce. Existing plans and bindings are kept even above them.
func (s *Server) SetUsagePlanQuotas(q UsagePlanQuotas) {
	if q.Plans <= 0 {
		q.Plans = DefaultUsagePlanQuota
	}
	if q.KeysPerPlan <= 0 {
		q.KeysPerPlan = DefaultKeysPerUsagePlan
	}
	if q.PlansPerKey <= 0 {
		q.PlansPerKey = DefaultUsagePlansPerKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.planQuotas = q
}

// --- store ---

func (st *store) plan(id string) (*UsagePlan, bool) {
	p, ok := st.plans[id]
	return p, ok
}

func (st *store) allPlans() []*UsagePlan {
	out := make([]*UsagePlan, len(st.planOrder))
	for i, id := range st.planOrder {
		out[i] = st.plans[id]
	}
	return out
}

// putPlan inserts p, or overwrites the plan with the same ID in place.
func (st *store) putPlan(p UsagePlan) {
	if cur, ok := st.plans[p.UsagePlanID]; ok {
		*cur = p
		return
	}
	st.plans[p.UsagePlanID] = &p
	st.planOrder = append(st.planOrder, p.UsagePlanID)
}

// deletePlan removes a plan and with it its bindings.
func (st *store) deletePlan(id string) bool {
	if _, ok := st.plans[id]; !ok {
		return false
	}
	delete(st.plans, id)
	st.planOrder = slices.DeleteFunc(st.planOrder, func(x string) bool { return x == id })
	return true
}

// plansOf returns the IDs of the plans keyID is bound to, in plan order.
func (st *store) plansOf(keyID string) []string {
	var out []string
	for _, p := range st.allPlans() {
		if slices.Contains(p.AccessKeyIDs, keyID) {
			out = append(out, p.UsagePlanID)
		}
	}
	return out
}

// boundTo reports whether keyID is bound to the plan planID.
func (st *store) boundTo(keyID, planID string) bool {
	p, ok := st.plans[planID]
	return ok && slices.Contains(p.AccessKeyIDs, keyID)
}

func (st *store) unbindEverywhere(keyID string) {
	for _, p := range st.plans {
		p.AccessKeyIDs = slices.DeleteFunc(p.AccessKeyIDs, func(x string) bool { return x == keyID })
	}
}

// newUsagePlanID returns an unused ID of the form usagePlan-xxxxxxxx.
func (st *store) newUsagePlanID() string {
	for {
		id := usagePlanIDPrefix + randomFrom("abcdefghijklmnopqrstuvwxyz0123456789", usagePlanIDLen)
		if _, taken := st.plans[id]; !taken {
			return id
		}
	}
}

// --- test controls ---

// UsagePlan returns a copy of the plan with the given ID.
func (s *Server) UsagePlan(id string) (UsagePlan, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.store.plan(id)
	if !ok {
		return UsagePlan{}, false
	}
	return copyPlan(p), true
}

// UsagePlans returns copies of all plans in creation order.
func (s *Server) UsagePlans() []UsagePlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.store.allPlans()
	out := make([]UsagePlan, len(all))
	for i, p := range all {
		out[i] = copyPlan(p)
	}
	return out
}

func copyPlan(p *UsagePlan) UsagePlan {
	out := *p
	out.AccessKeyIDs = slices.Clone(p.AccessKeyIDs)
	return out
}

// PutUsagePlan inserts or overwrites a plan directly, bypassing validation
// and the quotas (for seeding and drift), and returns it as stored. An empty
// ID gets a generated one; zero times become now; a zero limit becomes -1
// (unlimited). AccessKeyIDs are its bindings: keys that do not exist and
// repeats are left out.
func (s *Server) PutUsagePlan(p UsagePlan) UsagePlan {
	now := apiTime(s.now())
	if p.CreatedTime.IsZero() {
		p.CreatedTime = now
	}
	if p.ModifiedTime.IsZero() {
		p.ModifiedTime = p.CreatedTime
	}
	if p.MaxRequestNum == 0 {
		p.MaxRequestNum = Unlimited
	}
	if p.MaxRequestNumPreSec == 0 {
		p.MaxRequestNumPreSec = Unlimited
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.UsagePlanID == "" {
		p.UsagePlanID = s.store.newUsagePlanID()
	}
	var keys []string
	for _, id := range p.AccessKeyIDs {
		if _, ok := s.store.get(id); ok && !slices.Contains(keys, id) {
			keys = append(keys, id)
		}
	}
	p.AccessKeyIDs = keys
	s.store.putPlan(p)
	return copyPlan(&p)
}

// DeleteUsagePlan removes a plan out of band, with its bindings. It reports
// whether the plan existed.
func (s *Server) DeleteUsagePlan(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.deletePlan(id)
}

// BindKey binds a key to a plan out of band, bypassing the quotas; binding
// it again changes nothing. It reports whether both exist.
func (s *Server) BindKey(planID, keyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.store.plan(planID)
	if _, keyOK := s.store.get(keyID); !ok || !keyOK {
		return false
	}
	if !slices.Contains(p.AccessKeyIDs, keyID) {
		p.AccessKeyIDs = append(p.AccessKeyIDs, keyID)
	}
	return true
}

// UnbindKey removes a binding out of band. It reports whether the key was
// bound to the plan.
func (s *Server) UnbindKey(planID, keyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.store.boundTo(keyID, planID) {
		return false
	}
	p, _ := s.store.plan(planID)
	p.AccessKeyIDs = slices.DeleteFunc(p.AccessKeyIDs, func(x string) bool { return x == keyID })
	return true
}

// ResetUsagePlans removes every plan and binding. Marks set by PutKey or
// SetKeyBoundToUsagePlan stay.
func (s *Server) ResetUsagePlans() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.plans = make(map[string]*UsagePlan)
	s.store.planOrder = nil
}

// --- the API's objects ---

// usagePlanInfo is the UsagePlanInfo object of the API.
type usagePlanInfo struct {
	UsagePlanID               string                 `json:"UsagePlanId"`
	UsagePlanName             string                 `json:"UsagePlanName"`
	UsagePlanDesc             string                 `json:"UsagePlanDesc"`
	MaxRequestNumPreSec       int64                  `json:"MaxRequestNumPreSec"`
	MaxRequestNum             int64                  `json:"MaxRequestNum"`
	CreatedTime               string                 `json:"CreatedTime"`
	ModifiedTime              string                 `json:"ModifiedTime"`
	BindSecretIDTotalCount    int                    `json:"BindSecretIdTotalCount"`
	BindSecretIDs             []string               `json:"BindSecretIds"`
	BindEnvironmentTotalCount int                    `json:"BindEnvironmentTotalCount"`
	BindEnvironments          []usagePlanEnvironment `json:"BindEnvironments"`
}

// usagePlanEnvironment stands for both UsagePlanBindEnvironment and
// UsagePlanEnvironment; the emulator has no services, so none is ever sent.
type usagePlanEnvironment struct {
	ServiceID string `json:"ServiceId"`
}

func toUsagePlanInfo(p *UsagePlan) usagePlanInfo {
	return usagePlanInfo{
		UsagePlanID:            p.UsagePlanID,
		UsagePlanName:          p.UsagePlanName,
		UsagePlanDesc:          p.UsagePlanDesc,
		MaxRequestNumPreSec:    p.MaxRequestNumPreSec,
		MaxRequestNum:          p.MaxRequestNum,
		CreatedTime:            p.CreatedTime.UTC().Format(isoTime),
		ModifiedTime:           p.ModifiedTime.UTC().Format(isoTime),
		BindSecretIDTotalCount: len(p.AccessKeyIDs),
		BindSecretIDs:          append([]string{}, p.AccessKeyIDs...),
		BindEnvironments:       []usagePlanEnvironment{},
	}
}

// usagePlanStatusInfo is the UsagePlanStatusInfo object of the API.
type usagePlanStatusInfo struct {
	UsagePlanID         string `json:"UsagePlanId"`
	UsagePlanName       string `json:"UsagePlanName"`
	UsagePlanDesc       string `json:"UsagePlanDesc"`
	MaxRequestNumPreSec int64  `json:"MaxRequestNumPreSec"`
	MaxRequestNum       int64  `json:"MaxRequestNum"`
	CreatedTime         string `json:"CreatedTime"`
	ModifiedTime        string `json:"ModifiedTime"`
}

// usagePlansStatus is the UsagePlansStatus object of the API.
type usagePlansStatus struct {
	TotalCount         int                   `json:"TotalCount"`
	UsagePlanStatusSet []usagePlanStatusInfo `json:"UsagePlanStatusSet"`
}

// usagePlanBindSecret and usagePlanBindSecretStatus are the objects of
// DescribeUsagePlanSecretIds.
type usagePlanBindSecret struct {
	AccessKeyID string `json:"AccessKeyId"`
	SecretName  string `json:"SecretName"`
	Status      int    `json:"Status"`
}

type usagePlanBindSecretStatus struct {
	TotalCount    int                   `json:"TotalCount"`
	AccessKeyList []usagePlanBindSecret `json:"AccessKeyList"`
}

// usagePlanEnvironmentStatus is the Result of DescribeUsagePlanEnvironments.
type usagePlanEnvironmentStatus struct {
	TotalCount      int                    `json:"TotalCount"`
	EnvironmentList []usagePlanEnvironment `json:"EnvironmentList"`
}

func usagePlanNotFound(id string) *apiError {
	return newError("ResourceNotFound.InvalidUsagePlan", "The usage plan `%s` does not exist.", id)
}

// checkLimits checks the documented ranges of a plan's two limits. The API
// documents one code for both: InvalidParameterValue.InvalidMaxRequestNum.
func checkLimits(maxNum, maxPerSec *int64) *apiError {
	if maxNum != nil && *maxNum != Unlimited && (*maxNum < 1 || *maxNum > maxMaxRequestNum) {
		return newError("InvalidParameterValue.InvalidMaxRequestNum",
			"The value of parameter `MaxRequestNum` must be -1 or between 1 and %d, not %d.", maxMaxRequestNum, *maxNum)
	}
	if maxPerSec != nil && *maxPerSec != Unlimited && (*maxPerSec < 1 || *maxPerSec > maxMaxRequestNumPerSec) {
		return newError("InvalidParameterValue.InvalidMaxRequestNum",
			"The value of parameter `MaxRequestNumPreSec` must be -1 or between 1 and %d, not %d.", maxMaxRequestNumPerSec, *maxPerSec)
	}
	return nil
}

// --- actions ---

// setLimits sets the limits given; an absent (nil) one keeps its value.
func (p *UsagePlan) setLimits(maxNum, maxPerSec *int64) {
	if maxNum != nil {
		p.MaxRequestNum = *maxNum
	}
	if maxPerSec != nil {
		p.MaxRequestNumPreSec = *maxPerSec
	}
}

type modifyUsagePlanParams struct {
	UsagePlanID         *string `json:"UsagePlanId"`
	UsagePlanName       *string `json:"UsagePlanName"`
	UsagePlanDesc       *string `json:"UsagePlanDesc"`
	MaxRequestNum       *int64  `json:"MaxRequestNum"`
	MaxRequestNumPreSec *int64  `json:"MaxRequestNumPreSec"`
}

type createUsagePlanParams struct {
	UsagePlanName       *string `json:"UsagePlanName"`
	UsagePlanDesc       *string `json:"UsagePlanDesc"`
	MaxRequestNum       *int64  `json:"MaxRequestNum"`
	MaxRequestNumPreSec *int64  `json:"MaxRequestNumPreSec"`
}

func (s *Server) createUsagePlan(body []byte, call *Call) (any, *apiError) {
	var p createUsagePlanParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	if deref(p.UsagePlanName) == "" {
		return nil, missing("UsagePlanName")
	}
	if e := checkLimits(p.MaxRequestNum, p.MaxRequestNumPreSec); e != nil {
		return nil, e
	}
	plan := UsagePlan{
		UsagePlanName:       *p.UsagePlanName,
		UsagePlanDesc:       deref(p.UsagePlanDesc),
		MaxRequestNum:       Unlimited,
		MaxRequestNumPreSec: Unlimited,
	}
	plan.setLimits(p.MaxRequestNum, p.MaxRequestNumPreSec)

	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.store.planOrder) >= s.planQuotas.Plans {
		return nil, newError("LimitExceeded.UsagePlanLimitExceeded", "The number of usage plans has reached the limit of %d.", s.planQuotas.Plans)
	}
	plan.UsagePlanID = s.store.newUsagePlanID()
	plan.CreatedTime, plan.ModifiedTime = now, now
	s.store.putPlan(plan)
	call.UsagePlanID = plan.UsagePlanID
	return toUsagePlanInfo(&plan), nil
}

// planIDParams is the input of the actions that only name a plan.
type planIDParams struct {
	UsagePlanID *string `json:"UsagePlanId"`
}

func decodePlanID(body []byte) (string, *apiError) {
	var p planIDParams
	if e := decodeParams(body, &p); e != nil {
		return "", e
	}
	if deref(p.UsagePlanID) == "" {
		return "", missing("UsagePlanId")
	}
	return *p.UsagePlanID, nil
}

func (s *Server) describeUsagePlan(body []byte, _ *Call) (any, *apiError) {
	id, e := decodePlanID(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.store.plan(id)
	if !ok {
		return nil, usagePlanNotFound(id)
	}
	return toUsagePlanInfo(p), nil
}

func (s *Server) modifyUsagePlan(body []byte, _ *Call) (any, *apiError) {
	var p modifyUsagePlanParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	id := deref(p.UsagePlanID)
	if id == "" {
		return nil, missing("UsagePlanId")
	}
	if p.UsagePlanName != nil && *p.UsagePlanName == "" {
		return nil, formatError("UsagePlanName must not be empty.")
	}
	if e := checkLimits(p.MaxRequestNum, p.MaxRequestNumPreSec); e != nil {
		return nil, e
	}

	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	plan, ok := s.store.plan(id)
	if !ok {
		return nil, usagePlanNotFound(id)
	}
	before := copyPlan(plan)
	// An absent field keeps its value; UsagePlanDesc "" clears the description.
	if p.UsagePlanName != nil {
		plan.UsagePlanName = *p.UsagePlanName
	}
	if p.UsagePlanDesc != nil {
		plan.UsagePlanDesc = *p.UsagePlanDesc
	}
	plan.setLimits(p.MaxRequestNum, p.MaxRequestNumPreSec)
	if plan.UsagePlanName != before.UsagePlanName || plan.UsagePlanDesc != before.UsagePlanDesc ||
		plan.MaxRequestNum != before.MaxRequestNum || plan.MaxRequestNumPreSec != before.MaxRequestNumPreSec {
		plan.ModifiedTime = now
	}
	return toUsagePlanInfo(plan), nil
}

func (s *Server) deleteUsagePlan(body []byte, _ *Call) (any, *apiError) {
	id, e := decodePlanID(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// UnsupportedOperation.UsagePlanInUse answers a plan bound to a service;
	// the emulator has no services, and bound keys do not hold a plan.
	if !s.store.deletePlan(id) {
		return nil, usagePlanNotFound(id)
	}
	return true, nil
}

func (s *Server) describeUsagePlansStatus(body []byte, _ *Call) (any, *apiError) {
	var p listParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	limit, offset, e := pageParams(p.Limit, p.Offset)
	if e != nil {
		return nil, e
	}
	match, e := compilePlanFilters(p.Filters)
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	result := usagePlansStatus{UsagePlanStatusSet: []usagePlanStatusInfo{}}
	for _, plan := range s.store.allPlans() {
		if !match(plan) {
			continue
		}
		if n := int64(result.TotalCount); n >= offset && n < offset+limit {
			info := toUsagePlanInfo(plan)
			result.UsagePlanStatusSet = append(result.UsagePlanStatusSet, usagePlanStatusInfo{
				UsagePlanID:         info.UsagePlanID,
				UsagePlanName:       info.UsagePlanName,
				UsagePlanDesc:       info.UsagePlanDesc,
				MaxRequestNumPreSec: info.MaxRequestNumPreSec,
				MaxRequestNum:       info.MaxRequestNum,
				CreatedTime:         info.CreatedTime,
				ModifiedTime:        info.ModifiedTime,
			})
		}
		result.TotalCount++
	}
	return result, nil
}

// compilePlanFilters is compileFilters for plans: values within a filter are
// OR-ed, filters AND-ed, a filter without values is ignored.
func compilePlanFilters(filters []*filterParam) (func(*UsagePlan) bool, *apiError) {
	var preds []func(*UsagePlan) bool
	for _, f := range filters {
		if f == nil {
			continue
		}
		var test func(p *UsagePlan, v string) bool
		switch name := deref(f.Name); name {
		case "UsagePlanId":
			test = func(p *UsagePlan, v string) bool { return p.UsagePlanID == v }
		case "UsagePlanName":
			test = func(p *UsagePlan, v string) bool { return p.UsagePlanName == v }
		case "KeyWord":
			test = func(p *UsagePlan, v string) bool {
				return strings.Contains(p.UsagePlanName, v) || strings.Contains(p.UsagePlanID, v)
			}
		case "NotServiceId", "NotApiId":
			// No plan is bound to a service or an API here.
			test = func(*UsagePlan, string) bool { return true }
		case "Environment":
			test = func(*UsagePlan, string) bool { return false }
		default:
			return nil, newError("InvalidParameterValue.InvalidFilterNotSupportedName", "The filter name %q is not supported.", name)
		}
		values := make([]string, 0, len(f.Values))
		for _, v := range f.Values {
			values = append(values, deref(v))
		}
		if len(values) == 0 {
			continue
		}
		preds = append(preds, func(p *UsagePlan) bool {
			return slices.ContainsFunc(values, func(v string) bool { return test(p, v) })
		})
	}
	return func(p *UsagePlan) bool {
		for _, pred := range preds {
			if !pred(p) {
				return false
			}
		}
		return true
	}, nil
}

type bindParams struct {
	UsagePlanID  *string   `json:"UsagePlanId"`
	AccessKeyIDs []*string `json:"AccessKeyIds"`
}

// decodeBind checks the input of BindSecretIds and UnBindSecretIds.
func decodeBind(body []byte) (planID string, keyIDs []string, e *apiError) {
	var p bindParams
	if e := decodeParams(body, &p); e != nil {
		return "", nil, e
	}
	if deref(p.UsagePlanID) == "" {
		return "", nil, missing("UsagePlanId")
	}
	if p.AccessKeyIDs == nil {
		return "", nil, missing("AccessKeyIds")
	}
	if len(p.AccessKeyIDs) == 0 {
		return "", nil, newError("InvalidParameterValue.InvalidAccessKeyIds", "AccessKeyIds must name at least one key.")
	}
	for i, id := range p.AccessKeyIDs {
		v := deref(id)
		switch {
		case v == "":
			return "", nil, newError("InvalidParameterValue.InvalidAccessKeyIds", "AccessKeyIds.%d is empty.", i)
		case slices.Contains(keyIDs, v):
			return "", nil, newError("InvalidParameterValue.InvalidAccessKeyIds", "AccessKeyIds names the key `%s` twice.", v)
		}
		keyIDs = append(keyIDs, v)
	}
	return *p.UsagePlanID, keyIDs, nil
}

// bindSecretIDs binds all keys or none: the first key that cannot be bound
// fails the whole call and nothing changes.
func (s *Server) bindSecretIDs(body []byte, call *Call) (any, *apiError) {
	return s.changeBindings(body, call, func(plan *UsagePlan, id string) *apiError {
		plans := s.store.plansOf(id)
		if slices.Contains(plans, plan.UsagePlanID) {
			return newError("UnsupportedOperation.UnsupportedBindApiKey", "The key `%s` is already bound to the usage plan `%s`.", id, plan.UsagePlanID)
		}
		if len(plans) >= s.planQuotas.PlansPerKey {
			return newError("UnsupportedOperation.AlreadyBindUsagePlan",
				"The key `%s` is already bound to %d usage plans, the most a key can be bound to.", id, len(plans))
		}
		return nil
	}, func(plan *UsagePlan, keyIDs []string) *apiError {
		if n := len(plan.AccessKeyIDs) + len(keyIDs); n > s.planQuotas.KeysPerPlan {
			return newError("LimitExceeded.AccessKeyCountInUsagePlanLimitExceeded",
				"Binding %d keys would bring the usage plan `%s` to %d keys, over the limit of %d.", len(keyIDs), plan.UsagePlanID, n, s.planQuotas.KeysPerPlan)
		}
		plan.AccessKeyIDs = append(plan.AccessKeyIDs, keyIDs...)
		return nil
	})
}

// unbindSecretIDs unbinds all keys or none: a key that does not exist or is
// not bound to the plan fails the whole call and nothing changes.
func (s *Server) unbindSecretIDs(body []byte, call *Call) (any, *apiError) {
	return s.changeBindings(body, call, func(plan *UsagePlan, id string) *apiError {
		if !slices.Contains(plan.AccessKeyIDs, id) {
			return newError("ResourceNotFound.InvalidAccessKeyId", "The key `%s` is not bound to the usage plan `%s`.", id, plan.UsagePlanID)
		}
		return nil
	}, func(plan *UsagePlan, keyIDs []string) *apiError {
		plan.AccessKeyIDs = slices.DeleteFunc(plan.AccessKeyIDs, func(x string) bool { return slices.Contains(keyIDs, x) })
		return nil
	})
}

// changeBindings is the common path of BindSecretIds and UnBindSecretIds:
// under the lock it finds the plan, then checks each key in order (that it
// exists, then check); apply runs only when every key passed, so a failing
// call changes nothing.
func (s *Server) changeBindings(body []byte, call *Call,
	check func(plan *UsagePlan, keyID string) *apiError,
	apply func(plan *UsagePlan, keyIDs []string) *apiError,
) (any, *apiError) {
	planID, keyIDs, e := decodeBind(body)
	if e != nil {
		return nil, e
	}
	if len(keyIDs) == 1 {
		call.AccessKeyID = keyIDs[0]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	plan, ok := s.store.plan(planID)
	if !ok {
		return nil, usagePlanNotFound(planID)
	}
	for _, id := range keyIDs {
		if _, ok := s.store.get(id); !ok {
			return nil, keyNotFound(id)
		}
		if e := check(plan, id); e != nil {
			return nil, e
		}
	}
	if e := apply(plan, keyIDs); e != nil {
		return nil, e
	}
	return true, nil
}

type pagedPlanParams struct {
	UsagePlanID *string `json:"UsagePlanId"`
	Limit       *int64  `json:"Limit"`
	Offset      *int64  `json:"Offset"`
}

func (s *Server) describeUsagePlanSecretIDs(body []byte, _ *Call) (any, *apiError) {
	var p pagedPlanParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	if deref(p.UsagePlanID) == "" {
		return nil, missing("UsagePlanId")
	}
	limit, offset, e := pageParams(p.Limit, p.Offset)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	plan, ok := s.store.plan(*p.UsagePlanID)
	if !ok {
		return nil, usagePlanNotFound(*p.UsagePlanID)
	}
	result := usagePlanBindSecretStatus{TotalCount: len(plan.AccessKeyIDs), AccessKeyList: []usagePlanBindSecret{}}
	for i, id := range plan.AccessKeyIDs {
		if int64(i) < offset || int64(i) >= offset+limit {
			continue
		}
		k, _ := s.store.get(id) // bindings of deleted keys are dropped with them
		item := toAPIKey(k)
		result.AccessKeyList = append(result.AccessKeyList, usagePlanBindSecret{AccessKeyID: item.AccessKeyID, SecretName: item.SecretName, Status: item.Status})
	}
	return result, nil
}

type usagePlanEnvironmentsParams struct {
	UsagePlanID *string `json:"UsagePlanId"`
	BindType    *string `json:"BindType"`
	Limit       *int64  `json:"Limit"`
	Offset      *int64  `json:"Offset"`
}

// describeUsagePlanEnvironments answers no environments: the emulator has
// no services to bind a plan to. The existing TencentCloud provider calls it
// when it reads a plan.
func (s *Server) describeUsagePlanEnvironments(body []byte, _ *Call) (any, *apiError) {
	var p usagePlanEnvironmentsParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	if deref(p.UsagePlanID) == "" {
		return nil, missing("UsagePlanId")
	}
	switch bindType := deref(p.BindType); bindType {
	case "", "SERVICE", "API":
	default:
		return nil, newError("InvalidParameterValue", "The value of parameter `BindType` must be SERVICE or API, not %q.", bindType)
	}
	if _, _, e := pageParams(p.Limit, p.Offset); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.store.plan(*p.UsagePlanID); !ok {
		return nil, usagePlanNotFound(*p.UsagePlanID)
	}
	return usagePlanEnvironmentStatus{EnvironmentList: []usagePlanEnvironment{}}, nil
}
