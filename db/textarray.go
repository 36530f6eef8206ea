package db

import (
	"bytes"
	"errors"
)

// A compiled read (jsonread.go) has PostgreSQL return each object as the
// elements of a text array and each list of objects as a two-dimensional
// text array (PostgreSQL's array text format); this file turns those
// values into the JSON answer. Building JSON objects in PostgreSQL costs
// several times more there than building text arrays, and this
// translation is one pass over the bytes.

// renderKind says how one selected field is written.
type renderKind int

const (
	// renderString is a text element written as a JSON string (NULL: null).
	renderString renderKind = iota
	// renderRaw is a text element that is JSON already: a number, true or
	// false, or a jsonb value (NULL: null).
	renderRaw
	// renderTime is a timestamptz element in PostgreSQL's ISO output at
	// UTC, written as RFC 3339 with the fraction's trailing zeros dropped
	// (as the Time scalar writes it).
	renderTime
	// renderStrings is a one-dimensional text array written as a JSON
	// array of strings.
	renderStrings
	// renderObjects is a two-dimensional text array, one row per object,
	// written as a JSON array of objects with fields.
	renderObjects
	// renderObject is an object whose fields take the following elements
	// of the same row (a connection: nodes, totalCount).
	renderObject
	// renderRows is the top connection's nodes: one object with fields per
	// row of the statement, from the row's elements at the render's offset
	// among the nodes selections' elements; it takes no element of the
	// connection's.
	renderRows
	// renderConst writes text and takes no element (__typename).
	renderConst
	// renderSkip takes an element and writes nothing (the placeholder of an
	// object that selects no column).
	renderSkip
)

// render is one selected field: its response key written as JSON with its
// colon ("key":), how it is written, the fields of an object, and the
// constant of renderConst.
type render struct {
	key    string
	kind   renderKind
	fields []render
	text   string
	at     int
}

// width is the number of row elements r takes.
func (r render) width() int {
	switch r.kind {
	case renderConst, renderRows:
		return 0
	case renderObject:
		n := 0
		for _, f := range r.fields {
			n += f.width()
		}
		return n
	}
	return 1
}

// element is one array element or column: its text (escapes removed) and
// whether it is NULL.
type element struct {
	text []byte
	null bool
}

// errArrayText reports a value that is not PostgreSQL array text of the
// shape the statement builds.
var errArrayText = errors.New("compiled read: malformed array text")

// writePage writes the top connection (fields) from its own elements
// (own) and the statement's rows, one per node: the connection's elements
// (skipped), then the elements of each nodes selection.
func writePage(out *bytes.Buffer, fields []render, own []element, rows [][]element) error {
	out.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString(f.key)
		if f.kind != renderRows {
			var err error
			if own, err = writeField(out, f, own); err != nil {
				return err
			}
			continue
		}
		out.WriteByte('[')
		for j, r := range rows {
			if j > 0 {
				out.WriteByte(',')
			}
			start := rowWidth(fields) + f.at
			if start > len(r) {
				return errArrayText
			}
			if _, err := writeObject(out, f.fields, r[start:]); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	}
	out.WriteByte('}')
	return nil
}

// rowWidth is the number of row elements fields take.
func rowWidth(fields []render) int {
	return render{kind: renderObject, fields: fields}.width()
}

// writeObject writes the JSON object of fields from row, whose elements are
// taken in order; it returns the elements not taken.
func writeObject(out *bytes.Buffer, fields []render, row []element) ([]element, error) {
	out.WriteByte('{')
	wrote := false
	for _, f := range fields {
		if f.kind == renderSkip {
			if len(row) == 0 {
				return nil, errArrayText
			}
			row = row[1:]
			continue
		}
		if wrote {
			out.WriteByte(',')
		}
		wrote = true
		out.WriteString(f.key)
		var err error
		if row, err = writeField(out, f, row); err != nil {
			return nil, err
		}
	}
	out.WriteByte('}')
	return row, nil
}

// writeField writes the value of f, taking its elements from row.
func writeField(out *bytes.Buffer, f render, row []element) ([]element, error) {
	switch f.kind {
	case renderConst:
		out.WriteString(f.text)
		return row, nil
	case renderObject:
		return writeObject(out, f.fields, row)
	}
	if len(row) == 0 {
		return nil, errArrayText
	}
	e := row[0]
	row = row[1:]
	if e.null {
		out.WriteString("null")
		return row, nil
	}
	switch f.kind {
	case renderString:
		writeString(out, e.text)
	case renderRaw:
		out.Write(e.text)
	case renderTime:
		return row, writeTime(out, e.text)
	case renderStrings:
		return row, writeStrings(out, e.text)
	case renderObjects:
		return row, writeObjects(out, f.fields, e.text)
	}
	return row, nil
}

