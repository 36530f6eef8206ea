package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdempotencyKeyTTL is how long an account keeps an idempotency key and its
// stored response. Older keys count as absent.
const IdempotencyKeyTTL = 24 * time.Hour

// expiredKeysPerClaim bounds how many of an account's expired keys one claim
// deletes on the way.
const expiredKeysPerClaim = 100

// IdempotencyRequest is a request sent with an idempotency key: whose it is
// and what it asks.
type IdempotencyRequest struct {
	AccountID string
	UserID    string
	Key       string
	// BodyHash is the SHA-256 digest of the request body (32 bytes).
	BodyHash []byte
}

// StoredResponse is the answer kept for an idempotency key.
type StoredResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyOutcome says what a claim of an idempotency key found.
type IdempotencyOutcome int

// Outcomes of ClaimIdempotencyKey.
const (
	// IdempotencyClaimed: the key was free; the caller runs the request and
	// then completes or releases the key with IdempotencyResult.ClaimID.
	IdempotencyClaimed IdempotencyOutcome = iota + 1
	// IdempotencyRunning: the same request (same user and body) holds the
	// key and has not answered yet.
	IdempotencyRunning
	// IdempotencyDone: the same request ran; IdempotencyResult.Response is
	// its answer.
	IdempotencyDone
	// IdempotencyMismatch: the key is held by a request of another user of
	// the account or with another body.
	IdempotencyMismatch
)

// IdempotencyResult is the outcome of ClaimIdempotencyKey.
type IdempotencyResult struct {
	Outcome IdempotencyOutcome
	// ClaimID identifies the caller's claim when Outcome is
	// IdempotencyClaimed.
	ClaimID string
	// Response is the stored answer when Outcome is IdempotencyDone.
	Response StoredResponse
}

// claimAttempts bounds how often ClaimIdempotencyKey starts over after the
// key changed under it (a concurrent claim, release or takeover).
const claimAttempts = 5

// ClaimIdempotencyKey claims req.Key for req's account, or reports who holds
// it: the same request still running or done (with its stored response), or
// a different request. A key older than IdempotencyKeyTTL counts as absent,
// and so does a key without a response older than abandonAfter (its request
// cannot still be running: its process died); either is deleted and claimed
// again. A successful claim also deletes some of the account's other expired
// keys. Errors are the database's, wrapped; when the key keeps changing
// under it the error says so.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, req IdempotencyRequest, abandonAfter time.Duration) (IdempotencyResult, error) {
	for range claimAttempts {
		var row struct {
			Claimed     bool           `db:"claimed"`
			ClaimID     string         `db:"claim_id"`
			UserID      sql.NullString `db:"user_id"`
			RequestHash []byte         `db:"request_hash"`
			Status      sql.NullInt64  `db:"response_status"`
			ContentType sql.NullString `db:"content_type"`
			Body        []byte         `db:"response_body"`
			Stale       bool           `db:"stale"`
		}
		// One statement: insert the claim unless the key exists; delete
		// some expired keys of the account when the claim succeeded;
		// otherwise return the existing row, and whether it is expired or
		// abandoned. The SELECT sees the table as it was before the
		// statement, so a row committed concurrently may show as neither
		// claimed nor present: then the loop starts over.
		err := s.rd.GetContext(ctx, &row, `
			WITH claimed AS (
				INSERT INTO idempotency_keys (account_id, key, user_id, request_hash)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (account_id, key) DO NOTHING
				RETURNING claim_id
			), expired AS (
				DELETE FROM idempotency_keys
				WHERE account_id = $1 AND key IN (
					SELECT key FROM idempotency_keys
					WHERE account_id = $1 AND key <> $2 AND created_at < now() - $5::float8 * interval '1 millisecond'
					ORDER BY created_at LIMIT $7)
				AND EXISTS (SELECT 1 FROM claimed)
			)
			SELECT true AS claimed, claim_id, NULL::uuid AS user_id, NULL::bytea AS request_hash,
				NULL::integer AS response_status, NULL::text AS content_type, NULL::bytea AS response_body, false AS stale
			FROM claimed
			UNION ALL
			SELECT false, k.claim_id, k.user_id, k.request_hash, k.response_status, k.content_type, k.response_body,
				k.created_at < now() - $5::float8 * interval '1 millisecond'
				OR (k.response_status IS NULL AND k.created_at < now() - $6::float8 * interval '1 millisecond')
			FROM idempotency_keys k
			WHERE k.account_id = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)`,
			req.AccountID, req.Key, req.UserID, req.BodyHash,
			IdempotencyKeyTTL.Milliseconds(), abandonAfter.Milliseconds(), expiredKeysPerClaim)
		switch {
		case isNoRows(err):
			continue // the key changed while the statement ran: look again
		case err != nil:
			return IdempotencyResult{}, wrapf("claim idempotency key", err)
		case row.Claimed:
			return IdempotencyResult{Outcome: IdempotencyClaimed, ClaimID: row.ClaimID}, nil
		case row.Stale:
			// Expired, or left running by a process that died: it counts
			// as absent. Delete exactly that claim (not a fresh claim
			// someone else made meanwhile) and claim again.
			if _, err := s.rd.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND claim_id = $3`,
				req.AccountID, req.Key, row.ClaimID); err != nil {
				return IdempotencyResult{}, wrapf("delete stale idempotency key", err)
			}
			continue
		case row.UserID.String != req.UserID || !bytes.Equal(row.RequestHash, req.BodyHash):
			return IdempotencyResult{Outcome: IdempotencyMismatch}, nil
		case !row.Status.Valid:
			return IdempotencyResult{Outcome: IdempotencyRunning}, nil
		}
		return IdempotencyResult{Outcome: IdempotencyDone, Response: StoredResponse{
			Status: int(row.Status.Int64), ContentType: row.ContentType.String, Body: row.Body}}, nil
	}
	return IdempotencyResult{}, errors.New("claim idempotency key: the key kept changing; try again")
}

// CompleteIdempotencyKey stores resp as the answer of the claim claimID of
// key in accountID, so retries get it. It returns ErrIdempotencyClaimLost
// when the claim is gone (released, or taken over as abandoned); other
// errors are the database's, wrapped.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, accountID, key, claimID string, resp StoredResponse) error {
	body := resp.Body
	if body == nil {
		body = []byte{}
	}
	res, err := s.rd.ExecContext(ctx, `
		UPDATE idempotency_keys
		SET response_status = $4, content_type = $5, response_body = $6, updated_at = now()
		WHERE account_id = $1 AND key = $2 AND claim_id = $3 AND response_status IS NULL`,
		accountID, key, claimID, resp.Status, resp.ContentType, body)
	if err != nil {
		return wrapf("store idempotent response", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf("store idempotent response", err)
	} else if n == 0 {
		return ErrIdempotencyClaimLost
	}
	return nil
}

// ErrIdempotencyClaimLost is returned by CompleteIdempotencyKey when the
// claim no longer holds its key.
var ErrIdempotencyClaimLost = errors.New("the idempotency key is no longer held by this request")

// ReleaseIdempotencyKey deletes the claim claimID of key in accountID while
// it has no response, so that a retry runs again. A claim already gone is
// not an error; errors are the database's, wrapped.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, accountID, key, claimID string) error {
	_, err := s.rd.ExecContext(ctx, `
		DELETE FROM idempotency_keys
		WHERE account_id = $1 AND key = $2 AND claim_id = $3 AND response_status IS NULL`, accountID, key, claimID)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
