package e2e

import (
	"encoding/json"
	"testing"

	"contactid/app/apptest"
)

// mustTopLevelError fails unless res has exactly one top-level error with
// the given extensions.code and no data: data is absent, null, or has only
// null fields (a failed mutation's payload is null; its siblings keep theirs).
func mustTopLevelError(tb testing.TB, res apptest.Response, code string) {
	tb.Helper()
	if len(res.Errors) != 1 {
		tb.Fatalf("want one error, got %+v", res.Errors)
	}
	if got := res.Errors[0].Extensions["code"]; got != code {
		tb.Fatalf("extensions.code = %v, want %s (error %+v)", got, code, res.Errors[0])
	}
	if len(res.Data) == 0 || string(res.Data) == "null" {
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(res.Data, &fields); err != nil {
		tb.Fatalf("decode data %s: %v", res.Data, err)
	}
	for name, v := range fields {
		if string(v) != "null" {
			tb.Fatalf("want no data, got %s: %s", name, v)
		}
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	const viewer = `{ viewer { id role } }`

	for _, tc := range []struct {
		name    string
		headers map[string]string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer " + a.Token}},
		{"bearer lower-case scheme", map[string]string{"Authorization": "bearer " + a.Token}},
		{"api_access_token", map[string]string{"api_access_token": a.Token}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Post(t, tc.headers, viewer, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			var got struct{ Viewer userOut }
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			if got.Viewer.ID != a.UserID || got.Viewer.Role != "ADMINISTRATOR" {
				t.Fatalf("viewer = %+v, want user %s", got.Viewer, a.UserID)
			}
		})
	}

	for _, tc := range []struct {
		name    string
		headers map[string]string
	}{
		{"missing token", nil},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}},
		{"wrong token", map[string]string{"Authorization": "Bearer cid_wrong"}},
		{"token without prefix", map[string]string{"Authorization": "Bearer " + a.Token[4:]}},
		{"wrong scheme", map[string]string{"Authorization": "Basic " + a.Token}},
		{"wrong api_access_token", map[string]string{"api_access_token": a.Token + "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustTopLevelError(t, s.Post(t, tc.headers, viewer, nil), "UNAUTHENTICATED")
		})
	}

	t.Run("mutation without token writes nothing", func(t *testing.T) {
		before := s.Snapshot(t)
		res := s.Post(t, nil, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Eve"}})
		mustTopLevelError(t, res, "UNAUTHENTICATED")
		s.MustUnchanged(t, before)
	})

	t.Run("introspection mixed with data needs a token", func(t *testing.T) {
		mustTopLevelError(t, s.Post(t, nil, `{ __schema { queryType { name } } viewer { id } }`, nil), "UNAUTHENTICATED")
	})

	t.Run("pure introspection needs no token", func(t *testing.T) {
		res := s.Post(t, nil, `{ __schema { queryType { name } } }`, nil)
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
		var got struct {
			Schema struct {
				QueryType struct{ Name string } `json:"queryType"`
			} `json:"__schema"`
		}
		if err := json.Unmarshal(res.Data, &got); err != nil {
			t.Fatal(err)
		}
		if got.Schema.QueryType.Name != "Query" {
			t.Fatalf("queryType = %q", got.Schema.QueryType.Name)
		}
	})
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	agent, agentToken := s.MustUser(t, a.Token, " Alice Agent ", " Alice@Example.COM ", "AGENT")

	t.Run("returned user", func(t *testing.T) {
		apptest.MustEqual(t, "user", userOut{ID: agent.ID, Name: "Alice Agent", Email: "alice@example.com", Role: "AGENT"}, agent)
	})

	t.Run("token authenticates as the new user", func(t *testing.T) {
		var got struct{ Viewer userOut }
		s.Do(t, agentToken, `{ viewer { id name email role } }`, nil, &got)
		apptest.MustEqual(t, "viewer", got.Viewer, agent)
	})

	t.Run("role defaults to AGENT", func(t *testing.T) {
		var p struct{ User userOut }
		s.MustMutate(t, a.Token, createUserDoc, map[string]any{"input": map[string]any{"name": "Bob", "email": "bob@example.com"}}, &p)
		apptest.MustEqual(t, "role", p.User.Role, "AGENT")
	})

	t.Run("administrator can create an administrator", func(t *testing.T) {
		u, tok := s.MustUser(t, a.Token, "Carol", "carol@example.com", "ADMINISTRATOR")
		var got struct{ Viewer userOut }
		s.Do(t, tok, `{ viewer { id role } }`, nil, &got)
		apptest.MustEqual(t, "viewer", got.Viewer, userOut{ID: u.ID, Role: "ADMINISTRATOR"})
	})

	t.Run("agent is forbidden", func(t *testing.T) {
		before := s.Snapshot(t)
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + agentToken}, createUserDoc,
			map[string]any{"input": map[string]any{"name": "Mallory", "email": "mallory@example.com", "role": "ADMINISTRATOR"}})
		mustTopLevelError(t, res, "FORBIDDEN")
		s.MustUnchanged(t, before)
	})

	t.Run("validation", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createUserDoc, map[string]any{"input": map[string]any{"name": "  ", "email": "nope"}})
		MustHaveUserError(t, errs, "INVALID", "input", "name")
		MustHaveUserError(t, errs, "INVALID", "input", "email")
		apptest.MustEqual(t, "error count", len(errs), 2)
	})

	t.Run("email taken", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createUserDoc, map[string]any{"input": map[string]any{"name": "Alice 2", "email": "ALICE@example.com"}})
		MustUserError(t, errs, "TAKEN", "input", "email")
	})

	t.Run("same email in another account is fine", func(t *testing.T) {
		b := s.MustAccount(t, "Other")
		s.MustUser(t, b.Token, "Alice", "alice@example.com", "AGENT")
	})
}

