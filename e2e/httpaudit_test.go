package e2e

import "testing"

// TestGraphQLOverHTTPAudit runs graphql-http's server audit (pinned in
// e2e/httpaudit/package.json) against the real handler: no warning and no
// error allowed. It needs Node and `npm ci --prefix e2e/httpaudit` (see
// runNodeTool).
func TestGraphQLOverHTTPAudit(t *testing.T) {
	s := MustServer(t)
	acct := s.MustAccount(t, "Audit")
	runNodeTool(t, "httpaudit", "graphql-http", "audit.mjs", s.URL+"/graphql", acct.Token)
}
