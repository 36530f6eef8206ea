package graph

import (
	"context"

	"contactid/db"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeComplexity is extensions.code of an operation over the cost limit.
const codeComplexity = "COMPLEXITY_LIMIT_EXCEEDED"

// costLimit refuses an operation whose cost exceeds limit before it runs.
// The cost is gqlgen's complexity (the functions of newComplexity: rows a
// page may return times their selection) plus what the rows of a page do not
// show: every totalCount, priced once per connection it counts, times the
// pages above it.
type costLimit struct {
	extensionName
	es    graphql.ExecutableSchema
	limit int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = costLimit{}

// MutateOperationContext prices the operation and refuses it when it costs
// more than the limit.
func (c costLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	cost := complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	root := c.es.Schema().Query
	if oc.Operation.Operation == ast.Mutation {
		root = c.es.Schema().Mutation
	}
	cost = min(cost+countCost(oc, c.es.Schema(), oc.Operation.SelectionSet, root, 1, true), saturation)
	if cost > c.limit {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", cost, c.limit)
		errcode.Set(err, codeComplexity)
		return err
	}
	return nil
}

// countCost prices the totalCount fields under set: accountCountCost for a
// top-level connection, childCountCost for a nested one, times mult (how
// many times the enclosing pages may repeat the selection).
func countCost(oc *graphql.OperationContext, schema *ast.Schema, set ast.SelectionSet, def *ast.Definition, mult int, top bool) int {
	if def == nil || len(set) == 0 {
		return 0
	}
	satisfies := []string{def.Name}
	for _, t := range schema.GetPossibleTypes(def) {
		satisfies = append(satisfies, t.Name)
	}
	total := 0
	for _, f := range graphql.CollectFields(oc, set, satisfies) {
		if f.Definition == nil {
			continue
		}
		child := schema.Types[f.Definition.Type.Name()]
		childMult := mult
		if f.Definition.Arguments.ForName("first") != nil && child != nil {
			for _, cf := range graphql.CollectFields(oc, f.Selections, []string{child.Name}) {
				if cf.Name == "totalCount" {
					price := childCountCost
					if top {
						price = accountCountCost
					}
					total = min(total+price*mult, saturation)
				}
			}
			args := f.ArgumentMap(oc.Variables)
			size := args["first"]
			if size == nil {
				size = args["last"]
			}
			childMult = min(mult*max(pageSize(size), 1), saturation)
		}
		if ids, ok := f.ArgumentMap(oc.Variables)["ids"].([]any); ok && top && f.Name == "nodes" {
			childMult = min(mult*max(len(ids), 1), saturation) // each node repeats the selection
		}
		total = min(total+countCost(oc, schema, f.Selections, child, childMult, false), saturation)
	}
	return total
}

// pageSize returns the page size a `first` (or `last`) argument asks for,
// as the store clamps it.
func pageSize(first any) int {
	var p *int
	if n, ok := first.(int64); ok {
		v := int(n)
		p = &v
	} else if n, ok := first.(int); ok {
		p = &n
	}
	return db.NewPageArgs(p, nil).First
}
