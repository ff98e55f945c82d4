package main

import (
	"os"
	"testing"
)

func TestSilenceDiscardedLogs(t *testing.T) {
	unset := func(t *testing.T, vars ...string) {
		for _, v := range vars {
			t.Setenv(v, "")
			_ = os.Unsetenv(v)
		}
	}
	t.Run("no TF_LOG: the CLI drops the logs, so they are off", func(t *testing.T) {
		unset(t, append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, loggerLevelVars...)...)
		t.Setenv("TF_LOG_SDK_PROTO", "DEBUG")
		silenceDiscardedLogs()
		for _, v := range loggerLevelVars {
			want := "off"
			if v == "TF_LOG_SDK_PROTO" {
				want = "DEBUG" // set explicitly: kept
			}
			if got := os.Getenv(v); got != want {
				t.Errorf("%s = %q, want %q", v, got, want)
			}
		}
	})
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		t.Run(v+" set: the logs are kept", func(t *testing.T) {
			unset(t, append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, loggerLevelVars...)...)
			t.Setenv(v, "TRACE")
			silenceDiscardedLogs()
			for _, l := range loggerLevelVars {
				if got, set := os.LookupEnv(l); set {
					t.Errorf("%s = %q, want it unset", l, got)
				}
			}
		})
	}
}
