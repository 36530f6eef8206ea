package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

// opSelection selects a ContactOperation with what blocks its undo.
const opSelection = `id kind undone canUndo contactIds undoBlockers { contactId field message }`

// Documents of the blocker tests: merges and separations that return their
// journal entry, and the history.
const (
	mergeOpDoc = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
		operation { ` + opSelection + ` } ` + userErrorSelection + ` } }`
	separateOpDoc = `mutation($id: ID!, $input: SeparateContactInput!) { separateContact(id: $id, input: $input) {
		newContactId operation { ` + opSelection + ` } ` + userErrorSelection + ` } }`
	operationsDoc = `query($after: String) { contactOperations(first: 100, after: $after) {
		nodes { ` + opSelection + ` } pageInfo { hasNextPage endCursor } } }`
)

// opOut is a ContactOperation as opSelection selects it.
type opOut struct {
	ID           string       `json:"id"`
	Kind         string       `json:"kind"`
	Undone       bool         `json:"undone"`
	CanUndo      bool         `json:"canUndo"`
	ContactIDs   []string     `json:"contactIds"`
	UndoBlockers []blockerOut `json:"undoBlockers"`
}

// blockerOut is an UndoBlocker.
type blockerOut struct {
	ContactID *string `json:"contactId"`
	Field     string  `json:"field"`
	Message   string  `json:"message"`
}

// mergeOp merges mergees into base as token, fails on any user error, and
// returns the merge's journal entry as the payload shows it.
func (f *fixture) mergeOp(tb testing.TB, token, base string, mergees ...string) opOut {
	tb.Helper()
	var p struct{ Operation *opOut }
	f.MustMutate(tb, token, mergeOpDoc, map[string]any{"input": map[string]any{"baseContactId": base, "mergeeContactIds": mergees}}, &p)
	if p.Operation == nil || p.Operation.Kind != "MERGE" {
		tb.Fatalf("merge returned operation %+v, want a MERGE", p.Operation)
	}
	return *p.Operation
}

// separateOp separates id with input as the administrator, fails on any
// user error, and returns the new contact's id and the journal entry.
func (f *fixture) separateOp(tb testing.TB, id string, input map[string]any) (string, opOut) {
	tb.Helper()
	var p struct {
		NewContactID *string `json:"newContactId"`
		Operation    *opOut
	}
	f.MustMutate(tb, f.Acct.Token, separateOpDoc, map[string]any{"id": id, "input": input}, &p)
	if p.Operation == nil || p.Operation.Kind != "SEPARATE" || p.NewContactID == nil {
		tb.Fatalf("separate returned %+v", p)
	}
	return *p.NewContactID, *p.Operation
}

// operation returns the journal entry id as contactOperations lists it for
// the account's administrator.
func (f *fixture) operation(tb testing.TB, id string) opOut {
	tb.Helper()
	var after *string
	for {
		var out struct {
			ContactOperations struct {
				Nodes    []opOut
				PageInfo pageInfoOut
			} `json:"contactOperations"`
		}
		f.Do(tb, f.Acct.Token, operationsDoc, map[string]any{"after": after}, &out)
		for _, o := range out.ContactOperations.Nodes {
			if o.ID == id {
				return o
			}
		}
		if !out.ContactOperations.PageInfo.HasNextPage {
			tb.Fatalf("operation %s is not in the history", id)
		}
		after = out.ContactOperations.PageInfo.EndCursor
	}
}

// mustUndoable fails unless the operation can be undone now.
func (f *fixture) mustUndoable(tb testing.TB, id string) {
	tb.Helper()
	if o := f.operation(tb, id); !o.CanUndo || o.UndoBlockers == nil || len(o.UndoBlockers) != 0 {
		tb.Fatalf("operation %s: canUndo %v, blockers %+v; want undoable", id, o.CanUndo, o.UndoBlockers)
	}
}

// mustBlockedUndo checks a blocked undo of the operation id as token with
// input: the history says canUndo false with at least one blocker, the undo
// answers one CONFLICT user error per blocker (their messages, in order)
// and nothing else, and the database is exactly as before. It returns the
// blockers.
func (f *fixture) mustBlockedUndo(tb testing.TB, token, id string, input map[string]any) []blockerOut {
	tb.Helper()
	o := f.operation(tb, id)
	if o.CanUndo || len(o.UndoBlockers) == 0 {
		// Go on to show what the undo does.
		tb.Errorf("operation %s: canUndo %v, blockers %+v; want blocked", id, o.CanUndo, o.UndoBlockers)
	}
	for _, b := range o.UndoBlockers {
		if b.Field == "" || b.Message == "" {
			tb.Fatalf("blocker without a field or message: %+v", b)
		}
	}
	before := f.Snapshot(tb)
	res := f.Post(tb, map[string]string{"Authorization": "Bearer " + token}, undoDoc, map[string]any{"id": id, "input": input})
	if len(res.Errors) > 0 {
		tb.Fatalf("undo of %s: top-level errors %+v, want CONFLICT user errors", id, res.Errors)
	}
	var out struct{ UndoContactOperation undoPayload }
	if err := json.Unmarshal(res.Data, &out); err != nil {
		tb.Fatalf("decode %s: %v", res.Data, err)
	}
	p := out.UndoContactOperation
	if len(p.UserErrors) == 0 {
		tb.Fatalf("undo of %s succeeded, want CONFLICT: %+v", id, p)
	}
	if p.Operation != nil || p.Undo != nil || len(p.Contacts) != 0 {
		tb.Errorf("blocked undo returned operation %+v, undo %+v, contacts %+v", p.Operation, p.Undo, p.Contacts)
	}
	if len(p.UserErrors) != len(o.UndoBlockers) {
		tb.Fatalf("undo: user errors %+v, want one CONFLICT per blocker %+v", p.UserErrors, o.UndoBlockers)
	}
	for i, e := range p.UserErrors {
		if e.Code != "CONFLICT" || e.Message != o.UndoBlockers[i].Message {
			tb.Fatalf("undo: user error %d is %+v, want CONFLICT %q", i, e, o.UndoBlockers[i].Message)
		}
	}
	f.MustUnchanged(tb, before)
	return o.UndoBlockers
}

// mustBlocker fails unless blockers has one of the field about contactID
// ("" for none) whose message contains every one of texts.
func mustBlocker(tb testing.TB, blockers []blockerOut, field, contactID string, texts ...string) {
	tb.Helper()
next:
	for _, b := range blockers {
		if b.Field != field || (contactID == "") != (b.ContactID == nil) || (b.ContactID != nil && *b.ContactID != contactID) {
			continue
		}
		for _, s := range texts {
			if !strings.Contains(b.Message, s) {
				continue next
			}
		}
		return
	}
	tb.Fatalf("want a %q blocker (contact %q) mentioning %q, got %+v", field, contactID, texts, blockers)
}

// mustUndo undoes the operation id as token with input and fails on any
// user error; it returns the payload.
func (f *fixture) mustUndo(tb testing.TB, token, id string, input map[string]any) undoPayload {
	tb.Helper()
	p := f.Undo(tb, token, id, input)
	if len(p.UserErrors) > 0 || p.Undo == nil || p.Operation == nil || !p.Operation.Undone {
		tb.Fatalf("undo of %s: %+v", id, p)
	}
	return p
}

// ownerOf returns the contact owning the row id of table.
func (f *fixture) ownerOf(tb testing.TB, table, id string) string {
	tb.Helper()
	var owner string
	if err := f.DB.Get(&owner, `SELECT contact_id FROM `+table+` WHERE account_id = $1 AND id = $2`, f.Acct.AccountID, id); err != nil {
		tb.Fatalf("owner of %s %s: %v", table, id, err)
	}
	return owner
}

// twoContacts creates a survivor and a mergee with an email each and a
// conversation on the mergee, and returns them with the conversation.
func twoContacts(t *testing.T, f *fixture) (base, mergee *contact.Contact, conv contact.Conversation) {
	t.Helper()
	base = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base")), Emails: contact.Some([]string{"base@x.io"})})
	mergee = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Mergee")), Emails: contact.Some([]string{"mergee@x.io"})})
	return base, mergee, f.MustConversation(t, mergee.ID)
}

// TestUndoBlockedBySurvivorUpdate: updating the survivor after a merge
// blocks the undo with a version blocker naming it.
func TestUndoBlockedBySurvivorUpdate(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	base, mergee, _ := twoContacts(t, f)
	op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
	if !op.CanUndo || len(op.UndoBlockers) != 0 {
		t.Fatalf("fresh merge: canUndo %v, blockers %+v", op.CanUndo, op.UndoBlockers)
	}
	f.MustMutate(t, f.Acct.Token, updateContactDoc, map[string]any{"id": base.ID, "input": map[string]any{"lastName": "Changed"}}, nil)

	blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
	if len(blockers) != 1 {
		t.Fatalf("blockers %+v, want only the version", blockers)
	}
	mustBlocker(t, blockers, "version", base.ID, base.ID)
	// A dry run is refused the same way.
	f.mustBlockedUndo(t, f.Acct.Token, op.ID, map[string]any{"dryRun": true})
}

// TestUndoBlockedByMovedRecord: a record the merge moved that was moved
// again or deleted since blocks the undo.
func TestUndoBlockedByMovedRecord(t *testing.T) {
	t.Parallel()

	t.Run("conversation separated off the survivor", func(t *testing.T) {
		t.Parallel()
		f := MustFixture(t)
		base, mergee, conv := twoContacts(t, f)
		op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
		_, sep := f.separateOp(t, base.ID, map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Base", "new": "Split"}},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
		})
		blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
		mustBlocker(t, blockers, "conversations", "", "moved again or deleted")
		mustBlocker(t, blockers, "operation", "", sep.ID)
	})

	t.Run("note deleted", func(t *testing.T) {
		t.Parallel()
		f := MustFixture(t)
		base, mergee, _ := twoContacts(t, f)
		note, err := f.Main.Store.CreateContactNote(context.Background(), f.Actor, mergee.ID, sp("moved note"))
		if err != nil {
			t.Fatal(err)
		}
		op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
		if n := f.Count(t, `DELETE FROM contact_notes WHERE account_id = $1 AND id = $2 RETURNING 1`, f.Acct.AccountID, note.ID); n != 1 {
			t.Fatalf("deleted %d notes", n)
		}
		blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
		if len(blockers) != 1 {
			t.Fatalf("blockers %+v, want only the notes", blockers)
		}
		mustBlocker(t, blockers, contact.ContactNoteKind.Key, "", "1 of the")
	})

	t.Run("application moved to another contact", func(t *testing.T) {
		t.Parallel()
		f := MustFixture(t)
		base, mergee, _ := twoContacts(t, f)
		other := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Other"))})
		app, err := f.Main.Store.CreateApplication(context.Background(), f.Actor, mergee.ID, sp("Engineer"), nil)
		if err != nil {
			t.Fatal(err)
		}
		op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
		if _, err := f.DB.Exec(`UPDATE applications SET contact_id = $3 WHERE account_id = $1 AND id = $2`, f.Acct.AccountID, app.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
		if len(blockers) != 1 {
			t.Fatalf("blockers %+v, want only the applications", blockers)
		}
		mustBlocker(t, blockers, contact.ApplicationKind.Key, "", "moved again or deleted")
	})
}

// TestUndoNewRecordsOnSurvivor: a conversation opened on the survivor after
// the merge blocks the undo until keepNewRecordsOn names who keeps it.
func TestUndoNewRecordsOnSurvivor(t *testing.T) {
	t.Parallel()
	for _, keeper := range []string{"mergee", "survivor"} {
		t.Run("kept by the "+keeper, func(t *testing.T) {
			t.Parallel()
			f := MustFixture(t)
			base, mergee, moved := twoContacts(t, f)
			own := f.MustConversation(t, base.ID)
			op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
			later := f.MustConversation(t, base.ID)

			blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
			if len(blockers) != 1 {
				t.Fatalf("blockers %+v, want only the new conversation", blockers)
			}
			mustBlocker(t, blockers, "conversations", base.ID, "keepNewRecordsOn")

			keep := mergee.ID
			if keeper == "survivor" {
				keep = base.ID
			}
			f.mustUndo(t, f.Acct.Token, op.ID, map[string]any{"keepNewRecordsOn": keep})
			apptest.MustEqual(t, "owner of the new conversation", f.ownerOf(t, "conversations", later.ID), keep)
			apptest.MustEqual(t, "owner of the moved conversation", f.ownerOf(t, "conversations", moved.ID), mergee.ID)
			apptest.MustEqual(t, "owner of the survivor's own conversation", f.ownerOf(t, "conversations", own.ID), base.ID)
			apptest.MustEqual(t, "mergee restored", f.MustReadContact(t, f.Acct.Token, mergee.ID).ID, mergee.ID)
		})
	}
}

// TestUndoKeepNewRecordsOnOutsideOperation: keepNewRecordsOn must name a
// contact of the operation.
func TestUndoKeepNewRecordsOnOutsideOperation(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	base, mergee, _ := twoContacts(t, f)
	outsider := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Outsider"))})
	op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
	f.MustConversation(t, base.ID) // a new record, so that keepNewRecordsOn matters
	for name, keep := range map[string]string{"a contact outside the operation": outsider.ID, "an unknown id": randomID(), "a malformed id": "nope"} {
		t.Run(name, func(t *testing.T) {
			before := f.Snapshot(t)
			p := f.Undo(t, f.Acct.Token, op.ID, map[string]any{"keepNewRecordsOn": keep})
			MustUserError(t, p.UserErrors, "INVALID", "input", "keepNewRecordsOn")
			if p.Operation != nil || p.Undo != nil {
				t.Errorf("rejected undo returned %+v", p)
			}
			f.MustUnchanged(t, before)
		})
	}
	apptest.MustEqual(t, "mergee still merged", f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, mergee.ID), 0)
}

// TestUndoBlockedByTailMessage: a message added to a conversation a
// separation cut off blocks the undo of the separation.
func TestUndoBlockedByTailMessage(t *testing.T) {
	t.Parallel()
	f, jane, conv, msgs := janeFixture(t)
	newID, op := f.separateOp(t, jane.ID, map[string]any{
		"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}},
		"childRecordAssignment": map[string]any{},
		"messageDividers":       []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}},
	})
	if !op.CanUndo {
		t.Fatalf("fresh separation: blockers %+v", op.UndoBlockers)
	}
	var tail string
	if err := f.DB.Get(&tail, `SELECT conversation_id FROM messages WHERE account_id = $1 AND id = $2`, f.Acct.AccountID, msgs[3].ID); err != nil {
		t.Fatal(err)
	}
	if tail == conv.ID || f.ownerOf(t, "conversations", tail) != newID {
		t.Fatalf("message 3 is in %s, want a tail conversation of %s", tail, newID)
	}
	f.MustMessage(t, f.Acct.Token, tail, "a late reply")

	blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
	mustBlocker(t, blockers, "conversations", "", "1 messages were added")
}

// TestUndoNewestFirst: an older merge cannot be undone while a later merge
// of the same contacts stands; once the later one is undone it can.
func TestUndoNewestFirst(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	a := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("A")), Emails: contact.Some([]string{"a@x.io"})})
	b := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("B")), Emails: contact.Some([]string{"b@x.io"})})
	c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("C")), Emails: contact.Some([]string{"c@x.io"})})
	f.MustRecords(t, b.ID, "src-b")
	f.MustRecords(t, c.ID, "src-c")
	start := f.dataDump(t)
	first := f.mergeOp(t, f.Acct.Token, a.ID, b.ID)
	afterFirst := f.dataDump(t)
	second := f.mergeOp(t, f.Acct.Token, a.ID, c.ID)

	blockers := f.mustBlockedUndo(t, f.Acct.Token, first.ID, nil)
	if len(blockers) != 1 {
		t.Fatalf("blockers %+v, want only the later merge", blockers)
	}
	mustBlocker(t, blockers, "operation", "", second.ID, "MERGE")

	f.mustUndoable(t, second.ID)
	f.mustUndo(t, f.Acct.Token, second.ID, nil)
	mustSameDump(t, "after undoing the later merge", afterFirst, f.dataDump(t))
	f.mustUndoable(t, first.ID)
	f.mustUndo(t, f.Acct.Token, first.ID, nil)
	mustSameDump(t, "after undoing both", start, f.dataDump(t))
}

// TestUndoTwice: an operation is undone at most once.
func TestUndoTwice(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	base, mergee, _ := twoContacts(t, f)
	op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
	u := f.mustUndo(t, f.Acct.Token, op.ID, nil)

	blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
	if len(blockers) != 1 {
		t.Fatalf("blockers %+v, want only already undone", blockers)
	}
	mustBlocker(t, blockers, "operation", "", "already undone", u.Undo.ID)
	if o := f.operation(t, op.ID); !o.Undone {
		t.Fatalf("operation not marked undone: %+v", o)
	}
}

// TestUndoUnknownOperation: an operation of another account, an unknown id
// and a malformed id are NOT_FOUND, and change nothing.
func TestUndoUnknownOperation(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	other := f.MustAccount(t, "Other")
	ob := f.testServer.MustContact(t, other.Token, map[string]any{"firstName": "Their base"})
	om := f.testServer.MustContact(t, other.Token, map[string]any{"firstName": "Their mergee"})
	var p struct{ Operation opOut }
	f.MustMutate(t, other.Token, mergeOpDoc, map[string]any{"input": map[string]any{"baseContactId": ob.ID, "mergeeContactIds": []string{om.ID}}}, &p)
	if p.Operation.ID == "" {
		t.Fatal("no operation")
	}
	for name, id := range map[string]string{"another account's": p.Operation.ID, "unknown": randomID(), "malformed": "op-1'--"} {
		t.Run(name, func(t *testing.T) {
			before := f.Snapshot(t)
			u := f.Undo(t, f.Acct.Token, id, nil)
			MustUserError(t, u.UserErrors, "NOT_FOUND", "id")
			if u.Operation != nil || u.Undo != nil {
				t.Errorf("rejected undo returned %+v", u)
			}
			f.MustUnchanged(t, before)
		})
	}
	// The other account can still undo its own operation.
	var u struct{ UndoContactOperation undoPayload }
	f.Do(t, other.Token, undoDoc, map[string]any{"id": p.Operation.ID}, &u)
	if len(u.UndoContactOperation.UserErrors) > 0 || u.UndoContactOperation.Undo == nil {
		t.Fatalf("owner's undo: %+v", u.UndoContactOperation)
	}
}

// TestUndoRights: the agent who ran a merge may undo it, another agent may
// not (FORBIDDEN, nothing written), an administrator may.
func TestUndoRights(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	_, runner := f.MustUser(t, f.Acct.Token, "Runner", "runner@x.io", "AGENT")
	_, bystander := f.MustUser(t, f.Acct.Token, "Bystander", "bystander@x.io", "AGENT")
	base, mergee, _ := twoContacts(t, f)
	op := f.mergeOp(t, runner, base.ID, mergee.ID)

	for _, in := range []map[string]any{nil, {"dryRun": true}} {
		before := f.Snapshot(t)
		res := f.Post(t, map[string]string{"Authorization": "Bearer " + bystander}, undoDoc, map[string]any{"id": op.ID, "input": in})
		mustTopLevelError(t, res, "FORBIDDEN")
		f.MustUnchanged(t, before)
	}
	f.mustUndoable(t, op.ID)
	u := f.mustUndo(t, runner, op.ID, nil)
	// The runner's undo is the runner's: the bystander may not redo it; the administrator may.
	before := f.Snapshot(t)
	mustTopLevelError(t, f.Post(t, map[string]string{"Authorization": "Bearer " + bystander}, undoDoc, map[string]any{"id": u.Undo.ID}), "FORBIDDEN")
	f.MustUnchanged(t, before)
	f.mustUndo(t, f.Acct.Token, u.Undo.ID, nil)
	apptest.MustEqual(t, "mergee merged again", f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, mergee.ID), 0)
}

// TestUndoPreUndoJournalRow: a journal row written before undo support (no
// versions after) reports canUndo false and its undo is a CONFLICT.
func TestUndoPreUndoJournalRow(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	base, mergee, _ := twoContacts(t, f)
	op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
	if n := f.Count(t, `WITH u AS (UPDATE operation_journal SET after_versions = NULL WHERE account_id = $1 AND id = $2 RETURNING 1)
		SELECT count(*) FROM u`, f.Acct.AccountID, op.ID); n != 1 {
		t.Fatalf("updated %d journal rows", n)
	}
	blockers := f.mustBlockedUndo(t, f.Acct.Token, op.ID, nil)
	if len(blockers) != 1 {
		t.Fatalf("blockers %+v, want one", blockers)
	}
	mustBlocker(t, blockers, "operation", "", "before undo was supported")
	f.mustBlockedUndo(t, f.Acct.Token, op.ID, map[string]any{"dryRun": true})
}

// TestUndoConcurrentSameOperation: of several undos of the same operation
// (then of several redos of its undo) sent at once, exactly one succeeds
// and the others are CONFLICT.
func TestUndoConcurrentSameOperation(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	base, mergee, _ := twoContacts(t, f)
	f.MustRecords(t, mergee.ID, "src-m")
	start := f.dataDump(t)
	op := f.mergeOp(t, f.Acct.Token, base.ID, mergee.ID)
	merged := f.dataDump(t)
	const n = 8

	results := f.concurrentPayloads(t, n, f.Acct.Token, undoDoc, func(int) map[string]any { return map[string]any{"id": op.ID} })
	mustOneUndo(t, results)
	mustSameDump(t, "after the undos", start, f.dataDump(t))
	var undo string
	if err := f.DB.Get(&undo, `SELECT id FROM operation_journal WHERE account_id = $1 AND undoes = $2`, f.Acct.AccountID, op.ID); err != nil {
		t.Fatalf("the one undo row: %v", err)
	}

	results = f.concurrentPayloads(t, n, f.Acct.Token, undoDoc, func(int) map[string]any { return map[string]any{"id": undo} })
	mustOneUndo(t, results)
	mustSameDump(t, "after the redos", merged, f.dataDump(t))
	apptest.MustEqual(t, "journal rows", f.Count(t, `SELECT count(*) FROM operation_journal WHERE account_id = $1`, f.Acct.AccountID), 3)
}

// mustOneUndo fails unless exactly one result is a success and every other
// one is a single CONFLICT.
func mustOneUndo(t *testing.T, results [][]userError) {
	t.Helper()
	wins := 0
	for i, errs := range results {
		switch {
		case len(errs) == 0:
			wins++
		case len(errs) != 1 || errs[0].Code != "CONFLICT":
			t.Errorf("undo %d: user errors %+v, want one CONFLICT", i, errs)
		}
	}
	if wins != 1 {
		t.Fatalf("%d undos succeeded, want exactly 1", wins)
	}
}

// raceTables are the tables whose rows merges, separations without message
// dividers and their undos move but never create or delete.
var raceTables = []string{"conversations", "messages", "applications", "contact_notes", "reminders", "training_snapshots",
	"contact_inboxes", "contact_emails", "contact_phone_numbers"}

// rowKeys returns the account's row keys of every race table, sorted, and
// the ids of the messages with a contact sender.
func (f *fixture) rowKeys(tb testing.TB) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, t := range raceTables {
		key := "id::text"
		switch t {
		case "contact_emails":
			key = "email"
		case "contact_phone_numbers":
			key = "phone_number"
		}
		var keys []string
		if err := f.DB.Select(&keys, `SELECT `+key+` FROM `+t+` WHERE account_id = $1 ORDER BY 1`, f.Acct.AccountID); err != nil {
			tb.Fatalf("keys of %s: %v", t, err)
		}
		out[t] = keys
	}
	var senders []string
	if err := f.DB.Select(&senders, `SELECT id::text FROM messages WHERE account_id = $1 AND sender_contact_id IS NOT NULL ORDER BY 1`,
		f.Acct.AccountID); err != nil {
		tb.Fatal(err)
	}
	out["messages with a contact sender"] = senders
	return out
}

// mustLiveOwners fails when a record, address, message or redirect hangs
// off no live contact or conversation, or a live contact is also a redirect.
func (f *fixture) mustLiveOwners(tb testing.TB) {
	tb.Helper()
	checks := map[string]string{
		"messages of no conversation": `SELECT count(*) FROM messages m WHERE m.account_id = $1 AND NOT EXISTS (
			SELECT 1 FROM conversations c WHERE c.account_id = m.account_id AND c.id = m.conversation_id)`,
		"messages sent by no live contact": `SELECT count(*) FROM messages m WHERE m.account_id = $1 AND m.sender_contact_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.account_id = m.account_id AND k.id = m.sender_contact_id)`,
		"redirects to no live contact": `SELECT count(*) FROM contact_redirects r WHERE r.account_id = $1 AND NOT EXISTS (
			SELECT 1 FROM contacts k WHERE k.account_id = r.account_id AND k.id = r.new_contact_id)`,
		"redirects from a live contact": `SELECT count(*) FROM contact_redirects r JOIN contacts k
			ON k.account_id = r.account_id AND k.id = r.old_contact_id WHERE r.account_id = $1`,
	}
	for _, k := range contact.RecordKinds {
		checks[k.Table+" of no live contact"] = `SELECT count(*) FROM ` + k.Table + ` x WHERE x.account_id = $1 AND NOT EXISTS (
			SELECT 1 FROM contacts k WHERE k.account_id = x.account_id AND k.id = x.` + k.OwnerColumn + `)`
	}
	for what, q := range checks {
		if n := f.Count(tb, q, f.Acct.AccountID); n != 0 {
			tb.Errorf("%d %s", n, what)
		}
	}
}

// TestUndoRaceWithMergesAndSeparations: undos, redos, merges and
// separations of overlapping contacts sent at once never reach a client as
// a top-level error, and leave every record on a live contact, nothing lost
// or duplicated. Undoing every standing operation newest first afterwards
// gives back the data of the start.
func TestUndoRaceWithMergesAndSeparations(t *testing.T) {
	t.Parallel()
	f := mustLoggingFixture(t)
	start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for i := range 6 {
		c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp(fmt.Sprint("C", i))),
			Emails: contact.Some([]string{fmt.Sprintf("c%d@x.io", i)}), PhoneNumbers: contact.Some([]string{fmt.Sprintf("+1415555%04d", i)}),
			Labels: contact.Some([]string{fmt.Sprint("l", i)})})
		f.MustRecords(t, c.ID, fmt.Sprint("src-", i))
		conv := f.MustConversation(t, c.ID)
		f.MustMessages(t, conv.ID, 3, start.Add(time.Duration(i)*time.Hour))
	}
	keys := f.rowKeys(t)
	dump := f.dataDump(t)
	t.Cleanup(func() {
		if t.Failed() {
			f.logJournal(t)
		}
	})

	const workers, rounds = 6, 5
	var mu sync.Mutex
	done := map[string]int{}
	t.Run("race", func(t *testing.T) {
		for w := range workers {
			t.Run(fmt.Sprint(w), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
				for range rounds {
					kind, doc, vars := f.raceRequest(t, rng)
					if doc == "" {
						continue
					}
					res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, doc, vars)
					if len(res.Errors) > 0 {
						t.Errorf("%s %v: top-level errors %+v", kind, vars, res.Errors)
						continue
					}
					var data map[string]struct{ UserErrors []userError }
					if err := json.Unmarshal(res.Data, &data); err != nil {
						t.Fatal(err)
					}
					outcome := "ok"
					for _, p := range data {
						if len(p.UserErrors) > 0 {
							outcome = p.UserErrors[0].Code
						}
					}
					mu.Lock()
					done[kind+" "+outcome]++
					mu.Unlock()
				}
			})
		}
	})
	t.Logf("outcomes: %v", done)
	f.mustLiveOwners(t)
	for table, want := range keys {
		apptest.MustEqual(t, table, f.rowKeys(t)[table], want)
	}

	// Undo every standing merge, separation and redo, newest first.
	for {
		var id string
		err := f.DB.Get(&id, `SELECT id FROM operation_journal WHERE account_id = $1 AND undone_by IS NULL AND depth % 2 = 0
			ORDER BY created_at DESC, id DESC LIMIT 1`, f.Acct.AccountID)
		if err != nil {
			break // none left
		}
		f.mustUndoable(t, id)
		f.mustUndo(t, f.Acct.Token, id, nil)
	}
	f.mustLiveOwners(t)
	// A separation undone leaves its new contact's id as a redirect; the
	// rest is as at the start.
	mustSameDump(t, "after undoing everything", withoutRedirects(dump), withoutRedirects(f.dataDump(t)))
}

// withoutRedirects drops the contact_redirects section of a dataDump.
func withoutRedirects(dump string) string {
	var out []string
	skip := false
	for _, line := range strings.Split(dump, "\n") {
		if line != "" && !strings.HasPrefix(line, "{") { // a table's name
			skip = line == "contact_redirects"
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// raceRequest picks the next request of a racing client: a merge of two
// live contacts, a separation of one giving the new contact one of its
// conversations, or an undo of one of the newest journal rows not undone
// (an undo of an undo is a redo). doc is "" when there is nothing to do.
func (f *fixture) raceRequest(tb testing.TB, rng *rand.Rand) (kind, doc string, vars map[string]any) {
	tb.Helper()
	var live []string
	if err := f.DB.Select(&live, `SELECT id FROM contacts WHERE account_id = $1 ORDER BY id`, f.Acct.AccountID); err != nil {
		tb.Fatal(err)
	}
	switch r := rng.IntN(10); {
	case r < 4:
		var ops []string
		if err := f.DB.Select(&ops, `SELECT id FROM operation_journal WHERE account_id = $1 AND undone_by IS NULL
			ORDER BY created_at DESC, id DESC LIMIT 3`, f.Acct.AccountID); err != nil {
			tb.Fatal(err)
		}
		if len(ops) == 0 {
			return "", "", nil
		}
		return "undo", undoDoc, map[string]any{"id": ops[rng.IntN(len(ops))]}
	case r < 7 && len(live) >= 2:
		i := rng.IntN(len(live))
		j := (i + 1 + rng.IntN(len(live)-1)) % len(live)
		return "merge", mergeOpDoc, map[string]any{"input": map[string]any{"baseContactId": live[i], "mergeeContactIds": []string{live[j]}}}
	default:
		id := live[rng.IntN(len(live))]
		var convs []string
		if err := f.DB.Select(&convs, `SELECT id FROM conversations WHERE account_id = $1 AND contact_id = $2 ORDER BY id`,
			f.Acct.AccountID, id); err != nil {
			tb.Fatal(err)
		}
		assign := map[string]any{}
		if len(convs) > 0 {
			assign["conversations"] = []any{map[string]any{"id": convs[rng.IntN(len(convs))], "side": "NEW"}}
		}
		return "separate", separateOpDoc, map[string]any{"id": id, "input": map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Kept", "new": "Split"}},
			"childRecordAssignment": assign}}
	}
}

// TestUndoRedoOfMergeWhoseSurvivorIsGone: a merge into a separation's new
// contact, undone, then the separation undone (which removes that
// contact): redoing the merge has no survivor to merge into, so it is a
// CONFLICT naming the contact, never an internal error.
func TestUndoRedoOfMergeWhoseSurvivorIsGone(t *testing.T) {
	t.Parallel()
	f := mustLoggingFixture(t)
	r := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("R")), Emails: contact.Some([]string{"r@x.io"})})
	s := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("S")), Emails: contact.Some([]string{"s@x.io"})})
	f.MustConversation(t, s.ID)
	newID, sep := f.separateOp(t, r.ID, map[string]any{
		"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "R", "new": "T"}},
		"childRecordAssignment": map[string]any{},
	})
	merge := f.mergeOp(t, f.Acct.Token, newID, s.ID)
	undoMerge := f.mustUndo(t, f.Acct.Token, merge.ID, nil)
	undoSep := f.mustUndo(t, f.Acct.Token, sep.ID, nil)
	apptest.MustEqual(t, "the separation's new contact", f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, newID), 0)

	redo := undoMerge.Undo.ID
	blockers := f.mustBlockedUndo(t, f.Acct.Token, redo, nil)
	if !slices.ContainsFunc(blockers, func(b blockerOut) bool {
		return strings.Contains(b.Message, undoSep.Undo.ID) || (b.Field == "contact" && b.ContactID != nil && *b.ContactID == newID)
	}) {
		t.Fatalf("blockers %+v name neither the later undo %s nor the removed contact %s", blockers, undoSep.Undo.ID, newID)
	}
}

// TestUndoRedoAfterAnEarlierOperationWasUndone: merge A←B, separate A
// (moving A's conversation to a new contact N), undo the separation, undo
// the merge. Redoing the separation now would apply it to a survivor the
// merge's undo has changed since (it rewrites A with the image it had
// under the merge, B's email included, while B is back): the later undo
// stands, so the redo is a CONFLICT, and canUndo says so beforehand.
func TestUndoRedoAfterAnEarlierOperationWasUndone(t *testing.T) {
	t.Parallel()
	for name, bFields := range map[string]contact.ContactFields{
		"mergee with an email":     {FirstName: contact.Some(sp("B")), Emails: contact.Some([]string{"b@x.io"})},
		"mergee without addresses": {LastName: contact.Some(sp("Lovelace")), Labels: contact.Some([]string{"from-b"})},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := MustFixture(t)
			a := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("A")), Emails: contact.Some([]string{"a@x.io"})})
			b := f.MustContact(t, bFields)
			convA := f.MustConversation(t, a.ID)
			merge := f.mergeOp(t, f.Acct.Token, a.ID, b.ID)
			_, sep := f.separateOp(t, a.ID, map[string]any{
				"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "A", "new": "N"}},
				"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": convA.ID, "side": "NEW"}}},
			})
			undoSep := f.mustUndo(t, f.Acct.Token, sep.ID, nil)
			undoMerge := f.mustUndo(t, f.Acct.Token, merge.ID, nil)
			t.Cleanup(func() {
				if t.Failed() {
					got := f.MustReadContact(t, f.Acct.Token, a.ID)
					t.Logf("A is now lastName %v, labels %v, emails %v; B still exists: %v", got.LastName, got.Labels, got.Emails,
						f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, b.ID) == 1)
				}
			})

			blockers := f.mustBlockedUndo(t, f.Acct.Token, undoSep.Undo.ID, nil)
			if !slices.ContainsFunc(blockers, func(b blockerOut) bool {
				return strings.Contains(b.Message, undoMerge.Undo.ID) || (b.Field == "version" && b.ContactID != nil && *b.ContactID == a.ID)
			}) {
				t.Fatalf("blockers %+v name neither the later undo %s nor A's version", blockers, undoMerge.Undo.ID)
			}
			// Newest first: redo the merge, then the separation.
			f.mustUndo(t, f.Acct.Token, undoMerge.Undo.ID, nil)
			f.mustUndoable(t, undoSep.Undo.ID)
			f.mustUndo(t, f.Acct.Token, undoSep.Undo.ID, nil)
		})
	}
}

// behindLock sends first, waits until it is blocked on a lock that a
// transaction of the test holds (lockSQL, run with args, must lock a row
// first writes after it locked its contacts), then sends second and waits
// until second is blocked by first, then releases the lock. It returns both
// answers once both are in.
func (f *fixture) behindLock(t *testing.T, lockSQL string, args []any, firstDoc string, firstVars map[string]any,
	secondDoc string, secondVars map[string]any) (first, second apptest.Response) {
	t.Helper()
	ctx := context.Background()
	conn, err := f.DB.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // released below
	var holder int
	if err := tx.Get(&holder, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	if n, err := tx.Exec(lockSQL, args...); err != nil {
		t.Fatal(err)
	} else if rows, _ := n.RowsAffected(); rows == 0 {
		t.Fatalf("%s locked no row", lockSQL)
	}
	type answer struct {
		res apptest.Response
		err error
	}
	firstC, secondC := make(chan answer, 1), make(chan answer, 1)
	go func() {
		res, err := f.postQuietly(firstDoc, firstVars)
		firstC <- answer{res, err}
	}()
	mustWaitBlocked(t, f.DB, holder)
	var firstPID int
	if err := f.DB.Get(&firstPID, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
		AND $1 = ANY(pg_blocking_pids(pid)) LIMIT 1`, holder); err != nil {
		t.Fatal(err)
	}
	go func() {
		res, err := f.postQuietly(secondDoc, secondVars)
		secondC <- answer{res, err}
	}()
	mustWaitBlocked(t, f.DB, firstPID)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	a1, a2 := <-firstC, <-secondC
	if a1.err != nil || a2.err != nil {
		t.Fatalf("requests: %v, %v", a1.err, a2.err)
	}
	return a1.res, a2.res
}

