package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGraphQLOverHTTPAudit runs graphql-http's server audit (pinned in
// e2e/httpaudit/package.json) against the real handler: no warning and no
// error allowed. It needs Node and `npm ci --prefix e2e/httpaudit`; without
// them it is skipped, unless HTTP_AUDIT_REQUIRED is set (as .ci/run does).
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	modules := filepath.Join("httpaudit", "node_modules", "graphql-http")
	if _, statErr := os.Stat(modules); err != nil || statErr != nil {
		if os.Getenv("HTTP_AUDIT_REQUIRED") != "" {
			t.Fatalf("node (%v) or %s (%v) missing: run npm ci --prefix e2e/httpaudit", err, modules, statErr)
		}
		t.Skip("needs node and npm ci --prefix e2e/httpaudit")
	}
	s := MustServer(t)
	acct := s.MustAccount(t, "Audit")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, filepath.Join("httpaudit", "audit.mjs"), s.URL+"/graphql", acct.Token).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
}
