package e2e

import (
	"strings"
	"testing"
	"time"

	"contactid/contact"
)

// undoDoc calls undoContactOperation.
const undoDoc = `mutation($id: ID!, $input: UndoContactOperationInput) { undoContactOperation(id: $id, input: $input) {
	operation { id kind undone undoneBy { id } contactIds summary canUndo }
	undo { id kind undoes { id } contactIds canUndo }
	contacts { id firstName emails version }
	previews { contactId firstName emails version }
	dryRun userErrors { field message code } } }`

// undoPayload is undoContactOperation's payload as undoDoc selects it.
type undoPayload struct {
	Operation *struct {
		ID         string `json:"id"`
		Kind       string `json:"kind"`
		Undone     bool   `json:"undone"`
		UndoneBy   *struct{ ID string }
		ContactIDs []string       `json:"contactIds"`
		Summary    map[string]any `json:"summary"`
		CanUndo    bool           `json:"canUndo"`
	} `json:"operation"`
	Undo *struct {
		ID         string `json:"id"`
		Kind       string `json:"kind"`
		Undoes     *struct{ ID string }
		ContactIDs []string `json:"contactIds"`
		CanUndo    bool     `json:"canUndo"`
	} `json:"undo"`
	Contacts []struct {
		ID        string   `json:"id"`
		FirstName *string  `json:"firstName"`
		Emails    []string `json:"emails"`
	} `json:"contacts"`
	Previews []struct {
		ContactID *string  `json:"contactId"`
		FirstName *string  `json:"firstName"`
		Emails    []string `json:"emails"`
	} `json:"previews"`
	DryRun     bool        `json:"dryRun"`
	UserErrors []userError `json:"userErrors"`
}

// Undo calls undoContactOperation as token.
func (f *fixture) Undo(tb testing.TB, token, id string, input map[string]any) undoPayload {
	tb.Helper()
	var out struct {
		UndoContactOperation undoPayload `json:"undoContactOperation"`
	}
	f.Do(tb, token, undoDoc, map[string]any{"id": id, "input": input}, &out)
	return out.UndoContactOperation
}

// lastOperation returns the account's newest journal entry.
func (f *fixture) lastOperation(tb testing.TB) string {
	tb.Helper()
	var out struct {
		ContactOperations struct {
			Nodes []struct{ ID string } `json:"nodes"`
		} `json:"contactOperations"`
	}
	f.Do(tb, f.Acct.Token, `{ contactOperations(first: 1) { nodes { id } } }`, nil, &out)
	if len(out.ContactOperations.Nodes) == 0 {
		tb.Fatal("no operation in the history")
	}
	return out.ContactOperations.Nodes[0].ID
}

// dataDump returns every row of the account data (every table but the
// journal and idempotency keys), without version and updated_at, ordered:
// what "reads back equal" compares.
func (f *fixture) dataDump(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for _, t := range []string{"contacts", "contact_emails", "contact_phone_numbers", "contact_redirects", "conversations", "messages",
		"applications", "contact_notes", "reminders", "training_snapshots", "contact_inboxes"} {
		var rows []string
		if err := f.DB.Select(&rows, `SELECT (to_jsonb(x) - 'version' - 'updated_at')::text FROM `+t+` x ORDER BY 1`); err != nil {
			tb.Fatalf("dump %s: %v", t, err)
		}
		b.WriteString(t + "\n" + strings.Join(rows, "\n") + "\n")
	}
	return b.String()
}

// mustSameDump fails with the first differing line when got != want.
func mustSameDump(tb testing.TB, what, want, got string) {
	tb.Helper()
	if want == got {
		return
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			tb.Fatalf("%s: line %d differs\nwant: %s\ngot:  %s", what, i, a, b)
		}
	}
}

// undoFixture is an account with every record type on several contacts,
// an older redirect, and messages of the mergees in a third contact's
// conversation.
type undoFixture struct {
	*fixture
	base, m1, m2, third, old *contact.Contact
}

