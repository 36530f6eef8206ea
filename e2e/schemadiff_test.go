package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSchemaHasNoUnannouncedBreakingChange compares schema.graphqls with the
// released schema (schema.released.graphqls) using GraphQL Inspector
// (pinned in e2e/schemadiff/package.json) and fails on a breaking change not
// listed in schema.breaking.txt. It needs Node and `npm ci --prefix
// e2e/schemadiff`; without them it is skipped, unless HTTP_AUDIT_REQUIRED
// is set (as .ci/run does).
func TestSchemaHasNoUnannouncedBreakingChange(t *testing.T) {
	node, err := exec.LookPath("node")
	modules := filepath.Join("schemadiff", "node_modules", "@graphql-inspector", "core")
	if _, statErr := os.Stat(modules); err != nil || statErr != nil {
		if os.Getenv("HTTP_AUDIT_REQUIRED") != "" {
			t.Fatalf("node (%v) or %s (%v) missing: run npm ci --prefix e2e/schemadiff", err, modules, statErr)
		}
		t.Skip("needs node and npm ci --prefix e2e/schemadiff")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, filepath.Join("schemadiff", "diff.mjs"),
		filepath.Join("..", "schema.released.graphqls"), filepath.Join("..", "schema.graphqls"),
		filepath.Join("..", "schema.breaking.txt")).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("schema diff: %v", err)
	}
}
