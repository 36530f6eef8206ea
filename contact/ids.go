package contact

import "github.com/google/uuid"

// CanonicalID returns the canonical form of an id, or "" when s is not an id
// this store could have issued. Callers treat "" as not found.
func CanonicalID(s string) string {
	if len(s) != 36 {
		return ""
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return ""
	}
	return u.String()
}

// CanonicalIDs maps CanonicalID over ids, keeping "" for bad ones.
func CanonicalIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = CanonicalID(id)
	}
	return out
}
