package main

import (
	"fmt"
	"strconv"
	"time"
)

// readLimits reads the request and database limits from the environment into
// c; unset variables keep the defaults of graph.Limits and db.Options. It
// returns an error naming the bad variable.
func readLimits(getenv func(string) string, c *Config) error {
	ints := []struct {
		name string
		dst  *int
	}{
		{"GRAPHQL_MAX_TOKENS", &c.Limits.MaxTokens},
		{"GRAPHQL_MAX_DEPTH", &c.Limits.MaxDepth},
		{"GRAPHQL_MAX_FIELDS", &c.Limits.MaxFields},
		{"DB_MAX_CONNS", &c.DB.MaxConns},
		{"DB_ACCOUNT_MAX_CONNS", &c.DB.AccountMaxConns},
	}
	for _, v := range ints {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return fmt.Errorf("%s=%q: want a positive number", v.name, s)
			}
			*v.dst = n
		}
	}
	bytes := []struct {
		name string
		dst  *int64
	}{
		{"MAX_BODY_BYTES", &c.Limits.MaxBodyBytes},
		{"GRAPHQL_QUERY_CACHE_BYTES", &c.Limits.QueryCacheBytes},
	}
	for _, v := range bytes {
		if s := getenv(v.name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("%s=%q: want a positive number of bytes", v.name, s)
			}
			*v.dst = n
		}
	}
	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{"REQUEST_TIMEOUT", &c.Limits.RequestTimeout},
		{"DB_STATEMENT_TIMEOUT", &c.DB.StatementTimeout},
	}
	for _, v := range durations {
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s=%q: want a positive duration such as 15s", v.name, s)
			}
			*v.dst = d
		}
	}
	return nil
}
