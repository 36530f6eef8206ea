package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// An undo restores the contacts an operation touched to the images the row
// being undone kept of them, and moves the records the chain's merge or
// separation moved (its root: their ids by previous owner are in
// operation_journal_moves) back, or forward again for a redo. Which way is
// the row's depth: undoing a row of even depth (the operation, or a redo)
// takes the operation back; undoing one of odd depth (an undo) applies it
// again. Every step is one statement whatever the number of records.

// opRow is an operation_journal row as the undo and the history read it.
type opRow struct {
	ID            string          `db:"id"`
	Kind          string          `db:"kind"`
	Actor         *string         `db:"actor_user_id"`
	CreatedAt     time.Time       `db:"created_at"`
	ContactIDs    pq.StringArray  `db:"contact_ids"`
	Summary       json.RawMessage `db:"summary"`
	AfterVersions []byte          `db:"after_versions"`
	RootID        string          `db:"root_id"`
	Undoes        *string         `db:"undoes"`
	UndoneBy      *string         `db:"undone_by"`
	Depth         int             `db:"depth"`
}

// opColumns are opRow's columns.
const opColumns = `id, kind, actor_user_id, created_at, contact_ids, summary, after_versions, coalesce(root_id, id) AS root_id, undoes, undone_by, depth`

// operation returns the row as the API shows it.
func (r opRow) operation() *contact.Operation {
	return &contact.Operation{ID: r.ID, Kind: contact.JournalKind(r.Kind), ActorUserID: r.Actor, CreatedAt: r.CreatedAt,
		ContactIDs: r.ContactIDs, Summary: r.Summary, Undoes: r.Undoes, UndoneBy: r.UndoneBy, RootID: r.RootID,
		Depth: r.Depth, Undoable: r.AfterVersions != nil}
}

// readOp reads one row of the account (for update: locked), or
// contact.ErrNotFound.
func readOp(ctx context.Context, db q, acct, id string, forUpdate bool) (opRow, error) {
	var r opRow
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	err := getOne(ctx, db, &r, `SELECT `+opColumns+` FROM operation_journal WHERE account_id = $1 AND id = $2`+lock, acct, id)
	return r, err
}

// Operation returns the account's journal row id. contact.ErrNotFound when
// there is none.
func (s *Store) Operation(ctx context.Context, a contact.Actor, id string) (*contact.Operation, error) {
	r, err := readOp(ctx, s.rd, a.AccountID, id, false)
	if err != nil {
		return nil, err
	}
	return r.operation(), nil
}

// OperationsPage is a page of operations, newest first.
type OperationsPage struct {
	Nodes []contact.Operation
	PageInfo
}

// Operations returns the account's operations newest first; with
// contactID, those that involved the contact or any contact merged into it.
func (s *Store) Operations(ctx context.Context, a contact.Actor, contactID *string, page PageArgs) (OperationsPage, error) {
	after, before, err := page.bounds()
	if err != nil {
		return OperationsPage{}, err
	}
	afterAt, afterID := after.at()
	beforeAt, beforeID := before.at()
	bounds, order := page.timeline("created_at", "id", true, 3)
	args := []any{a.AccountID, page.limit(), afterAt, afterID, beforeAt, beforeID}
	where := ""
	if contactID != nil {
		id := contact.CanonicalID(*contactID)
		if id == "" {
			return OperationsPage{Nodes: []contact.Operation{}}, nil
		}
		args = append(args, id)
		where = ` AND contact_ids && (SELECT array_agg(x) FROM (SELECT $7::uuid AS x UNION
			SELECT old_contact_id FROM contact_redirects WHERE account_id = $1 AND new_contact_id = $7::uuid) ids)`
	}
	var rows []opRow
	if err := s.rd.SelectContext(ctx, &rows, `SELECT `+opColumns+` FROM operation_journal WHERE account_id = $1 AND `+bounds+where+`
		ORDER BY `+order+` LIMIT $2`, args...); err != nil {
		return OperationsPage{}, wrapf("operations", err)
	}
	p := pageOf(rows, page, 0, func(r opRow) (time.Time, string) { return r.CreatedAt, r.ID })
	out := OperationsPage{Nodes: make([]contact.Operation, len(p.Nodes)), PageInfo: p.PageInfo}
	for i, r := range p.Nodes {
		out.Nodes[i] = *r.operation()
	}
	return out, nil
}

