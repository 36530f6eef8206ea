package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/internal/pgtest"
)

// MustGet sends a GET request with the given headers and returns the
// status, body and response headers.
func (s *testServer) MustGet(tb testing.TB, path string, headers map[string]string) (int, string, http.Header) {
	tb.Helper()
	status, body, h := s.MustRequest(tb, http.MethodGet, path, "", "", headers)
	return status, string(body), h
}

// MustRawPost posts body with the given Content-Type and headers to
// /graphql and returns the status and response body, which it checks for
// leaked internals.
func (s *testServer) MustRawPost(tb testing.TB, contentType, body string, headers map[string]string) (int, string) {
	tb.Helper()
	status, out, _ := s.MustRequest(tb, http.MethodPost, "/graphql", contentType, body, headers)
	apptest.MustNotLeak(tb, out)
	return status, string(out)
}

// strconvQuote returns s as a JSON string literal.
func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// assetRef matches the src and href attributes of the IDE page.
var assetRef = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

func TestIDEAndProbes(t *testing.T) {
	t.Parallel()
	s := MustServer(t)

	status, page, header := s.MustGet(t, "/", nil)
	t.Run("page", func(t *testing.T) {
		if status != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET / = %d %s", status, header.Get("Content-Type"))
		}
		if !strings.Contains(page, "<!DOCTYPE html>") || !strings.Contains(page, `data-endpoint="/graphql"`) {
			t.Fatalf("GET / is not the IDE page: %.300s", page)
		}
	})

	t.Run("every referenced asset is served from the binary", func(t *testing.T) {
		var assets []string
		for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(ref, "data:") {
				continue
			}
			u, err := url.Parse(ref)
			if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/ide/") {
				t.Errorf("page refers to %q, want a path under /ide/", ref)
				continue
			}
			assets = append(assets, ref)
		}
		if len(assets) < 5 { // GraphiQL CSS and JS, React, ReactDOM, the start-up script
			t.Fatalf("page refers to %d assets: %v", len(assets), assets)
		}
		for _, ref := range assets {
			status, body, h := s.MustGet(t, ref, nil)
			if status != http.StatusOK || len(body) == 0 {
				t.Errorf("GET %s = %d, %d bytes", ref, status, len(body))
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") && !strings.HasPrefix(ct, "text/css") {
				t.Errorf("GET %s: Content-Type %q", ref, ct)
			}
		}
	})

	t.Run("unknown asset is 404", func(t *testing.T) {
		if status, _, _ := s.MustGet(t, "/ide/nope.js", nil); status != http.StatusNotFound {
			t.Fatalf("status %d", status)
		}
		if status, _, _ := s.MustGet(t, "/nope", nil); status != http.StatusNotFound {
			t.Fatalf("status %d", status)
		}
	})

	for _, probe := range []string{"/healthz", "/readyz"} {
		t.Run(probe, func(t *testing.T) {
			if status, body, _ := s.MustGet(t, probe, nil); status != http.StatusOK || strings.TrimSpace(body) != "ok" {
				t.Fatalf("GET %s = %d %q", probe, status, body)
			}
		})
	}

	t.Run("request id is echoed", func(t *testing.T) {
		_, _, h := s.MustGet(t, "/healthz", map[string]string{"X-Request-Id": "req-123"})
		apptest.MustEqual(t, "X-Request-Id", h.Get("X-Request-Id"), "req-123")
		_, _, h = s.MustGet(t, "/healthz", map[string]string{"X-Request-Id": "bad id;drop"})
		if id := h.Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
			t.Fatalf("X-Request-Id = %q, want a fresh id", id)
		}
	})
}

func TestDatabaseDown(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	if err := s.Main.Store.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("readyz fails, healthz does not", func(t *testing.T) {
		if status, _, _ := s.MustGet(t, "/readyz", nil); status != http.StatusServiceUnavailable {
			t.Fatalf("/readyz = %d, want 503", status)
		}
		if status, _, _ := s.MustGet(t, "/healthz", nil); status != http.StatusOK {
			t.Fatalf("/healthz = %d, want 200", status)
		}
	})

	t.Run("a valid token is not reported as unauthenticated", func(t *testing.T) {
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, `{ viewer { id } }`, nil)
		mustTopLevelError(t, res, "INTERNAL")
		apptest.MustEqual(t, "message", res.Errors[0].Message, "internal error")
	})

	t.Run("pure introspection still works", func(t *testing.T) {
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, `{ __schema { queryType { name } } }`, nil)
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
	})
}

