package e2e

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"contactid/app/apptest"
)

// concurrentPayloads sends n copies of a one-field mutation at the same time
// (vars(i) gives the i-th variables) and returns each payload's user errors,
// nil for a success. Any top-level error fails the test.
func (s *testServer) concurrentPayloads(t *testing.T, n int, token, query string, vars func(i int) map[string]any) [][]userError {
	t.Helper()
	out := make([][]userError, n)
	var mu sync.Mutex
	t.Run("concurrently", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				raw := s.mustPayload(t, token, query, vars(i))
				var p struct {
					UserErrors []userError `json:"userErrors"`
				}
				if err := json.Unmarshal(raw, &p); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				out[i] = p.UserErrors
				mu.Unlock()
			})
		}
	})
	return out
}

// mustOneWinner fails unless exactly one result is a success and every
// other one is a single user error with the given code.
func mustOneWinner(t *testing.T, results [][]userError, code string) {
	t.Helper()
	wins := 0
	for i, errs := range results {
		switch {
		case len(errs) == 0:
			wins++
		case len(errs) != 1 || errs[0].Code != code || len(errs[0].Field) == 0 || errs[0].Field[0] != "input":
			t.Errorf("request %d: user errors %+v, want one %s error", i, errs, code)
		}
	}
	if wins != 1 {
		t.Fatalf("%d requests succeeded, want exactly 1", wins)
	}
}

func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	const n = 6

	t.Run("same email", func(t *testing.T) {
		res := s.concurrentPayloads(t, n, a.Token, createContactDoc, func(i int) map[string]any {
			return map[string]any{"input": map[string]any{"firstName": fmt.Sprint("C", i), "email": "race@example.com"}}
		})
		mustOneWinner(t, res, "TAKEN")
		apptest.MustEqual(t, "contacts", s.Count(t, `SELECT count(*) FROM contacts WHERE account_id = $1`, a.AccountID), 1)
	})

	t.Run("same phone number", func(t *testing.T) {
		res := s.concurrentPayloads(t, n, a.Token, createContactDoc, func(i int) map[string]any {
			return map[string]any{"input": map[string]any{"phoneNumbers": []string{fmt.Sprintf("+1415555%04d", 200+i), "+1 415 555 0100"}}}
		})
		mustOneWinner(t, res, "TAKEN")
		apptest.MustEqual(t, "phone rows", s.Count(t, `SELECT count(*) FROM contact_phone_numbers WHERE account_id = $1`, a.AccountID), 2)
	})

	t.Run("same expectedVersion", func(t *testing.T) {
		c := s.MustContact(t, a.Token, map[string]any{"firstName": "Versioned"})
		res := s.concurrentPayloads(t, n, a.Token, updateContactDoc, func(i int) map[string]any {
			return map[string]any{"id": c.ID, "input": map[string]any{"expectedVersion": 1, "lastName": fmt.Sprint("L", i)}}
		})
		mustOneWinner(t, res, "CONFLICT")
		apptest.MustEqual(t, "version", s.MustReadContact(t, a.Token, c.ID).Version, 2)
	})

	t.Run("same source id", func(t *testing.T) {
		c := s.MustContact(t, a.Token, map[string]any{"firstName": "Visitor"})
		inbox := s.MustInbox(t, a.Token, "Web", "web")
		res := s.concurrentPayloads(t, n, a.Token, createContactInboxDoc, func(int) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": c.ID, "inboxId": inbox, "sourceId": "v-1"}}
		})
		mustOneWinner(t, res, "TAKEN")
	})

	t.Run("versions count every update", func(t *testing.T) {
		c := s.MustContact(t, a.Token, map[string]any{"firstName": "Busy"})
		res := s.concurrentPayloads(t, n, a.Token, updateContactDoc, func(i int) map[string]any {
			return map[string]any{"id": c.ID, "input": map[string]any{"status": fmt.Sprint("s", i)}}
		})
		for i, errs := range res {
			if len(errs) > 0 {
				t.Errorf("update %d: %+v", i, errs)
			}
		}
		apptest.MustEqual(t, "version", s.MustReadContact(t, a.Token, c.ID).Version, 1+n)
	})
}
