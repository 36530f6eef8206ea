package db

import (
	"context"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statements the store keeps prepared: the fixed
// statements of authentication and the compiled reads of the most used
// selections. The least recently used is closed when a new one needs room.
const maxPrepared = 256

// prepared keeps statements prepared on the pool by SQL text, so
// PostgreSQL parses and plans a frequent statement once per connection
// instead of on every run.
type prepared struct {
	db    *sqlx.DB
	stmts *lru.Cache[string, *sqlx.Stmt]
}

// newPrepared returns an empty cache of statements prepared on conn.
func newPrepared(conn *sqlx.DB) (*prepared, error) {
	stmts, err := lru.NewWithEvict(maxPrepared, func(_ string, st *sqlx.Stmt) {
		// database/sql closes it on each connection once the connection
		// is no longer in use, so a run in progress completes.
		st.Close() //nolint:errcheck // nothing to do about it
	})
	if err != nil {
		return nil, err
	}
	return &prepared{db: conn, stmts: stmts}, nil
}

// stmt returns query prepared on the pool.
func (p *prepared) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := p.stmts.Get(query); ok {
		return st, nil
	}
	st, err := p.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if prev, ok, _ := p.stmts.PeekOrAdd(query, st); ok {
		// Prepared at the same time by another request: keep one.
		st.Close() //nolint:errcheck // never used
		return prev, nil
	}
	return st, nil
}
