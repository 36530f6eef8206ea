package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"contactid/app"
	"contactid/internal/pgtest"
)

const (
	createWebhookDoc = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) {
		webhook { id url eventKinds description createdAt } secret ` + userErrorSelection + ` } }`
	deleteWebhookDoc = `mutation($id: ID!) { deleteWebhook(id: $id) { deletedWebhookId ` + userErrorSelection + ` } }`
	webhooksDoc      = `{ webhooks { id url eventKinds description createdAt
		deliveries(first: 100) { nodes { id eventId eventKind status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt }
			pageInfo { hasNextPage endCursor } } } }`
)

// webhookOut is a Webhook as webhooksDoc selects it.
type webhookOut struct {
	ID          string
	URL         string
	EventKinds  []string
	Description *string
	CreatedAt   time.Time
	Deliveries  struct {
		Nodes    []deliveryOut
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

// deliveryOut is a WebhookDelivery.
type deliveryOut struct {
	ID             string
	EventID        string
	EventKind      string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      *string
	NextAttemptAt  *time.Time
	CreatedAt      time.Time
	DeliveredAt    *time.Time
}

// webhookServer starts a server whose worker may reach local receivers,
// polls every 50 ms, times out after 500 ms and retries after retry (each
// entry one retry), on the database at dsn.
func webhookServer(t *testing.T, dsn string, retry ...time.Duration) *testServer {
	t.Helper()
	if len(retry) == 0 {
		retry = []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	}
	return MustServerOn(t, dsn, func(m *app.Main) {
		m.Config.Webhooks.AllowPrivateNetworks = true
		m.Config.Webhooks.PollInterval = 50 * time.Millisecond
		m.Config.Webhooks.Timeout = 500 * time.Millisecond
		m.Config.Webhooks.RetrySchedule = retry
	})
}

// received is one request a receiver got.
type received struct {
	ID, Timestamp, Signature, ContentType, Path string
	Body                                        []byte
	At                                          time.Time
}

// receiver is an httptest server that records every request and answers
// with respond (200 when nil).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, r received, w http.ResponseWriter) // n counts requests from 1
}

// mustReceiver starts a receiver.
func mustReceiver(t *testing.T, respond func(n int, r received, w http.ResponseWriter)) *receiver {
	t.Helper()
	rc := &receiver{respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got := received{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"),
			Signature: r.Header.Get("webhook-signature"), ContentType: r.Header.Get("Content-Type"), Path: r.URL.Path, Body: body, At: time.Now()}
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		n := len(rc.got)
		rc.mu.Unlock()
		if rc.respond != nil {
			rc.respond(n, got, w)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// requests returns a copy of what the receiver got.
func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// mustWait polls cond every 10 ms until it holds, failing after d.
func mustWait(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mustCreateWebhook creates a webhook and returns it with its secret.
func (s *testServer) mustCreateWebhook(t *testing.T, token string, input map[string]any) (webhookOut, string) {
	t.Helper()
	var p struct {
		Webhook webhookOut
		Secret  string
	}
	s.MustMutate(t, token, createWebhookDoc, map[string]any{"input": input}, &p)
	return p.Webhook, p.Secret
}

// mustWebhooks returns the account's webhooks with their deliveries.
func (s *testServer) mustWebhooks(t *testing.T, token string) []webhookOut {
	t.Helper()
	var out struct{ Webhooks []webhookOut }
	s.Do(t, token, webhooksDoc, nil, &out)
	return out.Webhooks
}

// mustVerify checks a request's Standard Webhooks signature with the
// secret, the way a receiver would.
func mustVerify(t *testing.T, secret string, r received) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(r.ID + "." + r.Timestamp + "."))
	mac.Write(r.Body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(r.Signature), []byte(want)) {
		t.Fatalf("signature %q, want %q", r.Signature, want)
	}
	ts, err := strconv.ParseInt(r.Timestamp, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Fatalf("webhook-timestamp %q is not now", r.Timestamp)
	}
	if r.ContentType != "application/json" {
		t.Fatalf("Content-Type %q", r.ContentType)
	}
}

// TestWebhookAdministration covers createWebhook, webhooks and
// deleteWebhook: the secret is shown once, only administrators manage
// webhooks, private URLs are refused unless allowed, deletion.
func TestWebhookAdministration(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	s := webhookServer(t, dsn)
	a := s.MustAccount(t, "Hooks")

	t.Run("created with its secret once", func(t *testing.T) {
		w, secret := s.mustCreateWebhook(t, a.Token, map[string]any{"url": "http://127.0.0.1:9/hook",
			"eventKinds": []string{"CONTACTS_MERGED", "CONTACTS_MERGED"}, "description": "  CRM sync  "})
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		if !strings.HasPrefix(secret, "whsec_") || err != nil || len(key) < 24 {
			t.Fatalf("secret %q: want whsec_ and the base64 of at least 24 bytes", secret)
		}
		if w.URL != "http://127.0.0.1:9/hook" || len(w.EventKinds) != 1 || w.EventKinds[0] != "CONTACTS_MERGED" ||
			w.Description == nil || *w.Description != "CRM sync" {
			t.Fatalf("webhook %+v", w)
		}
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, `{ webhooks { id secret } }`, nil)
		if len(res.Errors) == 0 {
			t.Fatal("Webhook.secret is queryable")
		}
		body := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, webhooksDoc, nil)
		if strings.Contains(string(body.Data), strings.TrimPrefix(secret, "whsec_")) {
			t.Fatal("webhooks shows the secret")
		}
		hooks := s.mustWebhooks(t, a.Token)
		if len(hooks) != 1 || hooks[0].ID != w.ID || len(hooks[0].Deliveries.Nodes) != 0 {
			t.Fatalf("webhooks = %+v", hooks)
		}
	})

	t.Run("administrators only", func(t *testing.T) {
		_, agent := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
		before := s.Snapshot(t)
		for _, doc := range []struct {
			q    string
			vars map[string]any
		}{
			{createWebhookDoc, map[string]any{"input": map[string]any{"url": "http://127.0.0.1:9/"}}},
			{deleteWebhookDoc, map[string]any{"id": randomID()}},
			{`{ webhooks { id } }`, nil},
		} {
			res := s.Post(t, map[string]string{"Authorization": "Bearer " + agent}, doc.q, doc.vars)
			if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "FORBIDDEN" {
				t.Fatalf("%s as an agent: %+v", doc.q, res.Errors)
			}
		}
		s.MustUnchanged(t, before)
	})

	t.Run("invalid input", func(t *testing.T) {
		for _, in := range []map[string]any{
			{"url": "ftp://example.com/x"},
			{"url": "not a url"},
			{"url": "http:///path"},
			{"url": "https://" + strings.Repeat("a", 2050) + ".com/"},
		} {
			MustUserError(t, s.MustReject(t, a.Token, createWebhookDoc, map[string]any{"input": in}), "INVALID", "input", "url")
		}
		errs := s.MustReject(t, a.Token, createWebhookDoc, map[string]any{"input": map[string]any{
			"url": "http://127.0.0.1/", "description": strings.Repeat("d", 1001)}})
		MustUserError(t, errs, "INVALID", "input", "description")
	})

	t.Run("private networks refused by default", func(t *testing.T) {
		strict := MustServerOn(t, dsn, nil)
		for _, u := range []string{"http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://192.168.0.1/",
			"http://172.16.0.1/", "http://169.254.169.254/latest", "http://[::1]/", "http://0.0.0.0/", "http://[fe80::1]/",
			"http://[fd00::1]/", "http://100.64.0.1/", "https://[::ffff:127.0.0.1]/"} {
			errs := strict.MustReject(t, a.Token, createWebhookDoc, map[string]any{"input": map[string]any{"url": u}})
			MustUserError(t, errs, "INVALID", "input", "url")
		}
		// A public address is accepted (nothing is sent: no event follows).
		w, _ := strict.mustCreateWebhook(t, a.Token, map[string]any{"url": "https://93.184.215.14/hook"})
		strict.MustMutate(t, a.Token, deleteWebhookDoc, map[string]any{"id": w.ID}, nil)
	})

	t.Run("deleted", func(t *testing.T) {
		w, _ := s.mustCreateWebhook(t, a.Token, map[string]any{"url": "http://127.0.0.1:9/other"})
		var p struct{ DeletedWebhookID string }
		s.MustMutate(t, a.Token, deleteWebhookDoc, map[string]any{"id": w.ID}, &p)
		if p.DeletedWebhookID != w.ID {
			t.Fatalf("deletedWebhookId = %q, want %q", p.DeletedWebhookID, w.ID)
		}
		MustUserError(t, s.MustReject(t, a.Token, deleteWebhookDoc, map[string]any{"id": w.ID}), "NOT_FOUND", "id")
		MustUserError(t, s.MustReject(t, a.Token, deleteWebhookDoc, map[string]any{"id": "nope"}), "NOT_FOUND", "id")
		other := s.MustAccount(t, "Other")
		for _, h := range s.mustWebhooks(t, a.Token) {
			MustUserError(t, s.MustReject(t, other.Token, deleteWebhookDoc, map[string]any{"id": h.ID}), "NOT_FOUND", "id")
		}
		if hooks := s.mustWebhooks(t, other.Token); len(hooks) != 0 {
			t.Fatalf("another account sees %d webhooks", len(hooks))
		}
	})
}

// webhookBody is a delivery's body.
type webhookBody struct {
	ID         string `json:"id"`
	Sequence   int64  `json:"sequence"`
	Kind       string `json:"kind"`
	OccurredAt string `json:"occurredAt"`
	Actor      *struct {
		ID, Name, Email, Role string
	} `json:"actor"`
	ContactIDs  []string        `json:"contactIds"`
	OperationID *string         `json:"operationId"`
	Summary     json.RawMessage `json:"summary"`
}

// TestWebhookDelivery: each event reaches each subscribed webhook once,
// signed, in order, with the event's fields as the body.
func TestWebhookDelivery(t *testing.T) {
	s := webhookServer(t, pgtest.NewDSN(t))
	a := s.MustAccount(t, "Hooks")
	all := mustReceiver(t, nil)
	merges := mustReceiver(t, nil)
	_, secret := s.mustCreateWebhook(t, a.Token, map[string]any{"url": all.URL + "/all"})
	s.mustCreateWebhook(t, a.Token, map[string]any{"url": merges.URL + "/merges", "eventKinds": []string{"CONTACTS_MERGED"}})

	base := s.MustContact(t, a.Token, map[string]any{"firstName": "Base"})
	mergee := s.MustContact(t, a.Token, map[string]any{"firstName": "Mergee"})
	s.MustMutate(t, a.Token, updateContactDoc, map[string]any{"id": base.ID, "input": map[string]any{"lastName": "Updated"}}, nil)
	s.MustMutate(t, a.Token, `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { `+userErrorSelection+` } }`,
		map[string]any{"input": map[string]any{"baseContactId": base.ID, "mergeeContactIds": []string{mergee.ID}}}, nil)

	mustWait(t, 10*time.Second, "4 deliveries", func() bool { return len(all.requests()) >= 4 && len(merges.requests()) >= 1 })
	time.Sleep(300 * time.Millisecond) // a duplicate would arrive within a few polls
	got := all.requests()
	if len(got) != 4 || len(merges.requests()) != 1 {
		t.Fatalf("all got %d requests (want 4), merges %d (want 1)", len(got), len(merges.requests()))
	}
	type eventRow struct {
		ID          string  `db:"id"`
		Seq         int64   `db:"seq"`
		Kind        string  `db:"kind"`
		Actor       *string `db:"actor_user_id"`
		ContactIDs  string  `db:"contact_ids"`
		OperationID *string `db:"operation_id"`
		Summary     *string `db:"summary"`
	}
	var events []eventRow
	if err := s.DB.Select(&events, `SELECT id, seq, kind, actor_user_id, array_to_json(contact_ids)::text AS contact_ids, operation_id, summary::text AS summary
		FROM contact_events WHERE account_id = $1 ORDER BY seq`, a.AccountID); err != nil {
		t.Fatal(err)
	}
	wantKinds := []string{"CONTACT_CREATED", "CONTACT_CREATED", "CONTACT_UPDATED", "CONTACTS_MERGED"}
	ids := map[string]bool{}
	for i, r := range got {
		mustVerify(t, secret, r)
		var b webhookBody
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatalf("body %s: %v", r.Body, err)
		}
		e := events[i]
		cids, _ := json.Marshal(b.ContactIDs)
		if b.ID != e.ID || b.Sequence != e.Seq || b.Kind != wantKinds[i] || b.Kind != e.Kind || string(cids) != e.ContactIDs ||
			b.Actor == nil || e.Actor == nil || b.Actor.ID != *e.Actor || b.Actor.Role != "ADMINISTRATOR" ||
			(b.OperationID == nil) != (e.OperationID == nil) {
			t.Fatalf("delivery %d body %s, want event %+v", i, r.Body, e)
		}
		if _, err := time.Parse(time.RFC3339Nano, b.OccurredAt); err != nil {
			t.Fatalf("occurredAt %q: %v", b.OccurredAt, err)
		}
		if e.Summary != nil && !jsonEqual(t, b.Summary, []byte(*e.Summary)) {
			t.Fatalf("summary %s, want %s", b.Summary, *e.Summary)
		}
		if ids[r.ID] {
			t.Fatalf("webhook-id %s twice", r.ID)
		}
		ids[r.ID] = true
	}
	var mb webhookBody
	json.Unmarshal(merges.requests()[0].Body, &mb) //nolint:errcheck // checked below
	if mb.Kind != "CONTACTS_MERGED" || mb.OperationID == nil || len(mb.ContactIDs) != 2 {
		t.Fatalf("merge delivery %s", merges.requests()[0].Body)
	}
	mustWait(t, 5*time.Second, "deliveries recorded", func() bool {
		for _, h := range s.mustWebhooks(t, a.Token) {
			for _, d := range h.Deliveries.Nodes {
				if d.Status != "SUCCEEDED" {
					return false
				}
			}
		}
		return true
	})
	hooks := s.mustWebhooks(t, a.Token)
	ds := hooks[0].Deliveries.Nodes
	if len(ds) != 4 {
		t.Fatalf("%d deliveries listed", len(ds))
	}
	for i, d := range ds { // newest first
		if d.EventID != events[3-i].ID || d.EventKind != wantKinds[3-i] || d.Attempts != 1 || d.LastStatusCode == nil ||
			*d.LastStatusCode != 200 || d.LastError != nil || d.NextAttemptAt != nil || d.DeliveredAt == nil || !ids[d.ID] {
			t.Fatalf("delivery %d: %+v", i, d)
		}
	}
	// Paging.
	var page struct {
		Webhooks []struct {
			Deliveries struct {
				Nodes    []deliveryOut
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
	}
	s.Do(t, a.Token, `{ webhooks { deliveries(first: 3) { nodes { id } pageInfo { hasNextPage endCursor } } } }`, nil, &page)
	p1 := page.Webhooks[0].Deliveries
	if len(p1.Nodes) != 3 || !p1.PageInfo.HasNextPage {
		t.Fatalf("first page %+v", p1)
	}
	s.Do(t, a.Token, `query($after: String) { webhooks { deliveries(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
		map[string]any{"after": p1.PageInfo.EndCursor}, &page)
	p2 := page.Webhooks[0].Deliveries
	if len(p2.Nodes) != 1 || p2.PageInfo.HasNextPage || p2.Nodes[0].ID != ds[3].ID {
		t.Fatalf("second page %+v", p2)
	}
}

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// TestWebhookRetry: a receiver that answers 500, then times out, then 200
// gets three attempts with the same webhook-id; the delivery shows each
// attempt's outcome in between.
func TestWebhookRetry(t *testing.T) {
	s := webhookServer(t, pgtest.NewDSN(t), 400*time.Millisecond, 400*time.Millisecond, 400*time.Millisecond)
	a := s.MustAccount(t, "Hooks")
	release := make(chan struct{})
	rc := mustReceiver(t, func(n int, _ received, w http.ResponseWriter) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusInternalServerError)
		case 2:
			time.Sleep(700 * time.Millisecond) // past the 500 ms timeout
			w.WriteHeader(http.StatusOK)
		default:
			<-release
			w.WriteHeader(http.StatusNoContent)
		}
	})
	_, secret := s.mustCreateWebhook(t, a.Token, map[string]any{"url": rc.URL})
	s.MustContact(t, a.Token, map[string]any{"firstName": "Retry"})

	delivery := func() deliveryOut {
		hooks := s.mustWebhooks(t, a.Token)
		if len(hooks) != 1 || len(hooks[0].Deliveries.Nodes) != 1 {
			return deliveryOut{}
		}
		return hooks[0].Deliveries.Nodes[0]
	}
	mustWait(t, 10*time.Second, "first attempt recorded", func() bool { return delivery().Attempts == 1 })
	d := delivery()
	if d.Status != "PENDING" || d.LastStatusCode == nil || *d.LastStatusCode != 500 || d.LastError == nil ||
		!strings.Contains(*d.LastError, "500") || d.NextAttemptAt == nil || d.DeliveredAt != nil {
		t.Fatalf("after a 500: %+v", d)
	}
	mustWait(t, 10*time.Second, "second attempt recorded", func() bool { return delivery().Attempts == 2 })
	d = delivery()
	if d.Status != "PENDING" || d.LastStatusCode != nil || d.LastError == nil || !strings.Contains(*d.LastError, "timed out") ||
		d.NextAttemptAt == nil {
		t.Fatalf("after a timeout: %+v", d)
	}
	mustWait(t, 10*time.Second, "third attempt", func() bool { return len(rc.requests()) == 3 })
	close(release)
	mustWait(t, 10*time.Second, "success recorded", func() bool { return delivery().Status == "SUCCEEDED" })
	d = delivery()
	if d.Attempts != 3 || d.LastStatusCode == nil || *d.LastStatusCode != 204 || d.LastError != nil || d.NextAttemptAt != nil || d.DeliveredAt == nil {
		t.Fatalf("after success: %+v", d)
	}
	got := rc.requests()
	for i, r := range got {
		mustVerify(t, secret, r)
		if r.ID != d.ID || string(r.Body) != string(got[0].Body) {
			t.Fatalf("attempt %d: webhook-id %s body %s; want %s and the first body", i+1, r.ID, r.Body, d.ID)
		}
	}
	if gap := got[1].At.Sub(got[0].At); gap < 350*time.Millisecond {
		t.Fatalf("retry after %v, before its backoff", gap)
	}

	t.Run("fails after the schedule", func(t *testing.T) {
		b := s.MustAccount(t, "Failing")
		down := mustReceiver(t, func(_ int, _ received, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) })
		s.mustCreateWebhook(t, b.Token, map[string]any{"url": down.URL})
		s.MustContact(t, b.Token, map[string]any{"firstName": "One"})
		s.MustContact(t, b.Token, map[string]any{"firstName": "Two"})
		mustWait(t, 15*time.Second, "both failed", func() bool {
			hooks := s.mustWebhooks(t, b.Token)
			n := 0
			for _, d := range hooks[0].Deliveries.Nodes {
				if d.Status == "FAILED" && d.Attempts == 4 && d.NextAttemptAt == nil && *d.LastStatusCode == 502 {
					n++
				}
			}
			return n == 2
		})
		// Strict order per webhook: the second event's attempts all come
		// after the first one's last.
		got := down.requests()
		if len(got) != 8 {
			t.Fatalf("%d attempts, want 8", len(got))
		}
		for i, r := range got {
			if want := got[0].ID; i >= 4 {
				want = got[4].ID
				if r.ID == got[0].ID {
					t.Fatalf("attempt %d is of the first delivery", i+1)
				}
			} else if r.ID != want {
				t.Fatalf("attempt %d is of delivery %s, want %s", i+1, r.ID, want)
			}
		}
	})
}

