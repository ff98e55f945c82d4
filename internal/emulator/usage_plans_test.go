package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

var usagePlanID = regexp.MustCompile(`^usagePlan-[a-z0-9]{8}$`)

// --- helpers: every call goes through the real SDK client ---

func createPlan(t *testing.T, cli *apigw.Client, name string) *apigw.UsagePlanInfo {
	t.Helper()
	p, err := createPlanReq(cli, name, nil, nil, nil)
	must(t, err)
	return p
}

func createPlanReq(cli *apigw.Client, name string, desc *string, maxNum, maxPerSec *int64) (*apigw.UsagePlanInfo, error) {
	req := apigw.NewCreateUsagePlanRequest()
	req.UsagePlanName = common.StringPtr(name)
	req.UsagePlanDesc, req.MaxRequestNum, req.MaxRequestNumPreSec = desc, maxNum, maxPerSec
	resp, err := cli.CreateUsagePlan(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func describePlan(cli *apigw.Client, id string) (*apigw.UsagePlanInfo, error) {
	req := apigw.NewDescribeUsagePlanRequest()
	req.UsagePlanId = common.StringPtr(id)
	resp, err := cli.DescribeUsagePlan(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func deletePlan(cli *apigw.Client, id string) error {
	req := apigw.NewDeleteUsagePlanRequest()
	req.UsagePlanId = common.StringPtr(id)
	resp, err := cli.DeleteUsagePlan(req)
	return checkTrue(resp, err)
}

func bindKeys(cli *apigw.Client, plan string, keys ...string) error {
	req := apigw.NewBindSecretIdsRequest()
	req.UsagePlanId = common.StringPtr(plan)
	req.AccessKeyIds = common.StringPtrs(keys)
	resp, err := cli.BindSecretIds(req)
	return checkTrue(resp, err)
}

func unbindKeys(cli *apigw.Client, plan string, keys ...string) error {
	req := apigw.NewUnBindSecretIdsRequest()
	req.UsagePlanId = common.StringPtr(plan)
	req.AccessKeyIds = common.StringPtrs(keys)
	resp, err := cli.UnBindSecretIds(req)
	return checkTrue(resp, err)
}

func planSecretIDs(cli *apigw.Client, plan string, limit, offset *int64) (*apigw.UsagePlanBindSecretStatus, error) {
	req := apigw.NewDescribeUsagePlanSecretIdsRequest()
	req.UsagePlanId = common.StringPtr(plan)
	req.Limit, req.Offset = limit, offset
	resp, err := cli.DescribeUsagePlanSecretIds(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func listPlans(cli *apigw.Client, limit, offset *int64, filters ...*apigw.Filter) (*apigw.UsagePlansStatus, error) {
	req := apigw.NewDescribeUsagePlansStatusRequest()
	req.Limit, req.Offset, req.Filters = limit, offset, filters
	resp, err := cli.DescribeUsagePlansStatus(req)
	if err != nil {
		return nil, err
	}
	return resp.Response.Result, nil
}

func planIDs(set []*apigw.UsagePlanStatusInfo) []string {
	out := make([]string, len(set))
	for i, p := range set {
		out[i] = *p.UsagePlanId
	}
	return out
}

func boundIDs(set []*apigw.UsagePlanBindSecret) []string {
	out := make([]string, len(set))
	for i, k := range set {
		out[i] = *k.AccessKeyId
	}
	return out
}

// pageIDs pages through a listing, limit items a call from offset 0 until
// an empty page, and returns the IDs it listed in order. Every page must
// report total and hold at most limit items.
func pageIDs(t *testing.T, limit, total int64, page func(limit, offset *int64) (*int64, []string, error)) []string {
	t.Helper()
	var seen []string
	for offset := int64(0); ; offset += limit {
		gotTotal, ids, err := page(common.Int64Ptr(limit), common.Int64Ptr(offset))
		must(t, err)
		if *gotTotal != total || int64(len(ids)) > limit {
			t.Fatalf("limit %d offset %d: TotalCount %d, %d items", limit, offset, *gotTotal, len(ids))
		}
		if len(ids) == 0 {
			return seen
		}
		seen = append(seen, ids...)
	}
}

// seedKeys puts n enabled manual keys named prefix_NNN and returns their IDs.
func seedKeys(e *env, prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s_%03d", prefix, i)
		e.emu.PutKey(emulator.Key{AccessKeyID: ids[i], AccessKeySecret: "secret_" + ids[i], AccessKeyType: emulator.KeyTypeManual,
			SecretName: "name-" + ids[i], Enabled: true})
	}
	return ids
}

// bound returns the plan's bindings as the emulator holds them.
func bound(t *testing.T, e *env, plan string) []string {
	t.Helper()
	p, ok := e.emu.UsagePlan(plan)
	if !ok {
		t.Fatalf("plan %s not found", plan)
	}
	return p.AccessKeyIDs
}

// --- plans ---

func TestCreateUsagePlan(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	created := clk.Now().UTC().Format(isoTime)

	p := createPlan(t, cli, "basic")
	if !usagePlanID.MatchString(*p.UsagePlanId) {
		t.Errorf("UsagePlanId %q does not look like usagePlan-xxxxxxxx", *p.UsagePlanId)
	}
	if *p.UsagePlanName != "basic" || *p.UsagePlanDesc != "" || *p.MaxRequestNum != -1 || *p.MaxRequestNumPreSec != -1 ||
		*p.CreatedTime != created || *p.ModifiedTime != created {
		t.Errorf("created plan = %s; want defaults -1/-1 and times %s", jsonOf(p), created)
	}

	full, err := createPlanReq(cli, "full", common.StringPtr("a plan"), common.Int64Ptr(99999999), common.Int64Ptr(2000))
	must(t, err)
	if *full.UsagePlanDesc != "a plan" || *full.MaxRequestNum != 99999999 || *full.MaxRequestNumPreSec != 2000 || *full.UsagePlanId == *p.UsagePlanId {
		t.Errorf("created plan = %s", jsonOf(full))
	}
	_, err = createPlanReq(cli, "lowest", nil, common.Int64Ptr(1), common.Int64Ptr(1))
	must(t, err)
	_, err = createPlanReq(cli, "basic", nil, common.Int64Ptr(-1), common.Int64Ptr(-1)) // names need not be unique
	must(t, err)

	got, err := describePlan(cli, *full.UsagePlanId)
	must(t, err)
	if *got.UsagePlanName != "full" || *got.UsagePlanDesc != "a plan" || *got.MaxRequestNum != 99999999 || *got.CreatedTime != created ||
		got.BindSecretIds == nil || len(got.BindSecretIds) != 0 || *got.BindSecretIdTotalCount != 0 ||
		got.BindEnvironments == nil || len(got.BindEnvironments) != 0 || *got.BindEnvironmentTotalCount != 0 {
		t.Errorf("DescribeUsagePlan = %s; want the plan with empty bindings", jsonOf(got))
	}
	stored, ok := e.emu.UsagePlan(*full.UsagePlanId)
	if !ok || stored.UsagePlanName != "full" || !stored.CreatedTime.Equal(clk.Now()) || len(stored.AccessKeyIDs) != 0 {
		t.Errorf("stored plan = %+v, %v", stored, ok)
	}
	if n := len(e.emu.UsagePlans()); n != 4 {
		t.Errorf("%d plans, want 4", n)
	}
	if c := e.emu.Calls()[0]; c.Action != "CreateUsagePlan" || c.UsagePlanID != *p.UsagePlanId {
		t.Errorf("call log = %+v, want the created plan's ID", c)
	}
}

func TestCreateUsagePlanErrors(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	i64 := common.Int64Ptr
	tests := []struct {
		name              string
		planName          string
		maxNum, maxPerSec *int64
		want              string
	}{
		{"no name", "", nil, nil, "MissingParameter"},
		{"MaxRequestNum 0", "p", i64(0), nil, "InvalidParameterValue.InvalidMaxRequestNum"},
		{"MaxRequestNum -2", "p", i64(-2), nil, "InvalidParameterValue.InvalidMaxRequestNum"},
		{"MaxRequestNum too big", "p", i64(100000000), nil, "InvalidParameterValue.InvalidMaxRequestNum"},
		{"MaxRequestNumPreSec 0", "p", nil, i64(0), "InvalidParameterValue.InvalidMaxRequestNum"},
		{"MaxRequestNumPreSec too big", "p", nil, i64(2001), "InvalidParameterValue.InvalidMaxRequestNum"},
		{"MaxRequestNumPreSec -5", "p", i64(10), i64(-5), "InvalidParameterValue.InvalidMaxRequestNum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := createPlanReq(cli, tt.planName, nil, tt.maxNum, tt.maxPerSec)
			wantCode(t, err, tt.want)
		})
	}
	_, err := e.commonCall(t, emulator.APIVersion, "CreateUsagePlan", map[string]any{"UsagePlanName": "p", "UsagePlanId": "usagePlan-aaaaaaaa"})
	wantCode(t, err, "UnknownParameter")
	if n := len(e.emu.UsagePlans()); n != 0 {
		t.Errorf("rejected creates made %d plans", n)
	}
}

func TestUsagePlanQuota(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	for i := range emulator.DefaultUsagePlanQuota {
		if _, err := createPlanReq(cli, fmt.Sprintf("plan-%03d", i), nil, nil, nil); err != nil {
			t.Fatalf("plan %d: %v", i+1, err)
		}
	}
	_, err := createPlanReq(cli, "one too many", nil, nil, nil)
	wantCode(t, err, "LimitExceeded.UsagePlanLimitExceeded")
	if n := len(e.emu.UsagePlans()); n != emulator.DefaultUsagePlanQuota {
		t.Errorf("%d plans, want %d", n, emulator.DefaultUsagePlanQuota)
	}

	// A deleted plan frees its place; a lower quota keeps existing plans.
	must(t, deletePlan(cli, e.emu.UsagePlans()[0].UsagePlanID))
	createPlan(t, cli, "in the freed place")
	e.emu.SetUsagePlanQuotas(emulator.UsagePlanQuotas{Plans: 3})
	_, err = createPlanReq(cli, "over the lower quota", nil, nil, nil)
	wantCode(t, err, "LimitExceeded.UsagePlanLimitExceeded")
	if n := len(e.emu.UsagePlans()); n != emulator.DefaultUsagePlanQuota {
		t.Errorf("%d plans after lowering the quota, want %d", n, emulator.DefaultUsagePlanQuota)
	}
}

func TestModifyUsagePlan(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now, RateLimit: -1})
	cli := e.client(t)
	p, err := createPlanReq(cli, "before", common.StringPtr("desc"), common.Int64Ptr(100), common.Int64Ptr(10))
	must(t, err)
	id := *p.UsagePlanId
	created := *p.CreatedTime

	modify := func(name, desc *string, maxNum, maxPerSec *int64) (*apigw.UsagePlanInfo, error) {
		req := apigw.NewModifyUsagePlanRequest()
		req.UsagePlanId = common.StringPtr(id)
		req.UsagePlanName, req.UsagePlanDesc, req.MaxRequestNum, req.MaxRequestNumPreSec = name, desc, maxNum, maxPerSec
		resp, err := cli.ModifyUsagePlan(req)
		if err != nil {
			return nil, err
		}
		return resp.Response.Result, nil
	}

	clk.Advance(time.Minute)
	modified := clk.Now().UTC().Format(isoTime)
	got, err := modify(common.StringPtr("after"), nil, common.Int64Ptr(-1), nil)
	must(t, err)
	if *got.UsagePlanName != "after" || *got.UsagePlanDesc != "desc" || *got.MaxRequestNum != -1 || *got.MaxRequestNumPreSec != 10 ||
		*got.CreatedTime != created || *got.ModifiedTime != modified {
		t.Errorf("after modify = %s; absent fields must keep their values, ModifiedTime %s", jsonOf(got), modified)
	}
	described, err := describePlan(cli, id)
	must(t, err)
	if *described.UsagePlanName != "after" || *described.ModifiedTime != modified {
		t.Errorf("DescribeUsagePlan after modify = %s", jsonOf(described))
	}

	// Clearing the description; the same values again change nothing.
	clk.Advance(time.Minute)
	got, err = modify(nil, common.StringPtr(""), nil, common.Int64Ptr(2000))
	must(t, err)
	if *got.UsagePlanDesc != "" || *got.MaxRequestNumPreSec != 2000 || *got.ModifiedTime != clk.Now().UTC().Format(isoTime) {
		t.Errorf("after clearing desc = %s", jsonOf(got))
	}
	unchangedAt := *got.ModifiedTime
	clk.Advance(time.Minute)
	got, err = modify(common.StringPtr("after"), common.StringPtr(""), common.Int64Ptr(-1), common.Int64Ptr(2000))
	must(t, err)
	if *got.ModifiedTime != unchangedAt {
		t.Errorf("a modify that changes nothing moved ModifiedTime to %s", *got.ModifiedTime)
	}

	_, err = modify(common.StringPtr(""), nil, nil, nil)
	wantCode(t, err, "InvalidParameter.FormatError")
	_, err = modify(nil, nil, common.Int64Ptr(0), nil)
	wantCode(t, err, "InvalidParameterValue.InvalidMaxRequestNum")
	_, err = modify(nil, nil, nil, common.Int64Ptr(2001))
	wantCode(t, err, "InvalidParameterValue.InvalidMaxRequestNum")
	if stored, _ := e.emu.UsagePlan(id); stored.UsagePlanName != "after" || stored.MaxRequestNumPreSec != 2000 {
		t.Errorf("rejected modifies changed the plan: %+v", stored)
	}
	id = "usagePlan-nothere"
	_, err = modify(common.StringPtr("x"), nil, nil, nil)
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")
	_, err = cli.ModifyUsagePlan(apigw.NewModifyUsagePlanRequest())
	wantCode(t, err, "MissingParameter")
}

func TestDescribeAndDeleteUsagePlanErrors(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	_, err := describePlan(cli, "usagePlan-nothere")
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")
	_, err = cli.DescribeUsagePlan(apigw.NewDescribeUsagePlanRequest())
	wantCode(t, err, "MissingParameter")
	wantCode(t, deletePlan(cli, "usagePlan-nothere"), "ResourceNotFound.InvalidUsagePlan")
	_, err = cli.DeleteUsagePlan(apigw.NewDeleteUsagePlanRequest())
	wantCode(t, err, "MissingParameter")
}

// Deleting a plan drops its bindings: its keys are free again.
func TestDeleteUsagePlanDropsBindings(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "del", 2)
	doomed, kept := *createPlan(t, cli, "doomed").UsagePlanId, *createPlan(t, cli, "kept").UsagePlanId
	must(t, bindKeys(cli, doomed, keys...))
	must(t, bindKeys(cli, kept, keys[1]))

	must(t, deletePlan(cli, doomed))
	_, err := describePlan(cli, doomed)
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")
	wantCode(t, deletePlan(cli, doomed), "ResourceNotFound.InvalidUsagePlan")
	if k, _ := e.emu.Key(keys[0]); k.BoundToUsagePlan {
		t.Errorf("key %s still bound after its only plan was deleted", keys[0])
	}
	if k, _ := e.emu.Key(keys[1]); !k.BoundToUsagePlan {
		t.Errorf("key %s lost its binding to another plan", keys[1])
	}
	if got := bound(t, e, kept); !slices.Equal(got, keys[1:]) {
		t.Errorf("the other plan's bindings = %v", got)
	}
}

func TestDescribeUsagePlansStatus(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1, UsagePlanQuotas: emulator.UsagePlanQuotas{Plans: 300}})
	cli := e.client(t)
	const total = 250
	var created []string
	for i := range total {
		p, err := createPlanReq(cli, fmt.Sprintf("plan-%03d", i), common.StringPtr("d"), common.Int64Ptr(int64(i+1)), nil)
		must(t, err)
		created = append(created, *p.UsagePlanId)
	}

	for _, limit := range []int64{100, 7} {
		seen := pageIDs(t, limit, total, func(limit, offset *int64) (*int64, []string, error) {
			page, err := listPlans(cli, limit, offset)
			if err != nil {
				return nil, nil, err
			}
			return page.TotalCount, planIDs(page.UsagePlanStatusSet), nil
		})
		if !slices.Equal(seen, created) {
			t.Errorf("limit %d: pages list %d plans, not the %d created in order", limit, len(seen), total)
		}
	}
	page, err := listPlans(cli, nil, nil)
	must(t, err)
	if !slices.Equal(planIDs(page.UsagePlanStatusSet), created[:20]) {
		t.Errorf("default page = %d plans, want the first 20", len(page.UsagePlanStatusSet))
	}
	first := page.UsagePlanStatusSet[0]
	if *first.UsagePlanName != "plan-000" || *first.UsagePlanDesc != "d" || *first.MaxRequestNum != 1 || *first.MaxRequestNumPreSec != -1 ||
		*first.CreatedTime == "" || *first.ModifiedTime == "" {
		t.Errorf("listed plan = %s", jsonOf(first))
	}
	page, err = listPlans(cli, nil, common.Int64Ptr(1000))
	must(t, err)
	if page.UsagePlanStatusSet == nil || len(page.UsagePlanStatusSet) != 0 || *page.TotalCount != total {
		t.Errorf("page past the end = %v (total %d), want an empty set", page.UsagePlanStatusSet, *page.TotalCount)
	}
	for _, limit := range []int64{0, 101} {
		_, err := listPlans(cli, common.Int64Ptr(limit), nil)
		wantCode(t, err, "InvalidParameterValue")
	}
	_, err = listPlans(cli, nil, common.Int64Ptr(-1))
	wantCode(t, err, "InvalidParameterValue")

	tests := []struct {
		name    string
		filters []*apigw.Filter
		want    []string
	}{
		{"UsagePlanId", []*apigw.Filter{filter("UsagePlanId", created[3], created[1])}, []string{created[1], created[3]}},
		{"UsagePlanName is exact", []*apigw.Filter{filter("UsagePlanName", "plan-007")}, []string{created[7]}},
		{"UsagePlanName prefix", []*apigw.Filter{filter("UsagePlanName", "plan-00")}, nil},
		{"KeyWord in name", []*apigw.Filter{filter("KeyWord", "plan-24")}, created[240:250]},
		{"KeyWord in ID", []*apigw.Filter{filter("KeyWord", strings.TrimPrefix(created[5], "usagePlan-"))}, []string{created[5]}},
		{"filters are AND-ed", []*apigw.Filter{filter("KeyWord", "plan-00"), filter("UsagePlanName", "plan-003", "plan-100")}, []string{created[3]}},
		{"no plan is bound to a service", []*apigw.Filter{filter("NotServiceId", "service-1"), filter("UsagePlanId", created[9])}, []string{created[9]}},
		{"no plan is bound to an environment", []*apigw.Filter{filter("Environment", "release")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := listPlans(cli, common.Int64Ptr(100), nil, tt.filters...)
			must(t, err)
			if got := planIDs(page.UsagePlanStatusSet); !slices.Equal(got, tt.want) {
				t.Errorf("plans = %v, want %v", got, tt.want)
			}
			if *page.TotalCount != int64(len(tt.want)) {
				t.Errorf("TotalCount = %d, want %d", *page.TotalCount, len(tt.want))
			}
		})
	}
	_, err = listPlans(cli, nil, nil, filter("SecretName", "x"))
	wantCode(t, err, "InvalidParameterValue.InvalidFilterNotSupportedName")
}

