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
	return fixtureOn(tb, MustServer(tb))
}

// fixtureOn gives the server s one account and one inbox.
func fixtureOn(tb testing.TB, s *testServer) *fixture {
	tb.Helper()
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

// recordCreators creates one record of each kind in contact.RecordKinds,
// by Key, for a contact through the store and returns its id; sourceID is the
// inbox identity's source id. MustRecords checks that it covers every kind.
var recordCreators = map[string]func(ctx context.Context, f *fixture, contactID, sourceID string) (string, error){
	contact.ConversationKind.Key: func(ctx context.Context, f *fixture, contactID, _ string) (string, error) {
		r, err := f.Main.Store.CreateConversation(ctx, f.Actor, contact.CreateConversationInput{ContactID: contactID, InboxID: f.Inbox.ID})
		return r.ID, err
	},
	contact.ApplicationKind.Key: func(ctx context.Context, f *fixture, contactID, _ string) (string, error) {
		r, err := f.Main.Store.CreateApplication(ctx, f.Actor, contactID, sp("Engineer"), nil)
		return r.ID, err
	},
	contact.ContactNoteKind.Key: func(ctx context.Context, f *fixture, contactID, _ string) (string, error) {
		r, err := f.Main.Store.CreateContactNote(ctx, f.Actor, contactID, sp("note"))
		return r.ID, err
	},
	contact.ReminderKind.Key: func(ctx context.Context, f *fixture, contactID, _ string) (string, error) {
		r, err := f.Main.Store.CreateReminder(ctx, f.Actor, contactID, sp("call"), nil)
		return r.ID, err
	},
	contact.TrainingSnapshotKind.Key: func(ctx context.Context, f *fixture, contactID, _ string) (string, error) {
		r, err := f.Main.Store.CreateTrainingSnapshot(ctx, f.Actor, contactID, contact.JSONObject{"k": "v"})
		return r.ID, err
	},
	contact.ContactInboxKind.Key: func(ctx context.Context, f *fixture, contactID, sourceID string) (string, error) {
		r, err := f.Main.Store.CreateContactInbox(ctx, f.Actor, contactID, f.Inbox.ID, &sourceID)
		return r.ID, err
	},
}

// mustCoverKinds fails unless m has an entry for every kind in
// contact.RecordKinds (by Key) and for nothing else, naming the first key
// missing or unknown.
func mustCoverKinds[V any](tb testing.TB, what string, m map[string]V) {
	tb.Helper()
	known := map[string]bool{}
	for _, k := range contact.RecordKinds {
		known[k.Key] = true
		if _, ok := m[k.Key]; !ok {
			tb.Fatalf("%s: no entry for record kind %q", what, k.Key)
		}
	}
	for key := range m {
		if !known[key] {
			tb.Fatalf("%s: %q is not a record kind", what, key)
		}
	}
}

// MustRecords gives the contact one record of every kind in
// contact.RecordKinds (a conversation without messages, an application, a
// note, a reminder, a training snapshot, an inbox identity with sourceID),
// and returns their ids by Key.
func (f *fixture) MustRecords(tb testing.TB, contactID, sourceID string) map[string]string {
	tb.Helper()
	mustCoverKinds(tb, "recordCreators", recordCreators)
	ids := map[string]string{}
	for _, k := range contact.RecordKinds {
		id, err := recordCreators[k.Key](context.Background(), f, contactID, sourceID)
		if err != nil {
			tb.Fatalf("create %s: %v", k.Key, err)
		}
		ids[k.Key] = id
	}
	return ids
}
