package db

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SeparateContact splits a contact into the original and a new contact in
// one transaction: fields divide as in.FieldSplit says, assigned records move
// with one set-based statement per record type, each message divider turns
// a conversation's tail into a new conversation of the other side, and one
// journal row records it all. The whole input is validated before the first
// write. A dry run does the same and rolls back. ErrForbidden for
// non-administrators; UserErrors NOT_FOUND, INVALID and TAKEN with input paths.
func (s *Store) SeparateContact(ctx context.Context, a contact.Actor, id string, in contact.SeparateInput) (contact.SeparateResult, error) {
	if !a.IsAdmin() {
		return contact.SeparateResult{}, contact.ErrForbidden
	}
	var res contact.SeparateResult
	err := s.runTx(ctx, in.DryRun, func(tx *sqlx.Tx) error {
		ptx := preparedTx{tx: tx, stmts: s.writes}
		p, err := planSeparation(ctx, ptx, a.AccountID, id, in)
		if err != nil {
			return err
		}
		res, err = p.run(ctx, ptx, a)
		return err
	})
	if err == nil && !res.DryRun {
		s.emit(ctx, Event{Kind: "contact.separated", AccountID: a.AccountID, ActorID: a.UserID, JournalID: res.JournalID,
			ContactIDs: []string{res.Original.ID, *res.NewContactID}})
	}
	return res, err
}

// separation is a validated separation, ready to write.
type separation struct {
	in       contact.SeparateInput
	orig     *contact.Contact         // before
	origNext *contact.Contact         // the original as it will be
	newC     *contact.Contact         // the new contact as it will be
	toNew    map[string][]string      // record kind → ids assigned NEW
	tails    []contact.JournalDivider // the cuts, as the journal records them
}

// planSeparation locks the contact and validates the whole input against the
// database, returning every problem at once.
func planSeparation(ctx context.Context, tx q, acct, id string, in contact.SeparateInput) (*separation, error) {
	// The records the assignment lists that the contact owns are read with
	// its row, under its lock.
	ownedCol := ownedRecords(&in.ChildRecordAssignment)
	locked, err := lockContactsWith(ctx, tx, acct, []string{id}, ownedCol)
	if err != nil {
		return nil, err
	}
	orig := locked[contact.CanonicalID(id)]
	if orig == nil {
		return nil, notFound("contact", "id")
	}
	owned := map[string]map[string]bool{}
	for _, kr := range ownedCol.out[orig.ID] {
		kind, rid, _ := strings.Cut(kr, ":")
		if owned[kind] == nil {
			owned[kind] = map[string]bool{}
		}
		owned[kind][rid] = true
	}
	p := &separation{in: in, orig: orig, toNew: map[string][]string{}}
	origNext, newC, addrs, errs := contact.SplitFields(orig, in.FieldSplit)
	p.origNext, p.newC = origNext, newC
	values := make([]string, len(addrs))
	for i, ad := range addrs {
		values[i] = ad.Value
	}
	taken := map[string]bool{}
	if len(values) > 0 {
		if taken, err = takenAddresses(ctx, tx, acct, orig.ID, values); err != nil {
			return nil, err
		}
	}
	for _, ad := range addrs {
		if taken[ad.Value] {
			errs.Add(contact.Taken, fmt.Sprintf("%q already belongs to another contact", ad.Value), ad.Path...)
		}
	}
	if _, placed := in.FieldSplit.Placements["identifier"]; in.FieldSplit.Identifier != nil || placed {
		uerrs, err := checkSplitIdentifiers(ctx, tx, acct, orig.ID, origNext.Identifier, newC.Identifier)
		if err != nil {
			return nil, err
		}
		errs = append(errs, uerrs...)
	}
	convSide := map[string]contact.SplitSide{}
	for _, k := range contact.RecordKinds {
		list := k.Assigned(&in.ChildRecordAssignment)
		errs = append(errs, checkOwned(owned[k.Key], list, "input", "childRecordAssignment", k.Key)...)
		for _, ra := range list {
			if ra.Side == contact.SideNew {
				p.toNew[k.Key] = append(p.toNew[k.Key], contact.CanonicalID(ra.ID))
			}
			if k.Key == contact.ConversationKind.Key {
				convSide[contact.CanonicalID(ra.ID)] = ra.Side
			}
		}
	}
	uerrs, err := p.planTails(ctx, tx, acct, convSide)
	if err != nil {
		return nil, err
	}
	if errs = append(errs, uerrs...); len(errs) == 0 && p.givesNothing() {
		errs.Add(contact.Invalid, "the new contact would get no field value and no record: give it at least one", "input")
	}
	return p, errs.Err()
}

