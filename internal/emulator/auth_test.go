package emulator_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func skewed(d time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(d) }
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	const id, key = emulator.DefaultSecretID, emulator.DefaultSecretKey
	custom := emulator.Options{SecretID: "AKIDcustomSecretId", SecretKey: "customSecretKey"}
	tests := []struct {
		name string
		opts emulator.Options
		cred common.CredentialIface
		want string
	}{
		{"default credentials", emulator.Options{}, common.NewCredential(id, key), ""},
		{"wrong secret key", emulator.Options{}, common.NewCredential(id, key+"x"), "AuthFailure.SignatureFailure"},
		{"unknown secret id", emulator.Options{}, common.NewCredential("AKIDunknown", key), "AuthFailure.SecretIdNotFound"},
		{"custom credentials", custom, common.NewCredential(custom.SecretID, custom.SecretKey), ""},
		{"default credentials on a custom server", custom, common.NewCredential(id, key), "AuthFailure.SecretIdNotFound"},
		{"server clock 10 minutes ahead", emulator.Options{Now: skewed(10 * time.Minute)}, common.NewCredential(id, key), "AuthFailure.SignatureExpire"},
		{"server clock 10 minutes behind", emulator.Options{Now: skewed(-10 * time.Minute)}, common.NewCredential(id, key), "AuthFailure.SignatureExpire"},
		{"4 minutes of skew is tolerated", emulator.Options{Now: skewed(4 * time.Minute)}, common.NewCredential(id, key), ""},
		{"token required but missing", emulator.Options{Token: "tok"}, common.NewCredential(id, key), "AuthFailure.TokenFailure"},
		{"wrong token", emulator.Options{Token: "tok"}, common.NewTokenCredential(id, key, "other"), "AuthFailure.TokenFailure"},
		{"right token", emulator.Options{Token: "tok"}, common.NewTokenCredential(id, key, "tok"), ""},
		{"wrong key with right token", emulator.Options{Token: "tok"}, common.NewTokenCredential(id, "bad", "tok"), "AuthFailure.SignatureFailure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := start(t, tt.opts)
			cli := newClient(t, e.host, tt.cred, nil)
			req := apigw.NewCreateApiKeyRequest()
			req.SecretName = common.StringPtr("auth-test")
			_, err := cli.CreateApiKey(req)
			wantCode(t, err, tt.want)

			wantKeys := 1
			if tt.want != "" {
				wantKeys = 0
			}
			if n := len(e.emu.Keys()); n != wantKeys {
				t.Errorf("%d keys after the call, want %d", n, wantKeys)
			}
			calls := e.emu.Calls()
			if len(calls) != 1 || calls[0].ErrorCode != tt.want || calls[0].Action != "CreateApiKey" || calls[0].SecretName != "auth-test" {
				t.Errorf("call log = %+v", calls)
			}
		})
	}
}

func TestInvalidAuthorization(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	rewrite := func(old, replacement string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, replacement, 1))
		}
	}
	tests := []struct {
		name   string
		mutate func(*http.Request)
	}{
		{"missing", func(r *http.Request) { r.Header.Del("Authorization") }},
		{"other scheme", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }},
		{"HMAC-SHA1 algorithm", rewrite("TC3-HMAC-SHA256 ", "TC3-HMAC-SHA1 ")},
		{"short credential", rewrite("/tc3_request", "")},
		{"bad date", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), time.Now().UTC().Format("2006-01-02"), "2024-13-45", 1))
		}},
		{"other service", rewrite("/apigateway/", "/cvm/")},
		{"other terminator", rewrite("/tc3_request", "/tc2_request")},
		{"no signature", func(r *http.Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", auth[:strings.Index(auth, ", Signature=")])
		}},
		{"signature not hex", rewrite("Signature=", "Signature=zz")},
		{"host not signed", rewrite("SignedHeaders=content-type;host", "SignedHeaders=content-type")},
		{"garbled element", rewrite(", SignedHeaders=", ", SignedHeaders ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := e.newRaw(t, rawRequest{action: "CreateApiKey", body: `{"SecretName":"x"}`, mutate: tt.mutate})
			if got := sendRaw(t, req).code(); got != "AuthFailure.InvalidAuthorization" {
				t.Errorf("code = %q, want AuthFailure.InvalidAuthorization (Authorization %q)", got, req.Header.Get("Authorization"))
			}
		})
	}
}

// TestSignatureCoversRequest checks that what is signed is what is verified,
// with a signer independent of the SDK.
func TestSignatureCoversRequest(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RateLimit: -1})
	const body = `{"SecretName":"raw"}`
	tests := []struct {
		name string
		rr   rawRequest
		want string
	}{
		{"valid", rawRequest{}, ""},
		{"more signed headers", rawRequest{signedHeaders: []string{"content-type", "host", "x-tc-action"}}, ""},
		{"content type with parameters", rawRequest{contentType: "application/json; charset=utf-8"}, ""},
		{"body changed", rawRequest{mutate: func(r *http.Request) {
			other := `{"SecretName":"evil"}`
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(other)), int64(len(other))
		}}, "AuthFailure.SignatureFailure"},
		{"content type changed", rawRequest{mutate: func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
		}}, "AuthFailure.SignatureFailure"},
		{"host changed", rawRequest{mutate: func(r *http.Request) { r.Host = "apigateway.tencentcloudapi.com" }}, "AuthFailure.SignatureFailure"},
		{"signed header changed", rawRequest{signedHeaders: []string{"content-type", "host", "x-tc-action"}, mutate: func(r *http.Request) {
			r.Header.Set("X-TC-Action", "DescribeApiKeysStatus")
		}}, "AuthFailure.SignatureFailure"},
		{"timestamp changed by a minute", rawRequest{mutate: shiftTimestamp(time.Minute)}, "AuthFailure.SignatureFailure"},
		{"timestamp changed by an hour", rawRequest{mutate: shiftTimestamp(time.Hour)}, "AuthFailure.SignatureExpire"},
		{"scope date is not the timestamp's", rawRequest{scopeDate: time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")}, "AuthFailure.SignatureFailure"},
		{"missing timestamp", rawRequest{mutate: func(r *http.Request) { r.Header.Del("X-TC-Timestamp") }}, "MissingParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rr := tt.rr
			rr.action, rr.body = "CreateApiKey", body
			if got := sendRaw(t, e.newRaw(t, rr)).code(); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
}

// shiftTimestamp moves X-TC-Timestamp after signing.
func shiftTimestamp(d time.Duration) func(*http.Request) {
	return func(r *http.Request) {
		ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
		r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts+int64(d/time.Second), 10))
	}
}

func TestUnsignedPayload(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := newClient(t, e.host, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), func(cpf *profile.ClientProfile) {
		cpf.UnsignedPayload = true
	})
	createAuto(t, cli, "unsigned")
}
