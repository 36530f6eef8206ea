package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"contactid/app/apptest"
	"contactid/internal/pgtest"

	"github.com/coder/websocket"
)

// contactEventsDoc subscribes to contactEvents with every field of
// ContactEvent.
const contactEventsDoc = `subscription($ids: [ID!], $after: ID) { contactEvents(contactIds: $ids, after: $after) {
	id sequence kind occurredAt actor { id } contactIds operationId summary contact { id firstName } } }`

// eventOut is a ContactEvent as contactEventsDoc selects it.
type eventOut struct {
	ID          string    `json:"id"`
	Sequence    int64     `json:"sequence"`
	Kind        string    `json:"kind"`
	OccurredAt  time.Time `json:"occurredAt"`
	Actor       *struct{ ID string }
	ContactIDs  []string        `json:"contactIds"`
	OperationID *string         `json:"operationId"`
	Summary     json.RawMessage `json:"summary"`
	Contact     *struct {
		ID        string  `json:"id"`
		FirstName *string `json:"firstName"`
	} `json:"contact"`
}

// streamMsg is one thing a subscription stream delivered: an event, GraphQL
// errors, the end of the stream, or the connection's end (Closed, with the
// WebSocket close code and reason when there was one).
type streamMsg struct {
	Event      *eventOut
	Errors     []map[string]any
	Complete   bool
	Closed     bool
	CloseCode  int
	CloseText  string
	ReceivedAt time.Time
}

// stream is a subscription's messages, read in the background.
type stream struct {
	msgs  chan streamMsg
	close func()
}

// subscription is the client's end of one contactEvents subscription.
type subscription struct {
	*stream
}

// payloadOf decodes a GraphQL response payload into a streamMsg.
func payloadOf(raw json.RawMessage) streamMsg {
	var p struct {
		Data struct {
			ContactEvents *eventOut `json:"contactEvents"`
		} `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	json.Unmarshal(raw, &p) //nolint:errcheck // a bad payload shows as a message with neither event nor errors
	return streamMsg{Event: p.Data.ContactEvents, Errors: p.Errors, ReceivedAt: time.Now()}
}

// wsURL is the server's /graphql as a ws:// URL.
func wsURL(httpURL string) string { return "ws" + strings.TrimPrefix(httpURL, "http") + "/graphql" }

// dialWS opens a WebSocket with the subprotocol and sends connection_init
// with payload; it returns the stream of what the server sends. It does
// not wait for the acknowledgement (see mustAck).
func dialWS(t *testing.T, url, proto string, payload map[string]any) (*websocket.Conn, *stream) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{proto}})
	if err != nil {
		t.Fatalf("dial %s: %v", proto, err)
	}
	if c.Subprotocol() != proto {
		t.Fatalf("subprotocol = %q, want %q", c.Subprotocol(), proto)
	}
	s := &stream{msgs: make(chan streamMsg, 1024), close: func() { c.CloseNow() }}
	t.Cleanup(s.close)
	mustWrite(t, c, map[string]any{"type": "connection_init", "payload": payload})
	go func() {
		defer close(s.msgs)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				var ce websocket.CloseError
				m := streamMsg{Closed: true, ReceivedAt: time.Now()}
				if errors.As(err, &ce) {
					m.CloseCode, m.CloseText = int(ce.Code), ce.Reason
				}
				s.msgs <- m
				return
			}
			var m struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				s.msgs <- streamMsg{Errors: []map[string]any{{"message": "undecodable message " + string(data)}}}
				continue
			}
			switch m.Type {
			case "ka", "pong", "connection_ack":
				if m.Type == "connection_ack" {
					s.msgs <- streamMsg{}
				}
			case "ping":
				c.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`)) //nolint:errcheck // a broken connection shows on the next read
			case "next", "data":
				s.msgs <- payloadOf(m.Payload)
			case "error", "connection_error":
				var errs []map[string]any
				if json.Unmarshal(m.Payload, &errs) != nil {
					var one map[string]any
					json.Unmarshal(m.Payload, &one) //nolint:errcheck // shown as an empty error
					errs = []map[string]any{one}
				}
				s.msgs <- streamMsg{Errors: errs, ReceivedAt: time.Now()}
			case "complete":
				s.msgs <- streamMsg{Complete: true, ReceivedAt: time.Now()}
			}
		}
	}()
	return c, s
}

