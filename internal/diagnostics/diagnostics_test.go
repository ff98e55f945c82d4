package diagnostics

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// apiError makes the client return the error that the emulator answers
// for a request signed with the given key and clock.
func apiError(t *testing.T, opts emulator.Options, secretKey string) error {
	t.Helper()
	emu := emulator.New(opts)
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	client, err := conns.New(conns.Config{SecretID: emu.SecretID(), SecretKey: secretKey, Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeAPIKey(context.Background(), "AKIDany")
	if err == nil {
		t.Fatal("expected an error")
	}
	return err
}

func TestAPIErrorSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	skewed := func() time.Time { return time.Now().Add(10 * time.Minute) }
	cases := map[string]struct {
		err  error
		want []string
	}{
		"wrong key": {
			err:  apiError(t, emulator.Options{}, "not-the-key"),
			want: []string{"AuthFailure.SignatureFailure", "SecretId " + emulator.DefaultSecretID, "check that the SecretId and SecretKey"},
		},
		"clock skew": {
			err:  apiError(t, emulator.Options{Now: skewed}, emulator.DefaultSecretKey),
			want: []string{"AuthFailure.SignatureExpire", "check this machine's clock"},
		},
		"not found": {
			err:  apiError(t, emulator.Options{}, emulator.DefaultSecretKey),
			want: []string{"ResourceNotFound.InvalidAccessKeyId", "RequestId"},
		},
		"timeout": {
			err:  fmt.Errorf("wrapped: %w", context.DeadlineExceeded),
			want: []string{"did not finish within its timeout"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := APIError("Error reading the key", tc.err, emulator.DefaultSecretID)
			for _, want := range tc.want {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, d.Detail())
				}
			}
			if strings.Contains(d.Detail(), emulator.DefaultSecretKey) {
				t.Errorf("detail shows the secret key:\n%s", d.Detail())
			}
		})
	}
}

// After a failed delete the diagnostic says whether the key is on again,
// names it when it is not, and says how to finish: for a key bound to a
// usage plan, the attachment resource, unbinding (console or tccli), or
// terraform state rm. A delete that disabled nothing says nothing about
// turning the key on.
func TestDeleteFailedAfterDisable(t *testing.T) {
	t.Parallel()
	deleteErr := &conns.APIError{Action: "DeleteApiKey", Code: conns.CodeResourceIsInUse, Message: "bound", RequestID: "req-1"}
	otherErr := &conns.APIError{Action: "DeleteApiKey", Code: conns.CodeInternalError, Message: "boom", RequestID: "req-2"}
	restored := DeleteFailedAfterDisable("AKIDkey", deleteErr, nil, emulator.DefaultSecretID)
	stillOff := DeleteFailedAfterDisable("AKIDkey", deleteErr,
		&conns.APIError{Action: "EnableApiKey", Code: conns.CodeInternalError, Message: "boom"}, emulator.DefaultSecretID)
	wayOut := []string{"API key AKIDkey is still bound to a usage plan", "tencentcloud_api_gateway_api_key_attachment",
		"AKIDkey#<usage plan ID>", "API Gateway console",
		`tccli apigateway UnBindSecretIds --UsagePlanId <usage plan ID> --AccessKeyIds '["AKIDkey"]'`, "terraform state rm"}
	cases := map[string]struct {
		d         diag.Diagnostic
		want, not []string
	}{
		"re-enabled": {
			d: restored,
			want: append([]string{"DeleteApiKey failed: [" + conns.CodeResourceIsInUse + "]", "req-1", "has been enabled again"},
				wayOut...),
			not: []string{"DISABLED"},
		},
		"left off": {
			d: stillOff,
			want: append([]string{"enabling it again failed: EnableApiKey failed: [InternalError] boom", "API key AKIDkey is now DISABLED",
				"EnableApiKey --AccessKeyId AKIDkey"}, wayOut...),
			not: []string{"has been enabled again"},
		},
		"bound, not disabled here": {
			d:    DeleteFailed("AKIDkey", deleteErr, emulator.DefaultSecretID),
			want: append([]string{"DeleteApiKey failed: [" + conns.CodeResourceIsInUse + "]", "req-1"}, wayOut...),
			not:  []string{"enabled again", "was disabled", "DISABLED", "EnableApiKey"},
		},
		"other failure, not disabled here": {
			d:    DeleteFailed("AKIDkey", otherErr, emulator.DefaultSecretID),
			want: []string{"DeleteApiKey failed: [InternalError] boom", "req-2", "remove the cause above", "terraform state rm"},
			not:  []string{"enabled again", "was disabled", "usage plan", "api_key_attachment"},
		},
	}
	for name, tc := range cases {
		detail := tc.d.Detail()
		for _, w := range tc.want {
			if !strings.Contains(detail, w) {
				t.Errorf("%s: detail lacks %q:\n%s", name, w, detail)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(detail, n) {
				t.Errorf("%s: detail has %q:\n%s", name, n, detail)
			}
		}
		// The way out is said once, not also as the code's short hint.
		if strings.Contains(detail, hints[conns.CodeResourceIsInUse]) {
			t.Errorf("%s: detail repeats the hint:\n%s", name, detail)
		}
		if tc.d.Summary() != "Error deleting API key AKIDkey" {
			t.Errorf("%s: summary %q", name, tc.d.Summary())
		}
	}
}
