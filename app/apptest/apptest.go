// Package apptest is the end-to-end test harness: it starts the handler that
// the command serves (app.Main) on a database of its own and talks to it the
// way a client does, over HTTP with GraphQL documents. Every helper is a
// MustX(tb) that fails the test instead of returning an error.
//
// A test package that uses it runs its tests under pgtest.Main, which starts
// the throwaway PostgreSQL cluster:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"contactid/app"
	"contactid/contact"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
)

// Server is the service's real HTTP handler, served over a local listener,
// with direct access to its database for asserting state.
type Server struct {
	*httptest.Server
	Main *app.Main
	DB   *sqlx.DB // the server's database, for asserting state
}

// MustServer starts the service's handler on a new migrated database.
func MustServer(tb testing.TB) *Server {
	tb.Helper()
	return MustServerOn(tb, pgtest.NewDSN(tb), nil)
}

// MustServerOn starts the service's handler on the database at dsn, after
// configure (when not nil) has adjusted the Main: its Config (read from an
// empty environment) or its Logger (which discards by default). The test's
// cleanup stops the server and closes the Main.
func MustServerOn(tb testing.TB, dsn string, configure func(*app.Main)) *Server {
	tb.Helper()
	cfg, err := app.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	cfg.DatabaseURL = dsn
	m := &app.Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if configure != nil {
		configure(m)
	}
	if err := m.Open(context.Background()); err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		m.Close(context.Background()) //nolint:errcheck // test teardown
	})
	return MustHandler(tb, m)
}

// MustHandler serves m.Handler() for the test; m must have its Store. The
// test's cleanup stops the HTTP server; closing m is the caller's.
func MustHandler(tb testing.TB, m *app.Main) *Server {
	tb.Helper()
	srv := httptest.NewServer(m.Handler())
	tb.Cleanup(srv.Close)
	return &Server{Server: srv, Main: m, DB: m.Store.DB()}
}

// MustAccount creates an account and returns it with its administrator's
// token.
func (s *Server) MustAccount(tb testing.TB, name string) contact.NewAccount {
	tb.Helper()
	a, err := s.Main.Store.CreateAccount(context.Background(), name)
	if err != nil {
		tb.Fatalf("create account: %v", err)
	}
	return a
}

// Response is a decoded GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Status int `json:"-"`
}

// Post sends a GraphQL document with the given headers and decodes the
// answer. It fails when the answer is not JSON or leaks internal text (see
// MustNotLeak).
func (s *Server) Post(tb testing.TB, headers map[string]string, query string, vars map[string]any) Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	status, raw, _ := s.MustRequest(tb, http.MethodPost, "/graphql", "application/json", string(body), headers)
	var out Response
	MustNotLeak(tb, raw)
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("decode response %q: %v", raw, err)
	}
	out.Status = status
	return out
}

// Do sends a GraphQL document with the token as bearer and decodes data into
// dest (when not nil), failing the test on any top-level error.
func (s *Server) Do(tb testing.TB, token, query string, vars map[string]any, dest any) {
	tb.Helper()
	res := s.Post(tb, map[string]string{"Authorization": "Bearer " + token}, query, vars)
	if len(res.Errors) > 0 {
		tb.Fatalf("unexpected errors: %+v", res.Errors)
	}
	if dest != nil {
		if err := json.Unmarshal(res.Data, dest); err != nil {
			tb.Fatalf("decode data %s: %v", res.Data, err)
		}
	}
}

// SnapshotTables returns the tables Snapshot reads: every tenant table, the
// tables of the record kinds a contact owns (contact.RecordKinds) among them.
func SnapshotTables() []string {
	tables := []string{"accounts", "users", "api_tokens", "inboxes", "contacts", "contact_emails",
		"contact_phone_numbers", "contact_redirects", "messages", "operation_journal", "operation_journal_moves", "contact_events",
		"idempotency_keys", "webhooks", "webhook_deliveries"}
	for _, k := range contact.RecordKinds {
		tables = append(tables, k.Table)
	}
	return tables
}

// Snapshot returns every row of every table of SnapshotTables as JSON text,
// ordered, so tests can assert that a rejected mutation changed nothing.
func (s *Server) Snapshot(tb testing.TB) string {
	tb.Helper()
	var buf bytes.Buffer
	for _, t := range SnapshotTables() {
		var rows []string
		if err := s.DB.Select(&rows, `SELECT to_jsonb(x)::text FROM `+t+` x ORDER BY 1`); err != nil {
			tb.Fatalf("snapshot %s: %v", t, err)
		}
		buf.WriteString(t + "\n")
		for _, r := range rows {
			buf.WriteString(r + "\n")
		}
	}
	return buf.String()
}

// MustUnchanged fails when the database differs from the Snapshot before.
func (s *Server) MustUnchanged(tb testing.TB, before string) {
	tb.Helper()
	if after := s.Snapshot(tb); after != before {
		tb.Fatalf("database changed by a rejected mutation:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// leakMarkers are fragments of SQL, driver and runtime text that must never
// reach a client.
var leakMarkers = []string{"pq:", "SQLSTATE", "sql:", "duplicate key", "violates", "syntax error at",
	"goroutine ", "panic:", "runtime error", ".go:"}

// MustNotLeak fails when a response body carries SQL, driver or stack-trace
// text. Post applies it to every GraphQL response.
func MustNotLeak(tb testing.TB, body []byte) {
	tb.Helper()
	for _, m := range leakMarkers {
		if bytes.Contains(body, []byte(m)) {
			tb.Fatalf("response leaks internal text %q: %s", m, body)
		}
	}
}

// MustRequest sends an HTTP request to the server (contentType and body may
// be empty) and returns the status, body and response headers.
func (s *Server) MustRequest(tb testing.TB, method, path, contentType, body string, headers map[string]string) (int, []byte, http.Header) {
	tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, out, res.Header
}

// Count runs a SELECT count(*) … query directly on the database and returns
// the count.
func (s *Server) Count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.DB.Get(&n, query, args...); err != nil {
		tb.Fatalf("count %q: %v", query, err)
	}
	return n
}

// MustEqual fails when got and want are not deeply equal; the message shows
// both as JSON.
func MustEqual[T any](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		tb.Fatalf("%s =\n  %s\nwant\n  %s", what, g, w)
	}
}