// --- bindings ---

func TestBindSecretIds(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "bind", 3)
	must(t, disableKey(cli, keys[2])) // a disabled key binds too
	plan := *createPlan(t, cli, "p").UsagePlanId

	must(t, bindKeys(cli, plan, keys[1], keys[0]))
	must(t, bindKeys(cli, plan, keys[2]))
	want := []string{keys[1], keys[0], keys[2]} // bind order
	got, err := describePlan(cli, plan)
	must(t, err)
	if ids := common.StringValues(got.BindSecretIds); !slices.Equal(ids, want) || *got.BindSecretIdTotalCount != 3 {
		t.Errorf("BindSecretIds = %v (total %d), want %v", ids, *got.BindSecretIdTotalCount, want)
	}
	list, err := planSecretIDs(cli, plan, nil, nil)
	must(t, err)
	if ids := boundIDs(list.AccessKeyList); !slices.Equal(ids, want) || *list.TotalCount != 3 {
		t.Errorf("DescribeUsagePlanSecretIds = %v (total %d), want %v", ids, *list.TotalCount, want)
	}
	for _, k := range list.AccessKeyList {
		wantStatus := int64(1)
		if *k.AccessKeyId == keys[2] {
			wantStatus = 0
		}
		if *k.SecretName != "name-"+*k.AccessKeyId || *k.Status != wantStatus {
			t.Errorf("listed binding = %s", jsonOf(k))
		}
	}
	for _, id := range keys {
		if k, _ := e.emu.Key(id); !k.BoundToUsagePlan {
			t.Errorf("key %s not reported bound", id)
		}
	}
	if c := e.emu.Calls(); c[len(c)-3].Action != "BindSecretIds" || c[len(c)-3].UsagePlanID != plan || c[len(c)-3].AccessKeyID != keys[2] {
		t.Errorf("call log of a one-key bind = %+v", c[len(c)-3])
	}
}

