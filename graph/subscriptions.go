package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Keep-alive of streaming connections: a comment line on SSE, "ka" on
// graphql-ws, ping (answered by pong) on graphql-transport-ws. A client
// that answers no ping within two intervals is dropped.
const (
	streamKeepAlive = 15 * time.Second
	wsPingPong      = 30 * time.Second
	wsInitTimeout   = 10 * time.Second
)

// WebSocket close codes of a refused connection_init (as the
// graphql-transport-ws protocol recommends) and of a token that could not
// be checked.
const (
	wsCloseForbidden = 4403
	wsCloseInternal  = 1011
)

// hubKey is the context key of the EventHub serving a streaming request.
type hubKey struct{}

// hubFrom returns the hub of a streaming request (WebSocket or SSE), or nil
// for any other request.
func hubFrom(ctx context.Context) *EventHub {
	h, _ := ctx.Value(hubKey{}).(*EventHub)
	return h
}

// subscribeContactEvents streams the caller's account's events: after the
// event `after` when given (NOT_FOUND when the account has no such event),
// else from now on; only those involving contactIds (or contacts merged
// into them) when given.
func (r *subscriptionResolver) subscribeContactEvents(ctx context.Context, contactIDs []string, after *string) (<-chan *contact.Event, error) {
	hub := hubFrom(ctx)
	if hub == nil {
		return nil, errNotStreaming
	}
	a := actor(ctx)
	// The starting point is taken before joining the hub; the hub then
	// reads everything after it, so nothing between is lost or repeated.
	latest, err := r.Store.LatestEventSeq(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	from := latest
	if after != nil {
		if from, err = r.Store.EventSeq(ctx, a, *after); errors.Is(err, contact.ErrNotFound) {
			return nil, contact.UserErrors{{Code: contact.NotFound,
				Message: "after: the account has no event with this id (events are kept 7 days)"}}
		} else if err != nil {
			return nil, err
		}
	}
	match := func(*contact.Event) bool { return true }
	if contactIDs != nil {
		ids, err := r.Store.WatchedContactIDs(ctx, a, contactIDs)
		if err != nil {
			return nil, err
		}
		match = watching(ids)
	}
	return hub.subscribe(ctx, a.AccountID, from, latest, match)
}

// watching returns the filter of a subscription to ids: an event matches
// when one of its contacts is watched; a merge of a watched contact makes
// every contact of the merge (the survivor first) watched from then on.
func watching(ids []string) func(*contact.Event) bool {
	watched := make(map[string]bool, len(ids))
	for _, id := range ids {
		watched[id] = true
	}
	return func(e *contact.Event) bool {
		for _, id := range e.ContactIDs {
			if watched[id] {
				if e.Kind == contact.EventContactsMerged {
					for _, id := range e.ContactIDs {
						watched[id] = true
					}
				}
				return true
			}
		}
		return false
	}
}

// errNotStreaming refuses a subscription outside WebSocket and SSE.
var errNotStreaming = &gqlerror.Error{
	Message:    "subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws) or Server-Sent Events (POST with Accept: text/event-stream)",
	Extensions: map[string]any{"code": codeBadRequest},
}

// requireStream refuses subscription operations on the plain POST and GET
// transports, which answer once.
func requireStream(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil &&
		oc.Operation.Operation == ast.Subscription && hubFrom(ctx) == nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{errNotStreaming}})
	}
	return next(ctx)
}

// streamResponses prepares each response of a streaming connection: a
// subscription's events each get fresh loaders (nothing loaded for one
// event is served stale for a later one), and a query or mutation sent over
// the connection gets the request deadline that plain requests get from
// withDeadline (a subscription has none: it lasts as long as its client).
func streamResponses(s *db.Store, timeout time.Duration) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		if hubFrom(ctx) == nil {
			return next(ctx)
		}
		if a, ok := actorFrom(ctx); ok {
			ctx = context.WithValue(ctx, loadersKey{}, newLoaders(s, a))
		}
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation != ast.Subscription {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		return next(ctx)
	}
}

// isStream reports whether r opens a long-lived stream: a WebSocket
// upgrade or an SSE request.
func isStream(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" ||
		r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// serveStreams prepares a streaming request for next: it lifts the
// server's read and write deadlines from the connection (a stream outlives
// them; keep-alives and ping/pong find dead peers), marks the context with
// the hub (which the subscription resolver needs) and ends it when the hub
// closes, so a shutdown closes WebSocket connections and ends SSE streams.
func serveStreams(hub *EventHub, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})  //nolint:errcheck // not every writer has deadlines (e.g. in tests)
		rc.SetWriteDeadline(time.Time{}) //nolint:errcheck // as above
		ctx := r.Context()
		if hub != nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(context.WithValue(ctx, hubKey{}, hub))
			defer cancel()
			defer context.AfterFunc(hub.ctx, cancel)()
		}
		if r.Header.Get("Upgrade") == "" {
			w = flushWriter{w, rc}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// flushWriter gives SSE the http.Flusher it asserts, through whatever
// wraps the connection's writer (e.g. the access log's status recorder).
type flushWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
}

// Flush sends what is buffered to the client.
func (f flushWriter) Flush() { f.rc.Flush() } //nolint:errcheck // a gone client ends the stream's context

// Unwrap returns the wrapped writer (for http.ResponseController).
func (f flushWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// initToken returns the token of a connection_init payload, given like the
// HTTP headers: {"Authorization": "Bearer <t>"} or {"api_access_token": "<t>"}.
func initToken(p transport.InitPayload) string {
	if h := p.Authorization(); h != "" {
		if scheme, t, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(t)
		}
		return ""
	}
	return strings.TrimSpace(p.GetString("api_access_token"))
}

// wsInit authenticates a WebSocket connection from its connection_init
// payload, exactly as authenticate does an HTTP request from its headers.
// A missing or wrong token closes the connection with 4403 Forbidden; a
// token that could not be checked (e.g. the database is down) with 1011.
// An upgrade request already authenticated by its headers needs no token
// in the payload.
func wsInit(s *db.Store, log *slog.Logger) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		token := initToken(p)
		if token == "" {
			if _, ok := actorFrom(ctx); ok {
				return ctx, nil, nil
			}
			return refuseInit(ctx, wsCloseForbidden, "Forbidden: the connection_init payload carries no valid token")
		}
		a, err := s.Authenticate(ctx, token)
		switch {
		case errors.Is(err, contact.ErrUnauthenticated):
			return refuseInit(ctx, wsCloseForbidden, "Forbidden: the connection_init payload carries no valid token")
		case err != nil:
			log.ErrorContext(ctx, "authenticate websocket", "request_id", RequestID(ctx), "error", err)
			return refuseInit(ctx, wsCloseInternal, "internal error")
		}
		return withCaller(ctx, s, a), nil, nil
	}
}

// refuseInit returns what makes the transport close the connection with
// code and reason (and, on graphql-ws, send connection_error first).
func refuseInit(ctx context.Context, code int, reason string) (context.Context, *transport.InitPayload, error) {
	ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, code), reason)
	return ctx, nil, errors.New(reason)
}
