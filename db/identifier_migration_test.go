package db_test

import (
	"context"
	"strings"
	"testing"

	"contactid/db"
	"contactid/internal/pgtest"
)

// TestMigrateIdentifierUnique replays the identifier migration over data
// written before it: the oldest holder keeps a shared identifier, the others
// and an over-long one move to misc.formerIdentifier, and the unique index
// then holds.
func TestMigrateIdentifierUnique(t *testing.T) {
	conn := pgtest.NewDB(t)
	ctx := context.Background()
	long := strings.Repeat("x", 3000)
	for _, stmt := range []string{
		`DROP INDEX contacts_identifier_unique`,
		`DELETE FROM schema_migrations WHERE version = '0002_contact_identifier_unique'`,
		`INSERT INTO accounts (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'A'), ('00000000-0000-4000-8000-000000000002', 'B')`,
		`INSERT INTO contacts (account_id, id, identifier, created_at) VALUES
			('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a', 'dup', '2020-01-01'),
			('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000b', 'dup', '2021-01-01'),
			('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000000c', 'dup', '2022-01-01'),
			('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000000d', '` + long + `', '2022-01-01')`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%.60s: %v", stmt, err)
		}
	}
	if err := db.Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := conn.SelectContext(ctx, &got, `SELECT right(id::text, 1) || ':' || coalesce(left(identifier, 5), '-') || ':' ||
		coalesce(left(misc->>'formerIdentifier', 5), '-') FROM contacts ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a:dup:-", "b:-:dup", "c:dup:-", "d:-:xxxxx"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("contacts after the migration: %v, want %v", got, want)
	}
	_, err := conn.ExecContext(ctx, `UPDATE contacts SET identifier = 'dup' WHERE id = '00000000-0000-4000-8000-00000000000b'`)
	if err == nil {
		t.Fatal("a second contact of the account could take the identifier")
	}
}
