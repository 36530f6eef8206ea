package pgtest

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
)

// randomHex returns 16 random lowercase hex digits, for database names.
func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withDBName returns dsn (URL or key=value form) pointing at database name.
// Names are generated from [a-z0-9_], so they need no quoting.
func withDBName(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path, u.RawPath = "/"+name, ""
			return u.String()
		}
	}
	return dsn + " dbname=" + name // a later key overrides an earlier one
}