// mustLaterOperation decodes the answers of behindLock for a merge or
// separation (first) and an undo (second): the first must have succeeded,
// and the undo must be a CONFLICT naming it, as the history's blockers do.
// damage describes the state left when the undo went through.
func (f *fixture) mustLaterOperation(t *testing.T, opRes, undoRes apptest.Response, undone string, damage func() string) {
	t.Helper()
	var op map[string]struct{ Operation *opOut }
	if len(opRes.Errors) > 0 || json.Unmarshal(opRes.Data, &op) != nil {
		t.Fatalf("the later operation: %s %+v", opRes.Data, opRes.Errors)
	}
	later := ""
	for _, p := range op {
		if p.Operation != nil {
			later = p.Operation.ID
		}
	}
	if later == "" {
		t.Fatalf("the later operation did not apply: %s", opRes.Data)
	}
	if len(undoRes.Errors) > 0 {
		t.Fatalf("the undo of %s while the later operation %s ran: top-level errors %+v, want a CONFLICT user error", undone, later, undoRes.Errors)
	}
	var u struct{ UndoContactOperation undoPayload }
	if err := json.Unmarshal(undoRes.Data, &u); err != nil {
		t.Fatal(err)
	}
	errs := u.UndoContactOperation.UserErrors
	if len(errs) == 0 {
		t.Fatalf("the undo of %s succeeded while the later operation %s stands: %s", undone, later, damage())
	}
	if !slices.ContainsFunc(errs, func(e userError) bool { return e.Code == "CONFLICT" && strings.Contains(e.Message, later) }) {
		t.Fatalf("undo: %+v, want a CONFLICT naming the later operation %s", errs, later)
	}
	if !slices.ContainsFunc(f.operation(t, undone).UndoBlockers, func(b blockerOut) bool { return strings.Contains(b.Message, later) }) {
		t.Fatalf("the blockers of %s do not name the later operation %s", undone, later)
	}
}

