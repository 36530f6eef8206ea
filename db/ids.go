package db

import (
	"github.com/google/uuid"
	"github.com/lib/pq"
)

// canonicalID returns the canonical form of an id, or "" when s is not an id
// this store could have issued. Callers treat "" as not found.
func canonicalID(s string) string {
	if len(s) != 36 {
		return ""
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return ""
	}
	return u.String()
}

// canonicalIDs maps canonicalID over ids, keeping "" for bad ones.
func canonicalIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = canonicalID(id)
	}
	return out
}

// pqArray passes a string slice as a PostgreSQL array parameter.
func pqArray(v []string) any { return pq.Array(v) }
