package db

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"fmt"
)

// Journal kinds.
const (
	journalMerge    = "MERGE"
	journalSeparate = "SEPARATE"
)

// insertJournal writes the operation-journal row of a merge or separation
// (moved ids are added by moveRecords as the moves happen) and returns its id.
func insertJournal(ctx context.Context, db q, a contact.Actor, kind string, input, before any) (string, error) {
	in, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("journal input: %w", err)
	}
	bi, err := json.Marshal(before)
	if err != nil {
		return "", fmt.Errorf("journal before-image: %w", err)
	}
	var actorID *string
	if a.UserID != "" {
		actorID = &a.UserID
	}
	var id string
	if err := db.GetContext(ctx, &id, `INSERT INTO operation_journal (account_id, kind, actor_user_id, input, before_images, moved)
		VALUES ($1, $2, $3, $4, $5, '{}') RETURNING id`, a.AccountID, kind, actorID, in, bi); err != nil {
		return "", fmt.Errorf("insert journal: %w", err)
	}
	return id, nil
}

// moveRecords runs a data-changing statement that returns the columns id and
// owner (where the row was before: its previous contact or conversation; its
// own parameters start at $3, $1 being the account and $2 the journal row)
// and, in the same statement, records the ids grouped by owner in the
// journal row's moved object under key: {"key": {"<owner>": [ids…]}}. The ids
// never leave the server. The lists are built as json text and converted
// once: jsonb_object_agg of large jsonb values is many times slower. It
// returns how many rows the statement changed.
func moveRecords(ctx context.Context, db q, acct, journalID, key, stmt string, args ...any) (int, error) {
	keyParam := fmt.Sprintf("$%d::text", len(args)+3) // the key travels as the last parameter
	query := `WITH m AS (` + stmt + `),
		g AS (SELECT m.owner::text AS owner, json_agg(m.id) AS ids FROM m GROUP BY m.owner)
		UPDATE operation_journal j
		SET moved = j.moved || jsonb_build_object(` + keyParam + `,
			COALESCE(j.moved -> ` + keyParam + `, '{}'::jsonb) || COALESCE((SELECT json_object_agg(g.owner, g.ids) FROM g)::jsonb, '{}'::jsonb))
		WHERE j.account_id = $1 AND j.id = $2
		RETURNING (SELECT count(*) FROM m)`
	params := append(append([]any{acct, journalID}, args...), key)
	var n int
	if err := db.GetContext(ctx, &n, query, params...); err != nil {
		return 0, fmt.Errorf("move %s: %w", key, err)
	}
	return n, nil
}

// setJournalValue records a value under key in the journal row's moved object.
func setJournalValue(ctx context.Context, db q, acct, journalID, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("journal %s: %w", key, err)
	}
	_, err = db.ExecContext(ctx, `UPDATE operation_journal SET moved = moved || jsonb_build_object($3::text, $4::jsonb)
		WHERE account_id = $1 AND id = $2`, acct, journalID, key, b)
	if err != nil {
		return fmt.Errorf("journal %s: %w", key, err)
	}
	return nil
}
