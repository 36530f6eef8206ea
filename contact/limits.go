package contact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length limits of stored text, in characters (Unicode code points) unless
// said otherwise. Every string a mutation stores is checked against its
// limit before the first write (INVALID at the input path), so no input
// reaches a database limit such as the size of an index entry. The schema
// documents each limit on its field; keep the two in step.
const (
	// MaxNameLength bounds short texts: first and last names, identifiers,
	// status, pipeline ids and stages, outreach config ids, labels, source
	// ids, inbox names and channel types, conversation channels, job titles
	// and application statuses, document names, user and account names.
	MaxNameLength = 255
	// MaxEmailLength bounds an email address, in bytes after normalisation
	// (RFC 5321's limit for a path).
	MaxEmailLength = 254
	// MaxPhoneLength bounds a phone number as given, separators included
	// (stored in E.164, at most 16 characters).
	MaxPhoneLength = 64
	// MaxURLLength bounds URLs: thumbnails and document URLs.
	MaxURLLength = 2048
	// MaxTitleLength bounds one-line titles: conversation subjects and
	// reminder titles.
	MaxTitleLength = 1000
	// MaxTextLength bounds free text: note and message contents.
	MaxTextLength = 65536
)

// CheckLength adds an INVALID user error at path when s has more than max
// characters, and reports whether s fits.
func CheckLength(errs *UserErrors, s string, max int, path ...string) bool {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return true
	}
	errs.Add(Invalid, fmt.Sprintf("must be at most %d characters long", max), path...)
	return false
}

// CheckOptLength is CheckLength for an optional value, measured trimmed as
// it is stored; nil always fits.
func CheckOptLength(errs *UserErrors, s *string, max int, path ...string) bool {
	return s == nil || CheckLength(errs, strings.TrimSpace(*s), max, path...)
}
