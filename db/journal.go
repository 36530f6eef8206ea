package db

import (
	"contactid/contact"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
)

// The journal row of a merge or separation is written by the statements
// that move the records, inside the operation's transaction (format version
// 2, contact.JournalFormatVersion). writeJournal runs a list of moves as one
// statement: each move is a data-changing statement returning the columns
// id and owner (where the row was before: its previous contact or
// conversation), and the same statement inserts one operation_journal_moves
// row per record kind and previous owner holding the moved ids as a uuid[]
// (set-based: the ids never leave the server, and each kind's list is
// written once). The first call of an operation also inserts the
// operation_journal row (who, what, the before-images and the moved
// document's other values: a separation's new contact id and dividers).
// readJournal reads both back into contact.JournalEntry, the type the
// documents are written from.
//
// Parameters of the journal statements, the same in each:
//
//	$1  the account
//	$2  the journal row's id
//	$3… the moves' own values, in the order given (a move may also use $1);
//	    the journal row's own values follow them, numbered by writeJournal

// journalRow names the journal row that moves are recorded in.
type journalRow struct {
	acct string // the account ($1)
	id   string // the row's id ($2)
}

// newJournalRow names a new journal row of the account, with an id made
// here so that every statement of the operation can refer to it.
func newJournalRow(acct string) journalRow {
	return journalRow{acct: acct, id: uuid.NewString()}
}

// journalHead is what the operation_journal row itself holds: who did what,
// the before-images and the moved document's values other than record ids
// (contact.JournalMoved's NewContactID and Dividers).
type journalHead struct {
	actor  contact.Actor
	kind   contact.JournalKind
	input  any
	before contact.JournalBeforeImages
	moved  contact.JournalMoved
	// contacts are every contact involved, survivor or original first.
	contacts []string
	// undoes is the row an UNDO row undoes, root the merge or separation
	// of the chain ("" for the row itself) and depth the row's place in it.
	undoes, root string
	depth        int
	// writes are further CTEs of the statement ("name AS (…), …"), with
	// their values already added to its parameters, that write rows the
	// moves do not journal (a separation's two contacts).
	writes string
}

// journalMove is one step of writeJournal: a data-changing statement (a
// CTE body) and the key its moved ids are recorded under. A move whose key
// is "" is run in the same statement but not journaled (it need not return
// id and owner). When every row of a move has the same previous owner,
// owner is its placeholder (e.g. "$4"): the ids are then aggregated without
// grouping (a single pass, no sort of a large list) and the statement's
// owner column is not read.
type journalMove struct {
	key   string
	stmt  string
	owner string
}

// params numbers the parameters of a journal statement: $1 the account, $2
// the journal row, then each value added.
type params []any

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// journalParams returns the parameter list of a journal statement of j,
// holding $1 and $2.
func journalParams(j journalRow) params { return params{j.acct, j.id} }

