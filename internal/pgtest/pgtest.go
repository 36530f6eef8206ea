// Package pgtest gives each test its own freshly migrated PostgreSQL
// database, cloned from a per-process template.
//
// By default a throwaway cluster is started once per test process (see
// package pgcluster), in /dev/shm when that is a roomy tmpfs; set
// TEST_DATABASE_URL to use an existing server instead. Packages using it
// must call Main from TestMain. The template is migrated with db.Migrate, so
// tests of package db itself must live in package db_test.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// mainActive records that Main is running the tests, so that the shared
// server is cleaned up afterwards.
var mainActive atomic.Bool

// Main runs the tests, then drops the template database, stops the shared
// cluster (when one was started) and removes its directory, and exits with
// the tests' status. Call it from TestMain. It does not return. An
// interrupt (SIGINT/SIGTERM) also triggers the cleanup before exiting.
func Main(m *testing.M) {
	mainActive.Store(true)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "pgtest: %v: cleaning up\n", sig)
		teardown()
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(sigs)
	teardown()
	os.Exit(code)
}

// NewDB returns an open connection pool (driver "postgres") on a new,
// migrated database of its own. The test's cleanup closes the pool and
// drops the database. Any failure ends the test with tb.Fatalf.
func NewDB(tb testing.TB) *sqlx.DB {
	tb.Helper()
	dsn := NewDSN(tb)
	conn, err := sqlx.Connect("postgres", dsn)
	if err != nil {
		tb.Fatalf("pgtest: connecting to test database: %v", err)
	}
	tb.Cleanup(func() { conn.Close() }) // runs before the drop registered by NewDSN
	return conn
}

// NewDSN returns the lib/pq connection string of a new, migrated database
// of its own, for code that opens its own pool. The test's cleanup drops
// the database, disconnecting any remaining sessions. Any failure ends the
// test with tb.Fatalf.
func NewDSN(tb testing.TB) string {
	tb.Helper()
	if !mainActive.Load() {
		tb.Fatalf("pgtest: add `func TestMain(m *testing.M) { pgtest.Main(m) }` to this package's tests")
	}
	s, err := shared()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	name := "t_" + randomHex()
	if err := s.createFromTemplate(name); err != nil {
		tb.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	return s.dsn(name)
}
