package emulator_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// A commit fault performs the call, then answers a server error: the client
// sees InternalError or an HTTP 502/503/504 although the key exists. The
// sequence repeats with the seed.
func TestCommitErrorFaultPerformsThenFails(t *testing.T) {
	t.Parallel()
	run := func(seed int64) []string {
		e := start(t, emulator.Options{RateLimit: -1})
		e.emu.SetFaults(emulator.Faults{Seed: seed, CommitErrorRate: 1, Actions: []string{"CreateApiKey"}})
		cli := e.client(t)
		var outcomes []string
		for i := range 30 {
			id := fmt.Sprintf("commit_%02d", i)
			_, err := cli.CreateApiKey(manualRequest("committed", id, "secret_0123456789"))
			if _, ok := e.emu.Key(id); !ok {
				t.Errorf("call %d: the key was not created", i)
			}
			calls := e.emu.Calls()
			c := calls[len(calls)-1]
			if c.Fault != emulator.FaultCommitError || c.AccessKeyID != id {
				t.Errorf("call %d logged %+v", i, c)
			}
			switch c.ErrorCode {
			case "InternalError":
				wantCode(t, err, "InternalError")
			case emulator.ErrorCodeHTTP502, emulator.ErrorCodeHTTP503, emulator.ErrorCodeHTTP504:
				wantCode(t, err, "ClientError.HttpStatusCodeError")
				if !strings.Contains(err.Error(), strings.TrimPrefix(c.ErrorCode, "HTTP")) {
					t.Errorf("call %d: %s surfaced as %v", i, c.ErrorCode, err)
				}
			default:
				t.Errorf("call %d: unexpected error code %q", i, c.ErrorCode)
			}
			outcomes = append(outcomes, c.ErrorCode)
		}
		return outcomes
	}
	first := run(4)
	if again := run(4); !slices.Equal(first, again) {
		t.Errorf("same seed, different outcomes:\n%v\n%v", first, again)
	}
	for _, want := range []string{"InternalError", emulator.ErrorCodeHTTP502, emulator.ErrorCodeHTTP503, emulator.ErrorCodeHTTP504} {
		if !slices.Contains(first, want) {
			t.Errorf("seed 4 never produced %s: %v", want, first)
		}
	}
}

// A late answer: the key is created at once, the answer comes after the
// delay, or never if the client gives up first.
func TestLateFaultPerformsThenAnswersLate(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	e.emu.SetFaults(emulator.Faults{LateRate: 1, Actions: []string{"CreateApiKey"}}) // the default delay: a minute
	cli := e.client(t)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("late")
	began := time.Now()
	if _, err := cli.CreateApiKeyWithContext(ctx, req); err == nil {
		t.Fatal("a late answer arrived within 300ms")
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Fatalf("the client was held %v after giving up", took)
	}
	keys := e.emu.Keys()
	if len(keys) != 1 || keys[0].SecretName != "late" {
		t.Fatalf("keys = %+v, want the late call's key", keys)
	}
	if calls := e.emu.Calls(); len(calls) != 1 || calls[0].Fault != emulator.FaultLate || calls[0].AccessKeyID != keys[0].AccessKeyID {
		t.Errorf("call log = %+v", calls)
	}

	// With a short delay the answer does come, late.
	e.emu.SetFaults(emulator.Faults{LateRate: 1, LateDelay: 200 * time.Millisecond, Actions: []string{"CreateApiKey"}})
	began = time.Now()
	k := createAuto(t, cli, "late-but-answered")
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Errorf("answered after %v, want at least the 200ms delay", took)
	}
	if _, ok := e.emu.Key(*k.AccessKeyId); !ok {
		t.Errorf("the answered key %s does not exist", *k.AccessKeyId)
	}
}

// A null-result fault performs the call and answers "Result": null.
func TestNullResultFault(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	e.emu.SetFaults(emulator.Faults{NullResultRate: 1, Actions: []string{"CreateApiKey", "UpdateApiKey"}})
	cli := e.client(t)
	resp, err := cli.CreateApiKey(manualRequest("null", "null_result_key", "secret_0123456789"))
	must(t, err)
	if resp.Response.Result != nil || resp.Response.RequestId == nil {
		t.Fatalf("answer = %s, want a null Result with a RequestId", jsonOf(resp))
	}
	if _, ok := e.emu.Key("null_result_key"); !ok {
		t.Fatal("the key was not created")
	}
	got, err := updateKey(cli, "null_result_key", common.StringPtr("secret_rotated_01"))
	must(t, err)
	if k, _ := e.emu.Key("null_result_key"); got != nil || k.AccessKeySecret != "secret_rotated_01" {
		t.Errorf("UpdateApiKey answered %s and left secret %q: want null and the new secret", jsonOf(got), k.AccessKeySecret)
	}
	if calls := e.emu.Calls(); len(calls) != 2 || calls[0].Fault != emulator.FaultNullResult || calls[1].Fault != emulator.FaultNullResult {
		t.Errorf("call log = %+v", calls)
	}
}

