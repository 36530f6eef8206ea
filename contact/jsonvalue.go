package contact

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxJSONNumberLength bounds the text of one number in a JSON value.
const MaxJSONNumberLength = 100

// ValidJSONNumber reports whether the JSON number text n can be stored and
// read back: at most MaxJSONNumberLength characters and within the range of
// a 64-bit float, neither overflowing nor underflowing to zero.
func ValidJSONNumber(n string) bool {
	if len(n) > MaxJSONNumberLength {
		return false
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return false
	}
	if f == 0 {
		mantissa, _, _ := strings.Cut(strings.ToLower(n), "e")
		return !strings.ContainsAny(mantissa, "123456789")
	}
	return true
}

// checkJSON returns an INVALID user error when a decoded JSON value holds a
// number ValidJSONNumber refuses.
func checkJSON(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			if err := checkJSON(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := checkJSON(e); err != nil {
				return err
			}
		}
	case json.Number:
		if !ValidJSONNumber(string(v)) {
			return invalidJSONNumber(string(v))
		}
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return invalidJSONNumber(fmt.Sprint(v))
		}
	}
	return nil
}

// invalidJSONNumber is the user error for a number that cannot be stored.
func invalidJSONNumber(n string) error {
	if len(n) > 20 {
		n = n[:20] + "…"
	}
	return UserErrors{{Code: Invalid, Message: fmt.Sprintf("JSON number %s is out of range (numbers must fit a 64-bit float and have at most %d characters)", n, MaxJSONNumberLength)}}
}