// checkSplitIdentifiers returns TAKEN user errors for an identifier split
// that gives both sides one identifier or either side one that a contact
// other than the original has.
func checkSplitIdentifiers(ctx context.Context, tx q, acct, origID string, orig, newer *string) (contact.UserErrors, error) {
	var errs contact.UserErrors
	if orig != nil && newer != nil && *orig == *newer {
		errs.Add(contact.Taken, "an identifier cannot belong to both contacts", contact.SplitPath("identifier", "new")...)
		newer = nil
	}
	var values []string
	for _, v := range []*string{orig, newer} {
		if v != nil {
			values = append(values, *v)
		}
	}
	if len(values) == 0 {
		return errs, nil
	}
	taken, err := takenIdentifiers(ctx, tx, acct, origID, values...)
	if err != nil {
		return nil, err
	}
	for _, sv := range []struct {
		side  string
		value *string
	}{{"original", orig}, {"new", newer}} {
		if sv.value != nil && taken[*sv.value] {
			errs.Add(contact.Taken, identifierTakenMsg, contact.SplitPath("identifier", sv.side)...)
		}
	}
	return errs, nil
}

// ownedRecords returns the column of lockContactsWith that lists, as
// "kind:id", which of the records the assignment lists the contact owns,
// every kind at once.
func ownedRecords(a *contact.ChildRecordAssignment) *extraColumn {
	p := params{nil, nil} // $1 the account and $2 the contacts are lockContactsWith's
	var parts []string
	for _, k := range contact.RecordKinds {
		list := k.Assigned(a)
		if len(list) == 0 {
			continue
		}
		ids := make([]string, len(list))
		for i, ra := range list {
			ids[i] = ra.ID
		}
		parts = append(parts, `SELECT `+pq.QuoteLiteral(k.Key+":")+` || r.id FROM `+k.Table+` r
			WHERE r.account_id = c.account_id AND r.`+k.OwnerColumn+` = c.id AND r.id = ANY(`+p.add(pqArray(validIDs(ids)))+`::uuid[])`)
	}
	col := &extraColumn{sql: `'{}'::text[]`, out: map[string][]string{}}
	if len(parts) > 0 {
		col.sql, col.args = `ARRAY(`+strings.Join(parts, ` UNION ALL `)+`)`, p[2:]
	}
	return col
}

// checkOwned validates one record kind's assignments against the ids of
// the kind the contact owns (from ownedRecords): each id must be owned
// (NOT_FOUND) and listed once (INVALID).
func checkOwned(isOwned map[string]bool, list []contact.RecordAssignment, field ...string) contact.UserErrors {
	var errs contact.UserErrors
	seen := map[string]bool{}
	for i, ra := range list {
		id := contact.CanonicalID(ra.ID)
		path := append(append([]string{}, field...), strconv.Itoa(i), "id")
		switch {
		case !isOwned[id]:
			errs.Add(contact.NotFound, "not a record of this contact", path...)
		case seen[id]:
			errs.Add(contact.Invalid, "listed more than once", path...)
		}
		seen[id] = true
	}
	return errs
}

