package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// requestKey is the context key of the per-request log state.
type requestKey struct{}

// requestState is what the access log learns while a request runs.
type requestState struct {
	id    string
	mu    sync.Mutex
	attrs []slog.Attr
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if st, ok := ctx.Value(requestKey{}).(*requestState); ok {
		return st.id
	}
	return ""
}

// SetLogAttrs adds attributes to the request's access log line.
func SetLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	if st, ok := ctx.Value(requestKey{}).(*requestState); ok {
		st.mu.Lock()
		st.attrs = append(st.attrs, attrs...)
		st.mu.Unlock()
	}
}

// validRequestID accepts a caller-supplied X-Request-Id that is safe to log.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// statusWriter records the response status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WithRequestLog gives every request an id (the caller's X-Request-Id when it
// is well-formed, else a random one), echoes it in the response and writes
// one structured log line per request.
func WithRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
			id = hex.EncodeToString(b)
		}
		st := &requestState{id: id}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestKey{}, st)))
		st.mu.Lock()
		attrs := append([]slog.Attr{
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		}, st.attrs...)
		st.mu.Unlock()
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
