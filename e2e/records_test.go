package e2e

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

func TestInboxes(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	first := s.MustInbox(t, a.Token, " Website ", " web_widget ")
	second := s.MustInbox(t, a.Token, "Support mail", "email")

	t.Run("listed oldest first", func(t *testing.T) {
		var got struct {
			Inboxes []struct {
				ID, Name    string
				ChannelType string `json:"channelType"`
			}
		}
		s.Do(t, a.Token, `{ inboxes { id name channelType } }`, nil, &got)
		if len(got.Inboxes) != 2 || got.Inboxes[0].ID != first || got.Inboxes[1].ID != second {
			t.Fatalf("inboxes = %+v", got.Inboxes)
		}
		apptest.MustEqual(t, "trimmed", []string{got.Inboxes[0].Name, got.Inboxes[0].ChannelType}, []string{"Website", "web_widget"})
	})

	t.Run("blank fields are invalid", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createInboxDoc, map[string]any{"input": map[string]any{"name": " ", "channelType": ""}})
		MustHaveUserError(t, errs, "INVALID", "input", "name")
		MustHaveUserError(t, errs, "INVALID", "input", "channelType")
		apptest.MustEqual(t, "error count", len(errs), 2)
	})
}

func TestContactInboxes(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
	other := s.MustContact(t, a.Token, map[string]any{"firstName": "Other"})
	web := s.MustInbox(t, a.Token, "Web", "web_widget")
	mail := s.MustInbox(t, a.Token, "Mail", "email")

	type ciOut struct {
		ID       string
		SourceID string `json:"sourceId"`
		Inbox    struct{ ID, Name string }
		Contact  struct{ ID string }
	}
	var created []ciOut
	t.Run("create", func(t *testing.T) {
		for _, in := range []map[string]any{
			{"contactId": c.ID, "inboxId": web, "sourceId": " visitor-1 "},
			{"contactId": c.ID, "inboxId": mail, "sourceId": "visitor-1"}, // same source id, other inbox
		} {
			var p struct{ ContactInbox ciOut }
			s.MustMutate(t, a.Token, createContactInboxDoc, map[string]any{"input": in}, &p)
			created = append(created, p.ContactInbox)
		}
		apptest.MustEqual(t, "sourceId", created[0].SourceID, "visitor-1")
		apptest.MustEqual(t, "inbox", created[0].Inbox.ID, web)
		apptest.MustEqual(t, "inbox name", created[0].Inbox.Name, "Web")
		apptest.MustEqual(t, "contact", created[1].Contact.ID, c.ID)
	})

	t.Run("duplicate source id in one inbox is taken", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createContactInboxDoc, map[string]any{"input": map[string]any{
			"contactId": other.ID, "inboxId": web, "sourceId": "visitor-1"}})
		MustUserError(t, errs, "TAKEN", "input", "sourceId")
	})

	t.Run("blank source id is invalid", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createContactInboxDoc, map[string]any{"input": map[string]any{
			"contactId": c.ID, "inboxId": web, "sourceId": "  "}})
		MustUserError(t, errs, "INVALID", "input", "sourceId")
	})

	t.Run("every bad field is reported", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createContactInboxDoc, map[string]any{"input": map[string]any{
			"contactId": randomID(), "inboxId": randomID(), "sourceId": ""}})
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "contactId")
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "inboxId")
		MustHaveUserError(t, errs, "INVALID", "input", "sourceId")
		apptest.MustEqual(t, "error count", len(errs), 3)
	})

	t.Run("listed on the contact", func(t *testing.T) {
		var got struct {
			Contact struct {
				ContactInboxes struct {
					Nodes      []ciOut
					TotalCount int `json:"totalCount"`
				} `json:"contactInboxes"`
			}
		}
		s.Do(t, a.Token, `query($id: ID!) { contact(id: $id) { contactInboxes { totalCount nodes { id sourceId inbox { id name } contact { id } } } } }`,
			map[string]any{"id": c.ID}, &got)
		apptest.MustEqual(t, "contactInboxes", got.Contact.ContactInboxes.Nodes, created)
		apptest.MustEqual(t, "totalCount", got.Contact.ContactInboxes.TotalCount, 2)
	})
}

