package apigateway

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// The active key on create and import: the more recently modified, the
// first given on a tie (times are whole seconds).
func TestMostRecentlyModified(t *testing.T) {
	a := &conns.APIKey{AccessKeyID: "a", ModifiedTime: "2026-12-07T08:00:00Z"}
	b := &conns.APIKey{AccessKeyID: "b", ModifiedTime: "2026-12-07T08:00:01Z"}
	tie := &conns.APIKey{AccessKeyID: "tie", ModifiedTime: "2026-12-07T08:00:00Z"}
	for _, tc := range []struct {
		keys             []*conns.APIKey
		active, previous string
	}{
		{[]*conns.APIKey{a, b}, "b", "a"},
		{[]*conns.APIKey{b, a}, "b", "a"},
		{[]*conns.APIKey{a, tie}, "a", "tie"},
		{[]*conns.APIKey{tie, a}, "tie", "a"},
	} {
		active, previous := mostRecentlyModified(tc.keys)
		if active.AccessKeyID != tc.active || previous.AccessKeyID != tc.previous {
			t.Errorf("%s, %s: got active %s, previous %s; want %s, %s", tc.keys[0].AccessKeyID, tc.keys[1].AccessKeyID,
				active.AccessKeyID, previous.AccessKeyID, tc.active, tc.previous)
		}
	}
}

// The rotation shares the key's rule: only a change from one non-empty map
// to a different one rotates; unknown triggers may.
func TestTriggersRotate(t *testing.T) {
	m := func(kv ...string) types.Map {
		elems := map[string]attr.Value{}
		for i := 0; i+1 < len(kv); i += 2 {
			elems[kv[i]] = types.StringValue(kv[i+1])
		}
		return types.MapValueMust(types.StringType, elems)
	}
	unknownValue := types.MapValueMust(types.StringType, map[string]attr.Value{"t": types.StringUnknown()})
	for name, tc := range map[string]struct {
		planned, prior types.Map
		want           bool
	}{
		"changed":                    {m("t", "2"), m("t", "1"), true},
		"unchanged":                  {m("t", "1"), m("t", "1"), false},
		"set where there were none":  {m("t", "1"), m(), false},
		"set after an import (null)": {m("t", "1"), types.MapNull(types.StringType), false},
		"removed":                    {m(), m("t", "1"), false},
		"unknown map":                {types.MapUnknown(types.StringType), m("t", "1"), true},
		"unknown value":              {unknownValue, m("t", "1"), true},
	} {
		if got := triggersRotate(tc.planned, tc.prior); got != tc.want {
			t.Errorf("%s: triggersRotate = %v, want %v", name, got, tc.want)
		}
	}
	if !fullyKnown(m("t", "1")) || fullyKnown(unknownValue) || fullyKnown(types.MapUnknown(types.StringType)) {
		t.Error("fullyKnown is wrong")
	}
}