// A bind fails as a whole: when one of its keys cannot be bound, none is.
func TestBindSecretIdsErrorsBindNothing(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "err", 3)
	plan := *createPlan(t, cli, "p").UsagePlanId
	must(t, bindKeys(cli, plan, keys[0]))

	tests := []struct {
		name string
		plan string
		keys []string
		want string
	}{
		{"plan not found", "usagePlan-nothere", keys[1:2], "ResourceNotFound.InvalidUsagePlan"},
		{"key not found among good ones", plan, []string{keys[1], "no_such_key", keys[2]}, "ResourceNotFound.InvalidAccessKeyId"},
		{"key already bound among new ones", plan, []string{keys[1], keys[0], keys[2]}, "UnsupportedOperation.UnsupportedBindApiKey"},
		{"key named twice", plan, []string{keys[1], keys[1]}, "InvalidParameterValue.InvalidAccessKeyIds"},
		{"empty key ID", plan, []string{keys[1], ""}, "InvalidParameterValue.InvalidAccessKeyIds"},
		{"no keys", plan, []string{}, "InvalidParameterValue.InvalidAccessKeyIds"},
		{"no keys parameter", plan, nil, "MissingParameter"},
		{"no plan parameter", "", keys[1:2], "MissingParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := apigw.NewBindSecretIdsRequest()
			if tt.plan != "" {
				req.UsagePlanId = common.StringPtr(tt.plan)
			}
			if tt.keys != nil {
				req.AccessKeyIds = common.StringPtrs(tt.keys)
			}
			_, err := cli.BindSecretIds(req)
			wantCode(t, err, tt.want)
			if got := bound(t, e, plan); !slices.Equal(got, keys[:1]) {
				t.Errorf("bindings after a failed bind = %v, want only %s", got, keys[0])
			}
		})
	}
	// The empty array is sent as such (the SDK would drop a nil slice).
	_, err := e.commonCall(t, emulator.APIVersion, "BindSecretIds", map[string]any{"UsagePlanId": plan, "AccessKeyIds": []string{}})
	wantCode(t, err, "InvalidParameterValue.InvalidAccessKeyIds")
}

