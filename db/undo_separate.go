package db

import (
	"context"
	"encoding/json"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
)

// separationPlaces are a separation's moved keys besides the record kinds'
// that the undo checks with misplaced: the messages whose sender became the
// new contact and, for a redo, the messages moved into tails (back in the
// conversation they were cut from, their previous owner).
func (u *undoPlan) separationPlaces() []recordPlace {
	extra := []recordPlace{{key: contact.JournalSenderChanged, label: "messages whose sender changed", table: "messages", idCol: "id", col: "sender_contact_id"}}
	if u.forward {
		extra = append(extra, recordPlace{key: contact.JournalTailMessages, label: "messages of divided conversations", table: "messages",
			idCol: "id", col: "conversation_id"})
	}
	return u.ownedPlaces(extra...)
}

// tails returns the ids of the root separation's tail conversations.
func (u *undoPlan) tails() []string {
	out := make([]string, 0, len(u.root.Moved.Dividers))
	for _, d := range u.root.Moved.Dividers {
		out = append(out, d.NewConv)
	}
	return out
}

// dividersJSON is the root's dividers as jsonb_to_recordset reads them.
func (u *undoPlan) dividersJSON() (string, error) {
	b, err := json.Marshal(u.root.Moved.Dividers)
	if err != nil {
		return "", wrapf("dividers", err)
	}
	if u.root.Moved.Dividers == nil {
		return "[]", nil
	}
	return string(b), nil
}

// checkSeparate adds the blockers of undoing (or redoing) a separation.
func (u *undoPlan) checkSeparate(ctx context.Context, tx *sqlx.Tx) error {
	if err := u.misplaced(ctx, tx, u.separationPlaces()); err != nil {
		return err
	}
	if u.in.KeepNewRecordsOn != nil {
		u.invalid.Add(contact.Invalid, "only an undo that splits contacts apart (of a merge) keeps new records on a contact", "input", "keepNewRecordsOn")
	}
	if u.forward || len(u.root.Moved.Dividers) == 0 {
		return nil
	}
	// The tails rejoin their conversations: they must hold exactly the
	// messages the separation moved into them.
	var n struct {
		Added   int `db:"added"`
		Missing int `db:"missing"`
	}
	if err := tx.GetContext(ctx, &n, `WITH moved AS (SELECT unnest(ids) AS id FROM operation_journal_moves
			WHERE account_id = $1 AND journal_id = $2 AND kind = $4)
		SELECT (SELECT count(*) FROM messages WHERE account_id = $1 AND conversation_id = ANY($3::uuid[])
				AND id NOT IN (SELECT id FROM moved)) AS added,
			(SELECT count(*) FROM moved LEFT JOIN messages m ON m.account_id = $1 AND m.id = moved.id
				WHERE m.id IS NULL OR NOT (m.conversation_id = ANY($3::uuid[]))) AS missing`,
		u.acct, u.root.ID, pqArray(u.tails()), contact.JournalTailMessages); err != nil {
		return wrapf("check tails", err)
	}
	if n.Added > 0 {
		u.block("", "conversations", "%d messages were added to conversations the separation cut off since", n.Added)
	}
	if n.Missing > 0 {
		u.block("", "conversations", "%d messages of conversations the separation cut off were moved or deleted since", n.Missing)
	}
	return nil
}

