package apigateway

import "testing"

func TestParseAttachmentID(t *testing.T) {
	t.Parallel()
	key, plan, ok := parseAttachmentID("AKIDabc123#usagePlan-q1w2e3r4")
	if !ok || key != "AKIDabc123" || plan != "usagePlan-q1w2e3r4" {
		t.Fatalf(`parseAttachmentID("AKIDabc123#usagePlan-q1w2e3r4") = %q, %q, %v`, key, plan, ok)
	}
	for _, id := range []string{
		"", "AKIDabc123", "#usagePlan-q1w2e3r4", "AKIDabc123#", "AKIDabc123#plan-1",
		"usagePlan-q1w2e3r4#AKIDabc123", "AKIDabc123#usagePlan-q1w2e3r4#x",
	} {
		if k, p, ok := parseAttachmentID(id); ok {
			t.Errorf("parseAttachmentID(%q) = %q, %q; want it refused", id, k, p)
		}
	}
}
