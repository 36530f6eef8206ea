package graph

import (
	"context"
	"errors"
	"log/slog"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Top-level error codes in extensions.code.
const (
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
	codeInternal        = "INTERNAL"
	codeTimeout         = "TIMEOUT"
	// codeBadRequest: an HTTP request that is not a GraphQL request (a
	// body that is not one JSON object, a malformed Idempotency-Key).
	codeBadRequest = "BAD_REQUEST"
	// codeIdempotencyKeyReused: an Idempotency-Key sent again by another
	// user of the account or with another body (HTTP 422; nothing runs).
	codeIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
)

// payload splits a store result into the object for a mutation payload, its
// user errors (never nil, so the field serialises as []) and an error for
// anything else.
func payload[T any](v T, err error) (*T, []contact.UserError, error) {
	if u, ok := contact.AsUserErrors(err); ok {
		return nil, u, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &v, []contact.UserError{}, nil
}

// ErrorPresenter returns the presenter that classifies every error, so each
// one a client sees carries extensions.code: auth errors get their code, a
// request that ran out of time gets TIMEOUT, user errors of queries and of
// input scalars (which have no userErrors field) get their code, GraphQL
// request errors keep the code the executor or our request checks gave them.
// Anything else is hidden: logged with the request id and shown only as
// "internal error" with code INTERNAL.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		switch {
		case errors.Is(err, contact.ErrUnauthenticated):
			return withCode(gerr, codeUnauthenticated)
		case errors.Is(err, contact.ErrForbidden):
			return withCode(gerr, codeForbidden)
		case db.IsCanceled(err):
			noteBrokenAnswer(ctx)
			log.WarnContext(ctx, "request cut short", "request_id", RequestID(ctx), "path", gerr.Path.String(), "error", err)
			return withCode(&gqlerror.Error{Message: "the request was stopped: it ran out of time or was cancelled", Path: gerr.Path}, codeTimeout)
		}
		if u, ok := contact.AsUserErrors(err); ok && len(u) > 0 {
			// Bad arguments of a query (e.g. a malformed cursor) or a bad
			// input scalar, which have no userErrors field to carry them.
			if len(u) == 1 && len(u[0].Field) == 0 {
				gerr.Message = u[0].Message
			}
			return withCode(gerr, string(u[0].Code))
		}
		if code, _ := gerr.Extensions["code"].(string); code != "" {
			return gerr
		}
		log.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "path", gerr.Path.String(), "error", err)
		noteBrokenAnswer(ctx)
		return withCode(&gqlerror.Error{Message: "internal error", Path: gerr.Path}, codeInternal)
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
		return errors.New("panic")
	}
}

// queryError passes a query's user errors (e.g. a malformed cursor) as a
// top-level error with their code; the presenter hides anything else.
func queryError(err error) error {
	if u, ok := contact.AsUserErrors(err); ok {
		return u
	}
	return err
}

// found maps ErrNotFound to a null result (nil, nil) for single-object
// queries, whose GraphQL fields are nullable.
func found[T any](v *T, err error) (*T, error) {
	if errors.Is(err, contact.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
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