func TestGraphQLTransports(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}

	t.Run("query", func(t *testing.T) {
		status, body, _ := s.MustGet(t, "/graphql?query="+url.QueryEscape(`{ viewer { id } }`), auth)
		apptest.MustNotLeak(t, []byte(body))
		var res struct {
			Data   struct{ Viewer struct{ ID string } }
			Errors []any
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("%d %s: %v", status, body, err)
		}
		if status != http.StatusOK || len(res.Errors) > 0 || res.Data.Viewer.ID != a.UserID {
			t.Fatalf("GET query = %d %s", status, body)
		}
	})

	t.Run("query with variables", func(t *testing.T) {
		c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
		q := url.Values{"query": {`query($id: ID!) { contact(id: $id) { firstName } }`}, "variables": {`{"id":"` + c.ID + `"}`}}
		status, body, _ := s.MustGet(t, "/graphql?"+q.Encode(), auth)
		if status != http.StatusOK || !strings.Contains(body, `"firstName":"Jane"`) {
			t.Fatalf("GET query = %d %s", status, body)
		}
	})

	t.Run("mutation is refused", func(t *testing.T) {
		before := s.Snapshot(t)
		doc := `mutation { createContact(input: {firstName: "ViaGet"}) { contact { id } userErrors { code } } }`
		status, body, _ := s.MustGet(t, "/graphql?query="+url.QueryEscape(doc), auth)
		apptest.MustNotLeak(t, []byte(body))
		if status == http.StatusOK || !strings.Contains(body, `"errors"`) || strings.Contains(body, "ViaGet") {
			t.Fatalf("GET mutation = %d %s, want refused", status, body)
		}
		s.MustUnchanged(t, before)
	})

	t.Run("POST that is not JSON is refused", func(t *testing.T) {
		doc := `mutation { createContact(input: {firstName: "Forged"}) { contact { id } userErrors { code } } }`
		for _, tc := range []struct{ contentType, body string }{
			{"text/plain", `{"query":` + strconvQuote(doc) + `}`},
			{"application/x-www-form-urlencoded", url.Values{"query": {doc}}.Encode()},
		} {
			before := s.Snapshot(t)
			status, body := s.MustRawPost(t, tc.contentType, tc.body, auth)
			if status == http.StatusOK && !strings.Contains(body, `"errors"`) {
				t.Fatalf("%s POST = %d %s, want refused", tc.contentType, status, body)
			}
			s.MustUnchanged(t, before)
		}
	})

	t.Run("oversized body is refused", func(t *testing.T) {
		before := s.Snapshot(t)
		huge := `{"query":"mutation { createContact(input: {firstName: \"Big\"}) { userErrors { code } } }","variables":{"pad":"` +
			strings.Repeat("x", 2<<20) + `"}}`
		status, body := s.MustRawPost(t, "application/json", huge, auth)
		if status == http.StatusOK && !strings.Contains(body, `"errors"`) {
			t.Fatalf("oversized POST = %d %.200s, want refused", status, body)
		}
		s.MustUnchanged(t, before)
		if status, _, _ := s.MustGet(t, "/healthz", nil); status != http.StatusOK {
			t.Fatalf("server unhealthy after an oversized body: %d", status)
		}
	})

	t.Run("malformed JSON is an error", func(t *testing.T) {
		status, body := s.MustRawPost(t, "application/json", `{"query":`, auth)
		if status == http.StatusOK && !strings.Contains(body, `"errors"`) {
			t.Fatalf("malformed POST = %d %s", status, body)
		}
	})

	t.Run("without a token", func(t *testing.T) {
		_, body, _ := s.MustGet(t, "/graphql?query="+url.QueryEscape(`{ viewer { id } }`), nil)
		var res apptest.Response
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		mustTopLevelError(t, res, "UNAUTHENTICATED")
	})
}

func TestIntrospectionOff(t *testing.T) {
	t.Parallel()
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.Introspection = false })
	a := s.MustAccount(t, "Acme")

	t.Run("no IDE", func(t *testing.T) {
		for _, path := range []string{"/", "/ide/ide.js"} {
			if status, _, _ := s.MustGet(t, path, nil); status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, status)
			}
		}
	})

	t.Run("introspection is refused", func(t *testing.T) {
		for _, headers := range []map[string]string{nil, {"Authorization": "Bearer " + a.Token}} {
			res := s.Post(t, headers, `{ __schema { queryType { name } } }`, nil)
			if len(res.Errors) == 0 || strings.Contains(string(res.Data), "Query") {
				t.Fatalf("introspection answered: %s %+v", res.Data, res.Errors)
			}
			mustRequestError(t, res, "GRAPHQL_VALIDATION_FAILED")
			res = s.Post(t, headers, `{ __type(name: "Contact") { name } }`, nil)
			if len(res.Errors) == 0 || strings.Contains(string(res.Data), "Contact") {
				t.Fatalf("__type answered: %s %+v", res.Data, res.Errors)
			}
			mustRequestError(t, res, "GRAPHQL_VALIDATION_FAILED")
			res = s.Post(t, headers, `query { viewer { id } ...F } fragment F on Query { __schema { types { name } } }`, nil)
			mustRequestError(t, res, "GRAPHQL_VALIDATION_FAILED")
		}
	})

	t.Run("queries still work", func(t *testing.T) {
		var got struct{ Viewer struct{ ID string } }
		s.Do(t, a.Token, `{ viewer { id __typename } }`, nil, &got)
		apptest.MustEqual(t, "viewer", got.Viewer.ID, a.UserID)
	})

	t.Run("probes still work", func(t *testing.T) {
		if status, _, _ := s.MustGet(t, "/healthz", nil); status != http.StatusOK {
			t.Fatalf("/healthz = %d", status)
		}
	})
}
