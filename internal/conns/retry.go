package conns

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRateLimit is the API's documented limit: 20 requests per second
// for each action.
const DefaultRateLimit = 20

// Backoff bounds for retries of transient errors. The operation's context
// deadline (the resource timeout) bounds the total.
const (
	minBackoff = 200 * time.Millisecond
	maxBackoff = 5 * time.Second
	// maxAttempts stops a call that has no deadline from retrying forever.
	maxAttempts = 30
)

// rateLimiters keeps one token bucket per API action, shared by every
// resource of a provider instance, so parallel applies stay under the API's
// per-action limit instead of learning it from RequestLimitExceeded.
type rateLimiters struct {
	perSecond rate.Limit
	burst     int
	mu        sync.Mutex
	byAction  map[string]*rate.Limiter
}

func newRateLimiters(perSecond int) *rateLimiters {
	if perSecond <= 0 {
		perSecond = DefaultRateLimit
	}
	// A burst of one spaces calls evenly. A larger burst would let each new
	// provider process (Terraform starts one per walk) spend a full second's
	// worth at once, on top of what the previous process just used.
	return &rateLimiters{perSecond: rate.Limit(perSecond), burst: 1, byAction: map[string]*rate.Limiter{}}
}

// wait blocks until the action may be called, or the context ends.
func (l *rateLimiters) wait(ctx context.Context, action string) error {
	return l.limiter(action).Wait(ctx)
}

// reserve takes the action's next turn now, for a call made when it comes
// (op.turn): the caller can use the wait for something else.
func (l *rateLimiters) reserve(action string) *rate.Reservation {
	return l.limiter(action).Reserve()
}

// waitTurn blocks until a reserved turn comes, or until the context ends,
// which gives the turn back to the callers behind it.
func waitTurn(ctx context.Context, turn *rate.Reservation) error {
	d := turn.Delay()
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		turn.Cancel()
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (l *rateLimiters) limiter(action string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.byAction[action]
	if !ok {
		lim = rate.NewLimiter(l.perSecond, l.burst)
		l.byAction[action] = lim
	}
	return lim
}

// backoff is the delay before retry number attempt (1-based): exponential,
// capped, with full jitter so that parallel callers spread out.
func backoff(attempt int) time.Duration {
	ceiling := minBackoff << min(attempt-1, 10)
	if ceiling > maxBackoff {
		ceiling = maxBackoff
	}
	return minBackoff/2 + rand.N(ceiling-minBackoff/2+1)
}

// sleep waits d or until the context ends; false means the context ended,
// or its deadline would pass before d is over.
func sleep(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
