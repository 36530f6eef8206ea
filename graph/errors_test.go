package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"contactid/contact"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestErrorPresenter checks that errors are hidden by default: only user
// errors, auth errors, timeouts and GraphQL request errors reach a client
// with their own text; everything else is INTERNAL and logged in full.
func TestErrorPresenter(t *testing.T) {
	validation := gqlerror.Errorf("Cannot query field \"x\" on type \"Query\".")
	errcode.Set(validation, errcode.ValidationFailed)
	for _, tc := range []struct {
		name    string
		err     error
		code    string
		message string
		logged  bool
	}{
		{"plain error", errors.New("dial tcp 10.0.0.1:5432: secret"), "INTERNAL", "internal error", true},
		{"wrapped error", fmt.Errorf("load contact: %w", errors.New("relation \"contacts\" does not exist")), "INTERNAL", "internal error", true},
		{"GraphQL error without code", gqlerror.Errorf("the requested element is null which the schema does not allow"), "INTERNAL", "internal error", true},
		{"forbidden", contact.ErrForbidden, "FORBIDDEN", contact.ErrForbidden.Error(), false},
		{"unauthenticated", contact.ErrUnauthenticated, "UNAUTHENTICATED", contact.ErrUnauthenticated.Error(), false},
		{"user error", contact.UserErrors{{Code: contact.Invalid, Message: "after is not a cursor"}}, "INVALID", "after is not a cursor", false},
		{"timeout", fmt.Errorf("select: %w", context.DeadlineExceeded), "TIMEOUT", "the request was stopped: it ran out of time or was cancelled", false},
		{"validation", validation, "GRAPHQL_VALIDATION_FAILED", validation.Message, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			present := ErrorPresenter(slog.New(slog.NewTextHandler(&log, nil)))
			ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
			got := present(ctx, tc.err)
			if got.Extensions["code"] != tc.code || got.Message != tc.message {
				t.Fatalf("presented %q with code %v, want %q with %s", got.Message, got.Extensions["code"], tc.message, tc.code)
			}
			if logged := strings.Contains(log.String(), "internal error"); logged != tc.logged {
				t.Fatalf("logged = %v: %s", logged, log.String())
			}
			if tc.logged && !strings.Contains(log.String(), tc.err.Error()[:10]) {
				t.Fatalf("log lacks the error: %s", log.String())
			}
		})
	}
}
