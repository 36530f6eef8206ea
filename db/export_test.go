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
