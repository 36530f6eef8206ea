package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

// mustRequestError fails unless res is refused before execution: no data,
// one error, and that error's extensions.code is code.
func mustRequestError(tb testing.TB, res apptest.Response, code string) {
	tb.Helper()
	if len(res.Errors) != 1 {
		tb.Fatalf("want one error, got data=%s errors=%+v", res.Data, res.Errors)
	}
	if got := res.Errors[0].Extensions["code"]; got != code {
		tb.Fatalf("extensions.code = %v, want %s (error %+v)", got, code, res.Errors[0])
	}
	if len(res.Data) != 0 && string(res.Data) != "null" {
		tb.Fatalf("want no data, got %s", res.Data)
	}
}

// TestEnumsAreExact checks that enum values in variables must be spelled
// exactly as in the schema: lower-case spellings (as the public CRM API
// writes them) are request errors, never ignored, never another meaning,
// never INTERNAL, and nothing is written.
func TestEnumsAreExact(t *testing.T) {
	f := MustFixture(t)
	tok := f.Acct.Token
	jane := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Jane")), LastName: contact.Some(sp("Doe"))})
	conv := f.MustConversation(t, jane.ID)
	for _, tc := range []struct {
		name, doc string
		vars      map[string]any
	}{
		{"record side new", separateDoc, map[string]any{"id": jane.ID, "input": map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "new"}}}}}},
		{"field placement original", separateDoc, map[string]any{"id": jane.ID, "input": map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}, "status": "original"},
			"childRecordAssignment": map[string]any{}}}},
		{"custom attributes new", separateDoc, map[string]any{"id": jane.ID, "input": map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}, "customAttributes": "new"},
			"childRecordAssignment": map[string]any{}}}},
		{"merge field first_name", mergeDoc, map[string]any{"input": map[string]any{
			"baseContactId": jane.ID, "mergeeContactIds": []string{randomID()},
			"fieldChoices": []any{map[string]any{"field": "first_name", "contactId": jane.ID}}}}},
		{"role administrator", createUserDoc, map[string]any{"input": map[string]any{
			"name": "Mallory", "email": "mallory@example.com", "role": "administrator"}}},
		{"conversation status resolved", updateConversationDoc, map[string]any{"id": conv.ID, "input": map[string]any{"status": "resolved"}}},
		{"sender type contact", createMessageDoc, map[string]any{"input": map[string]any{
			"conversationId": conv.ID, "content": "hi", "senderType": "contact"}}},
		{"enum given as a number", createMessageDoc, map[string]any{"input": map[string]any{
			"conversationId": conv.ID, "content": "hi", "senderType": 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Post(t, map[string]string{"Authorization": "Bearer " + tok}, tc.doc, tc.vars)
			mustRequestError(t, res, "GRAPHQL_VALIDATION_FAILED")
			f.MustUnchanged(t, before)
		})
	}
	t.Run("exact spelling still works", func(t *testing.T) {
		var p struct{ Conversation struct{ Status string } }
		f.MustMutate(t, tok, updateConversationDoc, map[string]any{"id": conv.ID, "input": map[string]any{"status": "RESOLVED"}}, &p)
		apptest.MustEqual(t, "status", p.Conversation.Status, "RESOLVED")
	})
}

