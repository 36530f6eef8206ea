package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"contactid/contact"
)

// ReadField is one field of a read the store answers as JSON built by
// PostgreSQL in one statement: Key is its response name (an alias or the
// field's name), Name the schema field, First a connection's page size (nil:
// the default) and Fields the selection below it.
type ReadField struct {
	Key    string
	Name   string
	First  *int
	Fields []ReadField
}

// ErrNotCompilable reports a selection the JSON reader does not build; the
// caller resolves it field by field instead.
var ErrNotCompilable = errors.New("selection is not compilable to one statement")

// ContactsJSON returns the JSON of Query.contacts(first) (newest first, no
// cursor, search or label) with selection sel, built in one statement.
// ErrNotCompilable when sel uses a field the reader does not build; other
// errors are the database's, wrapped.
func (s *Store) ContactsJSON(ctx context.Context, a contact.Actor, first *int, sel []ReadField) ([]byte, error) {
	b := jsonBuilder{args: []any{a.AccountID}}
	expr, err := b.connection(connections["contacts"], "", NewPageArgs(first, nil).First, sel)
	if err != nil {
		return nil, err
	}
	// $1 is named even when the selection reads no table (only
	// __typename), so PostgreSQL always knows its type.
	return s.readJSON(ctx, "SELECT "+expr+" WHERE $1::uuid IS NOT NULL", b.args)
}

// ContactJSON returns the JSON of Query.contact(id): the contact, following
// the redirect a merge leaves, or null. ErrNotCompilable as ContactsJSON.
func (s *Store) ContactJSON(ctx context.Context, a contact.Actor, id string, sel []ReadField) ([]byte, error) {
	b := jsonBuilder{args: []any{a.AccountID}}
	obj, err := b.object(contactType, "c", sel)
	if err != nil {
		return nil, err
	}
	if id = contact.CanonicalID(id); id == "" {
		return []byte("null"), nil
	}
	p := b.param(id)
	return s.readJSON(ctx, `SELECT (SELECT `+obj+` FROM contacts c WHERE c.account_id = $1 AND c.id = COALESCE(
		(SELECT r.new_contact_id FROM contact_redirects r WHERE r.account_id = $1 AND r.old_contact_id = `+p+`), `+p+`::uuid))`, b.args)
}

// readJSON runs a statement returning one JSON value (NULL reads as null).
func (s *Store) readJSON(ctx context.Context, query string, args []any) ([]byte, error) {
	var out sql.NullString
	if err := s.rd.GetContext(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("read json: %w", err)
	}
	if !out.Valid {
		return []byte("null"), nil
	}
	return []byte(out.String), nil
}

// jsonType describes an object type the reader builds: its GraphQL name, its
// scalar fields as SQL expressions over the row alias (written %[1]s), and
// its connections.
type jsonType struct {
	name        string
	scalars     map[string]string
	connections map[string]jsonConnection
}

// jsonConnection describes a connection: the table of its nodes, the
// column naming the parent (empty at the top), the order of its pages, its
// node type and its GraphQL type name.
type jsonConnection struct {
	name      string
	table     string
	parentCol string
	order     string
	node      *jsonType
}

// rfc3339 formats a timestamptz column as Go's time.RFC3339Nano in UTC does
// (fraction without trailing zeros, none when whole).
func rfc3339(col string) string {
	return `(regexp_replace(to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '\.?0+$', '') || 'Z')`
}

// The types and connections the reader builds. Table and column names are
// constants here, never input.
var (
	messageType = &jsonType{name: "Message", scalars: map[string]string{
		"id": "%[1]s.id", "content": "%[1]s.content", "senderType": "%[1]s.sender_type",
		"createdAt": rfc3339("%[1]s.created_at"),
	}}
	conversationType = &jsonType{name: "Conversation", scalars: map[string]string{
		"id": "%[1]s.id", "channel": "%[1]s.channel", "subject": "%[1]s.subject", "status": "%[1]s.status",
		"createdAt": rfc3339("%[1]s.created_at"), "updatedAt": rfc3339("%[1]s.updated_at"),
	}, connections: map[string]jsonConnection{
		"messages": {name: "MessageConnection", table: "messages", parentCol: "conversation_id", order: "created_at, id", node: messageType},
	}}
	contactType = &jsonType{name: "Contact", scalars: contactScalars(), connections: map[string]jsonConnection{
		"conversations": {name: "ConversationConnection", table: "conversations", parentCol: "contact_id", order: "created_at, id", node: conversationType},
	}}
	connections = map[string]jsonConnection{
		"contacts": {name: "ContactConnection", table: "contacts", order: "created_at DESC, id DESC", node: contactType},
	}
)

