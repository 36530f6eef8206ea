package db

import (
	"contactid/contact"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// contactColumns selects a Contact from contacts aliased c: the id, the
// registry's stored fields, the system columns and the addresses in order.
var contactColumns = func() string {
	cols := []string{"c.id"}
	for _, f := range storedColumns() {
		cols = append(cols, "c."+f.Column)
	}
	return strings.Join(cols, ", ") + `, c.version, c.created_at, c.updated_at, c.last_activity_at,
	ARRAY(SELECT e.email FROM contact_emails e
	      WHERE e.account_id = c.account_id AND e.contact_id = c.id ORDER BY e.position) AS emails,
	ARRAY(SELECT p.phone_number FROM contact_phone_numbers p
	      WHERE p.account_id = c.account_id AND p.contact_id = c.id ORDER BY p.position) AS phone_numbers`
}()

// getContact reads one live contact, locking its row first when forUpdate is
// set (see lockContacts). It returns ErrNotFound for an unknown id.
func getContact(ctx context.Context, db q, acct, id string, forUpdate bool) (*contact.Contact, error) {
	if id = contact.CanonicalID(id); id == "" {
		return nil, contact.ErrNotFound
	}
	if forUpdate {
		locked, err := lockContacts(ctx, db, acct, []string{id})
		if err != nil {
			return nil, err
		}
		if c := locked[id]; c != nil {
			return c, nil
		}
		return nil, contact.ErrNotFound
	}
	query := `SELECT ` + contactColumns + ` FROM contacts c WHERE c.account_id = $1 AND c.id = $2`
	var c contact.Contact
	if err := db.GetContext(ctx, &c, query, acct, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, contact.ErrNotFound
		}
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return &c, nil
}

// LiveContact returns the live contact id, without following a redirect
// (ErrNotFound when it is merged away or gone).
func (s *Store) LiveContact(ctx context.Context, a contact.Actor, id string) (*contact.Contact, error) {
	return getContact(ctx, s.rd, a.AccountID, id, false)
}

// Contact returns the contact with the given id, following the redirect a
// merge leaves, so a merged-away id returns the survivor. ErrNotFound when
// there is no such contact in the caller's account.
func (s *Store) Contact(ctx context.Context, a contact.Actor, id string) (*contact.Contact, error) {
	if id = contact.CanonicalID(id); id == "" {
		return nil, contact.ErrNotFound
	}
	var target string
	err := s.rd.GetContext(ctx, &target, `SELECT new_contact_id FROM contact_redirects
		WHERE account_id = $1 AND old_contact_id = $2`, a.AccountID, id)
	switch {
	case err == nil:
		id = target
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("follow redirect: %w", err)
	}
	return getContact(ctx, s.rd, a.AccountID, id, false)
}

// ContactsByID returns the live contacts among ids, keyed by id. Unknown ids
// are absent from the map. Errors are the database's, wrapped.
func (s *Store) ContactsByID(ctx context.Context, a contact.Actor, ids []string) (map[string]*contact.Contact, error) {
	return byID(ctx, s.rd, "contacts", `SELECT `+contactColumns+` FROM contacts c`, a.AccountID, ids,
		func(c *contact.Contact) string { return c.ID })
}

// validIDs returns the canonical form of the well-formed ids, dropping the rest.
func validIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if c := contact.CanonicalID(id); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// MergedContactIDs returns every id that was merged into the given contact,
// directly or through earlier merges, keyed by survivor id. Errors are the database's, wrapped.
func (s *Store) MergedContactIDs(ctx context.Context, a contact.Actor, ids []string) (map[string][]string, error) {
	var rows []struct {
		Old string `db:"old_contact_id"`
		New string `db:"new_contact_id"`
	}
	err := s.rd.SelectContext(ctx, &rows, `SELECT old_contact_id, new_contact_id FROM contact_redirects
		WHERE account_id = $1 AND new_contact_id = ANY($2::uuid[]) ORDER BY created_at, old_contact_id`,
		a.AccountID, pq.Array(validIDs(ids)))
	if err != nil {
		return nil, fmt.Errorf("merged contact ids: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.New] = append(out[r.New], r.Old)
	}
	return out, nil
}

// ContactFilter narrows a contact listing.
type ContactFilter struct {
	Search string // substring of name, identifier, an email or a phone number
	Label  string // exact label
	// Order is the list's order; the zero value is DefaultContactOrder.
	Order ContactOrder
}

// NewContactFilter builds a filter from optional search and label arguments.
func NewContactFilter(search, label *string) ContactFilter {
	return ContactFilter{Search: contact.Deref(search), Label: contact.Deref(label)}
}

// Contacts lists the live contacts of the caller's account in f.Order
// (newest first by default), counting them unless args.SkipTotal. It
// returns an INVALID UserErrors for a malformed cursor (or one of another
// order), an unknown order or a NUL character in the filter.
func (s *Store) Contacts(ctx context.Context, a contact.Actor, f ContactFilter, args PageArgs) (Page[contact.Contact], error) {
	if strings.ContainsRune(f.Search, 0) || strings.ContainsRune(f.Label, 0) {
		return Page[contact.Contact]{}, contact.UserErrors{{Field: []string{"search"}, Code: contact.Invalid, Message: "text must not contain NUL characters"}}
	}
	if f.Order == (ContactOrder{}) || f.Order == DefaultContactOrder {
		return s.contactsByCreation(ctx, a, f, args)
	}
	if !f.Order.valid() {
		return Page[contact.Contact]{}, contact.UserErrors{{Field: []string{"orderBy"}, Code: contact.Invalid, Message: "unknown order"}}
	}
	after, err := f.Order.decode("after", args.After)
	if err != nil {
		return Page[contact.Contact]{}, err
	}
	before, err := f.Order.decode("before", args.Before)
	if err != nil {
		return Page[contact.Contact]{}, err
	}
	key := contactOrderKeys[f.Order.Field]
	later, earlier, dir := ">", "<", "ASC"
	if f.Order.Direction == Desc {
		later, earlier = "<", ">"
	}
	if (f.Order.Direction == Desc) != args.Backward {
		dir = "DESC"
	}
	var afterKey, afterID, beforeKey, beforeID *string
	if after != nil {
		afterKey, afterID = &after.Key, &after.ID
	}
	if before != nil {
		beforeKey, beforeID = &before.Key, &before.ID
	}
	where, params := contactFilterSQL(a, f)
	var rows []struct {
		contact.Contact
		SortKey string `db:"sort_key"`
	}
	err = s.rd.SelectContext(ctx, &rows, fmt.Sprintf(`SELECT `+contactColumns+`, (%[1]s)::text AS sort_key FROM contacts c WHERE `+where+`
		AND ($4::text IS NULL OR (%[1]s, c.id) %[2]s ($4::%[3]s, $5::uuid))
		AND ($6::text IS NULL OR (%[1]s, c.id) %[4]s ($6::%[3]s, $7::uuid))
		ORDER BY %[1]s %[5]s, c.id %[5]s LIMIT $8`, key.expr, later, key.typ, earlier, dir),
		append(params, afterKey, afterID, beforeKey, beforeID, args.limit())...)
	if err != nil {
		return Page[contact.Contact]{}, fmt.Errorf("list contacts: %w", err)
	}
	total, err := s.countContacts(ctx, where, params, args.SkipTotal)
	if err != nil {
		return Page[contact.Contact]{}, err
	}
	keys := make(map[string]string, len(rows))
	contacts := make([]contact.Contact, len(rows))
	for i, r := range rows {
		contacts[i], keys[r.ID] = r.Contact, r.SortKey
	}
	return pageWithCursors(contacts, args, total, func(c contact.Contact) string { return f.Order.encode(keys[c.ID], c.ID) }), nil
}

// contactsByCreation lists contacts newest first, with the timeline
// cursors (creation time and id).
func (s *Store) contactsByCreation(ctx context.Context, a contact.Actor, f ContactFilter, args PageArgs) (Page[contact.Contact], error) {
	after, before, err := args.bounds()
	if err != nil {
		return Page[contact.Contact]{}, err
	}
	afterAt, afterID := after.at()
	beforeAt, beforeID := before.at()
	where, params := contactFilterSQL(a, f)
	bounds, order := args.timeline("c.created_at", "c.id", true, 4)
	var rows []contact.Contact
	err = s.rd.SelectContext(ctx, &rows, `SELECT `+contactColumns+` FROM contacts c WHERE `+where+` AND `+bounds+`
		ORDER BY `+order+` LIMIT $8`, append(params, afterAt, afterID, beforeAt, beforeID, args.limit())...)
	if err != nil {
		return Page[contact.Contact]{}, fmt.Errorf("list contacts: %w", err)
	}
	total, err := s.countContacts(ctx, where, params, args.SkipTotal)
	if err != nil {
		return Page[contact.Contact]{}, err
	}
	return pageOf(rows, args, total, func(c contact.Contact) (time.Time, string) { return c.CreatedAt, c.ID }), nil
}

// contactFilterSQL returns the WHERE condition of f over contacts c and its
// parameters $1 to $3.
func contactFilterSQL(a contact.Actor, f ContactFilter) (string, []any) {
	pattern := ""
	if s := strings.TrimSpace(f.Search); s != "" {
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
	}
	return `c.account_id = $1
		AND ($2 = '' OR c.labels @> ARRAY[$2::text])
		AND ($3 = '' OR concat_ws(' ', c.first_name, c.last_name) ILIKE $3 OR c.identifier ILIKE $3
			OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.account_id = c.account_id AND e.contact_id = c.id AND e.email ILIKE $3)
			OR EXISTS (SELECT 1 FROM contact_phone_numbers p WHERE p.account_id = c.account_id AND p.contact_id = c.id AND p.phone_number LIKE $3))`,
		[]any{a.AccountID, f.Label, pattern}
}

// countContacts counts the contacts the filter condition where (with its
// parameters, from contactFilterSQL) matches; 0 without a query when skip.
func (s *Store) countContacts(ctx context.Context, where string, params []any, skip bool) (int, error) {
	var total int
	if skip {
		return 0, nil
	}
	if err := s.rd.GetContext(ctx, &total, `SELECT count(*) FROM contacts c WHERE `+where, params...); err != nil {
		return 0, fmt.Errorf("count contacts: %w", err)
	}
	return total, nil
}

// CreateContact validates f and inserts a contact. It returns UserErrors with
// INVALID for malformed values, NOT_FOUND for unknown assignees and TAKEN for
// an email, phone number or identifier another contact of the account
// already has.
func (s *Store) CreateContact(ctx context.Context, a contact.Actor, f contact.ContactFields) (*contact.Contact, error) {
	var out *contact.Contact
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c := &contact.Contact{}
		if err := applyFields(ctx, tx, a.AccountID, f, c, true); err != nil {
			return err
		}
		id, err := insertContact(ctx, tx, a.AccountID, c)
		if err != nil {
			return identifierTaken(err, "input", "identifier")
		}
		if out, err = getContact(ctx, tx, a.AccountID, id, false); err != nil {
			return err
		}
		return writeEvent(ctx, tx, a, contact.EventContactCreated, []string{id}, "", nil)
	})
	return out, err
}

