package db

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// The journal row of a merge or separation is written in three steps, all
// inside the operation's transaction: insertJournal writes who, what and
// the before-images (contact.JournalBeforeImages, stamped with
// contact.JournalFormatVersion); each move statement, run through
// moveRecords, adds the ids it moved to the row's moved document in the same
// statement (set-based: the ids never leave the server); setJournalValue
// adds the other values of the moved document. readJournal reads a row back
// into contact.JournalEntry, the type the documents are written from.
//
// Parameters of the journal statements, the same in each:
//
//	$1  the account
//	$2  the journal row's id
//	$3  the key in the moved document (moveRecords, setJournalValue)
//	$4… the statement's own values: for moveRecords, the move statement's
//	    arguments in the order given (the move statement may also use $1)

// insertJournal writes the journal row of an operation of the actor, with
// its input and before-images and an empty moved document, and returns the
// row's id.
func insertJournal(ctx context.Context, db q, a contact.Actor, kind contact.JournalKind, input any, before contact.JournalBeforeImages) (string, error) {
	in, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("journal input: %w", err)
	}
	before.FormatVersion = contact.JournalFormatVersion
	bi, err := json.Marshal(before)
	if err != nil {
		return "", fmt.Errorf("journal before-images: %w", err)
	}
	var actorID *string
	if a.UserID != "" {
		actorID = &a.UserID
	}
	var id string
	// $1 account, $2 kind, $3 actor, $4 input, $5 before-images.
	if err := db.GetContext(ctx, &id, `INSERT INTO operation_journal (account_id, kind, actor_user_id, input, before_images, moved)
		VALUES ($1, $2, $3, $4, $5, '{}') RETURNING id`, a.AccountID, string(kind), actorID, in, bi); err != nil {
		return "", fmt.Errorf("insert journal: %w", err)
	}
	return id, nil
}

// readJournal returns the journal row id of the account, decoded. The
// error wraps contact.ErrNotFound when the account has no such row; it is
// also an error when a document does not decode or was written in a newer
// format.
func readJournal(ctx context.Context, db q, acct, id string) (contact.JournalEntry, error) {
	var row struct {
		ID        string    `db:"id"`
		Kind      string    `db:"kind"`
		Actor     *string   `db:"actor_user_id"`
		Input     []byte    `db:"input"`
		Before    []byte    `db:"before_images"`
		Moved     []byte    `db:"moved"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := getOne(ctx, db, &row, `SELECT id, kind, actor_user_id, input, before_images, moved, created_at
		FROM operation_journal WHERE account_id = $1 AND id = $2`, acct, id); err != nil {
		return contact.JournalEntry{}, fmt.Errorf("read journal: %w", err)
	}
	e := contact.JournalEntry{ID: row.ID, Kind: contact.JournalKind(row.Kind), ActorUserID: row.Actor,
		Input: json.RawMessage(row.Input), CreatedAt: row.CreatedAt}
	if err := json.Unmarshal(row.Before, &e.Before); err != nil {
		return contact.JournalEntry{}, fmt.Errorf("journal %s before-images: %w", row.ID, err)
	}
	if e.Before.FormatVersion > contact.JournalFormatVersion {
		return contact.JournalEntry{}, fmt.Errorf("journal %s: format version %d is newer than this server's %d",
			row.ID, e.Before.FormatVersion, contact.JournalFormatVersion)
	}
	if err := json.Unmarshal(row.Moved, &e.Moved); err != nil {
		return contact.JournalEntry{}, fmt.Errorf("journal %s: %w", row.ID, err)
	}
	return e, nil
}

// journalRow names the journal row that moves are recorded in.
type journalRow struct {
	acct string // the account ($1)
	id   string // the row's id ($2)
}

// moveRecords runs stmt, a data-changing statement that returns the columns
// id and owner (where the row was before: its previous contact or
// conversation), and, in the same statement, records the ids grouped by
// owner in the journal row's moved document under key: {"key": {"<owner>":
// [ids…]}}. Parameters as the list above says: stmt may use $1 (the
// account) and its own args as $4, $5, … in order; $2 and $3 are the
// journal's. The lists are built as json text and converted once:
// jsonb_object_agg of large jsonb values is many times slower. It returns
// how many rows the statement changed.
func moveRecords(ctx context.Context, db q, j journalRow, key, stmt string, args ...any) (int, error) {
	query := `WITH m AS (` + stmt + `),
		g AS (SELECT m.owner::text AS owner, json_agg(m.id) AS ids FROM m GROUP BY m.owner)
		UPDATE operation_journal j
		SET moved = j.moved || jsonb_build_object($3::text,
			COALESCE(j.moved -> $3::text, '{}'::jsonb) || COALESCE((SELECT json_object_agg(g.owner, g.ids) FROM g)::jsonb, '{}'::jsonb))
		WHERE j.account_id = $1 AND j.id = $2
		RETURNING (SELECT count(*) FROM m)`
	params := append([]any{j.acct, j.id, key}, args...)
	var n int
	if err := db.GetContext(ctx, &n, query, params...); err != nil {
		return 0, fmt.Errorf("move %s: %w", key, err)
	}
	return n, nil
}

// setJournalValue records v, as JSON, under key in the journal row's moved
// document ($4 is the value).
func setJournalValue(ctx context.Context, db q, j journalRow, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("journal %s: %w", key, err)
	}
	_, err = db.ExecContext(ctx, `UPDATE operation_journal SET moved = moved || jsonb_build_object($3::text, $4::jsonb)
		WHERE account_id = $1 AND id = $2`, j.acct, j.id, key, b)
	if err != nil {
		return fmt.Errorf("journal %s: %w", key, err)
	}
	return nil
}