func TestBindQuotas(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)

	t.Run("keys per plan", func(t *testing.T) {
		keys := seedKeys(e, "perplan", emulator.DefaultKeysPerUsagePlan+1)
		plan := *createPlan(t, cli, "full").UsagePlanId
		must(t, bindKeys(cli, plan, keys[:emulator.DefaultKeysPerUsagePlan-1]...)) // 49 in one call
		// Two more would make 51: the call fails whole, neither is bound.
		err := bindKeys(cli, plan, keys[emulator.DefaultKeysPerUsagePlan-1:]...)
		wantCode(t, err, "LimitExceeded.AccessKeyCountInUsagePlanLimitExceeded")
		if n := len(bound(t, e, plan)); n != emulator.DefaultKeysPerUsagePlan-1 {
			t.Fatalf("%d keys bound after the failed bind, want %d", n, emulator.DefaultKeysPerUsagePlan-1)
		}
		must(t, bindKeys(cli, plan, keys[emulator.DefaultKeysPerUsagePlan-1])) // the 50th
		err = bindKeys(cli, plan, keys[emulator.DefaultKeysPerUsagePlan])
		wantCode(t, err, "LimitExceeded.AccessKeyCountInUsagePlanLimitExceeded")
		// Unbinding frees a place.
		must(t, unbindKeys(cli, plan, keys[0]))
		must(t, bindKeys(cli, plan, keys[emulator.DefaultKeysPerUsagePlan]))
	})

	t.Run("plans per key", func(t *testing.T) {
		keys := seedKeys(e, "perkey", 2)
		var plans []string
		for i := range emulator.DefaultUsagePlansPerKey + 1 {
			plans = append(plans, *createPlan(t, cli, fmt.Sprintf("pk-%d", i)).UsagePlanId)
		}
		for _, p := range plans[:emulator.DefaultUsagePlansPerKey] {
			must(t, bindKeys(cli, p, keys[0]))
		}
		last := plans[emulator.DefaultUsagePlansPerKey]
		// keys[1] could be bound, keys[0] is at its limit: neither is.
		err := bindKeys(cli, last, keys[1], keys[0])
		wantCode(t, err, "UnsupportedOperation.AlreadyBindUsagePlan")
		if got := bound(t, e, last); len(got) != 0 {
			t.Fatalf("bindings after the failed bind = %v, want none", got)
		}
		must(t, bindKeys(cli, last, keys[1]))
		must(t, unbindKeys(cli, plans[0], keys[0]))
		must(t, bindKeys(cli, last, keys[0]))
	})

	t.Run("configurable", func(t *testing.T) {
		e := start(t, emulator.Options{UsagePlanQuotas: emulator.UsagePlanQuotas{KeysPerPlan: 2, PlansPerKey: 1}})
		cli := e.client(t)
		keys := seedKeys(e, "small", 3)
		p1, p2 := *createPlan(t, cli, "p1").UsagePlanId, *createPlan(t, cli, "p2").UsagePlanId
		wantCode(t, bindKeys(cli, p1, keys...), "LimitExceeded.AccessKeyCountInUsagePlanLimitExceeded")
		must(t, bindKeys(cli, p1, keys[0]))
		wantCode(t, bindKeys(cli, p2, keys[0]), "UnsupportedOperation.AlreadyBindUsagePlan")
	})
}