func mustUndoFixture(t *testing.T) *undoFixture {
	f := &undoFixture{fixture: MustFixture(t)}
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	f.base = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Ada")), Emails: contact.Some([]string{"ada@x.io"}),
		PhoneNumbers: contact.Some([]string{"+14155550100"}), Labels: contact.Some([]string{"vip"})})
	f.m1 = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Ada L")), Identifier: contact.Some(sp("crm-1")),
		Emails: contact.Some([]string{"ada@work.io", "a2@work.io"}), PhoneNumbers: contact.Some([]string{"+14155550101"}),
		CustomAttributes: contact.Some(contact.JSONObject{"plan": "pro"})})
	f.m2 = f.MustContact(t, contact.ContactFields{LastName: contact.Some(sp("Lovelace")), Emails: contact.Some([]string{"lovelace@x.io"}),
		Labels: contact.Some([]string{"lead"})})
	f.third = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Third"))})
	f.old = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Old")), Emails: contact.Some([]string{"old@x.io"})})
	for i, c := range []*contact.Contact{f.base, f.m1, f.m2} {
		f.MustRecords(t, c.ID, "src-"+c.ID[:8])
		conv := f.MustConversation(t, c.ID)
		f.MustMessages(t, conv.ID, 3+i, start.Add(time.Duration(i)*time.Hour))
	}
	// Messages sent by m1 in the third contact's conversation.
	tc := f.MustConversation(t, f.third.ID)
	if _, err := f.DB.Exec(`INSERT INTO messages (account_id, conversation_id, content, sender_type, sender_contact_id, created_at)
		VALUES ($1, $2, 'from m1', 'CONTACT', $3, $4), ($1, $2, 'from m2', 'CONTACT', $5, $4)`,
		f.Acct.AccountID, tc.ID, f.m1.ID, start, f.m2.ID); err != nil {
		t.Fatal(err)
	}
	// An older merge: old into m1, leaving a redirect old → m1.
	if p := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": f.m1.ID, "mergeeContactIds": []string{f.old.ID}}); len(p.UserErrors) > 0 {
		t.Fatalf("older merge: %+v", p.UserErrors)
	}
	return f
}

