package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

// contactQueryDoc reads one contact with every field.
const contactQueryDoc = `query($id: ID!) { contact(id: $id) { ` + contactSelection + ` } }`

// MustReadContact reads a contact through the API; it fails when the contact
// is not found.
func (s *testServer) MustReadContact(tb testing.TB, token, id string) contactOut {
	tb.Helper()
	var got struct{ Contact *contactOut }
	s.Do(tb, token, contactQueryDoc, map[string]any{"id": id}, &got)
	if got.Contact == nil {
		tb.Fatalf("contact %s not found", id)
	}
	return *got.Contact
}

// mustJSONObject fails unless raw is a JSON object (not a string holding
// one) equal to want.
func mustJSONObject(tb testing.TB, what string, raw json.RawMessage, want map[string]any) {
	tb.Helper()
	if len(raw) == 0 || raw[0] != '{' {
		tb.Fatalf("%s is %s, want a JSON object", what, raw)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	apptest.MustEqual(tb, what, got, want)
}

func TestContactRoundTrip(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	agent, _ := s.MustUser(t, a.Token, "Agent Smith", "smith@example.com", "AGENT")

	custom := map[string]any{"tier": "gold", "score": 42.5, "tags": []any{"a", "b"}, "nested": map[string]any{"ok": true}}
	additional := map[string]any{"source": "import"}
	misc := map[string]any{"n": float64(1)}
	created := s.MustContact(t, a.Token, map[string]any{
		"firstName": " Jane ", "lastName": "Doe", "identifier": "ext-1",
		"emails":       []string{"  Jane.Doe@Example.COM ", "jane@work.example.org"},
		"phoneNumbers": []string{"+1 (415) 555-0100", "+44 20 7946 0958", "+1.415.555.0199", "+1-415-555-0123"},
		"status":       "active", "pipelineId": "p1", "pipelineStage": "screening",
		"assigneeIds": []string{agent.ID, a.UserID, agent.ID}, "outreachConfigId": "oc1",
		"labels":           []string{"vip", " lead ", "vip", ""},
		"customAttributes": custom, "additionalAttributes": additional, "misc": misc,
		"documents": []map[string]any{{"name": "CV", "url": "https://example.com/cv.pdf"}, {"name": "Cover", "url": "https://example.com/c.pdf"}},
		"blocked":   true, "thumbnail": "https://example.com/t.png",
	})

	t.Run("create", func(t *testing.T) {
		c := created
		apptest.MustEqual(t, "firstName", c.FirstName, sp("Jane"))
		apptest.MustEqual(t, "name", c.Name, "Jane Doe")
		apptest.MustEqual(t, "emails", c.Emails, []string{"jane.doe@example.com", "jane@work.example.org"})
		apptest.MustEqual(t, "email", c.Email, sp("jane.doe@example.com"))
		apptest.MustEqual(t, "phoneNumbers", c.PhoneNumbers, []string{"+14155550100", "+442079460958", "+14155550199", "+14155550123"})
		apptest.MustEqual(t, "phoneNumber", c.PhoneNumber, sp("+14155550100"))
		apptest.MustEqual(t, "identifier", c.Identifier, sp("ext-1"))
		apptest.MustEqual(t, "status", c.Status, sp("active"))
		apptest.MustEqual(t, "pipeline", []*string{c.PipelineID, c.PipelineStage, c.OutreachConfigID}, []*string{sp("p1"), sp("screening"), sp("oc1")})
		apptest.MustEqual(t, "assignees", c.Assignees, []userOut{{ID: agent.ID, Name: "Agent Smith", Role: "AGENT"}, {ID: a.UserID, Name: "Acme Admin", Role: "ADMINISTRATOR"}})
		apptest.MustEqual(t, "labels", c.Labels, []string{"vip", "lead"})
		mustJSONObject(t, "customAttributes", c.CustomAttributes, custom)
		mustJSONObject(t, "additionalAttributes", c.AdditionalAttributes, additional)
		mustJSONObject(t, "misc", c.Misc, misc)
		apptest.MustEqual(t, "documents", c.Documents, []documentOut{{"CV", "https://example.com/cv.pdf"}, {"Cover", "https://example.com/c.pdf"}})
		apptest.MustEqual(t, "blocked", c.Blocked, true)
		apptest.MustEqual(t, "thumbnail", c.Thumbnail, sp("https://example.com/t.png"))
		apptest.MustEqual(t, "version", c.Version, 1)
		if c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) || c.LastActivityAt != nil {
			t.Fatalf("timestamps: created %v updated %v lastActivity %v", c.CreatedAt, c.UpdatedAt, c.LastActivityAt)
		}
	})

	t.Run("stored normalised", func(t *testing.T) {
		var emails, phones []string
		if err := s.DB.Select(&emails, `SELECT email FROM contact_emails WHERE contact_id = $1 ORDER BY position`, created.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.Select(&phones, `SELECT phone_number FROM contact_phone_numbers WHERE contact_id = $1 ORDER BY position`, created.ID); err != nil {
			t.Fatal(err)
		}
		apptest.MustEqual(t, "stored emails", emails, created.Emails)
		apptest.MustEqual(t, "stored phones", phones, created.PhoneNumbers)
		var typ string
		if err := s.DB.Get(&typ, `SELECT jsonb_typeof(custom_attributes) FROM contacts WHERE id = $1`, created.ID); err != nil {
			t.Fatal(err)
		}
		apptest.MustEqual(t, "stored customAttributes type", typ, "object")
	})

	t.Run("read back", func(t *testing.T) {
		apptest.MustEqual(t, "contact", s.MustReadContact(t, a.Token, created.ID), created)
	})

	var updated contactOut
	t.Run("update some fields keeps the rest", func(t *testing.T) {
		var p struct{ Contact contactOut }
		s.MustMutate(t, a.Token, updateContactDoc, map[string]any{"id": created.ID, "input": map[string]any{
			"expectedVersion": 1, "lastName": "Smith", "labels": []string{"customer"},
			"customAttributes": map[string]any{"tier": "silver"},
		}}, &p)
		updated = p.Contact
		want := created
		want.LastName, want.Name, want.Labels = sp("Smith"), "Jane Smith", []string{"customer"}
		want.CustomAttributes = json.RawMessage(`{"tier":"silver"}`)
		want.Version, want.UpdatedAt = 2, updated.UpdatedAt
		apptest.MustEqual(t, "updated", updated, want)
		if !updated.UpdatedAt.After(created.UpdatedAt) {
			t.Fatalf("updatedAt %v not after %v", updated.UpdatedAt, created.UpdatedAt)
		}
		apptest.MustEqual(t, "read back", s.MustReadContact(t, a.Token, created.ID), updated)
	})

	t.Run("stale expectedVersion is a conflict", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, updateContactDoc, map[string]any{"id": created.ID, "input": map[string]any{"expectedVersion": 1, "firstName": "X"}})
		MustUserError(t, errs, "CONFLICT", "input", "expectedVersion")
	})

	t.Run("update without expectedVersion bumps the version", func(t *testing.T) {
		var p struct{ Contact contactOut }
		s.MustMutate(t, a.Token, updateContactDoc, map[string]any{"id": created.ID, "input": map[string]any{"status": "paused"}}, &p)
		apptest.MustEqual(t, "version", p.Contact.Version, 3)
		apptest.MustEqual(t, "status", p.Contact.Status, sp("paused"))
		updated = p.Contact
	})

	t.Run("null clears", func(t *testing.T) {
		var p struct{ Contact contactOut }
		s.MustMutate(t, a.Token, updateContactDoc, map[string]any{"id": created.ID, "input": map[string]any{
			"expectedVersion": 3, "firstName": nil, "identifier": nil, "status": nil, "pipelineId": nil, "pipelineStage": nil,
			"outreachConfigId": nil, "thumbnail": nil, "labels": nil, "assigneeIds": nil, "customAttributes": nil,
			"additionalAttributes": nil, "misc": nil, "documents": nil, "emails": nil, "phoneNumbers": nil, "blocked": nil,
		}}, &p)
		c := p.Contact
		want := contactOut{
			ID: created.ID, LastName: sp("Smith"), Name: "Smith", Emails: []string{}, PhoneNumbers: []string{},
			Assignees: []userOut{}, Labels: []string{}, CustomAttributes: json.RawMessage(`{}`),
			AdditionalAttributes: json.RawMessage(`{}`), Misc: json.RawMessage(`{}`), Documents: []documentOut{},
			Version: 4, CreatedAt: created.CreatedAt, UpdatedAt: c.UpdatedAt,
		}
		apptest.MustEqual(t, "cleared contact", c, want)
		if n := s.Count(t, `SELECT count(*) FROM contact_emails WHERE contact_id = $1`, created.ID) +
			s.Count(t, `SELECT count(*) FROM contact_phone_numbers WHERE contact_id = $1`, created.ID); n != 0 {
			t.Fatalf("%d addresses left", n)
		}
	})

	t.Run("freed addresses can be reused", func(t *testing.T) {
		other := s.MustContact(t, a.Token, map[string]any{"email": "jane.doe@example.com", "phoneNumber": "+14155550100"})
		apptest.MustEqual(t, "email", other.Email, sp("jane.doe@example.com"))
	})

	t.Run("unknown id", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, updateContactDoc, map[string]any{"id": randomID(), "input": map[string]any{"firstName": "X"}})
		MustUserError(t, errs, "NOT_FOUND", "id")
	})
}

