package db

import (
	"contactid/contact"
	"context"
	"errors"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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

	j := newJournalRow(a.AccountID)
	res.JournalID = j.id
	// One statement writes the journal row and moves every record to the
	// base, journaling the ids: the records of every kind, the messages the
	// mergees sent (not owned by a contact but sent by one) and the older
	// redirects to a mergee, re-pointed to the survivor. $3 the base, then
	// each mergee, then the mergees' list.
	p2 := journalParams(j)
	baseArg := p2.add(base.ID)
	mergeeArgs := make([]string, len(p.mergees))
	for i, id := range p.mergees {
		mergeeArgs[i] = p2.add(id)
	}
	type owned struct{ key, table, col, idCol string }
	kinds := make([]owned, 0, len(contact.RecordKinds)+2)
	for _, k := range contact.RecordKinds {
		kinds = append(kinds, owned{k.Key, k.Table, k.OwnerColumn, "id"})
	}
	kinds = append(kinds, owned{contact.JournalMessages, "messages", "sender_contact_id", "id"},
		owned{contact.JournalRedirects, "contact_redirects", "new_contact_id", "old_contact_id"})
	var moves []journalMove
	for _, k := range kinds {
		for _, m := range mergeeArgs {
			moves = append(moves, moveToBase(k.key, k.table, k.col, k.idCol, baseArg, m))
		}
	}
	// In the same statement, each mergee row is replaced by a redirect to the
	// base and deleted, and the base's addresses are cleared for
	// rewriteContact. The deletions' cascades run at the end of the
	// statement, after the moves: nothing is left for them but the
	// mergees' addresses (their identifiers go with the rows; the
	// before-images keep both).
	all := p2.add(pqArray(p.mergees)) + `::uuid[]`
	moves = append(moves,
		journalMove{stmt: `DELETE FROM contacts WHERE account_id = $1 AND id = ANY(` + all + `) RETURNING id`},
		journalMove{stmt: `INSERT INTO contact_redirects (account_id, old_contact_id, new_contact_id)
			SELECT $1, unnest(` + all + `), ` + baseArg + ` RETURNING old_contact_id`},
		journalMove{stmt: `DELETE FROM contact_emails WHERE account_id = $1 AND contact_id = ` + baseArg + ` RETURNING email`},
		journalMove{stmt: `DELETE FROM contact_phone_numbers WHERE account_id = $1 AND contact_id = ` + baseArg + ` RETURNING phone_number`})
	n, err := writeJournal(ctx, tx, j, &journalHead{actor: a, kind: contact.JournalMerge, input: in,
		before:   contact.JournalBeforeImages{Base: new(contact.NewContactImage(base)), Mergees: contact.NewContactImages(mergees)},
		contacts: append([]string{base.ID}, p.mergees...)},
		p2, moves...)
	if err != nil {
		return res, err
	}
	moved := map[string]int{}
	for i, m := range moves {
		moved[m.key] += int(n[i])
	}
	for _, k := range contact.RecordKinds {
		*k.Merged(&res.Summary) = moved[k.Key]
	}
	res.Summary.MessagesReassigned = moved[contact.JournalMessages]
	res.MergedContactIDs = p.mergees
	var ev *operationEvent
	if !in.DryRun {
		ev = &operationEvent{kind: contact.EventContactsMerged, contactIDs: append([]string{base.ID}, p.mergees...)}
	}
	// The survivor's fields and addresses, which may be ones a mergee had,
	// are written by the journal's closing statement.
	got, err := finishWithWrite(ctx, tx, a, j, res.Summary, []string{base.ID}, ev, rewriteWrite(a.AccountID, survivor))
	if err != nil {
		return res, identifierTaken(addressTaken(err, "finish merge"), "input", "baseContactId")
	}
	res.Contact = got[base.ID].apply(survivor)
	return res, nil
}

// rewriteContactCTEs write a contact's row and insert its addresses, as
// the CTEs of one statement whose last, act, returns activity's columns:
// contactSQL.update's parameters, then the emails and the phone numbers
// (text[]).
var rewriteContactCTEs = func() string {
	next := len(storedColumns()) + 4
	return `emails AS (` + addressInsertSQL("contact_emails", "email", "$2", "$"+strconv.Itoa(next)) + `),
		phones AS (` + addressInsertSQL("contact_phone_numbers", "phone_number", "$2", "$"+strconv.Itoa(next+1)) + `),
		act AS (` + contactSQL.update + ` RETURNING id, version, created_at, updated_at, last_activity_at)`
}()

// rewriteWrite writes every field of c over its row and bumps the version,
// like updateContact, and inserts its addresses (rewriteContactCTEs): the
// contact must have no addresses left (the caller deleted them in an
// earlier statement). An address another contact has is a unique
// violation of its table (see addressTaken); one of the identifier, of
// identifierIndex (see identifierTaken).
func rewriteWrite(acct string, c *contact.Contact) contactWrite {
	args := append([]any{acct, c.ID, c.LastActivityAt}, storedFields(c)...)
	return contactWrite{with: rewriteContactCTEs, args: append(args, pq.Array(c.Emails), pq.Array(c.PhoneNumbers))}
}

// rewriteContact runs rewriteWrite on its own. An address another contact
// has is the UserErrors writeAddresses returns; a unique violation of the
// identifier is returned as it is (see identifierTaken).
func rewriteContact(ctx context.Context, tx *sqlx.Tx, acct string, c *contact.Contact) error {
	w := rewriteWrite(acct, c)
	_, err := tx.ExecContext(ctx, `WITH `+w.with+` SELECT count(*) FROM act`, w.args...)
	return addressTaken(err, "update contact")
}

// addressTaken returns the UserErrors writeAddresses returns for a unique
// violation of an address table, the error itself for one of another
// constraint, and others wrapped with step.
func addressTaken(err error, step string) error {
	var pe *pq.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe) && pe.Code == "23505" && pe.Table == "contact_emails":
		return contact.UserErrors{{Field: []string{"input", "emails"}, Code: contact.Taken, Message: "already belongs to another contact"}}
	case errors.As(err, &pe) && pe.Code == "23505" && pe.Table == "contact_phone_numbers":
		return contact.UserErrors{{Field: []string{"input", "phoneNumbers"}, Code: contact.Taken, Message: "already belongs to another contact"}}
	}
	return wrapf(step, err)
}

// moveToBase returns the journaled move (for writeJournal) of the rows of
// table whose owner column col holds one mergee to the base, recorded under
// key with the row's id column idCol. base and mergee are the placeholders
// of the base's and the mergee's ids. A merge runs one per kind and mergee
// in its one statement: each is a single-table update whose owner equality
// is an index condition on (account_id, col) whatever the statistics say,
// with no join that stale statistics could turn into repeated scans. table,
// col and idCol come from the record registry (constants).
func moveToBase(key, table, col, idCol, base, mergee string) journalMove {
	return journalMove{key: key, owner: mergee, stmt: `UPDATE ` + table + ` SET ` + col + ` = ` + base + `, updated_at = now()
		WHERE account_id = $1 AND ` + col + ` = ` + mergee + `::uuid RETURNING ` + idCol + ` AS id, ` + mergee + `::uuid AS owner`}
}
