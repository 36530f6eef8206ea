package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/contact"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Selections of every field the compiled reads support, by type.
const (
	compiledContactScalars = `id firstName lastName name emails email phoneNumbers phoneNumber identifier status
		pipelineId pipelineStage outreachConfigId labels customAttributes additionalAttributes documents { name url }
		misc blocked thumbnail version createdAt updatedAt lastActivityAt`
	compiledConversationScalars = `id channel subject status createdAt updatedAt`
	compiledMessageScalars      = `id content senderType createdAt`
)

// The supported scalar fields one by one, for the one-field queries.
var (
	compiledContactFields = []string{"id", "firstName", "lastName", "name", "emails", "email", "phoneNumbers",
		"phoneNumber", "identifier", "status", "pipelineId", "pipelineStage", "outreachConfigId", "labels",
		"customAttributes", "additionalAttributes", "documents { name url }", "documents { url }", "misc", "blocked",
		"thumbnail", "version", "createdAt", "updatedAt", "lastActivityAt", "__typename"}
	compiledConversationFields = []string{"id", "channel", "subject", "status", "createdAt", "updatedAt", "__typename"}
	compiledMessageFields      = []string{"id", "content", "senderType", "createdAt", "__typename"}
)

// readIDs are the seeded objects the corpus names.
type readIDs struct {
	full, empty, uni, solo, one, base, mergee, deleted, other string
	fullConvs                                                 []string
	otherConv                                                 string
}

// readCase is one query of the corpus: posted to both servers, whose answers
// must be equal. errs says whether the resolvers answer with errors (so a
// query that fails by mistake, e.g. on the cost limit, is noticed); check,
// when set, asserts something of the resolvers' data so the query is known
// to reach the data it is meant to.
type readCase struct {
	name  string
	query string
	vars  map[string]any
	op    string
	errs  bool
	check func(t *testing.T, data any)
}

// gqlAnswer is a decoded response, numbers kept as text.
type gqlAnswer struct {
	status  int
	body    []byte
	keys    []string
	hasData bool
	data    any
	errors  []any // {message, path, code} of each error, sorted
}

// postRead posts a document (with operationName when op is set) as token and
// decodes the answer.
func postRead(tb testing.TB, s *testServer, token, query string, vars map[string]any, op string) gqlAnswer {
	tb.Helper()
	req := map[string]any{"query": query}
	if vars != nil {
		req["variables"] = vars
	}
	if op != "" {
		req["operationName"] = op
	}
	body, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	status, raw, _ := s.MustRequest(tb, http.MethodPost, "/graphql", "application/json", string(body),
		map[string]string{"Authorization": "Bearer " + token})
	apptest.MustNotLeak(tb, raw)
	a := gqlAnswer{status: status, body: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		tb.Fatalf("decode %s: %v", raw, err)
	}
	if dec.More() {
		tb.Fatalf("more than one JSON value in %s", raw)
	}
	for k := range top {
		a.keys = append(a.keys, k)
	}
	sort.Strings(a.keys)
	a.data, a.hasData = top["data"]
	if list, ok := top["errors"].([]any); ok {
		for _, e := range list {
			m, _ := e.(map[string]any)
			var code any
			if ext, ok := m["extensions"].(map[string]any); ok {
				code = ext["code"]
			}
			a.errors = append(a.errors, map[string]any{"message": m["message"], "path": m["path"], "code": code})
		}
		sort.Slice(a.errors, func(i, j int) bool {
			x, _ := json.Marshal(a.errors[i])
			y, _ := json.Marshal(a.errors[j])
			return string(x) < string(y)
		})
	} else if _, ok := top["errors"]; ok {
		tb.Fatalf("errors is not a list in %s", raw)
	}
	return a
}

// sameAnswer reports how two answers differ ("" when they do not).
func sameAnswer(compiled, resolved gqlAnswer) string {
	switch {
	case compiled.status != resolved.status:
		return fmt.Sprintf("HTTP status %d, resolvers %d", compiled.status, resolved.status)
	case !reflect.DeepEqual(compiled.keys, resolved.keys):
		return fmt.Sprintf("top-level keys %v, resolvers %v", compiled.keys, resolved.keys)
	case compiled.hasData != resolved.hasData:
		return "data present in one answer only"
	case !reflect.DeepEqual(compiled.data, resolved.data):
		return "data differs" + firstDifference("data", compiled.data, resolved.data)
	case !reflect.DeepEqual(compiled.errors, resolved.errors):
		return "errors differ"
	}
	return ""
}

// firstDifference names the first path where two decoded JSON values differ.
func firstDifference(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf(" at %s: %s vs %s", path, short(a), short(b))
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if !reflect.DeepEqual(x[k], y[k]) {
				return firstDifference(path+"."+k, x[k], y[k])
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf(" at %s: %s vs %s", path, short(a), short(b))
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				return firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])
			}
		}
	}
	return fmt.Sprintf(" at %s: %s vs %s", path, short(a), short(b))
}

