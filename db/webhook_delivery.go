package db

import (
	"context"
	"encoding/json"
	"time"

	"contactid/contact"

	"github.com/lib/pq"
)

// The delivery queue. Each replica's worker (package webhook) calls
// FanOutWebhookEvents, ClaimWebhookDeliveries and RecordWebhookAttempt; all
// of them are single statements, safe to run from any number of replicas at
// once.

// HasWebhooks reports whether any account has a webhook (the worker idles
// without a listening connection while none has).
func (s *Store) HasWebhooks(ctx context.Context) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM webhooks)`)
	return ok, wrapErr("has webhooks", err)
}

// FanOutWebhookEvents creates the delivery rows of events not yet fanned
// out: for up to batch webhooks that are behind their account's latest
// event, one PENDING row (due now) per event of a subscribed kind, up to
// perWebhook events each, in one statement, and advances those webhooks'
// cursors. A webhook another replica is fanning out is skipped (SKIP
// LOCKED). It returns how many webhooks it advanced; call it again until 0.
//
// Events are numbered in commit order and a writer takes its number as its
// last statement, so every event up to the account's committed counter is
// visible to the statement's snapshot: the cursor never skips an event.
func (s *Store) FanOutWebhookEvents(ctx context.Context, batch, perWebhook int) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `WITH w AS (
			SELECT wh.account_id, wh.id, wh.event_kinds, wh.fanned_seq, a.event_seq
			FROM webhooks wh JOIN accounts a ON a.id = wh.account_id
			WHERE wh.fanned_seq < a.event_seq
			ORDER BY wh.account_id, wh.id LIMIT $1
			FOR UPDATE OF wh SKIP LOCKED
		), e AS (
			SELECT w.account_id, w.id AS webhook_id, w.event_kinds, ev.id AS event_id, ev.seq, ev.kind
			FROM w CROSS JOIN LATERAL (
				SELECT id, seq, kind FROM contact_events ev
				WHERE ev.account_id = w.account_id AND ev.seq > w.fanned_seq AND ev.seq <= w.event_seq
				ORDER BY seq LIMIT $2) ev
		), ins AS (
			INSERT INTO webhook_deliveries (account_id, webhook_id, event_id, event_seq, event_kind, next_attempt_at)
			SELECT account_id, webhook_id, event_id, seq, kind, now() FROM e
			WHERE cardinality(event_kinds) = 0 OR kind = ANY (event_kinds)
			ON CONFLICT DO NOTHING
		), upd AS (
			UPDATE webhooks wh SET fanned_seq = GREATEST(wh.fanned_seq, m.last)
			FROM (SELECT w.account_id, w.id, COALESCE(max(e.seq), w.event_seq) AS last
				FROM w LEFT JOIN e ON e.account_id = w.account_id AND e.webhook_id = w.id
				GROUP BY w.account_id, w.id, w.event_seq) m
			WHERE wh.account_id = m.account_id AND wh.id = m.id
			RETURNING 1
		)
		SELECT count(*) FROM upd`, batch, perWebhook)
	return n, wrapErr("fan out webhook events", err)
}

// DueDelivery is a claimed delivery with what sending it needs.
type DueDelivery struct {
	AccountID string    `db:"account_id"`
	ID        string    `db:"id"`
	WebhookID string    `db:"webhook_id"`
	URL       string    `db:"url"`
	Secret    string    `db:"secret"`
	Attempts  int       `db:"attempts"` // attempts made before this one
	CreatedAt time.Time `db:"created_at"`

	EventID     *string        `db:"event_id"` // nil when the event is gone (past retention)
	Seq         *int64         `db:"seq"`
	Kind        *string        `db:"kind"`
	OccurredAt  *time.Time     `db:"occurred_at"`
	ContactIDs  pq.StringArray `db:"contact_ids"`
	OperationID *string        `db:"operation_id"`
	Summary     *string        `db:"summary"`
	ActorID     *string        `db:"actor_id"` // nil when there is no actor or the user is gone
	ActorName   *string        `db:"actor_name"`
	ActorEmail  *string        `db:"actor_email"`
	ActorRole   *string        `db:"actor_role"`
}

// ClaimWebhookDeliveries claims up to n due deliveries and returns them.
// Only the head of each webhook's queue (its PENDING delivery with the
// lowest event number) can be claimed, so a webhook gets its events one at
// a time, in order, whichever replica sends them. Claiming takes the row
// with FOR UPDATE SKIP LOCKED and pushes its next_attempt_at past now by
// lease (a claimed delivery is no longer due): no other replica claims it
// unless this one dies and the lease runs out.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, n int, lease time.Duration) ([]DueDelivery, error) {
	var out []DueDelivery
	err := s.db.SelectContext(ctx, &out, `WITH heads AS (
			SELECT h.account_id, h.id FROM webhooks w
			CROSS JOIN LATERAL (
				SELECT d.account_id, d.id, d.next_attempt_at FROM webhook_deliveries d
				WHERE d.account_id = w.account_id AND d.webhook_id = w.id AND d.status = 'PENDING'
				ORDER BY d.event_seq LIMIT 1) h
			WHERE h.next_attempt_at <= now()
		), claimed AS (
			SELECT d.account_id, d.id, d.webhook_id, d.event_id FROM webhook_deliveries d
			WHERE (d.account_id, d.id) IN (SELECT account_id, id FROM heads)
			  AND d.status = 'PENDING' AND d.next_attempt_at <= now()
			ORDER BY d.next_attempt_at LIMIT $1
			FOR UPDATE OF d SKIP LOCKED
		)
		UPDATE webhook_deliveries d SET next_attempt_at = now() + $2 * interval '1 millisecond', updated_at = now()
		FROM claimed c
			JOIN webhooks w ON w.account_id = c.account_id AND w.id = c.webhook_id
			LEFT JOIN contact_events e ON e.account_id = c.account_id AND e.id = c.event_id
			LEFT JOIN users u ON u.account_id = e.account_id AND u.id = e.actor_user_id
		WHERE d.account_id = c.account_id AND d.id = c.id
		RETURNING d.account_id, d.id, d.webhook_id, w.url, w.secret, d.attempts, d.created_at,
			e.id AS event_id, e.seq, e.kind, e.occurred_at, e.contact_ids, e.operation_id, e.summary::text AS summary,
			u.id AS actor_id, u.name AS actor_name, u.email AS actor_email, u.role AS actor_role`,
		n, lease.Milliseconds())
	return out, wrapErr("claim webhook deliveries", err)
}

// WebhookAttempt is the outcome of sending a delivery once.
type WebhookAttempt struct {
	StatusCode int    // the response's status; 0 when there was none
	Err        string // why it failed; "" for success
	// Final marks a failure as the last attempt: the delivery becomes
	// FAILED. Otherwise a failure is retried after Retry.
	Final bool
	Retry time.Duration
}

// RecordWebhookAttempt stores the outcome of an attempt of the claimed
// delivery d: SUCCEEDED, or the error with the next attempt's time, or
// FAILED. It changes nothing when the delivery is gone (its webhook was
// deleted) or no longer PENDING.
func (s *Store) RecordWebhookAttempt(ctx context.Context, d DueDelivery, at WebhookAttempt) error {
	var code *int
	if at.StatusCode != 0 {
		code = &at.StatusCode
	}
	var err error
	if at.Err == "" {
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'SUCCEEDED', attempts = attempts + 1,
			last_status_code = $3, last_error = NULL, next_attempt_at = NULL, delivered_at = now(), updated_at = now()
			WHERE account_id = $1 AND id = $2 AND status = 'PENDING'`, d.AccountID, d.ID, code)
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1,
			last_status_code = $3, last_error = $4,
			status = CASE WHEN $5 THEN 'FAILED' ELSE 'PENDING' END,
			next_attempt_at = CASE WHEN $5 THEN NULL ELSE now() + $6 * interval '1 millisecond' END,
			updated_at = now()
			WHERE account_id = $1 AND id = $2 AND status = 'PENDING'`,
			d.AccountID, d.ID, code, at.Err, at.Final, at.Retry.Milliseconds())
	}
	return wrapErr("record webhook attempt", err)
}

// Event returns the claimed delivery's event (false when it is gone).
func (d DueDelivery) Event() (contact.Event, bool) {
	if d.EventID == nil {
		return contact.Event{}, false
	}
	var sum json.RawMessage
	if d.Summary != nil {
		sum = json.RawMessage(*d.Summary)
	}
	return contact.Event{ID: *d.EventID, AccountID: d.AccountID, Seq: *d.Seq, Kind: contact.EventKind(*d.Kind),
		OccurredAt: *d.OccurredAt, ActorUserID: d.ActorID, ContactIDs: d.ContactIDs, OperationID: d.OperationID,
		Summary: sum}, true
}
