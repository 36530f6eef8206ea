package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"contactid/contact"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testServer is the real HTTP handler over a fresh database of its own.
type testServer struct {
	*httptest.Server
	Main *Main
	DB   *sqlx.DB // direct access for asserting database state
}

// MustServer starts the service's handler on a new migrated database.
func MustServer(tb testing.TB) *testServer {
	tb.Helper()
	return MustServerOn(tb, pgtest.NewDSN(tb), nil)
}

// MustServerOn starts the service's handler on the database at dsn, after
// configure (when not nil) has adjusted the default configuration.
func MustServerOn(tb testing.TB, dsn string, configure func(*Config)) *testServer {
	tb.Helper()
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	cfg.DatabaseURL = dsn
	if configure != nil {
		configure(&cfg)
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Open(context.Background()); err != nil {
		tb.Fatalf("open: %v", err)
	}
	srv := httptest.NewServer(m.Handler())
	tb.Cleanup(func() {
		srv.Close()
		m.Close(context.Background()) //nolint:errcheck // test teardown
	})
	return &testServer{Server: srv, Main: m, DB: m.Store.DB()}
}

// MustAccount creates an account and returns its administrator's token.
func (s *testServer) MustAccount(tb testing.TB, name string) contact.NewAccount {
	tb.Helper()
	a, err := s.Main.Store.CreateAccount(context.Background(), name)
	if err != nil {
		tb.Fatalf("create account: %v", err)
	}
	return a
}

// gqlResponse is a decoded GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Status int `json:"-"`
}

// Post sends a GraphQL document with the given headers and decodes the answer.
func (s *testServer) Post(tb testing.TB, headers map[string]string, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	status, raw, _ := s.MustRequest(tb, http.MethodPost, "/graphql", "application/json", string(body), headers)
	var out gqlResponse
	MustNotLeak(tb, raw)
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("decode response %q: %v", raw, err)
	}
	out.Status = status
	return out
}

// Do sends an authenticated GraphQL document and decodes data into dest,
// failing the test on any top-level error.
func (s *testServer) Do(tb testing.TB, token, query string, vars map[string]any, dest any) {
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

// userError is the shape of a payload's userErrors entry.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

// Snapshot returns every row of every tenant table as JSON text, ordered,
// so tests can assert that a rejected mutation changed nothing.
func (s *testServer) Snapshot(tb testing.TB) string {
	tb.Helper()
	tables := []string{"accounts", "users", "api_tokens", "inboxes", "contacts", "contact_emails",
		"contact_phone_numbers", "contact_redirects", "contact_inboxes", "conversations", "messages",
		"applications", "contact_notes", "reminders", "training_snapshots", "operation_journal"}
	var buf bytes.Buffer
	for _, t := range tables {
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

// MustUnchanged fails when the database differs from before.
func (s *testServer) MustUnchanged(tb testing.TB, before string) {
	tb.Helper()
	if after := s.Snapshot(tb); after != before {
		tb.Fatalf("database changed by a rejected mutation:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestSmoke checks the harness: an authenticated viewer query.
func TestSmoke(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	var got struct {
		Viewer struct{ Role string } `json:"viewer"`
	}
	s.Do(t, a.Token, `{ viewer { role } }`, nil, &got)
	if got.Viewer.Role != "ADMINISTRATOR" {
		t.Fatalf("role = %q", got.Viewer.Role)
	}
}

// MustRequest sends an HTTP request to the server (contentType and body may
// be empty) and returns the status, body and response headers.
func (s *testServer) MustRequest(tb testing.TB, method, path, contentType, body string, headers map[string]string) (int, []byte, http.Header) {
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
