package e2e

import (
	"path/filepath"
	"testing"
)

// TestSchemaHasNoUnannouncedBreakingChange compares schema.graphqls with the
// released schema (schema.released.graphqls) using GraphQL Inspector
// (pinned in e2e/schemadiff/package.json) and fails on a breaking change not
// listed in schema.breaking.txt. It needs Node and `npm ci --prefix
// e2e/schemadiff` (see runNodeTool).
func TestSchemaHasNoUnannouncedBreakingChange(t *testing.T) {
	runNodeTool(t, "schemadiff", filepath.Join("@graphql-inspector", "core"), "diff.mjs",
		filepath.Join("..", "schema.released.graphqls"), filepath.Join("..", "schema.graphqls"),
		filepath.Join("..", "schema.breaking.txt"))
}
