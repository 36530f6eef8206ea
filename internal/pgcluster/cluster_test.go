package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
)

func TestClusterLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	root, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := Options{DataDir: filepath.Join(root, "data"), Fast: true}

	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	if !c.Owned() {
		t.Fatal("first Start: Owned() = false, want true")
	}
	mustExec(t, c, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")

	attached, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if attached.Owned() {
		t.Fatal("second Start: Owned() = true, want false")
	}
	if got := queryInt(t, attached, "SELECT 1"); got != 1 {
		t.Fatalf("SELECT 1 via attached cluster = %d", got)
	}
	if err := attached.Stop(ctx); err != nil {
		t.Fatalf("Stop on attached cluster: %v", err)
	}
	if got := queryInt(t, c, "SELECT 1"); got != 1 {
		t.Fatal("server went away after Stop on attached cluster")
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(opts.DataDir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid still present after Stop (err=%v)", err)
	}

	restarted, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer restarted.Stop(context.Background())
	if !restarted.Owned() {
		t.Fatal("restart: Owned() = false, want true")
	}
	if got := queryInt(t, restarted, "SELECT v FROM kept"); got != 42 {
		t.Fatalf("data after restart = %d, want 42", got)
	}
	if err := restarted.Stop(ctx); err != nil {
		t.Fatalf("final Stop: %v", err)
	}
}

func mustExec(t *testing.T, c *Cluster, query string) {
	t.Helper()
	db := open(t, c)
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func queryInt(t *testing.T, c *Cluster, query string) int {
	t.Helper()
	db := open(t, c)
	var n int
	if err := db.Get(&n, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func open(t *testing.T, c *Cluster) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Connect("postgres", c.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect %s: %v", c.DSN("postgres"), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
