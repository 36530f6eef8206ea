package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"contactid/app"
	"contactid/app/apptest"
	"contactid/contact"
	"contactid/db"
	"contactid/internal/pgtest"
)

// answeredWithin posts a document and fails unless the answer is a single
// error with code, in less than limit.
func answeredWithin(t *testing.T, s *testServer, headers map[string]string, doc string, code string, limit time.Duration) {
	t.Helper()
	start := time.Now()
	res := s.Post(t, headers, doc, nil)
	if took := time.Since(start); took > limit {
		t.Fatalf("a %d-byte document took %s (limit %s)", len(doc), took, limit)
	}
	mustRequestError(t, res, code)
}

// TestHostileDocumentsAreCheap checks that documents built to make parsing,
// validation or execution slow are refused quickly, with or without a token.
func TestHostileDocumentsAreCheap(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	duplicates := `{ viewer { x1: id` + strings.Repeat(" id", 8000) + ` } }`
	var chain strings.Builder
	chain.WriteString(`query { viewer { ...F0 } }`)
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&chain, " fragment F%d on User { ...F%d ...F%d }", i, i+1, i+1)
	}
	chain.WriteString(" fragment F30 on User { id name }")
	megabyte := `{ viewer {` + strings.Repeat(" a: id", (1<<20-100)/6) + ` } }`
	deep := `{ viewer` + strings.Repeat(` { viewer: __typename`, 0) + strings.Repeat(" {", 40) + strings.Repeat(" }", 40) + ` }`
	for _, headers := range []map[string]string{nil, {"Authorization": "Bearer " + a.Token}} {
		name := "without token"
		if headers != nil {
			name = "with token"
		}
		t.Run(name, func(t *testing.T) {
			answeredWithin(t, s, headers, duplicates, "LIMIT_EXCEEDED", time.Second)
			answeredWithin(t, s, headers, chain.String(), "LIMIT_EXCEEDED", time.Second)
			answeredWithin(t, s, headers, megabyte, "GRAPHQL_PARSE_FAILED", time.Second)
			answeredWithin(t, s, headers, deep, "GRAPHQL_PARSE_FAILED", time.Second)
		})
	}
	t.Run("limits admit real clients", func(t *testing.T) {
		var aliases strings.Builder
		aliases.WriteString("{")
		for i := 0; i < 60; i++ {
			fmt.Fprintf(&aliases, " c%d: contacts(first: 1) { nodes { id name } }", i)
		}
		aliases.WriteString(" }")
		s.Do(t, a.Token, aliases.String(), nil, nil)
		nested := `{ contacts(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { id name emails
			conversations(first: 10) { totalCount nodes { id subject status
				messages(first: 10) { nodes { id content createdAt sender { __typename ... on Contact { id } } } } } } } } }`
		s.Do(t, a.Token, nested, nil, nil)
		deepOK := `{ viewer { id } contact(id: "` + randomID() + `") { conversations { nodes { contact { conversations { nodes { contact { conversations { nodes { contact { id } } } } } } } } } } }`
		s.Do(t, a.Token, deepOK, nil, nil)
	})
}

// TestQueryCacheIsBounded checks that large distinct documents do not grow
// the server's memory without bound.
func TestQueryCacheIsBounded(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	idle := heap()
	for i := 0; i < 30; i++ {
		// A megabyte of distinct aliases: cheap to validate, large to keep.
		var doc strings.Builder
		fmt.Fprintf(&doc, "query Q%d { viewer {", i)
		for j := 0; doc.Len() < 1<<20-100; j++ {
			fmt.Fprintf(&doc, " a%d: id", j)
		}
		doc.WriteString(" } }")
		s.Post(t, auth, doc.String(), nil)
		// A valid document near the token limit, padded to a megabyte
		// with a comment.
		valid := fmt.Sprintf("# %d %s\n{ viewer { %s } }", i, strings.Repeat("x", 1<<20-40000), strings.Repeat("id ", 900))
		if res := s.Post(t, auth, valid, nil); len(res.Errors) != 0 {
			t.Fatalf("document %d: %+v", i, res.Errors)
		}
	}
	grown := int64(heap()) - int64(idle)
	if grown > 100<<20 {
		t.Fatalf("heap grew by %d MB after 30 large documents", grown>>20)
	}
	t.Logf("heap grew by %.1f MB after 60 large documents", float64(grown)/(1<<20))
}

