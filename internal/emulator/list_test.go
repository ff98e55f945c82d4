package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func listKeys(cli *apigw.Client, limit, offset *int64, filters ...*apigw.Filter) (*apigw.ApiKeysStatus, error) {
	req := apigw.NewDescribeApiKeysStatusRequest()
	req.Limit, req.Offset, req.Filters = limit, offset, filters
	resp, err := cli.DescribeApiKeysStatus(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func filter(name string, values ...string) *apigw.Filter {
	return &apigw.Filter{Name: common.StringPtr(name), Values: common.StringPtrs(values)}
}

func ids(set []*apigw.ApiKey) []string {
	out := make([]string, len(set))
	for i, k := range set {
		out[i] = *k.AccessKeyId
	}
	return out
}

func TestDescribeApiKeysStatusPagination(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	const total = 250
	var created []string
	for i := range total {
		created = append(created, *createAuto(t, cli, fmt.Sprintf("key-%03d", i)).AccessKeyId)
	}

	for _, limit := range []int64{100, 7} {
		var seen []string
		for offset := int64(0); ; offset += limit {
			page, err := listKeys(cli, common.Int64Ptr(limit), common.Int64Ptr(offset))
			must(t, err)
			if *page.TotalCount != total {
				t.Fatalf("limit %d offset %d: TotalCount = %d, want %d", limit, offset, *page.TotalCount, total)
			}
			if int64(len(page.ApiKeySet)) > limit {
				t.Fatalf("limit %d offset %d: %d keys", limit, offset, len(page.ApiKeySet))
			}
			if len(page.ApiKeySet) == 0 {
				break
			}
			for _, k := range page.ApiKeySet {
				if !autoSecret.MatchString(*k.AccessKeySecret) || *k.Status != 1 {
					t.Fatalf("listed key %s lacks its secret or status", jsonOf(k))
				}
			}
			seen = append(seen, ids(page.ApiKeySet)...)
		}
		// Each key exactly once, in creation order.
		if !slices.Equal(seen, created) {
			t.Errorf("limit %d: pages list %d keys, not the %d created keys in order", limit, len(seen), total)
		}
	}

	page, err := listKeys(cli, nil, nil)
	must(t, err)
	if !slices.Equal(ids(page.ApiKeySet), created[:20]) {
		t.Errorf("default page = %d keys, want the first 20", len(page.ApiKeySet))
	}
	page, err = listKeys(cli, common.Int64Ptr(100), common.Int64Ptr(200))
	must(t, err)
	if !slices.Equal(ids(page.ApiKeySet), created[200:]) {
		t.Errorf("last page = %d keys, want 50", len(page.ApiKeySet))
	}
	page, err = listKeys(cli, nil, common.Int64Ptr(1000))
	must(t, err)
	if page.ApiKeySet == nil || len(page.ApiKeySet) != 0 || *page.TotalCount != total {
		t.Errorf("page past the end = %v keys (total %d), want an empty set", page.ApiKeySet, *page.TotalCount)
	}
}

func TestDescribeApiKeysStatusLimits(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	createAuto(t, cli, "only")

	for _, limit := range []int64{0, -1, 101} {
		_, err := listKeys(cli, common.Int64Ptr(limit), nil)
		wantCode(t, err, "InvalidParameterValue")
	}
	_, err := listKeys(cli, nil, common.Int64Ptr(-1))
	wantCode(t, err, "InvalidParameterValue")
	for _, limit := range []int64{1, 100} {
		page, err := listKeys(cli, common.Int64Ptr(limit), common.Int64Ptr(0))
		must(t, err)
		if len(page.ApiKeySet) != 1 {
			t.Errorf("limit %d: %d keys, want 1", limit, len(page.ApiKeySet))
		}
	}
}

func TestDescribeApiKeysStatusFilters(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	seed := []emulator.Key{
		{AccessKeyID: "alpha_id_1", AccessKeySecret: "alpha_secret_1", AccessKeyType: "manual", SecretName: "alpha", Enabled: true},
		{AccessKeyID: "beta_id_22", AccessKeySecret: "beta_secret_22", AccessKeyType: "manual", SecretName: "beta", BoundToUsagePlan: true},
		{AccessKeyID: "AKIDgammaXYZ", AccessKeySecret: "gamma_secret", SecretName: "gamma-prod", Enabled: true, BoundToUsagePlan: true},
		{AccessKeyID: "delta_id_4", AccessKeySecret: "delta_secret_4", AccessKeyType: "manual", SecretName: "alpha"},
	}
	for _, k := range seed {
		e.emu.PutKey(k)
	}
	const a, b, g, d = "alpha_id_1", "beta_id_22", "AKIDgammaXYZ", "delta_id_4"
	// NotUsagePlanId counts real bindings only: b and g are also marked
	// bound (to a plan the emulator does not list), which is not these.
	e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanID: "usagePlan-12345", UsagePlanName: "p1", AccessKeyIDs: []string{b}})
	e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanID: "usagePlan-other", UsagePlanName: "p2", AccessKeyIDs: []string{g, d}})

	tests := []struct {
		name    string
		filters []*apigw.Filter
		want    []string
	}{
		{"no filter", nil, []string{a, b, g, d}},
		{"AccessKeyId", []*apigw.Filter{filter("AccessKeyId", a)}, []string{a}},
		{"values are OR-ed", []*apigw.Filter{filter("AccessKeyId", d, a)}, []string{a, d}},
		{"AccessKeySecret", []*apigw.Filter{filter("AccessKeySecret", "beta_secret_22")}, []string{b}},
		{"SecretName is exact", []*apigw.Filter{filter("SecretName", "alpha")}, []string{a, d}},
		{"SecretName prefix", []*apigw.Filter{filter("SecretName", "alph")}, nil},
		{"Status enabled", []*apigw.Filter{filter("Status", "1")}, []string{a, g}},
		{"Status disabled", []*apigw.Filter{filter("Status", "0")}, []string{b, d}},
		{"Status either", []*apigw.Filter{filter("Status", "0", "1")}, []string{a, b, g, d}},
		{"NotUsagePlanId", []*apigw.Filter{filter("NotUsagePlanId", "usagePlan-12345")}, []string{a, g, d}},
		{"NotUsagePlanId other", []*apigw.Filter{filter("NotUsagePlanId", "usagePlan-other")}, []string{a, b}},
		{"NotUsagePlanId unknown plan", []*apigw.Filter{filter("NotUsagePlanId", "usagePlan-nothere")}, []string{a, b, g, d}},
		{"NotUsagePlanId values are OR-ed", []*apigw.Filter{filter("NotUsagePlanId", "usagePlan-12345", "usagePlan-other")}, []string{a, b, g, d}},
		{"NotUsagePlanId AND-ed", []*apigw.Filter{filter("NotUsagePlanId", "usagePlan-12345"), filter("NotUsagePlanId", "usagePlan-other")}, []string{a}},
		{"KeyWord in name", []*apigw.Filter{filter("KeyWord", "prod")}, []string{g}},
		{"KeyWord in id", []*apigw.Filter{filter("KeyWord", "_id_")}, []string{a, b, d}},
		{"KeyWord either", []*apigw.Filter{filter("KeyWord", "gamma", "beta")}, []string{b, g}},
		{"filters are AND-ed", []*apigw.Filter{filter("SecretName", "alpha"), filter("Status", "1")}, []string{a}},
		{"a filter without values is ignored", []*apigw.Filter{filter("Status")}, []string{a, b, g, d}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := listKeys(cli, nil, nil, tt.filters...)
			must(t, err)
			if got := ids(page.ApiKeySet); !slices.Equal(got, tt.want) {
				t.Errorf("keys = %v, want %v", got, tt.want)
			}
			if *page.TotalCount != int64(len(tt.want)) {
				t.Errorf("TotalCount = %d, want %d", *page.TotalCount, len(tt.want))
			}
		})
	}

	t.Run("paging applies after filtering", func(t *testing.T) {
		page, err := listKeys(cli, common.Int64Ptr(1), common.Int64Ptr(1), filter("Status", "0"))
		must(t, err)
		if got := ids(page.ApiKeySet); !slices.Equal(got, []string{d}) || *page.TotalCount != 2 {
			t.Errorf("keys = %v total %d, want [%s] total 2", got, *page.TotalCount, d)
		}
	})

	errorCases := []struct {
		name   string
		filter *apigw.Filter
		want   string
	}{
		{"unknown name", filter("UsagePlanId", "x"), "InvalidParameterValue.InvalidFilterNotSupportedName"},
		{"names are case-sensitive", filter("secretName", "alpha"), "InvalidParameterValue.InvalidFilterNotSupportedName"},
		{"unknown name without values", filter("Bogus"), "InvalidParameterValue.InvalidFilterNotSupportedName"},
		{"bad status", filter("Status", "1", "2"), "InvalidParameterValue"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := listKeys(cli, nil, nil, filter("Status", "1"), tt.filter)
			wantCode(t, err, tt.want)
		})
	}
}

