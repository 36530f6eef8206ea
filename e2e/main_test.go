package e2e

import (
	"slices"
	"testing"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testServer is the harness's server (the real HTTP handler over a fresh
// database of its own) with the GraphQL helpers of these tests.
type testServer struct {
	*apptest.Server
}

// MustServer starts the service's handler on a new migrated database.
func MustServer(tb testing.TB) *testServer {
	tb.Helper()
	return &testServer{apptest.MustServer(tb)}
}

// MustServerOn starts the service's handler on the database at dsn, after
// configure (when not nil) has adjusted the Main.
func MustServerOn(tb testing.TB, dsn string, configure func(*app.Main)) *testServer {
	tb.Helper()
	return &testServer{apptest.MustServerOn(tb, dsn, configure)}
}

// userError is the shape of a payload's userErrors entry.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

// TestSmoke checks the harness: an authenticated viewer query.
func TestSmoke(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	var got struct {
		Viewer struct{ Role string } `json:"viewer"`
	}
	s.Do(t, a.Token, `{ viewer { role } }`, nil, &got)
	if got.Viewer.Role != "ADMINISTRATOR" {
		t.Fatalf("role = %q", got.Viewer.Role)
	}
}

// TestSnapshotCoversEveryTable checks that Snapshot, which proves that a
// rejected mutation changed nothing, reads every table that holds tenant
// data: each table with an account_id column, and accounts.
func TestSnapshotCoversEveryTable(t *testing.T) {
	s := MustServer(t)
	var tenant []string
	if err := s.DB.Select(&tenant, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'account_id' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	tables := apptest.SnapshotTables()
	for _, name := range append(tenant, "accounts") {
		if !slices.Contains(tables, name) {
			t.Errorf("Snapshot does not read the tenant table %s", name)
		}
	}
	for _, name := range tables {
		if s.Count(t, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, name) != 1 {
			t.Errorf("Snapshot reads %s, which is not a table", name)
		}
	}
}
