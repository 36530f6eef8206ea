package e2e

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/contact"
)

// TestNodeFindsEveryType looks up objects of every type with an id through
// node(id:) and nodes(ids:): each comes back as its own type with its own
// id, in the order asked; unknown, malformed, other accounts' and
// merged-away ids are null; more than 100 ids is INVALID.
func TestNodeFindsEveryType(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	person := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Node"))})
	mergee := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Gone"))})
	conv := f.MustConversation(t, person.ID)
	msgs := f.MustMessages(t, conv.ID, 1, time.Now().Add(-time.Hour))
	records := f.MustRecords(t, person.ID, "node-src")
	merged := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": person.ID, "mergeeContactIds": []any{mergee.ID}})
	var ops struct {
		ContactOperations struct{ Nodes []struct{ ID string } } `json:"contactOperations"`
	}
	f.Do(t, f.Acct.Token, `{ contactOperations(first: 1) { nodes { id } } }`, nil, &ops)
	other := f.MustAccount(t, "Other")
	stranger := f.testServer.MustContact(t, other.Token, map[string]any{"firstName": "Stranger"})

	want := []struct{ id, typename string }{
		{person.ID, "Contact"}, {f.Acct.UserID, "User"}, {f.Inbox.ID, "Inbox"}, {conv.ID, "Conversation"},
		{msgs[0].ID, "Message"}, {records["applications"], "Application"}, {records["contactNotes"], "ContactNote"},
		{records["reminders"], "Reminder"}, {records["trainingSnapshots"], "TrainingSnapshot"},
		{records["contactInboxes"], "ContactInbox"}, {ops.ContactOperations.Nodes[0].ID, "ContactOperation"},
		{randomID(), ""}, {"not-an-id", ""}, {stranger.ID, ""}, {mergee.ID, ""},
	}
	if len(merged.UserErrors) > 0 {
		t.Fatalf("merge: %+v", merged.UserErrors)
	}
	ids := make([]string, len(want))
	for i, w := range want {
		ids[i] = w.id
	}
	var got struct {
		Nodes []*struct {
			Typename string `json:"__typename"`
			ID       string `json:"id"`
			Name     string `json:"name"`
		} `json:"nodes"`
		Node *struct {
			Typename  string `json:"__typename"`
			FirstName string `json:"firstName"`
		} `json:"node"`
	}
	f.Do(t, f.Acct.Token, `query($ids: [ID!]!, $id: ID!) { nodes(ids: $ids) { __typename id ... on Contact { name } }
		node(id: $id) { __typename ... on Contact { firstName } } }`, map[string]any{"ids": ids, "id": person.ID}, &got)
	apptest.MustEqual(t, "nodes", len(got.Nodes), len(want))
	for i, w := range want {
		n := got.Nodes[i]
		switch {
		case w.typename == "" && n != nil:
			t.Errorf("nodes[%d] (%s) = %+v, want null", i, w.id, n)
		case w.typename != "" && (n == nil || n.Typename != w.typename || n.ID != w.id):
			t.Errorf("nodes[%d] = %+v, want a %s with id %s", i, n, w.typename, w.id)
		}
	}
	apptest.MustEqual(t, "node", *got.Node, struct {
		Typename  string `json:"__typename"`
		FirstName string `json:"firstName"`
	}{"Contact", "Node"})

	// Webhooks are found for administrators only, as Query.webhooks is.
	hook, _ := f.mustCreateWebhook(t, f.Acct.Token, map[string]any{"url": "https://93.184.215.14/contacts", "eventKinds": []string{"CONTACTS_MERGED"}})
	_, agentToken := f.MustUser(t, f.Acct.Token, "Agent", "agent@example.com", "AGENT")
	const hookDoc = `query($id: ID!) { node(id: $id) { __typename ... on Webhook { url eventKinds } } }`
	var asAdmin, asAgent struct {
		Node *struct {
			Typename   string   `json:"__typename"`
			URL        string   `json:"url"`
			EventKinds []string `json:"eventKinds"`
		} `json:"node"`
	}
	f.Do(t, f.Acct.Token, hookDoc, map[string]any{"id": hook.ID}, &asAdmin)
	if asAdmin.Node == nil || asAdmin.Node.Typename != "Webhook" || asAdmin.Node.URL != "https://93.184.215.14/contacts" ||
		!slices.Equal(asAdmin.Node.EventKinds, []string{"CONTACTS_MERGED"}) {
		t.Fatalf("webhook for an administrator: %+v", asAdmin.Node)
	}
	f.Do(t, agentToken, hookDoc, map[string]any{"id": hook.ID}, &asAgent)
	if asAgent.Node != nil {
		t.Fatalf("an agent found the webhook: %+v", asAgent.Node)
	}

	res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
		map[string]any{"ids": slices.Repeat([]string{person.ID}, 101)})
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INVALID" {
		t.Fatalf("101 ids: %+v", res.Errors)
	}
}

