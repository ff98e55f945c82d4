// Package fingerprint keeps a salted, deliberately slow hash of a key secret
// in place of the secret, so that Terraform state can tell a secret changed
// outside Terraform without holding it.
//
// A fingerprint is an Argon2id hash (RFC 9106) in the PHC string format,
// which names the algorithm, its version and parameters, the salt and the
// hash: $argon2id$v=19$m=1024,t=1,p=1$<salt>$<hash>. A fingerprint keeps
// the parameters it was made with, so they can change in a later version
// and older fingerprints still verify.
package fingerprint

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters.
type Params struct {
	// MemoryKiB is the memory each hash fills, in KiB.
	MemoryKiB uint32
	// Iterations is the number of passes over that memory.
	Iterations uint32
	// Parallelism is the number of lanes.
	Parallelism uint8
}

// Current are the parameters of new fingerprints. A refresh verifies one
// fingerprint per key, and a plan may cover the account's quota of 400
// keys, all to fit in a second of CPU: at these parameters a fingerprint
// costs under a millisecond, about 0.3 s for the whole plan (BENCHMARKS.md),
// which leaves room for slower machines and for a drifted key's second
// hash. The memory (1 MiB a hash) stays small, as up to -parallelism keys
// are read at once. Guessing
// a secret costs an attacker the same per guess, on memory-hard work that
// suits GPUs poorly; a long random secret stays out of reach.
var Current = Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

// Bounds on the parameters that Verify accepts, so that a tampered state
// cannot make a refresh allocate gigabytes or run for minutes.
const (
	maxMemoryKiB   = 64 * 1024
	maxIterations  = 16
	maxParallelism = 8
)

const (
	algorithm = "argon2id"
	saltLen   = 16
	hashLen   = 32
)

var b64 = base64.RawStdEncoding

// ErrMalformed is returned for a string that is not a fingerprint this
// package can verify.
var ErrMalformed = errors.New("not an argon2id fingerprint")

// New fingerprints a secret with the current parameters and a fresh random salt.
func New(secret string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generating a salt: %w", err)
	}
	return format(Current, salt, hash(Current, salt, secret)), nil
}

// Matches reports whether secret is the secret that fp was made from. An
// error means fp is not a fingerprint it can check.
func Matches(fp, secret string) (bool, error) {
	p, salt, want, err := parse(fp)
	if err != nil {
		return false, err
	}
	got := hash(p, salt, secret)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// IsCurrent reports whether fp was made with the current parameters; one
// that was not is made again when its secret is next at hand.
func IsCurrent(fp string) bool {
	p, _, _, err := parse(fp)
	return err == nil && p == Current
}

func hash(p Params, salt []byte, secret string) []byte {
	return argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, hashLen)
}

func format(p Params, salt, sum []byte) string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", algorithm, argon2.Version,
		p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(sum))
}

func parse(fp string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(fp, "$")
	// "", algorithm, version, parameters, salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != algorithm {
		return p, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", ErrMalformed, parts[2])
	}
	var rest string
	n, _ := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d%s", &p.MemoryKiB, &p.Iterations, &p.Parallelism, &rest)
	if n != 3 || p.MemoryKiB == 0 || p.Iterations == 0 || p.Parallelism == 0 ||
		p.MemoryKiB > maxMemoryKiB || p.Iterations > maxIterations || p.Parallelism > maxParallelism ||
		p.MemoryKiB < 8*uint32(p.Parallelism) {
		return p, nil, nil, fmt.Errorf("%w: unsupported parameters %q", ErrMalformed, parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: bad salt", ErrMalformed)
	}
	sum, err := b64.DecodeString(parts[5])
	if err != nil || len(sum) < 16 {
		return p, nil, nil, fmt.Errorf("%w: bad hash", ErrMalformed)
	}
	return p, salt, sum, nil
}
