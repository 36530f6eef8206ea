package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"contactid/app"
	"contactid/internal/pgtest"

	"github.com/coder/websocket"
)

// preflight sends a CORS preflight for a POST with the API's headers from
// origin and returns the answer's headers and status.
func preflight(t *testing.T, s *testServer, origin string) (int, http.Header) {
	t.Helper()
	status, _, h := s.MustRequest(t, http.MethodOptions, "/graphql", "", "", map[string]string{
		"Origin": origin, "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "api_access_token,authorization,content-type,idempotency-key,x-request-id"}) // as browsers send it: lower case, sorted
	return status, h
}

// TestCORSDefault: without CORS_ALLOWED_ORIGINS, a page on any
// http://localhost:<port> may call the API (preflight cached, no
// credentials) and no other origin may.
func TestCORSDefault(t *testing.T) {
	s := MustServer(t)
	status, h := preflight(t, s, "http://localhost:5173")
	if status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
		h.Get("Access-Control-Max-Age") != "600" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("localhost preflight: %d %v", status, h)
	}
	allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"authorization", "content-type", "idempotency-key", "x-request-id", "api_access_token"} {
		if !strings.Contains(allowed, want) {
			t.Errorf("allowed headers %q lack %s", allowed, want)
		}
	}
	for _, origin := range []string{"https://evil.example", "http://localhost.evil.example:80", "https://localhost:5173", "http://localhost:x"} {
		if _, h := preflight(t, s, origin); h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s allowed: %v", origin, h)
		}
	}
	acct := s.MustAccount(t, "Cors")
	_, body, h2 := s.MustRequest(t, http.MethodPost, "/graphql", "application/json", `{"query":"{ viewer { role } }"}`,
		map[string]string{"Origin": "http://localhost:3000", "Authorization": "Bearer " + acct.Token})
	if h2.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || !strings.Contains(string(body), "ADMINISTRATOR") {
		t.Fatalf("POST from localhost: %v %s", h2, body)
	}
}

// TestCORSConfigured: with CORS_ALLOWED_ORIGINS only the listed origins may
// call the API.
func TestCORSConfigured(t *testing.T) {
	cfg, err := app.ConfigFromEnv(func(k string) string {
		if k == "CORS_ALLOWED_ORIGINS" {
			return "https://app.example.com, https://admin.example.com"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.CORS = cfg.CORS })
	if _, h := preflight(t, s, "https://admin.example.com"); h.Get("Access-Control-Allow-Origin") != "https://admin.example.com" {
		t.Errorf("listed origin refused: %v", h)
	}
	if _, h := preflight(t, s, "http://localhost:5173"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("localhost allowed although not listed: %v", h)
	}
	for _, bad := range []string{"app.example.com", "https://app.example.com/path", "ftp://x"} {
		if _, err := app.ConfigFromEnv(func(k string) string {
			if k == "CORS_ALLOWED_ORIGINS" {
				return bad
			}
			return ""
		}); err == nil {
			t.Errorf("CORS_ALLOWED_ORIGINS=%q accepted", bad)
		}
	}
}

// TestWebSocketOrigins: a page on an allowed origin may open the
// subscription WebSocket, another origin may not (the WebSocket follows the
// CORS origins).
func TestWebSocketOrigins(t *testing.T) {
	s := MustServer(t)
	dial := func(origin string) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, res, err := websocket.Dial(ctx, wsURL(s.URL), &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {origin}}})
		if c != nil {
			c.CloseNow() //nolint:errcheck // probe only
		}
		if res == nil {
			return 0, err
		}
		return res.StatusCode, err
	}
	if status, err := dial("http://localhost:5173"); err != nil || status != http.StatusSwitchingProtocols {
		t.Errorf("localhost page: %d, %v", status, err)
	}
	if status, err := dial("https://evil.example"); err == nil || status != http.StatusForbidden {
		t.Errorf("other origin: %d, %v; want 403", status, err)
	}
}
