package conns

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// fakePlanAPI answers usage plan actions, without checking signatures,
// with answer(action, request body); it counts calls per action.
type fakePlanAPI struct {
	mu     sync.Mutex
	calls  map[string]int
	answer func(action string, n int, req map[string]any) (result any, errCode string)
}

func (f *fakePlanAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-TC-Action")
	body, _ := io.ReadAll(r.Body)
	req := map[string]any{}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.calls[action]++
	n := f.calls[action]
	f.mu.Unlock()
	result, code := f.answer(action, n, req)
	if code == "lost" {
		// The connection drops after the request was read: carried out, answer lost.
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
		return
	}
	if code != "" {
		answerError(w, code, "fake "+code)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"RequestId": "fake", "Result": result}})
}

func (f *fakePlanAPI) count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

func newFakePlanClient(t *testing.T, answer func(action string, n int, req map[string]any) (any, string)) (*Client, *fakePlanAPI) {
	t.Helper()
	fake := &fakePlanAPI{calls: map[string]int{}, answer: answer}
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	client, err := New(Config{SecretID: "AKIDfake", SecretKey: "fake", Endpoint: server.URL, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return client, fake
}

func planInfo(id, name string, created time.Time) map[string]any {
	return map[string]any{
		"UsagePlanId": id, "UsagePlanName": name, "UsagePlanDesc": nil, "MaxRequestNum": nil, "MaxRequestNumPreSec": 10,
		"CreatedTime": created.UTC().Format(apiTimeLayout), "ModifiedTime": created.UTC().Format(apiTimeLayout),
	}
}

func keyIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("AKIDbound%04d", i))
	}
	return ids
}

// The API's null limits mean unlimited (-1) and a null description is "".
func TestDescribeUsagePlanNullsAreDefaults(t *testing.T) {
	t.Parallel()
	client, _ := newFakePlanClient(t, func(string, int, map[string]any) (any, string) {
		info := planInfo("usagePlan-abc", "plan", time.Now())
		info["BindSecretIdTotalCount"], info["BindSecretIds"] = 0, nil
		return info, ""
	})
	plan, err := client.DescribeUsagePlan(withTimeout(t, time.Minute), "usagePlan-abc")
	if err != nil {
		t.Fatal(err)
	}
	if plan.MaxRequestNum != -1 || plan.MaxRequestNumPerSecond != 10 || plan.Description != "" || plan.BoundKeyIDs == nil || len(plan.BoundKeyIDs) != 0 {
		t.Errorf("got %+v", plan)
	}
}

// A plan whose answer lists only some of its keys gets the rest from
// DescribeUsagePlanSecretIds, 100 a page; one that lists all needs no more.
func TestDescribeUsagePlanPagesTruncatedKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		listed, total   int
		wantSecretCalls int
	}{
		{"complete", 30, 30, 0},
		{"truncated", 20, 150, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			all := keyIDs(0, tc.total)
			client, fake := newFakePlanClient(t, func(action string, _ int, req map[string]any) (any, string) {
				switch action {
				case actionDescribePlan:
					info := planInfo("usagePlan-abc", "plan", time.Now())
					info["BindSecretIdTotalCount"], info["BindSecretIds"] = tc.total, all[:tc.listed]
					return info, ""
				case actionDescribePlanSecretID:
					offsetValue, _ := req["Offset"].(float64)
					offset := int(offsetValue)
					var list []map[string]any
					for _, id := range all[offset:min(offset+100, len(all))] {
						list = append(list, map[string]any{"AccessKeyId": id, "SecretName": "n", "Status": 1})
					}
					return map[string]any{"TotalCount": len(all), "AccessKeyList": list}, ""
				}
				return nil, "InvalidAction"
			})
			plan, err := client.DescribeUsagePlan(withTimeout(t, time.Minute), "usagePlan-abc")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(plan.BoundKeyIDs, all) {
				t.Errorf("got %d key IDs, want all %d in order", len(plan.BoundKeyIDs), len(all))
			}
			if n := fake.count(actionDescribePlanSecretID); n != tc.wantSecretCalls {
				t.Errorf("%d DescribeUsagePlanSecretIds calls, want %d", n, tc.wantSecretCalls)
			}
		})
	}
}

func TestDescribeUsagePlanNotFound(t *testing.T) {
	t.Parallel()
	client, fake := newFakePlanClient(t, func(string, int, map[string]any) (any, string) {
		return nil, CodeUsagePlanNotFound
	})
	_, err := client.DescribeUsagePlan(withTimeout(t, time.Minute), "usagePlan-gone")
	if !IsUsagePlanNotFound(err) || IsNotFound(err) {
		t.Fatalf("got %v; want a usage plan not-found error (and not a key's)", err)
	}
	if n := fake.count(actionDescribePlan); n != 1 {
		t.Errorf("%d calls, want 1 (not found is not retried)", n)
	}
}