// TestUndoWaitsForConcurrentMerge: a merge of the survivor that is under
// way when an undo of an older merge starts, and commits while the undo
// waits for the survivor's lock, is a later operation: the undo must be a
// CONFLICT naming it, not take the older merge back from under it.
func TestUndoWaitsForConcurrentMerge(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	a := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("A")), Emails: contact.Some([]string{"a@x.io"})})
	b := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("B")), Emails: contact.Some([]string{"b@x.io"})})
	c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("C")), Emails: contact.Some([]string{"c@x.io"})})
	convC := f.MustConversation(t, c.ID)
	first := f.mergeOp(t, f.Acct.Token, a.ID, b.ID)

	// The second merge waits for a conversation of C, holding A and C.
	mergeRes, undoRes := f.behindLock(t, `SELECT 1 FROM conversations WHERE account_id = $1 AND id = $2 FOR UPDATE`,
		[]any{f.Acct.AccountID, convC.ID},
		mergeOpDoc, map[string]any{"input": map[string]any{"baseContactId": a.ID, "mergeeContactIds": []string{c.ID}}},
		undoDoc, map[string]any{"id": first.ID})
	f.mustLaterOperation(t, mergeRes, undoRes, first.ID, func() string {
		var emails []string
		if err := f.DB.Select(&emails, `SELECT email FROM contact_emails WHERE account_id = $1 ORDER BY email`, f.Acct.AccountID); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("the account's emails are now %v (c@x.io, merged into A, is lost)", emails)
	})
}