// UpdateContact applies the fields set in f to the contact and bumps its
// version. UserErrors: NOT_FOUND for an unknown id, CONFLICT when
// expectedVersion is given and stale, and those of CreateContact.
func (s *Store) UpdateContact(ctx context.Context, a contact.Actor, id string, expectedVersion *int, f contact.ContactFields) (*contact.Contact, error) {
	var out *contact.Contact
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := lockContactByID(ctx, tx, a.AccountID, id)
		if err != nil {
			return err
		}
		if expectedVersion != nil && *expectedVersion != c.Version {
			return contact.UserErrors{{Field: []string{"input", "expectedVersion"}, Code: contact.Conflict,
				Message: fmt.Sprintf("the contact is at version %d, not %d: reload it and retry", c.Version, *expectedVersion)}}
		}
		if err := applyFields(ctx, tx, a.AccountID, f, c, false); err != nil {
			return err
		}
		if err := updateContact(ctx, tx, a.AccountID, c); err != nil {
			return identifierTaken(err, "input", "identifier")
		}
		if out, err = getContact(ctx, tx, a.AccountID, c.ID, false); err != nil {
			return err
		}
		return writeEvent(ctx, tx, a, contact.EventContactUpdated, []string{c.ID}, "", nil)
	})
	return out, err
}

