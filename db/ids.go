package db

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// pqArray passes a string slice as a PostgreSQL array parameter.
func pqArray(v []string) any { return pq.Array(v) }

// byID runs selectFrom (a SELECT … FROM <table> [alias], with no WHERE) for
// the account's rows among ids and returns them keyed by idOf. what names
// the rows in the error, which wraps the database's.
func byID[T any](ctx context.Context, db q, what, selectFrom, acct string, ids []string, idOf func(*T) string) (map[string]*T, error) {
	var rows []*T
	if err := db.SelectContext(ctx, &rows, selectFrom+` WHERE account_id = $1 AND id = ANY($2::uuid[])`,
		acct, pq.Array(validIDs(ids))); err != nil {
		return nil, fmt.Errorf("%s by id: %w", what, err)
	}
	out := make(map[string]*T, len(rows))
	for _, r := range rows {
		out[idOf(r)] = r
	}
	return out, nil
}
