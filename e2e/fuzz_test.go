package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

// Fuzz targets: one per mutation input type. Each posts the fuzzer's JSON
// as the mutation's $input through the real handler and fails on a 5xx, an
// INTERNAL error or leaked internals. Without -fuzz they run their seeds as
// tests; CI fuzzes each for a bounded time (see .ci/run).
//
// Seeds may name real records with placeholders, replaced before the call:
// @contact, @other (a second contact), @inbox, @conversation, @message,
// @user.

// fuzzMutation fuzzes doc (which takes $input and, when it changes an
// existing object, $id: the contact or conversation of the fixture).
func fuzzMutation(f *testing.F, doc, idOf string, seeds ...string) {
	fx := MustFixture(f)
	person := fx.MustContact(f, contact.ContactFields{FirstName: contact.Some(sp("Fuzz"))})
	other := fx.MustContact(f, contact.ContactFields{FirstName: contact.Some(sp("Other"))})
	conv := fx.MustConversation(f, person.ID)
	msgs := fx.MustMessages(f, conv.ID, 2, time.Now().Add(-time.Hour))
	places := strings.NewReplacer("@contact", person.ID, "@other", other.ID, "@inbox", fx.Inbox.ID,
		"@conversation", conv.ID, "@message", msgs[1].ID, "@user", fx.Acct.UserID)
	ids := map[string]string{"contact": person.ID, "conversation": conv.ID}
	for _, s := range seeds {
		f.Add(s)
	}
	auth := map[string]string{"Authorization": "Bearer " + fx.Acct.Token}
	f.Fuzz(func(t *testing.T, input string) {
		input = places.Replace(input)
		if !json.Valid([]byte(input)) {
			return
		}
		vars := map[string]any{"input": json.RawMessage(input)}
		if idOf != "" {
			vars["id"] = ids[idOf]
		}
		body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
		status, raw, _ := fx.MustRequest(t, http.MethodPost, "/graphql", "application/json", string(body), auth)
		if status >= 500 {
			t.Fatalf("status %d for input %s: %s", status, input, raw)
		}
		apptest.MustNotLeak(t, raw)
		var res apptest.Response
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Fatalf("undecodable response %q: %v", raw, err)
		}
		for _, e := range res.Errors {
			if code, _ := e.Extensions["code"].(string); code == "" || code == "INTERNAL" {
				t.Fatalf("input %s: error %+v", input, e)
			}
		}
	})
}

// Seeds shared by several targets: values that once misbehaved.
const (
	hugeNumber = `1e1000000`
	badTime    = `"0001-01-01T00:00:00Z"`
)

func FuzzCreateUserInput(f *testing.F) {
	fuzzMutation(f, createUserDoc, "",
		`{"name": "Bob", "email": "bob@example.com"}`, `{"name": "A", "email": "a@example.com", "role": "administrator"}`,
		`{"name": "", "email": "\u202eevil@example.com", "role": "AGENT"}`)
}

func FuzzCreateInboxInput(f *testing.F) {
	fuzzMutation(f, createInboxDoc, "", `{"name": "Web", "channelType": "web"}`, `{"name": "`+strings.Repeat("x", 3000)+`"}`, `{}`)
}

func FuzzCreateContactInput(f *testing.F) {
	fuzzMutation(f, createContactDoc, "",
		`{"firstName": "Ada", "emails": ["ada@example.com"], "phoneNumbers": ["+44 20 7946 0000"], "labels": ["vip"]}`,
		`{"customAttributes": {"n": `+hugeNumber+`}, "labels": ["`+strings.Repeat("l", 3000)+`"]}`,
		`{"email": "base\u0301@example.com", "identifier": "x", "documents": [{"name": "cv", "url": "https://e.com"}]}`,
		`{"assigneeIds": ["@user", "@user"], "misc": "nope", "blocked": true}`)
}