// mustWrite sends v as a JSON text message.
func mustWrite(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// mustAck waits for connection_ack.
func (s *stream) mustAck(t *testing.T) {
	t.Helper()
	m := s.mustNext(t, 10*time.Second)
	if m.Event != nil || m.Errors != nil || m.Complete || m.Closed {
		t.Fatalf("want connection_ack, got %+v", m)
	}
}

// mustNext returns the stream's next message, failing after timeout.
func (s *stream) mustNext(t *testing.T, timeout time.Duration) streamMsg {
	t.Helper()
	select {
	case m, ok := <-s.msgs:
		if !ok {
			t.Fatal("stream ended")
		}
		return m
	case <-time.After(timeout):
		t.Fatalf("nothing received within %v", timeout)
	}
	return streamMsg{}
}

// mustEvent returns the next message, which must be an event.
func (s *stream) mustEvent(t *testing.T) eventOut {
	t.Helper()
	m := s.mustNext(t, 10*time.Second)
	if m.Event == nil {
		t.Fatalf("want an event, got %+v", m)
	}
	return *m.Event
}

// mustQuiet fails when anything arrives within window.
func (s *stream) mustQuiet(t *testing.T, window time.Duration) {
	t.Helper()
	select {
	case m := <-s.msgs:
		t.Fatalf("want nothing, got %+v (event %+v)", m, m.Event)
	case <-time.After(window):
	}
}

// subscribeWS opens a WebSocket as token with the subprotocol and
// subscribes to contactEvents with vars.
func subscribeWS(t *testing.T, baseURL, proto, token string, vars map[string]any) subscription {
	t.Helper()
	c, st := dialWS(t, wsURL(baseURL), proto, map[string]any{"Authorization": "Bearer " + token})
	st.mustAck(t)
	typ := "subscribe"
	if proto == "graphql-ws" {
		typ = "start"
	}
	mustWrite(t, c, map[string]any{"id": "1", "type": typ, "payload": map[string]any{"query": contactEventsDoc, "variables": vars}})
	return subscription{st}
}

// subscribeSSE subscribes to contactEvents with vars over Server-Sent
// Events, authenticated by headers.
func subscribeSSE(t *testing.T, baseURL string, headers map[string]string, vars map[string]any) subscription {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": contactEventsDoc, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("sse: %v", err)
	}
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "text/event-stream" {
		cancel()
		t.Fatalf("sse: status %d, content type %q", res.StatusCode, ct)
	}
	st := &stream{msgs: make(chan streamMsg, 1024), close: func() { cancel(); res.Body.Close() }}
	t.Cleanup(st.close)
	go func() {
		defer close(st.msgs)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
				if event == "complete" {
					st.msgs <- streamMsg{Complete: true, ReceivedAt: time.Now()}
				}
			case strings.HasPrefix(line, "data: ") && event == "next":
				st.msgs <- payloadOf(json.RawMessage(strings.TrimPrefix(line, "data: ")))
			}
		}
		st.msgs <- streamMsg{Closed: true, ReceivedAt: time.Now()}
	}()
	return subscription{st}
}

