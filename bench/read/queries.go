package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// queryNames describes the three queries of issue 9.
var queryNames = map[string]string{
	"Q1": "contacts(first:50) > conversations(first:10) > messages(first:5)",
	"Q3": "contacts(first:20) > conversations(first:10) > messages(first:10)",
	"Q2": "contact(id) { id firstName emails }",
}

// expected is what each query returns on the seeded data: contacts,
// conversations, messages, emails.
var expected = map[string]rows{
	"Q1": {contacts: 50, conversations: 500, messages: 2500},
	"Q3": {contacts: 20, conversations: 200, messages: 2000},
	"Q2": {contacts: 1, emails: 2},
}

// serviceDocs returns this service's documents: the issue's, verbatim.
func serviceDocs(contactID string) map[string]string {
	nested := func(contacts, messages int) string {
		return fmt.Sprintf(`{ contacts(first: %d) { nodes { id firstName conversations(first: 10) { nodes { id subject messages(first: %d) { nodes { id content } } } } } } }`, contacts, messages)
	}
	return map[string]string{
		"Q1": nested(50, 5),
		"Q3": nested(20, 10),
		"Q2": fmt.Sprintf(`{ contact(id: %q) { id firstName emails } }`, contactID),
	}
}

// peerDocs returns PostGraphile's documents for the same rows: the top-level
// connection filtered to the account (PostGraphile runs without auth), the
// same orders (contacts newest first; conversations, messages and emails
// oldest or first first), and the row id column rowId where the service
// answers id (PostGraphile's id is a global node id).
func peerDocs(accountID, contactID string) map[string]string {
	nested := func(contacts, messages int) string {
		return fmt.Sprintf(`{ contacts(first: %d, condition: {accountId: %q}, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { rowId firstName `+
			`conversationsByAccountIdAndContactId(first: 10, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { rowId subject `+
			`messagesByAccountIdAndConversationId(first: %d, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { rowId content } } } } } } }`,
			contacts, accountID, messages)
	}
	return map[string]string{
		"Q1": nested(50, 5),
		"Q3": nested(20, 10),
		"Q2": fmt.Sprintf(`{ contact(accountId: %q, rowId: %q) { rowId firstName contactEmailsByAccountIdAndContactId(orderBy: POSITION_ASC) { nodes { email } } } }`,
			accountID, contactID),
	}
}

// shape names the fields of one server's answers.
type shape struct {
	id, conversations, messages string
	emails                      func(contact map[string]any) []any
}

var (
	serviceShape = shape{id: "id", conversations: "conversations", messages: "messages",
		emails: func(c map[string]any) []any { l, _ := c["emails"].([]any); return l }}
	peerShape = shape{id: "rowId", conversations: "conversationsByAccountIdAndContactId", messages: "messagesByAccountIdAndConversationId",
		emails: func(c map[string]any) []any {
			var out []any
			for _, n := range nodes(c["contactEmailsByAccountIdAndContactId"]) {
				out = append(out, n["email"])
			}
			return out
		}}
)

// target is one server under test: where to send each query's request body.
type target struct {
	name    string
	srv     *server
	token   string            // bearer token, empty for none
	bodies  map[string][]byte // the JSON request body per query
	shape   shape
	mem     memory // VmHWM during the Q1 rounds and VmRSS before them
	memNote string
}

// target returns the service as a benchmark target for data's account.
func (s *server) target(data seeded) *target {
	return &target{name: "service", srv: s, token: data.token, bodies: bodies(serviceDocs(data.contactID)), shape: serviceShape}
}

// bodies encodes each document as a GraphQL request body.
func bodies(docs map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for q, d := range docs {
		out[q], _ = json.Marshal(map[string]string{"query": d})
	}
	return out
}

// peerTarget returns PostGraphile as a benchmark target for data's account.
func (s *server) peerTarget(data seeded) *target {
	return &target{name: "PostGraphile", srv: s, bodies: bodies(peerDocs(data.accountID, data.contactID)), shape: peerShape}
}

