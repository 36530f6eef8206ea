package graph

import (
	"context"
	"io"
	"slices"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// compiledReads answers the root query fields contacts(first) and
// contact(id) with one SQL statement that builds the whole JSON answer in
// PostgreSQL (db.ContactsJSON, db.ContactJSON), when every field selected
// under them is one the store can build; otherwise, and for every other
// root field, the field resolves as usual. Authentication, limits and
// account scoping apply as for any query; the answer is the same, which
// e2e/compiled_reads_test.go checks against the resolvers. A field
// requireActor already read, verifying the caller in the same statement
// (see verifyCaller), is answered from that read.
func compiledReads(s *db.Store) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rf := graphql.GetRootFieldContext(ctx)
		if pre, ok := ctx.Value(verifiedReadKey{}).(*verifiedRead); ok && rf != nil && pre.field == rf.Field.Field {
			return writeRaw(pre.raw)
		}
		a, ok := actorFrom(ctx)
		if !ok || rf == nil {
			return next(ctx)
		}
		raw, err := compiledRead(ctx, s, a, db.Guard{}, rf.Field)
		if err != nil {
			// Not compilable, or the statement failed: the resolvers answer
			// (and report a failure with its path, nulling what the schema
			// says a null must null).
			return next(ctx)
		}
		return writeRaw(raw)
	}
}

// writeRaw returns a field's JSON as it is.
func writeRaw(raw []byte) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { w.Write(raw) }) //nolint:errcheck // the writer reports its own errors
}

// compiledRead reads the root query field f as one statement for a, guarded
// by g (see db.Guard). db.ErrNotCompilable when the field, its arguments or
// its selection are not ones the store builds; db.ErrUnverified from a
// guarded read that read nothing; other errors are the database's.
func compiledRead(ctx context.Context, s *db.Store, a contact.Actor, g db.Guard, f graphql.CollectedField) ([]byte, error) {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil, db.ErrNotCompilable
	}
	args := f.ArgumentMap(oc.Variables)
	sel, ok := readFields(oc, f.Selections, f.Definition.Type.Name())
	if !ok {
		return nil, db.ErrNotCompilable
	}
	switch f.Name {
	case "contacts":
		first, ok := intArg(args["first"])
		if !ok || !onlyArgs(args, "first") {
			return nil, db.ErrNotCompilable
		}
		return s.ContactsJSON(ctx, a, g, first, sel)
	case "contact":
		id, ok := args["id"].(string)
		if !ok || !onlyArgs(args, "id") {
			return nil, db.ErrNotCompilable
		}
		return s.ContactJSON(ctx, a, g, id, sel)
	}
	return nil, db.ErrNotCompilable
}

// readFields turns a selection on the named type into the store's read
// description, fragments and aliases resolved; ok is false when it uses
// something the description cannot carry (directives such as @skip are
// applied by field collection; a non-integer first is left to the resolver).
func readFields(oc *graphql.OperationContext, set ast.SelectionSet, typeName string) ([]db.ReadField, bool) {
	var out []db.ReadField
	for _, f := range graphql.CollectFields(oc, set, []string{typeName}) {
		rf := db.ReadField{Key: f.Alias, Name: f.Name}
		if rf.Key == "" {
			rf.Key = f.Name
		}
		args := f.ArgumentMap(oc.Variables)
		for name, v := range args {
			if name != "first" {
				if v != nil {
					return nil, false
				}
				continue
			}
			first, ok := intArg(v)
			if !ok {
				return nil, false
			}
			rf.First = first
		}
		if len(f.Selections) > 0 {
			child, ok := readFields(oc, f.Selections, f.Definition.Type.Name())
			if !ok {
				return nil, false
			}
			rf.Fields = child
		}
		out = append(out, rf)
	}
	return out, true
}

// onlyArgs reports whether every argument other than the named ones is
// null, so that a compiled read never ignores an argument it does not know.
func onlyArgs(args map[string]any, names ...string) bool {
	for name, v := range args {
		if v != nil && !slices.Contains(names, name) {
			return false
		}
	}
	return true
}

// intArg reads an optional Int argument as the executor coerced it.
func intArg(v any) (*int, bool) {
	switch n := v.(type) {
	case nil:
		return nil, true
	case int64:
		i := int(n)
		return &i, true
	case int:
		return &n, true
	}
	return nil, false
}
