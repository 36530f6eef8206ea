package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Response media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// postTransport is the POST transport (GraphQL over HTTP): media type from
// Accept as gqlgen's transport.POST chooses it; a request that cannot run is
// 400 with application/graphql-response+json and 200 with
// application/json, and its answer has no data entry; it writes the answer's data, which the
// executor has already written as JSON, as it is: gqlgen's transport
// encodes the whole response again, validating and compacting every byte
// of the data, which for a large answer costs about as much as producing
// it.
type postTransport struct{}

var _ graphql.Transport = postTransport{}

// Supports reports a POST with a JSON body that is not an upgrade.
func (postTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == mediaJSON
}

// Do runs the request's operation and writes the response.
func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	start := graphql.Now()
	params := &graphql.RawParams{}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %v", err)}))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %v", err)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// GraphQL over HTTP: a request error (the document does not parse
		// or validate) is 400 with application/graphql-response+json and
		// 200, like every well-formed request, with application/json.
		if errcode.GetErrorKind(errs) == errcode.KindProtocol && media == mediaGraphQLResponse {
			w.WriteHeader(http.StatusBadRequest)
		}
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}

// responseMedia chooses the response's media type from Accept as gqlgen's
// POST transport does: application/json when Accept is empty or names it
// (or any type) first, application/graphql-response+json when it names
// that first or names neither.
func responseMedia(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// writeResponse writes resp as encoding/json would, with its data (JSON the
// executor wrote) copied as it is, except that a response with errors and
// no data (a request error) has no data entry.
func writeResponse(w io.Writer, resp *graphql.Response) {
	var out bytes.Buffer
	out.Grow(len(resp.Data) + 256)
	out.WriteByte('{')
	field := func(name string) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		out.WriteString(`"` + name + `":`)
	}
	if len(resp.Errors) > 0 {
		field("errors")
		mustEncode(&out, resp.Errors)
	}
	// A request that failed before execution has no data entry at all
	// (GraphQL over HTTP); one that ran has data, null included.
	switch {
	case len(resp.Data) > 0:
		field("data")
		out.Write(resp.Data)
	case len(resp.Errors) == 0:
		field("data")
		out.WriteString("null")
	}
	if resp.Label != "" {
		field("label")
		mustEncode(&out, resp.Label)
	}
	if resp.Path != nil {
		field("path")
		mustEncode(&out, resp.Path)
	}
	if resp.HasNext != nil {
		field("hasNext")
		mustEncode(&out, resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		field("extensions")
		mustEncode(&out, resp.Extensions)
	}
	out.WriteByte('}')
	w.Write(out.Bytes()) //nolint:errcheck // the client went away; nothing to tell it
}

// mustEncode appends v's JSON to out. The values written here (errors,
// extensions, labels, paths) always encode; a failure is a programming
// error, as in gqlgen's transport.
func mustEncode(out *bytes.Buffer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out.Write(b)
}