// writeJournal runs moves as one statement with the parameters p (from
// journalParams, with the moves' own values added), records the ids each
// journaled move returns in operation_journal_moves under its key, grouped
// by owner, and, when head is not nil, first inserts the journal row j with
// head's values (it must be, before any other writeJournal of the row). It
// returns how many rows each move returned, in order; a move without a
// statement (nothing to move) is left out of the statement and counts 0.
func writeJournal(ctx context.Context, db q, j journalRow, head *journalHead, p params, moves ...journalMove) ([]int64, error) {
	var with, moved, counts []string
	if head != nil {
		in, err := json.Marshal(head.input)
		if err != nil {
			return nil, fmt.Errorf("journal input: %w", err)
		}
		head.before.FormatVersion = contact.JournalFormatVersion
		bi, err := json.Marshal(head.before)
		if err != nil {
			return nil, fmt.Errorf("journal before-images: %w", err)
		}
		mv, err := json.Marshal(head.moved)
		if err != nil {
			return nil, fmt.Errorf("journal moved: %w", err)
		}
		var actorID *string
		if head.actor.UserID != "" {
			actorID = &head.actor.UserID
		}
		root, undoes := j.id, (*string)(nil)
		if head.root != "" {
			root, undoes = head.root, &head.undoes
		}
		with = append(with, `head AS (INSERT INTO operation_journal (account_id, id, kind, actor_user_id, input, before_images, moved,
				contact_ids, root_id, undoes, depth)
			VALUES ($1, $2, `+p.add(string(head.kind))+`, `+p.add(actorID)+`::uuid, `+p.add(string(in))+`::jsonb, `+
			p.add(string(bi))+`::jsonb, `+p.add(string(mv))+`::jsonb, `+p.add(pqArray(head.contacts))+`::uuid[], `+
			p.add(root)+`::uuid, `+p.add(undoes)+`::uuid, `+p.add(head.depth)+`::int))`)
		if head.writes != "" {
			with = append(with, head.writes)
		}
	}
	for i, m := range moves {
		if m.stmt == "" {
			counts = append(counts, "0")
			continue
		}
		name := "m" + strconv.Itoa(i)
		with = append(with, name+` AS (`+m.stmt+`)`)
		counts = append(counts, `(SELECT count(*) FROM `+name+`)`)
		switch {
		case m.key == "":
		case m.owner != "":
			moved = append(moved, `SELECT `+pq.QuoteLiteral(m.key)+`, `+m.owner+`::uuid, array_agg(id) FROM `+name+` HAVING count(*) > 0`)
		default:
			moved = append(moved, `SELECT `+pq.QuoteLiteral(m.key)+`, owner, array_agg(id) FROM `+name+` GROUP BY owner`)
		}
	}
	if len(moved) > 0 {
		with = append(with, `rec AS (INSERT INTO operation_journal_moves (account_id, journal_id, kind, owner_id, ids)
			SELECT $1, $2, x.* FROM (`+strings.Join(moved, ` UNION ALL `)+`) x)`)
	}
	query := `WITH ` + strings.Join(with, `, `) + ` SELECT ARRAY[` + strings.Join(append(counts, "0"), `, `) + `]::bigint[]`
	var n pq.Int64Array
	if err := db.GetContext(ctx, &n, query, p...); err != nil {
		keys := make([]string, 0, len(moves))
		for _, m := range moves {
			keys = append(keys, m.key)
		}
		return nil, fmt.Errorf("journaled moves %s: %w", strings.Join(keys, ", "), err)
	}
	return n[:len(moves)], nil
}

// operationEvent is the outbox event of a journaled operation that is not
// a dry run: its kind and every contact involved.
type operationEvent struct {
	kind       contact.EventKind
	contactIDs []string
}

// finishJournal records, once an operation has written everything, the
// summary its payload returns and the version each of contacts has now
// (an undo requires them unchanged); with ev (nil on a dry run) the same
// statement writes the operation's event, with the same summary, to the
// outbox (see eventCTEs).
func finishJournal(ctx context.Context, tx q, a contact.Actor, j journalRow, summary any, contacts []string, ev *operationEvent) error {
	query, args, err := finishSQL(a, j, summary, contacts, ev, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, query, args...)
	return wrapErr("finish journal", err)
}

