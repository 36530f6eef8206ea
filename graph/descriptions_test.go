package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestEverySchemaElementIsDescribed checks that every type, field, field
// argument, input field and enum value of the schema has a description, so
// the schema documents itself to the clients that read it. Built-in scalars,
// directives and introspection types are skipped.
func TestEverySchemaElementIsDescribed(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	builtinScalars := []string{"String", "Int", "Float", "Boolean", "ID"}
	var missing []string
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || slices.Contains(builtinScalars, name) || def.BuiltIn {
			continue
		}
		if def.Description == "" {
			missing = append(missing, "type "+name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			kind := "field"
			if def.Kind == ast.InputObject {
				kind = "input field"
			}
			if f.Description == "" {
				missing = append(missing, kind+" "+name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					missing = append(missing, "argument "+name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if v.Description == "" {
				missing = append(missing, "enum value "+name+"."+v.Name)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("%d schema elements have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
