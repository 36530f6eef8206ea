package db

import (
	"net/mail"
	"strings"
)

// NormalizeEmail trims and lower-cases an email address and reports whether
// it is a plain, valid address (local@domain.tld, no display name).
func NormalizeEmail(s string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" || len(e) > 254 {
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
// input had that shape.
func NormalizePhone(s string) (string, bool) {
	t := strings.TrimSpace(s)
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
