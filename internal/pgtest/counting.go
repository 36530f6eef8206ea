package pgtest

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
)

// Counting returns a connector wrapper (for db.Options.WrapConnector) that
// adds one to n for every statement a connection sends: each query, each
// exec, each run of a prepared statement, and BEGIN, COMMIT and ROLLBACK. Session settings applied when a
// connection opens are not counted.
func Counting(n *atomic.Int64) func(driver.Connector) driver.Connector {
	return func(c driver.Connector) driver.Connector { return countingConnector{Connector: c, n: n} }
}

// countingConnector opens counting connections.
type countingConnector struct {
	driver.Connector
	n *atomic.Int64
}

// Connect opens a counting connection.
func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: conn, n: c.n}, nil
}

// countingConn is a lib/pq connection that counts its statements.
type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

// QueryContext counts and runs a query.
func (c countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

// ExecContext counts and runs a statement.
func (c countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

// PrepareContext prepares a statement whose runs are counted (preparing,
// done once per connection, is not).
func (c countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return countingStmt{Stmt: st, n: c.n}, nil
}

// countingStmt is a prepared lib/pq statement that counts its runs.
type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
}

// QueryContext counts and runs the statement's query.
func (s countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// ExecContext counts and runs the statement.
func (s countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// BeginTx counts BEGIN and returns a transaction that counts its end.
func (c countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.Add(1)
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, n: c.n}, nil
}

// CheckNamedValue lets the driver convert its own parameter types.
func (c countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

// countingTx counts COMMIT and ROLLBACK.
type countingTx struct {
	driver.Tx
	n *atomic.Int64
}

// Commit counts and commits.
func (t countingTx) Commit() error { t.n.Add(1); return t.Tx.Commit() }

// Rollback counts and rolls back.
func (t countingTx) Rollback() error { t.n.Add(1); return t.Tx.Rollback() }