// conversationOut is a Conversation as createConversationDoc selects it.
type conversationOut struct {
	ID        string
	Channel   string
	Subject   *string
	Status    string
	Contact   struct{ ID string }
	Inbox     struct{ ID string }
	Assignees []struct{ ID, Name string }
}

func TestConversations(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	agent, _ := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
	inbox := s.MustInbox(t, a.Token, "Web", "web_widget")

	create := func(t *testing.T, input map[string]any) conversationOut {
		t.Helper()
		var p struct{ Conversation conversationOut }
		s.MustMutate(t, a.Token, createConversationDoc, map[string]any{"input": input}, &p)
		return p.Conversation
	}

	var defaults, explicit conversationOut
	t.Run("defaults", func(t *testing.T) {
		defaults = create(t, map[string]any{"contactId": c.ID, "inboxId": inbox})
		apptest.MustEqual(t, "channel", defaults.Channel, "web_widget")
		apptest.MustEqual(t, "status", defaults.Status, "OPEN")
		apptest.MustEqual(t, "subject", defaults.Subject, (*string)(nil))
		apptest.MustEqual(t, "contact", defaults.Contact.ID, c.ID)
		apptest.MustEqual(t, "inbox", defaults.Inbox.ID, inbox)
		apptest.MustEqual(t, "assignees", len(defaults.Assignees), 0)
	})

	t.Run("explicit", func(t *testing.T) {
		explicit = create(t, map[string]any{"contactId": c.ID, "inboxId": inbox, "channel": "sms", "subject": "Hello",
			"status": "PENDING", "assigneeIds": []string{agent.ID, a.UserID, agent.ID}})
		apptest.MustEqual(t, "channel", explicit.Channel, "sms")
		apptest.MustEqual(t, "status", explicit.Status, "PENDING")
		apptest.MustEqual(t, "subject", explicit.Subject, sp("Hello"))
		apptest.MustEqual(t, "assignees", explicit.Assignees, []struct{ ID, Name string }{{agent.ID, "Agent"}, {a.UserID, "Acme Admin"}})
	})

	t.Run("create rejections", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createConversationDoc, map[string]any{"input": map[string]any{
			"contactId": c.ID, "inboxId": inbox, "assigneeIds": []string{randomID()}}})
		MustUserError(t, errs, "NOT_FOUND", "input", "assigneeIds", "0")
		errs = s.MustReject(t, a.Token, createConversationDoc, map[string]any{"input": map[string]any{
			"contactId": randomID(), "inboxId": randomID()}})
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "contactId")
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "inboxId")
	})

	update := func(t *testing.T, id string, input map[string]any) conversationOut {
		t.Helper()
		var p struct{ Conversation conversationOut }
		s.MustMutate(t, a.Token, updateConversationDoc, map[string]any{"id": id, "input": input}, &p)
		return p.Conversation
	}

	t.Run("update", func(t *testing.T) {
		got := update(t, explicit.ID, map[string]any{"status": "RESOLVED", "channel": "email", "assigneeIds": []string{agent.ID, agent.ID}})
		apptest.MustEqual(t, "status", got.Status, "RESOLVED")
		apptest.MustEqual(t, "channel", got.Channel, "email")
		apptest.MustEqual(t, "subject kept", got.Subject, sp("Hello"))
		apptest.MustEqual(t, "assignees", got.Assignees, []struct{ ID, Name string }{{agent.ID, "Agent"}})
	})

	t.Run("omitted fields are kept, empty subject clears", func(t *testing.T) {
		got := update(t, explicit.ID, map[string]any{"subject": ""})
		apptest.MustEqual(t, "subject", got.Subject, (*string)(nil))
		apptest.MustEqual(t, "status", got.Status, "RESOLVED")
		apptest.MustEqual(t, "channel", got.Channel, "email")
		apptest.MustEqual(t, "assignees", len(got.Assignees), 1)
		got = update(t, explicit.ID, map[string]any{"assigneeIds": []string{}})
		apptest.MustEqual(t, "assignees cleared", len(got.Assignees), 0)
	})

	t.Run("update rejections", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, updateConversationDoc, map[string]any{"id": explicit.ID, "input": map[string]any{"channel": " "}})
		MustUserError(t, errs, "INVALID", "input", "channel")
		errs = s.MustReject(t, a.Token, updateConversationDoc, map[string]any{"id": explicit.ID, "input": map[string]any{
			"status": "OPEN", "assigneeIds": []string{a.UserID, "bogus"}}})
		MustUserError(t, errs, "NOT_FOUND", "input", "assigneeIds", "1")
		errs = s.MustReject(t, a.Token, updateConversationDoc, map[string]any{"id": randomID(), "input": map[string]any{"status": "OPEN"}})
		MustUserError(t, errs, "NOT_FOUND", "id")
	})

	t.Run("listed on the contact", func(t *testing.T) {
		var got struct {
			Contact struct {
				Conversations struct {
					Nodes      []struct{ ID, Status string }
					TotalCount int `json:"totalCount"`
				}
			}
		}
		s.Do(t, a.Token, `query($id: ID!) { contact(id: $id) { conversations { totalCount nodes { id status } } } }`, map[string]any{"id": c.ID}, &got)
		apptest.MustEqual(t, "conversations", got.Contact.Conversations.Nodes, []struct{ ID, Status string }{{defaults.ID, "OPEN"}, {explicit.ID, "RESOLVED"}})
		apptest.MustEqual(t, "totalCount", got.Contact.Conversations.TotalCount, 2)
	})
}