// UsagePlans pages 100 plans a call and sends its filters.
func TestUsagePlansPagesAndFilters(t *testing.T) {
	t.Parallel()
	var filters []any
	client, fake := newFakePlanClient(t, func(_ string, _ int, req map[string]any) (any, string) {
		filters, _ = req["Filters"].([]any)
		offsetValue, _ := req["Offset"].(float64)
		offset := int(offsetValue)
		var set []map[string]any
		for i := offset; i < min(offset+100, 250); i++ {
			set = append(set, planInfo(fmt.Sprintf("usagePlan-%04d", i), "p", time.Now()))
		}
		return map[string]any{"TotalCount": 250, "UsagePlanStatusSet": set}, ""
	})
	plans, err := client.ListUsagePlans(withTimeout(t, time.Minute), UsagePlanFilter{Name: UsagePlanFilterName, Value: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 250 || plans[249].ID != "usagePlan-0249" || plans[0].MaxRequestNum != -1 {
		t.Fatalf("got %d plans (last %+v)", len(plans), plans[len(plans)-1])
	}
	if n := fake.count(actionListPlans); n != 3 {
		t.Errorf("%d DescribeUsagePlansStatus calls for 250 plans, want 3", n)
	}
	want := []any{map[string]any{"Name": "UsagePlanName", "Values": []any{"p"}}}
	if fmt.Sprint(filters) != fmt.Sprint(want) {
		t.Errorf("sent filters %v, want %v", filters, want)
	}
}

// A create whose answer is lost looks for the plan before creating again:
// it adopts the one plan of that name and settings made since it started,
// never one made before, and creates again when there is none.
func TestCreateUsagePlanAfterLostAnswer(t *testing.T) {
	t.Parallel()
	in := UsagePlanInput{Name: "orders", Description: "", MaxRequestNum: -1, MaxRequestNumPerSecond: 10}
	old := planInfo("usagePlan-old", "orders", time.Now().Add(-time.Hour))
	for _, tc := range []struct {
		name        string
		madeByFirst bool
		wantID      string
		wantCreates int
	}{
		{"carried out", true, "usagePlan-new", 1},
		{"not carried out", false, "usagePlan-second", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			existing := []map[string]any{old}
			client, fake := newFakePlanClient(t, func(action string, n int, req map[string]any) (any, string) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case action == actionCreatePlan && n == 1:
					if tc.madeByFirst {
						existing = append(existing, planInfo("usagePlan-new", "orders", time.Now()))
					}
					return nil, "lost"
				case action == actionCreatePlan:
					return planInfo("usagePlan-second", "orders", time.Now()), ""
				case action == actionListPlans:
					return map[string]any{"TotalCount": len(existing), "UsagePlanStatusSet": existing}, ""
				}
				return nil, "InvalidAction"
			})
			plan, err := client.CreateUsagePlan(withTimeout(t, time.Minute), in)
			if err != nil {
				t.Fatal(err)
			}
			if plan.ID != tc.wantID {
				t.Errorf("got plan %s, want %s", plan.ID, tc.wantID)
			}
			if n := fake.count(actionCreatePlan); n != tc.wantCreates {
				t.Errorf("%d CreateUsagePlan calls, want %d", n, tc.wantCreates)
			}
		})
	}
}

// Two new plans that could be the lost create's: an error naming both.
func TestCreateUsagePlanAmbiguousLookupNamesCandidates(t *testing.T) {
	t.Parallel()
	client, fake := newFakePlanClient(t, func(action string, _ int, _ map[string]any) (any, string) {
		if action == actionCreatePlan {
			return nil, "InternalError"
		}
		set := []map[string]any{planInfo("usagePlan-a", "orders", time.Now()), planInfo("usagePlan-b", "orders", time.Now())}
		for _, p := range set {
			p["MaxRequestNumPreSec"] = nil
		}
		return map[string]any{"TotalCount": 2, "UsagePlanStatusSet": set}, ""
	})
	_, err := client.CreateUsagePlan(withTimeout(t, time.Minute), UsagePlanInput{Name: "orders", MaxRequestNum: -1, MaxRequestNumPerSecond: -1})
	if err == nil || !HasCode(err, codeAmbiguousPlanCreate) {
		t.Fatalf("got %v, want an ambiguous-create error", err)
	}
	for _, id := range []string{"usagePlan-a", "usagePlan-b"} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error does not name %s: %v", id, err)
		}
	}
	if n := fake.count(actionCreatePlan); n != 1 {
		t.Errorf("%d CreateUsagePlan calls, want 1", n)
	}
}

