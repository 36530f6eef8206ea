package rest

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3.1 document of the REST routes.
//
//go:embed openapi.json
var OpenAPI []byte

// serveOpenAPI serves OpenAPI (public: it describes, it holds no data).
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(OpenAPI) //nolint:errcheck // nothing to do if the client went away
}
