package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// HandlerConfig configures the GraphQL HTTP handler.
type HandlerConfig struct {
	Store  *db.Store
	Logger *slog.Logger
	// Introspection enables schema introspection (needed by client codegen
	// and the IDE) and "did you mean" suggestions in error messages.
	Introspection bool
	// MaxComplexity bounds the cost of one operation (0: DefaultMaxComplexity).
	MaxComplexity int
	// Limits bound each request's size, shape and run time.
	Limits Limits
	// CompiledReads answers plain nested reads of contacts (scalar fields,
	// conversations, messages) with one SQL statement that builds the JSON
	// (see compiled.go); other selections resolve field by field.
	CompiledReads bool
	// ShutdownDrain is how long a shutdown lets requests still run (0:
	// DefaultShutdownDrain). With Limits.RequestTimeout it bounds how long
	// a live request can hold an Idempotency-Key; a key held longer without
	// an answer was left by a process that died, and a retry takes it over.
	ShutdownDrain time.Duration
	// WebSocketOrigins are the origins (scheme://host[:port], path.Match
	// patterns) whose pages may open a subscription WebSocket besides the
	// API's own; "*" allows any.
	WebSocketOrigins []string
	// Metrics, when set, counts and times operations (see metrics.go).
	Metrics *Metrics
	// Events serves subscriptions (WebSocket and SSE); without it they are
	// refused.
	Events *EventHub
}

// DefaultShutdownDrain is the drain assumed when HandlerConfig leaves
// ShutdownDrain zero: the longest one the service allows.
const DefaultShutdownDrain = 30 * time.Second

// DefaultMaxComplexity is the cost limit applied when HandlerConfig leaves it zero.
const DefaultMaxComplexity = 50000

// NewGraphQLHandler returns the /graphql endpoint: POST and GET transports
// (GET runs queries only), token authentication, idempotent retries of POST
// requests with an Idempotency-Key (see idempotent), per-request loaders,
// error scrubbing, and the request limits: body size, document size and
// shape, strict input, cost and run time. Subscriptions are served over
// WebSocket (graphql-transport-ws and graphql-ws, authenticated by the
// connection_init payload) and SSE (POST with Accept: text/event-stream,
// authenticated by the usual headers); these streams skip the request
// deadline and the Idempotency-Key handling, which fit one answer, not a
// stream (operations other than subscriptions on them still get the
// deadline, see streamResponses).
func NewGraphQLHandler(cfg HandlerConfig) http.Handler {
	if cfg.MaxComplexity == 0 {
		cfg.MaxComplexity = DefaultMaxComplexity
	}
	if cfg.ShutdownDrain <= 0 {
		cfg.ShutdownDrain = DefaultShutdownDrain
	}
	limits := cfg.Limits.WithDefaults()
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Store: cfg.Store}, Complexity: newComplexity()})
	srv := handler.New(es)
	accept := websocket.AcceptOptions{OriginPatterns: cfg.WebSocketOrigins}
	if slices.Contains(cfg.WebSocketOrigins, "*") {
		accept = websocket.AcceptOptions{InsecureSkipVerify: true} // the operator allowed every origin
	}
	srv.AddTransport(transport.Websocket{
		Implementation:        transport.CoderWebsocketImplementation{AcceptOptions: accept},
		InitFunc:              wsInit(cfg.Store, cfg.Logger),
		InitTimeout:           wsInitTimeout,
		KeepAlivePingInterval: streamKeepAlive,
		PingPongInterval:      wsPingPong,
		PayloadReadLimit:      &limits.MaxBodyBytes,
	})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: streamKeepAlive})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{})
	cache := newQueryCache(limits.QueryCacheBytes)
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(limits.MaxTokens)
	if !cfg.Introspection {
		srv.SetDisableSuggestion(true)
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
	}
	// Automatic persisted queries: a client may send a query's SHA-256
	// alone; an unknown hash answers PERSISTED_QUERY_NOT_FOUND and the
	// client sends the text once, which is kept (bounded like the query
	// cache).
	srv.Use(extension.AutomaticPersistedQuery{Cache: newPersistedQueries(limits.QueryCacheBytes)})
	srv.Use(documentLimits{extensionName: "DocumentLimits", limits: limits, cache: cache})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(operationRules{extensionName: "OperationRules", schema: es.Schema(), introspection: cfg.Introspection})
	srv.Use(costLimit{extensionName: "CostLimit", es: es, limit: cfg.MaxComplexity})
	if cfg.Metrics != nil {
		srv.Use(observe{m: cfg.Metrics})
	}
	srv.SetErrorPresenter(ErrorPresenter(cfg.Logger))
	srv.SetRecoverFunc(RecoverFunc(cfg.Logger))
	srv.AroundOperations(requireActor(cfg.Store, cfg.Logger, cfg.CompiledReads))
	srv.AroundOperations(requireStream)
	srv.AroundResponses(streamResponses(cfg.Store, limits.RequestTimeout))
	srv.AroundRootFields(scopeRootField(cfg.Store))
	if cfg.CompiledReads {
		srv.AroundRootFields(compiledReads(cfg.Store))
	}
	// A request holds its Idempotency-Key at most for its run time, plus the
	// drain, plus the write that stores its answer after it.
	abandonKeysAfter := limits.RequestTimeout + cfg.ShutdownDrain + idempotencyStoreTimeout
	requests := withDeadline(limits.RequestTimeout, limitBody(limits.MaxBodyBytes,
		authenticate(cfg.Store, cfg.Logger, true, idempotent(cfg.Store, cfg.Logger, abandonKeysAfter, srv))))
	streams := serveStreams(cfg.Events, limitBody(limits.MaxBodyBytes, authenticate(cfg.Store, cfg.Logger, false, srv)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isStream(r) {
			streams.ServeHTTP(w, r)
			return
		}
		// Every answer is for one authenticated caller: no shared cache
		// (a CDN, a proxy) may keep a GET's answer.
		w.Header().Set("Cache-Control", "no-store")
		requests.ServeHTTP(w, r)
	})
}

