package pgtest

import (
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewDBIsolated(t *testing.T) {
	a, b := NewDB(t), NewDB(t)

	var nameA, nameB string
	if err := a.Get(&nameA, "SELECT current_database()"); err != nil {
		t.Fatal(err)
	}
	if err := b.Get(&nameB, "SELECT current_database()"); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("both pools use database %s", nameA)
	}

	if _, err := a.Exec("CREATE TABLE probe (v text); INSERT INTO probe VALUES ('only in a')"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := a.Get(&n, "SELECT count(*) FROM probe"); err != nil || n != 1 {
		t.Fatalf("row count in a = %d, %v; want 1", n, err)
	}
	var exists bool
	if err := b.Get(&exists, "SELECT to_regclass('probe') IS NOT NULL"); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatal("table created in a is visible in b")
	}
}

func TestNewDBMigrated(t *testing.T) {
	conn := NewDB(t)
	var n int
	if err := conn.Get(&n, "SELECT count(*) FROM schema_migrations"); err != nil {
		t.Fatalf("template was not migrated: %v", err)
	}
	if n == 0 {
		t.Fatal("schema_migrations is empty")
	}
}

func TestNewDSNParallel(t *testing.T) {
	for i := range 4 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			dsn := NewDSN(t)
			if dsn == "" {
				t.Fatalf("empty DSN %d", i)
			}
		})
	}
}
