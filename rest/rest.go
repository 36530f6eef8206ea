// Package rest serves the two public REST endpoints whose behaviour the
// service's merge and separate cover, in their own request and response
// shapes, so an existing client of either can call this service unchanged:
//
//   - POST /api/contacts/{id}/separate (a recruiting CRM's separation)
//   - POST /api/v1/accounts/{account_id}/actions/contact_merge (a support
//     inbox's merge)
//
// and their OpenAPI 3.1 description at GET /openapi.json. Each route is a
// thin adapter: it authenticates with the API's tokens, decodes the body
// into the same domain input the GraphQL mutation takes, calls the same
// store method and encodes the answer; every rule stays in contact and db.
package rest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"contactid/contact"
	"contactid/db"
)

// Config configures the REST routes.
type Config struct {
	Store  *db.Store
	Logger *slog.Logger
	// MaxBodyBytes bounds a request body (larger: 413), as for /graphql.
	MaxBodyBytes int64
	// RequestTimeout bounds a request's run time, as for /graphql.
	RequestTimeout time.Duration
	// RequestID returns the id the request log gave the request.
	RequestID func(context.Context) string
	// LogAttrs adds attributes to the request's log line.
	LogAttrs func(context.Context, ...slog.Attr)
	// Metrics, when set, counts and times the requests.
	Metrics *Metrics
}

// Register adds the routes to mux.
func Register(mux *http.ServeMux, cfg Config) {
	mux.Handle("POST /api/contacts/{id}/separate", cfg.route("separate", crmDialect{}, cfg.separate))
	mux.Handle("POST /api/v1/accounts/{account_id}/actions/contact_merge", cfg.route("contact_merge", inboxDialect{}, cfg.merge))
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
}

// call is one authenticated request to a route: its caller and body.
type call struct {
	actor contact.Actor
	r     *http.Request
	body  []byte
}

// answer is a route's successful response: the body, and the journal id
// of the operation it wrote ("" for none).
type answer struct {
	body      any
	operation string
}

// dialect is how one of the two APIs authenticates and words its failures.
type dialect interface {
	// token returns the request's API token and the header it came in.
	token(r *http.Request) (token, header string)
	// authorize checks the caller against the request (its path).
	authorize(r *http.Request, a contact.Actor) bool
	// failure returns the body of a failed request.
	failure(e *apiError) any
}

// route returns the handler of one route: deadline, authentication, media
// type and size checks, then serve; the answer or the failure is written
// in the route's dialect, logged and counted.
func (cfg Config) route(name string, d dialect, serve func(ctx context.Context, c call) (answer, *apiError)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		res, fail := cfg.accept(ctx, d, w, r, serve)
		status := http.StatusOK
		var body any = res.body
		if fail != nil {
			status, body = fail.status, d.failure(fail)
			if fail.status == http.StatusInternalServerError && fail.cause != nil {
				cfg.Logger.ErrorContext(ctx, "rest "+name, "request_id", cfg.RequestID(ctx), "error", fail.cause)
			}
		}
		if res.operation != "" {
			w.Header().Set("X-Operation-Id", res.operation)
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body) //nolint:errcheck // nothing to do if the client went away
		codes := fail.codes()
		cfg.LogAttrs(ctx, slog.String("route", name), slog.String("error_codes", strings.Join(codes, ",")),
			slog.String("journal_id", res.operation))
		cfg.Metrics.observe(name, status, codes, time.Since(start))
	})
}

// accept authenticates the request, reads its JSON body and serves it.
func (cfg Config) accept(ctx context.Context, d dialect, w http.ResponseWriter, r *http.Request,
	serve func(ctx context.Context, c call) (answer, *apiError)) (answer, *apiError) {
	token, header := d.token(r)
	if token == "" {
		return answer{}, unauthenticated(header)
	}
	a, err := cfg.Store.Authenticate(ctx, token)
	if errors.Is(err, contact.ErrUnauthenticated) || err == nil && !d.authorize(r, a) {
		return answer{}, unauthenticated(header)
	} else if err != nil {
		return answer{}, internal(err)
	}
	ctx = db.WithTenant(ctx, a.AccountID)
	cfg.LogAttrs(ctx, slog.String("account_id", a.AccountID), slog.String("user_id", a.UserID))
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return answer{}, &apiError{status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
			message: "send the body as JSON with Content-Type: application/json",
			details: []detail{{Field: "Content-Type", Message: "must be application/json", Code: "UNSUPPORTED_MEDIA_TYPE"}}}
	}
	body, fail := readBody(w, r, cfg.MaxBodyBytes)
	if fail != nil {
		return answer{}, fail
	}
	return serve(ctx, call{actor: a, r: r, body: body})
}

// readBody reads the whole body, at most limit bytes (else 413).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: "TOO_LARGE",
			message: "the request body is larger than the limit", details: []detail{{Message: "body over the size limit", Code: "TOO_LARGE"}}}
	case err != nil:
		return nil, invalid("", "the request body could not be read")
	}
	return body, nil
}

// bearer returns the token of an `Authorization: Bearer <token>` header.
func bearer(r *http.Request) string {
	scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(t)
}
