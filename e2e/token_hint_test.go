package e2e

import (
	"encoding/json"
	"testing"
)

// TestKnownTokenIsCheckedOnEveryRequest checks that a token the server has
// seen before, which it no longer looks up before the operation (the read
// verifies it, or a lookup right before anything runs), stops working the
// moment it is revoked and takes a changed role at once: for compiled
// reads, other queries, mutations, and requests with an Idempotency-Key.
func TestKnownTokenIsCheckedOnEveryRequest(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	c := s.MustContact(t, a.Token, map[string]any{"firstName": "Jane"})
	bearer := func(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }
	compiled := `query($id: ID!) { contact(id: $id) { id firstName } }`
	page := `{ contacts(first: 5) { nodes { id } } }`
	resolved := `{ viewer { id role } contacts(first: 5) { nodes { id } } }`
	missing := `query($id: ID!) { contact(id: $id) { id } }`
	update := `mutation($id: ID!) { updateContact(id: $id, input: {lastName: "Doe"}) { contact { lastName } userErrors { code } } }`
	vars := map[string]any{"id": c.ID}

	agent, agentToken := s.MustUser(t, a.Token, "Agent", "agent@example.com", "AGENT")
	for _, token := range []string{a.Token, agentToken} {
		// Known to the server from here on.
		if res := s.Post(t, bearer(token), compiled, vars); len(res.Errors) > 0 || !json.Valid(res.Data) {
			t.Fatalf("first request: %+v", res.Errors)
		}
	}

	t.Run("a known token reads", func(t *testing.T) {
		for _, q := range []string{compiled, page, resolved} {
			if res := s.Post(t, bearer(a.Token), q, vars); len(res.Errors) > 0 {
				t.Fatalf("%s: %+v", q, res.Errors)
			}
		}
		res := s.Post(t, bearer(a.Token), missing, map[string]any{"id": randomID()})
		if len(res.Errors) > 0 || string(res.Data) != `{"contact":null}` {
			t.Fatalf("unknown contact: data %s, errors %+v", res.Data, res.Errors)
		}
	})

	t.Run("a changed role applies at once", func(t *testing.T) {
		if _, err := s.DB.Exec(`UPDATE users SET role = 'ADMINISTRATOR' WHERE id = $1`, agent.ID); err != nil {
			t.Fatal(err)
		}
		var got struct{ Viewer userOut }
		s.Do(t, agentToken, `{ viewer { id role } }`, nil, &got)
		if got.Viewer.Role != "ADMINISTRATOR" {
			t.Fatalf("viewer role %q after the change, want ADMINISTRATOR", got.Viewer.Role)
		}
		res := s.Post(t, bearer(agentToken), compiled, vars)
		if len(res.Errors) > 0 {
			t.Fatalf("compiled read after the role change: %+v", res.Errors)
		}
	})

	t.Run("a revoked token stops at once", func(t *testing.T) {
		before := s.Snapshot(t)
		if _, err := s.DB.Exec(`DELETE FROM api_tokens WHERE user_id = $1`, a.UserID); err != nil {
			t.Fatal(err)
		}
		before = s.Snapshot(t)
		for _, q := range []string{compiled, page, resolved, update, missing} {
			mustTopLevelError(t, s.Post(t, bearer(a.Token), q, vars), "UNAUTHENTICATED")
		}
		h := bearer(a.Token)
		h["Idempotency-Key"] = "revoked-1"
		mustTopLevelError(t, s.Post(t, h, update, vars), "UNAUTHENTICATED")
		s.MustUnchanged(t, before)
		// The other user's token still works.
		if res := s.Post(t, bearer(agentToken), compiled, vars); len(res.Errors) > 0 {
			t.Fatalf("the other token: %+v", res.Errors)
		}
	})
}
