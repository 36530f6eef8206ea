package db

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Session scopes one top-level GraphQL field. A dry run inside it leaves its
// transaction open instead of rolling back at once, so every read made while
// resolving the rest of that field (nested connections of a preview) sees
// the previewed state. Close rolls the transaction back. Reads through a
// session are serialised, since one transaction is one connection.
type Session struct {
	mu sync.Mutex
	tx *sqlx.Tx
}

// sessionKey is the context key of the current Session.
type sessionKey struct{}

// WithSession returns ctx carrying a new Session, and the Session to Close
// when the field is resolved.
func WithSession(ctx context.Context) (context.Context, *Session) {
	s := &Session{}
	return context.WithValue(ctx, sessionKey{}, s), s
}

// Close rolls back a dry run's transaction, if the session holds one.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx == nil {
		return nil
	}
	err := s.tx.Rollback()
	s.tx = nil
	return err
}

// keep hands a dry run's open transaction to the session in ctx and reports
// whether there was one to take it.
func keep(ctx context.Context, tx *sqlx.Tx) bool {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx != nil {
		s.tx.Rollback() //nolint:errcheck // superseded by a later dry run in the same field
	}
	s.tx = tx
	return true
}

// reader returns what reads in ctx run on: a session's open dry-run
// transaction (held exclusively until done is called), else the pool.
func (s *Store) reader(ctx context.Context) (db q, done func()) {
	if ss, ok := ctx.Value(sessionKey{}).(*Session); ok {
		ss.mu.Lock()
		if ss.tx != nil {
			return ss.tx, ss.mu.Unlock
		}
		ss.mu.Unlock()
	}
	return s.db, func() {}
}
