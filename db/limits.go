package db

// Length limits of stored text. Every string a mutation stores is checked
// against its limit before the first write (INVALID at the input path), so
// no input reaches a database limit such as the size of an index entry.
// The schema documents each limit on its field.
const (
	// MaxEmailLength bounds an email address, in bytes after normalisation (RFC 5321).
	MaxEmailLength = 254
)