func TestUnBindSecretIds(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "unbind", 4)
	plan := *createPlan(t, cli, "p").UsagePlanId
	must(t, bindKeys(cli, plan, keys[:3]...))

	// Failures unbind nothing.
	wantCode(t, unbindKeys(cli, plan, keys[0], keys[3]), "ResourceNotFound.InvalidAccessKeyId") // keys[3] is not bound
	wantCode(t, unbindKeys(cli, plan, keys[0], "no_such_key"), "ResourceNotFound.InvalidAccessKeyId")
	wantCode(t, unbindKeys(cli, "usagePlan-nothere", keys[0]), "ResourceNotFound.InvalidUsagePlan")
	wantCode(t, unbindKeys(cli, plan, keys[0], keys[0]), "InvalidParameterValue.InvalidAccessKeyIds")
	_, err := cli.UnBindSecretIds(apigw.NewUnBindSecretIdsRequest())
	wantCode(t, err, "MissingParameter")
	if got := bound(t, e, plan); !slices.Equal(got, keys[:3]) {
		t.Fatalf("bindings after failed unbinds = %v", got)
	}

	must(t, unbindKeys(cli, plan, keys[2], keys[0]))
	if got := bound(t, e, plan); !slices.Equal(got, keys[1:2]) {
		t.Errorf("bindings = %v, want [%s]", got, keys[1])
	}
	if k, _ := e.emu.Key(keys[0]); k.BoundToUsagePlan {
		t.Error("an unbound key is still reported bound")
	}
	// Unbinding again: the key is no longer bound to the plan.
	wantCode(t, unbindKeys(cli, plan, keys[0]), "ResourceNotFound.InvalidAccessKeyId")
}