// TestUndoMergeRoundTrip: merge → undo leaves the account's data as before
// the merge, undo → redo as after it, and the history links the rows.
func TestUndoMergeRoundTrip(t *testing.T) {
	f := mustUndoFixture(t)
	before := f.dataDump(t)
	p := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": f.base.ID, "mergeeContactIds": []string{f.m1.ID, f.m2.ID}})
	if len(p.UserErrors) > 0 {
		t.Fatalf("merge: %+v", p.UserErrors)
	}
	merged := f.dataDump(t)
	op := f.lastOperation(t)

	// The history through a merged-away id: the merge, undoable now.
	var h struct {
		Contact struct {
			Operations struct {
				Nodes []struct {
					ID           string           `json:"id"`
					Kind         string           `json:"kind"`
					ContactIDs   []string         `json:"contactIds"`
					CanUndo      bool             `json:"canUndo"`
					UndoBlockers []map[string]any `json:"undoBlockers"`
					Actor        struct{ ID string }
				} `json:"nodes"`
			} `json:"operations"`
		} `json:"contact"`
		ContactOperations struct {
			Nodes []struct{ ID string } `json:"nodes"`
		} `json:"contactOperations"`
	}
	f.Do(t, f.Acct.Token, `query($id: ID!) { contact(id: $id) { operations(first: 5) { nodes { id kind contactIds canUndo
		undoBlockers { contactId field message } actor { id } } } }
		contactOperations(contactId: $id, first: 5) { nodes { id } } }`, map[string]any{"id": f.m2.ID}, &h)
	ops := h.Contact.Operations.Nodes
	if len(ops) != 2 || ops[0].ID != op || ops[0].Kind != "MERGE" || !ops[0].CanUndo || len(ops[0].UndoBlockers) != 0 ||
		ops[0].Actor.ID != f.Acct.UserID || len(ops[0].ContactIDs) != 3 || ops[0].ContactIDs[0] != f.base.ID {
		t.Fatalf("history of the survivor through %s: %+v", f.m2.ID, ops)
	}
	if n := h.ContactOperations.Nodes; len(n) != 1 || n[0].ID != op { // m2 itself took part in the merge only
		t.Fatalf("contactOperations: %+v", n)
	}

	dry := f.Undo(t, f.Acct.Token, op, map[string]any{"dryRun": true})
	if len(dry.UserErrors) > 0 || !dry.DryRun || dry.Undo != nil || len(dry.Previews) != 3 || len(dry.Contacts) != 0 {
		t.Fatalf("dry run: %+v", dry)
	}
	mustSameDump(t, "after a dry run", merged, f.dataDump(t))

	u := f.Undo(t, f.Acct.Token, op, nil)
	if len(u.UserErrors) > 0 {
		t.Fatalf("undo: %+v", u.UserErrors)
	}
	if u.Operation == nil || !u.Operation.Undone || u.Undo == nil || u.Undo.Kind != "UNDO" || u.Undo.Undoes == nil || u.Undo.Undoes.ID != op {
		t.Fatalf("undo payload: %+v", u)
	}
	if got := u.Operation.ContactIDs; len(got) != 3 || got[0] != f.base.ID {
		t.Fatalf("contactIds %v", got)
	}
	if u.Operation.Summary["conversationsMoved"] == nil {
		t.Fatalf("summary %v", u.Operation.Summary)
	}
	mustSameDump(t, "merge then undo", before, f.dataDump(t))

	// The merged-away ids resolve to themselves again.
	var c struct {
		Contact struct{ ID string } `json:"contact"`
	}
	f.Do(t, f.Acct.Token, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": f.m2.ID}, &c)
	if c.Contact.ID != f.m2.ID {
		t.Fatalf("m2 resolves to %s", c.Contact.ID)
	}

	again := f.Undo(t, f.Acct.Token, op, nil)
	if len(again.UserErrors) != 1 || again.UserErrors[0].Code != "CONFLICT" {
		t.Fatalf("second undo: %+v", again)
	}

	r := f.Undo(t, f.Acct.Token, u.Undo.ID, nil)
	if len(r.UserErrors) > 0 {
		t.Fatalf("redo: %+v", r.UserErrors)
	}
	mustSameDump(t, "undo then redo", merged, f.dataDump(t))
	u2 := f.Undo(t, f.Acct.Token, r.Undo.ID, nil)
	if len(u2.UserErrors) > 0 {
		t.Fatalf("undo of the redo: %+v", u2.UserErrors)
	}
	mustSameDump(t, "redo then undo", before, f.dataDump(t))
}

// TestUndoSeparateRoundTrip: separate → undo leaves the data as before, the
// new contact's id redirecting to the original; undo → redo as after it.
func TestUndoSeparateRoundTrip(t *testing.T) {
	f := mustUndoFixture(t)
	conv := f.MustConversation(t, f.base.ID)
	msgs := f.MustMessages(t, conv.ID, 6, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	recs := f.MustRecords(t, f.base.ID, "sep-src")
	before := f.dataDump(t)
	p := f.Separate(t, f.Acct.Token, f.base.ID, map[string]any{
		"fieldSplit": map[string]any{"firstName": map[string]any{"original": "Ada", "new": "Adele"},
			"emails": map[string]any{"original": []string{}, "new": []string{"ada@x.io"}}},
		"childRecordAssignment": map[string]any{
			"conversations": []any{map[string]any{"id": recs[contact.ConversationKind.Key], "side": "NEW"}},
			"contactNotes":  []any{map[string]any{"id": recs[contact.ContactNoteKind.Key], "side": "NEW"}},
		},
		"messageDividers":     []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[3].ID}},
		"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, "subject": "split off"}},
	})
	if len(p.UserErrors) > 0 {
		t.Fatalf("separate: %+v", p.UserErrors)
	}
	separated := f.dataDump(t)
	op := f.lastOperation(t)
	u := f.Undo(t, f.Acct.Token, op, nil)
	if len(u.UserErrors) > 0 {
		t.Fatalf("undo: %+v", u.UserErrors)
	}
	// The new contact's id stays as a redirect to the original.
	var redirect string
	if err := f.DB.Get(&redirect, `SELECT new_contact_id FROM contact_redirects WHERE old_contact_id = $1`, *p.NewContactID); err != nil || redirect != f.base.ID {
		t.Fatalf("redirect of the new contact: %q, %v", redirect, err)
	}
	if _, err := f.DB.Exec(`DELETE FROM contact_redirects WHERE old_contact_id = $1`, *p.NewContactID); err != nil {
		t.Fatal(err)
	}
	mustSameDump(t, "separate then undo", before, f.dataDump(t))
	if _, err := f.DB.Exec(`INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id) VALUES ($1, $2, $3)`,
		f.Acct.AccountID, *p.NewContactID, f.base.ID); err != nil {
		t.Fatal(err)
	}
	r := f.Undo(t, f.Acct.Token, u.Undo.ID, nil)
	if len(r.UserErrors) > 0 {
		t.Fatalf("redo: %+v", r.UserErrors)
	}
	mustSameDump(t, "undo then redo", separated, f.dataDump(t))
}