// TestCountsAndSearchesArePriced checks that totalCount and search are
// priced by what they read, so many aliases of them are refused, while one
// is fine.
func TestCountsAndSearchesArePriced(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	var many strings.Builder
	many.WriteString("{")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&many, ` c%d: contacts(first: 0, search: "x%d") { totalCount }`, i, i)
	}
	many.WriteString(" }")
	mustRequestError(t, s.Post(t, auth, many.String(), nil), "COMPLEXITY_LIMIT_EXCEEDED")
	var counts strings.Builder
	counts.WriteString("{")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&counts, ` c%d: contacts(first: 0) { totalCount }`, i)
	}
	counts.WriteString(" }")
	mustRequestError(t, s.Post(t, auth, counts.String(), nil), "COMPLEXITY_LIMIT_EXCEEDED")
	s.Do(t, a.Token, `{ contacts(first: 0, search: "x") { totalCount } }`, nil, nil)
	s.Do(t, a.Token, `{ contacts(first: 100) { totalCount nodes { id conversations { totalCount } } } }`, nil, nil)
}

// TestOneContactOperationPerRequest checks that a request may run at most
// one merge or separation (aliases and fragments included) and that dry
// runs count like real runs.
func TestOneContactOperationPerRequest(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base"))})
	m1 := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M1"))})
	m2 := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M2"))})
	auth := map[string]string{"Authorization": "Bearer " + f.Acct.Token}
	for _, doc := range []string{
		fmt.Sprintf(`mutation { a: mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q]}) { dryRun }
			b: mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q]}) { dryRun } }`, base.ID, m1.ID, base.ID, m2.ID),
		fmt.Sprintf(`mutation { a: mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q], dryRun: true}) { dryRun }
			b: mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q], dryRun: true}) { dryRun } }`, base.ID, m1.ID, base.ID, m2.ID),
		fmt.Sprintf(`mutation { ...M b: separateContact(id: %q, input: {fieldSplit: {firstName: {original: "B", new: "C"}}, childRecordAssignment: {}}) { dryRun } }
			fragment M on Mutation { mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q]}) { dryRun } }`, base.ID, base.ID, m1.ID),
	} {
		before := f.Snapshot(t)
		mustRequestError(t, f.Post(t, auth, doc, nil), "LIMIT_EXCEEDED")
		f.MustUnchanged(t, before)
	}
	var one struct{ MergeContacts struct{ DryRun bool } }
	f.Do(t, f.Acct.Token, fmt.Sprintf(`mutation { mergeContacts(input: {baseContactId: %q, mergeeContactIds: [%q], dryRun: true}) { dryRun } }`, base.ID, m1.ID), nil, &one)
	apptest.MustEqual(t, "dryRun", one.MergeContacts.DryRun, true)
}

// TestNoSuggestionsWithoutIntrospection checks that with introspection off
// no error message suggests a name, and with it on suggestions still help.
func TestNoSuggestionsWithoutIntrospection(t *testing.T) {
	docs := []string{
		`{ viewr { id } }`,
		`{ viewer { nam } }`,
		`{ contacts(frist: 1) { nodes { id } } }`,
		`query($s: ConversationStatu) { viewer { id } }`,
		`mutation { updateConversation(id: "x", input: {status: OPN}) { conversation { id } } }`,
		`mutation { createContct(input: {}) { contact { id } } }`,
		`{ viewer }`,
	}
	on := MustServer(t)
	off := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.Introspection = false })
	for _, s := range []*testServer{on, off} {
		a := s.MustAccount(t, "Acme")
		auth := map[string]string{"Authorization": "Bearer " + a.Token}
		suggested := 0
		for _, doc := range docs {
			res := s.Post(t, auth, doc, nil)
			if len(res.Errors) == 0 {
				t.Fatalf("%s: accepted", doc)
			}
			for _, e := range res.Errors {
				if e.Extensions["code"] == nil {
					t.Errorf("%s: error without code: %+v", doc, e)
				}
				if strings.Contains(e.Message, "Did you mean") {
					suggested++
				}
			}
		}
		if s == off && suggested > 0 {
			t.Fatalf("introspection off: %d messages suggest names", suggested)
		}
		if s == on && suggested < 5 {
			t.Fatalf("introspection on: only %d suggestions", suggested)
		}
	}
}