// planTails validates the message dividers and new-conversation metadata
// and builds the tail conversations to create.
func (p *separation) planTails(ctx context.Context, tx q, acct string, convSide map[string]contact.SplitSide) (contact.UserErrors, error) {
	var errs contact.UserErrors
	if len(p.in.MessageDividers) == 0 && len(p.in.NewConversationMeta) == 0 {
		return nil, nil
	}
	convs, msgs := make([]string, len(p.in.MessageDividers)), make([]string, len(p.in.MessageDividers))
	for i, d := range p.in.MessageDividers {
		convs[i], msgs[i] = contact.CanonicalID(d.ConversationID), contact.CanonicalID(d.FirstMessageID)
	}
	var rows []struct {
		Idx        int  `db:"idx"`
		ConvOwned  bool `db:"conv_owned"`
		MsgInConv  bool `db:"msg_in_conv"`
		HasEarlier bool `db:"has_earlier"`
	}
	err := tx.SelectContext(ctx, &rows, `SELECT d.idx,
		EXISTS (SELECT 1 FROM conversations c WHERE c.account_id = $1 AND c.id = d.conv AND c.contact_id = $2) AS conv_owned,
		m.id IS NOT NULL AS msg_in_conv,
		EXISTS (SELECT 1 FROM messages e WHERE e.account_id = $1 AND e.conversation_id = d.conv
			AND (e.created_at, e.id) < (m.created_at, m.id)) AS has_earlier
		FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY AS d(conv, msg, idx)
		LEFT JOIN messages m ON m.account_id = $1 AND m.id = d.msg AND m.conversation_id = d.conv
		ORDER BY d.idx`, acct, p.orig.ID, pqArray(nullBad(convs)), pqArray(nullBad(msgs)))
	if err != nil {
		return nil, wrapf("check dividers", err)
	}
	divided := map[string]int{} // conversation → index of its tail in p.tails
	seen := map[string]bool{}
	for _, r := range rows {
		i := r.Idx - 1
		path := []string{"input", "messageDividers", strconv.Itoa(i)}
		dup := seen[convs[i]] && convs[i] != ""
		seen[convs[i]] = true
		switch {
		case !r.ConvOwned:
			errs.Add(contact.NotFound, "not a conversation of this contact", append(path, "conversationId")...)
		case dup:
			errs.Add(contact.Invalid, "a conversation can have only one divider", append(path, "conversationId")...)
		case !r.MsgInConv:
			errs.Add(contact.NotFound, "not a message of this conversation", append(path, "firstMessageId")...)
		case !r.HasEarlier:
			errs.Add(contact.Invalid, "the divider is on the conversation's first message: assign the whole conversation instead",
				append(path, "firstMessageId")...)
		default:
			divided[convs[i]] = len(p.tails)
			p.tails = append(p.tails, contact.JournalDivider{Conv: convs[i], NewConv: uuid.NewString(), FirstMsg: msgs[i],
				ToOriginal: convSide[convs[i]] == contact.SideNew})
		}
	}
	uerrs, err := p.applyMeta(ctx, tx, acct, divided)
	return append(errs, uerrs...), err
}

// nilUUID stands in for a malformed id in queries: no row has it.
const nilUUID = "00000000-0000-0000-0000-000000000000"

// nullBad maps malformed ids to nilUUID so they match nothing.
func nullBad(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if id == "" {
			out[i] = nilUUID
		}
	}
	return out
}

// applyMeta validates newConversationMeta and folds it into the tails. Inbox
// and assignee ids of all entries are checked with one query each.
func (p *separation) applyMeta(ctx context.Context, tx q, acct string, divided map[string]int) (contact.UserErrors, error) {
	var inboxIDs, userIDs []string
	for _, m := range p.in.NewConversationMeta {
		if m.InboxID != nil {
			inboxIDs = append(inboxIDs, *m.InboxID)
		}
		userIDs = append(userIDs, contact.CanonicalIDs(m.AssigneeIDs)...)
	}
	inboxes, err := existingIDs(ctx, tx, "inboxes", acct, inboxIDs)
	if err != nil {
		return nil, err
	}
	users, err := existingIDs(ctx, tx, "users", acct, userIDs)
	if err != nil {
		return nil, err
	}
	var errs contact.UserErrors
	seen := map[string]bool{}
	for i, m := range p.in.NewConversationMeta {
		path := []string{"input", "newConversationMeta", strconv.Itoa(i)}
		conv := contact.CanonicalID(m.ConversationID)
		t, ok := divided[conv]
		switch {
		case !ok:
			errs.Add(contact.Invalid, "this conversation has no valid message divider", append(path, "conversationId")...)
			continue
		case seen[conv]:
			errs.Add(contact.Invalid, "given more than once for this conversation", append(path, "conversationId")...)
			continue
		}
		seen[conv] = true
		spec := &p.tails[t]
		if m.InboxID != nil {
			if id := contact.CanonicalID(*m.InboxID); inboxes[id] {
				spec.InboxID = &id
			} else {
				errs.Add(contact.NotFound, "inbox not found", append(path, "inboxId")...)
			}
		}
		contact.CheckOptLength(&errs, m.Channel, contact.MaxNameLength, append(path, "channel")...)
		contact.CheckOptLength(&errs, m.Subject, contact.MaxTitleLength, append(path, "subject")...)
		spec.Channel = contact.BlankToNil(m.Channel)
		if m.Subject != nil {
			spec.Subject, spec.SubjectSet = contact.BlankToNil(m.Subject), true
		}
		if m.Status != nil {
			st := string(*m.Status)
			spec.Status = &st
		}
		if m.AssigneeIDs != nil {
			spec.AssigneeIDs = contact.DistinctIDs(contact.CanonicalIDs(m.AssigneeIDs))
			for j, id := range contact.CanonicalIDs(m.AssigneeIDs) {
				if !users[id] {
					errs.Add(contact.NotFound, "user not found", append(path, "assigneeIds", strconv.Itoa(j))...)
				}
			}
		}
	}
	return errs, nil
}