// newRequest returns the POST of query q to t.
func (t *target) newRequest(ctx context.Context, q string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.srv.url, bytes.NewReader(t.bodies[q]))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	return req, nil
}

// rows counts what an answer holds, with the ids in answer order.
type rows struct {
	contacts, conversations, messages, emails int
	ids                                       []string
}

// String returns the counts in words.
func (r rows) String() string {
	if r.conversations == 0 && r.messages == 0 {
		return fmt.Sprintf("%d contact, %d emails", r.contacts, r.emails)
	}
	return fmt.Sprintf("%d contacts, %d conversations, %d messages", r.contacts, r.conversations, r.messages)
}

// nodes returns the objects of a connection's nodes list.
func nodes(conn any) []map[string]any {
	m, _ := conn.(map[string]any)
	l, _ := m["nodes"].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, n := range l {
		if o, ok := n.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// count decodes an answer of query q in shape sh.
func count(q string, body []byte, sh shape) (rows, error) {
	var res struct {
		Data   map[string]any  `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return rows{}, fmt.Errorf("decode: %w", err)
	}
	if len(res.Errors) > 0 {
		return rows{}, fmt.Errorf("GraphQL errors: %s", res.Errors)
	}
	var r rows
	if q == "Q2" {
		c, _ := res.Data["contact"].(map[string]any)
		if c != nil {
			r.contacts = 1
			r.ids = append(r.ids, fmt.Sprint(c[sh.id]))
			for _, e := range sh.emails(c) {
				r.emails++
				r.ids = append(r.ids, fmt.Sprint(e))
			}
		}
		return r, nil
	}
	for _, c := range nodes(res.Data["contacts"]) {
		r.contacts++
		r.ids = append(r.ids, fmt.Sprint(c[sh.id]))
		for _, v := range nodes(c[sh.conversations]) {
			r.conversations++
			r.ids = append(r.ids, fmt.Sprint(v[sh.id]))
			for _, m := range nodes(v[sh.messages]) {
				r.messages++
				r.ids = append(r.ids, fmt.Sprint(m[sh.id]))
			}
		}
	}
	return r, nil
}

// checkSameRows sends each query once to each target and fails unless every
// answer is free of errors and has the expected numbers of contacts,
// conversations, messages (or emails); it says whether the peer's rows are
// the service's, id for id.
func checkSameRows(ctx context.Context, w io.Writer, targets []*target, queries []string) error {
	client := &http.Client{Timeout: time.Minute}
	for _, q := range queries {
		var first rows
		var line []string
		for i, t := range targets {
			req, err := t.newRequest(ctx, q)
			if err != nil {
				return err
			}
			res, err := client.Do(req)
			if err != nil {
				return fmt.Errorf("%s %s: %w", t.name, q, err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				return fmt.Errorf("%s %s: %w", t.name, q, err)
			}
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("%s %s: HTTP %d: %s", t.name, q, res.StatusCode, tail(body))
			}
			r, err := count(q, body, t.shape)
			if err != nil {
				return fmt.Errorf("%s %s: %w: %s", t.name, q, err, tail(body))
			}
			want := expected[q]
			if r.contacts != want.contacts || r.conversations != want.conversations || r.messages != want.messages || r.emails != want.emails {
				return fmt.Errorf("%s %s: answer has %v, want %v", t.name, q, r, want)
			}
			same := ""
			if i == 0 {
				first = r
			} else if slices.Equal(r.ids, first.ids) {
				same = ", the same rows"
			} else {
				same = ", the same counts but NOT the same rows (ordering differs?)"
			}
			line = append(line, fmt.Sprintf("%s %d bytes%s", t.name, len(body), same))
		}
		fmt.Fprintf(w, "check %s: %v each; %s\n", q, first, strings.Join(line, "; "))
	}
	return nil
}
