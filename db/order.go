package db

import (
	"contactid/contact"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ContactOrder orders a list of contacts (the GraphQL input ContactOrder).
type ContactOrder struct {
	Field     ContactOrderField `json:"field"`
	Direction OrderDirection    `json:"direction"`
}

// ContactOrderField is what contacts are ordered by.
type ContactOrderField string

// The orders of contacts.
const (
	OrderCreatedAt      ContactOrderField = "CREATED_AT"
	OrderUpdatedAt      ContactOrderField = "UPDATED_AT"
	OrderLastActivityAt ContactOrderField = "LAST_ACTIVITY_AT"
	OrderName           ContactOrderField = "NAME"
)

// OrderDirection is ascending or descending.
type OrderDirection string

// The directions.
const (
	Asc  OrderDirection = "ASC"
	Desc OrderDirection = "DESC"
)

// DefaultContactOrder is the order of contacts when none is given: newest
// first.
var DefaultContactOrder = ContactOrder{Field: OrderCreatedAt, Direction: Desc}

// contactOrderKeys are the SQL expression each order sorts contacts by (as
// the contacts_* indexes of migration 0008 index it) and its SQL type.
var contactOrderKeys = map[ContactOrderField]struct{ expr, typ string }{
	OrderCreatedAt:      {"c.created_at", "timestamptz"},
	OrderUpdatedAt:      {"c.updated_at", "timestamptz"},
	OrderLastActivityAt: {"coalesce(c.last_activity_at, '-infinity')", "timestamptz"},
	OrderName:           {"btrim(lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')))", "text"},
}

// valid reports whether o is an order contacts can be listed in.
func (o ContactOrder) valid() bool {
	_, ok := contactOrderKeys[o.Field]
	return ok && (o.Direction == Asc || o.Direction == Desc)
}

// orderCursor is a position in a list of contacts in a given order: the
// sort key (as PostgreSQL's text) and the id.
type orderCursor struct {
	Key, ID string
}

// encode returns the opaque cursor of a contact at key, id in order o. The
// default order keeps the timeline cursor (creation time and id).
func (o ContactOrder) encode(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o|" + string(o.Field) + "|" + string(o.Direction) + "|" + id + "|" + key))
}

// decode parses a cursor of order o given as argument arg; empty is none.
// A cursor of another order is INVALID.
func (o ContactOrder) decode(arg, s string) (*orderCursor, error) {
	if s == "" {
		return nil, nil //nolint:nilnil // no cursor is a valid answer
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.SplitN(string(raw), "|", 5)
	if err != nil || len(parts) != 5 || parts[0] != "o" || contact.CanonicalID(parts[3]) == "" {
		return nil, contact.UserErrors{{Field: []string{arg}, Message: "malformed cursor", Code: contact.Invalid}}
	}
	if parts[1] != string(o.Field) || parts[2] != string(o.Direction) {
		return nil, contact.UserErrors{{Field: []string{arg}, Code: contact.Invalid,
			Message: fmt.Sprintf("this cursor is of the order %s %s: page with the order it came from", parts[1], parts[2])}}
	}
	if !validSortKey(contactOrderKeys[o.Field].typ, parts[4]) {
		return nil, contact.UserErrors{{Field: []string{arg}, Message: "malformed cursor", Code: contact.Invalid}}
	}
	return &orderCursor{Key: parts[4], ID: contact.CanonicalID(parts[3])}, nil
}

// pgTimestamptz is how PostgreSQL writes a timestamptz as text in a UTC
// session.
const pgTimestamptz = "2006-01-02 15:04:05.999999-07"

// validSortKey reports whether key is a sort key PostgreSQL can take back
// as its SQL type typ: a timestamp as PostgreSQL writes one (or
// -infinity), or text without NUL.
func validSortKey(typ, key string) bool {
	if typ == "timestamptz" {
		_, err := time.Parse(pgTimestamptz, key)
		return key == "-infinity" || err == nil
	}
	return utf8.ValidString(key) && !strings.ContainsRune(key, 0)
}
