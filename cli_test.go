package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"contactid/internal/pgtest"
)

func TestAccountCreateCommand(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	t.Setenv("DATABASE_URL", dsn)

	var stdout bytes.Buffer
	if err := run([]string{"account", "create", "--name", "  Initech  "}, &stdout); err != nil {
		t.Fatalf("account create: %v", err)
	}
	out := stdout.String()
	var acct struct {
		AccountID string `json:"accountId"`
		UserID    string `json:"userId"`
		Token     string `json:"token"`
	}

	t.Run("prints one line of compact JSON", func(t *testing.T) {
		if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
			t.Fatalf("stdout %q: want exactly one line", out)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(out)); err != nil {
			t.Fatalf("stdout %q is not JSON: %v", out, err)
		}
		if compact.String() != strings.TrimSuffix(out, "\n") {
			t.Fatalf("stdout %q is not compact", out)
		}
		var keys map[string]any
		if err := json.Unmarshal([]byte(out), &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 3 {
			t.Fatalf("keys = %v, want accountId, userId, token", keys)
		}
		if err := json.Unmarshal([]byte(out), &acct); err != nil {
			t.Fatal(err)
		}
		if acct.AccountID == "" || acct.UserID == "" || !strings.HasPrefix(acct.Token, "cid_") {
			t.Fatalf("account = %+v", acct)
		}
	})

	s := MustServerOn(t, dsn, nil)

	t.Run("token authenticates as the administrator", func(t *testing.T) {
		var got struct{ Viewer userOut }
		s.Do(t, acct.Token, `{ viewer { id name role } }`, nil, &got)
		MustEqual(t, "viewer", got.Viewer, userOut{ID: acct.UserID, Name: "Initech Admin", Role: "ADMINISTRATOR"})
		var name string
		if err := s.DB.Get(&name, `SELECT name FROM accounts WHERE id = $1`, acct.AccountID); err != nil {
			t.Fatal(err)
		}
		MustEqual(t, "account name", name, "Initech")
	})

	t.Run("token is stored hashed", func(t *testing.T) {
		if strings.Contains(s.Snapshot(t), strings.TrimPrefix(acct.Token, "cid_")) {
			t.Fatal("the token is stored in clear")
		}
		if n := s.Count(t, `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))`,
			acct.UserID, acct.Token); n != 1 {
			t.Fatalf("%d tokens stored as the SHA-256 of the printed token, want 1", n)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"missing name", []string{"account", "create"}},
		{"blank name", []string{"account", "create", "--name", "  "}},
		{"unknown flag", []string{"account", "create", "--nmae", "X"}},
		{"unknown command", []string{"account", "delete"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Snapshot(t)
			var stdout bytes.Buffer
			if err := run(tc.args, &stdout); err == nil {
				t.Fatal("want an error")
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout = %q, want nothing", stdout.String())
			}
			s.MustUnchanged(t, before)
		})
	}
}

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
		MustEqual(t, "viewer", got.Viewer, userOut{ID: acct.UserID, Role: "ADMINISTRATOR"})
		MustEqual(t, "inboxes", len(got.Inboxes), 1)
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
		MustEqual(t, "first account's contacts", p.TotalCount, got.Contacts.TotalCount)
	})
}
