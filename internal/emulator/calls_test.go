package emulator_test

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func TestCallLog(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)

	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("logged")
	created, err := cli.CreateApiKey(req)
	must(t, err)
	id := *created.Response.Result.AccessKeyId

	_, err = describe(cli, "AKIDnope")
	var sdkErr *tcerr.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		t.Fatalf("DescribeApiKey: %v", err)
	}

	badCli := newClient(t, e.host, common.NewCredential(emulator.DefaultSecretID, "wrong"), nil)
	_, err = updateKey(badCli, id, nil)
	wantCode(t, err, "AuthFailure.SignatureFailure")

	_, err = e.commonCall(t, emulator.APIVersion, "RenameApiKey", map[string]any{"AccessKeyId": id})
	wantCode(t, err, "InvalidAction")

	// Out-of-band changes are not calls.
	e.emu.PutKey(emulator.Key{AccessKeyID: "oob_key", SecretName: "oob"})
	e.emu.SetKeyEnabled("oob_key", true)
	e.emu.SetKeySecret("oob_key", "oob_secret_1")
	e.emu.SetKeyBoundToUsagePlan("oob_key", true)
	e.emu.DeleteKey("oob_key")
	_ = e.emu.Keys()

	// Authenticated calls name who signed; the one with a bad signature does not.
	owner := "qcs::cam::uin/" + emulator.DefaultAccountID + ":uin/" + emulator.DefaultAccountID
	want := []emulator.Call{
		{Action: "CreateApiKey", AccessKeyID: id, SecretName: "logged", RequestID: *created.Response.RequestId, Caller: owner, SecretID: emulator.DefaultSecretID},
		{Action: "DescribeApiKey", AccessKeyID: "AKIDnope", ErrorCode: "ResourceNotFound.InvalidAccessKeyId", RequestID: sdkErr.RequestId, Caller: owner, SecretID: emulator.DefaultSecretID},
		{Action: "UpdateApiKey", AccessKeyID: id, ErrorCode: "AuthFailure.SignatureFailure"},
		{Action: "RenameApiKey", AccessKeyID: id, ErrorCode: "InvalidAction", Caller: owner, SecretID: emulator.DefaultSecretID},
	}
	calls := e.emu.Calls()
	if len(calls) != len(want) {
		t.Fatalf("calls = %+v, want %d", calls, len(want))
	}
	for i, c := range calls {
		w := want[i]
		w.At = clk.Now()
		if w.RequestID == "" { // not observed by the client here
			w.RequestID = c.RequestID
		}
		if c != w {
			t.Errorf("call %d = %+v\nwant %+v", i, c, w)
		}
		if !uuidV4.MatchString(c.RequestID) {
			t.Errorf("call %d RequestID %q is not a UUID v4", i, c.RequestID)
		}
	}
	wantCounts := map[string]int{"CreateApiKey": 1, "DescribeApiKey": 1, "UpdateApiKey": 1, "RenameApiKey": 1}
	if got := e.emu.CallCounts(); !maps.Equal(got, wantCounts) {
		t.Errorf("CallCounts = %v, want %v", got, wantCounts)
	}

	e.emu.ResetCalls()
	if len(e.emu.Calls()) != 0 || len(e.emu.CallCounts()) != 0 {
		t.Error("ResetCalls left calls behind")
	}
	must(t, listOnce(cli))
	if got := e.emu.CallCounts(); !maps.Equal(got, map[string]int{"DescribeApiKeysStatus": 1}) {
		t.Errorf("CallCounts after reset = %v", got)
	}
}