func TestContactPrimaryShortcuts(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{
		"email": "ONE@example.com", "phoneNumber": "+1 415 555 0100",
	})
	apptest.MustEqual(t, "emails", c.Emails, []string{"one@example.com"})
	apptest.MustEqual(t, "phones", c.PhoneNumbers, []string{"+14155550100"})

	update := func(t *testing.T, input map[string]any) contactOut {
		t.Helper()
		var p struct{ Contact contactOut }
		s.MustMutate(t, a.Token, updateContactDoc, map[string]any{"id": c.ID, "input": input}, &p)
		return p.Contact
	}

	t.Run("lists replace everything", func(t *testing.T) {
		got := update(t, map[string]any{"emails": []string{"one@example.com", "two@example.com", "three@example.com"},
			"phoneNumbers": []string{"+14155550100", "+14155550101"}})
		apptest.MustEqual(t, "emails", got.Emails, []string{"one@example.com", "two@example.com", "three@example.com"})
		apptest.MustEqual(t, "phones", got.PhoneNumbers, []string{"+14155550100", "+14155550101"})
	})

	t.Run("email replaces the primary", func(t *testing.T) {
		got := update(t, map[string]any{"email": " New@Example.com", "phoneNumber": "+1 415 555 0199"})
		apptest.MustEqual(t, "emails", got.Emails, []string{"new@example.com", "two@example.com", "three@example.com"})
		apptest.MustEqual(t, "email", got.Email, sp("new@example.com"))
		apptest.MustEqual(t, "phones", got.PhoneNumbers, []string{"+14155550199", "+14155550101"})
	})

	t.Run("reordering own addresses is not taken", func(t *testing.T) {
		got := update(t, map[string]any{"emails": []string{"three@example.com", "new@example.com"}})
		apptest.MustEqual(t, "emails", got.Emails, []string{"three@example.com", "new@example.com"})
		apptest.MustEqual(t, "email", got.Email, sp("three@example.com"))
	})

	t.Run("null email removes the primary", func(t *testing.T) {
		got := update(t, map[string]any{"email": nil, "phoneNumber": nil})
		apptest.MustEqual(t, "emails", got.Emails, []string{"new@example.com"})
		apptest.MustEqual(t, "phones", got.PhoneNumbers, []string{"+14155550101"})
	})

	t.Run("omitted addresses are kept", func(t *testing.T) {
		got := update(t, map[string]any{"firstName": "Kept"})
		apptest.MustEqual(t, "emails", got.Emails, []string{"new@example.com"})
		apptest.MustEqual(t, "phones", got.PhoneNumbers, []string{"+14155550101"})
	})

	t.Run("both forms are invalid", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, updateContactDoc, map[string]any{"id": c.ID, "input": map[string]any{
			"email": "x@example.com", "emails": []string{"y@example.com"}}})
		MustUserError(t, errs, "INVALID", "input", "email")
		errs = s.MustReject(t, a.Token, createContactDoc, map[string]any{"input": map[string]any{
			"phoneNumber": "+14155550000", "phoneNumbers": []string{"+14155550001"}}})
		MustUserError(t, errs, "INVALID", "input", "phoneNumber")
	})
}

