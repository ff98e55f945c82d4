package main

import (
	"strings"
	"testing"
)

// A re-run replaces tcbench's own report and keeps what follows the marker.
func TestKeptSections(t *testing.T) {
	kept := keptMarker + "\n\n## Secret fingerprints\n\n| case | cost |\n"
	old := "# Benchmarks\n\nold figures\n\n" + kept
	if got := keptSections(old); got != "\n"+kept {
		t.Errorf("keptSections = %q, want the marker and what follows", got)
	}
	if got := keptSections("# Benchmarks\n\nold figures\n"); got != "" {
		t.Errorf("keptSections without a marker = %q, want nothing", got)
	}
	rerun := render(options{parallelism: 10, sizes: []int{1}}, nil, 0, []int64{1, 1}) + keptSections(old)
	if !strings.Contains(rerun, "## Secret fingerprints") || strings.Contains(rerun, "old figures") {
		t.Errorf("a re-run's report does not keep exactly the kept sections:\n%s", rerun)
	}
}
