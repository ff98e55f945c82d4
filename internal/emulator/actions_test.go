package emulator_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

var (
	autoKeyID  = regexp.MustCompile(`^AKID[A-Za-z0-9]{32}$`)
	autoSecret = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
)

func TestCreateApiKeyAuto(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)

	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("ci-key")
	resp, err := cli.CreateApiKey(req)
	must(t, err)
	if !uuidV4.MatchString(*resp.Response.RequestId) {
		t.Errorf("RequestId %q is not a UUID v4", *resp.Response.RequestId)
	}
	k := resp.Response.Result
	created := clk.Now().UTC().Format(isoTime)
	if !autoKeyID.MatchString(*k.AccessKeyId) || !autoSecret.MatchString(*k.AccessKeySecret) {
		t.Errorf("generated id/secret = %q/%q", *k.AccessKeyId, *k.AccessKeySecret)
	}
	if *k.AccessKeyType != "auto" || *k.SecretName != "ci-key" || *k.Status != 1 ||
		*k.CreatedTime != created || *k.ModifiedTime != created {
		t.Errorf("result = type %s name %s status %d created %s modified %s; want auto ci-key 1 %s %s",
			*k.AccessKeyType, *k.SecretName, *k.Status, *k.CreatedTime, *k.ModifiedTime, created, created)
	}

	stored, ok := e.emu.Key(*k.AccessKeyId)
	if !ok || stored.AccessKeySecret != *k.AccessKeySecret || !stored.Enabled || stored.AccessKeyType != emulator.KeyTypeAuto ||
		!stored.CreatedTime.Equal(clk.Now()) || stored.BoundToUsagePlan {
		t.Errorf("stored key = %+v, %v", stored, ok)
	}

	got, err := describe(cli, *k.AccessKeyId)
	must(t, err)
	if *got.AccessKeySecret != *k.AccessKeySecret || *got.AccessKeyId != *k.AccessKeyId || *got.CreatedTime != created {
		t.Errorf("DescribeApiKey = %s, want the created key %s", jsonOf(got), jsonOf(k))
	}

	other := createAuto(t, cli, "ci-key") // names need not be unique
	if *other.AccessKeyId == *k.AccessKeyId || *other.AccessKeySecret == *k.AccessKeySecret {
		t.Errorf("second auto key reuses id or secret: %s", jsonOf(other))
	}
}

func TestCreateApiKeyManual(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)

	k := createManual(t, cli, "manual", "my_key_01", "secret_0123456789")
	if *k.AccessKeyId != "my_key_01" || *k.AccessKeySecret != "secret_0123456789" || *k.AccessKeyType != "manual" || *k.Status != 1 {
		t.Errorf("result = %s", jsonOf(k))
	}
	got, err := describe(cli, "my_key_01")
	must(t, err)
	if *got.AccessKeySecret != "secret_0123456789" || *got.AccessKeyType != "manual" {
		t.Errorf("DescribeApiKey = %s", jsonOf(got))
	}

	// Length bounds are inclusive.
	createManual(t, cli, "min", "abcde", "0123456789")
	createManual(t, cli, "max", strings.Repeat("i", 50), strings.Repeat("s", 50))
	if n := len(e.emu.Keys()); n != 3 {
		t.Errorf("%d keys, want 3", n)
	}
}