// TestCrossAccountIDs checks that every id of another account behaves
// exactly like an id that does not exist.
func TestCrossAccountIDs(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Mine")
	b := s.MustAccount(t, "Theirs")

	mine := s.MustContact(t, a.Token, map[string]any{"firstName": "Mine", "email": "mine@example.com"})
	myInbox := s.MustInbox(t, a.Token, "Mine", "email")
	myConv := s.MustConversation(t, a.Token, mine.ID, myInbox)

	theirs := s.MustContact(t, b.Token, map[string]any{"firstName": "Theirs", "email": "theirs@example.com"})
	theirInbox := s.MustInbox(t, b.Token, "Theirs", "email")
	theirConv := s.MustConversation(t, b.Token, theirs.ID, theirInbox)
	s.MustMessage(t, b.Token, theirConv, "secret")
	theirUser, _ := s.MustUser(t, b.Token, "Their agent", "agent@example.com", "AGENT")

	// Each case runs its mutation once with the other account's id and once
	// with an unknown id; both must give the same user errors.
	for _, tc := range []struct {
		name  string
		query string
		vars  func(id string) map[string]any
		field []string
	}{
		{"createMessage conversation", createMessageDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"conversationId": id, "content": "hi"}}
		}, []string{"input", "conversationId"}},
		{"createConversation contact", createConversationDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "inboxId": myInbox}}
		}, []string{"input", "contactId"}},
		{"createConversation inbox", createConversationDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": mine.ID, "inboxId": id}}
		}, []string{"input", "inboxId"}},
		{"createConversation assignee", createConversationDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": mine.ID, "inboxId": myInbox, "assigneeIds": []string{a.UserID, id}}}
		}, []string{"input", "assigneeIds", "1"}},
		{"createContactInbox contact", createContactInboxDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "inboxId": myInbox, "sourceId": "x"}}
		}, []string{"input", "contactId"}},
		{"createContactInbox inbox", createContactInboxDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": mine.ID, "inboxId": id, "sourceId": "x"}}
		}, []string{"input", "inboxId"}},
		{"createApplication", createApplicationDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "jobTitle": "Spy"}}
		}, []string{"input", "contactId"}},
		{"createContactNote", createContactNoteDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "content": "note"}}
		}, []string{"input", "contactId"}},
		{"createReminder", createReminderDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "title": "call"}}
		}, []string{"input", "contactId"}},
		{"createTrainingSnapshot", createTrainingSnapshotDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": id, "data": map[string]any{"k": 1}}}
		}, []string{"input", "contactId"}},
		{"updateContact", updateContactDoc, func(id string) map[string]any {
			return map[string]any{"id": id, "input": map[string]any{"firstName": "Hijacked"}}
		}, []string{"id"}},
		{"updateContact assignee", updateContactDoc, func(id string) map[string]any {
			return map[string]any{"id": mine.ID, "input": map[string]any{"assigneeIds": []string{id}}}
		}, []string{"input", "assigneeIds", "0"}},
		{"createContact assignee", createContactDoc, func(id string) map[string]any {
			return map[string]any{"input": map[string]any{"firstName": "New", "assigneeIds": []string{id}}}
		}, []string{"input", "assigneeIds", "0"}},
		{"deleteContact", deleteContactDoc, func(id string) map[string]any {
			return map[string]any{"id": id}
		}, []string{"id"}},
		{"updateConversation", updateConversationDoc, func(id string) map[string]any {
			return map[string]any{"id": id, "input": map[string]any{"status": "RESOLVED"}}
		}, []string{"id"}},
		{"updateConversation assignee", updateConversationDoc, func(id string) map[string]any {
			return map[string]any{"id": myConv, "input": map[string]any{"assigneeIds": []string{id}}}
		}, []string{"input", "assigneeIds", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			foreign := map[string]string{
				"createMessage conversation": theirConv, "createConversation inbox": theirInbox,
				"createContactInbox inbox": theirInbox, "updateConversation": theirConv,
				"createConversation assignee": theirUser.ID, "updateContact assignee": theirUser.ID,
				"createContact assignee": theirUser.ID, "updateConversation assignee": theirUser.ID,
			}[tc.name]
			if foreign == "" {
				foreign = theirs.ID
			}
			got := s.MustReject(t, a.Token, tc.query, tc.vars(foreign))
			MustUserError(t, got, "NOT_FOUND", tc.field...)
			unknown := s.MustReject(t, a.Token, tc.query, tc.vars(randomID()))
			apptest.MustEqual(t, "user errors for another account's id", got, unknown)
			malformed := s.MustReject(t, a.Token, tc.query, tc.vars("not-an-id"))
			apptest.MustEqual(t, "user errors for a malformed id", malformed, unknown)
		})
	}

	t.Run("queries return null", func(t *testing.T) {
		for _, id := range []string{theirs.ID, randomID(), "not-an-id"} {
			var got struct {
				Contact      *struct{ ID string }
				Conversation *struct{ ID string }
			}
			convID := id
			if id == theirs.ID {
				convID = theirConv
			}
			s.Do(t, a.Token, `query($c: ID!, $v: ID!) { contact(id: $c) { id } conversation(id: $v) { id } }`,
				map[string]any{"c": id, "v": convID}, &got)
			if got.Contact != nil || got.Conversation != nil {
				t.Fatalf("id %s: got %+v, want nulls", id, got)
			}
		}
	})

	t.Run("lists hold only the caller's records", func(t *testing.T) {
		var got struct {
			Contacts struct {
				Nodes      []struct{ ID string }
				TotalCount int
			}
			Inboxes []struct{ ID string }
		}
		s.Do(t, a.Token, `{ contacts { nodes { id } totalCount } inboxes { id } }`, nil, &got)
		if len(got.Contacts.Nodes) != 1 || got.Contacts.Nodes[0].ID != mine.ID || got.Contacts.TotalCount != 1 {
			t.Fatalf("contacts = %+v", got.Contacts)
		}
		if len(got.Inboxes) != 1 || got.Inboxes[0].ID != myInbox {
			t.Fatalf("inboxes = %+v", got.Inboxes)
		}
	})

	t.Run("other account's data is untouched", func(t *testing.T) {
		var got struct{ Contact contactOut }
		s.Do(t, b.Token, `query($id: ID!) { contact(id: $id) { `+contactSelection+` } }`, map[string]any{"id": theirs.ID}, &got)
		if got.Contact.LastActivityAt == nil {
			t.Fatal("their message did not set lastActivityAt")
		}
		got.Contact.LastActivityAt = nil // moved by their own message
		apptest.MustEqual(t, "their contact", got.Contact, theirs)
		if n := s.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1`, theirConv); n != 1 {
			t.Fatalf("their messages = %d", n)
		}
	})
}

// TestInternalErrorsAreScrubbed checks that a failure inside the database
// reaches the client without SQL or driver text (Post also checks every
// response of every test for such text).
func TestInternalErrorsAreScrubbed(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	// PostgreSQL text cannot hold NUL; the driver's error must not leak.
	before := s.Snapshot(t)
	res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, createContactDoc,
		map[string]any{"input": map[string]any{"firstName": "nul\x00byte"}})
	s.MustUnchanged(t, before)
	if len(res.Errors) == 0 {
		var data struct {
			CreateContact struct{ UserErrors []userError }
		}
		if err := json.Unmarshal(res.Data, &data); err != nil || len(data.CreateContact.UserErrors) == 0 {
			t.Fatalf("want a scrubbed internal error or a user error, got %s", res.Data)
		}
		return
	}
	e := res.Errors[0]
	if e.Message != "internal error" || e.Extensions["code"] != "INTERNAL" {
		t.Fatalf("want a scrubbed INTERNAL error, got %+v", e)
	}
}
