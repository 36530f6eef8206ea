package db

import (
	"contactid/contact"
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// conversationColumns selects a Conversation (the registry's select list).
var conversationColumns = contact.ConversationKind.Columns

// conversationTable pages conversations by contact.
var conversationTable = recordPages(contact.ConversationKind,
	func(c contact.Conversation) string { return c.ContactID },
	func(c contact.Conversation) (time.Time, string) { return c.CreatedAt, c.ID })

// ConversationPages returns one page of conversations per contact key. Errors are the database's, wrapped.
func (s *Store) ConversationPages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.Conversation], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, conversationTable, keys)
}

// requireContact locks a live contact against concurrent merges (FOR SHARE),
// first of all locks, as the lock order in locks.go says, and returns a
// NOT_FOUND user error at field when it does not exist.
func requireContact(ctx context.Context, tx *sqlx.Tx, acct, id string, field ...string) (string, error) {
	var got string
	err := getOne(ctx, tx, &got, `SELECT id FROM contacts WHERE account_id = $1 AND id = $2 FOR SHARE`, acct, id)
	if errors.Is(err, contact.ErrNotFound) {
		return "", notFound("contact", field...)
	}
	return got, err
}

// CreateConversation opens a conversation. UserErrors: NOT_FOUND for an
// unknown contact, inbox or assignee, INVALID for a channel longer than
// MaxNameLength or a subject longer than MaxTitleLength.
func (s *Store) CreateConversation(ctx context.Context, a contact.Actor, in contact.CreateConversationInput) (contact.Conversation, error) {
	var out contact.Conversation
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var errs contact.UserErrors
		contact.CheckOptLength(&errs, in.Channel, contact.MaxNameLength, "input", "channel")
		contact.CheckOptLength(&errs, in.Subject, contact.MaxTitleLength, "input", "subject")
		contactID, err := requireContact(ctx, tx, a.AccountID, in.ContactID, "input", "contactId")
		if u, ok := contact.AsUserErrors(err); ok {
			errs = append(errs, u...)
		} else if err != nil {
			return err
		}
		inbox, err := getInbox(ctx, tx, a.AccountID, in.InboxID)
		if errors.Is(err, contact.ErrNotFound) {
			errs.Add(contact.NotFound, "inbox not found", "input", "inboxId")
		} else if err != nil {
			return err
		}
		assignees := contact.CanonicalIDs(in.AssigneeIDs)
		uerrs, err := checkUsers(ctx, tx, a.AccountID, assignees, "input", "assigneeIds")
		if err != nil {
			return err
		}
		if errs = append(errs, uerrs...); len(errs) > 0 {
			return errs
		}
		assignees = contact.DistinctIDs(assignees)
		channel := inbox.ChannelType
		if c := contact.BlankToNil(in.Channel); c != nil {
			channel = *c
		}
		status := contact.ConversationStatus("OPEN")
		if in.Status != nil {
			status = *in.Status
		}
		return wrapErr("insert conversation", tx.GetContext(ctx, &out, `INSERT INTO conversations (account_id, contact_id, inbox_id, channel, subject, status, assignee_ids)
			VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[]) RETURNING `+conversationColumns,
			a.AccountID, contactID, inbox.ID, channel, contact.BlankToNil(in.Subject), status, pq.Array(assignees)))
	})
	return out, err
}

// UpdateConversation changes a conversation. UserErrors: NOT_FOUND for an
// unknown conversation or assignee, INVALID for a blank channel, one longer
// than MaxNameLength or a subject longer than MaxTitleLength.
func (s *Store) UpdateConversation(ctx context.Context, a contact.Actor, id string, in contact.UpdateConversationInput) (contact.Conversation, error) {
	var out contact.Conversation
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The conversation is the only row locked or written (its contact
		// is not touched), so it keeps the lock order in locks.go.
		cur, err := getConversation(ctx, tx, a.AccountID, id, forUpdate)
		if errors.Is(err, contact.ErrNotFound) {
			return notFound("conversation", "id")
		} else if err != nil {
			return err
		}
		var errs contact.UserErrors
		contact.CheckOptLength(&errs, in.Channel, contact.MaxNameLength, "input", "channel")
		contact.CheckOptLength(&errs, in.Subject, contact.MaxTitleLength, "input", "subject")
		if in.Channel != nil {
			if c := contact.BlankToNil(in.Channel); c == nil {
				errs.Add(contact.Invalid, "must not be blank", "input", "channel")
			} else {
				cur.Channel = *c
			}
		}
		if in.Subject != nil {
			cur.Subject = contact.BlankToNil(in.Subject)
		}
		if in.Status != nil {
			cur.Status = *in.Status
		}
		if in.AssigneeIDs != nil {
			cur.AssigneeIDs = contact.CanonicalIDs(in.AssigneeIDs)
			uerrs, err := checkUsers(ctx, tx, a.AccountID, cur.AssigneeIDs, "input", "assigneeIds")
			if err != nil {
				return err
			}
			errs = append(errs, uerrs...)
		}
		if len(errs) > 0 {
			return errs
		}
		cur.AssigneeIDs = contact.DistinctIDs(cur.AssigneeIDs)
		return wrapErr("update conversation", tx.GetContext(ctx, &out, `UPDATE conversations SET channel = $3, subject = $4, status = $5,
			assignee_ids = $6::uuid[], updated_at = now() WHERE account_id = $1 AND id = $2 RETURNING `+conversationColumns,
			a.AccountID, cur.ID, cur.Channel, cur.Subject, cur.Status, pq.Array([]string(cur.AssigneeIDs))))
	})
	return out, err
}

// Row-lock clauses for getConversation.
const (
	noLock    = ""
	forShare  = " FOR SHARE"
	forUpdate = " FOR UPDATE"
)

// getConversation reads one conversation with the given lock clause
// (noLock, forShare or forUpdate); ErrNotFound when unknown. A locking read
// that had to wait returns the row as the other transaction committed it.
func getConversation(ctx context.Context, db q, acct, id, lock string) (contact.Conversation, error) {
	query := `SELECT ` + conversationColumns + ` FROM conversations WHERE account_id = $1 AND id = $2` + lock
	var c contact.Conversation
	err := getOne(ctx, db, &c, query, acct, id)
	return c, err
}

// Conversation returns one conversation of the account, or ErrNotFound.
func (s *Store) Conversation(ctx context.Context, a contact.Actor, id string) (*contact.Conversation, error) {
	c, err := getConversation(ctx, s.rd, a.AccountID, id, noLock)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ConversationsByID returns the account's conversations among ids, keyed by id. Errors are the database's, wrapped.
func (s *Store) ConversationsByID(ctx context.Context, a contact.Actor, ids []string) (map[string]*contact.Conversation, error) {
	return byID(ctx, s.rd, "conversations", `SELECT `+conversationColumns+` FROM conversations`, a.AccountID, ids,
		func(c *contact.Conversation) string { return c.ID })
}