// Malformed answers are performed and still carry the secrets: a
// type-drifted or truncated body makes the SDK quote it in its error.
func TestMalformedFaults(t *testing.T) {
	t.Parallel()
	const secret = "secret_malformed_0123"
	for _, kind := range []string{emulator.MalformedStatusString, emulator.MalformedStatusMissing, emulator.MalformedTruncated} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := start(t, emulator.Options{RateLimit: -1})
			cli := e.client(t)
			e.emu.SetFaults(emulator.Faults{MalformedRate: 1, MalformedKinds: []string{kind}})
			resp, err := cli.CreateApiKey(manualRequest("malformed", "malformed_key", secret))
			if _, ok := e.emu.Key("malformed_key"); !ok {
				t.Fatal("the key was not created")
			}
			listResp, listErr := cli.DescribeApiKeysStatus(apigw.NewDescribeApiKeysStatusRequest())
			enableErr := enableKey(cli, "malformed_key")
			switch kind {
			case emulator.MalformedStatusMissing:
				must(t, err)
				must(t, listErr)
				if r := resp.Response.Result; r.Status != nil || deref(r.AccessKeySecret) != secret {
					t.Errorf("Result = %s, want no Status and the secret", jsonOf(r))
				}
				if set := listResp.Response.Result.ApiKeySet; len(set) != 1 || set[0].Status != nil {
					t.Errorf("ApiKeySet = %s, want one key without Status", jsonOf(set))
				}
			default:
				for what, err := range map[string]error{"CreateApiKey": err, "DescribeApiKeysStatus": listErr} {
					wantCode(t, err, "ClientError.ParseJsonError")
					if !strings.Contains(err.Error(), secret) {
						t.Errorf("%s: the SDK's error does not quote the body with the secret: %v", what, err)
					}
				}
			}
			// A bool Result becomes a string, which the SDK cannot parse.
			wantCode(t, enableErr, "ClientError.ParseJsonError")
			for _, c := range e.emu.Calls() {
				if c.Fault != emulator.FaultMalformed {
					t.Errorf("call %+v not logged as malformed", c)
				}
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Off the manual-key allowlist, enabling or disabling a manual key answers
// UinNotInWhiteList and changes nothing; auto keys are unaffected.
func TestEnableDisableManualKeyNeedsAllowlist(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	createManual(t, cli, "manual", "manual_key_id", "secret_0123456789")
	auto := createAuto(t, cli, "auto")
	e.emu.SetManualKeyAllowlisted(false)

	wantCode(t, disableKey(cli, "manual_key_id"), "UnsupportedOperation.UinNotInWhiteList")
	wantCode(t, enableKey(cli, "manual_key_id"), "UnsupportedOperation.UinNotInWhiteList")
	if k, _ := e.emu.Key("manual_key_id"); !k.Enabled {
		t.Error("a refused DisableApiKey disabled the key")
	}
	must(t, disableKey(cli, *auto.AccessKeyId))
	must(t, enableKey(cli, *auto.AccessKeyId))

	e.emu.SetManualKeyAllowlisted(true)
	must(t, disableKey(cli, "manual_key_id"))
}

// Paging quirks: a service that ignores Offset, and one that overstates
// TotalCount.
func TestListQuirks(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	for i := range 5 {
		e.emu.PutKey(emulator.Key{AccessKeyID: fmt.Sprintf("quirk_%d", i), AccessKeySecret: "secret_0123456789", SecretName: "q", Enabled: true})
	}
	page := func(offset int64) (ids []string, total int64) {
		req := apigw.NewDescribeApiKeysStatusRequest()
		req.Limit, req.Offset = common.Int64Ptr(2), common.Int64Ptr(offset)
		resp, err := cli.DescribeApiKeysStatus(req)
		must(t, err)
		for _, k := range resp.Response.Result.ApiKeySet {
			ids = append(ids, *k.AccessKeyId)
		}
		return ids, *resp.Response.Result.TotalCount
	}
	if ids, total := page(2); strings.Join(ids, ",") != "quirk_2,quirk_3" || total != 5 {
		t.Fatalf("normal page at 2 = %v of %d", ids, total)
	}
	e.emu.SetListQuirks(emulator.ListQuirks{IgnoreOffset: true})
	if ids, total := page(2); strings.Join(ids, ",") != "quirk_0,quirk_1" || total != 5 {
		t.Errorf("offset-ignoring page at 2 = %v of %d, want the first page", ids, total)
	}
	e.emu.SetListQuirks(emulator.ListQuirks{ExtraTotalCount: 10})
	if ids, total := page(4); strings.Join(ids, ",") != "quirk_4" || total != 15 {
		t.Errorf("inflated page at 4 = %v of %d, want quirk_4 of 15", ids, total)
	}
	if ids, _ := page(6); len(ids) != 0 {
		t.Errorf("inflated page at 6 = %v, want none", ids)
	}
}
