package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"contactid/app/apptest"
	"contactid/internal/pgtest"
)

// TestAccountCreateCommand runs `account create` as the command line does
// and checks what it prints, what it stores, and that bad command lines
// change nothing.
func TestAccountCreateCommand(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	t.Setenv("DATABASE_URL", dsn)

	var stdout bytes.Buffer
	if err := run([]string{"account", "create", "--name", "  Initech  "}, &stdout); err != nil {
		t.Fatalf("account create: %v", err)
	}
	out := stdout.String()
	var acct struct {
		AccountID string `json:"accountId"`
		UserID    string `json:"userId"`
		Token     string `json:"token"`
	}

	t.Run("prints one line of compact JSON", func(t *testing.T) {
		if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
			t.Fatalf("stdout %q: want exactly one line", out)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(out)); err != nil {
			t.Fatalf("stdout %q is not JSON: %v", out, err)
		}
		if compact.String() != strings.TrimSuffix(out, "\n") {
			t.Fatalf("stdout %q is not compact", out)
		}
		var keys map[string]any
		if err := json.Unmarshal([]byte(out), &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 3 {
			t.Fatalf("keys = %v, want accountId, userId, token", keys)
		}
		if err := json.Unmarshal([]byte(out), &acct); err != nil {
			t.Fatal(err)
		}
		if acct.AccountID == "" || acct.UserID == "" || !strings.HasPrefix(acct.Token, "cid_") {
			t.Fatalf("account = %+v", acct)
		}
	})

	s := apptest.MustServerOn(t, dsn, nil)

	t.Run("token authenticates as the administrator", func(t *testing.T) {
		type user struct{ ID, Name, Role string }
		var got struct{ Viewer user }
		s.Do(t, acct.Token, `{ viewer { id name role } }`, nil, &got)
		apptest.MustEqual(t, "viewer", got.Viewer, user{ID: acct.UserID, Name: "Initech Admin", Role: "ADMINISTRATOR"})
		var name string
		if err := s.DB.Get(&name, `SELECT name FROM accounts WHERE id = $1`, acct.AccountID); err != nil {
			t.Fatal(err)
		}
		apptest.MustEqual(t, "account name", name, "Initech")
	})

	t.Run("token is stored hashed", func(t *testing.T) {
		if strings.Contains(s.Snapshot(t), strings.TrimPrefix(acct.Token, "cid_")) {
			t.Fatal("the token is stored in clear")
		}
		if n := s.Count(t, `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))`,
			acct.UserID, acct.Token); n != 1 {
			t.Fatalf("%d tokens stored as the SHA-256 of the printed token, want 1", n)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"missing name", []string{"account", "create"}},
		{"blank name", []string{"account", "create", "--name", "  "}},
		{"unknown flag", []string{"account", "create", "--nmae", "X"}},
		{"unknown command", []string{"account", "delete"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Snapshot(t)
			var stdout bytes.Buffer
			if err := run(tc.args, &stdout); err == nil {
				t.Fatal("want an error")
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout = %q, want nothing", stdout.String())
			}
			s.MustUnchanged(t, before)
		})
	}
}