// run writes a validated separation in two statements: the journal
// statement writes both contacts' rows and addresses, the journal row, every
// record move and cut and the messages' senders; the closing statement
// writes both contacts' activity (read back), the journal's summary and the
// event. Cuts move messages, so with cuts the senders change in a statement
// of their own, between the two.
func (p *separation) run(ctx context.Context, tx q, a contact.Actor) (contact.SeparateResult, error) {
	acct := a.AccountID
	res := contact.SeparateResult{DryRun: p.in.DryRun}
	j := newJournalRow(acct)
	res.JournalID = j.id
	// $3 the new contact, $4 the original, then both contacts' values, each
	// kind's ids assigned NEW and the cuts.
	newID := uuid.NewString()
	p.newC.ID = newID
	pj := journalParams(j)
	newArg, origArg := pj.add(newID), pj.add(p.orig.ID)
	writes := p.contactWrites(&pj, newArg, origArg)
	moves := make([]journalMove, 0, len(contact.RecordKinds)+2)
	var convsArg string // the conversations assigned NEW, when there are any
	for _, k := range contact.RecordKinds {
		if len(p.toNew[k.Key]) == 0 {
			moves = append(moves, journalMove{key: k.Key}) // nothing of this kind moves
			continue
		}
		ids := pj.add(pqArray(p.toNew[k.Key]))
		if k.Key == contact.ConversationKind.Key {
			convsArg = ids
		}
		moves = append(moves, journalMove{key: k.Key, owner: origArg, stmt: `UPDATE ` + k.Table + ` SET ` + k.OwnerColumn + ` = ` + newArg + `, updated_at = now()
			WHERE account_id = $1 AND ` + k.OwnerColumn + ` = ` + origArg + ` AND id = ANY(` + ids + `::uuid[])
			RETURNING id, ` + origArg + `::uuid AS owner`})
	}
	held := -1 // the move counting the messages the new contact's conversations hold
	if len(p.tails) == 0 && convsArg != "" {
		// Without cuts the new contact's conversations are exactly those
		// assigned NEW, so their senders change in the same statement.
		moves = append(moves, senderSteps(newArg, origArg, `m.conversation_id = ANY(`+convsArg+`::uuid[])`)...)
		held = len(moves) - 1
	}
	if len(p.tails) > 0 {
		tails, err := p.cutTails(&pj, newArg, origArg)
		if err != nil {
			return res, err
		}
		moves = append(moves, tails...)
	}
	n, err := writeJournal(ctx, tx, j, &journalHead{actor: a, kind: contact.JournalSeparate, input: p.in,
		before: contact.JournalBeforeImages{Original: new(contact.NewContactImage(p.orig))},
		moved:  contact.JournalMoved{NewContactID: newID, Dividers: p.tails}, contacts: []string{p.orig.ID, newID}, writes: writes}, pj, moves...)
	if err != nil {
		return res, p.takenError(err)
	}
	for i, k := range contact.RecordKinds {
		*k.Separated(&res.Summary) = int(n[i])
	}
	res.Summary.ConversationsCreated = len(p.tails)
	if held >= 0 {
		res.Summary.MessagesReassigned = int(n[held])
	}
	if len(p.tails) > 0 {
		// The cuts moved messages into new conversations, so the senders
		// change in a statement of their own, which sees them: $3 the new
		// contact, $4 the original.
		pj = journalParams(j)
		newArg, origArg = pj.add(newID), pj.add(p.orig.ID)
		n, err := writeJournal(ctx, tx, j, nil, pj, senderSteps(newArg, origArg, `m.conversation_id IN (
			SELECT c.id FROM conversations c WHERE c.account_id = $1 AND c.contact_id = `+newArg+`)`)...)
		if err != nil {
			return res, err
		}
		res.Summary.MessagesReassigned = int(n[1])
	}
	var ev *operationEvent
	if !p.in.DryRun {
		ev = &operationEvent{kind: contact.EventContactSplit, contactIDs: []string{p.orig.ID, newID}}
	}
	// The activity is written only now: the row-locking checks of the
	// foreign keys above (one on the new contact per message) are much
	// slower on a row this transaction has updated.
	contacts := []string{p.orig.ID, newID}
	got, err := finishWithWrite(ctx, tx, a, j, res.Summary, contacts, ev, activityWrite(acct, contacts))
	if err != nil {
		return res, err
	}
	res.Original, res.New = got[p.orig.ID].apply(p.origNext), got[newID].apply(p.newC)
	if p.in.DryRun {
		res.New.ID, res.New.RowID = contact.DryRunContactID, newID
	} else {
		res.NewContactID = &newID
	}
	return res, nil
}

