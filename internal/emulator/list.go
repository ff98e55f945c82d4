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
	limit, offset := int64(defaultListLimit), int64(0)
	if p.Limit != nil {
		limit = *p.Limit
	}
	if p.Offset != nil {
		offset = *p.Offset
	}
	if limit < 1 || limit > maxListLimit {
		return nil, newError("InvalidParameterValue", "The value of parameter `Limit` must be between 1 and %d, not %d.", maxListLimit, limit)
	}
	if offset < 0 {
		return nil, newError("InvalidParameterValue", "The value of parameter `Offset` must not be negative, not %d.", offset)
	}
	match, e := compileFilters(p.Filters)
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

// compileFilters turns Filters into one predicate: values within a filter
// are OR-ed, filters are AND-ed, and a filter without values is ignored.
func compileFilters(filters []*filterParam) (func(*Key) bool, *apiError) {
	var preds []func(*Key) bool
	for _, f := range filters {
		if f == nil {
			continue
		}
		values := make([]string, 0, len(f.Values))
		for _, v := range f.Values {
			values = append(values, deref(v))
		}
		test, e := filterTest(deref(f.Name), values)
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
func filterTest(name string, values []string) (func(k *Key, v string) bool, *apiError) {
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
		// The emulator records only whether a key is bound to some plan, so
		// "not bound to plan X" is approximated by "not bound to any plan".
		return func(k *Key, _ string) bool { return !k.BoundToUsagePlan }, nil
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
