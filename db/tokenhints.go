package db

import (
	"contactid/contact"
	"errors"

	lru "github.com/hashicorp/golang-lru/v2"
)

// maxTokenHints bounds the tokens whose caller the store remembers.
const maxTokenHints = 4096

// ErrUnverified is returned by a guarded read (one given a Guard) that read
// nothing: either the token no longer belongs to the caller the read assumed,
// or there was nothing to read. The caller authenticates the token the usual
// way to tell which.
var ErrUnverified = errors.New("read not verified against the token")

// Guard makes a compiled read check, in the statement that reads, that
// Token still belongs to the caller the read is for (same account, user and
// role); the read then returns rows only if it does. A zero Guard checks
// nothing (the caller was authenticated before).
type Guard struct{ Token string }

// tokenHints remembers the caller of each API token recently authenticated,
// keyed by the token's digest. A hint is never trusted alone: it only tells
// which account a guarded read is for, and the read verifies it.
type tokenHints = lru.Cache[string, contact.Actor]

// newTokenHints returns an empty hint cache.
func newTokenHints() *tokenHints {
	c, err := lru.New[string, contact.Actor](maxTokenHints)
	if err != nil {
		panic(err) // only for a size below one
	}
	return c
}

// TokenHint returns the caller token belonged to when it was last
// authenticated, if the store remembers it. The hint may be stale (the token
// revoked, the user's role changed): use it only for a guarded read, or
// authenticate.
func (s *Store) TokenHint(token string) (contact.Actor, bool) {
	return s.hints.Get(string(hashToken(token)))
}

// ForgetToken drops token's hint, after a guarded read or an
// authentication found it stale.
func (s *Store) ForgetToken(token string) { s.hints.Remove(string(hashToken(token))) }

// guardSQL returns the condition that the guard's token belongs to a (account
// $1), adding its parameters to b; "" for a zero guard.
func (b *jsonBuilder) guardSQL(g Guard, a contact.Actor) string {
	if g.Token == "" {
		return ""
	}
	return ` AND EXISTS (SELECT 1 FROM api_tokens t JOIN users u ON u.account_id = t.account_id AND u.id = t.user_id
		WHERE t.token_hash = ` + b.param(hashToken(g.Token)) + ` AND t.account_id = $1 AND t.user_id = ` + b.param(a.UserID) +
		`::uuid AND u.role = ` + b.param(string(a.Role)) + `)`
}
