package emulator

import "strings"

// Paging of DescribeApiKeysStatus.
const (
	defaultListLimit = 20
	maxListLimit     = 100
)

type filterParam struct {
	Name   *string   `json:"Name"`
	Values []*string `json:"Values"`
}

type listParams struct {
	Limit   *int64         `json:"Limit"`
	Offset  *int64         `json:"Offset"`
	Filters []*filterParam `json:"Filters"`
}

// apiKeysStatus is the ApiKeysStatus object of the API.
type apiKeysStatus struct {
	TotalCount int      `json:"TotalCount"`
	APIKeySet  []apiKey `json:"ApiKeySet"`
}

func (s *Server) describeAPIKeysStatus(body []byte, _ *Call) (any, *apiError) {
	var p listParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	limit, offset, e := pageParams(p.Limit, p.Offset)
	if e != nil {
		return nil, e
	}
	// The predicate runs under s.mu, in the loop below.
	match, e := compileFilters(p.Filters, s.store.boundTo)
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listQuirks.IgnoreOffset {
		offset = 0
	}
	result := apiKeysStatus{APIKeySet: []apiKey{}}
	for _, k := range s.store.all() {
		if !match(k) {
			continue
		}
		if n := int64(result.TotalCount); n >= offset && n < offset+limit {
			result.APIKeySet = append(result.APIKeySet, toAPIKey(k))
		}
		result.TotalCount++
	}
	result.TotalCount += s.listQuirks.ExtraTotalCount
	return result, nil
}

// pageParams checks Limit and Offset of a listing (default 20 and 0; Limit
// at most 100), as every Describe*s action of the API pages.
func pageParams(limitP, offsetP *int64) (limit, offset int64, e *apiError) {
	limit, offset = int64(defaultListLimit), 0
	if limitP != nil {
		limit = *limitP
	}
	if offsetP != nil {
		offset = *offsetP
	}
	if limit < 1 || limit > maxListLimit {
		return 0, 0, newError("InvalidParameterValue", "The value of parameter `Limit` must be between 1 and %d, not %d.", maxListLimit, limit)
	}
	if offset < 0 {
		return 0, 0, newError("InvalidParameterValue", "The value of parameter `Offset` must not be negative, not %d.", offset)
	}
	return limit, offset, nil
}

// compileFilters turns Filters into one predicate: values within a filter
// are OR-ed, filters are AND-ed, and a filter without values is ignored.
// boundTo answers the NotUsagePlanId filter.
func compileFilters(filters []*filterParam, boundTo func(keyID, planID string) bool) (func(*Key) bool, *apiError) {
	var preds []func(*Key) bool
	for _, f := range filters {
		if f == nil {
			continue
		}
		values := make([]string, 0, len(f.Values))
		for _, v := range f.Values {
			values = append(values, deref(v))
		}
		test, e := filterTest(deref(f.Name), values, boundTo)
		if e != nil {
			return nil, e
		}
		if len(values) == 0 {
			continue
		}
		preds = append(preds, func(k *Key) bool {
			for _, v := range values {
				if test(k, v) {
					return true
				}
			}
			return false
		})
	}
	return func(k *Key) bool {
		for _, p := range preds {
			if !p(k) {
				return false
			}
		}
		return true
	}, nil
}

// filterTest returns the test of one filter value against a key.
func filterTest(name string, values []string, boundTo func(keyID, planID string) bool) (func(k *Key, v string) bool, *apiError) {
	switch name {
	case "AccessKeyId":
		return func(k *Key, v string) bool { return k.AccessKeyID == v }, nil
	case "AccessKeySecret":
		return func(k *Key, v string) bool { return k.AccessKeySecret == v }, nil
	case "SecretName":
		return func(k *Key, v string) bool { return k.SecretName == v }, nil
	case "KeyWord":
		return func(k *Key, v string) bool {
			return strings.Contains(k.SecretName, v) || strings.Contains(k.AccessKeyID, v)
		}, nil
	case "NotUsagePlanId":
		// Only real bindings count: a key marked bound (PutKey,
		// SetKeyBoundToUsagePlan) is bound to a plan that is not v.
		return func(k *Key, v string) bool { return !boundTo(k.AccessKeyID, v) }, nil
	case "Status":
		for _, v := range values {
			if v != "0" && v != "1" {
				return nil, newError("InvalidParameterValue", "The value %q of filter `Status` must be 0 or 1.", v)
			}
		}
		return func(k *Key, v string) bool { return k.Enabled == (v == "1") }, nil
	}
	return nil, newError("InvalidParameterValue.InvalidFilterNotSupportedName", "The filter name %q is not supported.", name)
}
