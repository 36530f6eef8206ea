package db

import (
	"context"
	"fmt"
	"time"
)

// SeedDemo creates a "Demo" account with an administrator, an inbox and a few
// contacts with conversations, messages and other records, through the same
// store calls the API uses. It returns the account and the token.
func (s *Store) SeedDemo(ctx context.Context) (NewAccount, error) {
	acct, err := s.CreateAccount(ctx, "Demo")
	if err != nil {
		return NewAccount{}, err
	}
	a := Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: Administrator}
	inbox, err := s.CreateInbox(ctx, a, CreateInboxInput{Name: ptr("Website chat"), ChannelType: ptr("web_widget")})
	if err != nil {
		return NewAccount{}, fmt.Errorf("seed inbox: %w", err)
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
	}
	start := time.Now().Add(-72 * time.Hour)
	for i, p := range people {
		c, err := s.CreateContact(ctx, a, ContactFields{
			FirstName: Some(ptr(p.first)), LastName: Some(ptr(p.last)),
			Emails: Some([]string{p.email}), PhoneNumbers: Some([]string{p.phone}),
			Labels: Some([]string{p.label}), CustomAttributes: Some(JSONObject{"source": "demo"}),
		})
		if err != nil {
			return NewAccount{}, fmt.Errorf("seed contact: %w", err)
		}
		conv, err := s.CreateConversation(ctx, a, CreateConversationInput{ContactID: c.ID, InboxID: inbox.ID, Subject: ptr("Hello from " + p.first)})
		if err != nil {
			return NewAccount{}, fmt.Errorf("seed conversation: %w", err)
		}
		for j, line := range p.lines {
			sender := SenderContact
			if j%2 == 1 {
				sender = SenderUser
			}
			at := start.Add(time.Duration(i*10+j) * time.Minute)
			if _, err := s.CreateMessage(ctx, a, CreateMessageInput{ConversationID: conv.ID, Content: ptr(line), SenderType: &sender, CreatedAt: &at}); err != nil {
				return NewAccount{}, fmt.Errorf("seed message: %w", err)
			}
		}
		if _, err := s.CreateContactNote(ctx, a, c.ID, ptr("Met "+p.first+" at the spring fair.")); err != nil {
			return NewAccount{}, fmt.Errorf("seed note: %w", err)
		}
	}
	return acct, nil
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