// senderSteps are the steps of a journal statement that give the new
// contact (newArg) every message the original (origArg) sent in the
// conversations inConvs selects (a condition on messages m), journaled,
// and then count the messages those conversations hold (the summary's
// messagesReassigned; a change of sender does not change it).
func senderSteps(newArg, origArg, inConvs string) []journalMove {
	return []journalMove{{key: contact.JournalSenderChanged, owner: origArg, stmt: `UPDATE messages m
		SET sender_contact_id = ` + newArg + `, updated_at = now()
		WHERE m.account_id = $1 AND ` + inConvs + ` AND m.sender_contact_id = ` + origArg + `
		RETURNING m.id, ` + origArg + `::uuid AS owner`},
		{stmt: `SELECT 1 FROM messages m WHERE m.account_id = $1 AND ` + inConvs}}
}

// contactWrites returns the CTEs of the journal statement that write both
// contacts and their addresses, adding their values to pj: they clear the
// original's addresses, update its row, insert the new contact (with the id
// newArg) and then insert both contacts' emails and phone numbers. Each
// step that must come after another reads that step's rows, which makes
// PostgreSQL run the other to completion first: the new contact can take
// the original's identifier or addresses. The moves of the same statement
// need none of them (they name the new contact by its id), and its
// foreign-key checks run at the end of the statement, after them.
func (p *separation) contactWrites(pj *params, newArg, origArg string) string {
	var sets, cols, vals []string
	orig, newer := storedFields(p.origNext), storedFields(p.newC)
	for i, f := range storedColumns() {
		sets = append(sets, f.Column+` = `+pj.add(orig[i]))
		cols = append(cols, f.Column)
		vals = append(vals, pj.add(newer[i]))
	}
	addrs := func(name, table, col, cleared, owner string, list []string) string {
		return name + ` AS (` + addressInsertSQL(table, col, owner+`::uuid`, pj.add(pq.Array(list))) + `
			WHERE (SELECT count(*) FROM ` + cleared + `) >= 0 AND (SELECT count(*) FROM c) = 1)`
	}
	return `de AS (DELETE FROM contact_emails WHERE account_id = $1 AND contact_id = ` + origArg + ` RETURNING 1),
		dp AS (DELETE FROM contact_phone_numbers WHERE account_id = $1 AND contact_id = ` + origArg + ` RETURNING 1),
		orig AS (UPDATE contacts SET ` + strings.Join(sets, ", ") + `, last_activity_at = ` + pj.add(p.origNext.LastActivityAt) + `,
				version = version + 1, updated_at = now()
			WHERE account_id = $1 AND id = ` + origArg + ` RETURNING 1),
		c AS (INSERT INTO contacts (account_id, id, ` + strings.Join(cols, ", ") + `)
			SELECT $1, ` + newArg + `, ` + strings.Join(vals, ", ") + ` WHERE (SELECT count(*) FROM orig) = 1 RETURNING id), ` +
		addrs("oe", "contact_emails", "email", "de", origArg, p.origNext.Emails) + `, ` +
		addrs("op", "contact_phone_numbers", "phone_number", "dp", origArg, p.origNext.PhoneNumbers) + `, ` +
		addrs("ne", "contact_emails", "email", "de", newArg, p.newC.Emails) + `, ` +
		addrs("np", "contact_phone_numbers", "phone_number", "dp", newArg, p.newC.PhoneNumbers)
}

