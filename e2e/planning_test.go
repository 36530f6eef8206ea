package e2e

import (
	"contactid/app"
	"fmt"
	"sync"
	"testing"
)

// q1 is the contact list screen: contacts, their latest conversations and
// each conversation's first messages.
func q1(contacts int) string {
	return fmt.Sprintf(`{ contacts(first: %d) { nodes { id firstName
		conversations(first: 10) { nodes { id subject messages(first: 5) { nodes { id content } } } } } } }`, contacts)
}

// seedBulk adds contacts × conversations × messages rows in three
// set-based statements (the fixture's per-row store calls are too slow for
// benchmark data). The statements are not counted against any request.
func (c *countingServer) seedBulk(tb testing.TB, contacts, conversations, messages int) {
	tb.Helper()
	acct := c.Acct.AccountID
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO contacts (account_id, first_name, created_at)
			SELECT $1, 'C' || i, now() - i * interval '1 second' FROM generate_series(1, $2) i`, []any{acct, contacts}},
		{`INSERT INTO conversations (account_id, contact_id, inbox_id, channel, subject, created_at)
			SELECT c.account_id, c.id, $3, 'web', 'subject ' || j, c.created_at + j * interval '1 ms'
			FROM contacts c, generate_series(1, $2) j WHERE c.account_id = $1`, []any{acct, conversations, c.Inbox.ID}},
		{`INSERT INTO messages (account_id, conversation_id, content, sender_type, created_at)
			SELECT v.account_id, v.id, 'message ' || k, 'SYSTEM', v.created_at + k * interval '1 ms'
			FROM conversations v, generate_series(1, $2) k WHERE v.account_id = $1`, []any{acct, messages}},
	} {
		if _, err := c.db.Exec(st.sql, st.args...); err != nil {
			tb.Fatalf("seed: %v", err)
		}
	}
	if _, err := c.db.Exec(`ANALYZE contacts, conversations, messages`); err != nil {
		tb.Fatalf("analyze: %v", err)
	}
}

// statementsPerRequest runs query once alone, then n copies at once, and
// returns the statements of the lone request and the most any one of the
// concurrent requests can have sent (their total over n: every request
// sends the same statements, so a split batch in any of them raises the
// total).
func (c *countingServer) statementsPerRequest(tb testing.TB, query string, n int) (alone, concurrent float64) {
	tb.Helper()
	before := c.statements.Load()
	c.Do(tb, c.Acct.Token, query, nil, nil)
	alone = float64(c.statements.Load() - before)
	before = c.statements.Load()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c.Do(tb, c.Acct.Token, query, nil, nil)
		}()
	}
	close(start)
	wg.Wait()
	return alone, float64(c.statements.Load()-before) / float64(n)
}

// TestNestedReadsArePlanned checks that Q1 sends the same few statements at
// 1, 20 and 50 contacts, alone and under 16 concurrent identical requests,
// whatever the number of parents or the timing of resolvers: with compiled
// reads (the default) one statement that builds the whole answer and
// verifies the token the server already knows; resolved field by field,
// authentication and one statement per nesting level (contacts,
// conversations, messages), planned from the selection set.
func TestNestedReadsArePlanned(t *testing.T) {
	for _, tc := range []struct {
		name     string
		compiled bool
		max      float64
	}{{"compiled", true, 1}, {"resolved", false, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCountingServer(t, func(m *app.Main) { m.Config.CompiledReads = tc.compiled })
			c.seedBulk(t, 60, 10, 10)
			// The token's first request: from then on the server knows it,
			// as it does for any client after its first request.
			c.Do(t, c.Acct.Token, `{ __typename }`, nil, nil)
			var want float64
			for _, n := range []int{1, 20, 50} {
				alone, concurrent := c.statementsPerRequest(t, q1(n), 16)
				t.Logf("Q1 with %d contacts: %.0f statements alone, %.2f per request under 16 concurrent", n, alone, concurrent)
				if want == 0 {
					want = alone
				}
				if alone != want || concurrent != want {
					t.Errorf("Q1 with %d contacts: %.0f statements alone and %.2f per request under 16 concurrent; want %.0f in both (as with 1 contact alone)",
						n, alone, concurrent, want)
				}
			}
			if want > tc.max {
				t.Errorf("Q1 takes %.0f statements; want at most %.0f", want, tc.max)
			}
		})
	}
}

// BenchmarkQ1 measures Q1 with 50 contacts (10 conversations of 5 messages
// each) through the HTTP handler, over 200 contacts × 10 conversations × 10
// messages.
// Run: go test ./e2e -run '^$' -bench '^BenchmarkQ1$' -benchmem -count 5
func BenchmarkQ1(b *testing.B) {
	for _, compiled := range []bool{true, false} {
		name := map[bool]string{true: "compiled", false: "resolved"}[compiled]
		b.Run(name, func(b *testing.B) {
			c := mustCountingServer(b, func(m *app.Main) { m.Config.CompiledReads = compiled })
			c.seedBulk(b, 200, 10, 10)
			query := q1(50)
			b.ReportAllocs()
			b.ResetTimer()
			start := c.statements.Load()
			for i := 0; i < b.N; i++ {
				c.Do(b, c.Acct.Token, query, nil, nil)
			}
			b.ReportMetric(float64(c.statements.Load()-start)/float64(b.N), "statements/op")
		})
	}
}

// BenchmarkQ2 measures Q2, one contact with its emails by id, through the
// HTTP handler (authentication included), 16 requests at a time.
// Run: go test ./e2e -run '^$' -bench '^BenchmarkQ2$' -benchmem -count 5
func BenchmarkQ2(b *testing.B) {
	c := mustCountingServer(b)
	c.seedBulk(b, 20, 1, 1)
	var id string
	if err := c.db.Get(&id, `SELECT id FROM contacts WHERE account_id = $1 LIMIT 1`, c.Acct.AccountID); err != nil {
		b.Fatal(err)
	}
	if _, err := c.db.Exec(`INSERT INTO contact_emails (account_id, contact_id, email, position) VALUES ($1, $2, 'zoe@example.com', 0), ($1, $2, 'z2@example.com', 1)`,
		c.Acct.AccountID, id); err != nil {
		b.Fatal(err)
	}
	query := `query($id: ID!) { contact(id: $id) { id firstName emails } }`
	vars := map[string]any{"id": id}
	b.ReportAllocs()
	b.ResetTimer()
	start := c.statements.Load()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Do(b, c.Acct.Token, query, vars, nil)
		}
	})
	b.ReportMetric(float64(c.statements.Load()-start)/float64(b.N), "statements/op")
}
