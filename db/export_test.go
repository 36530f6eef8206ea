package db

import (
	"contactid/contact"
	"context"
)

// ReadJournal exposes readJournal to the external tests: the journal row id
// of the account, decoded.
func ReadJournal(ctx context.Context, s *Store, acct, id string) (contact.JournalEntry, error) {
	return readJournal(ctx, s.db, acct, id)
}

// MoveToBaseSQL exposes the merge's journaled move of table's rows whose
// owner column col holds a mergee, as a plain statement: $1 the account,
// $2 the base, $3 the mergee.
func MoveToBaseSQL(table, col, idCol string) string {
	return moveToBase("k", table, col, idCol, "$2", "$3").stmt
}