// UndoBlockers returns why the row id cannot be undone now (empty when it
// can), read without locks.
func (s *Store) UndoBlockers(ctx context.Context, a contact.Actor, id string) ([]contact.UndoBlocker, error) {
	var out []contact.UndoBlocker
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		l, err := readOp(ctx, tx, a.AccountID, id, false)
		if err != nil {
			return err
		}
		u, err := planUndo(ctx, tx, a.AccountID, l, contact.UndoInput{}, false)
		if err != nil {
			return err
		}
		out = u.blockers
		return nil
	})
	return out, err
}

// readTx runs fn in a read-only transaction (one snapshot for its reads),
// then rolls it back.
func (s *Store) readTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	release, err := s.tenants.acquire(ctx, tenantFrom(ctx))
	if err != nil {
		return fmt.Errorf("wait for a database connection: %w", err)
	}
	defer release()
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	return fn(tx)
}

// UndoOperation undoes the journal row id: a merge or separation is taken
// back, an undo is undone (a redo), in one transaction, when nothing it
// would overwrite has changed since. UserErrors: NOT_FOUND for an unknown
// row; CONFLICT, one per blocker, when it cannot be undone now; INVALID for
// a keepNewRecordsOn outside the operation. ErrForbidden unless the caller
// made the operation or is an administrator. A dry run does the same and
// rolls back.
func (s *Store) UndoOperation(ctx context.Context, a contact.Actor, id string, in contact.UndoInput) (contact.UndoResult, error) {
	var res contact.UndoResult
	err := s.runTx(ctx, in.DryRun, func(tx *sqlx.Tx) error {
		var err error
		res, err = runUndo(ctx, tx, a, id, in)
		return err
	})
	if err == nil && !in.DryRun && res.Undo != nil {
		s.emit(ctx, Event{Kind: "contact.operation_undone", AccountID: a.AccountID, ActorID: a.UserID, JournalID: res.Undo.ID,
			ContactIDs: res.Undo.ContactIDs})
	}
	return res, err
}

// runUndo does the undo inside tx.
func runUndo(ctx context.Context, tx *sqlx.Tx, a contact.Actor, id string, in contact.UndoInput) (contact.UndoResult, error) {
	res := contact.UndoResult{DryRun: in.DryRun}
	l, err := readOp(ctx, tx, a.AccountID, id, true)
	if errors.Is(err, contact.ErrNotFound) {
		return res, contact.UserErrors{{Field: []string{"id"}, Code: contact.NotFound, Message: "operation not found"}}
	} else if err != nil {
		return res, err
	}
	if !a.IsAdmin() && (l.Actor == nil || *l.Actor != a.UserID) {
		return res, contact.ErrForbidden
	}
	u, err := planUndo(ctx, tx, a.AccountID, l, in, true)
	if err != nil {
		return res, err
	}
	if len(u.invalid) > 0 {
		return res, u.invalid
	}
	if len(u.blockers) > 0 {
		errs := make(contact.UserErrors, 0, len(u.blockers))
		for _, b := range u.blockers {
			errs = append(errs, contact.UserError{Field: []string{"id"}, Code: contact.Conflict, Message: b.Message})
		}
		return res, errs
	}
	changed, err := u.apply(ctx, tx, a)
	if err != nil {
		return res, err
	}
	after, err := readOp(ctx, tx, a.AccountID, l.ID, false)
	if err != nil {
		return res, err
	}
	res.Operation = after.operation()
	if !in.DryRun {
		undo, err := readOp(ctx, tx, a.AccountID, *after.UndoneBy, false)
		if err != nil {
			return res, err
		}
		res.Undo = undo.operation()
	}
	for _, id := range changed {
		c, err := getContact(ctx, tx, a.AccountID, id, false)
		if err != nil {
			return res, err
		}
		res.Contacts = append(res.Contacts, c)
	}
	return res, nil
}

