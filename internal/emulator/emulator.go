// Package emulator is an in-memory emulator of the TencentCloud API Gateway
// API-key and usage-plan actions (API version 2018-08-08).
//
// A *Server is an http.Handler that speaks the same wire protocol as
// apigateway.tencentcloudapi.com: TC3-HMAC-SHA256 signed JSON POSTs answered
// with the {"Response": ...} envelope that tencentcloud-sdk-go parses. It is
// meant to be used in-process by tests (through net/http/httptest) and as a
// standalone server (see cmd/tcemulator).
//
// Besides the API it offers what tests need and the real service cannot
// give: seeded fault injection, latency, switches for account-level
// conditions, out-of-band changes to keys (drift) and a log of every call.
package emulator

import (
	"math/rand"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Well-known values of the emulator.
const (
	DefaultSecretID  = "AKIDEmulatorTestSecretId000000000000"
	DefaultSecretKey = "EmulatorTestSecretKey0000000000000"
	APIVersion       = "2018-08-08"
	DefaultRateLimit = 20  // requests per second per action, as documented for UpdateApiKey
	DefaultKeyQuota  = 500 // maximum number of keys per account
)

// Service is the TC3 service name requests must be signed for.
const Service = "apigateway"

// Options configures a Server. The zero value is usable.
type Options struct {
	SecretID  string           // accepted SecretId ("" => DefaultSecretID)
	SecretKey string           // its key ("" => DefaultSecretKey)
	Token     string           // if non-empty the request must carry X-TC-Token equal to it
	RateLimit int              // requests per second per action; 0 => DefaultRateLimit; <0 => unlimited
	KeyQuota  int              // max number of keys; 0 => DefaultKeyQuota
	Now       func() time.Time // clock; nil => time.Now
	// UsagePlanQuotas are the usage-plan limits; zero fields => the documented defaults.
	UsagePlanQuotas UsagePlanQuotas
}

// Server is the emulator. It is safe for concurrent use.
type Server struct {
	// Immutable after New.
	secretID  string
	secretKey string
	token     string
	now       func() time.Time

	mu                sync.Mutex
	store             store
	quota             int
	planQuotas        UsagePlanQuotas
	rateLimit         int
	limiters          map[string]*rate.Limiter // per action, created lazily
	faults            Faults
	faultRNGs         map[string]*rand.Rand // per action, see Faults
	latency           time.Duration
	manualAllowlisted bool
	listQuirks        ListQuirks
	calls             []loggedCall
	seq               uint64 // arrival counter, orders the call log
	callsFloor        uint64 // calls that arrived at or before this seq are not logged (ResetCalls)
	gatewayCalls      []GatewayCall
	sts               stsState
}

// New returns an emulator with no keys.
func New(opts Options) *Server {
	s := &Server{
		secretID:          opts.SecretID,
		secretKey:         opts.SecretKey,
		token:             opts.Token,
		now:               opts.Now,
		store:             newStore(),
		manualAllowlisted: true,
	}
	if s.secretID == "" {
		s.secretID = DefaultSecretID
	}
	if s.secretKey == "" {
		s.secretKey = DefaultSecretKey
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.SetRateLimit(opts.RateLimit)
	s.SetKeyQuota(opts.KeyQuota)
	s.SetUsagePlanQuotas(opts.UsagePlanQuotas)
	s.SetFaults(Faults{})
	s.initSTS()
	return s
}

// SecretID returns the SecretId the server accepts.
func (s *Server) SecretID() string { return s.secretID }

// SecretKey returns the secret key of SecretID.
func (s *Server) SecretKey() string { return s.secretKey }

// Token returns the security token the server requires ("" if none).
func (s *Server) Token() string { return s.token }

// SetLatency adds d before each API call is handled. A client that gives up
// during the wait is not served: the call is logged as ErrorCodeCanceled and
// nothing is performed.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetManualKeyAllowlisted switches whether the account is on the manual-key
// allowlist (default true). When false, UpdateApiKey, EnableApiKey and
// DisableApiKey on a manual key answer UnsupportedOperation.UinNotInWhiteList.
func (s *Server) SetManualKeyAllowlisted(ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.manualAllowlisted = ok
}

// ListQuirks make DescribeApiKeysStatus page like a faulty service.
type ListQuirks struct {
	// IgnoreOffset answers every page from the first key.
	IgnoreOffset bool
	// ExtraTotalCount is added to the TotalCount answered.
	ExtraTotalCount int
}

// SetListQuirks switches faulty paging of DescribeApiKeysStatus on or off.
func (s *Server) SetListQuirks(q ListQuirks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listQuirks = q
}

// SetKeyQuota sets the maximum number of keys CreateApiKey allows
// (n <= 0 => DefaultKeyQuota). Existing keys are kept even above the quota.
func (s *Server) SetKeyQuota(n int) {
	if n <= 0 {
		n = DefaultKeyQuota
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota = n
}

// SetRateLimit sets the per-action limit in requests per second
// (0 => DefaultRateLimit, <0 => unlimited). Limiters start full again.
func (s *Server) SetRateLimit(perSecond int) {
	if perSecond == 0 {
		perSecond = DefaultRateLimit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit = perSecond
	s.limiters = make(map[string]*rate.Limiter)
}
