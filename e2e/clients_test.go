package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"contactid/app"
	"contactid/internal/pgtest"
)

// chromiumPath is the browser the browser test drives (Debian's package;
// CHROMIUM overrides it).
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestBrowserAppOnAnotherOrigin runs a page in headless Chromium, served
// from an origin the server allows (CORS_ALLOWED_ORIGINS), that lists
// contacts and merges two of them with cross-origin fetches carrying an
// Authorization header; a page on another origin must be refused by the
// browser. It needs Node, `npm ci --prefix e2e/clients` and Chromium (see
// runNodeTool; .ci/run installs them).
func TestBrowserAppOnAnotherOrigin(t *testing.T) {
	if _, err := os.Stat(chromiumPath()); err != nil {
		if os.Getenv("HTTP_AUDIT_REQUIRED") != "" {
			t.Fatalf("chromium: %v (apt-get install chromium)", err)
		}
		t.Skipf("needs chromium: %v", err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>Contacts app</title><p>An app on another origin.</p>") //nolint:errcheck // test page
	})
	allowed, refused := httptest.NewServer(page), httptest.NewServer(page)
	defer allowed.Close()
	defer refused.Close()
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.CORS.AllowedOrigins = []string{allowed.URL} })
	acct := s.MustAccount(t, "Browser")
	base := s.MustContact(t, acct.Token, map[string]any{"firstName": "Ada", "email": "ada@example.com"})
	mergee := s.MustContact(t, acct.Token, map[string]any{"firstName": "Ada", "email": "ada@work.example"})

	runNodeTool(t, "clients", "playwright-core", "browser.mjs", s.URL+"/graphql", allowed.URL, refused.URL, acct.Token, base.ID, mergee.ID)

	if n := s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, mergee.ID); n != 0 {
		t.Fatalf("the merged-away contact is still there (%d)", n)
	}
	if n := s.Count(t, `SELECT count(*) FROM contact_emails WHERE contact_id = $1`, base.ID); n != 2 {
		t.Fatalf("the survivor has %d emails, want 2", n)
	}
}

// TestTypeScriptClientCompiles generates a TypeScript client from
// schema.graphqls with GraphQL Codegen's client preset (e2e/clients/
// codegen.ts, with the scalar bindings) and compiles the documents and
// their uses in e2e/clients/src with tsc --strict.
func TestTypeScriptClientCompiles(t *testing.T) {
	runNodeTool(t, "clients", "typescript", "typed.mjs")
}

// TestApolloCacheAfterMerge runs Apollo Client's InMemoryCache against the
// server (e2e/clients/apollo-cache.mjs): a merge dry run leaves the cached
// contacts unchanged, and the real merge, with the README's eviction
// recipe, updates the survivor and evicts the merged-away contact.
func TestApolloCacheAfterMerge(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Apollo")
	base := s.MustContact(t, acct.Token, map[string]any{"firstName": "Grace", "email": "grace@example.com"})
	mergee := s.MustContact(t, acct.Token, map[string]any{"firstName": "Grace", "email": "grace@navy.example"})
	runNodeTool(t, "clients", "@apollo/client", "apollo-cache.mjs", s.URL+"/graphql", acct.Token, base.ID, mergee.ID)
	if n := s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, mergee.ID); n != 0 {
		t.Fatalf("the mergee is still stored (%d)", n)
	}
}

// TestRelayCompilerAcceptsTheSchema compiles Relay documents against
// schema.graphqls with relay-compiler (e2e/clients/relay.mjs): a fragment
// on Contact with @refetchable (through node(id:)) and a conversations
// @connection, the contact list as a @connection with orderBy, and a
// merge whose mergedContactIds are a @deleteRecord.
func TestRelayCompilerAcceptsTheSchema(t *testing.T) {
	runNodeTool(t, "clients", "relay-compiler", "relay.mjs")
}
