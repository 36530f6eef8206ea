package db_test

import (
	"testing"

	"contactid/db"
)

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+1 (415) 555-0100", "+14155550100", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"+33.1.23.45.67.89", "+33123456789", true},
		{" +49-30-1234567 ", "+49301234567", true},
		{"+1234567", "", false},          // 7 digits
		{"+1234567890123456", "", false}, // 16 digits
		{"415 555 0100", "", false},      // no +
		{"+0 415 555 0100", "", false},   // country code cannot start with 0
		{"+1 415 CALL NOW", "", false},   // letters
		{"+1 415/555/0100", "", false},   // other separators
		{"++14155550100", "", false},
	} {
		got, ok := db.NormalizePhone(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{" Ada@Example.COM ", "ada@example.com", true},
		{"first.last+tag@sub.example.org", "first.last+tag@sub.example.org", true},
		{"no-at-sign", "", false},
		{"a@localhost", "", false},
		{"Ada <ada@example.com>", "", false},
		{"a@b@c.com", "", false},
		{"", "", false},
	} {
		got, ok := db.NormalizeEmail(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzNormalizePhone checks that every accepted number is E.164 and that
// normalising is idempotent.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+1 (415) 555-0100", "+44 20 7946 0958", "12345", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := db.NormalizePhone(s)
		if !ok {
			return
		}
		if len(out) < 9 || len(out) > 16 || out[0] != '+' || out[1] == '0' {
			t.Fatalf("NormalizePhone(%q) = %q is not E.164", s, out)
		}
		for _, r := range out[1:] {
			if r < '0' || r > '9' {
				t.Fatalf("NormalizePhone(%q) = %q has a non-digit", s, out)
			}
		}
		if again, ok := db.NormalizePhone(out); !ok || again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
