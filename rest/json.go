package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// rawJSON is one undecoded JSON value of a body.
type rawJSON = json.RawMessage

// decodeStrict decodes the JSON body data into v, refusing unknown
// fields, trailing data and wrong types with a 400 naming the field.
func decodeStrict(data []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		return invalid("", "the body holds more than one JSON value")
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return invalid("", "the body is empty: send a JSON object")
	case errors.As(err, &syntax):
		return invalid("", fmt.Sprintf("the body is not valid JSON (at byte %d)", syntax.Offset))
	case errors.As(err, &typ):
		fail := invalid(typ.Field, fmt.Sprintf("%s cannot be a JSON %s", fieldName(typ.Field), typ.Value))
		fail.got = typ.Value
		return fail
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(name, fmt.Sprintf("%s is not a field of this request", name))
	default:
		return invalid("", "the body could not be decoded: send a JSON object")
	}
}

// fieldName names a field in a message ("the body" for none).
func fieldName(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

// mustMarshal encodes a value built from decoded JSON (which always
// encodes).
func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("rest: re-encoding decoded JSON: %v", err))
	}
	return b
}

// sortedKeys returns m's keys in order, so that records and fields are
// checked, and their errors reported, the same way every time.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// isNull reports whether raw is JSON null.
func isNull(raw rawJSON) bool { return string(bytes.TrimSpace(raw)) == "null" }

// str returns raw's string value, if raw is a JSON string.
func str(raw rawJSON) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	return s, json.Unmarshal(raw, &s) == nil
}