// writeStrings writes a one-dimensional text array as a JSON array.
func writeStrings(out *bytes.Buffer, text []byte) error {
	items, rest, err := parseArray(text, nil)
	if err != nil || len(rest) != 0 {
		return errArrayText
	}
	out.WriteByte('[')
	for i, e := range items {
		if i > 0 {
			out.WriteByte(',')
		}
		if e.null {
			out.WriteString("null")
		} else {
			writeString(out, e.text)
		}
	}
	out.WriteByte(']')
	return nil
}

// writeObjects writes a two-dimensional text array (or {} for none) as a
// JSON array of objects with fields.
func writeObjects(out *bytes.Buffer, fields []render, text []byte) error {
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return errArrayText
	}
	out.WriteByte('[')
	body := text[1 : len(text)-1]
	var row []element
	for first := true; len(body) > 0; first = false {
		if !first {
			if body[0] != ',' {
				return errArrayText
			}
			body = body[1:]
		}
		var err error
		if row, body, err = parseArray(body, row[:0]); err != nil {
			return err
		}
		if !first {
			out.WriteByte(',')
		}
		left, err := writeObject(out, fields, row)
		if err != nil {
			return err
		}
		if len(left) != 0 {
			return errArrayText
		}
	}
	out.WriteByte(']')
	return nil
}

// parseArray reads one one-dimensional array literal ({a,"b c",NULL}) at
// the start of text, appending its elements to into; rest is what follows
// the closing brace.
func parseArray(text []byte, into []element) (items []element, rest []byte, err error) {
	if len(text) < 2 || text[0] != '{' {
		return nil, nil, errArrayText
	}
	i := 1
	if text[i] == '}' {
		return into, text[2:], nil
	}
	for {
		var e element
		if text[i] == '"' {
			if e.text, i, err = unquote(text, i+1); err != nil {
				return nil, nil, err
			}
		} else {
			start := i
			for i < len(text) && text[i] != ',' && text[i] != '}' {
				i++
			}
			e.text = text[start:i]
			e.null = string(e.text) == "NULL"
		}
		into = append(into, e)
		if i >= len(text) {
			return nil, nil, errArrayText
		}
		if text[i] == '}' {
			return into, text[i+1:], nil
		}
		i++ // the comma
		if i >= len(text) {
			return nil, nil, errArrayText
		}
	}
}

// unquote reads a quoted element whose text starts at text[i] and returns
// it without its backslash escapes (a sub-slice when it has none) and the
// index after the closing quote.
func unquote(text []byte, i int) ([]byte, int, error) {
	start := i
	for i < len(text) && text[i] != '"' && text[i] != '\\' {
		i++
	}
	if i < len(text) && text[i] == '"' {
		return text[start:i], i + 1, nil
	}
	buf := append([]byte(nil), text[start:i]...)
	for i < len(text) {
		switch c := text[i]; c {
		case '"':
			return buf, i + 1, nil
		case '\\':
			if i+1 >= len(text) {
				return nil, 0, errArrayText
			}
			buf = append(buf, text[i+1])
			i += 2
		default:
			buf = append(buf, c)
			i++
		}
	}
	return nil, 0, errArrayText
}

// writeTime writes PostgreSQL's ISO timestamptz output at UTC
// (2026-01-02 03:04:05.6+00) as RFC 3339 (2026-01-02T03:04:05.6Z).
func writeTime(out *bytes.Buffer, text []byte) error {
	if len(text) < 22 || text[10] != ' ' || string(text[len(text)-3:]) != "+00" {
		return errArrayText
	}
	out.WriteByte('"')
	out.Write(text[:10])
	out.WriteByte('T')
	out.Write(text[11 : len(text)-3])
	out.WriteString(`Z"`)
	return nil
}

// writeString writes s as a JSON string, escaped as the GraphQL String
// scalar writes it.
func writeString(out *bytes.Buffer, s []byte) {
	const hex = "0123456789ABCDEF"
	out.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		out.Write(s[start:i])
		switch c {
		case '\t':
			out.WriteString(`\t`)
		case '\r':
			out.WriteString(`\r`)
		case '\n':
			out.WriteString(`\n`)
		case '\\':
			out.WriteString(`\\`)
		case '"':
			out.WriteString(`\"`)
		default:
			out.WriteString(`\u00`)
			out.WriteByte(hex[c>>4])
			out.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	out.Write(s[start:])
	out.WriteByte('"')
}
