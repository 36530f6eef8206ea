package e2e

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/contact"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
)

// countingServer is the service's handler on a database whose statements are counted.
type countingServer struct {
	*fixture
	statements *atomic.Int64
	db         *sqlx.DB // the counted pool, for bulk seeding
}

// mustCountingServer builds a fixture whose handler counts its statements.
func mustCountingServer(tb testing.TB, configure ...func(*app.Main)) *countingServer {
	tb.Helper()
	n := &atomic.Int64{}
	s := &testServer{apptest.MustServerOn(tb, pgtest.NewDSN(tb), func(m *app.Main) {
		m.Config.DB.WrapConnector = pgtest.Counting(n)
		for _, f := range configure {
			f(m)
		}
	})}
	acct := s.MustAccount(tb, "Batch")
	f := &fixture{testServer: s, Acct: acct, Actor: contact.Actor{AccountID: acct.AccountID, UserID: acct.UserID, Role: contact.Administrator}}
	ib, err := s.Main.Store.CreateInbox(context.Background(), f.Actor, contact.CreateInboxInput{Name: sp("Web"), ChannelType: sp("web")})
	if err != nil {
		tb.Fatal(err)
	}
	f.Inbox = ib
	return &countingServer{fixture: f, statements: n, db: s.DB}
}

// addContacts creates n contacts, each with two conversations of three
// messages and one record of every kind (MustRecords).
func (c *countingServer) addContacts(tb testing.TB, n int) {
	for k := 0; k < n; k++ {
		i := c.Count(tb, `SELECT count(*) FROM contacts`)
		ct := c.MustContact(tb, contact.ContactFields{FirstName: contact.Some(sp(fmt.Sprint("C", i))), AssigneeIDs: contact.Some([]string{c.Acct.UserID})})
		for j := 0; j < 2; j++ {
			conv := c.MustConversation(tb, ct.ID)
			c.MustMessages(tb, conv.ID, 3, time.Now())
		}
		c.MustRecords(tb, ct.ID, fmt.Sprint("src-", i))
	}
}

// nestedQuery reads contacts with every kind of nested field.
const nestedQuery = `{ contacts(first: 20) { totalCount nodes { name assignees { name } mergedContactIds
	conversations { totalCount nodes { subject inbox { name } assignees { name } contact { name }
		messages(first: 10) { totalCount nodes { content sender { ... on Contact { name } ... on User { name } } } } } }
	notes { nodes { content author { name } } } applications { nodes { jobTitle } }
	contactInboxes { nodes { sourceId inbox { name } } } } } }`

// statementsFor runs the nested query and returns how many statements it sent.
func (c *countingServer) statementsFor(tb testing.TB) int64 {
	tb.Helper()
	before := c.statements.Load()
	c.Do(tb, c.Acct.Token, nestedQuery, nil, nil)
	return c.statements.Load() - before
}

// TestNestedFieldsAreBatched checks that the statements a nested query
// sends do not grow with the number of contacts it returns (no N+1). One
// query per contact and nested field would be over 100 more statements for
// 20 contacts; a loader batch split by a slow scheduler (the race detector,
// a loaded machine) adds a few, hence the margin.
func TestNestedFieldsAreBatched(t *testing.T) {
	c := mustCountingServer(t)
	c.addContacts(t, 2)
	few := c.statementsFor(t)
	c.addContacts(t, 18)
	many := c.statementsFor(t)
	t.Logf("statements: %d for 2 contacts, %d for 20", few, many)
	if many > 3*few {
		t.Fatalf("20 contacts took %d statements, 2 took %d: nested fields are not batched", many, few)
	}
}

// BenchmarkNestedContactsQuery measures the nested query (20 of 50
// contacts, with their conversations, messages and records) through the
// HTTP handler.
// Run: go test . -run '^$' -bench NestedContactsQuery
func BenchmarkNestedContactsQuery(b *testing.B) {
	c := mustCountingServer(b)
	c.addContacts(b, 50)
	b.ResetTimer()
	start := c.statements.Load()
	for i := 0; i < b.N; i++ {
		c.Do(b, c.Acct.Token, nestedQuery, nil, nil)
	}
	b.ReportMetric(float64(c.statements.Load()-start)/float64(b.N), "statements/op")
}
