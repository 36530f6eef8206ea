package e2e

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"contactid/app"
	"contactid/internal/pgtest"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMetricsAndRequestLog: /metrics answers without a token with the
// operations counted by type and root field, errors by code (user errors
// included), merge timings and the database pool; each request's log line
// names its operation, type and error codes; a REST request is counted
// and logged by route, status and codes; METRICS_PATH=off serves none.
func TestMetricsAndRequestLog(t *testing.T) {
	var logs lockedBuffer
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) {
		m.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	acct := s.MustAccount(t, "Metrics")
	auth := map[string]string{"Authorization": "Bearer " + acct.Token}
	s.Post(t, auth, `query Who { viewer { role } }`, nil)
	res := s.Post(t, auth, `mutation Oops($in: MergeContactsInput!) { mergeContacts(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"baseContactId": "5f0c2d4e-1111-4222-8333-444455556666",
			"mergeeContactIds": []string{"5f0c2d4e-1111-4222-8333-444455556667"}}})
	if len(res.Errors) > 0 {
		t.Fatalf("merge: %+v", res.Errors)
	}
	s.mustREST(t, "/api/v1/accounts/"+acct.AccountID+"/actions/contact_merge", "application/json",
		[]byte(`{"base_contact_id": "5f0c2d4e-1111-4222-8333-444455556666", "mergee_contact_id": "5f0c2d4e-1111-4222-8333-444455556667"}`), map[string]string{"api_access_token": acct.Token})
	status, body, _ := s.MustRequest(t, http.MethodGet, "/metrics", "", "", nil)
	text := string(body)
	for _, want := range []string{
		`contactid_graphql_requests_total{field="viewer",type="query"} 1`,
		`contactid_graphql_requests_total{field="mergeContacts",type="mutation"} 1`,
		`contactid_graphql_errors_total{code="NOT_FOUND"} 2`,
		`contactid_contact_operation_duration_seconds_count{field="mergeContacts"} 1`,
		`go_sql_open_connections{db_name="contactid"}`,
		`contactid_graphql_request_duration_seconds_bucket{field="viewer",type="query",le="+Inf"} 1`,
		`contactid_rest_requests_total{route="contact_merge",status="404"} 1`,
		`contactid_rest_errors_total{code="NOT_FOUND",route="contact_merge"} 1`,
		`contactid_rest_request_duration_seconds_count{route="contact_merge"} 1`,
	} {
		if status != http.StatusOK || !strings.Contains(text, want) {
			t.Errorf("/metrics (%d) lacks %s", status, want)
		}
	}
	for _, want := range []string{`"operation":"Who","operation_type":"query","root_field":"viewer","error_codes":""`,
		`"operation":"Oops","operation_type":"mutation","root_field":"mergeContacts","error_codes":"NOT_FOUND"`,
		`"status":404,`, `"route":"contact_merge","error_codes":"NOT_FOUND"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("request log lacks %s:\n%s", want, logs.String())
		}
	}
	off := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.MetricsPath = "" })
	if status, _, _ := off.MustRequest(t, http.MethodGet, "/metrics", "", "", nil); status != http.StatusNotFound {
		t.Errorf("METRICS_PATH=off: /metrics answered %d", status)
	}
}