func TestCreateApiKeyErrors(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	cli := e.client(t)
	e.emu.PutKey(emulator.Key{AccessKeyID: "taken_id", AccessKeySecret: "taken_secret", AccessKeyType: "manual", SecretName: "x", Enabled: true})

	str := common.StringPtr
	tests := []struct {
		name string
		req  *apigw.CreateApiKeyRequest
		want string
	}{
		{"no name", &apigw.CreateApiKeyRequest{}, "MissingParameter"},
		{"empty name", &apigw.CreateApiKeyRequest{SecretName: str("")}, "MissingParameter"},
		{"type is case-sensitive", &apigw.CreateApiKeyRequest{SecretName: str("n"), AccessKeyType: str("Auto")}, "InvalidParameter.FormatError"},
		{"unknown type", &apigw.CreateApiKeyRequest{SecretName: str("n"), AccessKeyType: str("custom")}, "InvalidParameter.FormatError"},
		{"manual without id", &apigw.CreateApiKeyRequest{SecretName: str("n"), AccessKeyType: str("manual"), AccessKeySecret: str("secret_0123")}, "MissingParameter"},
		{"manual without secret", &apigw.CreateApiKeyRequest{SecretName: str("n"), AccessKeyType: str("manual"), AccessKeyId: str("key_id")}, "MissingParameter"},
		{"id too short", manualRequest("n", "abcd", "secret_0123"), "InvalidParameter.FormatError"},
		{"id too long", manualRequest("n", strings.Repeat("a", 51), "secret_0123"), "InvalidParameter.FormatError"},
		{"id with dash", manualRequest("n", "bad-id", "secret_0123"), "InvalidParameter.FormatError"},
		{"secret too short", manualRequest("n", "key_id", "123456789"), "InvalidParameter.FormatError"},
		{"secret too long", manualRequest("n", "key_id", strings.Repeat("s", 51)), "InvalidParameter.FormatError"},
		{"secret with space", manualRequest("n", "key_id", "secret 0123"), "InvalidParameter.FormatError"},
		{"auto with id", &apigw.CreateApiKeyRequest{SecretName: str("n"), AccessKeyId: str("key_id")}, "InvalidParameter.FormatError"},
		{"existing id", manualRequest("n", "taken_id", "secret_0123"), "FailedOperation.AccessKeyExist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := apigw.NewCreateApiKeyRequest()
			req.SecretName, req.AccessKeyType, req.AccessKeyId, req.AccessKeySecret =
				tt.req.SecretName, tt.req.AccessKeyType, tt.req.AccessKeyId, tt.req.AccessKeySecret
			_, err := cli.CreateApiKey(req)
			wantCode(t, err, tt.want)
		})
	}
	if keys := e.emu.Keys(); len(keys) != 1 || keys[0].AccessKeySecret != "taken_secret" {
		t.Errorf("failed creates changed the keys: %+v", keys)
	}
}

func TestKeyQuota(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{KeyQuota: 3})
	cli := e.client(t)

	first := createAuto(t, cli, "k1")
	createAuto(t, cli, "k2")
	createManual(t, cli, "k3", "manual_3", "secret_0003")
	_, err := cli.CreateApiKey(manualRequest("k4", "manual_4", "secret_0004"))
	wantCode(t, err, "LimitExceeded.ApiKeyCountLimitExceeded")
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr("k4")
	_, err = cli.CreateApiKey(req)
	wantCode(t, err, "LimitExceeded.ApiKeyCountLimitExceeded")

	// Deleting frees a slot.
	must(t, disableKey(cli, *first.AccessKeyId))
	must(t, deleteKey(cli, *first.AccessKeyId))
	createAuto(t, cli, "k4")

	e.emu.SetKeyQuota(4)
	createAuto(t, cli, "k5")
	_, err = cli.CreateApiKey(req)
	wantCode(t, err, "LimitExceeded.ApiKeyCountLimitExceeded")
	if n := len(e.emu.Keys()); n != 4 {
		t.Errorf("%d keys, want 4", n)
	}
}

func TestDescribeApiKeyErrors(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)

	_, err := describe(cli, "AKIDdoesnotexist")
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")
	_, err = cli.DescribeApiKey(apigw.NewDescribeApiKeyRequest())
	wantCode(t, err, "MissingParameter")
}

func TestUpdateApiKeyAuto(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	k := createAuto(t, cli, "rotate-me")

	clk.Advance(time.Minute)
	got, err := updateKey(cli, *k.AccessKeyId, nil)
	must(t, err)
	if *got.AccessKeySecret == *k.AccessKeySecret || !autoSecret.MatchString(*got.AccessKeySecret) {
		t.Errorf("secret after update = %q, want a new generated secret (old %q)", *got.AccessKeySecret, *k.AccessKeySecret)
	}
	if want := clk.Now().UTC().Format(isoTime); *got.ModifiedTime != want || *got.CreatedTime != *k.CreatedTime {
		t.Errorf("times after update = created %s modified %s, want created %s modified %s", *got.CreatedTime, *got.ModifiedTime, *k.CreatedTime, want)
	}
	if *got.AccessKeyId != *k.AccessKeyId || *got.SecretName != "rotate-me" || *got.AccessKeyType != "auto" || *got.Status != 1 {
		t.Errorf("update changed other fields: %s", jsonOf(got))
	}
	described, err := describe(cli, *k.AccessKeyId)
	must(t, err)
	if *described.AccessKeySecret != *got.AccessKeySecret {
		t.Errorf("DescribeApiKey secret = %q, want %q", *described.AccessKeySecret, *got.AccessKeySecret)
	}

	// The secret of an auto key cannot be chosen.
	_, err = updateKey(cli, *k.AccessKeyId, common.StringPtr("chosen_secret_1"))
	wantCode(t, err, "InvalidParameter.FormatError")
	if stored, _ := e.emu.Key(*k.AccessKeyId); stored.AccessKeySecret != *got.AccessKeySecret {
		t.Errorf("rejected update changed the secret to %q", stored.AccessKeySecret)
	}
}