// contactScalars returns the SQL of each scalar field of Contact over the
// row alias: the fields stored in the contacts row come from the field
// registry (contact.Fields, as for contactColumns); the addresses, the name
// and the system columns are written here.
func contactScalars() map[string]string {
	out := map[string]string{
		"id":   "%[1]s.id",
		"name": "btrim(coalesce(%[1]s.first_name, '') || ' ' || coalesce(%[1]s.last_name, ''))",
		"emails": "(SELECT coalesce(json_agg(e.email ORDER BY e.position), '[]') FROM contact_emails e " +
			"WHERE e.account_id = %[1]s.account_id AND e.contact_id = %[1]s.id)",
		"email": "(SELECT e.email FROM contact_emails e WHERE e.account_id = %[1]s.account_id AND e.contact_id = %[1]s.id " +
			"ORDER BY e.position LIMIT 1)",
		"phoneNumbers": "(SELECT coalesce(json_agg(p.phone_number ORDER BY p.position), '[]') FROM contact_phone_numbers p " +
			"WHERE p.account_id = %[1]s.account_id AND p.contact_id = %[1]s.id)",
		"phoneNumber": "(SELECT p.phone_number FROM contact_phone_numbers p WHERE p.account_id = %[1]s.account_id AND p.contact_id = %[1]s.id " +
			"ORDER BY p.position LIMIT 1)",
		"version":        "%[1]s.version",
		"createdAt":      rfc3339("%[1]s.created_at"),
		"updatedAt":      rfc3339("%[1]s.updated_at"),
		"lastActivityAt": rfc3339("%[1]s.last_activity_at"),
	}
	for _, f := range storedColumns() {
		col := "%[1]s." + f.Column
		switch {
		case f.Kind == contact.TextField || f.Kind == contact.FlagField:
			out[f.Name] = col
		case f.Kind == contact.ObjectField:
			out[f.Name] = "coalesce(" + col + ", '{}')"
		case f.Name == "labels":
			out[f.Name] = "coalesce(to_json(" + col + "), '[]')"
		}
		// Other sets (assignees, documents) are objects in the schema:
		// documents are built by documentsJSON, assignees are not compiled.
	}
	return out
}

// maxObjectFields bounds the fields of one built object (json_build_object
// takes at most 100 arguments).
const maxObjectFields = 50

// jsonBuilder builds one statement; args holds its parameters ($1 is the
// account).
type jsonBuilder struct {
	args  []any
	depth int
}

// param adds a parameter and returns its placeholder.
func (b *jsonBuilder) param(v any) string {
	b.args = append(b.args, v)
	return fmt.Sprintf("$%d", len(b.args))
}

// alias returns a fresh row alias.
func (b *jsonBuilder) alias() string {
	b.depth++
	return fmt.Sprintf("r%d", b.depth)
}

// object builds the JSON object of type t for the row alias, with sel.
func (b *jsonBuilder) object(t *jsonType, alias string, sel []ReadField) (string, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return "", ErrNotCompilable
	}
	parts := make([]string, 0, 2*len(sel))
	for _, f := range sel {
		var expr string
		switch {
		case f.Name == "__typename":
			expr = "'" + t.name + "'::text"
		case f.Name == "documents" && t == contactType:
			docs, err := documentsJSON(alias, f.Fields)
			if err != nil {
				return "", err
			}
			expr = docs
		case t.scalars[f.Name] != "" && len(f.Fields) == 0:
			expr = fmt.Sprintf(t.scalars[f.Name], alias)
		default:
			conn, ok := t.connections[f.Name]
			if !ok {
				return "", ErrNotCompilable
			}
			var err error
			if expr, err = b.connection(conn, alias, NewPageArgs(f.First, nil).First, f.Fields); err != nil {
				return "", err
			}
		}
		parts = append(parts, quoteKey(f.Key), expr)
	}
	return "json_build_object(" + strings.Join(parts, ", ") + ")", nil
}

// connection builds a connection's JSON object: its nodes (a page of first
// rows in the connection's order) and totalCount, under the parent row alias
// (none at the top).
func (b *jsonBuilder) connection(c jsonConnection, parent string, first int, sel []ReadField) (string, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return "", ErrNotCompilable
	}
	where := "account_id = $1"
	if c.parentCol != "" {
		where += fmt.Sprintf(" AND %s = %s.id", c.parentCol, parent)
	}
	parts := make([]string, 0, 2*len(sel))
	for _, f := range sel {
		var expr string
		switch f.Name {
		case "__typename":
			expr = "'" + c.name + "'::text"
		case "totalCount":
			expr = fmt.Sprintf("(SELECT count(*) FROM %s WHERE %s)", c.table, where)
		case "nodes":
			row := b.alias()
			node, err := b.object(c.node, row, f.Fields)
			if err != nil {
				return "", err
			}
			expr = fmt.Sprintf("(SELECT coalesce(json_agg(%s ORDER BY %s), '[]') FROM (SELECT * FROM %s WHERE %s ORDER BY %s LIMIT %d) %s)",
				node, prefixed(row, c.order), c.table, where, c.order, first, row)
		default:
			return "", ErrNotCompilable
		}
		parts = append(parts, quoteKey(f.Key), expr)
	}
	return "json_build_object(" + strings.Join(parts, ", ") + ")", nil
}

// documentsJSON builds the contact's documents with their selected fields.
func documentsJSON(alias string, sel []ReadField) (string, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return "", ErrNotCompilable
	}
	parts := make([]string, 0, 2*len(sel))
	for _, f := range sel {
		var expr string
		switch f.Name {
		case "name", "url":
			expr = "d->>'" + f.Name + "'"
		case "__typename":
			expr = "'Document'::text"
		default:
			return "", ErrNotCompilable
		}
		parts = append(parts, quoteKey(f.Key), expr)
	}
	return fmt.Sprintf("(SELECT coalesce(json_agg(json_build_object(%s) ORDER BY n), '[]') FROM jsonb_array_elements(coalesce(%s.documents, '[]')) WITH ORDINALITY AS x(d, n))",
		strings.Join(parts, ", "), alias), nil
}

// prefixed qualifies each column of an ORDER BY list with alias.
func prefixed(alias, order string) string {
	cols := strings.Split(order, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// quoteKey writes a response key as an SQL string literal. GraphQL names
// are [_A-Za-z][_0-9A-Za-z]*, so they need no escaping; anything else is
// refused by the parser before it gets here.
func quoteKey(k string) string { return "'" + k + "'" }
