package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/db"
	"contactid/internal/pgtest"
)

// servedProcess is serve running as `go run .` would run it, on a database
// of its own, with a store of the test's own for setting up and inspecting.
type servedProcess struct {
	URL    string
	Token  string
	Drain  time.Duration
	Store  *db.Store // the test's own connection to the server's database
	stop   context.CancelFunc
	served chan error
}

// mustServe starts serve on a free port and a new database with
// SHUTDOWN_DRAIN=drain and waits until it is ready. The test's cleanup stops
// it if the test did not.
func mustServe(t *testing.T, drain string) *servedProcess {
	t.Helper()
	dsn := pgtest.NewDSN(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	env := map[string]string{"DATABASE_URL": dsn, "PORT": port, "SHUTDOWN_DRAIN": drain, "GRAPHQL_INTROSPECTION": "false"}
	cfg, err := app.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := db.Open(ctx, dsn, db.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	acct, err := st.CreateAccount(ctx, "Shutdown")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	p := &servedProcess{URL: "http://127.0.0.1:" + port, Token: acct.Token, Drain: cfg.ShutdownDrain, Store: st,
		stop: stop, served: make(chan error, 1)}
	m := &app.Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
	go func() { p.served <- m.Serve(sctx) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-p.served:
		case <-time.After(time.Minute):
			t.Error("serve did not return")
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(p.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.served:
			t.Fatalf("serve returned before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// clientResult is what a client got for one request.
type clientResult struct {
	Status int
	Body   apptest.Response
	Err    error // transport error or undecodable body: no complete response
}

// post sends a GraphQL document in the background; the channel gets what the
// client received.
func (p *servedProcess) post(query string, vars map[string]any) <-chan clientResult {
	out := make(chan clientResult, 1)
	go func() {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, p.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.Token)
		var r clientResult
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			r.Err = err
			out <- r
			return
		}
		defer res.Body.Close()
		r.Status = res.StatusCode
		r.Err = json.NewDecoder(res.Body).Decode(&r.Body)
		out <- r
	}()
	return out
}

// mustLockedContact creates a contact through the API and locks its row from
// a transaction of the test's own, as a long merge would; mutations of the
// contact wait for the lock until the returned function releases it.
func (p *servedProcess) mustLockedContact(t *testing.T) (contactID string, holderPID int, release func()) {
	t.Helper()
	r := <-p.post(createContactDoc, map[string]any{"input": map[string]any{"firstName": "Long"}})
	var data struct {
		CreateContact struct{ Contact struct{ ID string } }
	}
	if r.Err != nil || len(r.Body.Errors) > 0 || json.Unmarshal(r.Body.Data, &data) != nil || data.CreateContact.Contact.ID == "" {
		t.Fatalf("create contact: %v %s %+v", r.Err, r.Body.Data, r.Body.Errors)
	}
	contactID = data.CreateContact.Contact.ID
	tx, err := p.Store.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Get(&holderPID, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT id FROM contacts WHERE id = $1 FOR UPDATE`, contactID); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if !released {
			released = true
			tx.Rollback() //nolint:errcheck // test teardown
		}
	}
	t.Cleanup(release)
	return contactID, holderPID, release
}

// mustReturn waits at most within for serve to return and returns how long
// it took from start.
func (p *servedProcess) mustReturn(t *testing.T, start time.Time, within time.Duration) time.Duration {
	t.Helper()
	select {
	case err := <-p.served:
		took := time.Since(start)
		p.served <- err // for the cleanup
		if err != nil {
			t.Fatalf("serve returned %v after %v, want nil (exit status 0)", err, took)
		}
		return took
	case <-time.After(within):
		t.Errorf("serve still running %v after shutdown began (drain %v)", within, p.Drain)
		t.FailNow()
		return 0
	}
}

const updateDrainDoc = `mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) {
	contact { id lastName } ` + userErrorSelection + ` } }`

// TestShutdownCutsLongRequest stops the server while a mutation waits in the
// database for longer than the drain period: the mutation's statement is
// cancelled, its client gets a complete error response, nothing of it is
// left running in the database, and serve returns nil (exit status 0)
// within the drain period.
func TestShutdownCutsLongRequest(t *testing.T) {
	p := mustServe(t, "2s")
	id, holder, release := p.mustLockedContact(t)
	defer release()
	reply := p.post(updateDrainDoc, map[string]any{"id": id, "input": map[string]any{"lastName": "Cut"}})
	mustWaitBlocked(t, p.Store.DB(), holder)

	start := time.Now()
	p.stop()
	took := p.mustReturn(t, start, p.Drain+3*time.Second)
	t.Logf("serve returned %v after shutdown began", took)
	if took > p.Drain+time.Second {
		t.Errorf("serve returned %v after shutdown began, drain is %v", took, p.Drain)
	}

	var r clientResult
	select {
	case r = <-reply:
	case <-time.After(5 * time.Second):
		t.Fatal("the client got no response")
	}
	if r.Err != nil {
		t.Fatalf("the client got no complete response: %v", r.Err)
	}
	if len(r.Body.Errors) == 0 {
		t.Fatalf("status %d, data %s: want an error", r.Status, r.Body.Data)
	}
	t.Logf("the client got status %d, data %s, errors %+v", r.Status, r.Body.Data, r.Body.Errors)
	for _, e := range r.Body.Errors {
		if e.Extensions["code"] == nil || e.Extensions["code"] == "" {
			t.Errorf("error without extensions.code: %+v", e)
		}
	}
	apptest.MustNotLeak(t, r.Body.Data)

	var running []string
	if err := p.Store.DB().Select(&running, `SELECT state || ': ' || query FROM pg_stat_activity
		WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1)
		AND backend_type = 'client backend' AND state <> 'idle'`, holder); err != nil {
		t.Fatal(err)
	}
	if len(running) > 0 {
		t.Fatalf("still running in the database after shutdown: %q", running)
	}
	release()
	var lastName *string
	if err := p.Store.DB().Get(&lastName, `SELECT last_name FROM contacts WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if lastName != nil {
		t.Fatalf("the cut mutation was applied: lastName = %q", *lastName)
	}
}

// TestShutdownFinishesShortRequest stops the server while a mutation waits
// for a lock that is released well within the drain period: the mutation
// completes normally and serve returns nil as soon as it has answered.
func TestShutdownFinishesShortRequest(t *testing.T) {
	p := mustServe(t, "5s")
	id, holder, release := p.mustLockedContact(t)
	reply := p.post(updateDrainDoc, map[string]any{"id": id, "input": map[string]any{"lastName": "Done"}})
	mustWaitBlocked(t, p.Store.DB(), holder)

	start := time.Now()
	p.stop()
	time.Sleep(300 * time.Millisecond)
	release()
	took := p.mustReturn(t, start, p.Drain+3*time.Second)
	if took > 2*time.Second {
		t.Errorf("serve returned %v after shutdown began; the request was done after 300ms", took)
	}
	r := <-reply
	if r.Err != nil || len(r.Body.Errors) > 0 {
		t.Fatalf("request: %v %+v", r.Err, r.Body.Errors)
	}
	var data struct {
		UpdateContact struct {
			Contact    struct{ LastName string }
			UserErrors []userError `json:"userErrors"`
		} `json:"updateContact"`
	}
	if err := json.Unmarshal(r.Body.Data, &data); err != nil {
		t.Fatal(err)
	}
	apptest.MustEqual(t, "lastName", data.UpdateContact.Contact.LastName, "Done")
}
