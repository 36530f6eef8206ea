package db

import (
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
func insertJournal(ctx context.Context, db q, a Actor, kind string, input, before any) (string, error) {
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
	row := db.QueryRowxContext(ctx, `INSERT INTO operation_journal (account_id, kind, actor_user_id, input, before_images, moved)
		VALUES ($1, $2, $3, $4, $5, '{}') RETURNING id`, a.AccountID, kind, actorID, in, bi)
	if err := row.Scan(&id); err != nil {
		return "", fmt.Errorf("insert journal: %w", err)
	}
	return id, nil
}

// moveRecords runs a data-changing statement ending in RETURNING id (its own
// parameters start at $3; $1 is the account and $2 the journal row) and, in
// the same statement, appends the returned ids to the journal row's moved
// object under key. The ids never leave the server. It returns how many rows
// the statement changed.
func moveRecords(ctx context.Context, db q, acct, journalID, key, stmt string, args ...any) (int, error) {
	query := `WITH m AS (` + stmt + `)
		UPDATE operation_journal j
		SET moved = j.moved || jsonb_build_object('` + key + `',
			COALESCE(j.moved -> '` + key + `', '[]'::jsonb) || (SELECT COALESCE(jsonb_agg(m.id), '[]'::jsonb) FROM m))
		WHERE j.account_id = $1 AND j.id = $2
		RETURNING (SELECT count(*) FROM m)`
	var n int
	if err := db.QueryRowxContext(ctx, query, append([]any{acct, journalID}, args...)...).Scan(&n); err != nil {
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

// lockContacts locks the live contacts among ids with FOR UPDATE in ascending
// id order (so overlapping merges and separations cannot deadlock) and
// returns them keyed by id. Unknown ids are absent.
func lockContacts(ctx context.Context, db q, acct string, ids []string) (map[string]*Contact, error) {
	rows, err := db.QueryxContext(ctx, `SELECT `+contactColumns+` FROM contacts c
		WHERE c.account_id = $1 AND c.id = ANY($2::uuid[]) ORDER BY c.id FOR UPDATE OF c`, acct, pqArray(validIDs(ids)))
	if err != nil {
		return nil, fmt.Errorf("lock contacts: %w", err)
	}
	defer rows.Close()
	out := map[string]*Contact{}
	for rows.Next() {
		var c Contact
		if err := rows.StructScan(&c); err != nil {
			return nil, fmt.Errorf("lock contacts: %w", err)
		}
		out[c.ID] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lock contacts: %w", err)
	}
	return out, nil
}
