package db_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"contactid/contact"
	"contactid/db"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
)

// journalEnv is a store with one account and inbox, for the store tests
// and benchmarks.
type journalEnv struct {
	conn     *sqlx.DB
	store    *db.Store
	actor    contact.Actor
	inbox    string
	analyzed bool // a benchmark has collected statistics (see contactWithHistory)
}

// mustJournalEnv prepares a fresh database with an account and an inbox.
func mustJournalEnv(t *testing.T) *journalEnv {
	t.Helper()
	return newTestEnv(t, db.New(pgtest.NewDB(t)))
}

// newTestEnv creates an account and an inbox through st: the environment
// of the store tests and benchmarks.
func newTestEnv(tb testing.TB, st *db.Store) *journalEnv {
	tb.Helper()
	ctx := context.Background()
	acct, err := st.CreateAccount(ctx, "Test")
	if err != nil {
		tb.Fatal(err)
	}
	a := contact.Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: contact.Administrator}
	ib, err := st.CreateInbox(ctx, a, contact.CreateInboxInput{Name: new("Web"), ChannelType: new("web")})
	if err != nil {
		tb.Fatal(err)
	}
	return &journalEnv{conn: st.DB(), store: st, actor: a, inbox: ib.ID}
}

// mustContact creates a contact with a first name and emails.
func (e *journalEnv) mustContact(t *testing.T, name string, emails ...string) *contact.Contact {
	t.Helper()
	c, err := e.store.CreateContact(context.Background(), e.actor,
		contact.ContactFields{FirstName: contact.Some(new(name)), Emails: contact.Some(emails)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustConversation creates a conversation of the contact with n messages
// it sent, a second apart, and returns its id and the message ids in order.
func (e *journalEnv) mustConversation(t *testing.T, contactID string, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	conv, err := e.store.CreateConversation(ctx, e.actor, contact.CreateConversationInput{ContactID: contactID, InboxID: e.inbox})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		m, err := e.store.CreateMessage(ctx, e.actor, contact.CreateMessageInput{ConversationID: conv.ID, Content: new("hi"),
			SenderType: new(contact.SenderContact), CreatedAt: new(start.Add(time.Duration(i) * time.Second))})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m.ID)
	}
	return conv.ID, msgs
}

// mustNote adds a note to the contact and returns its id.
func (e *journalEnv) mustNote(t *testing.T, contactID string) string {
	t.Helper()
	n, err := e.store.CreateContactNote(context.Background(), e.actor, contactID, new("note"))
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// mustJournal reads a journal row back through the journal reader.
func (e *journalEnv) mustJournal(t *testing.T, id string) contact.JournalEntry {
	t.Helper()
	j, err := db.ReadJournal(context.Background(), e.store, e.actor.AccountID, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// assertImage checks a before-image against the contact it was taken of.
func assertImage(t *testing.T, what string, got *contact.ContactImage, want *contact.Contact) {
	t.Helper()
	switch {
	case got == nil:
		t.Fatalf("%s: no before-image", what)
	case got.ID != want.ID || contact.Deref(got.FirstName) != contact.Deref(want.FirstName) ||
		!slices.Equal(got.Emails, want.Emails) || got.Version != want.Version || !got.CreatedAt.Equal(want.CreatedAt):
		t.Fatalf("%s: before-image %+v, want the contact %+v", what, *got, *want)
	}
}

// sorted returns ids sorted, for comparing journal lists (built by
// aggregates, in no particular order).
func sorted(ids []string) []string {
	return slices.Sorted(slices.Values(ids))
}

// TestJournalMerge merges two mergees through the store and reads the
// journal row back: kind, actor, input, format version, before-images of
// the base and of every mergee, and the ids of every record moved, by
// previous owner.
func TestJournalMerge(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	base := e.mustContact(t, "Base", "base@example.com")
	m1 := e.mustContact(t, "One", "one@example.com")
	m2 := e.mustContact(t, "Two")
	conv1, msgs1 := e.mustConversation(t, m1.ID, 3)
	conv2, msgs2 := e.mustConversation(t, m2.ID, 2)
	note := e.mustNote(t, m2.ID)
	// An older merge leaves a redirect to m1, which the merge re-points.
	old := e.mustContact(t, "Old")
	if _, err := e.store.MergeContacts(ctx, e.actor, contact.MergeInput{BaseContactID: m1.ID, MergeeContactIDs: []string{old.ID}}); err != nil {
		t.Fatal(err)
	}
	m1, err := e.store.Contact(ctx, e.actor, m1.ID) // its version after the first merge
	if err != nil {
		t.Fatal(err)
	}
	in := contact.MergeInput{BaseContactID: base.ID, MergeeContactIDs: []string{m1.ID, m2.ID}}
	res, err := e.store.MergeContacts(ctx, e.actor, in)
	if err != nil {
		t.Fatal(err)
	}
	j := e.mustJournal(t, res.JournalID)

	t.Run("who and what", func(t *testing.T) {
		if j.ID != res.JournalID || j.Kind != contact.JournalMerge || j.ActorUserID == nil || *j.ActorUserID != e.actor.UserID || j.CreatedAt.IsZero() {
			t.Fatalf("entry %s %s actor %v at %v", j.ID, j.Kind, j.ActorUserID, j.CreatedAt)
		}
		var got contact.MergeInput
		if err := json.Unmarshal(j.Input, &got); err != nil || !reflect.DeepEqual(got, in) {
			t.Fatalf("input %s (%v), want %+v", j.Input, err, in)
		}
	})
	t.Run("before-images", func(t *testing.T) {
		if j.Before.FormatVersion != contact.JournalFormatVersion || j.Before.Original != nil || len(j.Before.Mergees) != 2 {
			t.Fatalf("before-images %+v", j.Before)
		}
		assertImage(t, "base", j.Before.Base, base)
		assertImage(t, "mergee 0", &j.Before.Mergees[0], m1)
		assertImage(t, "mergee 1", &j.Before.Mergees[1], m2)
	})
	t.Run("moved ids", func(t *testing.T) {
		want := map[string]map[string][]string{
			contact.ConversationKind.Key:     {m1.ID: {conv1}, m2.ID: {conv2}},
			contact.ContactNoteKind.Key:      {m2.ID: {note}},
			contact.JournalMessages:          {m1.ID: sorted(msgs1), m2.ID: sorted(msgs2)},
			contact.JournalRedirects:         {m1.ID: {old.ID}},
			contact.ApplicationKind.Key:      {},
			contact.ReminderKind.Key:         {},
			contact.TrainingSnapshotKind.Key: {},
			contact.ContactInboxKind.Key:     {},
		}
		for _, ids := range j.Moved.Records {
			for owner := range ids {
				ids[owner] = sorted(ids[owner])
			}
		}
		if !reflect.DeepEqual(j.Moved.Records, want) || j.Moved.NewContactID != "" || j.Moved.Dividers != nil {
			t.Fatalf("moved %+v, want %+v", j.Moved, want)
		}
	})
	t.Run("stored form", func(t *testing.T) {
		// Format 2: the ids in operation_journal_moves, one row per kind and
		// previous owner; nothing else in a merge's moved document.
		var row struct {
			Moved string `db:"moved"`
			Rows  int    `db:"rows"`
		}
		if err := e.conn.Get(&row, `SELECT j.moved::text AS moved, (SELECT count(*) FROM operation_journal_moves m
			WHERE m.account_id = j.account_id AND m.journal_id = j.id) AS rows
			FROM operation_journal j WHERE j.account_id = $1 AND j.id = $2`, e.actor.AccountID, res.JournalID); err != nil {
			t.Fatal(err)
		}
		if row.Moved != "{}" || row.Rows != 6 { // conversations ×2, notes, messages ×2, redirects
			t.Fatalf("moved document %s, %d rows of moved ids, want {} and 6", row.Moved, row.Rows)
		}
	})
}

// TestJournalSeparate separates a contact through the store, with a field
// split, a record assigned NEW and a message divider, and reads the journal
// row back.
func TestJournalSeparate(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	jane := e.mustContact(t, "Jane", "jane@example.com")
	conv, msgs := e.mustConversation(t, jane.ID, 4)
	note := e.mustNote(t, jane.ID)
	kept := e.mustNote(t, jane.ID)
	in := contact.SeparateInput{
		FieldSplit:            contact.ContactFieldSplit{FirstName: &contact.StringSplit{Original: new("Jane"), New: new("Janet")}},
		ChildRecordAssignment: contact.ChildRecordAssignment{ContactNotes: []contact.RecordAssignment{{ID: note, Side: contact.SideNew}, {ID: kept, Side: contact.SideOriginal}}},
		MessageDividers:       []contact.MessageDivider{{ConversationID: conv, FirstMessageID: msgs[2]}},
	}
	res, err := e.store.SeparateContact(ctx, e.actor, jane.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	newID := *res.NewContactID
	j := e.mustJournal(t, res.JournalID)

	if j.Kind != contact.JournalSeparate || j.ActorUserID == nil || *j.ActorUserID != e.actor.UserID {
		t.Fatalf("entry %s actor %v", j.Kind, j.ActorUserID)
	}
	var got contact.SeparateInput
	if err := json.Unmarshal(j.Input, &got); err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("input %s (%v), want %+v", j.Input, err, in)
	}
	if j.Before.FormatVersion != contact.JournalFormatVersion || j.Before.Base != nil || j.Before.Mergees != nil {
		t.Fatalf("before-images %+v", j.Before)
	}
	assertImage(t, "original", j.Before.Original, jane)
	if j.Moved.NewContactID != newID || len(j.Moved.Dividers) != 1 {
		t.Fatalf("moved %+v", j.Moved)
	}
	d := j.Moved.Dividers[0]
	if d.Conv != conv || d.FirstMsg != msgs[2] || d.ToOriginal || d.NewConv == "" {
		t.Fatalf("divider %+v", d)
	}
	r := j.Moved.Records
	if !reflect.DeepEqual(r[contact.ContactNoteKind.Key], map[string][]string{jane.ID: {note}}) ||
		!reflect.DeepEqual(r[contact.ConversationKind.Key], map[string][]string{}) ||
		!reflect.DeepEqual(sorted(r[contact.JournalTailMessages][conv]), sorted(msgs[2:])) ||
		!reflect.DeepEqual(sorted(r[contact.JournalSenderChanged][jane.ID]), sorted(msgs[2:])) {
		t.Fatalf("moved records %+v", r)
	}
	for _, k := range contact.RecordKinds {
		if _, ok := r[k.Key]; !ok {
			t.Errorf("no journal entry for %s", k.Key)
		}
	}
}

// TestJournalRead covers the reader's other answers: unknown ids, rows of
// other accounts, rows written before the format had a version, rows of a
// newer format and malformed documents.
func TestJournalRead(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	insert := func(t *testing.T, acct, before, moved string) string {
		t.Helper()
		var id string
		if err := e.conn.Get(&id, `INSERT INTO operation_journal (account_id, kind, input, before_images, moved)
			VALUES ($1, 'MERGE', '{}', $2, $3) RETURNING id`, acct, before, moved); err != nil {
			t.Fatal(err)
		}
		return id
	}
	t.Run("unknown or malformed id", func(t *testing.T) {
		for _, id := range []string{"7d3c9f1e-0000-4000-8000-000000000000", "x"} {
			if _, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id); !errors.Is(err, contact.ErrNotFound) {
				t.Errorf("%s: %v, want not found", id, err)
			}
		}
	})
	t.Run("another account's row", func(t *testing.T) {
		other, err := e.store.CreateAccount(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		id := insert(t, other.AccountID, `{"formatVersion": 1}`, `{}`)
		if _, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id); !errors.Is(err, contact.ErrNotFound) {
			t.Fatalf("%v, want not found", err)
		}
	})
	t.Run("row before the versioned format", func(t *testing.T) {
		// As json.Marshal of the untagged Go structs wrote it.
		id := insert(t, e.actor.AccountID, `{"base": {"ID": "b", "FirstName": "Base", "PipelineID": "p", "AssigneeIDs": ["u"],
			"Emails": ["b@x.co"], "Documents": null, "Version": 3, "RowID": ""},
			"mergees": [{"ID": "m", "CustomAttributes": {"k": 1}, "Blocked": true}]}`,
			`{"conversations": {"m": ["c"]}, "messages": {"m": ["x", "y"]}}`)
		j, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id)
		if err != nil {
			t.Fatal(err)
		}
		b := j.Before
		if b.FormatVersion != 0 || b.Base.ID != "b" || *b.Base.FirstName != "Base" || *b.Base.PipelineID != "p" ||
			!slices.Equal(b.Base.AssigneeIDs, []string{"u"}) || !slices.Equal(b.Base.Emails, []string{"b@x.co"}) || b.Base.Version != 3 ||
			len(b.Mergees) != 1 || b.Mergees[0].ID != "m" || !b.Mergees[0].Blocked || b.Mergees[0].CustomAttributes["k"] != 1.0 {
			t.Fatalf("before-images %+v", b)
		}
		if !reflect.DeepEqual(j.Moved.Records, map[string]map[string][]string{"conversations": {"m": {"c"}}, "messages": {"m": {"x", "y"}}}) {
			t.Fatalf("moved %+v", j.Moved)
		}
	})
	t.Run("version 1 row", func(t *testing.T) {
		// Every moved id in the moved document, none in operation_journal_moves.
		id := insert(t, e.actor.AccountID, `{"formatVersion": 1, "base": {"id": "b"}}`,
			`{"conversations": {"m": ["c"]}, "messages": {"m": ["x", "y"]}, "redirects": {}}`)
		j, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string][]string{"conversations": {"m": {"c"}}, "messages": {"m": {"x", "y"}}, "redirects": {}}
		if j.Before.FormatVersion != 1 || j.Before.Base.ID != "b" || !reflect.DeepEqual(j.Moved.Records, want) {
			t.Fatalf("entry %+v", j)
		}
	})
	t.Run("newer format", func(t *testing.T) {
		id := insert(t, e.actor.AccountID, `{"formatVersion": 3}`, `{}`)
		if _, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id); err == nil || errors.Is(err, contact.ErrNotFound) {
			t.Fatalf("%v, want a format error", err)
		}
	})
	t.Run("malformed moved document", func(t *testing.T) {
		id := insert(t, e.actor.AccountID, `{"formatVersion": 1}`, `{"conversations": ["not", "by", "owner"]}`)
		if _, err := db.ReadJournal(ctx, e.store, e.actor.AccountID, id); err == nil {
			t.Fatal("read a malformed moved document")
		}
	})
}
