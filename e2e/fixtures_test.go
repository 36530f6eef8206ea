package e2e

import (
	"context"
	"testing"
	"time"

	"contactid/contact"
)

// fixture builds test data through the store, as an account's administrator.
type fixture struct {
	*testServer
	Acct  contact.NewAccount
	Actor contact.Actor
	Inbox contact.Inbox
}

// MustFixture starts a server with one account and one inbox.
func MustFixture(tb testing.TB) *fixture {
	tb.Helper()
	s := MustServer(tb)
	acct := s.MustAccount(tb, "Fixture")
	f := &fixture{testServer: s, Acct: acct, Actor: contact.Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: contact.Administrator}}
	ib, err := s.Main.Store.CreateInbox(context.Background(), f.Actor, contact.CreateInboxInput{Name: sp("Web"), ChannelType: sp("web")})
	if err != nil {
		tb.Fatal(err)
	}
	f.Inbox = ib
	return f
}

// sp returns a pointer to s.
func sp(s string) *string { return &s }

// MustContact creates a contact with the given fields.
func (f *fixture) MustContact(tb testing.TB, fields contact.ContactFields) *contact.Contact {
	tb.Helper()
	c, err := f.Main.Store.CreateContact(context.Background(), f.Actor, fields)
	if err != nil {
		tb.Fatalf("create contact: %v", err)
	}
	return c
}

// MustConversation opens a conversation of the contact in the fixture's inbox.
func (f *fixture) MustConversation(tb testing.TB, contactID string) contact.Conversation {
	tb.Helper()
	c, err := f.Main.Store.CreateConversation(context.Background(), f.Actor, contact.CreateConversationInput{ContactID: contactID, InboxID: f.Inbox.ID})
	if err != nil {
		tb.Fatalf("create conversation: %v", err)
	}
	return c
}

// MustMessages adds n messages to a conversation, one minute apart from
// start, alternating contact and user senders (the first from the contact).
func (f *fixture) MustMessages(tb testing.TB, convID string, n int, start time.Time) []contact.Message {
	tb.Helper()
	out := make([]contact.Message, n)
	for i := range out {
		sender := contact.SenderContact
		if i%2 == 1 {
			sender = contact.SenderUser
		}
		at := start.Add(time.Duration(i) * time.Minute)
		m, err := f.Main.Store.CreateMessage(context.Background(), f.Actor, contact.CreateMessageInput{
			ConversationID: convID, Content: sp("message"), SenderType: &sender, CreatedAt: &at})
		if err != nil {
			tb.Fatalf("create message: %v", err)
		}
		out[i] = m
	}
	return out
}

// MustRecords gives the contact one application, note, reminder, training
// snapshot and inbox identity, and returns their ids by kind.
func (f *fixture) MustRecords(tb testing.TB, contactID, sourceID string) map[string]string {
	tb.Helper()
	ctx, st, a := context.Background(), f.Main.Store, f.Actor
	app, err1 := st.CreateApplication(ctx, a, contactID, sp("Engineer"), nil)
	note, err2 := st.CreateContactNote(ctx, a, contactID, sp("note"))
	rem, err3 := st.CreateReminder(ctx, a, contactID, sp("call"), nil)
	snap, err4 := st.CreateTrainingSnapshot(ctx, a, contactID, contact.JSONObject{"k": "v"})
	ci, err5 := st.CreateContactInbox(ctx, a, contactID, f.Inbox.ID, &sourceID)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			tb.Fatalf("create records: %v", err)
		}
	}
	return map[string]string{"applications": app.ID, "contactNotes": note.ID, "reminders": rem.ID,
		"trainingSnapshots": snap.ID, "contactInboxes": ci.ID}
}
