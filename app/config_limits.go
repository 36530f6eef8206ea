package app

import (
	"fmt"
	"strconv"
	"time"
)

// readLimits reads the request and database limits from the environment into
// c; unset variables keep the defaults of graph.Limits and db.Options. It
// returns an error naming the bad variable.
func readLimits(getenv func(string) string, c *Config) error {
	positiveInt := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("want a positive number")
		}
		return n, nil
	}
	positiveBytes := func(s string) (int64, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("want a positive number of bytes")
		}
		return n, nil
	}
	positiveDuration := func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("want a positive duration such as 15s")
		}
		return d, nil
	}
	for _, err := range []error{
		setting(getenv, "GRAPHQL_MAX_TOKENS", &c.Limits.MaxTokens, positiveInt),
		setting(getenv, "GRAPHQL_MAX_DEPTH", &c.Limits.MaxDepth, positiveInt),
		setting(getenv, "GRAPHQL_MAX_FIELDS", &c.Limits.MaxFields, positiveInt),
		setting(getenv, "DB_MAX_CONNS", &c.DB.MaxConns, positiveInt),
		setting(getenv, "DB_ACCOUNT_MAX_CONNS", &c.DB.AccountMaxConns, positiveInt),
		setting(getenv, "MAX_BODY_BYTES", &c.Limits.MaxBodyBytes, positiveBytes),
		setting(getenv, "GRAPHQL_QUERY_CACHE_BYTES", &c.Limits.QueryCacheBytes, positiveBytes),
		setting(getenv, "REQUEST_TIMEOUT", &c.Limits.RequestTimeout, positiveDuration),
		setting(getenv, "DB_STATEMENT_TIMEOUT", &c.DB.StatementTimeout, positiveDuration),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// setting parses the environment variable name into dst when it is set; the
// error names the variable and its value.
func setting[T any](getenv func(string) string, name string, dst *T, parse func(string) (T, error)) error {
	s := getenv(name)
	if s == "" {
		return nil
	}
	v, err := parse(s)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", name, s, err)
	}
	*dst = v
	return nil
}
