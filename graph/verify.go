package graph

import (
	"context"
	"errors"
	"log/slog"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// A request whose token the store has a hint for (db.Store.TokenHint) is not
// looked up before it runs: authenticate scopes it to the hinted caller and
// marks it unverified, and requireActor verifies the token before anything
// reads or writes, as part of the operation's only statement when the
// operation is one compiled read (the statement reads nothing unless the
// token still belongs to that caller), else by the usual lookup. Either way
// every request's token is checked against the database, so a revoked token
// or a changed role takes effect at once; the hint saves a round trip, not a
// check.

// unverifiedKey is the context key of a request's token while its hinted
// caller is not yet verified.
type unverifiedKey struct{}

// verifiedReadKey is the context key of the root field requireActor read
// while verifying the caller.
type verifiedReadKey struct{}

// verifiedRead is a root field's JSON, read by the statement that verified
// the caller.
type verifiedRead struct {
	field *ast.Field
	raw   []byte
}

// verifyCaller verifies the hinted caller of an unverified request carrying
// token. It returns ctx for the rest of the operation (the verified caller,
// and the answer of a single compiled read when that is how it verified), or
// the error to answer with: UNAUTHENTICATED for a token that no longer
// works, INTERNAL when it could not be checked. Only with compiled (compiled
// reads on) does it try the read.
func verifyCaller(ctx context.Context, s *db.Store, log *slog.Logger, token string, compiled bool) (context.Context, *gqlerror.Error) {
	ctx = context.WithValue(ctx, unverifiedKey{}, nil)
	if f, ok := singleRootField(graphql.GetOperationContext(ctx)); ok && compiled {
		a := actor(ctx)
		raw, err := compiledRead(ctx, s, a, db.Guard{Token: token}, f)
		if err == nil {
			return context.WithValue(ctx, verifiedReadKey{}, &verifiedRead{field: f.Field, raw: raw}), nil
		}
		if !errors.Is(err, db.ErrUnverified) && !errors.Is(err, db.ErrNotCompilable) {
			log.ErrorContext(ctx, "verified read", "request_id", RequestID(ctx), "error", err)
		}
	}
	a, err := s.Authenticate(ctx, token)
	switch {
	case errors.Is(err, contact.ErrUnauthenticated):
		s.ForgetToken(token)
		return ctx, &gqlerror.Error{Message: err.Error(), Extensions: map[string]any{"code": codeUnauthenticated}}
	case err != nil:
		log.ErrorContext(ctx, "authenticate", "request_id", RequestID(ctx), "error", err)
		return ctx, &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": codeInternal}}
	}
	if a != actor(ctx) {
		ctx = withCaller(ctx, s, a) // the user's role changed since the hint
	}
	return ctx, nil
}

// singleRootField returns the only top-level field of a query that reads
// data (every other one being __typename), if it has exactly one.
func singleRootField(oc *graphql.OperationContext) (graphql.CollectedField, bool) {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return graphql.CollectedField{}, false
	}
	var only []graphql.CollectedField
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		if f.Name != "__typename" {
			only = append(only, f)
		}
	}
	if len(only) != 1 {
		return graphql.CollectedField{}, false
	}
	return only[0], true
}

// unverifiedToken returns the token of a request whose hinted caller is not
// yet verified.
func unverifiedToken(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(unverifiedKey{}).(string)
	return t, ok && t != ""
}