// TestEveryErrorHasACode checks requests that used to get errors without
// extensions.code, and that the batch refusal does not reflect input.
func TestEveryErrorHasACode(t *testing.T) {
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) { m.Config.Introspection = false })
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	t.Run("oversized body is 413", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": `{ viewer { id } }` + strings.Repeat(" ", 2<<20)})
		status, raw, _ := s.MustRequest(t, http.MethodPost, "/graphql", "application/json", string(body), auth)
		apptest.MustEqual(t, "status", status, http.StatusRequestEntityTooLarge)
		var res apptest.Response
		if err := json.Unmarshal(raw, &res); err != nil || len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "LIMIT_EXCEEDED" {
			t.Fatalf("body %s", raw)
		}
	})
	t.Run("batch is refused without echo", func(t *testing.T) {
		body := `[{"query": "{ viewer { id } }", "variables": {"secret": "ECHO-ME-NOT"}}]`
		status, raw, _ := s.MustRequest(t, http.MethodPost, "/graphql", "application/json", body, auth)
		apptest.MustEqual(t, "status", status, http.StatusBadRequest)
		if strings.Contains(string(raw), "ECHO-ME-NOT") || !strings.Contains(string(raw), `"code"`) {
			t.Fatalf("batch refusal: %s", raw)
		}
	})
	t.Run("malformed JSON is refused without echo", func(t *testing.T) {
		status, raw, _ := s.MustRequest(t, http.MethodPost, "/graphql", "application/json", `{"query": "ECHO-ME-NOT`, auth)
		apptest.MustEqual(t, "status", status, http.StatusBadRequest)
		if strings.Contains(string(raw), "ECHO-ME-NOT") || !strings.Contains(string(raw), `"code"`) {
			t.Fatalf("refusal: %s", raw)
		}
	})
	for name, doc := range map[string]string{
		"introspection disabled": `{ __schema { types { name } } }`,
		"wrong-type JSON":        `mutation { createContact(input: {customAttributes: "x"}) { contact { id } } }`,
		"bad Time":               `mutation { createReminder(input: {contactId: "x", title: "t", dueAt: "soon"}) { reminder { id } } }`,
		"unknown operation":      `query A { viewer { id } } query B { viewer { id } }`,
	} {
		t.Run(name, func(t *testing.T) {
			res := s.Post(t, auth, doc, nil)
			if len(res.Errors) == 0 {
				t.Fatal("accepted")
			}
			for _, e := range res.Errors {
				if code, _ := e.Extensions["code"].(string); code == "" || code == "INTERNAL" {
					t.Fatalf("error %+v", e)
				}
			}
		})
	}
}