func TestDescribeUsagePlanSecretIdsPaging(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "page", emulator.DefaultKeysPerUsagePlan)
	plan := *createPlan(t, cli, "p").UsagePlanId
	must(t, bindKeys(cli, plan, keys...))

	seen := pageIDs(t, 7, int64(len(keys)), func(limit, offset *int64) (*int64, []string, error) {
		page, err := planSecretIDs(cli, plan, limit, offset)
		if err != nil {
			return nil, nil, err
		}
		return page.TotalCount, boundIDs(page.AccessKeyList), nil
	})
	if !slices.Equal(seen, keys) {
		t.Errorf("pages list %d keys, want the %d bound in order", len(seen), len(keys))
	}
	page, err := planSecretIDs(cli, plan, nil, nil)
	must(t, err)
	if !slices.Equal(boundIDs(page.AccessKeyList), keys[:20]) {
		t.Errorf("default page = %d keys, want the first 20", len(page.AccessKeyList))
	}
	page, err = planSecretIDs(cli, plan, common.Int64Ptr(100), nil)
	must(t, err)
	if !slices.Equal(boundIDs(page.AccessKeyList), keys) {
		t.Errorf("a page of 100 = %d keys, want all %d", len(page.AccessKeyList), len(keys))
	}

	empty := *createPlan(t, cli, "empty").UsagePlanId
	page, err = planSecretIDs(cli, empty, nil, nil)
	must(t, err)
	if page.AccessKeyList == nil || len(page.AccessKeyList) != 0 || *page.TotalCount != 0 {
		t.Errorf("an empty plan's keys = %s", jsonOf(page))
	}
	for _, limit := range []int64{0, 101} {
		_, err = planSecretIDs(cli, plan, common.Int64Ptr(limit), nil)
		wantCode(t, err, "InvalidParameterValue")
	}
	_, err = planSecretIDs(cli, plan, nil, common.Int64Ptr(-1))
	wantCode(t, err, "InvalidParameterValue")
	_, err = planSecretIDs(cli, "usagePlan-nothere", nil, nil)
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")
}

func TestDescribeUsagePlanEnvironments(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	plan := *createPlan(t, cli, "p").UsagePlanId
	envs := func(id string, bindType *string, limit *int64) (*apigw.UsagePlanEnvironmentStatus, error) {
		req := apigw.NewDescribeUsagePlanEnvironmentsRequest()
		req.UsagePlanId, req.BindType, req.Limit = common.StringPtr(id), bindType, limit
		resp, err := cli.DescribeUsagePlanEnvironments(req)
		if err != nil {
			return nil, err
		}
		return resp.Response.Result, nil
	}
	for _, bindType := range []*string{nil, common.StringPtr("SERVICE"), common.StringPtr("API")} {
		got, err := envs(plan, bindType, nil)
		must(t, err)
		if *got.TotalCount != 0 || got.EnvironmentList == nil || len(got.EnvironmentList) != 0 {
			t.Errorf("BindType %v: %s, want no environments", bindType, jsonOf(got))
		}
	}
	_, err := envs(plan, common.StringPtr("service"), nil)
	wantCode(t, err, "InvalidParameterValue")
	_, err = envs(plan, nil, common.Int64Ptr(101))
	wantCode(t, err, "InvalidParameterValue")
	_, err = envs("usagePlan-nothere", nil, nil)
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")
}

// --- keys and bindings ---

// DeleteApiKey refuses a key bound to any plan, by the API or out of band.
func TestDeleteApiKeyOfBoundKey(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	id := *createAuto(t, cli, "bound").AccessKeyId
	must(t, disableKey(cli, id))
	p1, p2 := *createPlan(t, cli, "p1").UsagePlanId, *createPlan(t, cli, "p2").UsagePlanId
	must(t, bindKeys(cli, p1, id))
	must(t, bindKeys(cli, p2, id))

	wantCode(t, deleteKey(cli, id), "UnsupportedOperation.ResourceIsInUse")
	must(t, unbindKeys(cli, p1, id))
	wantCode(t, deleteKey(cli, id), "UnsupportedOperation.ResourceIsInUse") // still bound to p2
	if !e.emu.UnbindKey(p2, id) || e.emu.UnbindKey(p2, id) {
		t.Fatal("UnbindKey should report true, then false")
	}
	must(t, deleteKey(cli, id))
	if _, ok := e.emu.Key(id); ok {
		t.Error("key still present after DeleteApiKey")
	}

	// A key bound out of band is in use too.
	other := *createAuto(t, cli, "other").AccessKeyId
	must(t, disableKey(cli, other))
	if !e.emu.BindKey(p1, other) {
		t.Fatal("BindKey reported a missing plan or key")
	}
	wantCode(t, deleteKey(cli, other), "UnsupportedOperation.ResourceIsInUse")
	must(t, deletePlan(cli, p1))
	must(t, deleteKey(cli, other))
}

