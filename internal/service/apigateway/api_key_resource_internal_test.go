package apigateway

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/fingerprint"
)

func TestStatusFromAPI(t *testing.T) {
	t.Parallel()
	for status, want := range map[int64]string{1: statusOn, 0: statusOff} {
		if got, err := statusFromAPI(status); err != nil || got != want {
			t.Errorf("statusFromAPI(%d) = %q, %v; want %q", status, got, err, want)
		}
	}
	for _, status := range []int64{2, -1, 100} {
		if got, err := statusFromAPI(status); err == nil {
			t.Errorf("statusFromAPI(%d) = %q; want an error for an undocumented status", status, got)
		}
	}
}

// The stored fingerprint is kept while it is the live secret's; another
// secret, or a fingerprint that cannot be checked, is drift and gets a new
// fingerprint of the live secret.
func TestSecretFingerprint(t *testing.T) {
	t.Parallel()
	const live = "s_live_secret_0123456789"
	stored, err := fingerprint.New(live)
	if err != nil {
		t.Fatal(err)
	}
	// The same secret under the first version's parameters: it matches,
	// and is made again with the current ones.
	const older = "$argon2id$v=19$m=512,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$3SaNx4Ig5bT5hxOp3r5eYN1wHEKlGasbjUXUTWKnqFM"
	if ok, err := fingerprint.Matches(older, live); !ok || err != nil {
		t.Fatalf("the older fingerprint does not match its secret: %v", err)
	}
	for name, tc := range map[string]struct {
		stored      types.String
		secret      string
		keep, drift bool
	}{
		"first fingerprint":        {stored: types.StringNull(), secret: live},
		"planned anew":             {stored: types.StringUnknown(), secret: live},
		"same secret":              {stored: types.StringValue(stored), secret: live, keep: true},
		"older parameters":         {stored: types.StringValue(older), secret: live},
		"changed outside":          {stored: types.StringValue(stored), secret: "s_other_secret_0123456", drift: true},
		"unreadable (tampered)":    {stored: types.StringValue("$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"), secret: live, drift: true},
		"not a fingerprint at all": {stored: types.StringValue(live), secret: live, drift: true},
	} {
		t.Run(name, func(t *testing.T) {
			fp, drifted, err := secretFingerprint(tc.stored, tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			if drifted != tc.drift {
				t.Errorf("drifted = %v, want %v", drifted, tc.drift)
			}
			if kept := fp == tc.stored.ValueString(); kept != tc.keep {
				t.Errorf("kept the stored fingerprint: %v, want %v", kept, tc.keep)
			}
			if ok, _ := fingerprint.Matches(fp, tc.secret); !ok {
				t.Errorf("the fingerprint is not the live secret's")
			}
		})
	}
}