// TestUndoSeparationWaitsForConcurrentMerge: a merge that takes in a
// separation's new contact, under way when the undo of the separation
// starts, is a later operation: the undo must be a CONFLICT naming it.
func TestUndoSeparationWaitsForConcurrentMerge(t *testing.T) {
	t.Parallel()
	f := mustLoggingFixture(t)
	a := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("A")), Emails: contact.Some([]string{"a@x.io"})})
	y := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Y")), Emails: contact.Some([]string{"y@x.io"})})
	newID, sep := f.separateOp(t, a.ID, map[string]any{
		"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "A", "new": "N"}},
		"childRecordAssignment": map[string]any{},
	})

	// The merge of N into Y waits for Y's address, holding Y and N.
	mergeRes, undoRes := f.behindLock(t, `SELECT 1 FROM contact_emails WHERE account_id = $1 AND contact_id = $2 FOR UPDATE`,
		[]any{f.Acct.AccountID, y.ID},
		mergeOpDoc, map[string]any{"input": map[string]any{"baseContactId": y.ID, "mergeeContactIds": []string{newID}}},
		undoDoc, map[string]any{"id": sep.ID})
	f.mustLaterOperation(t, mergeRes, undoRes, sep.ID, func() string {
		return fmt.Sprintf("%d contacts, %d redirects", f.Count(t, `SELECT count(*) FROM contacts WHERE account_id = $1`, f.Acct.AccountID),
			f.Count(t, `SELECT count(*) FROM contact_redirects WHERE account_id = $1`, f.Acct.AccountID))
	})
}