// messageOut is a Message as createMessageDoc selects it.
type messageOut struct {
	ID           string
	Content      string
	SenderType   string `json:"senderType"`
	CreatedAt    time.Time
	Conversation struct{ ID string }
	Sender       *struct {
		Typename string `json:"__typename"`
		ID       string
		Name     string
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	agent, agentToken := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
	conv := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Web", "web"))

	create := func(t *testing.T, token string, input map[string]any) messageOut {
		t.Helper()
		input["conversationId"] = conv
		var p struct{ Message messageOut }
		s.MustMutate(t, token, createMessageDoc, map[string]any{"input": input}, &p)
		apptest.MustEqual(t, "conversation", p.Message.Conversation.ID, conv)
		return p.Message
	}

	t.Run("senders", func(t *testing.T) {
		m := create(t, a.Token, map[string]any{"content": "from contact", "senderType": "CONTACT"})
		if m.SenderType != "CONTACT" || m.Sender == nil || m.Sender.Typename != "Contact" || m.Sender.ID != c.ID {
			t.Fatalf("CONTACT message sender = %+v", m.Sender)
		}
		m = create(t, agentToken, map[string]any{"content": "from agent", "senderType": "USER"})
		if m.SenderType != "USER" || m.Sender == nil || m.Sender.Typename != "User" || m.Sender.ID != agent.ID || m.Sender.Name != "Agent" {
			t.Fatalf("USER message sender = %+v", m.Sender)
		}
		m = create(t, a.Token, map[string]any{"content": "default sender"})
		if m.SenderType != "USER" || m.Sender == nil || m.Sender.ID != a.UserID {
			t.Fatalf("default message sender = %s %+v, want the caller", m.SenderType, m.Sender)
		}
		m = create(t, a.Token, map[string]any{"content": "system", "senderType": "SYSTEM"})
		if m.SenderType != "SYSTEM" || m.Sender != nil {
			t.Fatalf("SYSTEM message sender = %+v, want null", m.Sender)
		}
	})

	t.Run("createdAt import", func(t *testing.T) {
		at := time.Date(2019, 5, 6, 7, 8, 9, 123456000, time.UTC)
		m := create(t, a.Token, map[string]any{"content": "old", "createdAt": at.Format(time.RFC3339Nano)})
		if !m.CreatedAt.Equal(at) {
			t.Fatalf("createdAt = %v, want %v", m.CreatedAt, at)
		}
	})

	t.Run("rejections", func(t *testing.T) {
		errs := s.MustReject(t, a.Token, createMessageDoc, map[string]any{"input": map[string]any{"conversationId": conv, "content": " \n "}})
		MustUserError(t, errs, "INVALID", "input", "content")
		errs = s.MustReject(t, a.Token, createMessageDoc, map[string]any{"input": map[string]any{"conversationId": randomID(), "content": ""}})
		MustHaveUserError(t, errs, "INVALID", "input", "content")
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "conversationId")
	})

	t.Run("timeline order is (createdAt, id) whatever the creation order", func(t *testing.T) {
		conv2 := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Mail", "email"))
		base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
		type entry struct {
			ID string
			At time.Time
		}
		var want []entry
		for _, off := range []int{5, 1, 3, 1, 0, 3, 1} { // repeats share a createdAt
			var p struct{ Message messageOut }
			at := base.Add(time.Duration(off) * time.Minute)
			s.MustMutate(t, a.Token, createMessageDoc, map[string]any{"input": map[string]any{
				"conversationId": conv2, "content": "m", "createdAt": at.Format(time.RFC3339)}}, &p)
			want = append(want, entry{p.Message.ID, at})
		}
		sort.Slice(want, func(i, j int) bool {
			if !want[i].At.Equal(want[j].At) {
				return want[i].At.Before(want[j].At)
			}
			return want[i].ID < want[j].ID
		})
		var got struct {
			Conversation struct {
				Messages struct {
					Nodes []struct {
						ID        string
						CreatedAt time.Time `json:"createdAt"`
					}
				}
			}
		}
		s.Do(t, a.Token, `query($id: ID!) { conversation(id: $id) { messages { nodes { id createdAt } } } }`, map[string]any{"id": conv2}, &got)
		var gotEntries []entry
		for _, n := range got.Conversation.Messages.Nodes {
			gotEntries = append(gotEntries, entry{n.ID, n.CreatedAt.UTC()})
		}
		apptest.MustEqual(t, "timeline", gotEntries, want)
	})
}