// takenError returns, for a unique violation of an identifier or an
// address (a concurrent writer took it after validation), the TAKEN user
// error on the side that asked for it, and err itself otherwise.
func (p *separation) takenError(err error) error {
	if uniqueViolation(err, identifierIndex) {
		return identifierTaken(err, contact.SplitPath("identifier", p.takenSide(err))...)
	}
	if ue := addressTaken(err, ""); errors.As(ue, new(contact.UserErrors)) {
		return ue
	}
	return err
}

// takenSide names the side ("original" or "new") whose identifier a unique
// violation of the identifier reports: the new contact's, unless the
// violation names another value and the original's identifier changed.
func (p *separation) takenSide(err error) string {
	var pe *pq.Error
	changed := p.origNext.Identifier != nil && (p.orig.Identifier == nil || *p.orig.Identifier != *p.origNext.Identifier)
	if errors.As(err, &pe) && changed && (p.newC.Identifier == nil || !strings.Contains(pe.Detail, ", "+*p.newC.Identifier+")")) {
		return "original"
	}
	return "new"
}

// cutTails returns the steps of the journal statement that create one
// conversation per divider, owned by the side the divided conversation is
// not on, and move each tail into it (journaled). It adds the cuts (the
// JSON of p.tails) to the statement's parameters; newArg and origArg are
// the placeholders of the new contact and the original.
func (p *separation) cutTails(pj *params, newArg, origArg string) ([]journalMove, error) {
	specs, err := json.Marshal(p.tails)
	if err != nil {
		return nil, wrapf("tails", err)
	}
	cuts := pj.add(string(specs)) + `::jsonb`
	return []journalMove{{stmt: `INSERT INTO conversations
			(account_id, id, contact_id, inbox_id, channel, subject, status, assignee_ids, created_at)
			SELECT $1, d.new_conv, CASE WHEN d.to_original THEN ` + origArg + `::uuid ELSE ` + newArg + `::uuid END,
				COALESCE(d.inbox, c.inbox_id), COALESCE(d.channel, c.channel),
				CASE WHEN d.subject_set THEN d.subject ELSE c.subject END, COALESCE(d.status, c.status),
				COALESCE(d.assignees, c.assignee_ids), f.created_at
			FROM jsonb_to_recordset(` + cuts + `) AS d(conv uuid, new_conv uuid, first_msg uuid, to_original boolean,
				inbox uuid, channel text, subject text, subject_set boolean, status text, assignees uuid[])
			JOIN conversations c ON c.account_id = $1 AND c.id = d.conv
			JOIN messages f ON f.account_id = $1 AND f.id = d.first_msg
			RETURNING 1`},
		{key: contact.JournalTailMessages, stmt: `UPDATE messages m
			SET conversation_id = d.new_conv, updated_at = now()
			FROM jsonb_to_recordset(` + cuts + `) AS d(conv uuid, new_conv uuid, first_msg uuid), messages f
			WHERE f.account_id = $1 AND f.id = d.first_msg
			  AND m.account_id = $1 AND m.conversation_id = d.conv AND (m.created_at, m.id) >= (f.created_at, f.id)
			RETURNING m.id, d.conv AS owner`}}, nil
}

// givesNothing reports whether the separation would leave the new contact
// without any field value and without any record: no record assigned NEW
// and no message divider (a divider always gives the new contact either
// the tail or the conversation it was cut from).
func (p *separation) givesNothing() bool {
	for _, ids := range p.toNew {
		if len(ids) > 0 {
			return false
		}
	}
	return len(p.tails) == 0 && p.newC.Blank()
}
