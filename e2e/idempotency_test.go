package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/contact"
	"contactid/internal/pgtest"
)

// keyReusedBody is the whole answer to an Idempotency-Key sent again with
// another body or by another user.
const keyReusedBody = `{"errors":[{"message":"this Idempotency-Key was used with a different request",` +
	`"extensions":{"code":"IDEMPOTENCY_KEY_REUSED"}}],"data":null}`

// keyedResponse is an HTTP answer as the idempotency tests compare it.
type keyedResponse struct {
	Status int
	Body   []byte
	Header http.Header
}

// replayed reports whether the answer is a stored one.
func (r keyedResponse) replayed() bool { return r.Header.Get("Idempotent-Replayed") == "true" }

// gqlBody is the JSON body of a GraphQL request.
func gqlBody(tb testing.TB, query string, vars map[string]any) string {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// postKeyed posts body to /graphql as token with the Idempotency-Key key
// (none when key is nil).
func postKeyed(tb testing.TB, s *testServer, token string, key *string, body string) keyedResponse {
	tb.Helper()
	r, err := sendKeyed(s.URL, token, key, body)
	if err != nil {
		tb.Fatal(err)
	}
	apptest.MustNotLeak(tb, r.Body)
	return r
}

// sendKeyed is postKeyed for goroutines: it returns its error.
func sendKeyed(url, token string, key *string, body string) (keyedResponse, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
	if err != nil {
		return keyedResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != nil {
		req.Header.Set("Idempotency-Key", *key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return keyedResponse{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return keyedResponse{Status: res.StatusCode, Body: raw, Header: res.Header}, err
}

// mustSameResponse fails unless got has want's status, content type and
// body bytes.
func mustSameResponse(tb testing.TB, got, want keyedResponse) {
	tb.Helper()
	if got.Status != want.Status || got.Header.Get("Content-Type") != want.Header.Get("Content-Type") || !bytes.Equal(got.Body, want.Body) {
		tb.Fatalf("answer %d %s\n  %s\nwant %d %s\n  %s", got.Status, got.Header.Get("Content-Type"), got.Body,
			want.Status, want.Header.Get("Content-Type"), want.Body)
	}
}

// mustKeyReused fails unless r is the 422 IDEMPOTENCY_KEY_REUSED answer.
func mustKeyReused(tb testing.TB, r keyedResponse) {
	tb.Helper()
	if r.Status != http.StatusUnprocessableEntity || string(bytes.TrimSpace(r.Body)) != keyReusedBody {
		tb.Fatalf("answer %d %s, want 422 %s", r.Status, r.Body, keyReusedBody)
	}
}

// mustPayloadOf decodes the payload of the one top-level field of a 200
// answer, failing on top-level errors.
func mustPayloadOf(tb testing.TB, r keyedResponse, field string, dest any) {
	tb.Helper()
	var res struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []any                      `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &res); err != nil || r.Status != http.StatusOK || len(res.Errors) > 0 {
		tb.Fatalf("answer %d %s (%v)", r.Status, r.Body, err)
	}
	if err := json.Unmarshal(res.Data[field], dest); err != nil {
		tb.Fatalf("decode %s of %s: %v", field, r.Body, err)
	}
}

// mergeFixture makes a base and a mergee with a conversation of two
// messages, and returns the mergeContacts body that merges them.
func mergeFixture(t *testing.T, f *fixture) (base, mergee *contact.Contact, body string) {
	t.Helper()
	base = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base")), Emails: contact.Some([]string{"base@example.com"})})
	mergee = f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Mergee")), Emails: contact.Some([]string{"mergee@example.com"})})
	conv := f.MustConversation(t, mergee.ID)
	f.MustMessages(t, conv.ID, 2, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return base, mergee, gqlBody(t, mergeDoc, map[string]any{"input": map[string]any{
		"baseContactId": base.ID, "mergeeContactIds": []any{mergee.ID}}})
}

// mustMerged fails unless r is a successful merge of mergee into base.
func mustMerged(t *testing.T, r keyedResponse, base, mergee string) {
	t.Helper()
	var p mergePayload
	mustPayloadOf(t, r, "mergeContacts", &p)
	if len(p.UserErrors) != 0 || p.Contact == nil || p.Contact.ID != base || len(p.MergedContactIDs) != 1 || p.MergedContactIDs[0] != mergee {
		t.Fatalf("merge answer %s", r.Body)
	}
}

// TestIdempotentRetry checks that a retry with the same key, caller and
// body gets the first answer, byte for byte, and writes nothing, for a
// merge and a separation.
func TestIdempotentRetry(t *testing.T) {
	t.Run("merge", func(t *testing.T) {
		f := MustFixture(t)
		base, mergee, body := mergeFixture(t, f)
		key := "merge-2026-03-01-0001"
		first := postKeyed(t, f.testServer, f.Acct.Token, &key, body)
		mustMerged(t, first, base.ID, mergee.ID)
		if first.replayed() {
			t.Fatal("the first answer is marked as replayed")
		}
		before := f.Snapshot(t)
		retry := postKeyed(t, f.testServer, f.Acct.Token, &key, body)
		mustSameResponse(t, retry, first)
		if !retry.replayed() {
			t.Fatal("the retry is not marked as replayed")
		}
		f.MustUnchanged(t, before)
		apptest.MustEqual(t, "journal rows", f.Count(t, `SELECT count(*) FROM operation_journal WHERE kind = 'MERGE'`), 1)
		// Without the key, the same retry runs and finds the mergee gone.
		var again mergePayload
		mustPayloadOf(t, postKeyed(t, f.testServer, f.Acct.Token, nil, body), "mergeContacts", &again)
		MustUserError(t, again.UserErrors, "NOT_FOUND", "input", "mergeeContactIds", "0")
	})

	t.Run("separate", func(t *testing.T) {
		f, jane, conv, _ := janeFixture(t)
		body := gqlBody(t, separateDoc, map[string]any{"id": jane.ID, "input": map[string]any{
			"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
		}})
		key := "separate jane/janet #1"
		first := postKeyed(t, f.testServer, f.Acct.Token, &key, body)
		var p sepPayload
		mustPayloadOf(t, first, "separateContact", &p)
		if len(p.UserErrors) != 0 || p.NewContactID == nil || p.NewContact == nil || *p.NewContact.FirstName != "Janet" {
			t.Fatalf("separate answer %s", first.Body)
		}
		before := f.Snapshot(t)
		retry := postKeyed(t, f.testServer, f.Acct.Token, &key, body)
		mustSameResponse(t, retry, first)
		if !retry.replayed() {
			t.Fatal("the retry is not marked as replayed")
		}
		f.MustUnchanged(t, before)
		apptest.MustEqual(t, "journal rows", f.Count(t, `SELECT count(*) FROM operation_journal WHERE kind = 'SEPARATE'`), 1)
		apptest.MustEqual(t, "contacts", f.Count(t, `SELECT count(*) FROM contacts`), 2)
	})
}

// TestIdempotencyKeyReused checks that a key sent again with another body,
// or by another user of the account, is refused with 422 and runs nothing,
// and that keys of different accounts do not meet.
func TestIdempotencyKeyReused(t *testing.T) {
	f := MustFixture(t)
	base, mergee, body := mergeFixture(t, f)
	other := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Other"))})
	key := "k-1"
	mustMerged(t, postKeyed(t, f.testServer, f.Acct.Token, &key, body), base.ID, mergee.ID)

	t.Run("another body", func(t *testing.T) {
		before := f.Snapshot(t)
		mustKeyReused(t, postKeyed(t, f.testServer, f.Acct.Token, &key, gqlBody(t, mergeDoc, map[string]any{"input": map[string]any{
			"baseContactId": base.ID, "mergeeContactIds": []any{other.ID}}})))
		// One byte more is another body too.
		mustKeyReused(t, postKeyed(t, f.testServer, f.Acct.Token, &key, body+" "))
		f.MustUnchanged(t, before)
		apptest.MustEqual(t, "other contact", f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, other.ID), 1)
	})

	t.Run("another user of the account", func(t *testing.T) {
		_, agentToken := f.MustUser(t, f.Acct.Token, "Agent", "agent@example.com", "AGENT")
		before := f.Snapshot(t)
		mustKeyReused(t, postKeyed(t, f.testServer, agentToken, &key, body))
		f.MustUnchanged(t, before)
	})

	t.Run("another account", func(t *testing.T) {
		acme := f.MustAccount(t, "Acme")
		r := postKeyed(t, f.testServer, acme.Token, &key, gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Acme"}}))
		var p struct{ Contact contactOut }
		mustPayloadOf(t, r, "createContact", &p)
		if r.replayed() || p.Contact.FirstName == nil || *p.Contact.FirstName != "Acme" {
			t.Fatalf("answer %s", r.Body)
		}
		apptest.MustEqual(t, "keys named k-1", f.Count(t, `SELECT count(*) FROM idempotency_keys WHERE key = 'k-1'`), 2)
	})
}

// TestIdempotentConcurrentRequests checks that requests with one key that
// arrive together run once: the later ones wait for the first one's answer
// and return it.
func TestIdempotentConcurrentRequests(t *testing.T) {
	t.Run("started together", func(t *testing.T) {
		f := MustFixture(t)
		base, mergee, body := mergeFixture(t, f)
		key := "together"
		const n = 4
		answers := make([]keyedResponse, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				answers[i], errs[i] = sendKeyed(f.URL, f.Acct.Token, &key, body)
			})
		}
		close(start)
		wg.Wait()
		replays := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			mustSameResponse(t, answers[i], answers[0])
			if answers[i].replayed() {
				replays++
			}
		}
		mustMerged(t, answers[0], base.ID, mergee.ID)
		apptest.MustEqual(t, "replayed answers", replays, n-1)
		apptest.MustEqual(t, "journal rows", f.Count(t, `SELECT count(*) FROM operation_journal WHERE kind = 'MERGE'`), 1)
	})

	t.Run("a retry waits for the first request", func(t *testing.T) {
		f := MustFixture(t)
		base, mergee, body := mergeFixture(t, f)
		key := "slow"
		unlock := mustLockContact(t, f.testServer, base.ID)
		firstc := make(chan keyedResponse, 1)
		go func() {
			r, err := sendKeyed(f.URL, f.Acct.Token, &key, body)
			if err != nil {
				r.Body = []byte(err.Error())
			}
			firstc <- r
		}()
		// The first request has claimed the key and waits for the lock.
		waitFor(t, func() bool {
			return f.Count(t, `SELECT count(*) FROM idempotency_keys WHERE key = $1 AND response_status IS NULL`, key) == 1
		})
		retryc := make(chan keyedResponse, 1)
		go func() {
			r, err := sendKeyed(f.URL, f.Acct.Token, &key, body)
			if err != nil {
				r.Body = []byte(err.Error())
			}
			retryc <- r
		}()
		select {
		case r := <-retryc:
			unlock()
			t.Fatalf("the retry answered while the first request ran: %d %s", r.Status, r.Body)
		case <-time.After(300 * time.Millisecond):
		}
		unlock()
		first, retry := <-firstc, <-retryc
		mustMerged(t, first, base.ID, mergee.ID)
		mustSameResponse(t, retry, first)
		if first.replayed() || !retry.replayed() {
			t.Fatalf("replayed: first %v, retry %v", first.replayed(), retry.replayed())
		}
		apptest.MustEqual(t, "journal rows", f.Count(t, `SELECT count(*) FROM operation_journal WHERE kind = 'MERGE'`), 1)
	})

	t.Run("a retry waits at most its run time", func(t *testing.T) {
		s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.Limits.RequestTimeout = time.Second })
		a := s.MustAccount(t, "Acme")
		body := gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Waiting"}})
		// A request of this process that is still running holds the key.
		mustHoldKey(t, s, a, "held", body, "now()")
		before := s.Snapshot(t)
		start := time.Now()
		r := postKeyed(t, s, a.Token, sp("held"), body)
		if took := time.Since(start); took < 900*time.Millisecond || took > 3*time.Second {
			t.Fatalf("the retry answered after %s; want about the request timeout of 1s", took)
		}
		var res apptest.Response
		if err := json.Unmarshal(r.Body, &res); err != nil || r.Status != http.StatusConflict || len(res.Errors) != 1 ||
			res.Errors[0].Extensions["code"] != "TIMEOUT" || string(res.Data) != "null" {
			t.Fatalf("answer %d %s, want 409 TIMEOUT", r.Status, r.Body)
		}
		s.MustUnchanged(t, before)
	})

	t.Run("a key left running by a dead process is taken over", func(t *testing.T) {
		s := MustServer(t)
		a := s.MustAccount(t, "Acme")
		body := gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Orphan"}})
		// Older than the request timeout (15s), the drain (20s) and the
		// time to store an answer (5s) together.
		mustHoldKey(t, s, a, "orphan", body, "now() - interval '41 seconds'")
		r := postKeyed(t, s, a.Token, sp("orphan"), body)
		var p struct{ Contact contactOut }
		mustPayloadOf(t, r, "createContact", &p)
		if r.replayed() || p.Contact.ID == "" {
			t.Fatalf("answer %s", r.Body)
		}
		apptest.MustEqual(t, "stored answers", s.Count(t,
			`SELECT count(*) FROM idempotency_keys WHERE key = 'orphan' AND response_status = 200 AND created_at > now() - interval '1 minute'`), 1)
	})
}

// mustHoldKey stores a claim of key by a's administrator for body, made at
// createdAt (SQL) and not answered, as a running (or dead) request leaves it.
func mustHoldKey(t *testing.T, s *testServer, a contact.NewAccount, key, body, createdAt string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	if _, err := s.DB.Exec(`INSERT INTO idempotency_keys (account_id, key, user_id, request_hash, created_at)
		VALUES ($1, $2, $3, $4, `+createdAt+`)`, a.AccountID, key, a.UserID, sum[:]); err != nil {
		t.Fatal(err)
	}
}

// mustExec runs a statement directly on the server's database.
func mustExec(t *testing.T, s *testServer, query string, args ...any) {
	t.Helper()
	if _, err := s.DB.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// waitFor polls cond for up to five seconds and fails if it never holds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
	}
}

// TestIdempotencyAcrossServers checks that keys live in the database: a
// retry through a second server on the same database gets the first
// server's answer, and waits there for a request the first one runs.
func TestIdempotencyAcrossServers(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	s1, s2 := MustServerOn(t, dsn, nil), MustServerOn(t, dsn, nil)
	a := s1.MustAccount(t, "Acme")
	mustPair := func(t *testing.T) (base, mergee contactOut, body string) {
		base = s1.MustContact(t, a.Token, map[string]any{"firstName": "Base"})
		mergee = s1.MustContact(t, a.Token, map[string]any{"firstName": "Mergee"})
		return base, mergee, gqlBody(t, mergeDoc, map[string]any{"input": map[string]any{
			"baseContactId": base.ID, "mergeeContactIds": []any{mergee.ID}}})
	}

	t.Run("after the first answer", func(t *testing.T) {
		base, mergee, body := mustPair(t)
		key := "replica-1"
		first := postKeyed(t, s1, a.Token, &key, body)
		mustMerged(t, first, base.ID, mergee.ID)
		before := s2.Snapshot(t)
		retry := postKeyed(t, s2, a.Token, &key, body)
		mustSameResponse(t, retry, first)
		if !retry.replayed() {
			t.Fatal("the retry is not marked as replayed")
		}
		s2.MustUnchanged(t, before)
	})

	t.Run("while the first request runs", func(t *testing.T) {
		base, mergee, body := mustPair(t)
		key := "replica-2"
		unlock := mustLockContact(t, s1, base.ID)
		defer unlock()
		firstc := make(chan keyedResponse, 1)
		go func() {
			r, _ := sendKeyed(s1.URL, a.Token, &key, body)
			firstc <- r
		}()
		waitFor(t, func() bool {
			return s1.Count(t, `SELECT count(*) FROM idempotency_keys WHERE key = $1 AND response_status IS NULL`, key) == 1
		})
		retryc := make(chan keyedResponse, 1)
		go func() {
			r, _ := sendKeyed(s2.URL, a.Token, &key, body)
			retryc <- r
		}()
		time.Sleep(200 * time.Millisecond)
		unlock()
		first, retry := <-firstc, <-retryc
		mustMerged(t, first, base.ID, mergee.ID)
		mustSameResponse(t, retry, first)
		if !retry.replayed() {
			t.Fatal("the retry is not marked as replayed")
		}
	})
	apptest.MustEqual(t, "journal rows", s1.Count(t, `SELECT count(*) FROM operation_journal WHERE kind = 'MERGE'`), 2)
}

// TestIdempotencyKeyLifetime checks that a key counts for 24 hours: an
// older one runs again (and older keys of the account are deleted when a
// key is claimed), and that a request cut short or failing internally
// releases its key.
func TestIdempotencyKeyLifetime(t *testing.T) {
	t.Run("an expired key runs again", func(t *testing.T) {
		s := MustServer(t)
		a := s.MustAccount(t, "Acme")
		body := gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Daily"}})
		key := "daily-import"
		first := postKeyed(t, s, a.Token, &key, body)
		mustSameResponse(t, postKeyed(t, s, a.Token, &key, body), first)
		apptest.MustEqual(t, "contacts after a retry", s.Count(t, `SELECT count(*) FROM contacts WHERE first_name = 'Daily'`), 1)

		mustExec(t, s, `UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE key = $1`, key)
		again := postKeyed(t, s, a.Token, &key, body)
		if again.replayed() || bytes.Equal(again.Body, first.Body) {
			t.Fatalf("the expired key was replayed: %s", again.Body)
		}
		apptest.MustEqual(t, "contacts after the key expired", s.Count(t, `SELECT count(*) FROM contacts WHERE first_name = 'Daily'`), 2)
		// The new run's answer is the one kept now.
		mustSameResponse(t, postKeyed(t, s, a.Token, &key, body), again)
	})

	t.Run("expired keys are deleted when a key is claimed", func(t *testing.T) {
		s := MustServer(t)
		a, b := s.MustAccount(t, "Acme"), s.MustAccount(t, "Beta")
		body := gqlBody(t, `{ viewer { role } }`, nil)
		for _, k := range []string{"old-1", "old-2", "recent"} {
			postKeyed(t, s, a.Token, sp(k), body)
		}
		postKeyed(t, s, b.Token, sp("old-b"), body)
		mustExec(t, s, `UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE key LIKE 'old-%'`)
		// A replay claims nothing and deletes nothing.
		if r := postKeyed(t, s, a.Token, sp("recent"), body); !r.replayed() {
			t.Fatalf("answer %s not replayed", r.Body)
		}
		apptest.MustEqual(t, "keys after a replay", s.Count(t, `SELECT count(*) FROM idempotency_keys`), 4)
		postKeyed(t, s, a.Token, sp("new"), body)
		var keys []string
		if err := s.DB.Select(&keys, `SELECT key FROM idempotency_keys ORDER BY key`); err != nil {
			t.Fatal(err)
		}
		apptest.MustEqual(t, "keys after a claim", keys, []string{"new", "old-b", "recent"})
	})

	t.Run("a request cut short releases its key", func(t *testing.T) {
		s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.Limits.RequestTimeout = time.Second })
		a := s.MustAccount(t, "Acme")
		c := s.MustContact(t, a.Token, map[string]any{"firstName": "Locked"})
		body := gqlBody(t, updateContactDoc, map[string]any{"id": c.ID, "input": map[string]any{"firstName": "Changed"}})
		key := "cut-short"
		unlock := mustLockContact(t, s, c.ID)
		r := postKeyed(t, s, a.Token, &key, body)
		unlock()
		var res apptest.Response
		if err := json.Unmarshal(r.Body, &res); err != nil || len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "TIMEOUT" {
			t.Fatalf("answer %d %s, want TIMEOUT", r.Status, r.Body)
		}
		apptest.MustEqual(t, "keys kept", s.Count(t, `SELECT count(*) FROM idempotency_keys`), 0)
		retry := postKeyed(t, s, a.Token, &key, body)
		var p struct{ Contact contactOut }
		mustPayloadOf(t, retry, "updateContact", &p)
		if retry.replayed() || p.Contact.FirstName == nil || *p.Contact.FirstName != "Changed" {
			t.Fatalf("retry answer %s", retry.Body)
		}
	})
	t.Run("a request that fails internally releases its key", func(t *testing.T) {
		s := MustServer(t)
		a := s.MustAccount(t, "Acme")
		body := gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Broken"}})
		key := "internal"
		mustExec(t, s, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`)
		mustExec(t, s, `CREATE TRIGGER refuse BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION refuse()`)
		r := postKeyed(t, s, a.Token, &key, body)
		var res apptest.Response
		if err := json.Unmarshal(r.Body, &res); err != nil || len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "INTERNAL" {
			t.Fatalf("answer %d %s, want INTERNAL", r.Status, r.Body)
		}
		apptest.MustEqual(t, "keys kept", s.Count(t, `SELECT count(*) FROM idempotency_keys`), 0)
		mustExec(t, s, `DROP TRIGGER refuse ON contacts`)
		retry := postKeyed(t, s, a.Token, &key, body)
		var p struct{ Contact contactOut }
		mustPayloadOf(t, retry, "createContact", &p)
		if retry.replayed() || p.Contact.FirstName == nil || *p.Contact.FirstName != "Broken" {
			t.Fatalf("retry answer %s", retry.Body)
		}
	})
}

// TestIdempotencyKeyFormat checks that a key must be sent once, with 1 to
// 255 printable ASCII characters: anything else is a 400 BAD_REQUEST and
// runs nothing.
func TestIdempotencyKeyFormat(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	body := gqlBody(t, createContactDoc, map[string]any{"input": map[string]any{"firstName": "Keyed"}})
	before := s.Snapshot(t)
	for name, header := range map[string][]string{
		"empty":              {""},
		"256 characters":     {strings.Repeat("k", 256)},
		"a tab":              {"a\tb"},
		"non-ASCII":          {"clé"},
		"sent twice":         {"one", "two"},
		"blank after a trim": {"   "},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+a.Token)
			for _, v := range header {
				req.Header.Add("Idempotency-Key", v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var out apptest.Response
			if err := json.Unmarshal(raw, &out); err != nil || res.StatusCode != http.StatusBadRequest || len(out.Errors) != 1 ||
				out.Errors[0].Extensions["code"] != "BAD_REQUEST" || !strings.Contains(out.Errors[0].Message, "Idempotency-Key") {
				t.Fatalf("answer %d %s, want 400 BAD_REQUEST", res.StatusCode, raw)
			}
			s.MustUnchanged(t, before)
		})
	}
	t.Run("255 printable characters", func(t *testing.T) {
		key := "a ~!" + strings.Repeat("k", 251)
		r := postKeyed(t, s, a.Token, &key, body)
		var p struct{ Contact contactOut }
		mustPayloadOf(t, r, "createContact", &p)
		if p.Contact.ID == "" {
			t.Fatalf("answer %s", r.Body)
		}
		apptest.MustEqual(t, "stored key", s.Count(t, `SELECT count(*) FROM idempotency_keys WHERE key = $1`, key), 1)
	})
}
