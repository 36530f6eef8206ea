// Package db is the store: contacts and everything they own in PostgreSQL,
// with the business rules of every mutation. Every call is confined to the
// caller's account.
package db

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Store is the PostgreSQL-backed store.
type Store struct {
	db     *sqlx.DB
	events func(context.Context, Event)
}

// q is the narrow query interface both *sqlx.DB and *sqlx.Tx satisfy.
type q = sqlx.ExtContext

// Open connects to the database at dsn and checks that it answers. The error wraps the driver's.
func Open(ctx context.Context, dsn string) (*Store, error) {
	conn, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	conn.SetMaxOpenConns(20)
	conn.SetMaxIdleConns(20)
	conn.SetConnMaxIdleTime(5 * time.Minute)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{db: conn}, nil
}

// New wraps an open connection pool.
func New(conn *sqlx.DB) *Store { return &Store{db: conn} }

// DB returns the underlying pool.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies pending migrations to the store's database. Errors are the database's, wrapped.
func (s *Store) Migrate(ctx context.Context) error { return Migrate(ctx, s.db) }

// Ping reports whether the database answers. Errors are the database's, wrapped.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the pool. Errors are the database's, wrapped.
func (s *Store) Close() error { return s.db.Close() }

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
func (s *Store) tryTx(ctx context.Context, dryRun bool, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			tx.Rollback() //nolint:errcheck // no-op after commit
		}
	}()
	if err := fn(tx); err != nil {
		if badText(err) {
			return UserErrors{{Field: []string{"input"}, Code: Invalid, Message: "text must not contain NUL characters"}}
		}
		return err
	}
	if dryRun {
		kept = keep(ctx, tx)
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