func TestContactValidation(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	existing := s.MustContact(t, a.Token, map[string]any{"firstName": "Existing",
		"emails": []string{"taken@example.com"}, "phoneNumbers": []string{"+14155550100"}})

	for _, tc := range []struct {
		name  string
		input map[string]any
		code  string
		field []string
	}{
		{"email without at", map[string]any{"email": "not-an-email"}, "INVALID", []string{"input", "email"}},
		{"email without dot in domain", map[string]any{"email": "a@localhost"}, "INVALID", []string{"input", "email"}},
		{"email with display name", map[string]any{"email": "Jane <jane@example.com>"}, "INVALID", []string{"input", "email"}},
		{"email with two ats", map[string]any{"email": "a@@example.com"}, "INVALID", []string{"input", "email"}},
		{"blank email", map[string]any{"email": "  "}, "INVALID", []string{"input", "email"}},
		{"bad email in list", map[string]any{"emails": []string{"ok@example.com", "bad@"}}, "INVALID", []string{"input", "emails", "1"}},
		{"repeated email", map[string]any{"emails": []string{"dup@example.com", "DUP@example.com "}}, "INVALID", []string{"input", "emails", "1"}},
		{"phone without plus", map[string]any{"phoneNumber": "4155550100"}, "INVALID", []string{"input", "phoneNumber"}},
		{"phone too short", map[string]any{"phoneNumber": "+1234567"}, "INVALID", []string{"input", "phoneNumber"}},
		{"phone too long", map[string]any{"phoneNumber": "+1234567890123456"}, "INVALID", []string{"input", "phoneNumber"}},
		{"phone with letters", map[string]any{"phoneNumber": "+1 415 CALL NOW"}, "INVALID", []string{"input", "phoneNumber"}},
		{"phone with leading zero", map[string]any{"phoneNumber": "+044 20 7946 0958"}, "INVALID", []string{"input", "phoneNumber"}},
		{"bad phone in list", map[string]any{"phoneNumbers": []string{"+14155550111", "+1 415 555 01x0"}}, "INVALID", []string{"input", "phoneNumbers", "1"}},
		{"repeated phone", map[string]any{"phoneNumbers": []string{"+14155550111", "+1 (415) 555-0111"}}, "INVALID", []string{"input", "phoneNumbers", "1"}},
		{"document without url", map[string]any{"documents": []map[string]any{{"name": "a", "url": "u"}, {"name": "CV", "url": " "}}}, "INVALID", []string{"input", "documents", "1"}},
		{"unknown assignee", map[string]any{"assigneeIds": []string{a.UserID, randomID()}}, "NOT_FOUND", []string{"input", "assigneeIds", "1"}},
		{"malformed assignee", map[string]any{"assigneeIds": []string{"nope"}}, "NOT_FOUND", []string{"input", "assigneeIds", "0"}},
		{"taken email in list", map[string]any{"emails": []string{"free@example.com", " Taken@Example.com"}}, "TAKEN", []string{"input", "emails", "1"}},
		{"taken email shortcut", map[string]any{"email": "taken@example.com"}, "TAKEN", []string{"input", "email"}},
		{"taken phone in list", map[string]any{"phoneNumbers": []string{"+1 415 555 0100"}}, "TAKEN", []string{"input", "phoneNumbers", "0"}},
		{"taken phone shortcut", map[string]any{"phoneNumber": "+1.415.555.0100"}, "TAKEN", []string{"input", "phoneNumber"}},
	} {
		t.Run("create "+tc.name, func(t *testing.T) {
			errs := s.MustReject(t, a.Token, createContactDoc, map[string]any{"input": tc.input})
			MustUserError(t, errs, tc.code, tc.field...)
		})
		t.Run("update "+tc.name, func(t *testing.T) {
			other := s.MustContact(t, a.Token, map[string]any{"firstName": "Other " + tc.name})
			errs := s.MustReject(t, a.Token, updateContactDoc, map[string]any{"id": other.ID, "input": tc.input})
			MustUserError(t, errs, tc.code, tc.field...)
		})
	}

	t.Run("every error is reported", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createContactDoc, map[string]any{"input": map[string]any{
			"emails": []string{"bad", "also bad"}, "phoneNumbers": []string{"123"}}})
		apptest.MustEqual(t, "error count", len(errs), 3)
		MustHaveUserError(t, errs, "INVALID", "input", "emails", "0")
		MustHaveUserError(t, errs, "INVALID", "input", "emails", "1")
		MustHaveUserError(t, errs, "INVALID", "input", "phoneNumbers", "0")
	})

	t.Run("JSON fields must be objects", func(t *testing.T) {
		for _, v := range []any{`{"a":1}`, []any{1}, 3} {
			before := s.Snapshot(t)
			res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, createContactDoc,
				map[string]any{"input": map[string]any{"customAttributes": v}})
			if len(res.Errors) == 0 {
				t.Fatalf("customAttributes %v accepted: %s", v, res.Data)
			}
			s.MustUnchanged(t, before)
		}
	})

	t.Run("the same addresses in another account are fine", func(t *testing.T) {
		b := s.MustAccount(t, "Other")
		c := s.MustContact(t, b.Token, map[string]any{"email": "taken@example.com", "phoneNumber": "+14155550100"})
		apptest.MustEqual(t, "email", c.Email, sp("taken@example.com"))
		apptest.MustEqual(t, "existing contact", s.MustReadContact(t, a.Token, existing.ID), existing)
	})
}