// relayPage is a connection page as the Relay tests select it.
type relayPage struct {
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"node"`
	} `json:"edges"`
	Nodes    []struct{ ID string } `json:"nodes"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// ids returns the page's node ids (from its edges, checked against nodes).
func (p relayPage) ids(tb testing.TB) []string {
	tb.Helper()
	out := []string{}
	for i, e := range p.Edges {
		if i >= len(p.Nodes) || p.Nodes[i].ID != e.Node.ID || e.Cursor == "" {
			tb.Fatalf("edges and nodes differ: %+v", p)
		}
		out = append(out, e.Node.ID)
	}
	if n := len(p.Edges); n > 0 && (*p.PageInfo.StartCursor != p.Edges[0].Cursor || *p.PageInfo.EndCursor != p.Edges[n-1].Cursor) {
		tb.Fatalf("start and end cursors are not the first and last edges' cursors: %+v", p)
	}
	return out
}

// TestRelayPagination pages a contact's conversations forward and back
// with edges and cursors, and checks hasPreviousPage/hasNextPage on each
// side and that first and last together are INVALID.
func TestRelayPagination(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	person := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Pages"))})
	var all []string
	for range 5 {
		all = append(all, f.MustConversation(t, person.ID).ID)
	}
	const doc = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { contact(id: $id) {
		conversations(first: $first, after: $after, last: $last, before: $before) {
			edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`
	page := func(vars map[string]any) relayPage {
		t.Helper()
		vars["id"] = person.ID
		var out struct {
			Contact struct{ Conversations relayPage }
		}
		f.Do(t, f.Acct.Token, doc, vars, &out)
		return out.Contact.Conversations
	}
	flags := func(p relayPage) [2]bool { return [2]bool{p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage} }

	first := page(map[string]any{"first": 2})
	apptest.MustEqual(t, "first 2", first.ids(t), all[:2])
	apptest.MustEqual(t, "first 2: previous, next", flags(first), [2]bool{false, true})
	second := page(map[string]any{"first": 2, "after": *first.PageInfo.EndCursor})
	apptest.MustEqual(t, "next 2", second.ids(t), all[2:4])
	apptest.MustEqual(t, "next 2: previous, next", flags(second), [2]bool{true, true})

	last := page(map[string]any{"last": 2})
	apptest.MustEqual(t, "last 2", last.ids(t), all[3:])
	apptest.MustEqual(t, "last 2: previous, next", flags(last), [2]bool{true, false})
	back := page(map[string]any{"last": 2, "before": *last.PageInfo.StartCursor})
	apptest.MustEqual(t, "2 before those", back.ids(t), all[1:3])
	apptest.MustEqual(t, "2 before: previous, next", flags(back), [2]bool{true, true})
	start := page(map[string]any{"last": 5, "before": *back.PageInfo.StartCursor})
	apptest.MustEqual(t, "the rest", start.ids(t), all[:1])
	apptest.MustEqual(t, "the rest: previous, next", flags(start), [2]bool{false, true})
	between := page(map[string]any{"first": 10, "after": first.Edges[0].Cursor, "before": last.Edges[1].Cursor})
	apptest.MustEqual(t, "between two cursors", between.ids(t), all[1:4])

	res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, doc,
		map[string]any{"id": person.ID, "first": 1, "last": 1})
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INVALID" {
		t.Fatalf("first and last: %+v", res.Errors)
	}
}

// TestContactsOrderBy lists contacts in each order, in both directions,
// page by page forward and backward, and checks the order, that ties are
// broken by id, that contacts without activity come first ascending, and
// that a cursor of another order is INVALID.
func TestContactsOrderBy(t *testing.T) {
	t.Parallel()
	f := MustFixture(t)
	names := []string{"delta", "Alpha", "charlie", "Bravo", "echo", "alpha"}
	byName := map[string]string{}
	for i, n := range names {
		c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp(n))})
		byName[n] = c.ID
		if i%2 == 0 { // every other contact gets activity, later for later ones
			conv := f.MustConversation(t, c.ID)
			f.MustMessages(t, conv.ID, 1, time.Now().Add(time.Duration(i)*time.Minute))
		}
	}
	// Updated last: Bravo.
	var upd struct {
		UpdateContact struct{ UserErrors []userError }
	}
	f.Do(t, f.Acct.Token, updateContactDoc, map[string]any{"id": byName["Bravo"], "input": map[string]any{"status": "x"}}, &upd)

	const doc = `query($o: ContactOrder, $first: Int, $after: String, $last: Int, $before: String) {
		contacts(orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
			edges { cursor node { id name } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	list := func(order map[string]any, vars map[string]any) relayPage {
		t.Helper()
		vars["o"] = order
		var out struct{ Contacts relayPage }
		f.Do(t, f.Acct.Token, doc, vars, &out)
		return out.Contacts
	}
	// all walks the whole list two at a time, forward, and checks that
	// walking it backward gives the same.
	all := func(order map[string]any) []string {
		t.Helper()
		var fwd []string
		vars := map[string]any{"first": 2}
		for {
			p := list(order, vars)
			for _, e := range p.Edges {
				fwd = append(fwd, e.Node.Name)
			}
			if !p.PageInfo.HasNextPage {
				break
			}
			vars = map[string]any{"first": 2, "after": *p.PageInfo.EndCursor}
		}
		var bwd []string
		vars = map[string]any{"last": 2}
		for {
			p := list(order, vars)
			var names []string
			for _, e := range p.Edges {
				names = append(names, e.Node.Name)
			}
			bwd = append(names, bwd...)
			if !p.PageInfo.HasPreviousPage {
				break
			}
			vars = map[string]any{"last": 2, "before": *p.PageInfo.StartCursor}
		}
		apptest.MustEqual(t, "backward walk", bwd, fwd)
		return fwd
	}
	sortedNames := func(desc bool) []string {
		out := slices.Clone(names)
		slices.SortFunc(out, func(a, b string) int {
			if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
				return c
			}
			return strings.Compare(byName[a], byName[b]) // ties by id
		})
		if desc {
			slices.Reverse(out)
		}
		return out
	}
	apptest.MustEqual(t, "NAME ASC", all(map[string]any{"field": "NAME", "direction": "ASC"}), sortedNames(false))
	apptest.MustEqual(t, "NAME DESC", all(map[string]any{"field": "NAME", "direction": "DESC"}), sortedNames(true))
	apptest.MustEqual(t, "CREATED_AT ASC", all(map[string]any{"field": "CREATED_AT", "direction": "ASC"}), names)
	newest := slices.Clone(names)
	slices.Reverse(newest)
	apptest.MustEqual(t, "default (newest first)", all(nil), newest)
	updated := all(map[string]any{"field": "UPDATED_AT", "direction": "DESC"})
	apptest.MustEqual(t, "UPDATED_AT DESC first", updated[0], "Bravo")
	activity := all(map[string]any{"field": "LAST_ACTIVITY_AT", "direction": "ASC"})
	apptest.MustEqual(t, "LAST_ACTIVITY_AT ASC: without activity first, then by time", activity[3:], []string{"delta", "charlie", "echo"})
	apptest.MustEqual(t, "LAST_ACTIVITY_AT DESC", all(map[string]any{"field": "LAST_ACTIVITY_AT", "direction": "DESC"})[:3],
		[]string{"echo", "charlie", "delta"})

	// Every order's cursors work (a timestamp or -infinity, text), and a
	// cursor whose key was tampered with is INVALID, not a database error.
	for _, field := range []string{"UPDATED_AT", "LAST_ACTIVITY_AT", "NAME"} {
		order := map[string]any{"field": field, "direction": "ASC"}
		c := list(order, map[string]any{"first": 1}).PageInfo.EndCursor
		if p := list(order, map[string]any{"first": 1, "after": *c}); len(p.Edges) != 1 {
			t.Fatalf("%s: the page after the first is %+v", field, p)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(*c)
		parts := strings.SplitN(string(raw), "|", 5)
		bad := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(append(parts[:4], "garbage\x00"), "|")))
		res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, doc, map[string]any{"o": order, "after": bad})
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INVALID" {
			t.Fatalf("%s with a tampered cursor: %+v", field, res.Errors)
		}
	}
	nameCursor := list(map[string]any{"field": "NAME", "direction": "ASC"}, map[string]any{"first": 1}).PageInfo.EndCursor
	for _, other := range []map[string]any{{"field": "NAME", "direction": "DESC"}, nil} {
		res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, doc, map[string]any{"o": other, "after": *nameCursor})
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INVALID" {
			b, _ := json.Marshal(res)
			t.Fatalf("a NAME ASC cursor with %v: %s", other, b)
		}
	}
}
