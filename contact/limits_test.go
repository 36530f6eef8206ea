package contact

import (
	"strings"
	"testing"
)

// TestCheckLength checks that limits count characters, not bytes, and that
// optional values are measured trimmed, as they are stored.
func TestCheckLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *string
		max  int
		ok   bool
	}{
		{"nil", nil, 1, true},
		{"at the limit in two-byte characters", new(strings.Repeat("é", 255)), 255, true},
		{"one over", new(strings.Repeat("é", 256)), 255, false},
		{"four-byte characters", new(strings.Repeat("😀", 255)), 255, true},
		{"surrounding spaces are not counted", new("  " + strings.Repeat("x", 255) + "  "), 255, true},
	} {
		var errs UserErrors
		if ok := CheckOptLength(&errs, tc.s, tc.max, "input", "f"); ok != tc.ok || (len(errs) == 0) != tc.ok {
			t.Errorf("%s: ok = %v, errors %v; want ok = %v", tc.name, ok, errs, tc.ok)
		}
		if !tc.ok && (errs[0].Code != Invalid || strings.Join(errs[0].Field, ".") != "input.f") {
			t.Errorf("%s: error %+v, want INVALID at input.f", tc.name, errs[0])
		}
	}
}