func FuzzUpdateContactInput(f *testing.F) {
	fuzzMutation(f, updateContactDoc, "contact",
		`{"expectedVersion": 1, "lastName": "Lovelace", "email": null}`, `{"expectedVersion": "1"}`,
		`{"expectedVersion": 4294967297, "phoneNumbers": ["+1 555", "+1 555"]}`, `{"emails": [], "labels": null}`)
}

func FuzzCreateContactInboxInput(f *testing.F) {
	fuzzMutation(f, createContactInboxDoc, "",
		`{"contactId": "@contact", "inboxId": "@inbox", "sourceId": "s-1"}`,
		`{"contactId": "@contact", "inboxId": "@inbox", "sourceId": "`+strings.Repeat("s", 2700)+`"}`)
}

func FuzzCreateConversationInput(f *testing.F) {
	fuzzMutation(f, createConversationDoc, "",
		`{"contactId": "@contact", "inboxId": "@inbox", "subject": "Hi", "status": "PENDING", "assigneeIds": ["@user"]}`,
		`{"contactId": "@contact", "inboxId": "@inbox", "status": "resolved"}`)
}

func FuzzUpdateConversationInput(f *testing.F) {
	fuzzMutation(f, updateConversationDoc, "conversation",
		`{"status": "RESOLVED", "subject": ""}`, `{"status": "open"}`, `{"assigneeIds": ["nope"]}`)
}

func FuzzCreateMessageInput(f *testing.F) {
	fuzzMutation(f, createMessageDoc, "",
		`{"conversationId": "@conversation", "content": "hi", "senderType": "CONTACT", "createdAt": "2024-05-01T09:30:00Z"}`,
		`{"conversationId": "@conversation", "content": "x", "createdAt": `+badTime+`}`,
		`{"conversationId": "@conversation", "content": "x", "createdAt": "", "senderType": "contact"}`)
}

func FuzzCreateApplicationInput(f *testing.F) {
	fuzzMutation(f, createApplicationDoc, "", `{"contactId": "@contact", "jobTitle": "Engineer", "status": "new"}`, `{"contactId": ""}`)
}

func FuzzCreateContactNoteInput(f *testing.F) {
	fuzzMutation(f, createContactNoteDoc, "", `{"contactId": "@contact", "content": "met at fair"}`, `{"contactId": "@contact", "content": "\u0000"}`)
}

func FuzzCreateReminderInput(f *testing.F) {
	fuzzMutation(f, createReminderDoc, "",
		`{"contactId": "@contact", "title": "call", "dueAt": "2030-01-01T00:00:00+02:00"}`,
		`{"contactId": "@contact", "title": "call", "dueAt": "2030-01-01T00:00:00+24:00"}`)
}

func FuzzCreateTrainingSnapshotInput(f *testing.F) {
	fuzzMutation(f, createTrainingSnapshotDoc, "",
		`{"contactId": "@contact", "data": {"a": [1, 2.5, {"b": null}]}}`, `{"contactId": "@contact", "data": {"n": -`+hugeNumber+`}}`)
}

func FuzzMergeContactsInput(f *testing.F) {
	fuzzMutation(f, mergeDoc, "",
		`{"baseContactId": "@contact", "mergeeContactIds": ["@other"], "dryRun": true}`,
		`{"baseContactId": "@contact", "mergeeContactIds": ["@other", "@other"], "fieldChoices": [{"field": "first_name", "contactId": "@other"}], "dryRun": true}`,
		`{"baseContactId": "@contact", "mergeeContactIds": [], "dryRun": false}`)
}

func FuzzSeparateContactInput(f *testing.F) {
	fuzzMutation(f, separateDoc, "contact",
		`{"fieldSplit": {"firstName": {"original": "A", "new": "B"}}, "childRecordAssignment": {"conversations": [{"id": "@conversation", "side": "NEW"}]}, "dryRun": true}`,
		`{"fieldSplit": {"status": "original"}, "childRecordAssignment": {"conversations": [{"id": "@conversation", "side": "new"}]}}`,
		`{"fieldSplit": {}, "childRecordAssignment": {}, "messageDividers": [{"conversationId": "@conversation", "firstMessageId": "@message"}], "dryRun": true}`)
}
