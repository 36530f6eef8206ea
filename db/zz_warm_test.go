package db_test

import (
	"context"
	"testing"
	"time"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

func BenchmarkSeparate1kWarm(b *testing.B) {
	e := mustBenchEnv(b)
	ctx := context.Background()
	type one struct {
		orig  string
		convs []string
	}
	var seeds []one
	for i := 0; i < 2*b.N; i++ {
		o, c := e.contactWithHistory(b, 10, 100)
		seeds = append(seeds, one{o, c})
	}
	var store, raw []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := seeds[2*i]
		assign := make([]contact.RecordAssignment, len(s.convs))
		for j, c := range s.convs {
			assign[j] = contact.RecordAssignment{ID: c, Side: contact.SideNew}
		}
		store = append(store, timed(b, func() error {
			_, err := e.store.SeparateContact(ctx, e.actor, s.orig, contact.SeparateInput{
				FieldSplit:            contact.ContactFieldSplit{FirstName: &contact.StringSplit{Original: new("Jane"), New: new("Janet")}},
				ChildRecordAssignment: contact.ChildRecordAssignment{Conversations: assign}})
			return err
		}))
		r := seeds[2*i+1]
		orig, convs := r.orig, r.convs
		raw = append(raw, timed(b, func() error {
			return inTx(e.conn, func(tx *sqlx.Tx) error {
				acct := e.actor.AccountID
				if _, err := tx.Exec(`SELECT id FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE`, acct, orig); err != nil {
					return err
				}
				var newID string
				if err := tx.Get(&newID, `INSERT INTO contacts (account_id, first_name) VALUES ($1, 'Janet') RETURNING id`, acct); err != nil {
					return err
				}
				if _, err := tx.Exec(`UPDATE conversations SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3 AND id = ANY($4::uuid[])`,
					acct, newID, orig, pq.Array(convs)); err != nil {
					return err
				}
				_, err := tx.Exec(`UPDATE messages SET sender_contact_id = $2 WHERE account_id = $1 AND sender_contact_id = $3
					AND conversation_id = ANY($4::uuid[])`, acct, newID, orig, pq.Array(convs))
				return err
			})
		}))
	}
	report(b, store, raw)
}
