package db

import (
	"contactid/contact"
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// DemoAccountName names the account SeedDemo creates.
const DemoAccountName = "Demo"

// EnsureDemo returns a fresh token for the demo account's administrator,
// seeding the account first if it does not exist yet (so a start that lost
// its saved token does not seed a second demo account).
func (s *Store) EnsureDemo(ctx context.Context) (contact.NewAccount, error) {
	var out contact.NewAccount
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &out, `SELECT u.account_id AS accountid, u.id AS userid FROM accounts a
			JOIN users u ON u.account_id = a.id AND u.role = 'ADMINISTRATOR'
			WHERE a.name = $1 ORDER BY a.created_at, u.created_at LIMIT 1`, DemoAccountName)
		if err != nil {
			return err
		}
		token, digest := newToken()
		out.Token = token
		return wrapErr("demo token", insertToken(ctx, tx, out.AccountID, out.UserID, digest))
	})
	if isNoRows(err) {
		return s.SeedDemo(ctx)
	}
	return out, err
}

// SeedDemo creates a "Demo" account with an administrator, an inbox and a few
// contacts with conversations, messages, an inbox identity, a note, an
// application, a reminder and a training snapshot each, through the same
// store calls the API uses: among them a pair of duplicates to merge (Jane
// Doe twice) and a contact that is two people to separate (Sam Lee, with
// Samantha's address and conversation). It returns the account and the
// token.
func (s *Store) SeedDemo(ctx context.Context) (contact.NewAccount, error) {
	acct, err := s.CreateAccount(ctx, DemoAccountName)
	if err != nil {
		return contact.NewAccount{}, err
	}
	a := contact.Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: contact.Administrator}
	inbox, err := s.CreateInbox(ctx, a, contact.CreateInboxInput{Name: ptr("Website chat"), ChannelType: ptr("web_widget")})
	if err != nil {
		return contact.NewAccount{}, fmt.Errorf("seed inbox: %w", err)
	}
	people := []struct {
		first, last, email, phone, label string
		lines                            []string
	}{
		{"Jane", "Doe", "jane@example.com", "+1 415 555 0101", "candidate",
			[]string{"Hi, I applied for the designer role.", "Thanks Jane, we'll be in touch.", "Any news?", "Interview invite sent."}},
		{"Ahmed", "Khan", "ahmed@example.com", "+44 20 7946 0958", "customer",
			[]string{"My order has not arrived.", "Sorry about that, checking now."}},
		{"Maria", "Rossi", "maria@example.org", "+39 06 6988 0000", "lead",
			[]string{"Do you ship to Italy?"}},
		// A duplicate of Jane, from another channel: a pair to merge.
		{"Jane", "Doe", "jane.doe@work.example", "+1 415 555 0102", "candidate",
			[]string{"Hello, Jane again, writing from my work address.", "Welcome back Jane!"}},
		// Two people mixed up under one contact (two addresses, two
		// unrelated conversations): one to separate.
		{"Sam", "Lee", "sam.lee@example.com", "+1 212 555 0199", "customer",
			[]string{"Sam here: where is my refund?", "Refund issued, Sam."}},
	}
	start := time.Now().Add(-72 * time.Hour)
	for i, p := range people {
		c, err := s.CreateContact(ctx, a, contact.ContactFields{
			FirstName: contact.Some(ptr(p.first)), LastName: contact.Some(ptr(p.last)),
			Emails: contact.Some([]string{p.email}), PhoneNumbers: contact.Some([]string{p.phone}),
			Labels: contact.Some([]string{p.label}), CustomAttributes: contact.Some(contact.JSONObject{"source": "demo"}),
		})
		if err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed contact: %w", err)
		}
		conv, err := s.CreateConversation(ctx, a, contact.CreateConversationInput{ContactID: c.ID, InboxID: inbox.ID, Subject: ptr("Hello from " + p.first)})
		if err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed conversation: %w", err)
		}
		for j, line := range p.lines {
			sender := contact.SenderContact
			if j%2 == 1 {
				sender = contact.SenderUser
			}
			at := start.Add(time.Duration(i*10+j) * time.Minute)
			if _, err := s.CreateMessage(ctx, a, contact.CreateMessageInput{ConversationID: conv.ID, Content: ptr(line), SenderType: &sender, CreatedAt: &at}); err != nil {
				return contact.NewAccount{}, fmt.Errorf("seed message: %w", err)
			}
		}
		if _, err := s.CreateContactInbox(ctx, a, c.ID, inbox.ID, ptr(p.email)); err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed inbox identity: %w", err)
		}
		if _, err := s.CreateContactNote(ctx, a, c.ID, ptr("Met "+p.first+" at the spring fair.")); err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed note: %w", err)
		}
		if _, err := s.CreateApplication(ctx, a, c.ID, ptr("Product designer"), ptr("applied")); err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed application: %w", err)
		}
		if _, err := s.CreateReminder(ctx, a, c.ID, ptr("Follow up with "+p.first), ptr(start.Add(96*time.Hour))); err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed reminder: %w", err)
		}
		if _, err := s.CreateTrainingSnapshot(ctx, a, c.ID, contact.JSONObject{"stage": "screening"}); err != nil {
			return contact.NewAccount{}, fmt.Errorf("seed training snapshot: %w", err)
		}
		if p.first == "Sam" {
			if err := seedMixedUp(ctx, s, a, c, inbox.ID, start); err != nil {
				return contact.NewAccount{}, err
			}
		}
	}
	return acct, nil
}