// undoPlan is what an undo of row l will do, and why it cannot.
type undoPlan struct {
	acct     string
	l        opRow
	root     contact.JournalEntry
	images   contact.JournalEntry // the row l, decoded: its before-images are what the undo restores
	forward  bool                 // the undo applies the root again (l is an undo)
	current  map[string]*contact.Contact
	keep     string // the contact keeping records made since, when the undo splits contacts
	in       contact.UndoInput
	blockers []contact.UndoBlocker
	invalid  contact.UserErrors
}

// block adds a blocker.
func (u *undoPlan) block(contactID, field, format string, args ...any) {
	var id *string
	if contactID != "" {
		id = &contactID
	}
	u.blockers = append(u.blockers, contact.UndoBlocker{ContactID: id, Field: field, Message: fmt.Sprintf(format, args...)})
}

// planUndo reads what the undo of l needs and collects its blockers, in a
// stable order: the row itself, later operations, each contact's version,
// then the records. With lock, the contacts are locked (ascending id).
func planUndo(ctx context.Context, tx *sqlx.Tx, acct string, l opRow, in contact.UndoInput, lock bool) (*undoPlan, error) {
	u := &undoPlan{acct: acct, l: l, in: in, forward: l.Depth%2 == 1}
	if l.UndoneBy != nil {
		u.block("", "operation", "this operation was already undone by operation %s", *l.UndoneBy)
		return u, nil
	}
	if l.AfterVersions == nil {
		u.block("", "operation", "this operation was recorded before undo was supported and cannot be undone")
		return u, nil
	}
	var err error
	if u.images, err = readJournal(ctx, tx, acct, l.ID); err != nil {
		return nil, err
	}
	u.root = u.images
	if l.RootID != l.ID {
		if u.root, err = readJournal(ctx, tx, acct, l.RootID); err != nil {
			return nil, err
		}
	}
	if u.root.Before.FormatVersion < 2 {
		u.block("", "operation", "this operation was recorded in an older journal format and cannot be undone")
		return u, nil
	}
	// The contacts now (locked first, so that an operation committed
	// while waiting is seen by the checks below), later operations, and
	// the versions the latest row touching each contact left.
	if lock {
		u.current, err = lockContacts(ctx, tx, acct, l.ContactIDs)
	} else {
		u.current, err = readContacts(ctx, tx, acct, l.ContactIDs)
	}
	if err != nil {
		return nil, err
	}
	var later []struct {
		ID   string `db:"id"`
		Kind string `db:"kind"`
	}
	// Another operation's chain with rows after l blocks when its effect
	// differs from what it was when l was written: a chain begun after l
	// whose operation stands (its latest row has even depth), or an older
	// one whose latest row now and latest row before l differ in parity
	// (undone or redone since). It is named by its latest row.
	if err := tx.SelectContext(ctx, &later, `WITH chains AS (
			SELECT DISTINCT coalesce(o.root_id, o.id) AS root FROM operation_journal o
			WHERE o.account_id = $1 AND o.contact_ids && $2::uuid[] AND (o.created_at, o.id) > ($3, $4::uuid)
			  AND coalesce(o.root_id, o.id) <> $5::uuid)
		SELECT now.id, now.kind FROM chains c
		CROSS JOIN LATERAL (SELECT id, kind, depth, created_at FROM operation_journal
			WHERE account_id = $1 AND coalesce(root_id, id) = c.root ORDER BY created_at DESC, id DESC LIMIT 1) now
		LEFT JOIN LATERAL (SELECT depth FROM operation_journal
			WHERE account_id = $1 AND coalesce(root_id, id) = c.root AND (created_at, id) < ($3, $4::uuid)
			ORDER BY created_at DESC, id DESC LIMIT 1) prior ON true
		WHERE (prior.depth IS NULL AND now.depth % 2 = 0) OR (prior.depth IS NOT NULL AND now.depth % 2 <> prior.depth % 2)
		ORDER BY now.created_at, now.id`, acct, pqArray(l.ContactIDs), l.CreatedAt, l.ID, l.RootID); err != nil {
		return nil, wrapf("later operations", err)
	}
	for _, r := range later {
		u.block("", "operation", "a later %s (operation %s) involves these contacts; undo it first", r.Kind, r.ID)
	}

	var expected []struct {
		ID      string `db:"id"`
		Version *int   `db:"version"`
	}
	if err := tx.SelectContext(ctx, &expected, `SELECT DISTINCT ON (c) c AS id, (after_versions ->> c::text)::int AS version
		FROM operation_journal, unnest(contact_ids) AS c
		WHERE account_id = $1 AND contact_ids && $2::uuid[] AND c = ANY($2::uuid[]) AND after_versions IS NOT NULL
		ORDER BY c, created_at DESC, id DESC`, acct, pqArray(l.ContactIDs)); err != nil {
		return nil, wrapf("expected versions", err)
	}
	for _, id := range l.ContactIDs {
		var want *int
		for _, e := range expected {
			if e.ID == id {
				want = e.Version
			}
		}
		c := u.current[id]
		switch {
		case want == nil && c != nil:
			u.block(id, "contact", "contact %s was created again since the operation", id)
		case want != nil && c == nil:
			u.block(id, "contact", "contact %s was deleted or merged away since the operation", id)
		case want != nil && c.Version != *want:
			u.block(id, "version", "contact %s was updated since the operation (version %d, the operation left %d)", id, c.Version, *want)
		}
	}
	u.requireContacts()
	switch contact.JournalKind(u.root.Kind) {
	case contact.JournalMerge:
		err = u.checkMerge(ctx, tx)
	case contact.JournalSeparate:
		err = u.checkSeparate(ctx, tx)
	default:
		err = fmt.Errorf("undo: journal row %s has kind %s", u.root.ID, u.root.Kind)
	}
	return u, err
}

