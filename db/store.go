// Package db is the store: contacts and everything they own in PostgreSQL,
// with the business rules of every mutation. Every call is confined to the
// caller's account.
package db

import (
	"contactid/contact"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Store is the PostgreSQL-backed store.
type Store struct {
	db      *sqlx.DB
	rd      reads // every read outside a transaction goes through it
	events  func(context.Context, Event)
	tenants *accountLimiter
	prep    *prepared // statements kept prepared on the pool
	writes  *prepared // the write paths' statements, kept prepared (see preparedTx)
	hints   *tokenHints

	webhookCheck WebhookURLCheck // vets createWebhook's URLs (see SetWebhookURLCheck)
}

// q is what store code runs statements on; *sqlx.DB, *sqlx.Tx and the
// store's request reader (see reads) satisfy it.
type q interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Options bound what the store may use of the database. Zero fields take
// the defaults below.
type Options struct {
	// MaxConns is the size of the connection pool.
	MaxConns int
	// AccountMaxConns is how many of those one account may hold at once;
	// work over it waits for a free slot.
	AccountMaxConns int
	// StatementTimeout is set on every connection: PostgreSQL cancels any
	// statement that runs longer.
	StatementTimeout time.Duration
	// WrapConnector, when set, wraps the pool's connector (after the
	// session settings), e.g. to observe every statement in tests.
	WrapConnector func(driver.Connector) driver.Connector
}

// Defaults of Options.
const (
	DefaultMaxConns         = 20
	DefaultStatementTimeout = 10 * time.Second
)

// withDefaults fills zero fields: AccountMaxConns defaults to half the pool.
func (o Options) withDefaults() Options {
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.AccountMaxConns <= 0 {
		o.AccountMaxConns = max(1, o.MaxConns/2)
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = DefaultStatementTimeout
	}
	return o
}

// Open connects to the database at dsn with the limits in opts and checks
// that it answers. The error wraps the driver's.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		kv, err := pq.ParseURL(dsn)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		dsn = kv
	}
	// binary_parameters sends a statement with its parameters in one round
	// trip instead of two (byte parameters then travel in binary form, so
	// JSON values are passed as strings).
	pc, err := pq.NewConnector(dsn + " binary_parameters=yes")
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	var connector driver.Connector = sessionSettings{Connector: pc,
		set: fmt.Sprintf("SET statement_timeout = %d; SET TimeZone = 'UTC'", opts.StatementTimeout.Milliseconds())}
	if opts.WrapConnector != nil {
		connector = opts.WrapConnector(connector)
	}
	conn := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	conn.SetMaxOpenConns(opts.MaxConns)
	conn.SetMaxIdleConns(opts.MaxConns)
	conn.SetConnMaxIdleTime(5 * time.Minute)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s := New(conn)
	s.tenants = newAccountLimiter(opts.AccountMaxConns)
	return s, nil
}

// sessionSettings is a connector that runs set on every new connection, so
// settings such as the statement timeout hold per connection, whatever the
// request.
type sessionSettings struct {
	driver.Connector
	set string
}

// Connect opens a connection and applies the settings.
func (c sessionSettings) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("connect: driver cannot execute session settings")
	}
	if _, err := ex.ExecContext(ctx, c.set, nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect: session settings: %w", err)
	}
	return conn, nil
}

// New wraps an open connection pool.
func New(conn *sqlx.DB) *Store {
	prep, err := newPrepared(conn)
	if err != nil {
		panic(err) // only for a size below one
	}
	writes, err := newPrepared(conn)
	if err != nil {
		panic(err)
	}
	s := &Store{db: conn, prep: prep, writes: writes, hints: newTokenHints()}
	s.rd = reads{s}
	return s
}

// DB returns the underlying pool.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies pending migrations to the store's database. Errors are the database's, wrapped.
func (s *Store) Migrate(ctx context.Context) error { return Migrate(ctx, s.db) }

// Ping reports whether the database answers. Errors are the database's, wrapped.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the pool. Errors are the database's, wrapped.
func (s *Store) Close() error {
	s.prep.stmts.Purge()
	s.writes.stmts.Purge()
	return s.db.Close()
}

// maxAttempts bounds how often a transaction is retried after a
// serialization failure or deadlock.
const maxAttempts = 5

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction with jittered backoff on serialization failure (40001) or
// deadlock (40P01). fn must be safe to run again. When fn returns an error the
// transaction is rolled back and the error returned as is.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.runTx(ctx, false, fn)
}

// runTx is inTx, except that with dryRun set a successful fn is not
// committed: its transaction goes to the Session in ctx, which rolls it back
// when the GraphQL field is resolved, or is rolled back at once when there
// is no Session.
func (s *Store) runTx(ctx context.Context, dryRun bool, fn func(tx *sqlx.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = s.tryTx(ctx, dryRun, fn)
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return err
		}
		backoff := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return err
}

// tryTx runs fn in one transaction.
// The transaction's connection counts against the account's share of the
// pool until it is committed or rolled back.
func (s *Store) tryTx(ctx context.Context, dryRun bool, fn func(tx *sqlx.Tx) error) error {
	release, err := s.tenants.acquire(ctx, tenantFrom(ctx))
	if err != nil {
		return fmt.Errorf("wait for a database connection: %w", err)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		release()
		return fmt.Errorf("begin: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			tx.Rollback() //nolint:errcheck // no-op after commit
			release()
		}
	}()
	if err := fn(tx); err != nil {
		if badText(err) {
			return contact.UserErrors{{Field: []string{"input"}, Code: contact.Invalid, Message: "text must not contain NUL characters"}}
		}
		return err
	}
	if dryRun {
		kept = keep(ctx, tx, release)
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports whether err is a serialization failure or deadlock.
func retryable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// IsCanceled reports whether err comes from work stopped before it finished:
// its context ended (the request's deadline passed or its client left), or
// PostgreSQL cancelled the statement (statement timeout, cancel request).
func IsCanceled(err error) bool {
	var pe *pq.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.As(err, &pe) && pe.Code == "57014"
}

// badText reports whether PostgreSQL refused a string it cannot store (a NUL
// character in text or jsonb).
func badText(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}

// uniqueViolation reports whether err is a unique violation of constraint
// (any constraint when constraint is empty).
func uniqueViolation(err error, constraint string) bool {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return constraint == "" || pe.Constraint == constraint
	}
	return false
}
