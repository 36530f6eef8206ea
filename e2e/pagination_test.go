package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"contactid/app/apptest"
)

// contactsPageDoc lists one page of contacts.
const contactsPageDoc = `query($first: Int, $after: String, $search: String, $label: String) {
	contacts(first: $first, after: $after, search: $search, label: $label) {
		totalCount pageInfo { hasNextPage endCursor } nodes { id firstName } } }`

// contactsPage is one page of contactsPageDoc.
type contactsPage struct {
	TotalCount int         `json:"totalCount"`
	PageInfo   pageInfoOut `json:"pageInfo"`
	Nodes      []struct {
		ID        string  `json:"id"`
		FirstName *string `json:"firstName"`
	} `json:"nodes"`
}

// MustContactsPage fetches one page of contacts; vars may hold first,
// after, search and label.
func (s *testServer) MustContactsPage(tb testing.TB, token string, vars map[string]any) contactsPage {
	tb.Helper()
	var got struct{ Contacts contactsPage }
	s.Do(tb, token, contactsPageDoc, vars, &got)
	return got.Contacts
}

// MustWalkContacts follows endCursor from the first page to the last with
// pages of size first and returns every id in order, failing on a repeated
// id, a wrong page size or an inconsistent totalCount.
func (s *testServer) MustWalkContacts(tb testing.TB, token string, first int, filter map[string]any) []string {
	tb.Helper()
	var ids []string
	seen := map[string]bool{}
	var after any
	total := -1
	for page := 0; ; page++ {
		if page > 200 {
			tb.Fatal("pagination does not end")
		}
		vars := map[string]any{"first": first, "after": after}
		for k, v := range filter {
			vars[k] = v
		}
		p := s.MustContactsPage(tb, token, vars)
		if total == -1 {
			total = p.TotalCount
		} else if p.TotalCount != total {
			tb.Fatalf("page %d: totalCount %d, was %d", page, p.TotalCount, total)
		}
		for _, n := range p.Nodes {
			if seen[n.ID] {
				tb.Fatalf("page %d repeats %s", page, n.ID)
			}
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
		if !p.PageInfo.HasNextPage {
			if len(p.Nodes) > first {
				tb.Fatalf("last page has %d nodes, want at most %d", len(p.Nodes), first)
			}
			break
		}
		if len(p.Nodes) != first || p.PageInfo.EndCursor == nil {
			tb.Fatalf("page %d: %d nodes, endCursor %v, want %d nodes and a cursor", page, len(p.Nodes), p.PageInfo.EndCursor, first)
		}
		after = *p.PageInfo.EndCursor
	}
	if len(ids) != total {
		tb.Fatalf("walked %d contacts, totalCount %d", len(ids), total)
	}
	return ids
}

func TestContactPagination(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	// 105 contacts; groups of three share a created_at, so ties are broken by id.
	if _, err := s.DB.Exec(`INSERT INTO contacts (account_id, first_name, created_at)
		SELECT $1, 'P' || g, timestamptz '2024-01-01' + (g / 3) * interval '1 minute' FROM generate_series(1, 105) g`, a.AccountID); err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := s.DB.Select(&want, `SELECT id FROM contacts WHERE account_id = $1 ORDER BY created_at DESC, id DESC`, a.AccountID); err != nil {
		t.Fatal(err)
	}
	// Another account's contacts never show up.
	b := s.MustAccount(t, "Other")
	s.MustContact(t, b.Token, map[string]any{"firstName": "Elsewhere"})

	t.Run("first defaults to 20", func(t *testing.T) {
		p := s.MustContactsPage(t, a.Token, nil)
		apptest.MustEqual(t, "nodes", len(p.Nodes), 20)
		apptest.MustEqual(t, "totalCount", p.TotalCount, 105)
		apptest.MustEqual(t, "hasNextPage", p.PageInfo.HasNextPage, true)
		for i, n := range p.Nodes {
			if n.ID != want[i] {
				t.Fatalf("node %d = %s, want %s (newest first)", i, n.ID, want[i])
			}
		}
	})

	t.Run("first is clamped to 100", func(t *testing.T) {
		p := s.MustContactsPage(t, a.Token, map[string]any{"first": 1000})
		apptest.MustEqual(t, "nodes", len(p.Nodes), 100)
		apptest.MustEqual(t, "hasNextPage", p.PageInfo.HasNextPage, true)
		rest := s.MustContactsPage(t, a.Token, map[string]any{"first": 1000, "after": *p.PageInfo.EndCursor})
		apptest.MustEqual(t, "rest", len(rest.Nodes), 5)
		apptest.MustEqual(t, "hasNextPage", rest.PageInfo.HasNextPage, false)
	})

	t.Run("first zero and negative", func(t *testing.T) {
		for _, n := range []int{0, -3} {
			p := s.MustContactsPage(t, a.Token, map[string]any{"first": n})
			apptest.MustEqual(t, "nodes", len(p.Nodes), 0)
			apptest.MustEqual(t, "totalCount", p.TotalCount, 105)
		}
	})

	for _, size := range []int{7, 20, 100} {
		t.Run(fmt.Sprintf("walk pages of %d", size), func(t *testing.T) {
			apptest.MustEqual(t, "ids", s.MustWalkContacts(t, a.Token, size, nil), want)
		})
	}

	t.Run("exact multiple ends without an empty page", func(t *testing.T) {
		p := s.MustContactsPage(t, a.Token, map[string]any{"first": 100})
		last := s.MustContactsPage(t, a.Token, map[string]any{"first": 5, "after": *p.PageInfo.EndCursor})
		apptest.MustEqual(t, "nodes", len(last.Nodes), 5)
		apptest.MustEqual(t, "hasNextPage", last.PageInfo.HasNextPage, false)
		empty := s.MustContactsPage(t, a.Token, map[string]any{"first": 5, "after": *last.PageInfo.EndCursor})
		apptest.MustEqual(t, "nodes after the end", len(empty.Nodes), 0)
		apptest.MustEqual(t, "endCursor of an empty page", empty.PageInfo.EndCursor, (*string)(nil))
	})
}

func TestContactSearch(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	jane := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com",
		"phoneNumber": "+1 415 555 0100", "labels": []string{"vip", "lead"}})
	janet := s.MustContact(t, a.Token, map[string]any{"firstName": "Janet", "lastName": "Smith", "emails": []string{"js@corp.example.org", "janet.home@mail.example"},
		"labels": []string{"lead"}})
	bob := s.MustContact(t, a.Token, map[string]any{"firstName": "Bob", "identifier": "CRM-42_x", "phoneNumbers": []string{"+44 20 7946 0958", "+14155550199"}})
	pct := s.MustContact(t, a.Token, map[string]any{"firstName": "100% real"})

	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string // newest first
	}{
		{"first name prefix", map[string]any{"search": "jan"}, []string{janet.ID, jane.ID}},
		{"full name", map[string]any{"search": "jane doe"}, []string{jane.ID}},
		{"last name, any case", map[string]any{"search": "SMITH"}, []string{janet.ID}},
		{"primary email", map[string]any{"search": "jane@example"}, []string{jane.ID}},
		{"secondary email", map[string]any{"search": "mail.example"}, []string{janet.ID}},
		{"phone digits", map[string]any{"search": "4155550100"}, []string{jane.ID}},
		{"secondary phone", map[string]any{"search": "+14155550199"}, []string{bob.ID}},
		{"identifier", map[string]any{"search": "crm-42"}, []string{bob.ID}},
		{"underscore is literal", map[string]any{"search": "42_x"}, []string{bob.ID}},
		{"underscore does not match any char", map[string]any{"search": "42_y"}, nil},
		{"percent is literal", map[string]any{"search": "0%"}, []string{pct.ID}},
		{"percent matches nothing else", map[string]any{"search": "%"}, []string{pct.ID}},
		{"blank search is no filter", map[string]any{"search": "  "}, []string{pct.ID, bob.ID, janet.ID, jane.ID}},
		{"label", map[string]any{"label": "lead"}, []string{janet.ID, jane.ID}},
		{"label is exact", map[string]any{"label": "VIP"}, nil},
		{"label and search", map[string]any{"label": "lead", "search": "doe"}, []string{jane.ID}},
		{"no match", map[string]any{"search": "zzz"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.MustWalkContacts(t, a.Token, 1, tc.filter)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if got == nil {
				got = []string{}
			}
			apptest.MustEqual(t, "ids", got, want)
		})
	}
}

