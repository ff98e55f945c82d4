package fingerprint

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

const secret = "s_Q7tN3kYv9WmX2bR5cJ8hL1pF4dZ6gA0s"

func TestNewMatchesOnlyItsSecret(t *testing.T) {
	fp, err := New(secret)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Matches(fp, secret); err != nil || !ok {
		t.Fatalf("Matches(own secret) = %v, %v", ok, err)
	}
	for _, other := range []string{secret + "x", secret[:len(secret)-1], strings.ToUpper(secret), ""} {
		if ok, err := Matches(fp, other); err != nil || ok {
			t.Errorf("Matches(%q) = %v, %v; want false", other, ok, err)
		}
	}
}

// The fingerprint names its algorithm and parameters, and never holds the
// secret or an unsalted hash of it: each one has a fresh salt.
func TestNewIsSelfDescribingAndSalted(t *testing.T) {
	a, _ := New(secret)
	b, _ := New(secret)
	shape := regexp.MustCompile(`^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	for _, fp := range []string{a, b} {
		if !shape.MatchString(fp) {
			t.Errorf("fingerprint %q is not $argon2id$v=19$m=1024,t=1,p=1$<salt>$<hash>", fp)
		}
		if strings.Contains(fp, secret) {
			t.Errorf("fingerprint holds the secret")
		}
	}
	if a == b {
		t.Errorf("two fingerprints of one secret are equal: no fresh salt")
	}
	if !IsCurrent(a) {
		t.Errorf("a new fingerprint is not current")
	}
}

// A fingerprint keeps verifying after the parameters of new ones change:
// this literal was made with m=512,t=1,p=1 and a fixed salt, and one with
// other parameters verifies with its own.
func TestMatchesUsesTheFingerprintsOwnParameters(t *testing.T) {
	const known = "$argon2id$v=19$m=512,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$"
	salt := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	first := Params{MemoryKiB: 512, Iterations: 1, Parallelism: 1} // the first version's parameters
	fp := format(first, salt, hash(first, salt, secret))
	if !strings.HasPrefix(fp, known) {
		t.Fatalf("format changed: %q", fp)
	}
	if got := fp[len(known):]; got != "ycz/O1CK1YD4hIBbYAdJCgt1i8QUhoLTIu+XxA0prD0" {
		t.Errorf("the hash of a known secret and salt changed (%s): fingerprints in existing state would no longer verify", got)
	}
	if ok, err := Matches(fp, secret); err != nil || !ok {
		t.Errorf("a fingerprint with the first version's parameters does not verify: %v, %v", ok, err)
	}
	older := Params{MemoryKiB: 64, Iterations: 2, Parallelism: 2}
	oldFP := format(older, salt, hash(older, salt, secret))
	if ok, err := Matches(oldFP, secret); err != nil || !ok {
		t.Errorf("a fingerprint with other parameters does not verify: %v, %v", ok, err)
	}
	if ok, _ := Matches(oldFP, "s_another_secret_000"); ok {
		t.Errorf("a fingerprint with other parameters matches another secret")
	}
	if IsCurrent(oldFP) {
		t.Errorf("a fingerprint with other parameters is reported current")
	}
}

func TestMatchesRejectsMalformedAndCostlyFingerprints(t *testing.T) {
	good, _ := New(secret)
	parts := strings.Split(good, "$")
	salt, sum := parts[4], parts[5]
	for name, fp := range map[string]string{
		"empty":           "",
		"secret itself":   secret,
		"scrypt":          "$scrypt$ln=10,r=8,p=1$" + salt + "$" + sum,
		"argon2i":         "$argon2i$v=19$m=512,t=1,p=1$" + salt + "$" + sum,
		"old version":     "$argon2id$v=16$m=512,t=1,p=1$" + salt + "$" + sum,
		"missing hash":    "$argon2id$v=19$m=512,t=1,p=1$" + salt,
		"bad base64":      "$argon2id$v=19$m=512,t=1,p=1$" + salt + "$!!!",
		"short salt":      "$argon2id$v=19$m=512,t=1,p=1$AAAA$" + sum,
		"zero iterations": "$argon2id$v=19$m=512,t=0,p=1$" + salt + "$" + sum,
		"4 GiB memory":    "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + sum,
		"1000 passes":     "$argon2id$v=19$m=512,t=1000,p=1$" + salt + "$" + sum,
		"trailing text":   "$argon2id$v=19$m=512,t=1,p=1x$" + salt + "$" + sum,
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := Matches(fp, secret)
			if ok || !errors.Is(err, ErrMalformed) {
				t.Errorf("Matches = %v, %v; want false, ErrMalformed", ok, err)
			}
		})
	}
}

// BenchmarkSecretFingerprint measures the CPU a plan spends on
// fingerprints: a refresh verifies one per key ("verify"), a create or a
// secret change makes one ("new"). "plan of 400 keys" verifies the
// account's quota of keys one after another: its cpu-ms/plan is the CPU of
// one plan's fingerprints, all threads counted (the target is at most one
// second).
func BenchmarkSecretFingerprint(b *testing.B) {
	fp, err := New(secret)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			if _, err := New(secret); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if ok, _ := Matches(fp, secret); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("plan of 400 keys", func(b *testing.B) {
		fps := make([]string, 400)
		for i := range fps {
			fps[i], _ = New(secret)
		}
		cpuBefore, cpuOK := processCPU()
		n := 0
		for b.Loop() {
			n++
			for _, fp := range fps {
				if ok, _ := Matches(fp, secret); !ok {
					b.Fatal("no match")
				}
			}
		}
		// CPU rather than wall time: the garbage collector's work on the
		// other cores counts against the budget too.
		if cpuAfter, ok := processCPU(); ok && cpuOK {
			b.ReportMetric(float64(cpuAfter-cpuBefore)/float64(n)/1e6, "cpu-ms/plan")
		}
	})
}