// BoundToUsagePlan is derived from the bindings, OR-ed with the mark of
// SetKeyBoundToUsagePlan (a plan the emulator does not list).
func TestBoundToUsagePlanDerivesFromBindings(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	keys := seedKeys(e, "derive", 2)
	plan := *createPlan(t, cli, "p").UsagePlanId
	isBound := func(id string) bool {
		t.Helper()
		k, ok := e.emu.Key(id)
		if !ok {
			t.Fatalf("key %s missing", id)
		}
		return k.BoundToUsagePlan
	}

	must(t, bindKeys(cli, plan, keys[0]))
	if !isBound(keys[0]) || isBound(keys[1]) {
		t.Fatal("bound flags do not follow BindSecretIds")
	}
	// Writing back a key read while bound does not make the binding stick.
	k, _ := e.emu.Key(keys[0])
	k.SecretName = "renamed"
	e.emu.PutKey(k)
	must(t, unbindKeys(cli, plan, keys[0]))
	if isBound(keys[0]) {
		t.Error("a key written back while bound stays bound after its unbind")
	}

	// The mark alone: bound, but to no listed plan.
	e.emu.SetKeyBoundToUsagePlan(keys[1], true)
	if !isBound(keys[1]) {
		t.Error("SetKeyBoundToUsagePlan(true) did not mark the key bound")
	}
	page, err := planSecretIDs(cli, plan, nil, nil)
	must(t, err)
	if *page.TotalCount != 0 {
		t.Errorf("a marked key is listed by a plan: %s", jsonOf(page))
	}
	// false unbinds from every plan, listed or not.
	must(t, bindKeys(cli, plan, keys[1]))
	e.emu.SetKeyBoundToUsagePlan(keys[1], false)
	if isBound(keys[1]) || len(bound(t, e, plan)) != 0 {
		t.Errorf("SetKeyBoundToUsagePlan(false) left bindings: %v", bound(t, e, plan))
	}

	// The control endpoint shows the derived flag.
	e.emu.BindKey(plan, keys[0])
	resp, err := http.Get(e.ts.URL + emulator.ControlKeys)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var views []emulator.KeyView
	must(t, json.Unmarshal(body, &views))
	if len(views) != 2 || !views[0].BoundToUsagePlan || views[1].BoundToUsagePlan {
		t.Errorf("/_emulator/keys = %s; want %s bound and %s not", body, keys[0], keys[1])
	}
}

func TestUsagePlanControls(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	keys := seedKeys(e, "ctl", 2)

	p := e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "seeded", AccessKeyIDs: []string{keys[1], "no_such_key", keys[1], keys[0]}})
	if !usagePlanID.MatchString(p.UsagePlanID) || p.MaxRequestNum != -1 || p.MaxRequestNumPreSec != -1 ||
		!p.CreatedTime.Equal(clk.Now()) || !p.ModifiedTime.Equal(clk.Now()) || !slices.Equal(p.AccessKeyIDs, []string{keys[1], keys[0]}) {
		t.Errorf("PutUsagePlan = %+v", p)
	}
	got, err := describePlan(cli, p.UsagePlanID)
	must(t, err)
	if *got.UsagePlanName != "seeded" || !slices.Equal(common.StringValues(got.BindSecretIds), []string{keys[1], keys[0]}) {
		t.Errorf("DescribeUsagePlan of a seeded plan = %s", jsonOf(got))
	}
	// Overwriting keeps the listing position; a copy does not alias the store.
	fixed := time.Date(2020, 2, 26, 6, 9, 44, 0, time.UTC)
	second := e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanID: "usagePlan-second1", UsagePlanName: "second", CreatedTime: fixed})
	p.UsagePlanName = "renamed"
	e.emu.PutUsagePlan(p)
	if plans := e.emu.UsagePlans(); len(plans) != 2 || plans[0].UsagePlanName != "renamed" || plans[1].UsagePlanID != "usagePlan-second1" ||
		!plans[1].ModifiedTime.Equal(fixed) || second.UsagePlanID != "usagePlan-second1" {
		t.Errorf("plans = %+v", plans)
	}
	copied, _ := e.emu.UsagePlan(p.UsagePlanID)
	copied.AccessKeyIDs[0] = "changed"
	if again, _ := e.emu.UsagePlan(p.UsagePlanID); again.AccessKeyIDs[0] != keys[1] {
		t.Error("UsagePlan returned the stored bindings, not a copy")
	}

	if e.emu.BindKey("usagePlan-nothere", keys[0]) || e.emu.BindKey(p.UsagePlanID, "no_such_key") {
		t.Error("BindKey reported success for a missing plan or key")
	}
	for range 2 {
		if !e.emu.BindKey(second.UsagePlanID, keys[0]) {
			t.Error("BindKey reported a missing plan or key")
		}
	}
	if got := bound(t, e, second.UsagePlanID); !slices.Equal(got, keys[:1]) {
		t.Errorf("bindings after binding twice = %v, want one", got)
	}

	// A key deleted out of band leaves no binding behind.
	if !e.emu.DeleteKey(keys[0]) {
		t.Fatal("DeleteKey reported a missing key")
	}
	if got := bound(t, e, p.UsagePlanID); !slices.Equal(got, keys[1:2]) {
		t.Errorf("bindings after DeleteKey = %v", got)
	}
	if len(bound(t, e, second.UsagePlanID)) != 0 {
		t.Error("the deleted key is still bound to the second plan")
	}

	resp, err := http.Get(e.ts.URL + emulator.ControlUsagePlans)
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var listed []emulator.UsagePlan
	if err := json.Unmarshal(body, &listed); err != nil || len(listed) != 2 || listed[0].UsagePlanID != p.UsagePlanID ||
		!slices.Equal(listed[0].AccessKeyIDs, keys[1:2]) || !strings.Contains(string(body), `"AccessKeyIds"`) {
		t.Errorf("GET %s = %s", emulator.ControlUsagePlans, body)
	}

	if !e.emu.DeleteUsagePlan(second.UsagePlanID) || e.emu.DeleteUsagePlan(second.UsagePlanID) {
		t.Error("DeleteUsagePlan should report true, then false")
	}
	_, err = describePlan(cli, second.UsagePlanID)
	wantCode(t, err, "ResourceNotFound.InvalidUsagePlan")

	e.emu.SetKeyBoundToUsagePlan(keys[1], true)
	e.emu.ResetUsagePlans()
	if n := len(e.emu.UsagePlans()); n != 0 {
		t.Errorf("%d plans after ResetUsagePlans", n)
	}
	if k, _ := e.emu.Key(keys[1]); !k.BoundToUsagePlan {
		t.Error("ResetUsagePlans cleared the mark of SetKeyBoundToUsagePlan")
	}
	if n := len(e.emu.Calls()); n != 2 {
		t.Errorf("%d calls logged, want only the 2 API calls", n)
	}
}

