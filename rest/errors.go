package rest

import (
	"errors"
	"net/http"
	"slices"

	"contactid/contact"
	"contactid/db"
)

// apiError is a failed request: its HTTP status, a code, a message and
// at least one detail; cause is the internal error behind a 500 (logged,
// never shown).
type apiError struct {
	status  int
	code    string
	message string
	details []detail
	cause   error
	got     string // the JSON type found where another was expected, if that was the error
}

// detail is one error entry: the field it concerns (a JSON path in the
// body, a header or a path parameter), a message and a code.
type detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// codes returns the distinct codes of e's details (none for nil).
func (e *apiError) codes() []string {
	if e == nil {
		return nil
	}
	var out []string
	for _, d := range e.details {
		out = append(out, d.Code)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// invalid is a 400 for the body at field.
func invalid(field, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: string(contact.Invalid), message: msg,
		details: []detail{{Field: field, Message: msg, Code: string(contact.Invalid)}}}
}

// unauthenticated is a 401 naming the token's header.
func unauthenticated(header string) *apiError {
	msg := "a valid API token for this account is required"
	return &apiError{status: http.StatusUnauthorized, code: "UNAUTHENTICATED", message: msg,
		details: []detail{{Field: header, Message: msg, Code: "UNAUTHENTICATED"}}}
}

// internal is a 500 that shows nothing of err.
func internal(err error) *apiError {
	msg := "internal error"
	if db.IsCanceled(err) {
		msg = "the request was stopped: it ran out of time or was cancelled"
	}
	return &apiError{status: http.StatusInternalServerError, code: "INTERNAL", message: msg,
		details: []detail{{Message: msg, Code: "INTERNAL"}}, cause: err}
}

// storeFailure turns the error of a store call into the route's failure:
// FORBIDDEN is 403, user errors get the status statusOf gives them and
// their fields named by field, anything else is a 500.
func storeFailure(err error, statusOf func(contact.UserErrors) int, field func([]string) string) *apiError {
	if errors.Is(err, contact.ErrForbidden) {
		return &apiError{status: http.StatusForbidden, code: "FORBIDDEN", message: err.Error(),
			details: []detail{{Message: err.Error(), Code: "FORBIDDEN"}}}
	}
	u, ok := contact.AsUserErrors(err)
	if !ok || len(u) == 0 {
		return internal(err)
	}
	e := &apiError{status: statusOf(u), code: string(u[0].Code), message: u[0].Message}
	for _, ue := range u {
		e.details = append(e.details, detail{Field: field(ue.Field), Message: ue.Message, Code: string(ue.Code)})
	}
	if len(u) > 1 {
		e.message = "the request has several errors: see details"
	}
	return e
}

// hasCode reports whether any of u has one of codes.
func hasCode(u contact.UserErrors, codes ...contact.ErrorCode) bool {
	return slices.ContainsFunc(u, func(e contact.UserError) bool { return slices.Contains(codes, e.Code) })
}