func TestDeleteContact(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	inbox := s.MustInbox(t, a.Token, "Web", "web_widget")
	doomed := s.MustContact(t, a.Token, map[string]any{"firstName": "Doomed", "email": "doomed@example.com", "phoneNumber": "+14155550100"})
	kept := s.MustContact(t, a.Token, map[string]any{"firstName": "Kept", "email": "kept@example.com"})

	// Give both contacts one record of every kind (through GraphQL), the
	// conversation with a user and a contact message.
	create := map[string]func(c string){
		contact.ConversationKind.Key: func(c string) {
			conv := s.MustConversation(t, a.Token, c, inbox)
			s.MustMessage(t, a.Token, conv, "hello")
			s.MustMutate(t, a.Token, createMessageDoc, map[string]any{"input": map[string]any{"conversationId": conv, "content": "hi", "senderType": "CONTACT"}}, nil)
		},
		contact.ContactNoteKind.Key: func(c string) {
			s.MustMutate(t, a.Token, createContactNoteDoc, map[string]any{"input": map[string]any{"contactId": c, "content": "note"}}, nil)
		},
		contact.ApplicationKind.Key: func(c string) {
			s.MustMutate(t, a.Token, createApplicationDoc, map[string]any{"input": map[string]any{"contactId": c, "jobTitle": "Dev"}}, nil)
		},
		contact.ReminderKind.Key: func(c string) {
			s.MustMutate(t, a.Token, createReminderDoc, map[string]any{"input": map[string]any{"contactId": c, "title": "Call"}}, nil)
		},
		contact.TrainingSnapshotKind.Key: func(c string) {
			s.MustMutate(t, a.Token, createTrainingSnapshotDoc, map[string]any{"input": map[string]any{"contactId": c}}, nil)
		},
		contact.ContactInboxKind.Key: func(c string) {
			s.MustMutate(t, a.Token, createContactInboxDoc, map[string]any{"input": map[string]any{"contactId": c, "inboxId": inbox, "sourceId": "src-" + c}}, nil)
		},
	}
	mustCoverKinds(t, "record creations", create)
	for _, c := range []string{doomed.ID, kept.ID} {
		for _, k := range contact.RecordKinds {
			create[k.Key](c)
		}
	}
	// The doomed contact also sent a message in the kept contact's conversation.
	keptConv := s.MustConversation(t, a.Token, kept.ID, inbox)
	if _, err := s.DB.Exec(`INSERT INTO messages (account_id, conversation_id, content, sender_type, sender_contact_id)
		VALUES ($1, $2, 'cc', 'CONTACT', $3)`, a.AccountID, keptConv, doomed.ID); err != nil {
		t.Fatal(err)
	}

	counts := func(t *testing.T, contactID string) map[string]int {
		t.Helper()
		out := map[string]int{}
		for _, k := range contact.RecordKinds {
			out[k.Table] = s.Count(t, `SELECT count(*) FROM `+k.Table+` WHERE `+k.OwnerColumn+` = $1`, contactID)
		}
		for _, table := range []string{"contact_emails", "contact_phone_numbers"} {
			out[table] = s.Count(t, `SELECT count(*) FROM `+table+` WHERE contact_id = $1`, contactID)
		}
		out["messages"] = s.Count(t, `SELECT count(*) FROM messages m JOIN conversations c
			ON c.account_id = m.account_id AND c.id = m.conversation_id WHERE c.contact_id = $1`, contactID)
		out["contacts"] = s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, contactID)
		return out
	}
	keptBefore := counts(t, kept.ID)
	// One record of every kind, and keptConv: two conversations.
	wantKept := map[string]int{"contact_emails": 1, "contact_phone_numbers": 0, "messages": 3, "contacts": 1}
	for _, k := range contact.RecordKinds {
		wantKept[k.Table] = 1
	}
	wantKept[contact.ConversationKind.Table]++
	apptest.MustEqual(t, "kept contact's records", keptBefore, wantKept)

	t.Run("delete", func(t *testing.T) {
		var p struct {
			DeletedContactID string `json:"deletedContactId"`
		}
		s.MustMutate(t, a.Token, deleteContactDoc, map[string]any{"id": doomed.ID}, &p)
		apptest.MustEqual(t, "deletedContactId", p.DeletedContactID, doomed.ID)
	})

	t.Run("everything it owned is gone", func(t *testing.T) {
		for table, n := range counts(t, doomed.ID) {
			if n != 0 {
				t.Errorf("%s: %d rows left", table, n)
			}
		}
		if n := s.Count(t, `SELECT count(*) FROM messages WHERE sender_contact_id = $1`, doomed.ID); n != 0 {
			t.Errorf("%d messages still name the deleted sender", n)
		}
	})

	t.Run("other contacts keep theirs", func(t *testing.T) {
		apptest.MustEqual(t, "kept contact's records", counts(t, kept.ID), keptBefore)
		var got struct {
			Conversation struct {
				Messages struct {
					Nodes []struct {
						Content    string
						SenderType string `json:"senderType"`
						Sender     *struct{ ID string }
					}
				}
			}
		}
		s.Do(t, a.Token, `query($id: ID!) { conversation(id: $id) { messages { nodes { content senderType sender { ... on Contact { id } } } } } }`,
			map[string]any{"id": keptConv}, &got)
		nodes := got.Conversation.Messages.Nodes
		if len(nodes) != 1 || nodes[0].Content != "cc" || nodes[0].SenderType != "CONTACT" || nodes[0].Sender != nil {
			t.Fatalf("message of the deleted sender = %+v, want kept with a null sender", nodes)
		}
	})

	t.Run("contact query returns null", func(t *testing.T) {
		var got struct{ Contact *contactOut }
		s.Do(t, a.Token, contactQueryDoc, map[string]any{"id": doomed.ID}, &got)
		if got.Contact != nil {
			t.Fatalf("deleted contact still readable: %+v", got.Contact)
		}
	})

	t.Run("deleting again is not found", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, deleteContactDoc, map[string]any{"id": doomed.ID})
		MustUserError(t, errs, "NOT_FOUND", "id")
	})

	t.Run("its addresses are free again", func(t *testing.T) {
		s.MustContact(t, a.Token, map[string]any{"email": "doomed@example.com", "phoneNumber": "+14155550100"})
	})
}

