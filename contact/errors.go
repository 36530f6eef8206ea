package contact

import (
	"errors"
	"strings"
)

// ErrorCode classifies a UserError.
type ErrorCode string

// The codes a UserError can carry.
const (
	Invalid  ErrorCode = "INVALID"
	NotFound ErrorCode = "NOT_FOUND"
	Taken    ErrorCode = "TAKEN"
	Conflict ErrorCode = "CONFLICT"
)

// UserError is an expected failure caused by the caller's input: the path of
// the offending input field, a readable message and a code.
type UserError struct {
	Field   []string
	Message string
	Code    ErrorCode
}

// UserErrors is returned by every store mutation that rejects its input.
// Nothing has been written when a mutation returns it.
type UserErrors []UserError

// Error joins the messages.
func (u UserErrors) Error() string {
	msgs := make([]string, len(u))
	for i, e := range u {
		msgs[i] = strings.Join(e.Field, ".") + ": " + e.Message
	}
	return strings.Join(msgs, "; ")
}

// Add appends a user error with the given code, message and field path.
func (u *UserErrors) Add(code ErrorCode, msg string, field ...string) {
	*u = append(*u, UserError{Field: field, Message: msg, Code: code})
}

// Err returns u as an error, or nil when it is empty.
func (u UserErrors) Err() error {
	if len(u) == 0 {
		return nil
	}
	return u
}

// AsUserErrors reports the user errors carried by err, if any.
func AsUserErrors(err error) (UserErrors, bool) {
	var u UserErrors
	if errors.As(err, &u) {
		return u, true
	}
	return nil, false
}

// ErrUnauthenticated is returned when an API token is missing or unknown.
var ErrUnauthenticated = errors.New("a valid API token is required")

// ErrForbidden is returned when the caller's role does not allow the action.
var ErrForbidden = errors.New("your role does not allow this action")
