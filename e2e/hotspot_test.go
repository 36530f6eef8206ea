package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/contact"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
)

// Hot-spot workload: hotspotClients clients each run hotspotOps random write
// mutations against the few contacts of one account.
const (
	hotspotClients = 8
	hotspotOps     = 60
)

// hotspotViewDoc reads what the clients pick their targets from: the live
// contacts with some conversations and the first messages of each.
const hotspotViewDoc = `{ contacts(first: 20) { nodes { id
	conversations(first: 6) { nodes { id messages(first: 3) { nodes { id } } } } } } }`

// Documents of the hot-spot workload. They select the changed object's own
// fields only: a nested contact or conversation of a payload is read after
// the commit, and by then a concurrent merge or deletion may have removed it.
const (
	hotspotMessageDoc = `mutation($input: CreateMessageInput!) { createMessage(input: $input) {
		message { id senderType createdAt } ` + userErrorSelection + ` } }`
	hotspotConversationDoc = `mutation($input: CreateConversationInput!) { createConversation(input: $input) {
		conversation { id status } ` + userErrorSelection + ` } }`
	hotspotContactInboxDoc = `mutation($input: CreateContactInboxInput!) { createContactInbox(input: $input) {
		contactInbox { id sourceId } ` + userErrorSelection + ` } }`
	hotspotMergeDoc = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
		contact { id } mergedContactIds ` + userErrorSelection + ` } }`
	hotspotSeparateDoc = `mutation($id: ID!, $input: SeparateContactInput!) { separateContact(id: $id, input: $input) {
		originalContactId newContactId ` + userErrorSelection + ` } }`
)

// hotspotView is the decoded hotspotViewDoc.
type hotspotView struct {
	Contacts struct {
		Nodes []struct {
			ID            string
			Conversations struct {
				Nodes []struct {
					ID       string
					Messages struct {
						Nodes []struct{ ID string }
					}
				}
			}
		}
	}
}

// hotspot is the shared state of one hot-spot run.
type hotspot struct {
	s     *testServer
	token string
	inbox string

	mu       sync.Mutex
	attempts map[string]int
	ok       map[string]int
	userErrs map[string]int // kind/code → count
	topLevel []string       // every top-level error seen, with its operation
}

// hotspotOp is one mutation a client sends.
type hotspotOp struct {
	kind, doc string
	vars      map[string]any
}

// TestHotspot runs 8 concurrent clients over every write mutation against
// 4 to 6 contacts of one account. Requests contend for the same contacts and
// conversations from every direction (messages and records on one side,
// merges, separations and deletions on the other); with one lock order on
// every write path none of them deadlocks, so the database reports no
// deadlock and no client sees a top-level error. Afterwards the data is
// consistent.
func TestHotspot(t *testing.T) {
	s := mustLoggingServer(t)
	a := s.MustAccount(t, "Hotspot")
	h := &hotspot{s: s, token: a.Token, inbox: s.MustInbox(t, a.Token, "Web", "web"),
		attempts: map[string]int{}, ok: map[string]int{}, userErrs: map[string]int{}}
	for i := range 5 {
		c := s.MustContact(t, a.Token, map[string]any{"firstName": fmt.Sprint("Hot", i)})
		for range 2 {
			conv := s.MustConversation(t, a.Token, c.ID, h.inbox)
			for k := range 3 {
				s.MustMessage(t, a.Token, conv, fmt.Sprint("seed ", k))
			}
		}
	}
	deadlocksBefore := mustDeadlocks(t, s)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	start := time.Now()
	t.Run("clients", func(t *testing.T) {
		for i := range hotspotClients {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				for n := range hotspotOps {
					h.run(t, h.pick(t, rng, fmt.Sprintf("%d-%d", i, n)))
				}
			})
		}
	})
	t.Logf("%d operations in %v", hotspotClients*hotspotOps, time.Since(start).Round(time.Millisecond))
	kinds := make([]string, 0, len(h.attempts))
	for k := range h.attempts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("%-24s %3d sent, %3d applied", k, h.attempts[k], h.ok[k])
	}
	t.Logf("user errors: %v", h.userErrs)

	t.Run("no top-level errors", func(t *testing.T) {
		if len(h.topLevel) > 0 {
			t.Fatalf("%d top-level errors, e.g.:\n%s", len(h.topLevel), strings.Join(h.topLevel[:min(len(h.topLevel), 5)], "\n"))
		}
	})
	t.Run("no deadlocks", func(t *testing.T) {
		if n := mustDeadlocks(t, s) - deadlocksBefore; n > 0 {
			t.Fatalf("the database detected %d deadlocks", n)
		}
	})
	t.Run("every write mutation applied", func(t *testing.T) {
		for _, k := range []string{"createMessage", "createConversation", "updateConversation", "createContactNote",
			"createApplication", "createReminder", "createTrainingSnapshot", "createContactInbox", "updateContact",
			"mergeContacts", "separateContact", "deleteContact"} {
			if h.ok[k] == 0 {
				t.Errorf("%s: none of %d applied", k, h.attempts[k])
			}
		}
	})
	t.Run("invariants", func(t *testing.T) {
		h.mustConsistent(t, a.AccountID)
	})
}

// pick chooses the next operation from a fresh view of the account. It keeps
// the number of live contacts between 4 and 6 (as far as concurrent clients
// allow) and weighs createMessage, merges and separations, which lock in
// opposite directions without one lock order.
func (h *hotspot) pick(t *testing.T, rng *rand.Rand, tag string) hotspotOp {
	t.Helper()
	var v hotspotView
	h.s.Do(t, h.token, hotspotViewDoc, nil, &v)
	contacts := v.Contacts.Nodes
	type convRef struct{ contact, id string }
	var convs []convRef
	for _, c := range contacts {
		for _, cv := range c.Conversations.Nodes {
			convs = append(convs, convRef{c.ID, cv.ID})
		}
	}
	contact := func() string {
		if len(contacts) == 0 {
			return randomID()
		}
		return contacts[rng.IntN(len(contacts))].ID
	}
	conv := func() string {
		if len(convs) == 0 {
			return randomID()
		}
		return convs[rng.IntN(len(convs))].id
	}
	in := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return map[string]any{"input": m}
	}
	weighted := []string{
		"createMessage", "createMessage", "createMessage", "createMessage", "createMessage", "createMessage",
		"mergeContacts", "mergeContacts", "mergeContacts", "separateContact", "separateContact", "separateContact",
		"createConversation", "updateConversation", "createContactNote", "createApplication",
		"createReminder", "createTrainingSnapshot", "createContactInbox", "updateContact", "deleteContact",
	}
	kind := weighted[rng.IntN(len(weighted))]
	switch {
	case (kind == "mergeContacts" || kind == "deleteContact") && len(contacts) <= 4:
		kind = "separateContact"
	case kind == "separateContact" && len(contacts) >= 6:
		kind = "mergeContacts"
	}
	if len(contacts) < 3 {
		kind = "createContact"
	}
	switch kind {
	case "createContact":
		return hotspotOp{kind, createContactDoc, in("firstName", "Again "+tag)}
	case "createMessage":
		sender := []string{"CONTACT", "USER", "SYSTEM"}[rng.IntN(3)]
		return hotspotOp{kind, hotspotMessageDoc, in("conversationId", conv(), "content", "hello "+tag, "senderType", sender)}
	case "createConversation":
		return hotspotOp{kind, hotspotConversationDoc, in("contactId", contact(), "inboxId", h.inbox, "subject", "re: "+tag)}
	case "updateConversation":
		vars := in("status", []string{"OPEN", "PENDING", "RESOLVED"}[rng.IntN(3)], "subject", "updated "+tag)
		vars["id"] = conv()
		return hotspotOp{kind, updateConversationDoc, vars}
	case "createContactNote":
		return hotspotOp{kind, createContactNoteDoc, in("contactId", contact(), "content", "note "+tag)}
	case "createApplication":
		return hotspotOp{kind, createApplicationDoc, in("contactId", contact(), "jobTitle", "Engineer "+tag)}
	case "createReminder":
		return hotspotOp{kind, createReminderDoc, in("contactId", contact(), "title", "call "+tag,
			"dueAt", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))}
	case "createTrainingSnapshot":
		return hotspotOp{kind, createTrainingSnapshotDoc, in("contactId", contact(), "data", map[string]any{"tag": tag})}
	case "createContactInbox":
		return hotspotOp{kind, hotspotContactInboxDoc, in("contactId", contact(), "inboxId", h.inbox, "sourceId", "src-"+tag)}
	case "updateContact":
		vars := in("status", "s-"+tag, "labels", []string{"hot", tag})
		vars["id"] = contact()
		return hotspotOp{kind, updateContactDoc, vars}
	case "deleteContact":
		return hotspotOp{kind, deleteContactDoc, map[string]any{"id": contact()}}
	case "mergeContacts":
		perm := rng.Perm(len(contacts))
		mergees := []string{contacts[perm[1]].ID}
		if len(contacts) >= 6 && rng.IntN(2) == 0 {
			mergees = append(mergees, contacts[perm[2]].ID)
		}
		return hotspotOp{kind, hotspotMergeDoc, in("baseContactId", contacts[perm[0]].ID, "mergeeContactIds", mergees)}
	}
	// separateContact: the new contact gets a name, a conversation when the
	// contact has two, and the tail of a conversation that has two messages.
	c := contacts[rng.IntN(len(contacts))]
	assign := map[string]any{}
	var dividers []map[string]any
	cs := c.Conversations.Nodes
	if len(cs) >= 2 {
		assign["conversations"] = []map[string]any{{"id": cs[0].ID, "side": "NEW"}}
	}
	for _, cv := range cs {
		if len(cv.Messages.Nodes) >= 2 {
			dividers = append(dividers, map[string]any{"conversationId": cv.ID, "firstMessageId": cv.Messages.Nodes[1].ID})
			break
		}
	}
	vars := in("fieldSplit", map[string]any{"firstName": map[string]any{"original": "Kept " + tag, "new": "Split " + tag}},
		"childRecordAssignment", assign, "messageDividers", dividers)
	vars["id"] = c.ID
	return hotspotOp{kind, hotspotSeparateDoc, vars}
}

// run sends op and records its outcome: applied, refused with user errors
// (expected when another client got there first), or a top-level error.
func (h *hotspot) run(t *testing.T, op hotspotOp) {
	t.Helper()
	res := h.s.Post(t, map[string]string{"Authorization": "Bearer " + h.token}, op.doc, op.vars)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts[op.kind]++
	if len(res.Errors) > 0 {
		for _, e := range res.Errors {
			h.topLevel = append(h.topLevel, fmt.Sprintf("%s: %s (%v)", op.kind, e.Message, e.Extensions["code"]))
		}
		return
	}
	var data map[string]struct {
		UserErrors []userError `json:"userErrors"`
	}
	if err := json.Unmarshal(res.Data, &data); err != nil || len(data) != 1 {
		t.Errorf("%s: payload %s: %v", op.kind, res.Data, err)
		return
	}
	for _, p := range data {
		if len(p.UserErrors) == 0 {
			h.ok[op.kind]++
		}
		for _, e := range p.UserErrors {
			h.userErrs[op.kind+"/"+e.Code]++
		}
	}
}

// mustConsistent checks what must hold whatever order the clients' requests
// ran in.
func (h *hotspot) mustConsistent(t *testing.T, acct string) {
	t.Helper()
	for _, c := range []struct{ what, query string }{
		{"messages outside a live conversation", `SELECT count(*) FROM messages m WHERE m.account_id = $1 AND NOT EXISTS (
			SELECT 1 FROM conversations c JOIN contacts k ON k.account_id = c.account_id AND k.id = c.contact_id
			WHERE c.account_id = m.account_id AND c.id = m.conversation_id)`},
		{"contact messages whose sender is not the conversation's contact", `SELECT count(*) FROM messages m
			JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
			WHERE m.account_id = $1 AND m.sender_type = 'CONTACT' AND m.sender_contact_id IS DISTINCT FROM c.contact_id`},
		{"contacts whose lastActivityAt is before their latest message", `SELECT count(*) FROM contacts k
			WHERE k.account_id = $1 AND EXISTS (SELECT 1 FROM conversations c JOIN messages m
				ON m.account_id = c.account_id AND m.conversation_id = c.id
				WHERE c.account_id = k.account_id AND c.contact_id = k.id
				AND (k.last_activity_at IS NULL OR m.created_at > k.last_activity_at))`},
		{"redirects from a live contact", `SELECT count(*) FROM contact_redirects r JOIN contacts k
			ON k.account_id = r.account_id AND k.id = r.old_contact_id WHERE r.account_id = $1`},
		{"redirects to a merged-away contact", `SELECT count(*) FROM contact_redirects r WHERE r.account_id = $1
			AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.account_id = r.account_id AND k.id = r.new_contact_id)`},
	} {
		if n := h.s.Count(t, c.query, acct); n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
	var owned [][2]string // table, owner column
	for _, k := range contact.RecordKinds {
		owned = append(owned, [2]string{k.Table, k.OwnerColumn})
	}
	owned = append(owned, [2]string{"contact_emails", "contact_id"}, [2]string{"contact_phone_numbers", "contact_id"})
	for _, o := range owned {
		table, owner := o[0], o[1]
		if n := h.s.Count(t, `SELECT count(*) FROM `+table+` x WHERE x.account_id = $1 AND NOT EXISTS (
			SELECT 1 FROM contacts k WHERE k.account_id = x.account_id AND k.id = x.`+owner+`)`, acct); n != 0 {
			t.Errorf("%d %s of no live contact", n, table)
		}
	}
	for kind, op := range map[string]string{"MERGE": "mergeContacts", "SEPARATE": "separateContact"} {
		if n := h.s.Count(t, `SELECT count(*) FROM operation_journal WHERE account_id = $1 AND kind = $2`, acct, kind); n != h.ok[op] {
			t.Errorf("%d %s journal rows for %d applied %s", n, kind, h.ok[op], op)
		}
	}
	if n := h.s.Count(t, `SELECT count(*) FROM contacts WHERE account_id = $1`, acct); n < 1 {
		t.Errorf("%d live contacts", n)
	}
}

// mustDeadlocks returns how many deadlocks PostgreSQL has detected in the
// server's database. A backend reports its counts when idle (at most once a
// second) and when it exits, so the server's idle connections are closed
// first and the count is read once their backends are gone.
func mustDeadlocks(tb testing.TB, s *testServer) int {
	tb.Helper()
	ctx := context.Background()
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	s.DB.SetMaxIdleConns(0)
	defer s.DB.SetMaxIdleConns(20)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var others int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`).Scan(&others); err != nil {
			tb.Fatal(err)
		}
		if others == 0 {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d other sessions still connected to the test database", others)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var n sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return int(n.Int64)
}

