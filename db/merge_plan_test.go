package db_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"contactid/db"

	"github.com/lib/pq"
)

// planNode is one node of an EXPLAIN (FORMAT JSON) plan.
type planNode struct {
	Type     string            `json:"Node Type"`
	Relation string            `json:"Relation Name"`
	Cond     string            `json:"Index Cond"`
	Plans    []json.RawMessage `json:"Plans"`
	parent   string            // the parent node's type
}

// String shows the node as "<type> on <relation> [<index condition>]".
func (n planNode) String() string { return n.Type + " on " + n.Relation + " [" + n.Cond + "]" }

// planNodes returns every node of an EXPLAIN (FORMAT JSON) plan.
func planNodes(t *testing.T, raw []byte) []planNode {
	t.Helper()
	var doc []struct{ Plan json.RawMessage }
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("plan %s: %v", raw, err)
	}
	var out []planNode
	var walk func(json.RawMessage, string)
	walk = func(raw json.RawMessage, parent string) {
		var n planNode
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		n.parent = parent
		out = append(out, n)
		for _, c := range n.Plans {
			walk(c, n.Type)
		}
	}
	walk(doc[0].Plan, "")
	return out
}

// TestRedirectMovePlanWithStaleStatistics plans the merge's re-pointing of
// older redirects after contact_redirects grew from empty without a new
// ANALYZE: contact_redirects is read by one plan node, an index lookup by
// owner on (account_id, new_contact_id), never by a scan of the account's
// redirects (let alone one per row, as the old self-join's nested loop
// could).
func TestRedirectMovePlanWithStaleStatistics(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	acct := e.actor.AccountID
	var targets []string
	if err := e.conn.Select(&targets, `INSERT INTO contacts (account_id, first_name)
		SELECT $1, 'c' || g FROM generate_series(1, 200) g RETURNING id`, acct); err != nil {
		t.Fatal(err)
	}
	// Statistics taken when the account had one redirect, then 20,000 more.
	if _, err := e.conn.Exec(`INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id)
		VALUES ($1, gen_random_uuid(), $2)`, acct, targets[len(targets)-1]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.conn.Exec(`ANALYZE contact_redirects`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.conn.Exec(`INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id)
		SELECT $1, gen_random_uuid(), t FROM unnest($2::uuid[]) t, generate_series(1, 100)`, acct, pq.Array(targets)); err != nil {
		t.Fatal(err)
	}
	stmt := db.MoveToBaseSQL("contact_redirects", "new_contact_id", "old_contact_id")
	for _, mergee := range targets[:3] {
		var raw []byte
		if err := e.conn.GetContext(ctx, &raw, `EXPLAIN (FORMAT JSON) `+stmt, acct, targets[len(targets)-1], mergee); err != nil {
			t.Fatal(err)
		}
		nodes := planNodes(t, raw)
		scans := 0
		for _, n := range nodes {
			if n.Relation != "contact_redirects" || n.Type == "ModifyTable" {
				continue
			}
			scans++
			if !strings.Contains(n.Type, "Index") || !strings.Contains(n.Cond, "new_contact_id") {
				t.Errorf("plan does not look the redirects up by owner: %v", nodes)
			}
		}
		if scans != 1 {
			t.Errorf("contact_redirects read by %d plan nodes, want 1: %v", scans, nodes)
		}
	}
}