// TestIntsAreStrict checks that Int arguments and input fields accept only
// whole numbers within 32 bits, in literals and variables, and refuse
// strings such as "1".
func TestIntsAreStrict(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Ada"})
	for _, tc := range []struct {
		name, doc string
		vars      map[string]any
	}{
		{"literal beyond 32 bits", `{ contacts(first: 3000000000) { nodes { id } } }`, nil},
		{"literal beyond 64 bits", `{ contacts(first: 30000000000000000000) { nodes { id } } }`, nil},
		{"variable beyond 32 bits", `query($n: Int) { contacts(first: $n) { nodes { id } } }`, map[string]any{"n": json.Number("3000000000")}},
		{"variable string", `query($n: Int) { contacts(first: $n) { nodes { id } } }`, map[string]any{"n": "1"}},
		{"variable fraction", `query($n: Int) { contacts(first: $n) { nodes { id } } }`, map[string]any{"n": 1.5}},
		{"input field string", updateContactDoc, map[string]any{"id": c.ID, "input": map[string]any{"expectedVersion": "1"}}},
		{"input field literal beyond 32 bits", `mutation { updateContact(id: "` + c.ID + `", input: {expectedVersion: 4294967297}) { contact { id } } }`, nil},
		{"input field beyond 32 bits", updateContactDoc, map[string]any{"id": c.ID, "input": map[string]any{"expectedVersion": json.Number("4294967297")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Snapshot(t)
			res := s.Post(t, auth, tc.doc, tc.vars)
			mustRequestError(t, res, "GRAPHQL_VALIDATION_FAILED")
			s.MustUnchanged(t, before)
		})
	}
	t.Run("ordinary Ints work", func(t *testing.T) {
		s.Do(t, a.Token, `query($n: Int) { contacts(first: $n) { nodes { id } } }`, map[string]any{"n": 2}, nil)
		s.Do(t, a.Token, `{ contacts(first: 2147483647) { nodes { id } } }`, nil, nil)
	})
}

// TestTimesAreChecked checks that "" and times outside years 1900–9999 or
// with offsets PostgreSQL refuses are INVALID before anything is written,
// and that such input cannot break later reads.
func TestTimesAreChecked(t *testing.T) {
	f := MustFixture(t)
	tok := f.Acct.Token
	auth := map[string]string{"Authorization": "Bearer " + tok}
	jane := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Jane")), LastName: contact.Some(sp("Doe"))})
	conv := f.MustConversation(t, jane.ID)
	for _, at := range []string{"", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2024-01-01T00:00:00+23:59",
		"2024-01-01T00:00:00+24:00", "10000-01-01T00:00:00Z", "yesterday"} {
		t.Run("message createdAt "+at, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Post(t, auth, createMessageDoc, map[string]any{"input": map[string]any{
				"conversationId": conv.ID, "content": "hello", "createdAt": at}})
			mustTopLevelError(t, res, "INVALID")
			f.MustUnchanged(t, before)
		})
		t.Run("reminder dueAt "+at, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Post(t, auth, createReminderDoc, map[string]any{"input": map[string]any{
				"contactId": jane.ID, "title": "call", "dueAt": at}})
			mustTopLevelError(t, res, "INVALID")
			f.MustUnchanged(t, before)
		})
	}
	t.Run("time as a literal", func(t *testing.T) {
		before := f.Snapshot(t)
		res := f.Post(t, auth, `mutation { createReminder(input: {contactId: "`+jane.ID+`", title: "x", dueAt: ""}) { reminder { id } } }`, nil)
		mustTopLevelError(t, res, "INVALID")
		f.MustUnchanged(t, before)
	})
	t.Run("edges of the range are stored and read back", func(t *testing.T) {
		for _, at := range []string{"1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-06-01T12:00:00+15:59", "2024-06-01T12:00:00-15:59"} {
			var p struct{ Message struct{ CreatedAt time.Time } }
			f.MustMutate(t, tok, createMessageDoc, map[string]any{"input": map[string]any{
				"conversationId": conv.ID, "content": "edge", "createdAt": at}}, &p)
			want, _ := time.Parse(time.RFC3339, at)
			if !p.Message.CreatedAt.Equal(want) {
				t.Fatalf("createdAt %s read back as %s", at, p.Message.CreatedAt)
			}
		}
		var got struct {
			Conversation struct {
				Messages struct{ Nodes []struct{ ID string } }
			}
		}
		f.Do(t, tok, `query($id: ID!) { conversation(id: $id) { messages(first: 100) { nodes { id } } } }`, map[string]any{"id": conv.ID}, &got)
		apptest.MustEqual(t, "messages", len(got.Conversation.Messages.Nodes), 4)
	})
}

// TestJSONInputIsChecked checks the JSON scalar: a value that is not an
// object, or a number that cannot be stored, is INVALID (never INTERNAL),
// in variables and in literals, and nothing is written.
func TestJSONInputIsChecked(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	for _, tc := range []struct {
		name, code string
		vars       any
		doc        string
	}{
		{"string instead of object", "INVALID", map[string]any{"firstName": "A", "customAttributes": "plan"}, ""},
		{"array instead of object", "INVALID", map[string]any{"firstName": "A", "misc": []int{1}}, ""},
		{"huge number", "INVALID", json.RawMessage(`{"firstName": "A", "customAttributes": {"n": 1e1000000}}`), ""},
		{"nested huge negative number", "INVALID", json.RawMessage(`{"firstName": "A", "misc": {"a": [{"b": -1e400}]}}`), ""},
		{"underflowing number", "INVALID", json.RawMessage(`{"firstName": "A", "additionalAttributes": {"n": 1e-1000000}}`), ""},
		{"huge number literal", "GRAPHQL_VALIDATION_FAILED", nil,
			`mutation { createContact(input: {firstName: "A", customAttributes: {n: 1e1000000}}) { contact { id } } }`},
		{"huge integer literal", "GRAPHQL_VALIDATION_FAILED", nil,
			`mutation { createContact(input: {firstName: "A", misc: {n: 1` + strings.Repeat("0", 400) + `}}) { contact { id } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Snapshot(t)
			doc, vars := tc.doc, map[string]any{"input": tc.vars}
			if doc == "" {
				doc = createContactDoc
			} else {
				vars = nil
			}
			res := s.Post(t, auth, doc, vars)
			mustTopLevelError(t, res, tc.code)
			s.MustUnchanged(t, before)
		})
	}
	t.Run("ordinary numbers are kept exactly", func(t *testing.T) {
		var p struct{ Contact contactOut }
		s.MustMutate(t, a.Token, createContactDoc, map[string]any{"input": json.RawMessage(
			`{"firstName": "A", "customAttributes": {"big": 12345678901234567890, "f": 1.5}}`)}, &p)
		apptest.MustEqual(t, "customAttributes", string(p.Contact.CustomAttributes), `{"big":12345678901234567890,"f":1.5}`)
	})
}
