package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rs/cors"
)

// CORS configures which browser origins may call the API.
type CORS struct {
	// AllowedOrigins lists the exact origins (scheme://host[:port]) allowed;
	// nil allows any http://localhost:<port> origin and no other.
	AllowedOrigins []string
}

// corsHeaders are the request headers the API reads.
var corsHeaders = []string{"Authorization", "api_access_token", "Content-Type", "Idempotency-Key", "X-Request-Id"}

// corsMaxAge is how long a browser may cache a preflight answer, in seconds.
const corsMaxAge = 600

// readCORS reads CORS_ALLOWED_ORIGINS: a comma-separated list of origins.
func readCORS(getenv func(string) string, c *Config) error {
	v := strings.TrimSpace(getenv("CORS_ALLOWED_ORIGINS"))
	if v == "" {
		return nil
	}
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimSpace(o)
		u, err := url.Parse(o)
		if o == "*" {
			c.CORS.AllowedOrigins = append(c.CORS.AllowedOrigins, o)
			continue
		}
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin such as https://app.example.com", o)
		}
		c.CORS.AllowedOrigins = append(c.CORS.AllowedOrigins, o)
	}
	return nil
}

// localhostOrigin reports whether origin is http://localhost:<port>.
func localhostOrigin(origin string) bool {
	port, ok := strings.CutPrefix(origin, "http://localhost:")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == port
}

// withCORS answers preflight requests and adds the CORS headers for the
// allowed origins; credentials (cookies) are not allowed: the API
// authenticates with a header.
func (c CORS) withCORS(next http.Handler) http.Handler {
	opts := cors.Options{
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   corsHeaders,
		ExposedHeaders:   []string{"X-Request-Id", "Idempotent-Replayed"},
		AllowCredentials: false,
		MaxAge:           corsMaxAge,
	}
	if c.AllowedOrigins == nil {
		opts.AllowOriginFunc = localhostOrigin
	} else {
		opts.AllowedOrigins = c.AllowedOrigins
	}
	return cors.New(opts).Handler(next)
}

// webSocketOrigins returns the origin patterns of the subscription
// WebSocket: the same origins as CORS.
func (c CORS) webSocketOrigins() []string {
	if c.AllowedOrigins == nil {
		return []string{"http://localhost:*"}
	}
	return c.AllowedOrigins
}
