package db

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Event tells the outside world that a merge or separation committed.
type Event struct {
	Kind       string   // "contacts.merged" or "contact.separated"
	AccountID  string   // the tenant
	ActorID    string   // the user who did it
	JournalID  string   // the operation-journal row
	ContactIDs []string // every contact id involved, the surviving/original one first
}

// OnEvent sets the function called after each committed merge or
// separation (never inside the transaction).
func (s *Store) OnEvent(fn func(context.Context, Event)) { s.events = fn }

// emit delivers an event to the registered handler, if any.
func (s *Store) emit(ctx context.Context, e Event) {
	if s.events != nil {
		s.events(ctx, e)
	}
}

// writeEvent records a committed-to-be change in the outbox, in the
// change's transaction, as its last statement (see eventSQL).
func writeEvent(ctx context.Context, tx q, a contact.Actor, kind contact.EventKind, contactIDs []string, operationID string, summary any) error {
	var sum *string
	if summary != nil {
		b, err := json.Marshal(summary)
		if err != nil {
			return fmt.Errorf("event summary: %w", err)
		}
		sum = new(string(b))
	}
	var op *string
	if operationID != "" {
		op = &operationID
	}
	_, err := tx.ExecContext(ctx, `WITH `+eventSQL("$1", "$2", "$3", "$4", "$5", "$6"),
		a.AccountID, string(kind), eventActor(a), pqArray(contactIDs), op, sum)
	return wrapErr("write event", err)
}

// eventSQL returns the CTEs and final SELECT that write an event to the
// outbox, given the SQL of its parameters (see eventCTEs).
func eventSQL(acct, kind, actor, contactIDs, operationID, summary string) string {
	return eventCTEs(acct, kind, actor, contactIDs, operationID, summary) + ` SELECT count(*) FROM notified`
}

// eventCTEs returns the CTEs that write an event to the outbox, given the
// SQL of its parameters: it takes the account's next event number (the
// account row's lock orders the commits of its events, so it belongs in the
// transaction's last statement) and wakes listeners at commit (NOTIFY
// contact_events with the account id). The statement's main query must read
// the last CTE, notified, for the notification to be sent.
func eventCTEs(acct, kind, actor, contactIDs, operationID, summary string) string {
	return `n AS (UPDATE accounts SET event_seq = event_seq + 1 WHERE id = ` + acct + ` RETURNING event_seq),
		e AS (INSERT INTO contact_events (account_id, seq, kind, actor_user_id, contact_ids, operation_id, summary)
			SELECT ` + acct + `, n.event_seq, ` + kind + `, ` + actor + `::uuid, ` + contactIDs + `::uuid[], ` + operationID + `::uuid, ` + summary + `::jsonb
			FROM n RETURNING seq),
		notified AS (SELECT pg_notify('contact_events', ` + acct + `::text) FROM e)`
}

// eventActor returns the user id an event records for a, nil for none.
func eventActor(a contact.Actor) *string {
	if a.UserID == "" {
		return nil
	}
	return &a.UserID
}

// eventColumns are the columns of contact.Event.
const eventColumns = `id, account_id, seq, kind, occurred_at, actor_user_id, contact_ids, operation_id, summary`

// eventRow is a contact_events row.
type eventRow struct {
	ID          string         `db:"id"`
	AccountID   string         `db:"account_id"`
	Seq         int64          `db:"seq"`
	Kind        string         `db:"kind"`
	OccurredAt  time.Time      `db:"occurred_at"`
	ActorUserID *string        `db:"actor_user_id"`
	ContactIDs  pq.StringArray `db:"contact_ids"`
	OperationID *string        `db:"operation_id"`
	Summary     []byte         `db:"summary"` // NULL: nil (json.RawMessage cannot scan NULL)
}

// event returns the row as an Event.
func (r eventRow) event() contact.Event {
	return contact.Event{ID: r.ID, AccountID: r.AccountID, Seq: r.Seq, Kind: contact.EventKind(r.Kind), OccurredAt: r.OccurredAt,
		ActorUserID: r.ActorUserID, ContactIDs: r.ContactIDs, OperationID: r.OperationID, Summary: r.Summary}
}

// EventsAfter returns up to limit events of the account with a number
// above seq, in order, kept for contact.EventRetention.
func (s *Store) EventsAfter(ctx context.Context, accountID string, seq int64, limit int) ([]contact.Event, error) {
	var rows []eventRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+eventColumns+` FROM contact_events
		WHERE account_id = $1 AND seq > $2 AND occurred_at > now() - $4 * interval '1 second' ORDER BY seq LIMIT $3`,
		accountID, seq, limit, int64(contact.EventRetention.Seconds())); err != nil {
		return nil, wrapf("events", err)
	}
	out := make([]contact.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// EventSeq returns the number of the account's event id (ErrNotFound when
// there is no such event).
func (s *Store) EventSeq(ctx context.Context, a contact.Actor, id string) (int64, error) {
	var seq int64
	err := getOne(ctx, s.rd, &seq, `SELECT seq FROM contact_events WHERE account_id = $1 AND id = $2`, a.AccountID, id)
	return seq, err
}

// LatestEventSeq returns the number of the account's latest event (0 for
// none).
func (s *Store) LatestEventSeq(ctx context.Context, accountID string) (int64, error) {
	var seq int64
	err := s.db.GetContext(ctx, &seq, `SELECT event_seq FROM accounts WHERE id = $1`, accountID)
	return seq, wrapErr("latest event", err)
}

// PurgeEvents deletes up to limit events older than contact.EventRetention
// and returns how many it deleted.
func (s *Store) PurgeEvents(ctx context.Context, limit int) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM contact_events WHERE (account_id, id) IN (
		SELECT account_id, id FROM contact_events WHERE occurred_at < now() - $1 * interval '1 second' LIMIT $2)`,
		int64(contact.EventRetention.Seconds()), limit)
	if err != nil {
		return 0, wrapf("purge events", err)
	}
	return res.RowsAffected()
}