func TestNestedPagination(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Chatty"})
	conv := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Web", "web"))
	// 105 messages, pairs sharing a createdAt, inserted newest first.
	if _, err := s.DB.Exec(`INSERT INTO messages (account_id, conversation_id, content, sender_type, created_at)
		SELECT $1, $2, 'm' || g, 'SYSTEM', timestamptz '2024-01-01' + (g / 2) * interval '1 second'
		FROM generate_series(105, 1, -1) g`, a.AccountID, conv); err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := s.DB.Select(&want, `SELECT id FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`, conv); err != nil {
		t.Fatal(err)
	}
	const doc = `query($id: ID!, $first: Int, $after: String) { conversation(id: $id) {
		messages(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }`
	type page struct {
		Conversation struct {
			Messages struct {
				TotalCount int         `json:"totalCount"`
				PageInfo   pageInfoOut `json:"pageInfo"`
				Nodes      []struct{ ID string }
			}
		}
	}

	t.Run("default page", func(t *testing.T) {
		var p page
		s.Do(t, a.Token, doc, map[string]any{"id": conv}, &p)
		m := p.Conversation.Messages
		apptest.MustEqual(t, "nodes", len(m.Nodes), 20)
		apptest.MustEqual(t, "totalCount", m.TotalCount, 105)
		apptest.MustEqual(t, "hasNextPage", m.PageInfo.HasNextPage, true)
	})

	t.Run("first is clamped to 100", func(t *testing.T) {
		var p page
		s.Do(t, a.Token, doc, map[string]any{"id": conv, "first": 1000}, &p)
		m := p.Conversation.Messages
		apptest.MustEqual(t, "nodes", len(m.Nodes), 100)
		apptest.MustEqual(t, "hasNextPage", m.PageInfo.HasNextPage, true)
	})

	t.Run("walk", func(t *testing.T) {
		var got []string
		var after any
		for i := 0; i < 20; i++ {
			var p page
			s.Do(t, a.Token, doc, map[string]any{"id": conv, "first": 10, "after": after}, &p)
			m := p.Conversation.Messages
			apptest.MustEqual(t, "totalCount", m.TotalCount, 105)
			for _, n := range m.Nodes {
				got = append(got, n.ID)
			}
			if !m.PageInfo.HasNextPage {
				break
			}
			after = *m.PageInfo.EndCursor
		}
		apptest.MustEqual(t, "timeline", got, want)
	})

	t.Run("nested connections of many contacts", func(t *testing.T) {
		other := s.MustContact(t, a.Token, map[string]any{"firstName": "Quiet"})
		s.MustMutate(t, a.Token, createContactNoteDoc, map[string]any{"input": map[string]any{"contactId": other.ID, "content": "n"}}, nil)
		var got struct {
			Contacts struct {
				Nodes []struct {
					FirstName     string `json:"firstName"`
					Conversations struct {
						TotalCount int `json:"totalCount"`
						Nodes      []struct {
							Messages struct {
								TotalCount int `json:"totalCount"`
								Nodes      []struct{ ID string }
							}
						}
					}
					Notes struct {
						TotalCount int `json:"totalCount"`
					}
				}
			}
		}
		s.Do(t, a.Token, `{ contacts { nodes { firstName conversations(first: 5) { totalCount nodes { messages(first: 3) { totalCount nodes { id } } } }
			notes { totalCount } } } }`, nil, &got)
		n := got.Contacts.Nodes
		if len(n) != 2 || n[0].FirstName != "Quiet" || n[1].FirstName != "Chatty" {
			t.Fatalf("contacts = %+v", n)
		}
		apptest.MustEqual(t, "quiet", []int{n[0].Conversations.TotalCount, n[0].Notes.TotalCount}, []int{0, 1})
		apptest.MustEqual(t, "chatty conversations", n[1].Conversations.TotalCount, 1)
		msgs := n[1].Conversations.Nodes[0].Messages
		apptest.MustEqual(t, "chatty messages", msgs.TotalCount, 105)
		var ids []string
		for _, m := range msgs.Nodes {
			ids = append(ids, m.ID)
		}
		apptest.MustEqual(t, "first three", ids, want[:3])
	})
}

