package db

import (
	"context"
	"slices"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
)

// mergeExtraPlaces are the merge's moved keys besides the record kinds':
// the messages the mergees sent and the older redirects re-pointed.
func mergeExtraPlaces() []recordPlace {
	return []recordPlace{
		{key: contact.JournalMessages, label: "messages sent by a merged contact", table: "messages", idCol: "id", col: "sender_contact_id"},
		{key: contact.JournalRedirects, label: "redirects", table: "contact_redirects", idCol: "old_contact_id", col: "new_contact_id"},
	}
}

// checkMerge adds the blockers of undoing (or redoing) a merge.
func (u *undoPlan) checkMerge(ctx context.Context, tx *sqlx.Tx) error {
	base := u.root.Before.Base.ID
	if err := u.misplaced(ctx, tx, u.ownedPlaces(mergeExtraPlaces()...)); err != nil {
		return err
	}
	if u.forward {
		return nil
	}
	// Undoing the merge splits the survivor apart again: records created on
	// it since go to the contact the client names.
	if k := u.in.KeepNewRecordsOn; k != nil {
		if id := contact.CanonicalID(*k); slices.Contains(u.l.ContactIDs, id) {
			u.keep = id
		} else {
			u.invalid.Add(contact.Invalid, "must be the survivor or one of the merged contacts of the operation", "input", "keepNewRecordsOn")
		}
	}
	made, err := u.newRecords(ctx, tx, []string{base}, u.l.CreatedAt)
	if err != nil {
		return err
	}
	if u.keep == "" {
		for _, k := range contact.RecordKinds {
			if n := made[k.Key]; n > 0 {
				u.block(base, k.Key, "%d %s were created on contact %s after the operation; name the contact that keeps them in keepNewRecordsOn",
					n, k.Key, base)
			}
		}
	}
	// A merged contact's identifier is free while it is merged away.
	var idents []string
	for _, im := range u.images.Before.Mergees {
		if im.Identifier != nil {
			idents = append(idents, *im.Identifier)
		}
	}
	if len(idents) > 0 {
		var taken []struct {
			ID         string `db:"id"`
			Identifier string `db:"identifier"`
		}
		if err := tx.SelectContext(ctx, &taken, `SELECT id, identifier FROM contacts
			WHERE account_id = $1 AND identifier = ANY($2::text[]) AND NOT (id = ANY($3::uuid[])) ORDER BY identifier`,
			u.acct, pqArray(idents), pqArray(u.l.ContactIDs)); err != nil {
			return wrapf("identifiers", err)
		}
		for _, t := range taken {
			u.block(t.ID, "identifier", "identifier %q of a merged contact now belongs to contact %s", t.Identifier, t.ID)
		}
	}
	return nil
}

// unmerge takes a merge back: the survivor gets its image back, each
// merged contact is restored from its image with its addresses, its
// redirect removed, and every record, sent message and older redirect
// that moved from it returns to it.
func (u *undoPlan) unmerge(ctx context.Context, tx *sqlx.Tx, a contact.Actor) ([]string, error) {
	base := u.root.Before.Base.ID
	now := contact.JournalBeforeImages{Base: new(contact.NewContactImage(u.current[base]))}
	if err := rewriteImage(ctx, tx, u.acct, *u.images.Before.Base); err != nil {
		return nil, err
	}
	for _, im := range u.images.Before.Mergees {
		if err := restoreContact(ctx, tx, u.acct, im); err != nil {
			return nil, err
		}
	}
	mergees := contactsOf(u.images.Before.Mergees)
	places := u.ownedPlaces(mergeExtraPlaces()...)
	var back steps
	back.also(`DELETE FROM contact_redirects WHERE account_id = $1 AND old_contact_id = ANY($3::uuid[]) RETURNING 1`)
	for _, k := range places {
		back.count(`UPDATE ` + k.table + ` t SET ` + k.col + ` = m.owner_id, updated_at = now()
			FROM (SELECT owner_id, unnest(ids) AS id FROM operation_journal_moves
				WHERE account_id = $1 AND journal_id = $2 AND kind = ` + quote(k.key) + `) m
			WHERE t.account_id = $1 AND t.` + k.idCol + ` = m.id RETURNING 1`)
	}
	moved, err := back.run(ctx, tx, "move records back", u.acct, u.root.ID, pqArray(mergees))
	if err != nil {
		return nil, err
	}
	if u.keep != "" && u.keep != base {
		n, err := moveNewRecords(ctx, tx, u.acct, u.root.ID, base, u.keep, u.l.CreatedAt)
		if err != nil {
			return nil, err
		}
		moved += n
	}
	if err := u.writeUndoRow(ctx, tx, a, now, contact.JournalMoved{},
		contact.UndoSummary{ContactsRestored: len(mergees), RecordsMoved: moved}); err != nil {
		return nil, err
	}
	return u.changedContacts(), nil
}

// remerge applies an undone merge again: everything the merged contacts own
// moves to the survivor, their rows become redirects again, and the
// survivor gets the image it had after the merge.
func (u *undoPlan) remerge(ctx context.Context, tx *sqlx.Tx, a contact.Actor) ([]string, error) {
	base := u.root.Before.Base.ID
	mergees := contactsOf(u.root.Before.Mergees)
	now := contact.JournalBeforeImages{Base: new(contact.NewContactImage(u.current[base]))}
	for _, id := range mergees {
		now.Mergees = append(now.Mergees, contact.NewContactImage(u.current[id]))
	}
	var again steps
	for _, k := range u.ownedPlaces(mergeExtraPlaces()...) {
		again.count(`UPDATE ` + k.table + ` SET ` + k.col + ` = $2, updated_at = now()
			WHERE account_id = $1 AND ` + k.col + ` = ANY($3::uuid[]) RETURNING 1`)
	}
	again.also(`DELETE FROM contacts WHERE account_id = $1 AND id = ANY($3::uuid[]) RETURNING id`)
	again.also(`INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id, created_at)
			SELECT $1, unnest($3::uuid[]), $2, $4 RETURNING 1`)
	moved, err := again.run(ctx, tx, "merge again", u.acct, base, pqArray(mergees), u.root.CreatedAt)
	if err != nil {
		return nil, err
	}
	if err := rewriteImage(ctx, tx, u.acct, *u.images.Before.Base); err != nil {
		return nil, err
	}
	if err := u.writeUndoRow(ctx, tx, a, now, contact.JournalMoved{},
		contact.UndoSummary{ContactsRemoved: len(mergees), RecordsMoved: moved}); err != nil {
		return nil, err
	}
	return u.changedContacts(mergees...), nil
}

// moveNewRecords moves the records of every kind created on from after
// since, that journal row root did not move, to to; it returns how many.
func moveNewRecords(ctx context.Context, tx *sqlx.Tx, acct, root, from, to string, since any) (int, error) {
	var move steps
	for _, k := range contact.RecordKinds {
		move.count(`UPDATE ` + k.Table + ` t SET ` + k.OwnerColumn + ` = $4, updated_at = now()
			WHERE t.account_id = $1 AND t.` + k.OwnerColumn + ` = $3 AND t.created_at > $5
			  AND NOT EXISTS (SELECT 1 FROM operation_journal_moves m
				WHERE m.account_id = $1 AND m.journal_id = $2 AND m.kind = ` + quote(k.Key) + ` AND t.id = ANY(m.ids)) RETURNING 1`)
	}
	return move.run(ctx, tx, "move new records", acct, root, from, to, since)
}
