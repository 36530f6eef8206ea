package db_test

import (
	"context"
	"testing"
	"time"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// BenchmarkUndoMerge10k and BenchmarkUndoMerge100k undo a merge that moved
// 10,000 or 100,000 messages (100 or 1,000 conversations of 100 messages)
// through the store, alternating with the same moves back done by
// hand-written SQL (the mergee's row re-inserted, its conversations and
// sent messages given back by id, its redirect removed).
// Run: go test ./db -run '^$' -bench UndoMerge -benchtime 5x
func BenchmarkUndoMerge10k(b *testing.B)  { benchUndoMerge(b, 100, 100) }
func BenchmarkUndoMerge100k(b *testing.B) { benchUndoMerge(b, 1000, 100) }

// benchUndoMerge times undoing a merge of a mergee owning convs
// conversations of perConv messages.
func benchUndoMerge(b *testing.B, convs, perConv int) {
	e := mustBenchEnv(b)
	ctx := context.Background()
	merge := func() (base, mergee, journal string) {
		base, mergee = e.mergePair(b, convs, perConv)
		res, err := e.store.MergeContacts(ctx, e.actor, contact.MergeInput{BaseContactID: base, MergeeContactIDs: []string{mergee}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.conn.Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
		return base, mergee, res.JournalID
	}
	var store, raw []time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, _, journal := merge()
		b.StartTimer()
		store = append(store, timed(b, func() error {
			_, err := e.store.UndoOperation(ctx, e.actor, journal, contact.UndoInput{})
			return err
		}))
		b.StopTimer()
		base, mergee, journal := merge()
		var convIDs, msgIDs pq.StringArray
		if err := e.conn.Get(&convIDs, `SELECT ids FROM operation_journal_moves WHERE journal_id = $1 AND kind = 'conversations'`, journal); err != nil {
			b.Fatal(err)
		}
		if err := e.conn.Get(&msgIDs, `SELECT ids FROM operation_journal_moves WHERE journal_id = $1 AND kind = 'messages'`, journal); err != nil {
			b.Fatal(err)
		}
		raw = append(raw, timed(b, func() error {
			return inTx(e.conn, func(tx *sqlx.Tx) error {
				acct := e.actor.AccountID
				for _, st := range []struct {
					q    string
					args []any
				}{
					{`SELECT id FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE`, []any{acct, base}},
					{`INSERT INTO contacts (account_id, id, first_name) VALUES ($1, $2, 'Bench')`, []any{acct, mergee}},
					{`DELETE FROM contact_redirects WHERE account_id = $1 AND old_contact_id = $2`, []any{acct, mergee}},
					{`UPDATE conversations SET contact_id = $2 WHERE account_id = $1 AND id = ANY($3::uuid[])`, []any{acct, mergee, convIDs}},
					{`UPDATE messages SET sender_contact_id = $2 WHERE account_id = $1 AND id = ANY($3::uuid[])`, []any{acct, mergee, msgIDs}},
					{`UPDATE contacts SET first_name = 'Bench', version = version + 1 WHERE account_id = $1 AND id = $2`, []any{acct, base}},
				} {
					if _, err := tx.Exec(st.q, st.args...); err != nil {
						return err
					}
				}
				return nil
			})
		}))
		b.StartTimer()
	}
	report(b, store, raw)
}