// TestWebhookRestart: a retry due after the server that made the first
// attempt stopped is sent by the next server on the same database.
func TestWebhookRestart(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	first := webhookServer(t, dsn, time.Second)
	a := first.MustAccount(t, "Hooks")
	rc := mustReceiver(t, func(n int, _ received, w http.ResponseWriter) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	first.mustCreateWebhook(t, a.Token, map[string]any{"url": rc.URL})
	first.MustContact(t, a.Token, map[string]any{"firstName": "Restart"})
	mustWait(t, 10*time.Second, "first attempt recorded", func() bool {
		return first.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 1 AND status = 'PENDING'`) == 1
	})
	first.Close()
	if err := first.Main.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("%d requests before the restart", n)
	}
	second := webhookServer(t, dsn, time.Second)
	mustWait(t, 10*time.Second, "the retry", func() bool { return len(rc.requests()) == 2 })
	got := rc.requests()
	if got[0].ID != got[1].ID || string(got[0].Body) != string(got[1].Body) {
		t.Fatalf("retry %s %s differs from the first attempt %s %s", got[1].ID, got[1].Body, got[0].ID, got[0].Body)
	}
	mustWait(t, 5*time.Second, "success recorded", func() bool {
		return second.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 2 AND status = 'SUCCEEDED'`) == 1
	})
}

