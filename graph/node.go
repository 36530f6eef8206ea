package graph

import (
	"context"

	"contactid/contact"
	"contactid/db"
	"contactid/graph/model"
)

// lookUpNodes returns the caller's objects with the given ids, whatever
// their types, in the order of ids; nil for an id the account has no
// object with (unknown, malformed, another account's, or a contact merged
// away or deleted). INVALID for more than db.MaxNodes ids.
func lookUpNodes(ctx context.Context, s *db.Store, ids []string) ([]model.Node, error) {
	found, err := s.Nodes(ctx, actor(ctx), ids)
	if err != nil {
		return nil, queryError(err)
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		if o, ok := found[contact.CanonicalID(id)]; ok {
			out[i] = o
		}
	}
	return out, nil
}