// activity is what finishWithWrite reads back of a contact: the columns
// the database sets.
type activity struct {
	ID             string     `db:"id"`
	Version        int        `db:"version"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
	LastActivityAt *time.Time `db:"last_activity_at"`
}

// apply returns c, as the operation wrote it, with the columns the
// database set.
func (a *activity) apply(c *contact.Contact) *contact.Contact {
	out := *c
	out.ID, out.Version, out.CreatedAt, out.UpdatedAt, out.LastActivityAt = a.ID, a.Version, a.CreatedAt, a.UpdatedAt, a.LastActivityAt
	return &out
}

// contactWrite is the last write of an operation to its contacts, run in
// the journal's closing statement (see finishWithWrite): CTEs whose last,
// act, updates the contacts and returns activity's columns, with their
// parameters args, of which $1 is the account.
type contactWrite struct {
	with string
	args []any
}

// activityWrite sets each of contacts' lastActivityAt to its latest message
// (the latest message of each conversation is one step down the messages'
// timeline index).
func activityWrite(acct string, contacts []string) contactWrite {
	return contactWrite{args: []any{acct, pqArray(contacts)}, with: `act AS (UPDATE contacts c SET last_activity_at = (
			SELECT max(l.last) FROM conversations cv CROSS JOIN LATERAL (
				SELECT max(m.created_at) AS last FROM messages m WHERE m.account_id = $1 AND m.conversation_id = cv.id) l
			WHERE cv.account_id = $1 AND cv.contact_id = c.id)
		WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])
		RETURNING c.id, c.version, c.created_at, c.updated_at, c.last_activity_at)`}
}

// finishWithWrite is finishJournal that, in the same statement, first runs
// w, records the versions it left and returns by id what the database set
// of each contact it wrote (see activity). Each of contacts must be among
// them: one that is gone is an error.
func finishWithWrite(ctx context.Context, tx q, a contact.Actor, j journalRow, summary any, contacts []string, ev *operationEvent, w contactWrite) (map[string]*activity, error) {
	query, args, err := finishSQL(a, j, summary, contacts, ev, &w)
	if err != nil {
		return nil, err
	}
	var rows []*activity
	if err := tx.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, wrapf("finish journal", err)
	}
	out := make(map[string]*activity, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	for _, id := range contacts {
		if out[id] == nil {
			return nil, fmt.Errorf("finish journal: contact %s is gone", id)
		}
	}
	return out, nil
}

// finishSQL returns the statement of finishJournal, or of finishWithWrite
// when w is not nil, and its parameters: $1 the account, w's own, then the
// journal row, the summary, the contacts (without w) and the event's kind,
// actor and contacts.
func finishSQL(a contact.Actor, j journalRow, summary any, contacts []string, ev *operationEvent, w *contactWrite) (string, []any, error) {
	b, err := json.Marshal(summary)
	if err != nil {
		return "", nil, fmt.Errorf("journal summary: %w", err)
	}
	p := params{j.acct}
	var with []string
	if w != nil {
		p, with = append(params{}, w.args...), []string{w.with}
	}
	row, sum := p.add(j.id), p.add(string(b))
	versions := `act`
	if w == nil {
		versions = `contacts WHERE account_id = $1 AND id = ANY(` + p.add(pqArray(contacts)) + `::uuid[])`
	}
	with = append(with, `fin AS (UPDATE operation_journal SET summary = `+sum+`::jsonb, after_versions = (
			SELECT coalesce(jsonb_object_agg(id, version), '{}') FROM `+versions+`)
		WHERE account_id = $1 AND id = `+row+`)`)
	main, notified := `SELECT 1`, ``
	if ev != nil {
		with = append(with, eventCTEs("$1", p.add(string(ev.kind)), p.add(eventActor(a)), p.add(pqArray(ev.contactIDs)), row, sum))
		main, notified = `SELECT count(*) FROM notified`, ` WHERE (SELECT count(*) FROM notified) >= 0`
	}
	if w != nil {
		main = `SELECT act.* FROM act` + notified
	}
	return `WITH ` + strings.Join(with, `, `) + ` ` + main, p, nil
}

// readJournal returns the journal row id of the account, decoded. The
// error wraps contact.ErrNotFound when the account has no such row; it is
// also an error when a document does not decode or was written in a newer
// format. Rows of version 2 keep their moved ids in operation_journal_moves;
// every key an operation of the row's kind writes is present in
// Moved.Records, empty when nothing moved, as in older rows.
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
	if e.Before.FormatVersion < 2 {
		return e, nil
	}
	var moves []struct {
		Kind  string         `db:"kind"`
		Owner string         `db:"owner_id"`
		IDs   pq.StringArray `db:"ids"`
	}
	if err := db.SelectContext(ctx, &moves, `SELECT kind, owner_id, ids FROM operation_journal_moves
		WHERE account_id = $1 AND journal_id = $2`, acct, row.ID); err != nil {
		return contact.JournalEntry{}, fmt.Errorf("journal %s moves: %w", row.ID, err)
	}
	for _, k := range e.Moved.Keys(e.Kind) {
		e.Moved.Records[k] = map[string][]string{}
	}
	for _, m := range moves {
		if e.Moved.Records[m.Kind] == nil {
			e.Moved.Records[m.Kind] = map[string][]string{}
		}
		e.Moved.Records[m.Kind][m.Owner] = []string(m.IDs)
	}
	return e, nil
}
