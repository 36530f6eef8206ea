package e2e

import (
	"context"
	"strings"
	"testing"

	"contactid/app/apptest"
)

// TestSeedDemo checks the demo data the embedded start seeds: an
// administrator, an inbox and contacts with notes, conversations and
// messages from both kinds of sender, in an account of its own each time.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	acct, err := s.Main.Store.SeedDemo(context.Background())
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	var got struct {
		Viewer   userOut
		Inboxes  []struct{ Name string }
		Contacts struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				Name        string
				Email       string
				PhoneNumber string `json:"phoneNumber"`
				Labels      []string
				Notes       struct {
					TotalCount int `json:"totalCount"`
				}
				Conversations struct {
					Nodes []struct {
						Subject  string
						Messages struct {
							TotalCount int `json:"totalCount"`
							Nodes      []struct {
								SenderType string `json:"senderType"`
								Sender     *struct {
									Typename string `json:"__typename"`
								}
							}
						}
					}
				}
			}
		}
	}
	s.Do(t, acct.Token, `{ viewer { id role } inboxes { name } contacts { totalCount nodes { name email phoneNumber labels
		notes { totalCount }
		conversations { nodes { subject messages { totalCount nodes { senderType sender { __typename } } } } } } } }`, nil, &got)

	t.Run("administrator", func(t *testing.T) {
		apptest.MustEqual(t, "viewer", got.Viewer, userOut{ID: acct.UserID, Role: "ADMINISTRATOR"})
		apptest.MustEqual(t, "inboxes", len(got.Inboxes), 1)
	})

	t.Run("contacts with conversations and messages", func(t *testing.T) {
		c := got.Contacts
		if c.TotalCount < 3 || len(c.Nodes) != c.TotalCount {
			t.Fatalf("contacts: totalCount %d, %d nodes", c.TotalCount, len(c.Nodes))
		}
		messages := 0
		for _, n := range c.Nodes {
			if n.Name == "" || n.Email == "" || !strings.HasPrefix(n.PhoneNumber, "+") || len(n.Labels) == 0 {
				t.Errorf("contact %+v lacks fields", n)
			}
			if n.Notes.TotalCount == 0 || len(n.Conversations.Nodes) == 0 {
				t.Errorf("contact %s has no notes or conversations", n.Name)
			}
			for _, conv := range n.Conversations.Nodes {
				if conv.Messages.TotalCount == 0 || conv.Messages.TotalCount != len(conv.Messages.Nodes) {
					t.Errorf("conversation %q: totalCount %d, %d nodes", conv.Subject, conv.Messages.TotalCount, len(conv.Messages.Nodes))
				}
				for _, m := range conv.Messages.Nodes {
					messages++
					want := map[string]string{"CONTACT": "Contact", "USER": "User"}[m.SenderType]
					if m.Sender == nil || m.Sender.Typename != want {
						t.Errorf("%s message has sender %+v", m.SenderType, m.Sender)
					}
				}
			}
		}
		if messages < 3 {
			t.Fatalf("%d messages in all", messages)
		}
	})

	t.Run("a second demo account is separate", func(t *testing.T) {
		again, err := s.Main.Store.SeedDemo(context.Background())
		if err != nil {
			t.Fatalf("seed again: %v", err)
		}
		if again.AccountID == acct.AccountID || again.Token == acct.Token {
			t.Fatal("second seed reused the first account")
		}
		p := s.MustContactsPage(t, acct.Token, nil)
		apptest.MustEqual(t, "first account's contacts", p.TotalCount, got.Contacts.TotalCount)
	})
}
