package diagnostics

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