// postQuietly posts a document as the fixture's administrator; unlike
// Post it does not fail the test, so goroutines other than the test's may
// call it.
func (f *fixture) postQuietly(doc string, vars map[string]any) (apptest.Response, error) {
	var res apptest.Response
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return res, err
	}
	req, err := newJSONRequest(f.URL+"/graphql", f.Acct.Token, body)
	if err != nil {
		return res, err
	}
	return res, doJSON(req, &res)
}

// newJSONRequest returns a POST of body to url with the token as bearer.
func newJSONRequest(url, token string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req, nil
}

// doJSON sends req and decodes the JSON answer into dest.
func doJSON(req *http.Request, dest *apptest.Response) error {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	dest.Status = res.StatusCode
	if err := json.Unmarshal(raw, dest); err != nil {
		return fmt.Errorf("decode %q: %w", raw, err)
	}
	return nil
}

// mustLoggingFixture is MustFixture on a server whose warnings and errors
// (an internal error's cause) go to the test's output.
func mustLoggingFixture(t *testing.T) *fixture {
	t.Helper()
	return fixtureOn(t, mustLoggingServer(t))
}

// logJournal logs the account's journal, oldest first, with the records
// each row moved, for a failing race's post-mortem.
func (f *fixture) logJournal(tb testing.TB) {
	tb.Helper()
	var rows []struct {
		ID       string  `db:"id"`
		Kind     string  `db:"kind"`
		Depth    int     `db:"depth"`
		Undoes   *string `db:"undoes"`
		UndoneBy *string `db:"undone_by"`
		Contacts string  `db:"contact_ids"`
		At       string  `db:"created_at"`
		Moves    *string `db:"moves"`
	}
	if err := f.DB.Select(&rows, `SELECT id, kind, depth, undoes, undone_by, contact_ids::text, created_at::text,
		(SELECT string_agg(m.kind || ' from ' || m.owner_id || ': ' || m.ids::text, '; ') FROM operation_journal_moves m
			WHERE m.account_id = j.account_id AND m.journal_id = j.id AND m.kind = 'conversations') AS moves
		FROM operation_journal j WHERE account_id = $1 ORDER BY created_at, id`, f.Acct.AccountID); err != nil {
		tb.Logf("journal: %v", err)
		return
	}
	for _, r := range rows {
		undoes, by, moves := "", "", ""
		if r.Undoes != nil {
			undoes = *r.Undoes
		}
		if r.UndoneBy != nil {
			by = *r.UndoneBy
		}
		if r.Moves != nil {
			moves = *r.Moves
		}
		tb.Logf("%s %s %s depth %d undoes %s undone by %s contacts %s moved %s", r.At, r.ID, r.Kind, r.Depth, undoes, by, r.Contacts, moves)
	}
}
