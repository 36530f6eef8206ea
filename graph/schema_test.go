package graph

import (
	"slices"
	"testing"

	"contactid/contact"
)

// TestMergeableFieldsMatchTheRegistry checks that the GraphQL enum
// MergeableField lists exactly the merge choices of the field registry.
func TestMergeableFieldsMatchTheRegistry(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	var inSchema []string
	for _, v := range schema.Types["MergeableField"].EnumValues {
		inSchema = append(inSchema, v.Name)
	}
	var inRegistry []string
	for _, f := range contact.MergeableFields() {
		inRegistry = append(inRegistry, string(f))
	}
	slices.Sort(inSchema)
	slices.Sort(inRegistry)
	if !slices.Equal(inSchema, inRegistry) {
		t.Fatalf("schema MergeableField %v, registry %v", inSchema, inRegistry)
	}
}