// The usage-plan actions share the dispatch: per-action rate limits and
// seeded faults apply to them as to every action.
func TestUsagePlanActionsShareDispatch(t *testing.T) {
	t.Parallel()
	for _, a := range []string{"CreateUsagePlan", "DescribeUsagePlan", "ModifyUsagePlan", "DeleteUsagePlan", "DescribeUsagePlansStatus",
		"BindSecretIds", "UnBindSecretIds", "DescribeUsagePlanSecretIds", "DescribeUsagePlanEnvironments"} {
		if !slices.Contains(emulator.Actions(), a) {
			t.Errorf("Actions() lacks %s", a)
		}
	}

	t.Run("rate limit", func(t *testing.T) {
		clk := newClock()
		e := start(t, emulator.Options{Now: clk.Now})
		cli := e.client(t)
		plan := *createPlan(t, cli, "p").UsagePlanId
		for i := range emulator.DefaultRateLimit + 1 {
			want := ""
			if i >= emulator.DefaultRateLimit {
				want = "RequestLimitExceeded"
			}
			_, err := describePlan(cli, plan)
			if got := errCode(err); got != want {
				t.Fatalf("call %d: code %q, want %q", i+1, got, want)
			}
		}
		_, err := planSecretIDs(cli, plan, nil, nil) // its own budget
		must(t, err)
	})

	t.Run("commit error performs the bind", func(t *testing.T) {
		e := start(t, emulator.Options{RateLimit: -1})
		cli := e.client(t)
		keys := seedKeys(e, "fault", 2)
		plan := *createPlan(t, cli, "p").UsagePlanId
		e.emu.SetFaults(emulator.Faults{Seed: 3, CommitErrorRate: 1, Actions: []string{"BindSecretIds"}})
		err := bindKeys(cli, plan, keys...)
		if err == nil {
			t.Fatal("a commit fault answered success")
		}
		if got := bound(t, e, plan); !slices.Equal(got, keys) {
			t.Errorf("bindings = %v, want the keys bound despite the error", got)
		}
		// Repeating the bind finds the keys bound already.
		e.emu.SetFaults(emulator.Faults{})
		wantCode(t, bindKeys(cli, plan, keys...), "UnsupportedOperation.UnsupportedBindApiKey")
		calls := e.emu.Calls()
		if c := calls[len(calls)-2]; c.Action != "BindSecretIds" || c.Fault != emulator.FaultCommitError || c.UsagePlanID != plan {
			t.Errorf("faulted call logged as %+v", c)
		}
	})

	t.Run("transient fault does not perform the create", func(t *testing.T) {
		e := start(t, emulator.Options{RateLimit: -1})
		cli := e.client(t)
		e.emu.SetFaults(emulator.Faults{TransientRate: 1, Actions: []string{"CreateUsagePlan"}})
		_, err := createPlanReq(cli, "p", nil, nil, nil)
		if err == nil || len(e.emu.UsagePlans()) != 0 {
			t.Errorf("transient fault: err %v, %d plans; want an error and no plan", err, len(e.emu.UsagePlans()))
		}
	})

	t.Run("malformed answers", func(t *testing.T) {
		e := start(t, emulator.Options{RateLimit: -1})
		cli := e.client(t)
		keys := seedKeys(e, "bad", 1)
		plan := e.emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "p", AccessKeyIDs: keys}).UsagePlanID
		e.emu.SetFaults(emulator.Faults{MalformedRate: 1, MalformedKinds: []string{emulator.MalformedStatusString}})
		_, err := describePlan(cli, plan)
		wantCode(t, err, "ClientError.ParseJsonError")
		_, err = listPlans(cli, nil, nil)
		wantCode(t, err, "ClientError.ParseJsonError")
		_, err = planSecretIDs(cli, plan, nil, nil)
		wantCode(t, err, "ClientError.ParseJsonError")
		wantCode(t, unbindKeys(cli, plan, keys[0]), "ClientError.ParseJsonError")
		if len(bound(t, e, plan)) != 0 {
			t.Error("a malformed answer did not perform the unbind")
		}
	})
}
