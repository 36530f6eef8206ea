package graph

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseAsEncodingJSON checks that writeResponse writes what
// gqlgen's transport writes (encoding/json of the response) when the data is
// compact JSON without HTML characters (which encoding/json would escape,
// and which are written as they are, equal JSON), for every field of the
// response; a response with errors and no data has no data entry.
func TestWriteResponseAsEncodingJSON(t *testing.T) {
	yes := true
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"contacts":{"nodes":[{"id":"a","name":"Zoë \"Jo\""}]}}`)},
		{},
		{Errors: gqlerror.List{{Message: "no <access>", Path: ast.Path{ast.PathName("contact")}, Extensions: map[string]any{"code": "FORBIDDEN"}}}},
		{Errors: gqlerror.List{{Message: "x"}}, Data: json.RawMessage(`{"a":null}`), Extensions: map[string]any{"cost": 3}},
		{Data: json.RawMessage(`{}`), Label: "l", Path: ast.Path{ast.PathName("a"), ast.PathIndex(1)}, HasNext: &yes},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Data) == 0 && len(resp.Errors) > 0 {
			// A request error: no data entry (GraphQL over HTTP).
			want = bytes.Replace(want, []byte(`,"data":null`), nil, 1)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if got.String() != string(want) {
			t.Errorf("wrote %s\nwant  %s", got.String(), want)
		}
	}
	html := &graphql.Response{Data: json.RawMessage(`{"name":"<b>&</b>"}`)}
	var got bytes.Buffer
	writeResponse(&got, html)
	var back graphql.Response
	if err := json.Unmarshal(got.Bytes(), &back); err != nil || string(back.Data) != string(html.Data) {
		t.Errorf("wrote %s: data %s, %v", got.String(), back.Data, err)
	}
}

// TestResponseMedia checks the media type chosen from Accept.
func TestResponseMedia(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  mediaJSON,
		"*/*":                               mediaJSON,
		"application/json":                  mediaJSON,
		"application/graphql-response+json": mediaGraphQLResponse,
		"application/graphql-response+json, application/json;q=0.9": mediaGraphQLResponse,
		"text/html, application/json":                               mediaJSON,
		"text/html":                                                 mediaGraphQLResponse,
		"nonsense;;, application/*":                                 mediaJSON,
	} {
		if got := responseMedia(accept); got != want {
			t.Errorf("Accept %q: %s, want %s", accept, got, want)
		}
	}
}
