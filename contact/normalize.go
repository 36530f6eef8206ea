package contact

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeEmail trims and lower-cases an email address, puts it in Unicode
// NFC (so spellings that differ only by normalisation are one address) and
// reports whether it is a plain, valid address (local@domain.tld, no display
// name, no control or invisible characters, at most MaxEmailLength bytes).
func NormalizeEmail(s string) (string, bool) {
	t := trimSpaces(s)
	if hasHiddenRune(t) {
		return t, false
	}
	e := norm.NFC.String(strings.ToLower(t))
	if e == "" || len(e) > MaxEmailLength {
		return e, false
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return e, false
	}
	at := strings.LastIndexByte(e, '@')
	domain := e[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return e, false
	}
	return e, true
}

// NormalizePhone converts a phone number written as "+", a country code and
// digits, optionally separated by spaces, dashes, dots or parentheses, to
// E.164 ("+" and 8 to 15 digits, the first not 0). It reports whether the
// input had that shape; control and invisible characters never do.
func NormalizePhone(s string) (string, bool) {
	t := trimSpaces(s)
	if hasHiddenRune(t) {
		return t, false
	}
	if !strings.HasPrefix(t, "+") {
		return t, false
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range t[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return t, false
		}
	}
	out := b.String()
	digits := len(out) - 1
	if digits < 8 || digits > 15 || out[1] == '0' {
		return t, false
	}
	return out, true
}

// trimSpaces removes leading and trailing space characters (Unicode Zs,
// such as ASCII and no-break spaces), but not control characters such as
// tabs and newlines, which make an address invalid.
func trimSpaces(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.Is(unicode.Zs, r) })
}

// hasHiddenRune reports whether s is not valid UTF-8 or holds a character
// an address must not contain: a control character (Unicode category Cc,
// tab and newline included), a format character (Cf: bidirectional
// overrides such as U+202E, zero-width space/joiners, the byte order mark,
// soft hyphen…), a private-use character (Co), a line or paragraph
// separator, a space other than ASCII space (Zs, e.g. a no-break space),
// a variation selector or another default-ignorable (invisible) code point.
// ASCII spaces pass: phone numbers may use them as separators.
func hasHiddenRune(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Zs, unicode.Zl, unicode.Zp,
			unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) {
			return true
		}
	}
	return false
}
