package graph

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// expensiveMutations are the root fields of which a request may run at most
// one: each may move any number of records.
var expensiveMutations = map[string]bool{"mergeContacts": true, "separateContact": true, "undoContactOperation": true}

// operationRules checks a validated operation and its variables before it
// runs, where gqlparser is lenient: enum values must match their schema
// spelling exactly (the validator ignores case in variables), Int values must
// be integers within 32 bits (the validator accepts strings such as "1" and
// 64-bit values), numbers must be finite, introspection is refused when it
// is off, and at most one merge, separation or undo runs per request. Every
// refusal is a request error: nothing runs.
type operationRules struct {
	extensionName
	schema        *ast.Schema
	introspection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationRules{}

// MutateOperationContext applies the rules; it returns the first violation.
func (r operationRules) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if !r.introspection && selectsIntrospection(oc.Doc, op) {
		return requestError(errcode.ValidationFailed, "introspection is disabled on this server")
	}
	if op.Operation == ast.Mutation {
		var n int
		for _, f := range graphql.CollectFields(oc, op.SelectionSet, []string{"Mutation"}) {
			if expensiveMutations[f.Name] {
				n++
			}
		}
		if n > 1 {
			return requestError(codeLimit, fmt.Sprintf("a request may run at most one mergeContacts, separateContact or undoContactOperation; this one asks for %d", n))
		}
	}
	for _, v := range op.VariableDefinitions {
		val, ok := oc.Variables[v.Variable]
		if !ok {
			continue
		}
		if msg := r.checkVariable(v.Type, val); msg != "" {
			return requestError(errcode.ValidationFailed, fmt.Sprintf("Variable \"$%s\" got an invalid value: %s", v.Variable, msg))
		}
	}
	if msg := badLiteral(oc.Doc, op); msg != "" {
		return requestError(errcode.ValidationFailed, msg)
	}
	return nil
}

// requestError is a request error with the given extensions.code.
func requestError(code, msg string) *gqlerror.Error {
	err := &gqlerror.Error{Message: msg}
	errcode.Set(err, code)
	return err
}

// checkVariable checks one variable value against its declared type and
// returns what is wrong, or "".
func (r operationRules) checkVariable(typ *ast.Type, val any) string {
	if val == nil {
		return ""
	}
	if typ.Elem != nil {
		list, ok := val.([]any)
		if !ok {
			return r.checkVariable(typ.Elem, val) // a single value coerced to a list
		}
		for _, e := range list {
			if msg := r.checkVariable(typ.Elem, e); msg != "" {
				return msg
			}
		}
		return ""
	}
	def := r.schema.Types[typ.NamedType]
	if def == nil {
		return ""
	}
	switch def.Kind {
	case ast.Enum:
		s, ok := val.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			return fmt.Sprintf("%s is not a %s value (enum values are case-sensitive)", quote(val), def.Name)
		}
	case ast.InputObject:
		m, ok := val.(map[string]any)
		if !ok {
			return ""
		}
		for _, f := range def.Fields {
			if msg := r.checkVariable(f.Type, m[f.Name]); msg != "" {
				return f.Name + ": " + msg
			}
		}
	case ast.Scalar:
		return checkScalar(def.Name, val)
	}
	return ""
}

// checkScalar checks a variable value of a built-in scalar or of JSON.
func checkScalar(name string, val any) string {
	switch name {
	case "Int":
		if !isInt32(val) {
			return fmt.Sprintf("%s is not an Int (a whole number from -2147483648 to 2147483647)", quote(val))
		}
	case "Float":
		switch v := val.(type) {
		case json.Number:
			if !contact.ValidJSONNumber(string(v)) {
				return fmt.Sprintf("%s is out of range for a Float", quote(val))
			}
		case float64, int64, int:
		default:
			return fmt.Sprintf("%s is not a Float", quote(val))
		}
	}
	return ""
}

// isInt32 reports whether a decoded JSON value is a whole number within 32 bits.
func isInt32(val any) bool {
	var n int64
	switch v := val.(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return false
		}
		n = i
	case int64:
		n = v
	case int:
		n = int64(v)
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32+1 {
			return false
		}
		n = int64(v)
	default:
		return false
	}
	return n >= math.MinInt32 && n <= math.MaxInt32
}

// quote shows a value in an error message, shortened.
func quote(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "the value"
	}
	s := string(b)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// eachField calls visit for every field under set, entering inline
// fragments and each spread fragment once, until visit returns false. It
// reports whether the walk went to the end.
func eachField(doc *ast.QueryDocument, set ast.SelectionSet, visit func(*ast.Field) bool) bool {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if !visit(sel) || !walk(sel.SelectionSet) {
					return false
				}
			case *ast.InlineFragment:
				if !walk(sel.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				if seen[sel.Name] {
					continue
				}
				seen[sel.Name] = true
				if def := doc.Fragments.ForName(sel.Name); def != nil && !walk(def.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	return walk(set)
}

// badLiteral returns what is wrong with the first bad literal argument of
// the operation or of a fragment it spreads, or "".
func badLiteral(doc *ast.QueryDocument, op *ast.OperationDefinition) string {
	var msg string
	eachField(doc, op.SelectionSet, func(f *ast.Field) bool {
		for _, a := range f.Arguments {
			if m := checkLiteral(a.Value); m != "" {
				msg = fmt.Sprintf("Argument %q of %s: %s", a.Name, f.Name, m)
				return false
			}
		}
		return true
	})
	return msg
}

// checkLiteral checks a literal value: Ints within 32 bits, numbers inside
// JSON within range.
func checkLiteral(v *ast.Value) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case ast.IntValue:
		if v.Definition != nil && v.Definition.Name == "Int" {
			if _, err := strconv.ParseInt(v.Raw, 10, 32); err != nil {
				return fmt.Sprintf("%s is not an Int (a whole number from -2147483648 to 2147483647)", clipRaw(v.Raw))
			}
		} else if _, err := strconv.ParseInt(v.Raw, 10, 64); err != nil && !contact.ValidJSONNumber(v.Raw) {
			return fmt.Sprintf("the number %s is out of range", clipRaw(v.Raw))
		}
	case ast.FloatValue:
		if !contact.ValidJSONNumber(v.Raw) {
			return fmt.Sprintf("the number %s is out of range", clipRaw(v.Raw))
		}
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			if msg := checkLiteral(c.Value); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// clipRaw shortens literal text for an error message.
func clipRaw(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// selectsIntrospection reports whether an operation asks for __schema or
// __type (a __typename is not introspection).
func selectsIntrospection(doc *ast.QueryDocument, op *ast.OperationDefinition) bool {
	return !eachField(doc, op.SelectionSet, func(f *ast.Field) bool { return f.Name != "__schema" && f.Name != "__type" })
}
