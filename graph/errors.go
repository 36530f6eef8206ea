package graph

import (
	"context"
	"errors"
	"log/slog"

	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Top-level error codes in extensions.code.
const (
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
	codeInternal        = "INTERNAL"
)

// internalError marks a failure whose text must not reach clients.
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

// internal marks err as internal unless it is one of the errors clients may see.
func internal(err error) error {
	if err == nil || errors.Is(err, db.ErrForbidden) || errors.Is(err, db.ErrUnauthenticated) {
		return err
	}
	return &internalError{err: err}
}

// payload splits a store result into the object for a mutation payload, its
// user errors (never nil, so the field serialises as []) and an error for
// anything else.
func payload[T any](v T, err error) (*T, []db.UserError, error) {
	if u, ok := db.AsUserErrors(err); ok {
		return nil, u, nil
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	return &v, []db.UserError{}, nil
}

// ErrorPresenter returns the presenter that classifies every error: auth
// errors get their code, internal failures are logged with the request id and
// shown only as "internal error", user errors of queries (which have no
// userErrors field) get their code, GraphQL syntax and validation errors pass.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		switch {
		case errors.Is(err, db.ErrUnauthenticated):
			return withCode(gerr, codeUnauthenticated)
		case errors.Is(err, db.ErrForbidden):
			return withCode(gerr, codeForbidden)
		}
		if u, ok := db.AsUserErrors(err); ok && len(u) > 0 {
			// Bad arguments of a query (e.g. a malformed cursor), which has
			// no userErrors field to carry them.
			return withCode(gerr, string(u[0].Code))
		}
		var ie *internalError
		var pe *pq.Error
		if errors.As(err, &ie) || errors.As(err, &pe) {
			log.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "path", gerr.Path.String(), "error", err)
			return withCode(&gqlerror.Error{Message: "internal error", Path: gerr.Path}, codeInternal)
		}
		return gerr
	}
}

// withCode sets extensions.code.
func withCode(e *gqlerror.Error, code string) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
	return e
}

// RecoverFunc turns a resolver panic into a logged internal error.
func RecoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", p)
		return &internalError{err: errors.New("panic")}
	}
}

// queryError passes a query's user errors (e.g. a malformed cursor) as a
// top-level error with their code and marks anything else internal.
func queryError(err error) error {
	if u, ok := db.AsUserErrors(err); ok {
		return u
	}
	return internal(err)
}

// found maps ErrNotFound to a null result (nil, nil) for single-object
// queries, whose GraphQL fields are nullable.
func found[T any](v *T, err error) (*T, error) {
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, internal(err)
	}
	return v, nil
}

// deref turns a payload's **T from payload() on a *T result into *T.
func deref[T any](v **T) *T {
	if v == nil {
		return nil
	}
	return *v
}