// lockContactByID locks and reads the live contact with the id given as the
// mutation's id argument: NOT_FOUND at ["id"] when there is none.
func lockContactByID(ctx context.Context, tx *sqlx.Tx, acct, id string) (*contact.Contact, error) {
	c, err := getContact(ctx, tx, acct, id, true)
	if errors.Is(err, contact.ErrNotFound) {
		return nil, notFound("contact", "id")
	}
	return c, err
}

// DeleteContact deletes a live contact and everything it owns. NOT_FOUND
// UserErrors for an unknown id.
func (s *Store) DeleteContact(ctx context.Context, a contact.Actor, id string) (string, error) {
	var deleted string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		c, err := lockContactByID(ctx, tx, a.AccountID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE account_id = $1 AND id = $2`, a.AccountID, c.ID); err != nil {
			return fmt.Errorf("delete contact: %w", err)
		}
		deleted = c.ID
		return writeEvent(ctx, tx, a, contact.EventContactDeleted, []string{c.ID}, "", nil)
	})
	return deleted, err
}

// insertContact writes a new contact row and its addresses and returns its id.
func insertContact(ctx context.Context, tx *sqlx.Tx, acct string, c *contact.Contact) (string, error) {
	var id string
	if err := tx.GetContext(ctx, &id, contactSQL.insert, append([]any{acct}, storedFields(c)...)...); err != nil {
		return "", fmt.Errorf("insert contact: %w", err)
	}
	c.ID = id
	return id, writeAddresses(ctx, tx, acct, c)
}

// updateContact writes every field of c over its row, bumps the version and
// replaces its addresses.
func updateContact(ctx context.Context, tx *sqlx.Tx, acct string, c *contact.Contact) error {
	if _, err := tx.ExecContext(ctx, contactSQL.update, append([]any{acct, c.ID, c.LastActivityAt}, storedFields(c)...)...); err != nil {
		return fmt.Errorf("update contact: %w", err)
	}
	return writeAddresses(ctx, tx, acct, c)
}

// contactSQL holds the statements that write a contact row, built once from
// the field registry (contact.Fields): insert takes $1 account and then the
// stored fields in registry order; update takes $1 account, $2 id,
// $3 lastActivityAt and then the stored fields.
var contactSQL = func() (out struct{ insert, update string }) {
	var cols, vals, sets []string
	for _, f := range storedColumns() {
		cols = append(cols, f.Column)
		vals = append(vals, fmt.Sprintf("$%d", len(vals)+2))
		sets = append(sets, fmt.Sprintf("%s = $%d", f.Column, len(sets)+4))
	}
	out.insert = `INSERT INTO contacts (account_id, ` + strings.Join(cols, ", ") + `) VALUES ($1, ` + strings.Join(vals, ", ") + `) RETURNING id`
	out.update = `UPDATE contacts SET ` + strings.Join(sets, ", ") + `, last_activity_at = $3, version = version + 1, updated_at = now()
		WHERE account_id = $1 AND id = $2`
	return out
}()

// storedColumns returns the fields kept in the contacts row, in registry order.
func storedColumns() []contact.Field {
	var out []contact.Field
	for _, f := range contact.Fields {
		if f.Column != "" {
			out = append(out, f)
		}
	}
	return out
}

// storedFields returns c's values of storedColumns, in the same order.
func storedFields(c *contact.Contact) []any {
	var out []any
	for _, f := range storedColumns() {
		out = append(out, f.Stored(c))
	}
	return out
}

// writeAddresses replaces the contact's emails and phone numbers with c's,
// in order. A unique violation (a concurrent writer took an address) becomes
// a TAKEN user error.
func writeAddresses(ctx context.Context, tx *sqlx.Tx, acct string, c *contact.Contact) error {
	for _, t := range []struct {
		table, col string
		values     []string
		field      string
	}{
		{"contact_emails", "email", c.Emails, "emails"},
		{"contact_phone_numbers", "phone_number", c.PhoneNumbers, "phoneNumbers"},
	} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE account_id = $1 AND contact_id = $2`, acct, c.ID); err != nil {
			return fmt.Errorf("clear %s: %w", t.table, err)
		}
		_, err := tx.ExecContext(ctx, addressInsertSQL(t.table, t.col, "$2", "$3"), acct, c.ID, pq.Array(t.values))
		if uniqueViolation(err, "") {
			return contact.UserErrors{{Field: []string{"input", t.field}, Code: contact.Taken, Message: "already belongs to another contact"}}
		} else if err != nil {
			return fmt.Errorf("write %s: %w", t.table, err)
		}
	}
	return nil
}