// The AccessKeyId filter takes many values at once (one batched read of up
// to 100 keys): values are OR-ed, unknown and repeated values add nothing,
// other filters still apply (AND), and paging counts the matches only.
func TestDescribeApiKeysStatusManyFilterValues(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1, KeyQuota: 1000})
	cli := e.client(t)
	var all []string
	for i := range 250 {
		id := fmt.Sprintf("many_key_%03d", i)
		e.emu.PutKey(emulator.Key{AccessKeyID: id, AccessKeySecret: "many_secret_" + id, AccessKeyType: "manual",
			SecretName: fmt.Sprintf("group-%d", i%3), Enabled: i%2 == 0})
		all = append(all, id)
	}
	// Every other key from the middle: 100 values, listed in reverse.
	var wanted []string
	for i := 50; i < 250; i += 2 {
		wanted = append(wanted, all[i])
	}
	reversed := slices.Clone(wanted)
	slices.Reverse(reversed)
	values := append(append(slices.Clone(reversed), "no_such_key", "many_key_999"), wanted[:5]...)

	page, err := listKeys(cli, common.Int64Ptr(100), nil, filter("AccessKeyId", values...))
	must(t, err)
	if got := ids(page.ApiKeySet); !slices.Equal(got, wanted) || *page.TotalCount != 100 {
		t.Fatalf("100 IDs: got %d keys (total %d), want the %d asked for in creation order", len(got), *page.TotalCount, len(wanted))
	}
	for _, k := range page.ApiKeySet {
		if *k.AccessKeySecret != "many_secret_"+*k.AccessKeyId {
			t.Fatalf("key %s listed without its own secret", *k.AccessKeyId)
		}
	}

	// AND across filters, OR within each: IDs of even index are enabled;
	// group-0 and group-1 names drop a third of them.
	var enabledNamed []string
	for i := 50; i < 250; i += 2 {
		if i%3 != 2 {
			enabledNamed = append(enabledNamed, all[i])
		}
	}
	page, err = listKeys(cli, common.Int64Ptr(100), nil,
		filter("AccessKeyId", values...), filter("Status", "1"), filter("SecretName", "group-0", "group-1"))
	must(t, err)
	if got := ids(page.ApiKeySet); !slices.Equal(got, enabledNamed) || *page.TotalCount != int64(len(enabledNamed)) {
		t.Fatalf("IDs AND status AND names: got %v (total %d), want %v", got, *page.TotalCount, enabledNamed)
	}
	page, err = listKeys(cli, common.Int64Ptr(100), nil, filter("AccessKeyId", values...), filter("Status", "0"))
	must(t, err)
	if len(page.ApiKeySet) != 0 || *page.TotalCount != 0 {
		t.Fatalf("enabled IDs AND Status 0: got %v, want none", ids(page.ApiKeySet))
	}

	// Paging over a many-valued filter: 10 a page, the matches only.
	var paged []string
	for offset := int64(0); offset < 100; offset += 10 {
		page, err = listKeys(cli, common.Int64Ptr(10), common.Int64Ptr(offset), filter("AccessKeyId", values...))
		must(t, err)
		if *page.TotalCount != 100 {
			t.Fatalf("offset %d: TotalCount %d, want 100", offset, *page.TotalCount)
		}
		paged = append(paged, ids(page.ApiKeySet)...)
	}
	if !slices.Equal(paged, wanted) {
		t.Fatalf("paging over 100 IDs: got %d keys, want the %d asked for", len(paged), len(wanted))
	}
}
