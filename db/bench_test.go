package db_test

import (
	"context"
	"flag"
	"slices"
	"testing"
	"time"

	"contactid/contact"
	"contactid/db"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// coldBench makes the merge, separation and undo benchmarks empty the tables
// with TRUNCATE and collect statistics again before every timed call, as
// they did before. Every call then pays first-use costs for each table it
// touches (new files to extend, relation descriptors, plans and
// foreign-key checks prepared again), which a running server does not pay,
// and the store, which also writes the journal and the outbox, touches more
// tables than the hand-written SQL. By default the benchmarks measure a
// server that has been running: the tables keep their files, statistics and
// cached plans, each iteration seeds new contacts and deletes the previous
// ones. Run: go test ./db -run '^$' -bench Separate -args -cold
var coldBench = flag.Bool("cold", false, "empty the tables with TRUNCATE and ANALYZE before every timed call")

// mustBenchEnv prepares a fresh database with an account and an inbox.
func mustBenchEnv(b *testing.B) *journalEnv {
	return newTestEnv(b, db.New(pgtest.NewDB(b)))
}

// contactWithHistory creates a contact owning convs conversations of
// perConv messages each, all sent by the contact, and returns its id and its
// conversation ids.
func (e *journalEnv) contactWithHistory(b *testing.B, convs, perConv int) (string, []string) {
	ctx := context.Background()
	c, err := e.store.CreateContact(ctx, e.actor, contact.ContactFields{FirstName: contact.Some(new("Bench"))})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	if err := e.conn.Select(&ids, `INSERT INTO conversations (account_id, contact_id, inbox_id, channel)
		SELECT $1, $2, $3, 'web' FROM generate_series(1, $4) RETURNING id`, e.actor.AccountID, c.ID, e.inbox, convs); err != nil {
		b.Fatal(err)
	}
	if _, err := e.conn.Exec(`INSERT INTO messages (account_id, conversation_id, content, sender_type, sender_contact_id, created_at)
		SELECT $1, conv, 'hello there', 'CONTACT', $2, now() - g * interval '1 second'
		FROM unnest($3::uuid[]) AS conv, generate_series(1, $4) AS g`, e.actor.AccountID, c.ID, pq.Array(ids), perConv); err != nil {
		b.Fatal(err)
	}
	return c.ID, ids
}

// seeded collects statistics once the first iteration's data is in, and
// with -cold after every seeding.
func (e *journalEnv) seeded(b *testing.B) {
	if *coldBench || !e.analyzed {
		if _, err := e.conn.Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
		e.analyzed = true
	}
}

// reset removes the account's contacts (and with them everything they
// own) and redirects between iterations; with -cold it empties the tenant
// tables with TRUNCATE instead.
func (e *journalEnv) reset(b *testing.B) {
	query := `WITH r AS (DELETE FROM contact_redirects WHERE account_id = $1) DELETE FROM contacts WHERE account_id = $1`
	args := []any{e.actor.AccountID}
	if *coldBench {
		query, args = `TRUNCATE contacts, contact_redirects, operation_journal CASCADE`, nil
	}
	if _, err := e.conn.Exec(query, args...); err != nil {
		b.Fatal(err)
	}
}

// mergePair empties the account (see reset) and makes a base contact and a mergee
// owning convs conversations of perConv messages each.
func (e *journalEnv) mergePair(b *testing.B, convs, perConv int) (string, string) {
	e.reset(b)
	base, _ := e.contactWithHistory(b, 1, 1)
	mergee, _ := e.contactWithHistory(b, convs, perConv)
	e.seeded(b)
	return base, mergee
}

// timed runs fn and returns its wall time.
func timed(b *testing.B, fn func() error) time.Duration {
	start := time.Now()
	if err := fn(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// report records the medians of both timings and their ratio.
func report(b *testing.B, store, raw []time.Duration) {
	med := func(d []time.Duration) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[len(s)/2].Microseconds()) / 1000
	}
	b.ReportMetric(med(store), "store-ms")
	b.ReportMetric(med(raw), "rawsql-ms")
	b.ReportMetric(med(store)/med(raw), "ratio")
}

// inTx runs statements in one transaction.
func inTx(conn *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := conn.Beginx()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkMerge1k, BenchmarkMerge10k and BenchmarkMerge100k merge a
// mergee owning 1,000, 10,000 or 100,000 messages (10, 100 or 1,000
// conversations of 100 messages), alternating with the same moves in
// hand-written SQL.
// Run: go test ./db -run '^$' -bench Merge -benchtime 7x
func BenchmarkMerge1k(b *testing.B)   { benchMerge(b, 10, 100) }
func BenchmarkMerge10k(b *testing.B)  { benchMerge(b, 100, 100) }
func BenchmarkMerge100k(b *testing.B) { benchMerge(b, 1000, 100) }

// benchMerge merges a mergee owning convs conversations of perConv
// messages, alternating with the same moves in hand-written SQL.
func benchMerge(b *testing.B, convs, perConv int) {
	e := mustBenchEnv(b)
	ctx := context.Background()
	var store, raw []time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		base, mergee := e.mergePair(b, convs, perConv)
		b.StartTimer()
		store = append(store, timed(b, func() error {
			_, err := e.store.MergeContacts(ctx, e.actor, contact.MergeInput{BaseContactID: base, MergeeContactIDs: []string{mergee}})
			return err
		}))
		b.StopTimer()
		base, mergee = e.mergePair(b, convs, perConv)
		raw = append(raw, timed(b, func() error {
			return inTx(e.conn, func(tx *sqlx.Tx) error {
				acct := e.actor.AccountID
				for _, q := range []string{
					`SELECT id FROM contacts WHERE account_id = $1 AND id IN ($2, $3) ORDER BY id FOR UPDATE`,
					`UPDATE conversations SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`UPDATE messages SET sender_contact_id = $2 WHERE account_id = $1 AND sender_contact_id = $3`,
					`UPDATE contact_inboxes SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`UPDATE applications SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`UPDATE contact_notes SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`UPDATE reminders SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`UPDATE training_snapshots SET contact_id = $2 WHERE account_id = $1 AND contact_id = $3`,
					`DELETE FROM contacts WHERE account_id = $1 AND id = $3 AND $2::uuid IS NOT NULL`,
				} {
					if _, err := tx.Exec(q, acct, base, mergee); err != nil {
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

// BenchmarkSeparate1k, BenchmarkSeparate10k and BenchmarkSeparate100k
// separate a contact, moving 10, 100 or 1,000 conversations of 100
// messages (1,000, 10,000 or 100,000 messages) to the new contact,
// alternating with the same moves in hand-written SQL.
// Run: go test ./db -run '^$' -bench Separate -benchtime 7x
func BenchmarkSeparate1k(b *testing.B)   { benchSeparate(b, 10, 100) }
func BenchmarkSeparate10k(b *testing.B)  { benchSeparate(b, 100, 100) }
func BenchmarkSeparate100k(b *testing.B) { benchSeparate(b, 1000, 100) }

// benchSeparate separates a contact owning convs conversations of perConv
// messages, moving them all to the new contact, alternating with the same
// moves in hand-written SQL.
func benchSeparate(b *testing.B, nconvs, perConv int) {
	e := mustBenchEnv(b)
	ctx := context.Background()
	var store, raw []time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e.reset(b)
		orig, convs := e.contactWithHistory(b, nconvs, perConv)
		e.seeded(b)
		assign := make([]contact.RecordAssignment, len(convs))
		for j, c := range convs {
			assign[j] = contact.RecordAssignment{ID: c, Side: contact.SideNew}
		}
		b.StartTimer()
		store = append(store, timed(b, func() error {
			_, err := e.store.SeparateContact(ctx, e.actor, orig, contact.SeparateInput{
				FieldSplit:            contact.ContactFieldSplit{FirstName: &contact.StringSplit{Original: new("Jane"), New: new("Janet")}},
				ChildRecordAssignment: contact.ChildRecordAssignment{Conversations: assign}})
			return err
		}))
		b.StopTimer()
		e.reset(b)
		orig, convs = e.contactWithHistory(b, nconvs, perConv)
		e.seeded(b)
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
		b.StartTimer()
	}
	report(b, store, raw)
}
