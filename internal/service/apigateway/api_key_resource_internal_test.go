package apigateway

import "testing"

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
