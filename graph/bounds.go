package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// limitBody reads the request body before anything else looks at it and
// answers 413 when it is longer than maxBytes. A POST body that is not one
// JSON object is answered 400 here, in GraphQL's error shape, without echoing
// any of it back.
func limitBody(maxBytes int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeRequestError(w, http.StatusRequestEntityTooLarge, codeLimit,
				fmt.Sprintf("the request body is larger than the limit of %d bytes", maxBytes))
			return
		case err != nil:
			writeRequestError(w, http.StatusBadRequest, codeBadRequest, "the request body could not be read")
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
			if msg := jsonBodyProblem(body); msg != "" {
				writeRequestError(w, http.StatusBadRequest, codeBadRequest, msg)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// jsonBodyProblem says what is wrong with a JSON request body, or "".
func jsonBodyProblem(body []byte) string {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		return "batched requests (a JSON array) are not supported; send one operation per request"
	case !json.Valid(body):
		return "the request body is not valid JSON"
	case len(trimmed) == 0 || trimmed[0] != '{':
		return "the request body must be a JSON object with a query"
	}
	return ""
}

// writeRequestError answers with one GraphQL error carrying code.
func writeRequestError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{ //nolint:errcheck // nothing to do if the client went away
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}

// withDeadline bounds each request's run time: when d passes, its context
// ends, which cancels its database work.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
