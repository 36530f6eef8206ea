package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// importRule says what one package of the module (or a tree of them, "x/...")
// may import directly: May lists the module's own packages allowed (none
// when empty), MayNot third-party packages refused.
type importRule struct {
	Pkg    string
	May    []string
	MayNot []string
}

// importRules is the layout of the README as a rule per package: the domain
// imports nothing of ours, the adapters import the domain (graph also db,
// never the driver), the wiring imports them all, the command only the
// wiring, and the end-to-end tests anything. The first matching rule
// applies; a package without a rule fails the test.
var importRules = []importRule{
	{Pkg: "contactid/contact", MayNot: []string{"github.com/lib/pq", "github.com/jmoiron/sqlx"}},
	{Pkg: "contactid/db", May: []string{"contactid/contact"}},
	{Pkg: "contactid/graph/...", May: []string{"contactid/contact", "contactid/db", "contactid/graph/..."},
		MayNot: []string{"github.com/lib/pq"}},
	{Pkg: "contactid/app/apptest", May: []string{"contactid/app", "contactid/contact", "contactid/db", "contactid/internal/..."}},
	{Pkg: "contactid/app", May: []string{"contactid/contact", "contactid/db", "contactid/graph/...", "contactid/internal/...", "contactid/rest", "contactid/webhook"}},
	{Pkg: "contactid/rest", May: []string{"contactid/contact", "contactid/db"}, MayNot: []string{"github.com/lib/pq"}},
	{Pkg: "contactid/webhook", May: []string{"contactid/contact", "contactid/db"}},
	{Pkg: "contactid", May: []string{"contactid/app"}},
	{Pkg: "contactid/e2e", May: []string{"contactid/..."}},
	{Pkg: "contactid/e2e/client"},
	{Pkg: "contactid/bench/...", May: []string{"contactid/db", "contactid/internal/..."}},
	{Pkg: "contactid/internal/pgcluster"},
	{Pkg: "contactid/internal/pgtest", May: []string{"contactid/db", "contactid/internal/pgcluster"}},
	{Pkg: "contactid/internal/ide", May: []string{"contactid/third_party/..."}},
	{Pkg: "contactid/third_party/..."},
}

// matches reports whether path is pattern or, for a pattern "x/...", x or
// a package below it.
func matches(pattern, path string) bool {
	if tree, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == tree || strings.HasPrefix(path, tree+"/")
	}
	return path == pattern
}

// TestImportRules checks the direct imports of every package of the module
// (its code, not its tests) against importRules, with `go list`.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "contactid/...").Output()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		t.Fatalf("go list: %v\n%s", err, ee.Stderr)
	} else if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, v := range importViolations(t, out) {
		t.Error(v)
	}
}

// importViolations decodes `go list -json` output and returns one message
// per package without a rule and per import its rule refuses.
func importViolations(t *testing.T, goList []byte) []string {
	t.Helper()
	var violations []string
	dec := json.NewDecoder(bytes.NewReader(goList))
	seen := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		i := -1
		for j, r := range importRules {
			if matches(r.Pkg, p.ImportPath) {
				i = j
				break
			}
		}
		if i < 0 {
			violations = append(violations, p.ImportPath+": no import rule; add one to importRules (and the README's layout)")
			continue
		}
		r := importRules[i]
		for _, imp := range p.Imports {
			ours := matches("contactid/...", imp)
			allowed := !ours
			for _, m := range r.May {
				allowed = allowed || matches(m, imp)
			}
			for _, m := range r.MayNot {
				allowed = allowed && !matches(m, imp)
			}
			if !allowed {
				violations = append(violations, p.ImportPath+" imports "+imp+", which its rule "+r.Pkg+" does not allow")
			}
		}
	}
	if seen == 0 {
		t.Fatal("go list listed no package")
	}
	return violations
}

// TestImportRulesRefuse checks that the check catches what it should: a
// forbidden import of ours, the driver in graph, and a package without a
// rule.
func TestImportRulesRefuse(t *testing.T) {
	list := `{"ImportPath": "contactid/contact", "Imports": ["strings", "contactid/db"]}
{"ImportPath": "contactid/db", "Imports": ["contactid/contact", "contactid/graph", "github.com/lib/pq"]}
{"ImportPath": "contactid/graph", "Imports": ["contactid/db", "contactid/graph/model", "github.com/lib/pq"]}
{"ImportPath": "contactid/graph/model", "Imports": ["contactid/contact"]}
{"ImportPath": "contactid/utils", "Imports": []}`
	got := importViolations(t, []byte(list))
	want := []string{
		"contactid/contact imports contactid/db, which its rule contactid/contact does not allow",
		"contactid/db imports contactid/graph, which its rule contactid/db does not allow",
		"contactid/graph imports github.com/lib/pq, which its rule contactid/graph/... does not allow",
		"contactid/utils: no import rule; add one to importRules (and the README's layout)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