func TestUpdateApiKeyManual(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	createManual(t, cli, "manual", "manual_id", "secret_v1_0000")

	clk.Advance(time.Minute)
	got, err := updateKey(cli, "manual_id", common.StringPtr("secret_v2_0000"))
	must(t, err)
	if *got.AccessKeySecret != "secret_v2_0000" || *got.ModifiedTime != clk.Now().UTC().Format(isoTime) {
		t.Errorf("after update: %s", jsonOf(got))
	}

	_, err = updateKey(cli, "manual_id", nil)
	wantCode(t, err, "InvalidParameter.FormatError")
	_, err = updateKey(cli, "manual_id", common.StringPtr("short"))
	wantCode(t, err, "InvalidParameter.FormatError")
	_, err = updateKey(cli, "manual_id", common.StringPtr("has-a-dash-123"))
	wantCode(t, err, "InvalidParameter.FormatError")

	e.emu.SetManualKeyAllowlisted(false)
	_, err = updateKey(cli, "manual_id", common.StringPtr("secret_v3_0000"))
	wantCode(t, err, "UnsupportedOperation.UinNotInWhiteList")
	if stored, _ := e.emu.Key("manual_id"); stored.AccessKeySecret != "secret_v2_0000" {
		t.Errorf("rejected updates changed the secret to %q", stored.AccessKeySecret)
	}
	e.emu.SetManualKeyAllowlisted(true)
	_, err = updateKey(cli, "manual_id", common.StringPtr("secret_v3_0000"))
	must(t, err)

	_, err = updateKey(cli, "no_such_key", common.StringPtr("secret_v3_0000"))
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")
	_, err = cli.UpdateApiKey(apigw.NewUpdateApiKeyRequest())
	wantCode(t, err, "MissingParameter")
}

func TestEnableDisableApiKey(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	id := *createAuto(t, cli, "toggle").AccessKeyId

	state := func() (int64, string) {
		t.Helper()
		k, err := describe(cli, id)
		must(t, err)
		return *k.Status, *k.ModifiedTime
	}

	clk.Advance(time.Minute)
	disabledAt := clk.Now().UTC().Format(isoTime)
	must(t, disableKey(cli, id))
	if status, modified := state(); status != 0 || modified != disabledAt {
		t.Errorf("after disable: status %d modified %s, want 0 %s", status, modified, disabledAt)
	}

	// No change, no new ModifiedTime.
	clk.Advance(time.Minute)
	must(t, disableKey(cli, id))
	if status, modified := state(); status != 0 || modified != disabledAt {
		t.Errorf("after second disable: status %d modified %s, want 0 %s", status, modified, disabledAt)
	}

	must(t, enableKey(cli, id))
	if status, modified := state(); status != 1 || modified != clk.Now().UTC().Format(isoTime) {
		t.Errorf("after enable: status %d modified %s", status, modified)
	}
	must(t, enableKey(cli, id))
	if k, _ := e.emu.Key(id); !k.Enabled {
		t.Error("emulator record not enabled")
	}

	wantCode(t, enableKey(cli, "no_such_key"), "ResourceNotFound.InvalidAccessKeyId")
	wantCode(t, disableKey(cli, "no_such_key"), "ResourceNotFound.InvalidAccessKeyId")
	_, err := cli.EnableApiKey(apigw.NewEnableApiKeyRequest())
	wantCode(t, err, "MissingParameter")
}

func TestDeleteApiKey(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	id := *createAuto(t, cli, "doomed").AccessKeyId

	wantCode(t, deleteKey(cli, id), "UnsupportedOperation.InvalidStatus")
	must(t, disableKey(cli, id))
	e.emu.SetKeyBoundToUsagePlan(id, true)
	wantCode(t, deleteKey(cli, id), "UnsupportedOperation.ResourceIsInUse")
	if _, ok := e.emu.Key(id); !ok {
		t.Fatal("rejected deletes removed the key")
	}
	e.emu.SetKeyBoundToUsagePlan(id, false)
	must(t, deleteKey(cli, id))

	if _, ok := e.emu.Key(id); ok {
		t.Error("key still present after DeleteApiKey")
	}
	_, err := describe(cli, id)
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")
	wantCode(t, deleteKey(cli, id), "ResourceNotFound.InvalidAccessKeyId")
}