// seedMixedUp gives Sam a second person's address and conversation:
// Samantha, who wrote from another address about something else.
func seedMixedUp(ctx context.Context, s *Store, a contact.Actor, c *contact.Contact, inbox string, start time.Time) error {
	if _, err := s.UpdateContact(ctx, a, c.ID, nil, contact.ContactFields{
		Emails: contact.Some([]string{c.Emails[0], "samantha.lee@example.net"})}); err != nil {
		return fmt.Errorf("seed second address: %w", err)
	}
	conv, err := s.CreateConversation(ctx, a, contact.CreateConversationInput{ContactID: c.ID, InboxID: inbox, Subject: ptr("Booking a demo")})
	if err != nil {
		return fmt.Errorf("seed second conversation: %w", err)
	}
	for i, line := range []string{"Hi, Samantha Lee from Lee & Co: can we book a product demo?", "Of course, Samantha: does Thursday suit you?",
		"Thursday at 10 works.", "Booked: see you Thursday."} {
		sender := contact.SenderContact
		if i%2 == 1 {
			sender = contact.SenderUser
		}
		at := start.Add(2*time.Hour + time.Duration(i)*time.Minute)
		if _, err := s.CreateMessage(ctx, a, contact.CreateMessageInput{ConversationID: conv.ID,
			Content: ptr(line), SenderType: &sender, CreatedAt: &at}); err != nil {
			return fmt.Errorf("seed second message: %w", err)
		}
	}
	return nil
}

// DemoExamples are the ids the REST examples of the README use in the
// demo account: the duplicate Jane Does to merge, and Sam Lee with
// Samantha's conversation (four messages) to separate. An id is "" once
// its example has been run (the contacts merged or separated).
type DemoExamples struct {
	BaseContactID, MergeeContactID string
	SeparateContactID              string
	SamanthaConversationID         string
}

// DemoExamples finds the ids of the README's REST examples in account
// acct. Errors are the database's, wrapped.
func (s *Store) DemoExamples(ctx context.Context, acct string) (DemoExamples, error) {
	var out DemoExamples
	var janes []string
	err := s.db.SelectContext(ctx, &janes, `SELECT id FROM contacts WHERE account_id = $1
		AND first_name = 'Jane' AND last_name = 'Doe' ORDER BY created_at, id`, acct)
	if err != nil {
		return out, fmt.Errorf("demo examples: %w", err)
	}
	if len(janes) == 2 {
		out.BaseContactID, out.MergeeContactID = janes[0], janes[1]
	}
	var sam []struct {
		Contact      string `db:"contact_id"`
		Conversation string `db:"id"`
	}
	err = s.db.SelectContext(ctx, &sam, `SELECT c.contact_id, c.id FROM conversations c
		JOIN contacts p ON p.account_id = c.account_id AND p.id = c.contact_id
		WHERE c.account_id = $1 AND c.subject = 'Booking a demo' AND p.first_name = 'Sam'
		AND (SELECT count(*) FROM conversations o WHERE o.account_id = c.account_id AND o.contact_id = c.contact_id) > 1`, acct)
	if err != nil {
		return out, fmt.Errorf("demo examples: %w", err)
	}
	if len(sam) == 1 {
		out.SeparateContactID, out.SamanthaConversationID = sam[0].Contact, sam[0].Conversation
	}
	return out, nil
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