func TestContactRecords(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	agent, agentToken := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})

	type application struct {
		ID       string
		JobTitle *string `json:"jobTitle"`
		Status   *string
	}
	var apps []application
	t.Run("applications", func(t *testing.T) {
		for _, in := range []map[string]any{{"jobTitle": " Designer ", "status": "applied"}, {}} {
			in["contactId"] = c.ID
			var p struct{ Application application }
			s.MustMutate(t, a.Token, createApplicationDoc, map[string]any{"input": in}, &p)
			apps = append(apps, p.Application)
		}
		apptest.MustEqual(t, "first", apps[0], application{apps[0].ID, sp("Designer"), sp("applied")})
		apptest.MustEqual(t, "second", apps[1], application{ID: apps[1].ID})
	})

	type note struct {
		ID      string
		Content string
		Author  *struct{ ID, Name string }
	}
	var notes []note
	t.Run("notes are authored by the caller", func(t *testing.T) {
		for _, tok := range []string{a.Token, agentToken} {
			var p struct {
				ContactNote note `json:"contactNote"`
			}
			s.MustMutate(t, tok, createContactNoteDoc, map[string]any{"input": map[string]any{"contactId": c.ID, "content": "Called"}}, &p)
			notes = append(notes, p.ContactNote)
		}
		if notes[0].Author == nil || notes[0].Author.ID != a.UserID || notes[1].Author == nil || notes[1].Author.ID != agent.ID {
			t.Fatalf("authors = %+v, %+v", notes[0].Author, notes[1].Author)
		}
		errs := s.MustReject(t, a.Token, createContactNoteDoc, map[string]any{"input": map[string]any{"contactId": c.ID, "content": ""}})
		MustUserError(t, errs, "INVALID", "input", "content")
		errs = s.MustReject(t, a.Token, createContactNoteDoc, map[string]any{"input": map[string]any{"contactId": randomID(), "content": ""}})
		MustHaveUserError(t, errs, "NOT_FOUND", "input", "contactId")
		MustHaveUserError(t, errs, "INVALID", "input", "content")
	})

	type reminder struct {
		ID    string
		Title string
		DueAt *time.Time `json:"dueAt"`
		Done  bool
	}
	var reminders []reminder
	t.Run("reminders", func(t *testing.T) {
		due := time.Date(2031, 7, 8, 9, 10, 0, 0, time.UTC)
		for _, in := range []map[string]any{{"title": " Follow up ", "dueAt": due.Format(time.RFC3339)}, {"title": "Someday"}} {
			in["contactId"] = c.ID
			var p struct{ Reminder reminder }
			s.MustMutate(t, a.Token, createReminderDoc, map[string]any{"input": in}, &p)
			reminders = append(reminders, p.Reminder)
		}
		if reminders[0].Title != "Follow up" || reminders[0].DueAt == nil || !reminders[0].DueAt.Equal(due) || reminders[0].Done {
			t.Fatalf("reminder = %+v", reminders[0])
		}
		if reminders[1].DueAt != nil {
			t.Fatalf("dueAt = %v, want null", reminders[1].DueAt)
		}
		reminders[0].DueAt = &due // compare in UTC below
		errs := s.MustReject(t, a.Token, createReminderDoc, map[string]any{"input": map[string]any{"contactId": c.ID, "title": ""}})
		MustUserError(t, errs, "INVALID", "input", "title")
	})

	type snapshot struct {
		ID   string
		Data json.RawMessage
	}
	var snapshots []snapshot
	data := map[string]any{"model": "v2", "weights": []any{0.5, 1.0}, "meta": map[string]any{"ok": true, "n": nil}}
	t.Run("training snapshots", func(t *testing.T) {
		for _, in := range []map[string]any{{"data": data}, {}} {
			in["contactId"] = c.ID
			var p struct {
				TrainingSnapshot snapshot `json:"trainingSnapshot"`
			}
			s.MustMutate(t, a.Token, createTrainingSnapshotDoc, map[string]any{"input": in}, &p)
			snapshots = append(snapshots, p.TrainingSnapshot)
		}
		mustJSONObject(t, "data", snapshots[0].Data, data)
		mustJSONObject(t, "default data", snapshots[1].Data, map[string]any{})
	})

	t.Run("listed on the contact in creation order", func(t *testing.T) {
		var got struct {
			Contact struct {
				Applications struct {
					Nodes      []application
					TotalCount int `json:"totalCount"`
				}
				Notes struct {
					Nodes      []note
					TotalCount int `json:"totalCount"`
				}
				Reminders struct {
					Nodes      []reminder
					TotalCount int `json:"totalCount"`
				}
				TrainingSnapshots struct {
					Nodes      []snapshot
					TotalCount int `json:"totalCount"`
				} `json:"trainingSnapshots"`
			}
		}
		s.Do(t, a.Token, `query($id: ID!) { contact(id: $id) {
			applications { totalCount nodes { id jobTitle status } }
			notes { totalCount nodes { id content author { id name } } }
			reminders { totalCount nodes { id title dueAt done } }
			trainingSnapshots { totalCount nodes { id data } } } }`, map[string]any{"id": c.ID}, &got)
		k := got.Contact
		apptest.MustEqual(t, "applications", k.Applications.Nodes, apps)
		apptest.MustEqual(t, "notes", k.Notes.Nodes, notes)
		for i := range k.Reminders.Nodes {
			if d := k.Reminders.Nodes[i].DueAt; d != nil {
				utc := d.UTC()
				k.Reminders.Nodes[i].DueAt = &utc
			}
		}
		apptest.MustEqual(t, "reminders", k.Reminders.Nodes, reminders)
		if len(k.TrainingSnapshots.Nodes) != 2 || k.TrainingSnapshots.Nodes[0].ID != snapshots[0].ID {
			t.Fatalf("trainingSnapshots = %+v", k.TrainingSnapshots.Nodes)
		}
		mustJSONObject(t, "listed data", k.TrainingSnapshots.Nodes[0].Data, data)
		apptest.MustEqual(t, "totals", []int{k.Applications.TotalCount, k.Notes.TotalCount, k.Reminders.TotalCount, k.TrainingSnapshots.TotalCount},
			[]int{2, 2, 2, 2})
	})
}

// TestRequiredInputsAreNonNull: an input field the mutation needs is
// non-null in the schema, so leaving it out is a GraphQL validation error
// (a compile error for typed clients) and nothing runs.
func TestRequiredInputsAreNonNull(t *testing.T) {
	f := MustFixture(t)
	c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Req"))})
	before := f.Snapshot(t)
	for name, tc := range map[string]struct {
		doc   string
		input map[string]any
	}{
		"createInbox without channelType":     {createInboxDoc, map[string]any{"name": "Web"}},
		"createContactNote without content":   {createContactNoteDoc, map[string]any{"contactId": c.ID}},
		"createReminder without title":        {createReminderDoc, map[string]any{"contactId": c.ID}},
		"createContactInbox without sourceId": {createContactInboxDoc, map[string]any{"contactId": c.ID, "inboxId": f.Inbox.ID}},
	} {
		res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, tc.doc, map[string]any{"input": tc.input})
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: %+v", name, res.Errors)
		}
	}
	f.MustUnchanged(t, before)
}
