package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAutomaticPersistedQueries follows Apollo's persisted-query link: the
// hash alone first (PERSISTED_QUERY_NOT_FOUND), then hash and text, then the
// hash alone again, which now runs; over POST and GET; a hash that does not
// match its text is refused.
func TestAutomaticPersistedQueries(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Apq")
	auth := map[string]string{"Authorization": "Bearer " + acct.Token}
	query := `query Viewer { viewer { role } }`
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	post := func(body map[string]any) (int, string) {
		b, _ := json.Marshal(body)
		status, raw, _ := s.MustRequest(t, http.MethodPost, "/graphql", "application/json", string(b), auth)
		return status, string(raw)
	}
	if _, raw := post(map[string]any{"extensions": ext}); !strings.Contains(raw, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("unknown hash: %s", raw)
	}
	if _, raw := post(map[string]any{"query": query, "extensions": ext}); !strings.Contains(raw, `"role":"ADMINISTRATOR"`) {
		t.Fatalf("hash with text: %s", raw)
	}
	if _, raw := post(map[string]any{"extensions": ext}); !strings.Contains(raw, `"role":"ADMINISTRATOR"`) {
		t.Fatalf("known hash: %s", raw)
	}
	e, _ := json.Marshal(ext)
	status, raw, h := s.MustRequest(t, http.MethodGet, "/graphql?extensions="+url.QueryEscape(string(e)), "", "", auth)
	if status != http.StatusOK || !strings.Contains(string(raw), `"role":"ADMINISTRATOR"`) || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET with the hash: %d %v %s", status, h, raw)
	}
	bad := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	if _, raw := post(map[string]any{"query": query, "extensions": bad}); strings.Contains(raw, `"role"`) {
		t.Fatalf("mismatched hash ran: %s", raw)
	}
}
