package contact_test

import (
	"strings"
	"testing"
	"unicode"

	"contactid/contact"

	"golang.org/x/text/unicode/norm"
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
		{"\u00a0+1 415 555 0100\u00a0", "+14155550100", true}, // surrounding no-break spaces are trimmed
		{"\u202e+14155550100", "", false},                     // right-to-left override
		{"+1 415\u200b555 0100", "", false},                   // zero-width space
		{"\ufeff+14155550100", "", false},                     // byte order mark
		{"+14155550100\t", "", false},                         // control character
		{"+1\u00a0415 555 0100", "", false},                   // inner no-break space
	} {
		got, ok := contact.NormalizePhone(tc.in)
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
		{"bas\u00e9@example.com", "bas\u00e9@example.com", true},  // precomposed é
		{"base\u0301@example.com", "bas\u00e9@example.com", true}, // e + combining acute: NFC
		{"BASE\u0301@EXAMPLE.COM", "bas\u00e9@example.com", true},
		{"\u00a0ada@example.com\u3000", "ada@example.com", true}, // surrounding spaces are trimmed
		{"\u202eada@example.com", "", false},                     // right-to-left override (Cf)
		{"ada\u200b@example.com", "", false},                     // zero-width space (Cf)
		{"ada@exa\u200dmple.com", "", false},                     // zero-width joiner (Cf)
		{"\ufeffada@example.com", "", false},                     // byte order mark (Cf)
		{"ada\u00ad@example.com", "", false},                     // soft hyphen (Cf)
		{"ada@example.com\t", "", false},                         // tab (Cc)
		{"ada\u0085@example.com", "", false},                     // next line (Cc)
		{"ada\ufe0f@example.com", "", false},                     // variation selector
		{"ada\u3164@example.com", "", false},                     // Hangul filler (default ignorable)
		{"ada@exa\u00a0mple.com", "", false},                     // inner no-break space
		{"ada\ue000@example.com", "", false},                     // private use
		{"ada@example.com\xff", "", false},                       // not UTF-8
		{strings.Repeat("a", 243) + "@example.com", "", false},   // 255 bytes
		{strings.Repeat("a", 242) + "@example.com", strings.Repeat("a", 242) + "@example.com", true},
	} {
		got, ok := contact.NormalizeEmail(tc.in)
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
		out, ok := contact.NormalizePhone(s)
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
		if again, ok := contact.NormalizePhone(out); !ok || again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}

// FuzzNormalizeEmail checks that every accepted address is NFC, lower-case,
// free of control and format characters, within the length limit, and that
// normalising is idempotent.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"Ada@Example.com", "base\u0301@example.com", "\u202eada@example.com", "a@b.c", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := contact.NormalizeEmail(s)
		if !ok {
			return
		}
		if !norm.NFC.IsNormalString(out) || strings.ToLower(out) != out || len(out) > contact.MaxEmailLength {
			t.Fatalf("NormalizeEmail(%q) = %q is not NFC, lower-case and short", s, out)
		}
		for _, r := range out {
			if unicode.In(r, unicode.Cc, unicode.Cf) {
				t.Fatalf("NormalizeEmail(%q) = %q holds %U", s, out, r)
			}
		}
		if again, ok := contact.NormalizeEmail(out); !ok || again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
