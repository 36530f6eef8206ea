package app

import (
	"strings"
	"testing"
	"time"
)

// TestLimitSettings checks that every limit is read from its variable and
// that a bad value is refused with the variable's name.
func TestLimitSettings(t *testing.T) {
	env := map[string]string{
		"GRAPHQL_MAX_TOKENS": "9000", "GRAPHQL_MAX_DEPTH": "12", "GRAPHQL_MAX_FIELDS": "500",
		"DB_MAX_CONNS": "40", "DB_ACCOUNT_MAX_CONNS": "8", "MAX_BODY_BYTES": "2048",
		"GRAPHQL_QUERY_CACHE_BYTES": "4096", "REQUEST_TIMEOUT": "5s", "DB_STATEMENT_TIMEOUT": "2s",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.Limits.MaxTokens, c.Limits.MaxDepth, c.Limits.MaxFields, c.DB.MaxConns, c.DB.AccountMaxConns,
		c.Limits.MaxBodyBytes, c.Limits.QueryCacheBytes, c.Limits.RequestTimeout, c.DB.StatementTimeout}
	want := []any{9000, 12, 500, 40, 8, int64(2048), int64(4096), 5 * time.Second, 2 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("setting %d = %v, want %v", i, got[i], want[i])
		}
	}
	for name := range env {
		for _, bad := range []string{"0", "-1", "lots"} {
			_, err := ConfigFromEnv(func(k string) string {
				if k == name {
					return bad
				}
				return ""
			})
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%s: error %v", name, bad, err)
			}
		}
	}
}
