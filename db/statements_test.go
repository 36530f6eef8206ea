package db_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"contactid/contact"
	"contactid/db"
	"contactid/internal/pgtest"

	"github.com/lib/pq"
)

// countingEnv is a store on a fresh database whose statements are counted.
type countingEnv struct {
	*journalEnv
	n *atomic.Int64
}

// mustCountingEnv prepares a fresh database with an account and an inbox,
// served by a store whose statements are counted.
func mustCountingEnv(t *testing.T) *countingEnv {
	t.Helper()
	n := new(atomic.Int64)
	st, err := db.Open(context.Background(), pgtest.NewDSN(t), db.Options{WrapConnector: pgtest.Counting(n)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &countingEnv{journalEnv: newTestEnv(t, st), n: n}
}

// history gives the contact convs conversations of perConv messages it
// sent, with plain SQL, and returns the conversation ids and, by
// conversation, the message ids in timeline order.
func (e *countingEnv) history(t *testing.T, contactID string, convs, perConv int) ([]string, map[string][]string) {
	t.Helper()
	var ids []string
	if err := e.conn.Select(&ids, `INSERT INTO conversations (account_id, contact_id, inbox_id, channel)
		SELECT $1, $2, $3, 'web' FROM generate_series(1, $4) RETURNING id`, e.actor.AccountID, contactID, e.inbox, convs); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Conv string `db:"conversation_id"`
		ID   string `db:"id"`
	}
	if err := e.conn.Select(&rows, `INSERT INTO messages (account_id, conversation_id, content, sender_type, sender_contact_id, created_at)
		SELECT $1, conv, 'hi', 'CONTACT', $2, timestamptz '2024-01-01' + g * interval '1 second'
		FROM unnest($3::uuid[]) AS conv, generate_series(1, $4) AS g
		ORDER BY conv, g RETURNING conversation_id, id`, e.actor.AccountID, contactID, pq.Array(ids), perConv); err != nil {
		t.Fatal(err)
	}
	msgs := map[string][]string{}
	for _, r := range rows {
		msgs[r.Conv] = append(msgs[r.Conv], r.ID)
	}
	return ids, msgs
}

// counted runs fn and returns how many statements it sent.
func (e *countingEnv) counted(t *testing.T, fn func() error) int {
	t.Helper()
	start := e.n.Load()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
	return int(e.n.Load() - start)
}

// TestStatementsPerCall counts the statements of a small merge and a small
// separation (5 conversations, 20 messages), BEGIN and COMMIT included, and
// checks that ten times the records take exactly as many: merge and
// separate are a fixed number of set-based statements (DESIGN §7).
func TestStatementsPerCall(t *testing.T) {
	const maxMerge, maxSeparate = 12, 15
	e := mustCountingEnv(t)
	ctx := context.Background()
	var journals []string // of each merge and separation, in order
	merge := func(convs, perConv int) int {
		base := e.mustContact(t, "Base", fmt.Sprintf("base%d@example.com", convs))
		mergee := e.mustContact(t, "Mergee", fmt.Sprintf("mergee%d@example.com", convs))
		e.history(t, mergee.ID, convs, perConv)
		e.mustNote(t, mergee.ID)
		return e.counted(t, func() error {
			res, err := e.store.MergeContacts(ctx, e.actor, contact.MergeInput{BaseContactID: base.ID, MergeeContactIDs: []string{mergee.ID}})
			journals = append(journals, res.JournalID)
			return err
		})
	}
	undo := func(journal string) int {
		return e.counted(t, func() error {
			_, err := e.store.UndoOperation(ctx, e.actor, journal, contact.UndoInput{})
			return err
		})
	}
	separate := func(convs, perConv int) int {
		jane := e.mustContact(t, "Jane", fmt.Sprintf("jane%d@example.com", convs))
		ids, msgs := e.history(t, jane.ID, convs, perConv)
		note := e.mustNote(t, jane.ID)
		return e.counted(t, func() error {
			res, err := e.store.SeparateContact(ctx, e.actor, jane.ID, contact.SeparateInput{
				FieldSplit: contact.ContactFieldSplit{FirstName: &contact.StringSplit{Original: new("Jane"), New: new("Janet")}},
				ChildRecordAssignment: contact.ChildRecordAssignment{
					Conversations: []contact.RecordAssignment{{ID: ids[0], Side: contact.SideNew}, {ID: ids[1], Side: contact.SideNew}},
					ContactNotes:  []contact.RecordAssignment{{ID: note, Side: contact.SideNew}}},
				MessageDividers: []contact.MessageDivider{{ConversationID: ids[2], FirstMessageID: msgs[ids[2]][perConv/2]}},
			})
			journals = append(journals, res.JournalID)
			return err
		})
	}
	small, large := merge(5, 4), merge(50, 40)
	t.Logf("merge: %d statements (5 conversations, 20 messages), %d (50, 2,000)", small, large)
	if small != large || small > maxMerge {
		t.Errorf("merge: %d and %d statements, want the same and at most %d", small, large, maxMerge)
	}
	small, large = separate(5, 4), separate(50, 40)
	t.Logf("separate: %d statements (5 conversations, 20 messages), %d (50, 2,000)", small, large)
	if small != large || small > maxSeparate {
		t.Errorf("separate: %d and %d statements, want the same and at most %d", small, large, maxSeparate)
	}
	// Undo and redo: the same number of statements for ten times the
	// records (merges 0 and 1, separations 2 and 3).
	for _, c := range []struct {
		what         string
		small, large string
	}{{"undo of a merge", journals[0], journals[1]}, {"undo of a separation", journals[2], journals[3]}} {
		small, large := undo(c.small), undo(c.large)
		t.Logf("%s: %d statements (20 messages), %d (2,000)", c.what, small, large)
		if small != large {
			t.Errorf("%s: %d and %d statements, want the same", c.what, small, large)
		}
	}
}
