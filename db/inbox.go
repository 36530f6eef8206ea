package db

import (
	"contactid/contact"
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// inboxColumns selects an Inbox.
const inboxColumns = `id, name, channel_type, created_at`

// CreateInbox creates an inbox. UserErrors INVALID when a field is blank or
// longer than MaxNameLength.
func (s *Store) CreateInbox(ctx context.Context, a contact.Actor, in contact.CreateInboxInput) (contact.Inbox, error) {
	var errs contact.UserErrors
	name, channel := contact.BlankToNil(in.Name), contact.BlankToNil(in.ChannelType)
	if name == nil {
		errs.Add(contact.Invalid, "must not be blank", "input", "name")
	}
	if channel == nil {
		errs.Add(contact.Invalid, "must not be blank", "input", "channelType")
	}
	contact.CheckOptLength(&errs, name, contact.MaxNameLength, "input", "name")
	contact.CheckOptLength(&errs, channel, contact.MaxNameLength, "input", "channelType")
	if len(errs) > 0 {
		return contact.Inbox{}, errs
	}
	var ib contact.Inbox
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return wrapErr("insert inbox", tx.GetContext(ctx, &ib, `INSERT INTO inboxes (account_id, name, channel_type)
			VALUES ($1, $2, $3) RETURNING `+inboxColumns, a.AccountID, *name, *channel))
	})
	return ib, err
}

// Inboxes lists the account's inboxes, oldest first. Errors are the database's, wrapped.
func (s *Store) Inboxes(ctx context.Context, a contact.Actor) ([]contact.Inbox, error) {
	out := []contact.Inbox{}
	if err := s.rd.SelectContext(ctx, &out, `SELECT `+inboxColumns+` FROM inboxes WHERE account_id = $1
		ORDER BY created_at, id`, a.AccountID); err != nil {
		return nil, fmt.Errorf("list inboxes: %w", err)
	}
	return out, nil
}

// InboxesByID returns the account's inboxes among ids, keyed by id. Errors are the database's, wrapped.
func (s *Store) InboxesByID(ctx context.Context, a contact.Actor, ids []string) (map[string]*contact.Inbox, error) {
	return byID(ctx, s.rd, "inboxes", `SELECT `+inboxColumns+` FROM inboxes`, a.AccountID, ids,
		func(i *contact.Inbox) string { return i.ID })
}

// getInbox reads one inbox of the account, or returns ErrNotFound.
func getInbox(ctx context.Context, db q, acct, id string) (contact.Inbox, error) {
	var ib contact.Inbox
	err := getOne(ctx, db, &ib, `SELECT `+inboxColumns+` FROM inboxes WHERE account_id = $1 AND id = $2`, acct, id)
	return ib, err
}

// getOne reads one row by (account, id) into dest; ErrNotFound for an unknown
// or malformed id.
func getOne(ctx context.Context, db q, dest any, query, acct, id string) error {
	if id = contact.CanonicalID(id); id == "" {
		return contact.ErrNotFound
	}
	err := db.GetContext(ctx, dest, query, acct, id)
	if isNoRows(err) {
		return contact.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	return nil
}

// InboxIdentity is a contact's identity in an inbox, with the inbox.
type InboxIdentity struct {
	contact.ContactInbox
	Inbox contact.Inbox `db:"inbox"`
}

// ContactInboxes lists every inbox identity of the account's contact id,
// oldest first, each with its inbox (none for an unknown id). Errors are
// the database's, wrapped.
func (s *Store) ContactInboxes(ctx context.Context, a contact.Actor, contactID string) ([]InboxIdentity, error) {
	out := []InboxIdentity{}
	if contactID = contact.CanonicalID(contactID); contactID == "" {
		return out, nil
	}
	err := s.rd.SelectContext(ctx, &out, `SELECT ci.id, ci.contact_id, ci.inbox_id, ci.source_id, ci.created_at,
			i.id AS "inbox.id", i.name AS "inbox.name", i.channel_type AS "inbox.channel_type", i.created_at AS "inbox.created_at"
		FROM contact_inboxes ci JOIN inboxes i ON i.account_id = ci.account_id AND i.id = ci.inbox_id
		WHERE ci.account_id = $1 AND ci.contact_id = $2
		ORDER BY ci.created_at, ci.id`, a.AccountID, contactID)
	if err != nil {
		return nil, fmt.Errorf("list contact inboxes: %w", err)
	}
	return out, nil
}
