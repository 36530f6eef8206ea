package db

import (
	"context"
	"sync"
)

// tenantKey is the context key of the account whose work a context carries.
type tenantKey struct{}

// WithTenant returns ctx marked as doing database work for accountID, so the
// store counts that work against the account's share of the pool. Work in a
// context without a tenant (start-up, operator commands, authentication) is
// not counted.
func WithTenant(ctx context.Context, accountID string) context.Context {
	return context.WithValue(ctx, tenantKey{}, accountID)
}

// tenantFrom returns the account set by WithTenant, or "".
func tenantFrom(ctx context.Context) string {
	id, _ := ctx.Value(tenantKey{}).(string)
	return id
}

// accountLimiter bounds how many connections one account may hold at once,
// so one tenant cannot take the whole pool. Work over the limit waits for a
// slot until its context ends; it never fails for being over the limit.
type accountLimiter struct {
	max   int
	mu    sync.Mutex
	slots map[string]*accountSlots
}

// accountSlots is one account's semaphore and how many callers use it.
type accountSlots struct {
	sem   chan struct{}
	users int
}

// newAccountLimiter returns a limiter allowing max connections per account
// (no limit when max <= 0).
func newAccountLimiter(max int) *accountLimiter {
	return &accountLimiter{max: max, slots: map[string]*accountSlots{}}
}

// acquire waits for one of the account's slots and returns the function that
// gives it back. It returns ctx's error when ctx ends first.
func (l *accountLimiter) acquire(ctx context.Context, accountID string) (release func(), err error) {
	if l == nil || l.max <= 0 || accountID == "" {
		return func() {}, nil
	}
	l.mu.Lock()
	s := l.slots[accountID]
	if s == nil {
		s = &accountSlots{sem: make(chan struct{}, l.max)}
		l.slots[accountID] = s
	}
	s.users++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		if s.users--; s.users == 0 {
			delete(l.slots, accountID)
		}
		l.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.sem; done() }) }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}