func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)

	const workers, perWorker = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*3)
	for range workers {
		wg.Go(func() {
			for i := range perWorker {
				k, err := cli.CreateApiKey(func() *apigw.CreateApiKeyRequest {
					r := apigw.NewCreateApiKeyRequest()
					r.SecretName = common.StringPtr("concurrent")
					return r
				}())
				if err != nil {
					errs <- err
					continue
				}
				if i%2 == 0 { // delete every other key
					id := *k.Response.Result.AccessKeyId
					errs <- disableKey(cli, id)
					errs <- deleteKey(cli, id)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	wantKeys := workers * (perWorker / 2)
	if n := len(e.emu.Keys()); n != wantKeys {
		t.Errorf("%d keys, want %d", n, wantKeys)
	}
	page, err := listKeys(cli, common.Int64Ptr(100), nil)
	must(t, err)
	if *page.TotalCount != int64(wantKeys) {
		t.Errorf("TotalCount = %d, want %d", *page.TotalCount, wantKeys)
	}
	counts := e.emu.CallCounts()
	if counts["CreateApiKey"] != workers*perWorker || counts["DeleteApiKey"] != workers*(perWorker+1)/2 {
		t.Errorf("CallCounts = %v", counts)
	}
}

func TestOutOfBandChanges(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)

	e.emu.PutKey(emulator.Key{AccessKeyID: "seed_a", AccessKeySecret: "secret_a_000", SecretName: "a", Enabled: true})
	fixed := time.Date(2020, 2, 26, 6, 9, 44, 0, time.UTC)
	e.emu.PutKey(emulator.Key{AccessKeyID: "seed_b", AccessKeySecret: "secret_b_000", AccessKeyType: "manual", SecretName: "b", CreatedTime: fixed})
	a, ok := e.emu.Key("seed_a")
	if !ok || !a.CreatedTime.Equal(clk.Now()) || !a.ModifiedTime.Equal(clk.Now()) || a.AccessKeyType != emulator.KeyTypeAuto {
		t.Errorf("seeded key a = %+v", a)
	}
	got, err := describe(cli, "seed_b")
	must(t, err)
	if *got.CreatedTime != "2020-02-26T06:09:44Z" || *got.ModifiedTime != "2020-02-26T06:09:44Z" || *got.Status != 0 || *got.AccessKeyType != "manual" {
		t.Errorf("seeded key b = %s", jsonOf(got))
	}

	// Overwriting keeps the listing position.
	e.emu.PutKey(emulator.Key{AccessKeyID: "seed_a", AccessKeySecret: "secret_a_001", SecretName: "a2", Enabled: true})
	if keys := e.emu.Keys(); len(keys) != 2 || keys[0].SecretName != "a2" || keys[1].AccessKeyID != "seed_b" {
		t.Errorf("keys after overwrite = %+v", keys)
	}

	clk.Advance(time.Minute)
	if !e.emu.SetKeySecret("seed_b", "drifted_secret") || !e.emu.SetKeyEnabled("seed_b", true) {
		t.Fatal("setters reported a missing key")
	}
	got, err = describe(cli, "seed_b")
	must(t, err)
	if *got.AccessKeySecret != "drifted_secret" || *got.Status != 1 || *got.ModifiedTime != clk.Now().UTC().Format(isoTime) {
		t.Errorf("after drift = %s", jsonOf(got))
	}

	must(t, disableKey(cli, "seed_b"))
	e.emu.SetKeyBoundToUsagePlan("seed_b", true)
	wantCode(t, deleteKey(cli, "seed_b"), "UnsupportedOperation.ResourceIsInUse")
	if !e.emu.DeleteKey("seed_b") || e.emu.DeleteKey("seed_b") {
		t.Error("DeleteKey should report true, then false")
	}
	_, err = describe(cli, "seed_b")
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")

	if e.emu.SetKeyEnabled("nope", true) || e.emu.SetKeySecret("nope", "x") || e.emu.SetKeyBoundToUsagePlan("nope", true) {
		t.Error("setters reported success for a missing key")
	}
	if _, ok := e.emu.Key("nope"); ok {
		t.Error("Key reported a missing key")
	}
	if n := len(e.emu.Calls()); n != 5 {
		t.Errorf("%d calls logged, want only the 5 API calls", n)
	}
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	manual := createManual(t, cli, "manual", "manual_key", "manual_secret_0")
	auto := createAuto(t, cli, "auto")
	_, err := describe(cli, "missing_key")
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")

	get := func(path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}

	status, body := get(emulator.ControlKeys)
	var views []map[string]any
	if err := json.Unmarshal(body, &views); status != http.StatusOK || err != nil {
		t.Fatalf("GET keys: %d %s", status, body)
	}
	if len(views) != 2 || views[0]["AccessKeyId"] != "manual_key" || views[1]["AccessKeyId"] != *auto.AccessKeyId || views[0]["Enabled"] != true {
		t.Errorf("keys = %s", body)
	}
	for _, v := range views {
		if _, ok := v["AccessKeySecret"]; ok {
			t.Errorf("key view exposes a secret: %v", v)
		}
	}
	if strings.Contains(string(body), *manual.AccessKeySecret) || strings.Contains(string(body), *auto.AccessKeySecret) {
		t.Errorf("keys listing contains a secret: %s", body)
	}

	status, body = get(emulator.ControlCalls)
	var calls []emulator.Call
	if err := json.Unmarshal(body, &calls); status != http.StatusOK || err != nil {
		t.Fatalf("GET calls: %d %s", status, body)
	}
	if len(calls) != 3 || calls[2].Action != "DescribeApiKey" || calls[2].ErrorCode != "ResourceNotFound.InvalidAccessKeyId" || calls[0].AccessKeyID != "manual_key" {
		t.Errorf("calls = %s", body)
	}
	if len(e.emu.Calls()) != 3 {
		t.Error("control requests were logged as calls")
	}

	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, emulator.ControlResetCalls, http.StatusMethodNotAllowed},
		{http.MethodPost, emulator.ControlKeys, http.StatusMethodNotAllowed},
		{http.MethodGet, "/_emulator/nope", http.StatusNotFound},
		{http.MethodPost, emulator.ControlResetCalls, http.StatusNoContent},
	} {
		req, _ := http.NewRequest(tc.method, e.ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
	if n := len(e.emu.Calls()); n != 0 {
		t.Errorf("%d calls after reset-calls", n)
	}
	if n := len(e.emu.Keys()); n != 2 {
		t.Errorf("reset-calls touched the keys: %d left", n)
	}
}
