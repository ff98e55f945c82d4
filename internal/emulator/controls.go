package emulator

import (
	"net/http"
	"time"
)

// Control endpoints, for people and scripts. They bypass authentication and
// the call log; nothing under this prefix is an API path.
const (
	controlPrefix       = "/_emulator/"
	ControlCalls        = controlPrefix + "calls"         // GET: JSON array of Call
	ControlKeys         = controlPrefix + "keys"          // GET: JSON array of KeyView (no secrets)
	ControlUsagePlans   = controlPrefix + "usage-plans"   // GET: JSON array of UsagePlan, with their bindings
	ControlGatewayCalls = controlPrefix + "gateway-calls" // GET: JSON array of GatewayCall (the data plane's log)
	ControlResetCalls   = controlPrefix + "reset-calls"   // POST: empty the call log
)

// KeyView is a key as the control endpoint lists it: everything but the
// secret, so that the listing can be shown or logged safely.
type KeyView struct {
	AccessKeyID      string    `json:"AccessKeyId"`
	AccessKeyType    string    `json:"AccessKeyType"`
	SecretName       string    `json:"SecretName"`
	Enabled          bool      `json:"Enabled"`
	BoundToUsagePlan bool      `json:"BoundToUsagePlan"`
	CreatedTime      time.Time `json:"CreatedTime"`
	ModifiedTime     time.Time `json:"ModifiedTime"`
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	method := http.MethodGet
	if r.URL.Path == ControlResetCalls {
		method = http.MethodPost
	}
	switch r.URL.Path {
	case ControlCalls, ControlKeys, ControlUsagePlans, ControlGatewayCalls, ControlResetCalls:
	default:
		if s.serveOIDCControl(w, r) {
			return
		}
		http.NotFound(w, r)
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	switch r.URL.Path {
	case ControlCalls:
		writeJSON(w, http.StatusOK, s.Calls())
	case ControlKeys:
		keys := s.Keys()
		views := make([]KeyView, len(keys))
		for i, k := range keys {
			views[i] = KeyView{
				AccessKeyID:      k.AccessKeyID,
				AccessKeyType:    k.AccessKeyType,
				SecretName:       k.SecretName,
				Enabled:          k.Enabled,
				BoundToUsagePlan: k.BoundToUsagePlan,
				CreatedTime:      k.CreatedTime,
				ModifiedTime:     k.ModifiedTime,
			}
		}
		writeJSON(w, http.StatusOK, views)
	case ControlUsagePlans:
		writeJSON(w, http.StatusOK, s.UsagePlans())
	case ControlGatewayCalls:
		writeJSON(w, http.StatusOK, s.GatewayCalls())
	case ControlResetCalls:
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	}
}