// rulesWithoutSuggestions returns the default validation rules with every
// rule that can suggest a name ("Did you mean …?") swapped for its variant
// without suggestions, so a server without introspection reveals no names.
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, swap := range []struct {
		name string
		rule core.Rule
	}{
		{"KnownArgumentNames", rules.KnownArgumentNamesRuleWithoutSuggestions},
		{"KnownTypeNames", rules.KnownTypeNamesRuleWithoutSuggestions},
		{"ValuesOfCorrectType", rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
	} {
		r.RemoveRule(swap.name)
		r.AddRule(swap.rule.Name, swap.rule.RuleFunc)
	}
	return r
}

// tokenFrom returns the API token of a request: `Authorization: Bearer <t>`
// or `api_access_token: <t>`.
func tokenFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, t, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(t)
		}
		return ""
	}
	return strings.TrimSpace(r.Header.Get("api_access_token"))
}

// authenticate resolves the request's token to an actor and puts it and fresh
// loaders into the context. A missing or wrong token leaves no actor;
// requireActor then refuses the operation. With hints, a token the store
// has a hint for is not looked up here: the request carries the hinted
// caller, unverified, and requireActor verifies it (see verifyCaller). A
// request with an Idempotency-Key is always looked up here, since the
// idempotency layer reads the database before the operation runs.
func authenticate(s *db.Store, log *slog.Logger, hints bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if token := tokenFrom(r); token != "" {
			if a, ok := s.TokenHint(token); ok && hints && len(r.Header[idempotencyHeader]) == 0 {
				ctx = context.WithValue(withCaller(ctx, s, a), unverifiedKey{}, token)
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
			a, err := s.Authenticate(ctx, token)
			switch {
			case err == nil:
				ctx = withCaller(ctx, s, a)
			case !errors.Is(err, contact.ErrUnauthenticated):
				log.ErrorContext(ctx, "authenticate", "request_id", RequestID(ctx), "error", err)
				ctx = context.WithValue(ctx, authFailedKey{}, true)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withCaller returns ctx carrying the authenticated caller a, its account
// as the tenant of database work, and fresh loaders.
func withCaller(ctx context.Context, s *db.Store, a contact.Actor) context.Context {
	ctx = db.WithTenant(withActor(ctx, a), a.AccountID)
	ctx = context.WithValue(ctx, loadersKey{}, newLoaders(s, a))
	SetLogAttrs(ctx, slog.String("account_id", a.AccountID), slog.String("user_id", a.UserID))
	return ctx
}

// authFailedKey marks a request whose token could not be checked because of
// an internal failure (e.g. the database is down).
type authFailedKey struct{}

// requireActor refuses every operation without an authenticated caller with
// a single UNAUTHENTICATED error and no data, except pure introspection
// (schema only, no account data), which the IDE and codegen need. When the
// token could not be checked at all, the error is INTERNAL instead, so that
// clients do not discard a valid token. A caller authenticate took from a
// hint is verified first (verifyCaller; compiled says whether compiled
// reads are on), with the same answers.
func requireActor(s *db.Store, log *slog.Logger, compiled bool) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if token, ok := unverifiedToken(ctx); ok {
			var err *gqlerror.Error
			if ctx, err = verifyCaller(ctx, s, log, token, compiled); err != nil {
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
			}
			return next(ctx)
		}
		return refuseUnauthenticated(ctx, next)
	}
}

// refuseUnauthenticated runs an operation with an authenticated caller or
// of pure introspection, and refuses any other.
func refuseUnauthenticated(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if _, ok := actorFrom(ctx); ok || onlyIntrospection(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	err := &gqlerror.Error{Message: contact.ErrUnauthenticated.Error(), Extensions: map[string]any{"code": codeUnauthenticated}}
	if failed, _ := ctx.Value(authFailedKey{}).(bool); failed {
		err = &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": codeInternal}}
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
}

// onlyIntrospection reports whether every top-level field of the operation is
// an introspection field.
func onlyIntrospection(oc *graphql.OperationContext) bool {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return false
	}
	fields := graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"})
	for _, f := range fields {
		if !strings.HasPrefix(f.Name, "__") {
			return false
		}
	}
	return len(fields) > 0
}

// scopeRootField resolves each top-level field in a db.Session, so a dry
// run's transaction stays open while the field's payload is resolved (its
// nested connections show the previewed state) and is rolled back right
// after. Each mutation field also gets fresh loaders, so nothing a dry run
// loaded is reused outside it.
func scopeRootField(s *db.Store) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		ctx, session := db.WithSession(ctx)
		defer session.Close() //nolint:errcheck // a failed rollback only ends the connection
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			if a, ok := actorFrom(ctx); ok {
				ctx = context.WithValue(ctx, loadersKey{}, newLoaders(s, a))
			}
		}
		return next(ctx)
	}
}
