package contact

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
)

// JSONObject is a JSON object stored as jsonb and carried as an object in the
// API (the GraphQL JSON scalar).
type JSONObject map[string]any

// Scan reads a jsonb object.
func (o *JSONObject) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		if s, isStr := src.(string); isStr {
			b = []byte(s)
		} else if src == nil {
			*o = JSONObject{}
			return nil
		} else {
			return fmt.Errorf("JSONObject: cannot scan %T", src)
		}
	}
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep integers beyond 2^53 exact
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("JSONObject: %w", err)
	}
	*o = m
	return nil
}

// Value writes the object as JSON text ({} for nil). It is a string, not
// bytes: the store sends byte parameters in binary form, which jsonb does
// not take as text.
func (o JSONObject) Value() (driver.Value, error) {
	if o == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]any(o))
	if err != nil {
		return nil, fmt.Errorf("JSONObject: %w", err)
	}
	return string(b), nil
}

// MarshalGQL writes the object as a JSON object.
func (o JSONObject) MarshalGQL(w io.Writer) {
	if o == nil {
		io.WriteString(w, "{}") //nolint:errcheck // the writer reports its own errors
		return
	}
	b, err := json.Marshal(map[string]any(o))
	if err != nil {
		io.WriteString(w, "null") //nolint:errcheck // the writer reports its own errors
		return
	}
	w.Write(b) //nolint:errcheck // the writer reports its own errors
}

// UnmarshalGQL accepts a JSON object whose numbers can be stored; anything
// else is an INVALID user error.
func (o *JSONObject) UnmarshalGQL(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return UserErrors{{Code: Invalid, Message: "must be a JSON object, not " + jsonKind(v)}}
	}
	if err := checkJSON(m); err != nil {
		return err
	}
	*o = m
	return nil
}

// jsonKind names the JSON type of a decoded value for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

// Documents is a contact's document list, stored as a jsonb array.
type Documents []Document

// Scan reads a jsonb array of documents.
func (d *Documents) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		if src == nil {
			*d = Documents{}
			return nil
		}
		return fmt.Errorf("Documents: cannot scan %T", src)
	}
	out := Documents{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("Documents: %w", err)
	}
	*d = out
	return nil
}

// Value writes the documents as a JSON array, as text (see JSONObject.Value).
func (d Documents) Value() (driver.Value, error) {
	if d == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Document(d))
	if err != nil {
		return nil, fmt.Errorf("Documents: %w", err)
	}
	return string(b), nil
}