// TestWebhookTwoServers: two servers on one database share the queue and
// never send a delivery twice.
func TestWebhookTwoServers(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	s1 := webhookServer(t, dsn)
	s2 := webhookServer(t, dsn)
	a := s1.MustAccount(t, "Hooks")
	rc := mustReceiver(t, func(_ int, _ received, w http.ResponseWriter) {
		time.Sleep(2 * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	})
	for i := range 3 {
		s1.mustCreateWebhook(t, a.Token, map[string]any{"url": rc.URL + "/" + strconv.Itoa(i)})
	}
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			s.MustContact(t, a.Token, map[string]any{"firstName": "C" + strconv.Itoa(i)})
		})
	}
	wg.Wait()
	mustWait(t, 30*time.Second, "every delivery", func() bool { return len(rc.requests()) >= 3*n })
	time.Sleep(500 * time.Millisecond)
	got := rc.requests()
	seen := map[string]bool{}
	lastSeq := map[string]int64{}
	for _, r := range got {
		if seen[r.ID] {
			t.Fatalf("delivery %s sent twice", r.ID)
		}
		seen[r.ID] = true
	}
	if len(got) != 3*n {
		t.Fatalf("%d requests, want %d", len(got), 3*n)
	}
	// Each webhook got its events in order.
	for _, r := range got {
		var b webhookBody
		json.Unmarshal(r.Body, &b) //nolint:errcheck // a bad body fails the order check
		if b.Sequence <= lastSeq[r.Path] {
			t.Fatalf("%s got event %d after %d", r.Path, b.Sequence, lastSeq[r.Path])
		}
		lastSeq[r.Path] = b.Sequence
	}
	if c := s1.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE status <> 'SUCCEEDED' OR attempts <> 1`); c != 0 {
		t.Fatalf("%d deliveries not succeeded at the first attempt", c)
	}
}

// TestWebhookThroughput measures deliveries per second of 500 events to
// one receiver (strictly in order: one at a time) and logs it.
func TestWebhookThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	s := webhookServer(t, pgtest.NewDSN(t))
	a := s.MustAccount(t, "Hooks")
	rc := mustReceiver(t, nil)
	s.mustCreateWebhook(t, a.Token, map[string]any{"url": rc.URL})
	const n = 500
	// 500 committed events at once, written as the outbox writes them.
	start := time.Now()
	if _, err := s.DB.Exec(`WITH n AS (UPDATE accounts SET event_seq = event_seq + $2 WHERE id = $1 RETURNING event_seq)
		INSERT INTO contact_events (account_id, seq, kind, contact_ids)
		SELECT $1, n.event_seq - $2 + g, 'CONTACT_CREATED', ARRAY[gen_random_uuid()] FROM n, generate_series(1, $2) g`, a.AccountID, n); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`SELECT pg_notify('contact_events', $1)`, a.AccountID); err != nil {
		t.Fatal(err)
	}
	mustWait(t, 60*time.Second, "500 deliveries", func() bool { return len(rc.requests()) >= n })
	got := rc.requests()
	elapsed := got[n-1].At.Sub(start)
	t.Logf("%d deliveries to one receiver in %v: %.0f deliveries/s", n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	var prev int64
	for i, r := range got {
		var b webhookBody
		if err := json.Unmarshal(r.Body, &b); err != nil || b.Sequence <= prev {
			t.Fatalf("delivery %d: sequence %d after %d (%v)", i, b.Sequence, prev, err)
		}
		prev = b.Sequence
	}
}

func FuzzCreateWebhookInput(f *testing.F) {
	fuzzMutation(f, createWebhookDoc, "",
		`{"url": "http://127.0.0.1:8080/hook", "eventKinds": ["CONTACTS_MERGED"]}`, `{"url": "ftp://example.com/"}`,
		`{"url": "http://[::1", "description": "x"}`, `{"url": "https://user:pw@93.184.215.14/"}`,
		`{"url": "http://0x7f.1/", "eventKinds": []}`, `{"url": "", "description": "`+strings.Repeat("d", 1500)+`"}`,
		`{"url": "http://a/", "eventKinds": ["contact_created"]}`)
}
