package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"contactid/db"
)

// idempotencyHeader is the request header that makes a POST idempotent.
const idempotencyHeader = "Idempotency-Key"

// replayedHeader marks a response that is the stored answer of an earlier
// request with the same Idempotency-Key.
const replayedHeader = "Idempotent-Replayed"

// maxIdempotencyKeyLength bounds an Idempotency-Key, in characters.
const maxIdempotencyKeyLength = 255

// idempotencyStoreTimeout bounds the writes that store or release a key
// after its request has answered (they run even when the request's context
// has ended).
const idempotencyStoreTimeout = 5 * time.Second

// Polling for the answer of a request still running with the same key:
// the first pause, doubled up to the last.
const (
	idempotencyPollFirst = 20 * time.Millisecond
	idempotencyPollMax   = 250 * time.Millisecond
)

// idempotencyReusedMessage is the message of IDEMPOTENCY_KEY_REUSED.
const idempotencyReusedMessage = "this Idempotency-Key was used with a different request"

// validIdempotencyKey reports whether k is 1 to 255 printable ASCII
// characters (space to tilde).
func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > maxIdempotencyKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotent makes POST requests that carry an Idempotency-Key header
// idempotent within the caller's account: the first request with a key
// runs and its response (status, content type, body) is stored with the
// key, the SHA-256 of the body and the caller; a retry with the same key,
// caller and body gets that response without running again (marked with
// the Idempotent-Replayed header), waiting for it while the first request
// still runs. The same key from another user of the account or with
// another body is answered 422 IDEMPOTENCY_KEY_REUSED and nothing runs. A
// malformed key is answered 400 BAD_REQUEST. When the first request is
// answered with a 5xx status or an INTERNAL error, is cancelled or runs out
// of time (its database work was stopped), the key is released, so a retry
// runs again.
//
// It runs after authentication (keys belong to an account and a user; a
// request without a caller passes through and is refused later) and after
// the body limit, so it hashes the bounded body. abandonAfter is how long a
// request can hold a key without answering before a retry may take the key
// over (its process must have died).
func idempotent(s *db.Store, log *slog.Logger, abandonAfter time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys, sent := r.Header[idempotencyHeader]
		if r.Method != http.MethodPost || !sent {
			next.ServeHTTP(w, r)
			return
		}
		if len(keys) != 1 || !validIdempotencyKey(keys[0]) {
			writeRequestError(w, http.StatusBadRequest, codeBadRequest,
				"the Idempotency-Key header must be sent once, with 1 to 255 printable ASCII characters")
			return
		}
		ctx := r.Context()
		a, ok := actorFrom(ctx)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				writeRequestError(w, http.StatusBadRequest, codeBadRequest, "the request body could not be read")
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		req := db.IdempotencyRequest{AccountID: a.AccountID, UserID: a.UserID, Key: keys[0], BodyHash: sum[:]}
		pause, waited := idempotencyPollFirst, false
		for {
			res, err := s.ClaimIdempotencyKey(ctx, req, abandonAfter)
			switch {
			case err != nil && ctx.Err() != nil && waited:
				writeStillRunning(w)
				return
			case err != nil && ctx.Err() != nil:
				writeErrorNoData(w, http.StatusServiceUnavailable, codeTimeout, "the request was stopped: it ran out of time or was cancelled")
				return
			case err != nil:
				log.ErrorContext(ctx, "idempotency key", "request_id", RequestID(ctx), "error", err)
				writeErrorNoData(w, http.StatusInternalServerError, codeInternal, "internal error")
				return
			case res.Outcome == db.IdempotencyClaimed:
				runClaimed(w, r, s, log, req, res.ClaimID, next)
				return
			case res.Outcome == db.IdempotencyDone:
				SetLogAttrs(ctx, slog.Bool("idempotent_replay", true))
				w.Header().Set("Content-Type", res.Response.ContentType)
				w.Header().Set(replayedHeader, "true")
				w.WriteHeader(res.Response.Status)
				w.Write(res.Response.Body) //nolint:errcheck // the client went away; nothing to tell it
				return
			case res.Outcome == db.IdempotencyMismatch:
				writeErrorNoData(w, http.StatusUnprocessableEntity, codeIdempotencyKeyReused, idempotencyReusedMessage)
				return
			}
			// The first request with this key is still running: wait for
			// its answer, within this request's run time.
			select {
			case <-ctx.Done():
				writeStillRunning(w)
				return
			case <-time.After(pause):
			}
			pause, waited = min(2*pause, idempotencyPollMax), true
		}
	})
}

