package graph

import "github.com/99designs/gqlgen/graphql"

// extensionName gives a handler extension its name and accepts any schema;
// embed it in each of our extensions.
type extensionName string

// ExtensionName names the extension for gqlgen.
func (n extensionName) ExtensionName() string { return string(n) }

// Validate accepts any schema.
func (extensionName) Validate(graphql.ExecutableSchema) error { return nil }