// TestForbiddenFieldKeepsSiblings checks that a forbidden mutation field
// does not null the result of a sibling that committed.
func TestForbiddenFieldKeepsSiblings(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	_, agent := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
	res := s.Post(t, map[string]string{"Authorization": "Bearer " + agent}, `mutation {
		created: createContact(input: {firstName: "Kept"}) { contact { id firstName } userErrors { code } }
		forbidden: createUser(input: {name: "M", email: "m@example.com"}) { user { id } userErrors { code } } }`, nil)
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "FORBIDDEN" || fmt.Sprint(res.Errors[0].Path) != "[forbidden]" {
		t.Fatalf("errors %+v", res.Errors)
	}
	var data struct {
		Created *struct {
			Contact struct{ ID, FirstName string }
		}
		Forbidden *json.RawMessage
	}
	if err := json.Unmarshal(res.Data, &data); err != nil || data.Created == nil || data.Forbidden != nil {
		t.Fatalf("data %s", res.Data)
	}
	apptest.MustEqual(t, "stored contacts", s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1 AND first_name = 'Kept'`, data.Created.Contact.ID), 1)
}

// TestDatabaseWorkIsBounded checks the statement timeout, the request
// deadline and the per-account share of the pool.
func TestDatabaseWorkIsBounded(t *testing.T) {
	s := MustServerOn(t, pgtest.NewDSN(t), func(m *app.Main) {
		m.Config.DB = db.Options{MaxConns: 4, AccountMaxConns: 2, StatementTimeout: 4 * time.Second}
		m.Config.Limits.RequestTimeout = 3 * time.Second
	})
	busy, calm := s.MustAccount(t, "Busy"), s.MustAccount(t, "Calm")
	c := s.MustContact(t, busy.Token, map[string]any{"firstName": "Locked"})

	t.Run("statement timeout is set on every connection", func(t *testing.T) {
		var got string
		if err := s.DB.Get(&got, `SHOW statement_timeout`); err != nil {
			t.Fatal(err)
		}
		apptest.MustEqual(t, "statement_timeout", got, "4s")
	})

	t.Run("a request stops at its deadline and its statement with it", func(t *testing.T) {
		unlock := mustLockContact(t, s, c.ID)
		defer unlock()
		start := time.Now()
		res := s.Post(t, map[string]string{"Authorization": "Bearer " + busy.Token}, updateContactDoc,
			map[string]any{"id": c.ID, "input": map[string]any{"firstName": "Changed"}})
		took := time.Since(start)
		if took > 3500*time.Millisecond {
			t.Fatalf("request took %s with a 3s deadline", took)
		}
		mustTopLevelError(t, res, "TIMEOUT")
		waitNoStatement(t, s, "UPDATE contacts")
	})

	t.Run("one account cannot take every connection", func(t *testing.T) {
		unlock := mustLockContact(t, s, c.ID)
		var wg sync.WaitGroup
		results := make([]apptest.Response, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = s.Post(t, map[string]string{"Authorization": "Bearer " + busy.Token}, updateContactDoc,
					map[string]any{"id": c.ID, "input": map[string]any{"labels": []string{fmt.Sprint("l", i)}}})
			}()
		}
		time.Sleep(300 * time.Millisecond) // let the busy requests take what they can
		start := time.Now()
		s.Do(t, calm.Token, `{ viewer { id } contacts { totalCount } }`, nil, nil)
		if took := time.Since(start); took > time.Second {
			t.Fatalf("another account's query waited %s", took)
		}
		unlock()
		wg.Wait()
		for i, res := range results {
			if len(res.Errors) != 0 {
				t.Fatalf("busy request %d failed: %+v", i, res.Errors)
			}
		}
	})
}

// mustLockContact holds a row lock on a contact from outside the service
// until the returned function is called.
func mustLockContact(t *testing.T, s *testServer, id string) func() {
	t.Helper()
	tx, err := s.DB.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	return func() { tx.Rollback() } //nolint:errcheck // test lock
}

// waitNoStatement fails when a statement starting with prefix is still
// running a second later.
func waitNoStatement(t *testing.T, s *testServer, prefix string) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		n := s.Count(t, `SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`, prefix+"%")
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d statements %q still running", n, prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fullIntrospectionQuery is the introspection query client tools send
// (GraphiQL, code generators), with every optional part switched on and
// nine levels of ofType.
const fullIntrospectionQuery = `query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`

// TestIntrospectionFitsTheLimits checks that the introspection query of
// client tools passes the default limits, with and without a token.
func TestIntrospectionFitsTheLimits(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	for _, headers := range []map[string]string{nil, {"Authorization": "Bearer " + a.Token}} {
		res := s.Post(t, headers, fullIntrospectionQuery, nil)
		if len(res.Errors) != 0 || !strings.Contains(string(res.Data), `"mergeContacts"`) {
			t.Fatalf("errors %+v", res.Errors)
		}
	}
}
