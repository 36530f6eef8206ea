package db

import (
	"contactid/contact"
	"context"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// MergeContacts folds the mergees into the base contact in one transaction:
// every child record moves to the base with a fixed number of set-based
// statements, fields combine as MergeInput documents, each mergee row is
// replaced by a redirect to the base, and one journal row records it all. A
// dry run does the same and rolls back. UserErrors: NOT_FOUND for an unknown,
// foreign or merged-away id; INVALID for duplicates, too many mergees or a
// field choice naming a contact outside the merge. Any user may merge.
func (s *Store) MergeContacts(ctx context.Context, a contact.Actor, in contact.MergeInput) (contact.MergeResult, error) {
	plan, err := planMerge(in)
	if err != nil {
		return contact.MergeResult{}, err
	}
	var res contact.MergeResult
	err = s.runTx(ctx, in.DryRun, func(tx *sqlx.Tx) error {
		var err error
		res, err = runMerge(ctx, tx, a, in, plan)
		return err
	})
	if err == nil && !res.DryRun && len(res.MergedContactIDs) > 0 {
		s.emit(ctx, Event{Kind: "contacts.merged", AccountID: a.AccountID, ActorID: a.UserID, JournalID: res.JournalID,
			ContactIDs: append([]string{res.Contact.ID}, res.MergedContactIDs...)})
	}
	return res, err
}

// mergePlan is the validated shape of a MergeInput.
type mergePlan struct {
	base       string
	mergees    []string       // canonical ids, input order, base dropped
	mergeePath map[string]int // mergee id → index in the input list
}

// planMerge checks the input's shape without touching the database.
func planMerge(in contact.MergeInput) (mergePlan, error) {
	var errs contact.UserErrors
	p := mergePlan{base: contact.CanonicalID(in.BaseContactID), mergeePath: map[string]int{}}
	if p.base == "" {
		errs.Add(contact.NotFound, "contact not found", "input", "baseContactId")
	}
	if len(in.MergeeContactIDs) == 0 {
		errs.Add(contact.Invalid, "list 1 to 20 contacts to merge", "input", "mergeeContactIds")
	}
	for i, raw := range in.MergeeContactIDs {
		id := contact.CanonicalID(raw)
		path := []string{"input", "mergeeContactIds", strconv.Itoa(i)}
		switch _, dup := p.mergeePath[id]; {
		case id == "":
			errs.Add(contact.NotFound, "contact not found", path...)
		case id == p.base:
		case dup:
			errs.Add(contact.Invalid, "listed more than once", path...)
		default:
			p.mergeePath[id] = i
			p.mergees = append(p.mergees, id)
		}
	}
	if len(p.mergees) > contact.MaxMergees {
		errs.Add(contact.Invalid, "at most 20 contacts can be merged at once", "input", "mergeeContactIds")
	}
	seen := map[contact.MergeableField]bool{}
	for i, c := range in.FieldChoices {
		id := contact.CanonicalID(c.ContactID)
		if _, isMergee := p.mergeePath[id]; id == "" || (id != p.base && !isMergee) {
			errs.Add(contact.Invalid, "must be the base or one of the mergees", "input", "fieldChoices", strconv.Itoa(i), "contactId")
		}
		if seen[c.Field] {
			errs.Add(contact.Invalid, "field chosen more than once", "input", "fieldChoices", strconv.Itoa(i), "field")
		}
		seen[c.Field] = true
	}
	return p, errs.Err()
}

// runMerge does the merge inside tx.
func runMerge(ctx context.Context, tx *sqlx.Tx, a contact.Actor, in contact.MergeInput, p mergePlan) (contact.MergeResult, error) {
	res := contact.MergeResult{DryRun: in.DryRun, MergedContactIDs: []string{}}
	locked, err := lockContacts(ctx, tx, a.AccountID, append([]string{p.base}, p.mergees...))
	if err != nil {
		return res, err
	}
	var errs contact.UserErrors
	base := locked[p.base]
	if base == nil {
		errs.Add(contact.NotFound, "contact not found", "input", "baseContactId")
	}
	mergees := make([]*contact.Contact, 0, len(p.mergees))
	for _, id := range p.mergees {
		if m := locked[id]; m != nil {
			mergees = append(mergees, m)
		} else {
			errs.Add(contact.NotFound, "contact not found", "input", "mergeeContactIds", strconv.Itoa(p.mergeePath[id]))
		}
	}
	if len(errs) > 0 {
		return res, errs
	}
	if len(mergees) == 0 {
		res.Contact = base
		return res, nil
	}
	choices := map[contact.MergeableField]*contact.Contact{}
	for _, c := range in.FieldChoices {
		choices[c.Field] = locked[contact.CanonicalID(c.ContactID)]
	}
	survivor := contact.MergedContact(base, mergees, choices)
	res.Summary.LabelsAdded = len(survivor.Labels) - len(base.Labels)

	journalID, err := insertJournal(ctx, tx, a, contact.JournalMerge, in,
		contact.JournalBeforeImages{Base: new(contact.NewContactImage(base)), Mergees: contact.NewContactImages(mergees)})
	if err != nil {
		return res, err
	}
	res.JournalID = journalID
	j := journalRow{acct: a.AccountID, id: journalID}
	ids := pqArray(p.mergees)
	for _, k := range contact.RecordKinds {
		if *k.Merged(&res.Summary), err = moveToBase(ctx, tx, j, k.Key, k.Table, k.OwnerColumn, base.ID, ids, len(p.mergees)); err != nil {
			return res, err
		}
	}
	// Messages are not owned by a contact but sent by one: the mergees'
	// messages change sender. Last, so the journal's largest id list is
	// written once.
	if res.Summary.MessagesReassigned, err = moveToBase(ctx, tx, j, contact.JournalMessages, "messages", "sender_contact_id",
		base.ID, ids, len(p.mergees)); err != nil {
		return res, err
	}
	if err := foldMergees(ctx, tx, j, survivor, ids); err != nil {
		return res, err
	}
	res.MergedContactIDs = p.mergees
	res.Contact, err = getContact(ctx, tx, a.AccountID, base.ID, false)
	return res, err
}

// foldMergees hands the mergees' addresses and identifiers to the survivor,
// writes the survivor's fields, re-points older redirects (journaled),
// replaces each mergee row with a redirect and deletes it. (The mergees'
// identifiers are cleared first, so the survivor can take one of them
// without breaking the identifier's uniqueness; the journal's
// before-images keep them.) mergees is the uuid[] of the mergees' ids.
func foldMergees(ctx context.Context, tx *sqlx.Tx, j journalRow, survivor *contact.Contact, mergees any) error {
	acct := j.acct
	// $1 account, $2 mergee ids.
	for _, stmt := range []string{
		`DELETE FROM contact_emails WHERE account_id = $1 AND contact_id = ANY($2::uuid[])`,
		`DELETE FROM contact_phone_numbers WHERE account_id = $1 AND contact_id = ANY($2::uuid[])`,
		`UPDATE contacts SET identifier = NULL WHERE account_id = $1 AND id = ANY($2::uuid[]) AND identifier IS NOT NULL`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, acct, mergees); err != nil {
			return wrapf("merge addresses", err)
		}
	}
	if err := updateContact(ctx, tx, acct, survivor); err != nil {
		return identifierTaken(err, "input", "baseContactId")
	}
	// A journaled move: $4 survivor, $5 mergee ids.
	if _, err := moveRecords(ctx, tx, j, contact.JournalRedirects, `UPDATE contact_redirects r
		SET new_contact_id = $4, updated_at = now()
		FROM contact_redirects o WHERE o.account_id = $1 AND o.new_contact_id = ANY($5::uuid[])
		  AND r.account_id = $1 AND r.old_contact_id = o.old_contact_id
		RETURNING r.old_contact_id AS id, o.new_contact_id AS owner`, survivor.ID, mergees); err != nil {
		return err
	}
	// $1 account, $2 mergee ids, $3 survivor.
	if _, err := tx.ExecContext(ctx, `INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id)
		SELECT $1, unnest($2::uuid[]), $3`, acct, mergees, survivor.ID); err != nil {
		return wrapf("merge redirects", err)
	}
	// $1 account, $2 mergee ids.
	if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE account_id = $1 AND id = ANY($2::uuid[])`, acct, mergees); err != nil {
		return wrapf("delete mergees", err)
	}
	return nil
}

// moveToBase moves the rows of table whose owner column col holds a
// mergee to the base, as a journaled move (moveRecords) under key, and
// returns how many it moved. The statement's own parameters are $4 the base
// and $5 the mergees' ids (uuid[]). With one mergee the previous owner is
// known; with several, a self-join reads it from the row's version before
// the update. table and col come from the record registry (constants).
func moveToBase(ctx context.Context, tx *sqlx.Tx, j journalRow, key, table, col, base string, mergees any, n int) (int, error) {
	stmt := `UPDATE ` + table + ` SET ` + col + ` = $4, updated_at = now()
		WHERE account_id = $1 AND ` + col + ` = ANY($5::uuid[]) RETURNING id, ($5::uuid[])[1] AS owner`
	if n > 1 {
		stmt = `UPDATE ` + table + ` t SET ` + col + ` = $4, updated_at = now()
		FROM ` + table + ` o WHERE o.account_id = $1 AND o.` + col + ` = ANY($5::uuid[]) AND t.account_id = $1 AND t.id = o.id
		RETURNING t.id, o.` + col + ` AS owner`
	}
	return moveRecords(ctx, tx, j, key, stmt, base, mergees)
}
