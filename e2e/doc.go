// Package e2e holds the end-to-end tests: each starts the handler the
// command serves (through the harness app/apptest) on a database of its own
// and calls it over HTTP with GraphQL documents, as a client does, then
// asserts the answer and the database state. The fuzz targets
// (FuzzXxxInput, one per mutation input type) live here too.
//
// The package has no code outside its tests.
package e2e