// requireContacts blocks the undo when a contact it rewrites is gone, or
// one it brings back exists: undoing a merge rewrites the survivor and
// restores the merged contacts; redoing it rewrites all of them; undoing a
// separation rewrites both contacts; redoing it rewrites the original and
// restores the new contact.
func (u *undoPlan) requireContacts() {
	var live, absent []string
	switch {
	case u.root.Kind == contact.JournalMerge && !u.forward:
		live, absent = []string{u.root.Before.Base.ID}, contactsOf(u.root.Before.Mergees)
	case u.root.Kind == contact.JournalMerge:
		live = append([]string{u.root.Before.Base.ID}, contactsOf(u.root.Before.Mergees)...)
	case !u.forward:
		live = []string{u.root.Before.Original.ID, u.root.Moved.NewContactID}
	default:
		live, absent = []string{u.root.Before.Original.ID}, []string{u.root.Moved.NewContactID}
	}
	for _, id := range live {
		if u.current[id] == nil && !u.blocked(id) {
			u.block(id, "contact", "contact %s no longer exists", id)
		}
	}
	for _, id := range absent {
		if u.current[id] != nil && !u.blocked(id) {
			u.block(id, "contact", "contact %s exists again", id)
		}
	}
}

// blocked reports whether a blocker names the contact already.
func (u *undoPlan) blocked(id string) bool {
	for _, b := range u.blockers {
		if b.ContactID != nil && *b.ContactID == id {
			return true
		}
	}
	return false
}

// readContacts reads the account's contacts ids that exist, without locks.
func readContacts(ctx context.Context, db q, acct string, ids []string) (map[string]*contact.Contact, error) {
	var rows []*contact.Contact
	if err := db.SelectContext(ctx, &rows, `SELECT `+contactColumns+` FROM contacts c
		WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`, acct, pqArray(validIDs(ids))); err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	out := make(map[string]*contact.Contact, len(rows))
	for _, c := range rows {
		out[c.ID] = c
	}
	return out, nil
}

// misplaced reports, per record key, how many of the root's moved records
// of that key are no longer where the root (forward) or its undo (back)
// left them: gone, or owned by another contact. owner is the SQL of where
// each should be, over the move row m (owner_id: its previous owner).
func (u *undoPlan) misplaced(ctx context.Context, tx *sqlx.Tx, keys []recordPlace) error {
	args := []any{u.acct, u.root.ID, u.placeArg()}
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		where := strings.ReplaceAll(k.where, "$4::uuid", "(SELECT place FROM p)")
		parts = append(parts, `SELECT `+quote(k.key)+` AS key, count(*) AS n FROM operation_journal_moves m CROSS JOIN unnest(m.ids) AS x(id)
			LEFT JOIN `+k.table+` t ON t.account_id = m.account_id AND t.`+k.idCol+` = x.id
			WHERE m.account_id = $1 AND m.journal_id = $2 AND m.kind = `+quote(k.key)+`
			  AND (t.`+k.idCol+` IS NULL OR t.`+k.col+` IS DISTINCT FROM `+where+`)`)
	}
	var rows []struct {
		Key string `db:"key"`
		N   int    `db:"n"`
	}
	if err := tx.SelectContext(ctx, &rows, `WITH p AS (SELECT $3::uuid AS place) `+strings.Join(parts, " UNION ALL "), args...); err != nil {
		return wrapf("check moved records", err)
	}
	for _, k := range keys { // in the keys' order, whatever the rows' order
		for _, r := range rows {
			if r.Key == k.key && r.N > 0 {
				u.block("", k.key, "%d of the %s the operation moved were moved again or deleted since", r.N, k.label)
			}
		}
	}
	return nil
}

