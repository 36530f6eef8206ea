package model

import (
	"contactid/contact"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalTime writes the Time scalar as RFC 3339 with nanoseconds.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads the Time scalar: an RFC 3339 string within the range
// contact.ParseTime accepts. Anything else is an INVALID user error.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, contact.UserErrors{{Code: contact.Invalid, Message: "a Time must be an RFC 3339 string"}}
	}
	return contact.ParseTime(s)
}