func TestContactLastActivity(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Active"})
	conv := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Mail", "email"))
	late := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	early := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, at := range []time.Time{late, early} {
		s.MustMutate(t, a.Token, createMessageDoc, map[string]any{"input": map[string]any{
			"conversationId": conv, "content": "x", "createdAt": at.Format(time.RFC3339)}}, nil)
	}
	got := s.MustReadContact(t, a.Token, c.ID)
	if got.LastActivityAt == nil || !got.LastActivityAt.Equal(late) {
		t.Fatalf("lastActivityAt = %v, want %v (an older import must not move it back)", got.LastActivityAt, late)
	}
	apptest.MustEqual(t, "version", got.Version, 1)
}

func TestContactJSONLargeIntegers(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"customAttributes": map[string]any{"externalId": json.Number("9007199254740993")}})
	if string(c.CustomAttributes) != `{"externalId":9007199254740993}` {
		t.Fatalf("customAttributes = %s", c.CustomAttributes)
	}
}

func TestContactNULCharacter(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	before := s.Snapshot(t)
	var out struct {
		CreateContact struct {
			Contact    *struct{ ID string } `json:"contact"`
			UserErrors []userError          `json:"userErrors"`
		} `json:"createContact"`
	}
	s.Do(t, a.Token, `mutation($in: CreateContactInput!) { createContact(input: $in) { contact { id } userErrors { field message code } } }`,
		map[string]any{"in": map[string]any{"firstName": "a\x00b"}}, &out)
	s.MustUnchanged(t, before)
	if out.CreateContact.Contact != nil || len(out.CreateContact.UserErrors) != 1 || out.CreateContact.UserErrors[0].Code != "INVALID" {
		t.Fatalf("payload %+v", out.CreateContact)
	}
}
