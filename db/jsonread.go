package db

import (
	"bytes"
	"context"
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
// cursor, search or label) with selection sel, read in one statement: one
// row per contact of the page, the connection's own columns (totalCount)
// repeated on each; with no nodes selected or first 0, one row of the
// connection's columns. With a Guard (a not yet verified caller) the
// statement also verifies the token, and an empty result is ErrUnverified.
// ErrNotCompilable when sel uses a field the reader does not build; other
// errors are the database's, wrapped.
func (s *Store) ContactsJSON(ctx context.Context, a contact.Actor, g Guard, first *int, sel []ReadField) ([]byte, error) {
	b := jsonBuilder{args: []any{a.AccountID}}
	b.guard = b.guardSQL(g, a)
	n := NewPageArgs(first, nil).First
	cols, conn, err := b.connection(connections["contacts"], "", n, sel)
	if err != nil {
		return nil, err
	}
	var query string
	if b.page == "" || n == 0 {
		// $1 is named even when the selection reads no table (only
		// __typename), so PostgreSQL always knows its type.
		query = "SELECT " + strings.Join(append(cols, "NULL"), ", ") + " WHERE $1::uuid IS NOT NULL" + b.guard
	} else {
		query = "SELECT " + strings.Join(append(cols, b.pageCols...), ", ") + " " + b.page
	}
	rows, err := s.readRows(ctx, query, b.args, max(len(cols)+len(b.pageCols), len(cols)+1))
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 && b.guard != "" {
		return nil, ErrUnverified
	}
	own := make([]element, len(cols))
	switch {
	case len(rows) > 0:
		own = rows[0][:len(cols)]
	default:
		// An empty first page (first > 0, no cursor or filter) is an
		// account without contacts: the connection's own columns, counts,
		// are 0.
		for i := range own {
			own[i] = element{text: []byte("0")}
		}
	}
	if b.page == "" || n == 0 {
		rows = nil
	}
	out := newJSON(rows)
	if err := writePage(out, conn.fields, own, rows); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// ContactJSON returns the JSON of Query.contact(id): the contact, following
// the redirect a merge leaves, or null. With a Guard, as ContactsJSON (no
// contact is ErrUnverified). ErrNotCompilable as ContactsJSON.
func (s *Store) ContactJSON(ctx context.Context, a contact.Actor, g Guard, id string, sel []ReadField) ([]byte, error) {
	b := jsonBuilder{args: []any{a.AccountID}}
	cols, fields, err := b.object(contactType, "c", sel)
	if err != nil {
		return nil, err
	}
	if id = contact.CanonicalID(id); id == "" {
		if g.Token != "" {
			return nil, ErrUnverified // no statement to verify the token in
		}
		return []byte("null"), nil
	}
	cols, fields = placeholder(cols, fields)
	p := b.param(id)
	guard := b.guardSQL(g, a)
	return s.readObject(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM contacts c WHERE c.account_id = $1 AND c.id = COALESCE(
		(SELECT r.new_contact_id FROM contact_redirects r WHERE r.account_id = $1 AND r.old_contact_id = `+p+`), `+p+`::uuid)`+guard,
		b.args, fields, len(cols), guard != "")
}

// readObject runs a statement returning at most one row of width text
// columns and writes it as the JSON object of fields (no row: null, or
// ErrUnverified for a guarded read).
func (s *Store) readObject(ctx context.Context, query string, args []any, fields []render, width int, guarded bool) ([]byte, error) {
	rows, err := s.readRows(ctx, query, args, width)
	if err == nil && len(rows) == 0 && guarded {
		return nil, ErrUnverified
	}
	if err != nil || len(rows) == 0 {
		return []byte("null"), err
	}
	out := newJSON(rows)
	if _, err := writeObject(out, fields, rows[0]); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// readRows runs a statement returning rows of width text columns.
func (s *Store) readRows(ctx context.Context, query string, args []any, width int) ([][]element, error) {
	raw := make([][]byte, width)
	dest := make([]any, width)
	for i := range raw {
		dest[i] = &raw[i]
	}
	var rows [][]element
	err := s.rd.ScanRows(ctx, query, args, dest, func() error {
		row := make([]element, width)
		for i, r := range raw {
			row[i] = element{text: r, null: r == nil}
			raw[i] = nil
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read json: %w", err)
	}
	return rows, nil
}

// newJSON returns a buffer sized for the JSON of rows.
func newJSON(rows [][]element) *bytes.Buffer {
	size := 64
	for _, r := range rows {
		for _, e := range r {
			size += len(e.text) + len(e.text)/8
		}
	}
	return bytes.NewBuffer(make([]byte, 0, size))
}

// placeholder gives an object that selects no column (only __typename) one
// NULL element, so its row or array is never empty.
func placeholder(cols []string, fields []render) ([]string, []render) {
	if len(cols) > 0 {
		return cols, fields
	}
	return []string{"NULL::text"}, append(fields, render{kind: renderSkip})
}

// jsonType describes an object type the reader builds: its GraphQL name, its
// scalar fields as text-valued SQL over the row alias (written %[1]s) with
// how each is written, and its connections.
type jsonType struct {
	name        string
	scalars     map[string]column
	connections map[string]jsonConnection
}

// column is a scalar field: a text-valued SQL expression over the row alias
// and how its text is written.
type column struct {
	sql  string
	kind renderKind
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

// Shorthands for the scalar columns below.
func text(sql string) column    { return column{sql: sql, kind: renderString} }
func stamp(col string) column   { return column{sql: col + "::text", kind: renderTime} }
func literal(sql string) column { return column{sql: sql + "::text", kind: renderRaw} }

// The types and connections the reader builds. Table and column names are
// constants here, never input.
var (
	messageType = &jsonType{name: "Message", scalars: map[string]column{
		"id": text("%[1]s.id::text"), "content": text("%[1]s.content"), "senderType": text("%[1]s.sender_type"),
		"createdAt": stamp("%[1]s.created_at"),
	}}
	conversationType = &jsonType{name: "Conversation", scalars: map[string]column{
		"id": text("%[1]s.id::text"), "channel": text("%[1]s.channel"), "subject": text("%[1]s.subject"),
		"status": text("%[1]s.status"), "createdAt": stamp("%[1]s.created_at"), "updatedAt": stamp("%[1]s.updated_at"),
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
func contactScalars() map[string]column {
	out := map[string]column{
		"id":   text("%[1]s.id::text"),
		"name": text("btrim(coalesce(%[1]s.first_name, '') || ' ' || coalesce(%[1]s.last_name, ''))"),
		"emails": {sql: "array(SELECT e.email FROM contact_emails e " +
			"WHERE e.account_id = %[1]s.account_id AND e.contact_id = %[1]s.id ORDER BY e.position)::text", kind: renderStrings},
		"email": text("(SELECT e.email FROM contact_emails e WHERE e.account_id = %[1]s.account_id AND e.contact_id = %[1]s.id " +
			"ORDER BY e.position LIMIT 1)"),
		"phoneNumbers": {sql: "array(SELECT p.phone_number FROM contact_phone_numbers p " +
			"WHERE p.account_id = %[1]s.account_id AND p.contact_id = %[1]s.id ORDER BY p.position)::text", kind: renderStrings},
		"phoneNumber": text("(SELECT p.phone_number FROM contact_phone_numbers p WHERE p.account_id = %[1]s.account_id AND p.contact_id = %[1]s.id " +
			"ORDER BY p.position LIMIT 1)"),
		"version":        literal("%[1]s.version"),
		"createdAt":      stamp("%[1]s.created_at"),
		"updatedAt":      stamp("%[1]s.updated_at"),
		"lastActivityAt": stamp("%[1]s.last_activity_at"),
	}
	for _, f := range storedColumns() {
		col := "%[1]s." + f.Column
		switch {
		case f.Kind == contact.TextField:
			out[f.Name] = text(col)
		case f.Kind == contact.FlagField:
			out[f.Name] = literal(col)
		case f.Kind == contact.ObjectField:
			out[f.Name] = literal("coalesce(" + col + ", '{}')")
		case f.Name == "labels":
			out[f.Name] = column{sql: "coalesce(" + col + ", '{}')::text", kind: renderStrings}
		}
		// Other sets (assignees, documents) are objects in the schema:
		// documents are built by documentsColumn, assignees are not
		// compiled.
	}
	return out
}

// maxObjectFields bounds the fields of one built object.
const maxObjectFields = 50

// jsonBuilder builds one statement; args holds its parameters ($1 is the
// account).
type jsonBuilder struct {
	args  []any
	depth int
	// The top connection's page, when its nodes are selected: the FROM
	// clause of its rows (ordered and limited), their alias, and the
	// columns of every nodes selection, which follow the connection's own.
	page, pageAlias string
	pageCols        []string
	// guard is the condition a Guard adds to the top rows' WHERE ("" for
	// none).
	guard string
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

// object returns the text elements of type t's selection sel over the row
// alias, and how to write them.
func (b *jsonBuilder) object(t *jsonType, alias string, sel []ReadField) ([]string, []render, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return nil, nil, ErrNotCompilable
	}
	var cols []string
	fields := make([]render, 0, len(sel))
	for _, f := range sel {
		key := quoteKey(f.Key)
		switch {
		case f.Name == "__typename":
			fields = append(fields, render{key: key, kind: renderConst, text: `"` + t.name + `"`})
		case f.Name == "documents" && t == contactType:
			col, docs, err := documentsColumn(alias, f.Fields)
			if err != nil {
				return nil, nil, err
			}
			cols = append(cols, col)
			fields = append(fields, render{key: key, kind: renderObjects, fields: docs})
		case t.scalars[f.Name].sql != "" && len(f.Fields) == 0:
			c := t.scalars[f.Name]
			cols = append(cols, fmt.Sprintf(c.sql, alias))
			fields = append(fields, render{key: key, kind: c.kind})
		default:
			conn, ok := t.connections[f.Name]
			if !ok {
				return nil, nil, ErrNotCompilable
			}
			sub, r, err := b.connection(conn, alias, NewPageArgs(f.First, nil).First, f.Fields)
			if err != nil {
				return nil, nil, err
			}
			r.key = key
			cols = append(cols, sub...)
			fields = append(fields, r)
		}
	}
	return cols, fields, nil
}

// connection returns the text elements of a connection's selection (its
// nodes, a page of first rows in the connection's order, and totalCount)
// under the parent row alias (none at the top), and how to write them.
func (b *jsonBuilder) connection(c jsonConnection, parent string, first int, sel []ReadField) ([]string, render, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return nil, render{}, ErrNotCompilable
	}
	where := "account_id = $1"
	if c.parentCol != "" {
		where += fmt.Sprintf(" AND %s = %s.id", c.parentCol, parent)
	}
	var cols []string
	conn := render{kind: renderObject}
	for _, f := range sel {
		key := quoteKey(f.Key)
		switch f.Name {
		case "__typename":
			conn.fields = append(conn.fields, render{key: key, kind: renderConst, text: `"` + c.name + `"`})
		case "totalCount":
			cols = append(cols, fmt.Sprintf("(SELECT count(*) FROM %s WHERE %s)::text", c.table, where))
			conn.fields = append(conn.fields, render{key: key, kind: renderRaw})
		case "nodes":
			row := b.pageAlias // every nodes selection at the top reads the page's rows
			if parent != "" || b.page == "" {
				row = b.alias()
			}
			nodeCols, node, err := b.object(c.node, row, f.Fields)
			if err != nil {
				return nil, render{}, err
			}
			nodeCols, node = placeholder(nodeCols, node)
			if parent == "" {
				// At the top, the page's rows are the statement's rows.
				if b.page == "" {
					b.pageAlias = row
					b.page = fmt.Sprintf("FROM %s %s WHERE %s.%s%s ORDER BY %s LIMIT %d", c.table, row, row, where, b.guard, prefixed(row, c.order), first)
				}
				conn.fields = append(conn.fields, render{key: key, kind: renderRows, fields: node, at: len(b.pageCols)})
				b.pageCols = append(b.pageCols, nodeCols...)
				continue
			}
			cols = append(cols, fmt.Sprintf("array(SELECT ARRAY[%s] FROM %s %s WHERE %s.%s ORDER BY %s LIMIT %d)::text",
				strings.Join(nodeCols, ", "), c.table, row, row, strings.ReplaceAll(where, " AND ", " AND "+row+"."), prefixed(row, c.order), first))
			conn.fields = append(conn.fields, render{key: key, kind: renderObjects, fields: node})
		default:
			return nil, render{}, ErrNotCompilable
		}
	}
	return cols, conn, nil
}

// documentsColumn returns the text element of the contact's documents with
// their selected fields (a two-dimensional array, in stored order) and how
// to write each document.
func documentsColumn(alias string, sel []ReadField) (string, []render, error) {
	if len(sel) == 0 || len(sel) > maxObjectFields {
		return "", nil, ErrNotCompilable
	}
	var cols []string
	var fields []render
	for _, f := range sel {
		key := quoteKey(f.Key)
		switch f.Name {
		case "name", "url":
			cols = append(cols, "d->>'"+f.Name+"'")
			fields = append(fields, render{key: key, kind: renderString})
		case "__typename":
			fields = append(fields, render{key: key, kind: renderConst, text: `"Document"`})
		default:
			return "", nil, ErrNotCompilable
		}
	}
	cols, fields = placeholder(cols, fields)
	return fmt.Sprintf("array(SELECT ARRAY[%s] FROM jsonb_array_elements(coalesce(%s.documents, '[]')) WITH ORDINALITY AS x(d, n) ORDER BY n)::text",
		strings.Join(cols, ", "), alias), fields, nil
}

// prefixed qualifies each column of an ORDER BY list with alias.
func prefixed(alias, order string) string {
	cols := strings.Split(order, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// quoteKey writes a response key as a JSON object key with its colon.
// GraphQL names are [_A-Za-z][_0-9A-Za-z]*, so they need no escaping;
// anything else is refused by the parser before it gets here.
func quoteKey(k string) string { return `"` + k + `":` }
