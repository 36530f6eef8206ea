package graph

import (
	"container/list"
	"context"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// byteCache is a cache keyed by strings, least recently used first out,
// bounded by the total size of its entries as size measures them. Entries
// larger than a sixteenth of the budget are never kept, so a few large
// ones cannot push out the many small ones real clients send.
type byteCache[V any] struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	size    func(key string, v V) int64
	order   *list.List // of *cacheEntry[V], most recent first
	entries map[string]*list.Element
}

// cacheEntry is one cached value with its size.
type cacheEntry[V any] struct {
	key  string
	v    V
	size int64
}

// newByteCache returns a cache holding at most budget bytes.
func newByteCache[V any](budget int64, size func(key string, v V) int64) *byteCache[V] {
	return &byteCache[V]{budget: budget, size: size, order: list.New(), entries: map[string]*list.Element{}}
}

// Get returns the value of key, if cached.
func (c *byteCache[V]) Get(_ context.Context, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry[V]).v, true
}

// Add keeps v under key, evicting the least recently used entries to stay
// within the budget.
func (c *byteCache[V]) Add(_ context.Context, key string, v V) {
	size := c.size(key, v)
	if size > c.budget/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry[V]{key: key, v: v, size: size})
	c.used += size
	for c.used > c.budget {
		last := c.order.Back()
		e := last.Value.(*cacheEntry[V])
		c.order.Remove(last)
		delete(c.entries, e.key)
		c.used -= e.size
	}
}

// queryCache keeps parsed and validated documents for reuse, bounded by the
// total length of their text (a parsed document takes a few dozen times its
// text in memory). The executor only adds documents that passed validation.
type queryCache = byteCache[*ast.QueryDocument]

// newQueryCache returns a cache holding at most budget bytes of query text.
func newQueryCache(budget int64) *queryCache {
	return newByteCache(budget, func(query string, _ *ast.QueryDocument) int64 { return int64(len(query)) })
}

// newPersistedQueries returns the cache of automatic persisted queries
// (query text by its SHA-256), holding at most budget bytes of text.
func newPersistedQueries(budget int64) *byteCache[string] {
	return newByteCache(budget, func(hash, query string) int64 { return int64(len(hash) + len(query)) })
}
