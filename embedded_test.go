package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"contactid/app"
	"contactid/internal/pgcluster"
)

// mustEmbeddedDir returns an empty data directory the postgres OS user can
// reach (t.TempDir is private to the test's user).
func mustEmbeddedDir(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "contactid-embedded-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, "data")
}

// TestEmbeddedDatabase runs the default mode: a private cluster under
// DATA_DIR. `account create` works with no server running (it starts and
// stops the cluster) and while the server holds it (it attaches and leaves
// it running); the server's demo seed happens once and the data survives a
// restart.
func TestEmbeddedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	dir := mustEmbeddedDir(t)
	t.Setenv("DATABASE_URL", "")
	t.Setenv("DATA_DIR", dir)
	ctx := context.Background()
	t.Cleanup(func() { pgcluster.StopDataDir(ctx, filepath.Join(dir, "pg")) }) //nolint:errcheck // best effort if the test failed midway

	create := func(name string) map[string]string {
		t.Helper()
		var out bytes.Buffer
		if err := run([]string{"account", "create", "--name", name}, &out); err != nil {
			t.Fatalf("account create %s: %v", name, err)
		}
		var acct map[string]string
		if err := json.Unmarshal(out.Bytes(), &acct); err != nil || acct["token"] == "" {
			t.Fatalf("account create printed %q", out.String())
		}
		return acct
	}
	first := create("Before") // no server: starts the cluster, then stops it
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("cluster still running after account create: %v", err)
	}

	cfg, err := app.ConfigFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	m := &app.Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Open(ctx); err != nil {
		t.Fatalf("open embedded: %v", err)
	}
	if !m.Embedded() {
		t.Fatal("Main did not use the embedded cluster")
	}
	if err := m.AnnounceDemo(ctx); err != nil {
		t.Fatal(err)
	}
	second := create("During") // server running: attaches, leaves it up
	if err := m.Store.Ping(ctx); err != nil {
		t.Fatalf("account create stopped the server's database: %v", err)
	}
	for _, acct := range []map[string]string{first, second} {
		if _, err := m.Store.Authenticate(ctx, acct["token"]); err != nil {
			t.Fatalf("token of %s: %v", acct["accountId"], err)
		}
	}
	token, err := os.ReadFile(filepath.Join(dir, "demo-token"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("cluster still running after Close: %v", err)
	}

	// Restart without the saved demo token: same data, a new token for the
	// same demo account, no second demo account.
	if err := os.Remove(filepath.Join(dir, "demo-token")); err != nil {
		t.Fatal(err)
	}
	m2 := &app.Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m2.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m2.Close(ctx) //nolint:errcheck // test teardown
	if err := m2.AnnounceDemo(ctx); err != nil {
		t.Fatal(err)
	}
	newToken, err := os.ReadFile(filepath.Join(dir, "demo-token"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range [][]byte{token, newToken} {
		a, err := m2.Store.Authenticate(ctx, string(tok))
		if err != nil || a.Role != "ADMINISTRATOR" {
			t.Fatalf("demo token after restart: %+v %v", a, err)
		}
	}
	if string(newToken) == string(token) {
		t.Fatal("expected a fresh demo token")
	}
	var accounts int
	if err := m2.Store.DB().Get(&accounts, `SELECT count(*) FROM accounts`); err != nil || accounts != 3 {
		t.Fatalf("accounts after restart = %d (%v), want 3 (Before, Demo, During)", accounts, err)
	}
}