// placeArg is $4 of misplaced's statement: the merge's survivor or the
// separation's new contact.
func (u *undoPlan) placeArg() string {
	if u.root.Kind == contact.JournalMerge {
		return u.root.Before.Base.ID
	}
	return u.root.Moved.NewContactID
}

// recordPlace says where one key's moved records should be: table, id
// column, owner column, and the SQL of the expected owner over the move
// row m and $4 (placeArg).
type recordPlace struct {
	key, label, table, idCol, col, where string
}

// ownedPlaces returns, for every record kind and the extra keys, where the
// root's moved records are now expected: with the target ($4) when the
// root stands (forward false: the undo takes them back), with their
// previous owner (m.owner_id) when it was undone.
func (u *undoPlan) ownedPlaces(extra ...recordPlace) []recordPlace {
	where := "$4::uuid"
	if u.forward {
		where = "m.owner_id"
	}
	var out []recordPlace
	for _, k := range contact.RecordKinds {
		out = append(out, recordPlace{key: k.Key, label: k.Key, table: k.Table, idCol: "id", col: k.OwnerColumn, where: where})
	}
	for _, e := range extra {
		if e.where == "" {
			e.where = where
		}
		out = append(out, e)
	}
	return out
}

// newRecords counts the records of every kind owned by one of owners and
// created after since that the root did not move, by kind.
func (u *undoPlan) newRecords(ctx context.Context, tx *sqlx.Tx, owners []string, since time.Time) (map[string]int, error) {
	parts := make([]string, 0, len(contact.RecordKinds))
	for _, k := range contact.RecordKinds {
		parts = append(parts, `SELECT `+quote(k.Key)+` AS key, count(*) AS n FROM `+k.Table+` t
			WHERE t.account_id = $1 AND t.`+k.OwnerColumn+` = ANY($2::uuid[]) AND t.created_at > $3
			  AND NOT EXISTS (SELECT 1 FROM operation_journal_moves m
				WHERE m.account_id = $1 AND m.journal_id = $4 AND m.kind = `+quote(k.Key)+` AND t.id = ANY(m.ids))`)
	}
	var rows []struct {
		Key string `db:"key"`
		N   int    `db:"n"`
	}
	if err := tx.SelectContext(ctx, &rows, strings.Join(parts, " UNION ALL "), u.acct, pqArray(owners), since, u.root.ID); err != nil {
		return nil, wrapf("new records", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		if r.N > 0 {
			out[r.Key] = r.N
		}
	}
	return out, nil
}

// contactsOf returns the ids of images.
func contactsOf(images []contact.ContactImage) []string {
	out := make([]string, len(images))
	for i, im := range images {
		out[i] = im.ID
	}
	return out
}

// changedContacts is the order the payload lists contacts in: the
// operation's, as they exist after the undo.
func (u *undoPlan) changedContacts(gone ...string) []string {
	var out []string
	for _, id := range u.l.ContactIDs {
		if !slices.Contains(gone, id) {
			out = append(out, id)
		}
	}
	return out
}

// writeUndoRow journals the undo of l (with the images of the contacts as
// they were before it and the values a later undo needs), marks l undone
// and records the versions the undo left.
func (u *undoPlan) writeUndoRow(ctx context.Context, tx *sqlx.Tx, a contact.Actor, before contact.JournalBeforeImages,
	moved contact.JournalMoved, summary contact.UndoSummary) error {
	j := newJournalRow(u.acct)
	if _, err := writeJournal(ctx, tx, j, &journalHead{actor: a, kind: contact.JournalUndo, input: u.in, before: before, moved: moved,
		contacts: u.l.ContactIDs, undoes: u.l.ID, root: u.l.RootID, depth: u.l.Depth + 1}, journalParams(j)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE operation_journal SET undone_by = $3 WHERE account_id = $1 AND id = $2`,
		u.acct, u.l.ID, j.id); err != nil {
		return wrapf("mark undone", err)
	}
	var ev *operationEvent
	if !u.in.DryRun {
		ev = &operationEvent{kind: contact.EventOperationUndone, contactIDs: u.l.ContactIDs}
	}
	return finishJournal(ctx, tx, a, j, summary, u.l.ContactIDs, ev)
}

// apply does the undo.
func (u *undoPlan) apply(ctx context.Context, tx *sqlx.Tx, a contact.Actor) ([]string, error) {
	switch {
	case u.root.Kind == contact.JournalMerge && !u.forward:
		return u.unmerge(ctx, tx, a)
	case u.root.Kind == contact.JournalMerge:
		return u.remerge(ctx, tx, a)
	case !u.forward:
		return u.unseparate(ctx, tx, a)
	default:
		return u.reseparate(ctx, tx, a)
	}
}

// restoreContactSQL inserts a contact as an image shows it, with its id,
// creation time and activity: $1 account, $2 id, $3 created_at, $4
// version, $5 last_activity_at, then the stored fields.
var restoreContactSQL = func() string {
	cols, vals := "", ""
	for i, f := range storedColumns() {
		cols += ", " + f.Column
		vals += fmt.Sprintf(", $%d", i+6)
	}
	return `INSERT INTO contacts (account_id, id, created_at, version, last_activity_at` + cols + `)
		VALUES ($1, $2, $3, $4, $5` + vals + `)`
}()

// restoreContact inserts the contact of im (version: one more than the
// image's) with its addresses.
func restoreContact(ctx context.Context, tx *sqlx.Tx, acct string, im contact.ContactImage) error {
	c := im.Contact()
	args := append([]any{acct, c.ID, c.CreatedAt, c.Version + 1, c.LastActivityAt}, storedFields(c)...)
	if _, err := tx.ExecContext(ctx, restoreContactSQL, args...); err != nil {
		return identifierTaken(wrapf("restore contact", err), "id")
	}
	return writeAddresses(ctx, tx, acct, c)
}

// rewriteImage writes im's fields and addresses over the existing contact
// (version bumped).
func rewriteImage(ctx context.Context, tx *sqlx.Tx, acct string, im contact.ContactImage) error {
	c := im.Contact()
	if _, err := tx.ExecContext(ctx, `WITH e AS (DELETE FROM contact_emails WHERE account_id = $1 AND contact_id = $2)
		DELETE FROM contact_phone_numbers WHERE account_id = $1 AND contact_id = $2`, acct, c.ID); err != nil {
		return wrapf("clear addresses", err)
	}
	return rewriteContact(ctx, tx, acct, c)
}

// errMissingImage reports a journal row without the image an undo needs.
var errMissingImage = errors.New("the journal row lacks the contact image the undo needs")

// steps builds one statement of data-changing CTEs (each RETURNING a row
// per row it changed) and sums the rows the counted ones changed.
type steps struct{ with, counted []string }

// count adds a step whose changed rows are summed.
func (s *steps) count(stmt string) {
	name := "s" + strconv.Itoa(len(s.with))
	s.with = append(s.with, name+" AS ("+stmt+")")
	s.counted = append(s.counted, "(SELECT count(*) FROM "+name+")")
}

// also adds a step that is not counted.
func (s *steps) also(stmt string) {
	s.with = append(s.with, "s"+strconv.Itoa(len(s.with))+" AS ("+stmt+")")
}

// run runs the statement with args and returns the counted steps' rows.
func (s steps) run(ctx context.Context, tx *sqlx.Tx, step string, args ...any) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, `WITH `+strings.Join(s.with, ", ")+` SELECT `+strings.Join(append(s.counted, "0"), " + "), args...)
	return n, wrapErr(step, err)
}

// quote writes a record key as an SQL literal.
func quote(key string) string { return pq.QuoteLiteral(key) }