// TestHotspotMovedConversation sends a message to a conversation whose
// contact is locked by a transaction that then moves the conversation to
// another contact, as a separation does (the old contact stays) or a merge
// does (the old contact goes). The message must follow the conversation to
// its new contact without a deadlock: the message waits on the contact's
// lock before it holds anything the move needs.
func TestHotspotMovedConversation(t *testing.T) {
	for _, tc := range []struct {
		name       string
		deleteFrom bool
	}{{"separated", false}, {"merged", true}} {
		t.Run(tc.name, func(t *testing.T) {
			s := MustServer(t)
			a := s.MustAccount(t, "Moved")
			inbox := s.MustInbox(t, a.Token, "Web", "web")
			from := s.MustContact(t, a.Token, map[string]any{"firstName": "From"})
			to := s.MustContact(t, a.Token, map[string]any{"firstName": "To"})
			conv := s.MustConversation(t, a.Token, from.ID, inbox)
			deadlocksBefore := mustDeadlocks(t, s)

			ctx := context.Background()
			mover, err := s.DB.BeginTxx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer mover.Rollback() //nolint:errcheck // no-op after commit
			var moverPID int
			if err := mover.Get(&moverPID, `SELECT pg_backend_pid()`); err != nil {
				t.Fatal(err)
			}
			if _, err := mover.Exec(`SELECT id FROM contacts WHERE account_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
				a.AccountID, "{"+from.ID+","+to.ID+"}"); err != nil {
				t.Fatal(err)
			}

			type result struct {
				res apptest.Response
				err error
			}
			done := make(chan result, 1)
			go func() {
				body, _ := json.Marshal(map[string]any{"query": createMessageDoc, "variables": map[string]any{
					"input": map[string]any{"conversationId": conv, "content": "hi", "senderType": "CONTACT"}}})
				req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+a.Token)
				var r result
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					defer resp.Body.Close()
					err = json.NewDecoder(resp.Body).Decode(&r.res)
				}
				r.err = err
				done <- r
			}()
			mustWaitBlocked(t, s.DB, moverPID)

			start := time.Now()
			if _, err := mover.Exec(`UPDATE conversations SET contact_id = $3, updated_at = now()
				WHERE account_id = $1 AND id = $2`, a.AccountID, conv, to.ID); err != nil {
				t.Fatalf("moving the conversation: %v", err)
			}
			if tc.deleteFrom {
				if _, err := mover.Exec(`DELETE FROM contacts WHERE account_id = $1 AND id = $2`, a.AccountID, from.ID); err != nil {
					t.Fatalf("deleting the old contact: %v", err)
				}
			}
			if err := mover.Commit(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("the move waited %v for the new message", d)
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("createMessage did not answer")
			}
			if r.err != nil || len(r.res.Errors) > 0 {
				t.Fatalf("createMessage: %v %+v", r.err, r.res.Errors)
			}
			var p struct {
				CreateMessage struct {
					Message struct {
						ID     string
						Sender struct{ ID string }
					}
					UserErrors []userError `json:"userErrors"`
				} `json:"createMessage"`
			}
			if err := json.Unmarshal(r.res.Data, &p); err != nil {
				t.Fatal(err)
			}
			if len(p.CreateMessage.UserErrors) > 0 {
				t.Fatalf("user errors %+v", p.CreateMessage.UserErrors)
			}
			apptest.MustEqual(t, "sender", p.CreateMessage.Message.Sender.ID, to.ID)
			apptest.MustEqual(t, "messages sent by the new contact in its conversation", s.Count(t, `SELECT count(*) FROM messages m
				JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
				WHERE m.account_id = $1 AND m.id = $2 AND c.contact_id = $3 AND m.sender_contact_id = $3`,
				a.AccountID, p.CreateMessage.Message.ID, to.ID), 1)
			apptest.MustEqual(t, "new contact's activity set", s.Count(t, `SELECT count(*) FROM contacts
				WHERE account_id = $1 AND id = $2 AND last_activity_at IS NOT NULL`, a.AccountID, to.ID), 1)
			if !tc.deleteFrom {
				apptest.MustEqual(t, "old contact's activity untouched", s.Count(t, `SELECT count(*) FROM contacts
					WHERE account_id = $1 AND id = $2 AND last_activity_at IS NULL`, a.AccountID, from.ID), 1)
			}
			if n := mustDeadlocks(t, s) - deadlocksBefore; n > 0 {
				t.Fatalf("the database detected %d deadlocks", n)
			}
		})
	}
}

// mustWaitBlocked waits until some session of conn's database waits for a
// lock that the session pid holds.
func mustWaitBlocked(tb testing.TB, conn *sqlx.DB, pid int) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND $1 = ANY(pg_blocking_pids(pid))`, pid); err != nil {
			tb.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatal("no request waits for the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mustLoggingServer is MustServer with the server's warnings and errors (an
// internal error's cause, for one) in the test's output.
func mustLoggingServer(t *testing.T) *testServer {
	t.Helper()
	return MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) {
		m.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
}
