//go:build !unix

package fingerprint

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
