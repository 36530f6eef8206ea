package graph

import "contactid/db"

// edge is a Relay edge of a connection: a node T with its cursor (the
// generated XEdge models).
type edge[T any] interface {
	~struct {
		Cursor string `json:"cursor"`
		Node   *T     `json:"node"`
	}
}

// newEdge returns the edge of node at cursor.
func newEdge[E edge[T], T any](cursor string, node *T) E {
	return E{Cursor: cursor, Node: node}
}

// edges pairs a page's nodes with their cursors (the page's
// PageInfo.Cursors) as edges made by mk.
func edges[T, E any](nodes []T, pi db.PageInfo, mk func(cursor string, node *T) E) []E {
	out := make([]E, len(nodes))
	for i := range nodes {
		c := ""
		if i < len(pi.Cursors) {
			c = pi.Cursors[i]
		}
		out[i] = mk(c, &nodes[i])
	}
	return out
}
