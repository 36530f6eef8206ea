package contact

import (
	"fmt"
	"time"
)

// The range of times the API accepts: years 1900 to 9999, UTC offsets up to
// 15:59 either way (what PostgreSQL stores).
var (
	MinTime   = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime   = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxOffset = 16*3600 - 60
)

// ParseTime parses an RFC 3339 timestamp within MinTime..MaxTime whose UTC
// offset PostgreSQL accepts. Anything else, the empty string included, is an
// INVALID user error.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, invalidTime(fmt.Sprintf("%q is not an RFC 3339 timestamp such as 2024-05-01T09:30:00Z", clip(s, 40)))
	}
	if _, off := t.Zone(); off > maxOffset || off < -maxOffset {
		return time.Time{}, invalidTime("the UTC offset must be between -15:59 and +15:59")
	}
	if t.Before(MinTime) || !t.Before(MaxTime) {
		return time.Time{}, invalidTime("the time must be between the years 1900 and 9999")
	}
	return t, nil
}

// invalidTime is the user error for a refused timestamp.
func invalidTime(msg string) error { return UserErrors{{Code: Invalid, Message: msg}} }

// clip shortens s to at most n bytes for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