// A quota error is returned as it is, once: not retried, no lookup.
func TestCreateUsagePlanQuotaIsNotRetried(t *testing.T) {
	t.Parallel()
	client, fake := newFakePlanClient(t, func(string, int, map[string]any) (any, string) {
		return nil, CodeUsagePlanLimit
	})
	_, err := client.CreateUsagePlan(withTimeout(t, time.Minute), UsagePlanInput{Name: "x", MaxRequestNum: -1, MaxRequestNumPerSecond: -1})
	if !HasCode(err, CodeUsagePlanLimit) {
		t.Fatalf("got %v", err)
	}
	if fake.count(actionCreatePlan) != 1 || fake.count(actionListPlans) != 0 {
		t.Errorf("calls: %v", fake.calls)
	}
}

// ModifyUsagePlan sends every setting and takes the plan from its answer.
func TestModifyUsagePlanSendsEverySetting(t *testing.T) {
	t.Parallel()
	var sent map[string]any
	client, fake := newFakePlanClient(t, func(_ string, _ int, req map[string]any) (any, string) {
		sent = req
		info := planInfo("usagePlan-abc", "renamed", time.Now())
		info["UsagePlanDesc"], info["MaxRequestNum"], info["MaxRequestNumPreSec"] = "", 5, -1
		return info, ""
	})
	plan, err := client.ModifyUsagePlan(withTimeout(t, time.Minute), "usagePlan-abc",
		UsagePlanInput{Name: "renamed", Description: "", MaxRequestNum: 5, MaxRequestNumPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Name != "renamed" || plan.MaxRequestNum != 5 || plan.MaxRequestNumPerSecond != -1 {
		t.Errorf("got %+v", plan)
	}
	for _, field := range []string{"UsagePlanId", "UsagePlanName", "UsagePlanDesc", "MaxRequestNum", "MaxRequestNumPreSec"} {
		if _, ok := sent[field]; !ok {
			t.Errorf("ModifyUsagePlan did not send %s (a cleared description or limit must be sent)", field)
		}
	}
	if n := fake.count(actionModifyPlan); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

// Against the emulator: a CreateUsagePlan carried out but answered with a
// server error, a dropped connection, a null Result or a malformed body
// leaves exactly one plan, the one returned; a twin made earlier with the
// same name is never adopted.
func TestCreateUsagePlanFaultsLeaveOnePlan(t *testing.T) {
	t.Parallel()
	faults := map[string]emulator.Faults{
		"commit error": {CommitErrorRate: 1},
		"drop":         {DropRate: 1},
		"null Result":  {NullResultRate: 1},
		"malformed":    {MalformedRate: 1},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client, emu := newEmulatorClient(t)
			emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "faulty", CreatedTime: time.Now().Add(-time.Hour)})
			f.Seed, f.Actions = 3, []string{actionCreatePlan}
			emu.SetFaults(f)
			in := UsagePlanInput{Name: "faulty", Description: "d", MaxRequestNum: 100, MaxRequestNumPerSecond: -1}
			plan, err := client.CreateUsagePlan(withTimeout(t, time.Minute), in)
			if err != nil {
				t.Fatal(err)
			}
			plans := emu.UsagePlans()
			if len(plans) != 2 || plans[1].UsagePlanID != plan.ID || plan.MaxRequestNum != 100 || plan.Description != "d" {
				t.Fatalf("expected the seeded plan and the adopted one, got %+v (adopted %+v)", plans, plan)
			}
			if n := countCalls(emu, actionCreatePlan, "*"); n != 1 {
				t.Errorf("%d CreateUsagePlan calls, want 1", n)
			}
		})
	}
}

// A ModifyUsagePlan whose answer cannot be used was carried out: the plan
// is read again instead of failing the update.
func TestModifyUsagePlanUnusableAnswerReadsThePlan(t *testing.T) {
	t.Parallel()
	client, emu := newEmulatorClient(t)
	seeded := emu.PutUsagePlan(emulator.UsagePlan{UsagePlanName: "before"})
	emu.SetFaults(emulator.Faults{Seed: 1, NullResultRate: 1, Actions: []string{actionModifyPlan}})
	plan, err := client.ModifyUsagePlan(withTimeout(t, time.Minute), seeded.UsagePlanID,
		UsagePlanInput{Name: "after", MaxRequestNum: -1, MaxRequestNumPerSecond: 20})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Name != "after" || plan.MaxRequestNumPerSecond != 20 {
		t.Errorf("got %+v", plan)
	}
	if countCalls(emu, actionModifyPlan, "*") != 1 || countCalls(emu, actionDescribePlan, "") != 1 {
		t.Errorf("calls: %+v", emu.Calls())
	}
}
