package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestMeasurer(t *testing.T) {
	var chain strings.Builder
	chain.WriteString("query { ...F0 }")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&chain, " fragment F%d on Q { ...F%d ...F%d }", i, i+1, i+1)
	}
	chain.WriteString(" fragment F40 on Q { a }")
	for _, tc := range []struct {
		name          string
		doc           string
		fields, depth int
	}{
		{"flat", `{ a b c }`, 3, 1},
		{"nested", `{ a { b { c } } d }`, 4, 3},
		{"fragment spread twice", `{ ...F x { ...F } } fragment F on Q { a b }`, 5, 2},
		{"inline fragment", `{ a { ... on T { b { c } } } }`, 3, 3},
		{"exponential spreads are counted, measured linearly", chain.String(), 1 << 40, 1},
		{"cycle measures zero", `{ ...A } fragment A on Q { ...B } fragment B on Q { ...A x }`, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tc.doc})
			if err != nil {
				t.Fatal(err)
			}
			m := measurer{fragments: doc.Fragments, sizes: map[string]shape{}, visiting: map[string]bool{}}
			got := m.selections(doc.Operations[0].SelectionSet)
			if got.fields != tc.fields || got.depth != tc.depth {
				t.Fatalf("shape = %+v, want fields %d depth %d", got, tc.fields, tc.depth)
			}
		})
	}
}
