package db

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

// preparedTx runs a transaction's statements as statements prepared once per
// connection (kept in the store's cache of write statements), so a write
// path whose statements repeat in shape skips PostgreSQL's parse and
// analysis on every call. It is a q.
type preparedTx struct {
	tx    *sqlx.Tx
	stmts *prepared
}

// prepare returns query prepared on the transaction's connection (database/sql
// reuses the statement already prepared there), or an error when it cannot be
// prepared.
func (t preparedTx) prepare(ctx context.Context, query string) (*sqlx.Stmt, error) {
	st, err := t.stmts.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtxContext(ctx, st), nil
}

// GetContext runs a one-row query in the transaction.
func (t preparedTx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := t.prepare(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// SelectContext runs a query in the transaction.
func (t preparedTx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := t.prepare(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

// ExecContext runs a statement in the transaction.
func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}