// mustSubscribed waits until the server serves exactly n subscriptions of
// the account: each was set up, so every event committed from now on
// reaches it. (A subscription without after starts at the latest event
// when it is set up, a moment the client cannot see otherwise.)
func mustSubscribed(t *testing.T, s *testServer, accountID string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Main.Subscribers(accountID) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions set up, want %d", s.Main.Subscribers(accountID), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// createContactAPI creates a contact through the API as token and returns
// its id.
func createContactAPI(t *testing.T, s *testServer, token, firstName string) string {
	t.Helper()
	var out struct {
		CreateContact struct {
			Contact    *struct{ ID string }
			UserErrors []userError
		}
	}
	s.Do(t, token, `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { field message code } } }`,
		map[string]any{"input": map[string]any{"firstName": firstName}}, &out)
	if out.CreateContact.Contact == nil {
		t.Fatalf("create contact: %+v", out.CreateContact.UserErrors)
	}
	return out.CreateContact.Contact.ID
}

// updateContactAPI renames a contact through the API as token.
func updateContactAPI(t *testing.T, s *testServer, token, id, firstName string) {
	t.Helper()
	var out struct {
		UpdateContact struct{ UserErrors []userError }
	}
	s.Do(t, token, `mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { userErrors { field message code } } }`,
		map[string]any{"id": id, "input": map[string]any{"firstName": firstName}}, &out)
	if len(out.UpdateContact.UserErrors) > 0 {
		t.Fatalf("update contact: %+v", out.UpdateContact.UserErrors)
	}
}

// mergeAPIDoc merges through the API and selects what an event repeats.
const mergeAPIDoc = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
	contact { id } mergedContactIds dryRun operation { id } summary { conversationsMoved messagesReassigned notesMoved }
	userErrors { field message code } } }`

// mergeAPIOut is mergeContacts as mergeAPIDoc selects it.
type mergeAPIOut struct {
	Contact          *struct{ ID string }
	MergedContactIDs []string
	DryRun           bool
	Operation        *struct{ ID string }
	Summary          *struct{ ConversationsMoved, MessagesReassigned, NotesMoved int }
	UserErrors       []userError
}

// mergeAPI merges the mergees into base through the API as token.
func mergeAPI(t *testing.T, s *testServer, token, base string, mergees []string, dryRun bool) mergeAPIOut {
	t.Helper()
	var out struct{ MergeContacts mergeAPIOut }
	s.Do(t, token, mergeAPIDoc, map[string]any{"input": map[string]any{"baseContactId": base, "mergeeContactIds": mergees, "dryRun": dryRun}}, &out)
	return out.MergeContacts
}

// TestSubscriptionsAcrossReplicas: two server processes on one database; a
// merge committed through the second reaches subscribers of the first over
// graphql-transport-ws, legacy graphql-ws and SSE, with every contact id,
// the operation and its summary.
func TestSubscriptionsAcrossReplicas(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	s1 := MustServerOn(t, dsn, nil)
	s2 := MustServerOn(t, dsn, nil)
	acct := s1.MustAccount(t, "Replicas")
	base := createContactAPI(t, s2, acct.Token, "Base")
	m1 := createContactAPI(t, s2, acct.Token, "Mergee one")
	m2 := createContactAPI(t, s2, acct.Token, "Mergee two")

	subs := map[string]subscription{
		"graphql-transport-ws": subscribeWS(t, s1.URL, "graphql-transport-ws", acct.Token, nil),
		"graphql-ws":           subscribeWS(t, s1.URL, "graphql-ws", acct.Token, nil),
		"sse":                  subscribeSSE(t, s1.URL, map[string]string{"Authorization": "Bearer " + acct.Token}, nil),
		"sse api_access_token": subscribeSSE(t, s1.URL, map[string]string{"api_access_token": acct.Token}, nil),
	}
	mustSubscribed(t, s1, acct.AccountID, len(subs))
	res := mergeAPI(t, s2, acct.Token, base, []string{m1, m2}, false)
	if len(res.UserErrors) > 0 || res.Operation == nil {
		t.Fatalf("merge: %+v", res)
	}
	var seq int64
	s1.DB.Get(&seq, `SELECT max(seq) FROM contact_events WHERE account_id = $1`, acct.AccountID) //nolint:errcheck // checked below
	for name, sub := range subs {
		t.Run(name, func(t *testing.T) {
			e := sub.mustEvent(t)
			if e.Kind != "CONTACTS_MERGED" || e.Sequence != seq || e.OperationID == nil || *e.OperationID != res.Operation.ID {
				t.Fatalf("event = %+v, want CONTACTS_MERGED #%d of operation %s", e, seq, res.Operation.ID)
			}
			MustEqualSorted(t, "contactIds", e.ContactIDs, []string{base, m1, m2})
			if e.ContactIDs[0] != base {
				t.Errorf("first contact id = %s, want the survivor %s", e.ContactIDs[0], base)
			}
			if e.Actor == nil || e.Actor.ID != acct.UserID || e.Contact == nil || e.Contact.ID != base {
				t.Errorf("actor %+v, contact %+v", e.Actor, e.Contact)
			}
			var sum map[string]any
			if err := json.Unmarshal(e.Summary, &sum); err != nil || sum["conversationsMoved"] != float64(res.Summary.ConversationsMoved) ||
				sum["messagesReassigned"] != float64(res.Summary.MessagesReassigned) {
				t.Errorf("summary = %s, want the merge's %+v", e.Summary, res.Summary)
			}
			var id string
			s1.DB.Get(&id, `SELECT id FROM contact_events WHERE account_id = $1 AND seq = $2`, acct.AccountID, seq) //nolint:errcheck // compared below
			if e.ID != id {
				t.Errorf("event id = %s, want %s", e.ID, id)
			}
		})
	}
}

// MustEqualSorted fails unless got and want hold the same strings.
func MustEqualSorted(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		tb.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// TestSubscriptionSkipsDryRunsAndRejections: a dry-run merge and rejected
// mutations write no event: the subscriber receives nothing, and then the
// next real change as its very next message.
func TestSubscriptionSkipsDryRunsAndRejections(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Quiet")
	a := createContactAPI(t, s, acct.Token, "A")
	b := createContactAPI(t, s, acct.Token, "B")
	sub := subscribeWS(t, s.URL, "graphql-transport-ws", acct.Token, nil)
	mustSubscribed(t, s, acct.AccountID, 1)
	before := s.Count(t, `SELECT count(*) FROM contact_events`)

	if res := mergeAPI(t, s, acct.Token, a, []string{b}, true); !res.DryRun || len(res.UserErrors) > 0 {
		t.Fatalf("dry run: %+v", res)
	}
	if res := mergeAPI(t, s, acct.Token, a, []string{"00000000-0000-0000-0000-000000000000"}, false); len(res.UserErrors) == 0 {
		t.Fatalf("merge with an unknown contact was accepted: %+v", res)
	}
	var upd struct {
		UpdateContact struct{ UserErrors []userError }
	}
	s.Do(t, acct.Token, `mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { userErrors { code } } }`,
		map[string]any{"id": a, "input": map[string]any{"emails": []string{"not an email"}}}, &upd)
	if len(upd.UpdateContact.UserErrors) == 0 {
		t.Fatal("a bad email was accepted")
	}
	sub.mustQuiet(t, 300*time.Millisecond)
	if n := s.Count(t, `SELECT count(*) FROM contact_events`); n != before {
		t.Fatalf("events %d, want %d", n, before)
	}
	c := createContactAPI(t, s, acct.Token, "C")
	if e := sub.mustEvent(t); e.Kind != "CONTACT_CREATED" || !slices.Equal(e.ContactIDs, []string{c}) {
		t.Fatalf("next event = %+v, want the creation of %s", e, c)
	}
}

// TestSubscriptionAccountIsolation: a subscriber never sees another
// account's events, not even when it names that account's contacts.
func TestSubscriptionAccountIsolation(t *testing.T) {
	s := MustServer(t)
	acctA := s.MustAccount(t, "A")
	acctB := s.MustAccount(t, "B")
	bContact := createContactAPI(t, s, acctB.Token, "B's")
	all := subscribeWS(t, s.URL, "graphql-transport-ws", acctA.Token, nil)
	named := subscribeSSE(t, s.URL, map[string]string{"Authorization": "Bearer " + acctA.Token}, map[string]any{"ids": []string{bContact}})
	bSub := subscribeWS(t, s.URL, "graphql-ws", acctB.Token, nil)
	mustSubscribed(t, s, acctA.AccountID, 2)
	mustSubscribed(t, s, acctB.AccountID, 1)

	updateContactAPI(t, s, acctB.Token, bContact, "Changed")
	createContactAPI(t, s, acctB.Token, "B's second")
	aContact := createContactAPI(t, s, acctA.Token, "A's")
	if e := all.mustEvent(t); !slices.Equal(e.ContactIDs, []string{aContact}) {
		t.Fatalf("account A's subscriber got %+v", e)
	}
	named.mustQuiet(t, 200*time.Millisecond)
	if e := bSub.mustEvent(t); e.Kind != "CONTACT_UPDATED" || !slices.Equal(e.ContactIDs, []string{bContact}) {
		t.Fatalf("account B's subscriber got %+v", e)
	}
	if e := bSub.mustEvent(t); e.Kind != "CONTACT_CREATED" {
		t.Fatalf("account B's subscriber got %+v", e)
	}
	bSub.mustQuiet(t, 100*time.Millisecond)
}

// TestSubscriptionReplayAfter: a client that reconnects with the id of the
// last event it saw gets exactly the events it missed, in order, and then
// live ones, with no gap and no repeat; an unknown id is refused.
func TestSubscriptionReplayAfter(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Replay")
	sub := subscribeWS(t, s.URL, "graphql-transport-ws", acct.Token, nil)
	mustSubscribed(t, s, acct.AccountID, 1)
	c := createContactAPI(t, s, acct.Token, "First")
	last := sub.mustEvent(t)
	sub.close()

	var missed []string
	for i := range 3 {
		updateContactAPI(t, s, acct.Token, c, fmt.Sprintf("Missed %d", i))
	}
	if err := s.DB.Select(&missed, `SELECT id FROM contact_events WHERE account_id = $1 AND seq > $2 ORDER BY seq`, acct.AccountID, last.Sequence); err != nil || len(missed) != 3 {
		t.Fatalf("missed events %v: %v", missed, err)
	}

	for _, proto := range []string{"graphql-transport-ws", "sse"} {
		t.Run(proto, func(t *testing.T) {
			var again subscription
			if proto == "sse" {
				again = subscribeSSE(t, s.URL, map[string]string{"Authorization": "Bearer " + acct.Token}, map[string]any{"after": last.ID})
			} else {
				again = subscribeWS(t, s.URL, proto, acct.Token, map[string]any{"after": last.ID})
			}
			var got []string
			for range missed {
				e := again.mustEvent(t)
				got = append(got, e.ID)
			}
			apptest.MustEqual(t, "replayed events", got, missed)
			again.mustQuiet(t, 100*time.Millisecond)
			updateContactAPI(t, s, acct.Token, c, "Live "+proto)
			live := again.mustEvent(t)
			if live.Kind != "CONTACT_UPDATED" || live.Contact == nil || live.Contact.FirstName == nil || *live.Contact.FirstName != "Live "+proto {
				t.Fatalf("live event = %+v", live)
			}
			missed = append(missed, live.ID) // the next run replays this one too
			again.mustQuiet(t, 100*time.Millisecond)
		})
	}

	t.Run("unknown after", func(t *testing.T) {
		for _, after := range []string{"00000000-0000-0000-0000-000000000000", "not an id"} {
			bad := subscribeWS(t, s.URL, "graphql-transport-ws", acct.Token, map[string]any{"after": after})
			m := bad.mustNext(t, 5*time.Second)
			if len(m.Errors) != 1 || m.Errors[0]["extensions"].(map[string]any)["code"] != "NOT_FOUND" {
				t.Fatalf("after %q: got %+v", after, m)
			}
		}
	})
}

// TestSubscriptionContactFilter: contactIds keeps the events of the
// watched contacts and of contacts merged into them (also those replayed
// from before the merge), and follows a watched contact into the survivor
// that it is merged into.
func TestSubscriptionContactFilter(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Filter")
	other := createContactAPI(t, s, acct.Token, "Other")
	var start string
	s.DB.Get(&start, `SELECT id FROM contact_events WHERE account_id = $1 ORDER BY seq DESC LIMIT 1`, acct.AccountID) //nolint:errcheck // an empty id fails below
	gone := createContactAPI(t, s, acct.Token, "Merged away")
	z := createContactAPI(t, s, acct.Token, "Survivor")
	if res := mergeAPI(t, s, acct.Token, z, []string{gone}, false); len(res.UserErrors) > 0 {
		t.Fatalf("merge: %+v", res.UserErrors)
	}

	t.Run("merged into a watched contact", func(t *testing.T) {
		sub := subscribeWS(t, s.URL, "graphql-transport-ws", acct.Token, map[string]any{"ids": []string{z}, "after": start})
		for _, want := range []struct {
			kind string
			ids  []string
		}{{"CONTACT_CREATED", []string{gone}}, {"CONTACT_CREATED", []string{z}}, {"CONTACTS_MERGED", []string{z, gone}}} {
			if e := sub.mustEvent(t); e.Kind != want.kind || !slices.Equal(e.ContactIDs, want.ids) {
				t.Fatalf("event = %+v, want %s of %v", e, want.kind, want.ids)
			}
		}
		updateContactAPI(t, s, acct.Token, other, "Not watched")
		updateContactAPI(t, s, acct.Token, z, "Watched")
		if e := sub.mustEvent(t); e.Kind != "CONTACT_UPDATED" || !slices.Equal(e.ContactIDs, []string{z}) {
			t.Fatalf("event = %+v, want the update of %s", e, z)
		}
	})

	t.Run("watched contact merged away", func(t *testing.T) {
		x := createContactAPI(t, s, acct.Token, "Watched X")
		y := createContactAPI(t, s, acct.Token, "Survivor Y")
		mustSubscribed(t, s, acct.AccountID, 0)
		sub := subscribeWS(t, s.URL, "graphql-ws", acct.Token, map[string]any{"ids": []string{x}})
		mustSubscribed(t, s, acct.AccountID, 1)
		updateContactAPI(t, s, acct.Token, y, "Y before the merge")
		if res := mergeAPI(t, s, acct.Token, y, []string{x}, false); len(res.UserErrors) > 0 {
			t.Fatalf("merge: %+v", res.UserErrors)
		}
		if e := sub.mustEvent(t); e.Kind != "CONTACTS_MERGED" || !slices.Equal(e.ContactIDs, []string{y, x}) {
			t.Fatalf("event = %+v, want the merge of %s into %s", e, x, y)
		}
		updateContactAPI(t, s, acct.Token, y, "Y after the merge")
		if e := sub.mustEvent(t); e.Kind != "CONTACT_UPDATED" || !slices.Equal(e.ContactIDs, []string{y}) {
			t.Fatalf("event = %+v, want the update of the survivor %s", e, y)
		}
	})

	t.Run("a merged-away id watches its survivor", func(t *testing.T) {
		mustSubscribed(t, s, acct.AccountID, 0)
		sub := subscribeSSE(t, s.URL, map[string]string{"Authorization": "Bearer " + acct.Token}, map[string]any{"ids": []string{gone, "not an id"}})
		mustSubscribed(t, s, acct.AccountID, 1)
		updateContactAPI(t, s, acct.Token, other, "Still not watched")
		updateContactAPI(t, s, acct.Token, z, "Through the old id")
		if e := sub.mustEvent(t); !slices.Equal(e.ContactIDs, []string{z}) {
			t.Fatalf("event = %+v, want the update of %s", e, z)
		}
	})
}

// TestSubscriptionBadToken: a WebSocket whose connection_init carries a
// wrong token, a malformed header or none is closed with 4403 (legacy
// graphql-ws first gets connection_error); SSE without a valid token gets
// UNAUTHENTICATED; a subscription over plain POST is refused.
func TestSubscriptionBadToken(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Auth")
	for _, payload := range []map[string]any{
		{"Authorization": "Bearer wrong"},
		{"Authorization": "Basic " + acct.Token},
		{"api_access_token": "wrong"},
		{},
	} {
		for _, proto := range []string{"graphql-transport-ws", "graphql-ws"} {
			t.Run(fmt.Sprintf("%s %v", proto, payload), func(t *testing.T) {
				_, st := dialWS(t, wsURL(s.URL), proto, payload)
				m := st.mustNext(t, 5*time.Second)
				if proto == "graphql-ws" {
					if len(m.Errors) != 1 || !strings.Contains(fmt.Sprint(m.Errors[0]["message"]), "Forbidden") {
						t.Fatalf("want connection_error, got %+v", m)
					}
					m = st.mustNext(t, 5*time.Second)
				}
				if !m.Closed || m.CloseCode != 4403 {
					t.Fatalf("want close 4403, got %+v", m)
				}
			})
		}
	}
	t.Run("api_access_token in connection_init", func(t *testing.T) {
		_, st := dialWS(t, wsURL(s.URL), "graphql-transport-ws", map[string]any{"api_access_token": acct.Token})
		st.mustAck(t)
	})
	t.Run("sse", func(t *testing.T) {
		sub := subscribeSSE(t, s.URL, map[string]string{"Authorization": "Bearer wrong"}, nil)
		m := sub.mustNext(t, 5*time.Second)
		if len(m.Errors) != 1 || m.Errors[0]["extensions"].(map[string]any)["code"] != "UNAUTHENTICATED" {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("plain POST", func(t *testing.T) {
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + acct.Token}, contactEventsDoc, nil)
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "BAD_REQUEST" {
			t.Fatalf("got %+v", res)
		}
	})
}

// TestSubscriptionOutlivesServerTimeouts: the server's read and write
// timeouts (meant for requests) do not cut WebSocket or SSE streams.
func TestSubscriptionOutlivesServerTimeouts(t *testing.T) {
	base := MustServer(t)
	acct := base.MustAccount(t, "Timeouts")
	srv := httptest.NewUnstartedServer(base.Main.Handler())
	srv.Config.ReadTimeout = 500 * time.Millisecond
	srv.Config.WriteTimeout = 500 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	ws := func() subscription {
		c, st := dialWS(t, wsURL(srv.URL), "graphql-transport-ws", map[string]any{"Authorization": "Bearer " + acct.Token})
		st.mustAck(t)
		mustWrite(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": contactEventsDoc}})
		return subscription{st}
	}()
	sse := subscribeSSE(t, srv.URL, map[string]string{"Authorization": "Bearer " + acct.Token}, nil)
	mustSubscribed(t, base, acct.AccountID, 2)
	time.Sleep(1200 * time.Millisecond) // past both timeouts
	c := createContactAPI(t, base, acct.Token, "Late")
	for name, sub := range map[string]subscription{"ws": ws, "sse": sse} {
		if e := sub.mustEvent(t); !slices.Equal(e.ContactIDs, []string{c}) {
			t.Fatalf("%s: event = %+v", name, e)
		}
	}
}

// TestSubscriptionShutdown: a shutdown ends open subscriptions at once
// (SSE streams complete, WebSockets close) instead of waiting for the
// drain.
func TestSubscriptionShutdown(t *testing.T) {
	p := mustServe(t, "20s")
	headers := map[string]string{"Authorization": "Bearer " + p.Token}
	sse := subscribeSSE(t, p.URL, headers, nil)
	c, ws := dialWS(t, wsURL(p.URL), "graphql-transport-ws", map[string]any{"Authorization": headers["Authorization"]})
	ws.mustAck(t)
	mustWrite(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": contactEventsDoc}})
	// Both subscriptions are live once they deliver an event committed
	// after them; commit until both have (each starts at the latest event
	// when it is set up).
	live := map[string]*stream{"sse": sse.stream, "ws": ws}
	for len(live) > 0 {
		if r := <-p.post(createContactDoc, map[string]any{"input": map[string]any{"firstName": "Ping"}}); r.Err != nil || len(r.Body.Errors) > 0 {
			t.Fatalf("create contact: %v %+v", r.Err, r.Body.Errors)
		}
		for name, st := range live {
			select {
			case m := <-st.msgs:
				if m.Event == nil {
					t.Fatalf("%s: %+v", name, m)
				}
				delete(live, name)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	start := time.Now()
	p.stop()
	select {
	case err := <-p.served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve waited for the subscriptions")
	}
	t.Logf("shutdown with open subscriptions took %v", time.Since(start))
	p.served <- nil // for the cleanup
	for name, st := range map[string]*stream{"sse": sse.stream, "ws": ws} {
		for {
			m := st.mustNext(t, 5*time.Second)
			if m.Closed {
				break
			}
			if m.Errors != nil {
				t.Fatalf("%s: %+v", name, m)
			}
		}
	}
}

// TestSubscriptionLatency measures, with two replicas on one database,
// the time from a mutation's response (its commit) on one replica to the
// event's arrival at a WebSocket subscriber of the other.
func TestSubscriptionLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("latency measurement")
	}
	dsn := pgtest.NewDSN(t)
	s1 := MustServerOn(t, dsn, nil)
	s2 := MustServerOn(t, dsn, nil)
	acct := s1.MustAccount(t, "Latency")
	c := createContactAPI(t, s2, acct.Token, "Timed")
	sub := subscribeWS(t, s1.URL, "graphql-transport-ws", acct.Token, map[string]any{"ids": []string{c}})
	mustSubscribed(t, s1, acct.AccountID, 1)
	const n = 200
	lat := make([]time.Duration, n)
	for i := range n {
		updateContactAPI(t, s2, acct.Token, c, fmt.Sprintf("Timed %d", i))
		committed := time.Now()
		m := sub.mustNext(t, 10*time.Second)
		if m.Event == nil || m.Event.Contact == nil || *m.Event.Contact.FirstName != fmt.Sprintf("Timed %d", i) {
			t.Fatalf("event %d = %+v", i, m)
		}
		lat[i] = max(0, m.ReceivedAt.Sub(committed))
	}
	slices.Sort(lat)
	t.Logf("commit on replica 2 to WebSocket receipt on replica 1, %d events: median %v, p99 %v, max %v",
		n, lat[n/2], lat[n*99/100-1], lat[n-1])
}