// addressInsertSQL returns the statement that inserts the values of list
// (the placeholder of a text[]) as table's col of the contact owner (the
// SQL of its id), in order; $1 is the account. A caller may add a WHERE.
func addressInsertSQL(table, col, owner, list string) string {
	return `INSERT INTO ` + table + ` (account_id, ` + col + `, contact_id, position)
		SELECT $1, x.v, ` + owner + `, x.o - 1 FROM unnest(` + list + `::text[]) WITH ORDINALITY AS x(v, o)`
}

// lockContacts locks the live contacts among ids with FOR UPDATE in ascending
// id order, before any other lock (see the lock order in locks.go), and
// returns them keyed by id. Unknown ids are absent. The rows are read by a
// second statement, after the locks are held: a statement that waited for a
// lock re-reads the locked row but not its subqueries, so reading addresses
// in the locking statement could return ones a concurrent transaction has
// since changed.
func lockContacts(ctx context.Context, db q, acct string, ids []string) (map[string]*contact.Contact, error) {
	return lockContactsWith(ctx, db, acct, ids, nil)
}

// extraColumn is one more column of the statement that reads locked
// contacts (see lockContactsWith): SQL over the contact row c giving a
// text[], with its own parameters numbered from $3. Each contact's value is
// stored in out by id.
type extraColumn struct {
	sql  string
	args []any
	out  map[string][]string
}

// lockContactsWith is lockContacts that, with extra, also reads one more
// column of each locked contact in the same statement as its row: a value
// read after the locks are held.
func lockContactsWith(ctx context.Context, db q, acct string, ids []string, extra *extraColumn) (map[string]*contact.Contact, error) {
	var locked []string
	if err := db.SelectContext(ctx, &locked, `SELECT id FROM contacts
		WHERE account_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`, acct, pqArray(validIDs(ids))); err != nil {
		return nil, fmt.Errorf("lock contacts: %w", err)
	}
	query, args := `SELECT `+contactColumns, []any{acct, pqArray(locked)}
	if extra != nil {
		query += `, ` + extra.sql + ` AS extra`
		args = append(args, extra.args...)
	}
	var rows []*struct {
		contact.Contact
		Extra pq.StringArray `db:"extra"`
	}
	if err := db.SelectContext(ctx, &rows, query+` FROM contacts c
		WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`, args...); err != nil {
		return nil, fmt.Errorf("read locked contacts: %w", err)
	}
	out := make(map[string]*contact.Contact, len(rows))
	for _, r := range rows {
		out[r.ID] = &r.Contact
		if extra != nil {
			extra.out[r.ID] = r.Extra
		}
	}
	return out, nil
}