// unseparate takes a separation back: the tails' messages return to the
// conversations they were cut from and the tails are removed, everything
// the new contact holds (senders included) returns to the original, the new
// contact's id becomes a redirect to the original, and the original gets
// its image back.
func (u *undoPlan) unseparate(ctx context.Context, tx *sqlx.Tx, a contact.Actor) ([]string, error) {
	orig, newID := u.root.Before.Original.ID, u.root.Moved.NewContactID
	now := contact.JournalBeforeImages{Original: new(contact.NewContactImage(u.current[orig])),
		New: new(contact.NewContactImage(u.current[newID]))}
	divs, err := u.dividersJSON()
	if err != nil {
		return nil, err
	}
	var tails json.RawMessage
	if err := tx.GetContext(ctx, &tails, `SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY c.id), '[]') FROM conversations c
		WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`, u.acct, pqArray(u.tails())); err != nil {
		return nil, wrapf("read tails", err)
	}
	var moved int
	if len(u.root.Moved.Dividers) > 0 {
		if err := tx.GetContext(ctx, &moved, `WITH back AS (UPDATE messages m SET conversation_id = d.conv, updated_at = now()
				FROM jsonb_to_recordset($2::jsonb) AS d(conv uuid, new_conv uuid)
				WHERE m.account_id = $1 AND m.conversation_id = d.new_conv RETURNING 1)
			SELECT count(*) FROM back`, u.acct, divs); err != nil {
			return nil, wrapf("rejoin tails", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE account_id = $1 AND id = ANY($2::uuid[])`,
			u.acct, pqArray(u.tails())); err != nil {
			return nil, wrapf("remove tails", err)
		}
	}
	var fold steps
	fold.count(`UPDATE messages SET sender_contact_id = $3, updated_at = now()
		WHERE account_id = $1 AND sender_contact_id = $2 RETURNING 1`)
	for _, k := range contact.RecordKinds {
		fold.count(`UPDATE ` + k.Table + ` SET ` + k.OwnerColumn + ` = $3, updated_at = now()
			WHERE account_id = $1 AND ` + k.OwnerColumn + ` = $2 RETURNING 1`)
	}
	n, err := fold.run(ctx, tx, "fold records back", u.acct, newID, orig)
	if err != nil {
		return nil, err
	}
	moved += n
	if _, err := tx.ExecContext(ctx, `WITH gone AS (DELETE FROM contacts WHERE account_id = $1 AND id = $2 RETURNING id)
		INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id) SELECT $1, id, $3 FROM gone`,
		u.acct, newID, orig); err != nil {
		return nil, wrapf("redirect new contact", err)
	}
	if err := rewriteImage(ctx, tx, u.acct, *u.images.Before.Original); err != nil {
		return nil, err
	}
	if err := u.writeUndoRow(ctx, tx, a, now, contact.JournalMoved{TailConversations: tails},
		contact.UndoSummary{ContactsRemoved: 1, RecordsMoved: moved}); err != nil {
		return nil, err
	}
	return u.changedContacts(newID), nil
}

// reseparate applies an undone separation again: the new contact comes back
// with its id and creation time, the tails with theirs, and the records,
// tail messages and senders the separation moved go where it put them.
func (u *undoPlan) reseparate(ctx context.Context, tx *sqlx.Tx, a contact.Actor) ([]string, error) {
	orig, newID := u.root.Before.Original.ID, u.root.Moved.NewContactID
	now := contact.JournalBeforeImages{Original: new(contact.NewContactImage(u.current[orig]))}
	if u.images.Before.New == nil || u.images.Before.Original == nil {
		return nil, wrapf("redo separation", errMissingImage)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_redirects WHERE account_id = $1 AND old_contact_id = $2`, u.acct, newID); err != nil {
		return nil, wrapf("drop redirect", err)
	}
	if err := rewriteImage(ctx, tx, u.acct, *u.images.Before.Original); err != nil {
		return nil, err
	}
	if err := restoreContact(ctx, tx, u.acct, *u.images.Before.New); err != nil {
		return nil, err
	}
	divs, err := u.dividersJSON()
	if err != nil {
		return nil, err
	}
	tails := u.images.Moved.TailConversations
	if len(tails) == 0 {
		tails = json.RawMessage("[]")
	}
	var moved int
	if err := tx.GetContext(ctx, &moved, `WITH t AS (INSERT INTO conversations SELECT * FROM jsonb_populate_recordset(NULL::conversations, $2::jsonb) WHERE account_id = $1 RETURNING 1)
		SELECT count(*) FROM t`, u.acct, string(tails)); err != nil {
		return nil, wrapf("restore tails", err)
	}
	moved = 0
	if err := tx.GetContext(ctx, &moved, `WITH cut AS (UPDATE messages m SET conversation_id = d.new_conv, updated_at = now()
			FROM operation_journal_moves j CROSS JOIN unnest(j.ids) AS x(id), jsonb_to_recordset($3::jsonb) AS d(conv uuid, new_conv uuid)
			WHERE j.account_id = $1 AND j.journal_id = $2 AND j.kind = $4 AND d.conv = j.owner_id
			  AND m.account_id = $1 AND m.id = x.id RETURNING 1)
		SELECT count(*) FROM cut`, u.acct, u.root.ID, divs, contact.JournalTailMessages); err != nil {
		return nil, wrapf("cut tails again", err)
	}
	keys := []recordPlace{{key: contact.JournalSenderChanged, table: "messages", idCol: "id", col: "sender_contact_id"}}
	for _, k := range contact.RecordKinds {
		keys = append(keys, recordPlace{key: k.Key, table: k.Table, idCol: "id", col: k.OwnerColumn})
	}
	var again steps
	for _, k := range keys {
		again.count(`UPDATE ` + k.table + ` t SET ` + k.col + ` = $3, updated_at = now()
			FROM (SELECT unnest(ids) AS id FROM operation_journal_moves WHERE account_id = $1 AND journal_id = $2 AND kind = ` +
			quote(k.key) + `) m WHERE t.account_id = $1 AND t.` + k.idCol + ` = m.id RETURNING 1`)
	}
	n, err := again.run(ctx, tx, "separate again", u.acct, u.root.ID, newID)
	if err != nil {
		return nil, err
	}
	if err := u.writeUndoRow(ctx, tx, a, now, contact.JournalMoved{},
		contact.UndoSummary{ContactsRestored: 1, RecordsMoved: moved + n}); err != nil {
		return nil, err
	}
	return u.changedContacts(), nil
}
