package emulator

import "golang.org/x/time/rate"

// allow takes a token from action's limiter. Limiters run on the server's
// clock, so a frozen Options.Now makes the limit exact in tests.
func (s *Server) allow(action string) (ok bool, limit int) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLimit < 0 {
		return true, s.rateLimit
	}
	l, found := s.limiters[action]
	if !found {
		l = rate.NewLimiter(rate.Limit(s.rateLimit), s.rateLimit)
		s.limiters[action] = l
	}
	return l.AllowN(now, 1), s.rateLimit
}

func requestLimitError(limit int) *apiError {
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	return newError("RequestLimitExceeded",
		"Your current request times exceeds the frequency limit `%d` for a second. Please reduce the frequency of calls.", limit)
}