// short is a value as JSON, clipped for a message.
func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// dig returns the value at path (object keys and list indexes) in decoded
// JSON, or nil.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// mustLen fails unless the list at path has n elements.
func mustLen(t *testing.T, data any, n int, path ...any) {
	t.Helper()
	l, ok := dig(data, path...).([]any)
	if !ok || len(l) != n {
		t.Errorf("%v: want a list of %d, got %s", path, n, short(dig(data, path...)))
	}
}

// mustValue fails unless the value at path, as JSON, is want.
func mustValue(t *testing.T, data any, want string, path ...any) {
	t.Helper()
	if got := short(dig(data, path...)); got != want {
		t.Errorf("%v = %s, want %s", path, got, want)
	}
}

// mustCountingServerOn serves the handler, with compiled reads on or off,
// on the database at dsn over a pool that counts its statements.
func mustCountingServerOn(tb testing.TB, dsn string, compiled bool) (*testServer, *atomic.Int64) {
	tb.Helper()
	n := &atomic.Int64{}
	return &testServer{apptest.MustServerOn(tb, dsn, func(m *app.Main) {
		m.Config.DB.WrapConnector = pgtest.Counting(n)
		m.Config.CompiledReads = compiled
	})}, n
}

// seedReads fills the database with varied data for the account of f
// (Actor, Inbox) and a second account whose data no query may see.
func seedReads(t *testing.T, s *testServer, f *fixture) readIDs {
	t.Helper()
	ctx := context.Background()
	token := f.Acct.Token
	var ids readIDs
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.DB.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mail, err := s.Main.Store.CreateInbox(ctx, f.Actor, contact.CreateInboxInput{Name: sp("Mail"), ChannelType: sp("email")})
	if err != nil {
		t.Fatal(err)
	}
	agent, _ := s.MustUser(t, token, "Agent Ünal", "agent@example.com", "AGENT")

	// Every field set, through the API.
	ids.full = s.MustContact(t, token, map[string]any{
		"firstName": "Zoë", "lastName": "Ångström-李", "identifier": "ext-0001",
		"emails":       []string{"zoe@example.com", "z.angstrom@example.org", "zoe+crm@example.net"},
		"phoneNumbers": []string{"+1 415 555 0100", "+44 20 7946 0958"},
		"status":       "lead", "pipelineId": "pipe-1", "pipelineStage": "qualified", "outreachConfigId": "oc-7",
		"assigneeIds": []string{agent.ID}, "labels": []string{"vip", "beta", "ünïcode label"},
		"customAttributes": map[string]any{"plan": "pro", "seats": 12, "ratio": 0.25, "tags": []any{"a", "b"},
			"nested": map[string]any{"k": map[string]any{"deep": []any{1, 2, map[string]any{"x": nil}}}}},
		"additionalAttributes": map[string]any{"source": "import", "score": -350.5, "flags": []any{true, false}},
		"documents": []map[string]any{{"name": "CV.pdf", "url": "https://example.com/cv.pdf"},
			{"name": "Résumé «final»", "url": "https://example.com/r?x=1&y=2"}},
		"misc": map[string]any{"note": "<b>&</b>"}, "blocked": true, "thumbnail": "https://example.com/t.png",
	}).ID
	// JSON the API would not produce: exact large and small numbers, nesting,
	// escapes, an empty key.
	exec(`UPDATE contacts SET misc = $2::jsonb, custom_attributes = custom_attributes || $3::jsonb WHERE id = $1`, ids.full,
		`{"big": 123456789012345678901234567890, "neg": -9223372036854775809, "f": 1.50, "e": 1e-7, "zero": 0,
		  "arr": [1, "two", null, true, false, {"x": []}, [[]]], "obj": {"deep": {"deeper": {"deepest": "ok"}}},
		  "empty": {}, "emptyArr": [], "s": "line\nbreak \"quoted\" <tag> & \u2028 é 😀 \\ /", "": "empty key",
		  "dup": 1, "dup": 2}`,
		`{"huge": 9007199254740993, "exp": 2.5E+3}`)

	// Nothing set.
	ids.empty = f.MustContact(t, contact.ContactFields{}).ID
	// Unicode names, one email, one phone, conversations in another inbox.
	ids.uni = s.MustContact(t, token, map[string]any{"firstName": "Ḟïřšť 😀", "lastName": "Ñúñez 李小龍",
		"email": "nunez@example.com", "phoneNumber": "+33 1 23 45 67 89", "labels": []string{"ß"}}).ID
	// Only a last name; blocked false set explicitly.
	ids.solo = s.MustContact(t, token, map[string]any{"lastName": "Solo", "blocked": false}).ID

	senders := []contact.SenderType{contact.SenderContact, contact.SenderUser, contact.SenderSystem}
	message := func(convID, content, at string, i int) {
		t.Helper()
		tm, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			t.Fatal(err)
		}
		sender := senders[i%len(senders)]
		if _, err := s.Main.Store.CreateMessage(ctx, f.Actor, contact.CreateMessageInput{ConversationID: convID,
			Content: &content, SenderType: &sender, CreatedAt: &tm}); err != nil {
			t.Fatalf("create message: %v", err)
		}
	}
	conversation := func(contactID string, inbox contact.Inbox, subject *string, status contact.ConversationStatus) string {
		t.Helper()
		c, err := s.Main.Store.CreateConversation(ctx, f.Actor, contact.CreateConversationInput{ContactID: contactID,
			InboxID: inbox.ID, Subject: subject, Status: &status})
		if err != nil {
			t.Fatalf("create conversation: %v", err)
		}
		return c.ID
	}

	// The full contact: 12 conversations of every status, with and without
	// subject, with 15, 3 (one instant), 0, 120 and a few messages.
	statuses := []contact.ConversationStatus{contact.ConversationStatus("OPEN"), contact.ConversationStatus("PENDING"), contact.ConversationStatus("RESOLVED")}
	for i := range 12 {
		var subject *string
		if i%3 != 1 {
			subject = sp(fmt.Sprintf("Subject %d «ü» <b>", i))
		}
		inbox := f.Inbox
		if i%4 == 3 {
			inbox = mail
		}
		ids.fullConvs = append(ids.fullConvs, conversation(ids.full, inbox, subject, statuses[i%3]))
	}
	times := []string{"2024-05-01T09:30:00Z", "2024-05-01T09:30:00.123456Z", "2024-05-01T09:30:00.1Z",
		"2024-05-01T09:30:00.000001Z", "2024-05-01T09:30:00.120Z", "2024-05-01T11:30:00+02:00", "2024-05-01T09:30:00Z",
		"1999-12-31T23:59:59.999999Z", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
		"2024-02-29T12:00:00.5-07:30", "2024-05-01T09:30:00.123456Z", "2024-05-01T09:30:01Z",
		"2024-05-01T09:29:59.999999Z", "2024-05-01T09:30:00.010Z"}
	contents := []string{"Hello", "Grüße 😀", "line one\nline two\ttab", `"quoted" \ backslash`, "<script>alert(1)</script> & co",
		strings.Repeat("long ", 2000), "\u2028 separator", "李小龍", "null", "{}", "  spaced  ", "ﬁ ligature", "0", "true", "last"}
	for i, at := range times {
		message(ids.fullConvs[0], contents[i], at, i)
	}
	for i := range 3 {
		message(ids.fullConvs[1], fmt.Sprintf("same instant %d", i), "2024-05-01T09:30:00Z", i)
	}
	exec(`INSERT INTO messages (account_id, conversation_id, content, sender_type, created_at)
		SELECT $1, $2, 'bulk ' || k, (ARRAY['CONTACT','USER','SYSTEM'])[1 + k % 3],
			timestamptz '2024-06-01 00:00:00+00' + (k / 4) * interval '1.25 second'
		FROM generate_series(1, 120) k`, f.Acct.AccountID, ids.fullConvs[3])
	for i := 4; i < 12; i++ {
		for j := range i % 3 {
			message(ids.fullConvs[i], fmt.Sprintf("conversation %d message %d", i, j), fmt.Sprintf("2024-07-0%dT08:00:0%dZ", 1+j, i%10), i+j)
		}
	}
	// Conversation ties and times with and without fractions.
	exec(`UPDATE conversations SET created_at = '2024-03-03T10:00:00Z' WHERE id = ANY($1::uuid[])`, pq.Array(ids.fullConvs[4:8]))
	exec(`UPDATE conversations SET created_at = '2024-03-03T10:00:00.5Z', updated_at = '2024-03-04T00:00:00Z' WHERE id = $1`, ids.fullConvs[8])
	exec(`UPDATE conversations SET updated_at = '2024-03-04T00:00:00.000100Z' WHERE id = $1`, ids.fullConvs[9])

	// One conversation (no subject) of three messages at one instant.
	ids.one = s.MustContact(t, token, map[string]any{"firstName": "One", "emails": []string{"one@example.com"}}).ID
	oneConv := conversation(ids.one, f.Inbox, nil, contact.ConversationStatus("RESOLVED"))
	for i := range 3 {
		message(oneConv, fmt.Sprintf("tie %d", i), "2023-12-31T23:59:59.999999Z", i)
	}
	for i := range 2 {
		conv := conversation(ids.uni, mail, sp("Ünïcode"), statuses[i])
		for j := range 5 {
			message(conv, fmt.Sprintf("uni %d %d", i, j), fmt.Sprintf("2024-01-0%dT00:00:00.%dZ", j+1, j*111111), j)
		}
	}

	// A merge: the mergee's id must resolve to the base.
	ids.base = s.MustContact(t, token, map[string]any{"firstName": "Base", "emails": []string{"base@example.com"}}).ID
	ids.mergee = s.MustContact(t, token, map[string]any{"firstName": "Mergee", "emails": []string{"mergee@example.com"},
		"labels": []string{"merged"}}).ID
	mc := conversation(ids.mergee, f.Inbox, sp("from the mergee"), contact.ConversationStatus("OPEN"))
	message(mc, "mergee message", "2024-04-04T04:04:04.040404Z", 0)
	if p := f.Merge(t, token, map[string]any{"baseContactId": ids.base, "mergeeContactIds": []string{ids.mergee}}); len(p.UserErrors) > 0 || p.Contact == nil {
		t.Fatalf("merge: %+v", p)
	}

	// A deleted contact.
	ids.deleted = s.MustContact(t, token, map[string]any{"firstName": "Deleted"}).ID
	if _, err := s.Main.Store.DeleteContact(ctx, f.Actor, ids.deleted); err != nil {
		t.Fatal(err)
	}

	// Ties and fixed times among the contacts (newest first, then id).
	exec(`UPDATE contacts SET created_at = '2025-01-01T00:00:00Z' WHERE id = ANY($1::uuid[])`, pq.Array([]string{ids.uni, ids.solo, ids.one}))
	exec(`UPDATE contacts SET created_at = '2025-02-02T12:00:00.5Z', updated_at = '2025-02-03T00:00:00Z' WHERE id = $1`, ids.full)
	exec(`UPDATE contacts SET last_activity_at = '2025-02-03T00:00:00.000010Z' WHERE id = $1`, ids.solo)
	// 110 older contacts, in ties of three, so that first: 100 and 150 fill.
	exec(`INSERT INTO contacts (account_id, first_name, last_name, created_at)
		SELECT $1, 'Filler ' || i, CASE WHEN i % 2 = 0 THEN 'Even' END,
			timestamptz '2020-01-01 00:00:00+00' + (i / 3) * interval '1 second'
		FROM generate_series(1, 110) i`, f.Acct.AccountID)

	// Another account: nothing of it may appear.
	other := s.MustAccount(t, "Elsewhere")
	oa := contact.Actor{AccountID: other.AccountID, UserID: other.UserID, Role: contact.Administrator}
	oInbox, err := s.Main.Store.CreateInbox(ctx, oa, contact.CreateInboxInput{Name: sp("Web"), ChannelType: sp("web")})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := s.Main.Store.CreateContact(ctx, oa, contact.ContactFields{FirstName: contact.Some(sp("Stranger")),
		Emails: contact.Some([]string{"stranger@example.com"})})
	if err != nil {
		t.Fatal(err)
	}
	ids.other = oc.ID
	conv, err := s.Main.Store.CreateConversation(ctx, oa, contact.CreateConversationInput{ContactID: oc.ID, InboxID: oInbox.ID})
	if err != nil {
		t.Fatal(err)
	}
	ids.otherConv = conv.ID
	for i := range 2 {
		if _, err := s.Main.Store.CreateMessage(ctx, oa, contact.CreateMessageInput{ConversationID: conv.ID, Content: sp(fmt.Sprint("secret ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	exec(`ANALYZE contacts, conversations, messages`)
	return ids
}

// readCorpus is the queries both servers must answer alike.
func readCorpus(ids readIDs) []readCase {
	full := map[string]any{"id": ids.full}
	all := `{ contacts(first: 15) { totalCount nodes { ` + compiledContactScalars + ` conversations { totalCount nodes { ` +
		compiledConversationScalars + ` messages { totalCount nodes { ` + compiledMessageScalars + ` } } } } } } }`
	cs := []readCase{
		{name: "Q1", query: q1(50), check: func(t *testing.T, d any) {
			mustLen(t, d, 50, "contacts", "nodes")
		}},
		{name: "Q2", query: `query($id: ID!) { contact(id: $id) { id firstName emails } }`, vars: full},
		{name: "everything", query: all, check: func(t *testing.T, d any) {
			mustLen(t, d, 15, "contacts", "nodes")
		}},
		{name: "everything of one contact", vars: full, query: `query($id: ID!) { contact(id: $id) { ` + compiledContactScalars +
			` conversations(first: 12) { totalCount nodes { ` + compiledConversationScalars +
			` messages(first: 100) { totalCount nodes { ` + compiledMessageScalars + ` } } } } } }`,
			check: func(t *testing.T, d any) {
				mustLen(t, d, 12, "contact", "conversations", "nodes")
				mustValue(t, d, `"Zoë Ångström-李"`, "contact", "name")
				mustValue(t, d, "true", "contact", "blocked")
			}},
		{name: "empty contact", vars: map[string]any{"id": ids.empty}, query: `query($id: ID!) { contact(id: $id) { ` +
			compiledContactScalars + ` conversations { totalCount nodes { id } } } }`,
			check: func(t *testing.T, d any) {
				mustValue(t, d, `""`, "contact", "name")
				mustValue(t, d, `[]`, "contact", "emails")
				mustValue(t, d, `null`, "contact", "email")
				mustValue(t, d, `0`, "contact", "conversations", "totalCount")
			}},
		{name: "every contact with every scalar", query: `{ contacts(first: 100) { nodes { ` + compiledContactScalars + ` } } }`},

		// Aliases.
		{name: "aliased connections with different first", query: `{ contacts(first: 8) { nodes { id
			a: conversations(first: 1) { nodes { id subject } }
			b: conversations(first: 5) { totalCount nodes { id messages(first: 2) { totalCount nodes { id } } } }
			c: conversations { n: totalCount } } } }`},
		{name: "aliased scalars and repeated fields", query: `{ contacts(first: 5) { nodes { ident: id id id fn: firstName
			name: lastName last: name emails mails: emails } } }`},
		{name: "aliased root fields", vars: full, query: `query($id: ID!) { x: contacts(first: 2) { nodes { id } }
			y: contacts(first: 3) { total: totalCount nodes { fn: firstName } } me: contact(id: $id) { id }
			again: contact(id: $id) { when: createdAt } }`},
		{name: "aliased messages", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 12) { nodes {
			first: messages(first: 1) { nodes { id } } rest: messages(first: 100) { count: totalCount nodes { at: createdAt body: content } } } } } }`},

		// Fragments.
		{name: "named fragments at every level", query: `query Named { contacts { nodes { ...C } } }
			fragment C on Contact { id name conversations(first: 3) { ...V } }
			fragment V on ConversationConnection { totalCount nodes { ...Conv } }
			fragment Conv on Conversation { id status messages { ...MC } }
			fragment MC on MessageConnection { totalCount nodes { ...M } }
			fragment M on Message { id content senderType }`},
		{name: "inline fragments", query: `{ contacts(first: 10) { ... on ContactConnection { nodes { ... on Contact { id }
			... { name } conversations { nodes { ... on Conversation { subject messages(first: 2) {
			nodes { ... on Message { senderType } ... { createdAt } } } } } } } } } }`},
		{name: "fields merged across fragments", query: `query { contacts(first: 4) { nodes { id ...A
			conversations(first: 2) { nodes { id } }
			... on Contact { conversations(first: 2) { totalCount nodes { subject messages(first: 1) { nodes { id } } } } } } } }
			fragment A on Contact { firstName conversations(first: 2) { nodes { messages(first: 1) { totalCount nodes { content } } } } }`},
		{name: "fragment on the root", vars: full, query: `query($id: ID!) { ...R } fragment R on Query { contact(id: $id) { id } contacts(first: 1) { nodes { id } } }`},

		// __typename.
		{name: "__typename everywhere", query: `{ __typename contacts(first: 3) { __typename nodes { __typename id
			conversations(first: 2) { __typename totalCount nodes { __typename messages(first: 2) { __typename nodes { __typename } } } } } } }`},
		{name: "__typename only", query: `{ contacts(first: 2) { __typename } }`},
		{name: "__typename only on nested connections", vars: full, query: `query($id: ID!) { contact(id: $id) { id
			conversations(first: 2) { __typename nodes { messages(first: 2) { __typename } } } } }`},
		{name: "__typename under contact", vars: full, query: `query($id: ID!) { contact(id: $id) { __typename t: __typename } }`},

		// Page sizes.
		{name: "aliased nodes of the contacts page", query: `{ contacts(first: 4) { a: nodes { id } totalCount b: nodes { firstName __typename
			conversations(first: 2) { nodes { id } } } __typename c: nodes { __typename } } }`},
		{name: "typename and totalCount around an empty page", query: `{ contacts(first: 0) { __typename totalCount nodes { __typename id } t: totalCount } }`},
		{name: "first 0 everywhere", query: `{ contacts(first: 0) { totalCount nodes { id } } }`},
		{name: "first 0 nested", query: `{ contacts(first: 5) { nodes { id conversations(first: 0) { totalCount nodes { id } } } } }`},
		{name: "messages first 0", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 12) { nodes { messages(first: 0) { totalCount nodes { id } } } } } }`},
		{name: "first 1 everywhere", query: `{ contacts(first: 1) { totalCount nodes { id conversations(first: 1) { totalCount nodes { id messages(first: 1) { totalCount nodes { id content } } } } } } }`},
		{name: "contacts first 100", query: `{ contacts(first: 100) { totalCount nodes { id name createdAt } } }`, check: func(t *testing.T, d any) {
			mustLen(t, d, 100, "contacts", "nodes")
		}},
		{name: "contacts first 150 (clamped)", query: `{ contacts(first: 150) { nodes { id } } }`, check: func(t *testing.T, d any) {
			mustLen(t, d, 100, "contacts", "nodes")
		}},
		{name: "contacts first max int", query: `{ contacts(first: 2147483647) { nodes { id } } }`},
		{name: "contacts first over int32", errs: true, query: `{ contacts(first: 3000000000) { nodes { id } } }`},
		{name: "contacts first negative", query: `{ contacts(first: -5) { totalCount nodes { id } } }`},
		{name: "messages first 100 and 150", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 12) { nodes { id
			a: messages(first: 100) { totalCount nodes { id createdAt } } b: messages(first: 150) { nodes { id } } } } } }`,
			check: func(t *testing.T, d any) {
				mustLen(t, d, 100, "contact", "conversations", "nodes", 8, "b", "nodes") // the one of 120 messages
			}},
		{name: "conversations first 100 and 150", query: `{ contacts(first: 20) { nodes { a: conversations(first: 100) { nodes { id } } b: conversations(first: 150) { nodes { createdAt } } } } }`},
		{name: "defaults everywhere", query: `{ contacts { nodes { id conversations { nodes { id messages { nodes { id } } } } } } }`},

		// totalCount alone at each level.
		{name: "totalCount of contacts", query: `{ contacts { totalCount } }`, check: func(t *testing.T, d any) {
			mustValue(t, d, "116", "contacts", "totalCount")
		}},
		{name: "totalCount of conversations", query: `{ contacts(first: 10) { nodes { conversations { totalCount } } } }`},
		{name: "totalCount of messages", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 12) { nodes { messages { totalCount } } } } }`},
		{name: "empty selections under a connection", query: `{ contacts(first: 3) { nodes { conversations(first: 2) { nodes { __typename } } } } }`},

		// contact(id).
		{name: "merged-away id", vars: map[string]any{"id": ids.mergee}, query: `query($id: ID!) { contact(id: $id) { id firstName emails labels
			conversations { totalCount nodes { subject messages { nodes { content createdAt } } } } } }`,
			check: func(t *testing.T, d any) {
				mustValue(t, d, fmt.Sprintf("%q", ids.base), "contact", "id")
			}},
		{name: "merged-away id upper case", vars: map[string]any{"id": strings.ToUpper(ids.mergee)}, query: `query($id: ID!) { contact(id: $id) { id } }`},
		{name: "existing id upper case", vars: map[string]any{"id": strings.ToUpper(ids.full)}, query: `query($id: ID!) { contact(id: $id) { id name } }`},
		{name: "unknown uuid", vars: map[string]any{"id": randomID()}, query: `query($id: ID!) { contact(id: $id) { id conversations { totalCount } } }`,
			check: func(t *testing.T, d any) { mustValue(t, d, "null", "contact") }},
		{name: "malformed id", query: `{ contact(id: "not-a-uuid") { id } }`},
		{name: "empty id", query: `{ contact(id: "") { id } }`},
		{name: "uuid with braces", query: fmt.Sprintf(`{ contact(id: "{%s}") { id } }`, ids.full)},
		{name: "deleted contact", vars: map[string]any{"id": ids.deleted}, query: `query($id: ID!) { contact(id: $id) { id } }`,
			check: func(t *testing.T, d any) { mustValue(t, d, "null", "contact") }},
		{name: "other account's contact", vars: map[string]any{"id": ids.other}, query: `query($id: ID!) { contact(id: $id) { id firstName
			conversations { totalCount nodes { id messages { totalCount nodes { content } } } } } }`,
			check: func(t *testing.T, d any) { mustValue(t, d, "null", "contact") }},
		{name: "integer id literal", query: `{ contact(id: 12) { id } }`},

		// Variables.
		{name: "variables for first", vars: map[string]any{"c": 3, "v": 2, "m": 4}, query: `query($c: Int, $v: Int, $m: Int) {
			contacts(first: $c) { nodes { id conversations(first: $v) { nodes { id messages(first: $m) { nodes { id } } } } } } }`},
		{name: "null variables for first", vars: map[string]any{"c": nil, "v": nil}, query: `query($c: Int, $v: Int) {
			contacts(first: $c) { nodes { id conversations(first: $v) { totalCount } } } }`},
		{name: "omitted variables", query: `query($c: Int, $m: Int) { contacts(first: $c) { nodes { conversations(first: 1) { nodes { messages(first: $m) { totalCount } } } } } }`},
		{name: "variable defaults", query: `query($c: Int = 2, $m: Int = 1) { contacts(first: $c) { nodes { id conversations { nodes { messages(first: $m) { nodes { id } } } } } } }`},
		{name: "variable id and first", vars: map[string]any{"id": ids.uni, "n": 1}, query: `query($id: ID!, $n: Int!) { contact(id: $id) { id conversations(first: $n) { nodes { id messages(first: $n) { nodes { id } } } } } }`},
		{name: "operation chosen by name", op: "Second", vars: full, query: `query First { contacts(first: 1) { nodes { id } } }
			query Second($id: ID!) { contact(id: $id) { id name } }`},

		// Directives.
		{name: "skip and include", vars: map[string]any{"yes": true, "no": false}, query: `query($yes: Boolean!, $no: Boolean!) {
			contacts(first: 3) { nodes { id firstName @skip(if: $yes) lastName @include(if: $no) emails @include(if: $yes)
			conversations(first: 2) @skip(if: $no) { totalCount @skip(if: true) nodes { id messages(first: 1) @include(if: false) { nodes { id } } } } } } }`},
		{name: "skipped fragment spreads", vars: map[string]any{"no": false}, query: `query($no: Boolean!) { contacts(first: 3) { nodes { id ...C @skip(if: true)
			... on Contact @include(if: $no) { lastName } ... @skip(if: false) { name } } } } fragment C on Contact { firstName }`},
		{name: "conflicting root fields", errs: true, query: `{ contacts(first: 1) { nodes { id } } contacts(first: 2) { nodes { id } } }`},
		{name: "conflicting nested fields", errs: true, query: `{ contacts(first: 1) { nodes { conversations(first: 1) { nodes { id } } conversations(first: 2) { nodes { id } } } } }`},
		{name: "skipped root field", query: `{ contacts(first: 2) @skip(if: true) { nodes { id } } viewer { role } }`},

		// Unsupported selections fall back to the resolvers.
		{name: "with sender", vars: full, query: `query($id: ID!) { contact(id: $id) { id conversations(first: 1) { nodes { messages(first: 15) { nodes { id senderType
			sender { __typename ... on Contact { id } ... on User { name } } } } } } } }`},
		{name: "with assignees", query: `{ contacts(first: 10) { nodes { id assignees { id name role } conversations(first: 2) { nodes { assignees { id } } } } } }`},
		{name: "with pageInfo on contacts", query: `{ contacts(first: 3) { pageInfo { hasNextPage endCursor } nodes { id } } }`},
		{name: "with pageInfo on conversations", query: `{ contacts(first: 3) { nodes { id conversations(first: 1) { pageInfo { hasNextPage endCursor } nodes { id } } } } }`},
		{name: "with pageInfo on messages", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 12) { nodes { messages(first: 2) { pageInfo { hasNextPage } nodes { id } } } } } }`},
		{name: "Relay edges", query: `{ contacts(first: 3) { edges { cursor node { id } } pageInfo { startCursor hasPreviousPage } } }`},
		{name: "with after", query: `{ contacts(first: 2, after: null) { nodes { id } } }`},
		{name: "with after on conversations", vars: full, query: `query($id: ID!) { contact(id: $id) { conversations(first: 2, after: null) { nodes { id } } } }`},
		{name: "with a bad cursor", errs: true, query: `{ contacts(first: 2, after: "garbage") { nodes { id } } }`},
		{name: "with search", query: `{ contacts(first: 5, search: "zoe") { totalCount nodes { id name } } }`},
		{name: "with label", query: `{ contacts(first: 5, label: "vip") { totalCount nodes { id labels } } }`},
		{name: "with mergedContactIds", vars: map[string]any{"id": ids.base}, query: `query($id: ID!) { contact(id: $id) { id mergedContactIds } }`},
		{name: "with records", vars: full, query: `query($id: ID!) { contact(id: $id) { id notes { totalCount } applications { nodes { id } } contactInboxes { nodes { id } } } }`},
		{name: "with conversation back references", query: `{ contacts(first: 3) { nodes { conversations(first: 2) { nodes { contact { id } inbox { name }
			messages(first: 1) { nodes { conversation { id } } } } } } } }`},
		{name: "with viewer and inboxes", query: `{ viewer { name role } inboxes { name channelType } contacts(first: 2) { nodes { id } } }`},
		{name: "conversation root field", vars: map[string]any{"id": ids.fullConvs[0]}, query: `query($id: ID!) { conversation(id: $id) { id subject messages(first: 3) { nodes { id } } } }`},
		{name: "other account's conversation", vars: map[string]any{"id": ids.otherConv}, query: `query($id: ID!) { conversation(id: $id) { id } }`},

		// Errors.
		{name: "unknown field", errs: true, query: `{ contacts { nodes { id nope } } }`},
		{name: "first of the wrong type", errs: true, query: `{ contacts(first: "ten") { nodes { id } } }`},
		{name: "variable of the wrong type", errs: true, vars: map[string]any{"n": "x"}, query: `query($n: Int) { contacts(first: $n) { nodes { id } } }`},
		{name: "missing id", errs: true, query: `{ contact { id } }`},
		{name: "over the cost limit", errs: true, query: `{ contacts(first: 100) { nodes { conversations(first: 100) { nodes { messages(first: 100) { nodes { id } } } } } } }`},
	}
	// Every supported field alone, on the list and on one contact.
	for _, f := range compiledContactFields {
		cs = append(cs, readCase{name: "contact field " + f, query: `{ contacts(first: 100) { nodes { ` + f + ` } } }`})
	}
	for _, f := range compiledConversationFields {
		cs = append(cs, readCase{name: "conversation field " + f, query: `{ contacts(first: 12) { nodes { conversations(first: 12) { nodes { ` + f + ` } } } } }`})
	}
	for _, f := range compiledMessageFields {
		cs = append(cs, readCase{name: "message field " + f, vars: full, query: `query($id: ID!) { contact(id: $id) {
			conversations(first: 12) { nodes { messages(first: 100) { nodes { ` + f + ` } } } } } }`})
	}
	return cs
}

// TestCompiledReads checks that the compiled reads answer exactly as the
// resolvers: two servers on one database, one with compiled reads and one
// without, get every query of the corpus and must return the same data and
// errors. The database's default time zone is not UTC, so times read in the
// session's zone would show. It also counts the compiled server's
// statements for Q1, Q2 and Q3: one in all, which also verifies the token
// (the server knows the token from an earlier request).
func TestCompiledReads(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	func() {
		conn, err := sqlx.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$`); err != nil {
			t.Fatal(err)
		}
	}()
	compiled := MustServerOn(t, dsn, func(m *app.Main) { m.Config.CompiledReads = true })
	resolved := MustServerOn(t, dsn, func(m *app.Main) { m.Config.CompiledReads = false })
	acct := resolved.MustAccount(t, "Readers")
	f := &fixture{testServer: resolved, Acct: acct, Actor: contact.Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: contact.Administrator}}
	ib, err := resolved.Main.Store.CreateInbox(context.Background(), f.Actor, contact.CreateInboxInput{Name: sp("Web"), ChannelType: sp("web")})
	if err != nil {
		t.Fatal(err)
	}
	f.Inbox = ib
	ids := seedReads(t, resolved, f)

	// A third server, compiled and counting its statements, tells which
	// queries the compiled path answered (one statement in all, verifying
	// the token the server already knows) and which fell back.
	counted, n := mustCountingServerOn(t, dsn, true)
	postRead(t, counted, acct.Token, `{ __typename }`, nil, "")
	var single, other []string

	corpus := readCorpus(ids)
	t.Logf("%d queries", len(corpus))
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			want := postRead(t, resolved, acct.Token, c.query, c.vars, c.op)
			got := postRead(t, compiled, acct.Token, c.query, c.vars, c.op)
			before := n.Load()
			again := postRead(t, counted, acct.Token, c.query, c.vars, c.op)
			if k := n.Load() - before; k == 1 {
				single = append(single, c.name)
			} else {
				other = append(other, fmt.Sprintf("%s (%d)", c.name, k))
			}
			if diff := sameAnswer(again, want); diff != "" {
				t.Errorf("the counting compiled server's answer differs: %s\ncompiled:  %s\nresolvers: %s", diff, again.body, want.body)
			}
			if hasErrs := len(want.errors) > 0; hasErrs != c.errs {
				t.Errorf("resolvers answered with errors = %v, the corpus expects %v: %s", hasErrs, c.errs, want.body)
			}
			if diff := sameAnswer(got, want); diff != "" {
				t.Fatalf("compiled and resolved answers differ: %s\nquery: %s\nvariables: %v\ncompiled:  %s\nresolvers: %s",
					diff, c.query, c.vars, got.body, want.body)
			}
			if bytes.Contains(want.body, []byte(ids.other)) || bytes.Contains(want.body, []byte("Stranger")) || bytes.Contains(want.body, []byte("secret")) {
				t.Errorf("the other account's data appears: %s", want.body)
			}
			if c.check != nil && want.hasData {
				c.check(t, want.data)
			}
		})
	}

	t.Logf("%d queries took one statement in all: %s", len(single), strings.Join(single, "; "))
	// These must not have fallen back to the resolvers (a failure to
	// write the answer would, silently).
	for _, name := range []string{"Q1", "Q2", "everything", "everything of one contact", "aliased nodes of the contacts page",
		"typename and totalCount around an empty page", "every contact with every scalar", "__typename everywhere"} {
		if !slices.Contains(single, name) {
			t.Errorf("%q was not answered by one statement", name)
		}
	}
	t.Logf("%d queries took another number of statements: %s", len(other), strings.Join(other, "; "))

	t.Run("account without contacts", func(t *testing.T) {
		empty := resolved.MustAccount(t, "Empty")
		for _, q := range []string{`{ contacts(first: 5) { totalCount nodes { id } n: totalCount __typename } }`,
			`{ contacts { nodes { id } } }`, `{ contacts(first: 0) { totalCount } }`} {
			want := postRead(t, resolved, empty.Token, q, nil, "")
			got := postRead(t, compiled, empty.Token, q, nil, "")
			if diff := sameAnswer(got, want); diff != "" || len(want.errors) > 0 {
				t.Errorf("%s: %s\ncompiled:  %s\nresolvers: %s", q, diff, got.body, want.body)
			}
		}
	})

	t.Run("statements", func(t *testing.T) {
		plain, pn := mustCountingServerOn(t, dsn, false)
		count := func(s *testServer, n *atomic.Int64, query string, vars map[string]any) (int64, gqlAnswer) {
			t.Helper()
			before := n.Load()
			a := postRead(t, s, acct.Token, query, vars, "")
			return n.Load() - before, a
		}
		for _, q := range []struct {
			name, query string
			vars        map[string]any
		}{
			{"Q1", q1(50), nil},
			{"Q2", `query($id: ID!) { contact(id: $id) { id firstName emails } }`, map[string]any{"id": ids.full}},
			{"Q3", q1(20), nil},
		} {
			for range 2 { // the second run is on warm connections and caches
				auth, _ := count(counted, n, `{ __typename }`, nil)
				got, ans := count(counted, n, q.query, q.vars)
				pauth, _ := count(plain, pn, `{ __typename }`, nil)
				pgot, pans := count(plain, pn, q.query, q.vars)
				t.Logf("%s: compiled %d statements (%d for authentication alone), resolvers %d (%d)", q.name, got, auth, pgot, pauth)
				if diff := sameAnswer(ans, pans); diff != "" {
					t.Fatalf("%s: compiled and resolved answers differ: %s\ncompiled:  %s\nresolvers: %s", q.name, diff, ans.body, pans.body)
				}
				if len(ans.errors) > 0 {
					t.Fatalf("%s: %s", q.name, ans.body)
				}
				if got != 1 {
					t.Errorf("%s took %d statements; want 1 (the read, verifying the token)", q.name, got)
				}
			}
		}
	})
}
