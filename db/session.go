package db

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Session scopes one top-level GraphQL field. A dry run inside it leaves its
// transaction open instead of rolling back at once, so every read made while
// resolving the rest of that field (nested connections of a preview) sees
// the previewed state. Close rolls the transaction back. Reads through a
// session are serialised, since one transaction is one connection.
type Session struct {
	mu      sync.Mutex
	tx      *sqlx.Tx
	release func() // gives the transaction's connection back to its account
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
	s.release()
	s.tx, s.release = nil, nil
	return err
}

// keep hands a dry run's open transaction, and the release of its
// connection slot, to the session in ctx and reports whether there was one to
// take it.
func keep(ctx context.Context, tx *sqlx.Tx, release func()) bool {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx != nil {
		s.tx.Rollback() //nolint:errcheck // superseded by a later dry run in the same field
		s.release()
	}
	s.tx, s.release = tx, release
	return true
}

// reads is the store's querier for reads outside a transaction: it runs
// each statement on what reader picks for the statement's context, so a dry
// run's preview reads its own open transaction and every other read the pool
// (within the account's share), without each store method choosing.
type reads struct{ s *Store }

// GetContext runs a one-row query on the context's connection.
func (r reads) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	db, done := r.s.reader(ctx)
	defer done()
	return db.GetContext(ctx, dest, query, args...)
}

// SelectContext runs a query on the context's connection.
func (r reads) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	db, done := r.s.reader(ctx)
	defer done()
	return db.SelectContext(ctx, dest, query, args...)
}

// ScanRows runs a query on the context's connection and, for each row,
// scans its columns into dest and calls each. On the pool the statement is
// kept prepared (for the compiled reads, whose statements repeat).
func (r reads) ScanRows(ctx context.Context, query string, args []any, dest []any, each func() error) error {
	db, done := r.s.reader(ctx)
	defer done()
	var rows *sql.Rows
	var err error
	if db == rowQuerier(r.s.db) {
		// On the pool (not a dry run's transaction), the statement is
		// kept prepared.
		var st *sqlx.Stmt
		if st, err = r.s.prep.stmt(ctx, query); err != nil {
			return err
		}
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = db.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := each(); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// ExecContext runs a statement on the context's connection.
func (r reads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db, done := r.s.reader(ctx)
	defer done()
	return db.ExecContext(ctx, query, args...)
}

// rowQuerier is a q that also reads rows of any shape (the pool and a
// transaction both are).
type rowQuerier interface {
	q
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// reader returns what reads in ctx run on: a session's open dry-run
// transaction (held exclusively until done is called), else the pool, with
// one of the account's connection slots held until done is called. When ctx
// ends while waiting for a slot, the pool is returned and the read fails with
// ctx's error.
func (s *Store) reader(ctx context.Context) (db rowQuerier, done func()) {
	if ss, ok := ctx.Value(sessionKey{}).(*Session); ok {
		ss.mu.Lock()
		if ss.tx != nil {
			return ss.tx, ss.mu.Unlock
		}
		ss.mu.Unlock()
	}
	release, err := s.tenants.acquire(ctx, tenantFrom(ctx))
	if err != nil {
		return s.db, func() {}
	}
	return s.db, release
}