// runClaimed runs the request that claimed req.Key, keeps its response and
// stores it with the key before answering, so a retry that sees the answer
// stored gets the same bytes. When the request ends with a 5xx status or
// an INTERNAL error, is cancelled, runs out of time or panics, the key is
// released instead.
func runClaimed(w http.ResponseWriter, r *http.Request, s *db.Store, log *slog.Logger, req db.IdempotencyRequest, claimID string, next http.Handler) {
	ctx := r.Context()
	// The key is stored or released even when the request's context has
	// ended (the client went away or the deadline passed).
	storeCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), idempotencyStoreTimeout)
	}
	release := func(why string) {
		sctx, cancel := storeCtx()
		defer cancel()
		if err := s.ReleaseIdempotencyKey(sctx, req.AccountID, req.Key, claimID); err != nil {
			log.ErrorContext(ctx, "release idempotency key", "request_id", RequestID(ctx), "reason", why, "error", err)
		}
	}
	answered := false
	defer func() {
		if !answered {
			release("panic")
		}
	}()
	rec := &responseRecorder{header: w.Header()}
	broken := &brokenAnswer{}
	next.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, brokenAnswerKey{}, broken)))
	answered = true
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case status >= 500:
		release("server error")
	case ctx.Err() != nil:
		release("cancelled or out of time")
	case broken.Load():
		release("work stopped or failed")
	default:
		sctx, cancel := storeCtx()
		err := s.CompleteIdempotencyKey(sctx, req.AccountID, req.Key, claimID,
			db.StoredResponse{Status: status, ContentType: w.Header().Get("Content-Type"), Body: rec.body.Bytes()})
		cancel()
		if err != nil && !errors.Is(err, db.ErrIdempotencyClaimLost) {
			// The answer could not be kept: free the key rather than
			// leave retries waiting for an answer that never comes.
			log.ErrorContext(ctx, "store idempotent response", "request_id", RequestID(ctx), "error", err)
			release("response not stored")
		}
	}
	w.WriteHeader(status)
	w.Write(rec.body.Bytes()) //nolint:errcheck // the client went away; nothing to tell it
}

// responseRecorder keeps a response's status and body in memory; its
// headers are the real response's, which are sent only when the kept
// response is written out.
type responseRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header returns the response headers.
func (rec *responseRecorder) Header() http.Header { return rec.header }

// WriteHeader records the status; only the first call counts.
func (rec *responseRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

// Write keeps b.
func (rec *responseRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// brokenAnswer is set when the error presenter saw a request's work stopped
// before it finished (TIMEOUT: a statement timeout or cancellation) or fail
// (INTERNAL), so its answer is not kept for retries.
type brokenAnswer struct{ atomic.Bool }

// brokenAnswerKey is the context key of a request's brokenAnswer.
type brokenAnswerKey struct{}

// noteBrokenAnswer marks the answer of the request of ctx as broken, when it
// runs under an Idempotency-Key.
func noteBrokenAnswer(ctx context.Context) {
	if b, ok := ctx.Value(brokenAnswerKey{}).(*brokenAnswer); ok {
		b.Store(true)
	}
}

// writeStillRunning answers a retry whose run time ended while the first
// request with its key was still running: 409, TIMEOUT.
func writeStillRunning(w http.ResponseWriter) {
	writeErrorNoData(w, http.StatusConflict, codeTimeout,
		"the first request with this Idempotency-Key is still running; retry later with the same key")
}

// writeErrorNoData answers with one GraphQL error carrying code, and null
// data, like a request that did not run.
func writeErrorNoData(w http.ResponseWriter, status int, code, msg string) {
	type gqlErr struct {
		Message    string            `json:"message"`
		Extensions map[string]string `json:"extensions"`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct { //nolint:errcheck // nothing to do if the client went away
		Errors []gqlErr  `json:"errors"`
		Data   *struct{} `json:"data"`
	}{Errors: []gqlErr{{Message: msg, Extensions: map[string]string{"code": code}}}})
}
