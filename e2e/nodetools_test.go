package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// runNodeTool runs the Node script dir/script with args (the tool's
// modules installed by `npm ci --prefix e2e/<dir>`, module marking them)
// and logs its output, failing the test when it exits non-zero. Without
// Node or the modules the test is skipped, unless HTTP_AUDIT_REQUIRED is
// set (as .ci/run does), when it fails.
func runNodeTool(t *testing.T, dir, module, script string, args ...string) {
	t.Helper()
	node, err := exec.LookPath("node")
	modules := filepath.Join(dir, "node_modules", module)
	if _, statErr := os.Stat(modules); err != nil || statErr != nil {
		if os.Getenv("HTTP_AUDIT_REQUIRED") != "" {
			t.Fatalf("node (%v) or %s (%v) missing: run npm ci --prefix e2e/%s", err, modules, statErr, dir)
		}
		t.Skipf("needs node and npm ci --prefix e2e/%s", dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, append([]string{filepath.Join(dir, script)}, args...)...).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
}