func TestMalformedCursor(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
	conv := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Web", "web"))
	s.MustMessage(t, a.Token, conv, "hi")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	enc := base64.RawURLEncoding.EncodeToString

	for _, cur := range []string{"!!!", "not-base64*", enc([]byte("no separator")), enc([]byte("yesterday|" + c.ID)),
		enc([]byte("2024-01-01T00:00:00Z|not-a-uuid")), strings.Repeat("A", 5000)} {
		for _, tc := range []struct{ name, query string }{
			{"contacts", `query($after: String) { contacts(after: $after) { totalCount } }`},
			{"nested conversations", `query($after: String) { contacts { nodes { conversations(after: $after) { totalCount } } } }`},
			{"nested messages", `query($after: String) { conversation(id: "` + conv + `") { messages(after: $after) { totalCount } } }`},
		} {
			t.Run(tc.name+" "+cur[:min(len(cur), 12)], func(t *testing.T) {
				res := s.Post(t, auth, tc.query, map[string]any{"after": cur})
				if res.Status != 200 || len(res.Errors) == 0 {
					t.Fatalf("status %d, errors %+v, data %s: want an error", res.Status, res.Errors, res.Data)
				}
				e := res.Errors[0]
				if e.Extensions["code"] != "INVALID" || !strings.Contains(e.Message, "cursor") {
					t.Fatalf("error = %+v, want an INVALID error about the cursor", e)
				}
			})
		}
	}

	t.Run("a bad cursor fails only its own field", func(t *testing.T) {
		other := s.MustConversation(t, a.Token, c.ID, s.MustInbox(t, a.Token, "Mail", "email"))
		s.MustMessage(t, a.Token, other, "hello")
		res := s.Post(t, auth, `query($good: ID!, $bad: ID!) {
			good: conversation(id: $good) { messages { totalCount } }
			bad: conversation(id: $bad) { messages(after: "!!!") { totalCount } } }`, map[string]any{"good": conv, "bad": other})
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INVALID" {
			t.Fatalf("errors = %+v, want one INVALID error", res.Errors)
		}
		var got struct {
			Good *struct{ Messages struct{ TotalCount int } }
			Bad  *struct{ Messages struct{ TotalCount int } }
		}
		if err := json.Unmarshal(res.Data, &got); err != nil {
			t.Fatal(err)
		}
		if got.Good == nil || got.Good.Messages.TotalCount != 1 || got.Bad != nil {
			t.Fatalf("data = %s, want good answered and bad null", res.Data)
		}
	})

	t.Run("server still answers", func(t *testing.T) {
		p := s.MustContactsPage(t, a.Token, nil)
		if len(p.Nodes) != 1 || p.Nodes[0].ID != c.ID || p.TotalCount != 1 {
			t.Fatalf("contacts = %+v", p)
		}
	})
}
