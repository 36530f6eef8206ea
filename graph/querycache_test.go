package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

func TestQueryCache(t *testing.T) {
	ctx := context.Background()
	doc := &ast.QueryDocument{}
	t.Run("stays within its budget, least recently used out first", func(t *testing.T) {
		c := newQueryCache(1600)
		q := func(i int) string { return strings.Repeat(string(rune('a'+i)), 100) }
		for i := 0; i < 16; i++ {
			c.Add(ctx, q(i), doc)
		}
		c.Get(ctx, q(0)) // a is now the most recent
		c.Add(ctx, q(16), doc)
		if c.used > c.budget {
			t.Fatalf("used %d of %d", c.used, c.budget)
		}
		if _, ok := c.Get(ctx, q(1)); ok {
			t.Fatal("least recently used entry kept")
		}
		for _, i := range []int{0, 2, 16} {
			if _, ok := c.Get(ctx, q(i)); !ok {
				t.Fatalf("entry %d evicted", i)
			}
		}
	})
	t.Run("large documents are not kept", func(t *testing.T) {
		c := newQueryCache(1600)
		c.Add(ctx, strings.Repeat("x", 101), doc)
		if len(c.entries) != 0 || c.used != 0 {
			t.Fatalf("kept a document over a sixteenth of the budget: %d bytes used", c.used)
		}
	})
	t.Run("adding twice counts once", func(t *testing.T) {
		c := newQueryCache(1600)
		c.Add(ctx, "{ a }", doc)
		c.Add(ctx, "{ a }", doc)
		if c.used != 5 {
			t.Fatalf("used = %d", c.used)
		}
	})
}
