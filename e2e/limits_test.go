package e2e

import (
	"strings"
	"testing"
)

// TestComplexityLimit checks that nested connections multiply their cost, so
// one request cannot ask for millions of rows, while ordinary queries pass.
func TestComplexityLimit(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	auth := map[string]string{"Authorization": "Bearer " + a.Token}
	huge := `{ contacts(first: 100) { nodes { id conversations(first: 100) { nodes { id messages(first: 100) { nodes { id content } } } } } } }`
	res := s.Post(t, auth, huge, nil)
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" || string(res.Data) != "null" && len(res.Data) != 0 {
		t.Fatalf("huge query: data=%s errors=%+v", res.Data, res.Errors)
	}
	normal := `{ contacts { nodes { id name emails conversations { nodes { id subject messages { nodes { id content senderType } } } } } } }`
	if res := s.Post(t, auth, normal, nil); len(res.Errors) != 0 {
		t.Fatalf("default-sized nested query refused: %+v", res.Errors)
	}
}

// TestBodyLimit checks that an oversized request body is refused.
func TestBodyLimit(t *testing.T) {
	s := MustServer(t)
	a := s.MustAccount(t, "Acme")
	big := `{ viewer { id } }` + strings.Repeat(" ", 2<<20)
	res := s.Post(t, map[string]string{"Authorization": "Bearer " + a.Token}, big, nil)
	if len(res.Errors) == 0 {
		t.Fatal("a 2 MiB request was accepted")
	}
}
