package graph

import (
	"container/list"
	"context"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// queryCache keeps parsed and validated documents for reuse, least recently
// used first out, bounded by the total length of their text (a parsed
// document takes a few dozen times its text in memory). Documents longer than
// a sixteenth of the budget are never kept, so a few large documents cannot
// push out the many small ones real clients send. The executor only adds
// documents that passed validation.
type queryCache struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	order   *list.List // of *cacheEntry, most recent first
	entries map[string]*list.Element
}

// cacheEntry is one cached document.
type cacheEntry struct {
	query string
	doc   *ast.QueryDocument
}

// newQueryCache returns a cache holding at most budget bytes of query text.
func newQueryCache(budget int64) *queryCache {
	return &queryCache{budget: budget, order: list.New(), entries: map[string]*list.Element{}}
}

// Get returns the parsed document of query, if cached.
func (c *queryCache) Get(_ context.Context, query string) (*ast.QueryDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[query]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).doc, true
}

// Add keeps doc for query, evicting the least recently used documents to
// stay within the budget.
func (c *queryCache) Add(_ context.Context, query string, doc *ast.QueryDocument) {
	size := int64(len(query))
	if size > c.budget/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[query]; ok {
		return
	}
	c.entries[query] = c.order.PushFront(&cacheEntry{query: query, doc: doc})
	c.used += size
	for c.used > c.budget {
		last := c.order.Back()
		e := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, e.query)
		c.used -= int64(len(e.query))
	}
}
