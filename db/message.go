package db

import (
	"contactid/contact"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// messageColumns selects a Message.
const messageColumns = `id, conversation_id, content, sender_type, sender_contact_id, sender_user_id, created_at`

// messageTable pages messages by conversation in timeline order.
var messageTable = childTable[contact.Message]{
	table: "messages", parentCol: "conversation_id", columns: messageColumns,
	parentOf: func(m contact.Message) string { return m.ConversationID },
	keyOf:    func(m contact.Message) (time.Time, string) { return m.CreatedAt, m.ID },
}

// MessagePages returns one page of messages per conversation key. Errors are the database's, wrapped.
func (s *Store) MessagePages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.Message], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, messageTable, keys)
}

// CreateMessage adds a message to a conversation: a CONTACT message is sent by
// the conversation's contact, a USER message by the caller, a SYSTEM message by
// nobody. It moves the contact's lastActivityAt forward. UserErrors: NOT_FOUND
// for an unknown conversation, INVALID for blank or over-long content.
func (s *Store) CreateMessage(ctx context.Context, a contact.Actor, in contact.CreateMessageInput) (contact.Message, error) {
	var out contact.Message
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var errs contact.UserErrors
		if in.Content == nil || strings.TrimSpace(*in.Content) == "" {
			errs.Add(contact.Invalid, "must not be blank", "input", "content")
		} else {
			contact.CheckLength(&errs, *in.Content, contact.MaxTextLength, "input", "content")
		}
		// Its contact's lock, then the conversation's (lock order: see
		// locks.go), keeps a merge, separation or deletion from moving the
		// conversation or deleting its contact until this message is in.
		conv, err := lockConversation(ctx, tx, a.AccountID, in.ConversationID)
		if errors.Is(err, contact.ErrNotFound) {
			errs.Add(contact.NotFound, "conversation not found", "input", "conversationId")
		} else if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		sender := contact.SenderUser
		if in.SenderType != nil {
			sender = *in.SenderType
		}
		var contactID, userID *string
		switch sender {
		case contact.SenderContact:
			contactID = &conv.ContactID
		case contact.SenderUser:
			userID = &a.UserID
		}
		at := time.Now()
		if in.CreatedAt != nil {
			at = *in.CreatedAt
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO messages (account_id, conversation_id, content, sender_type,
			sender_contact_id, sender_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+messageColumns,
			a.AccountID, conv.ID, *in.Content, sender, contactID, userID, at); err != nil {
			return wrapf("insert message", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE contacts SET last_activity_at = GREATEST(last_activity_at, $3)
			WHERE account_id = $1 AND id = $2`, a.AccountID, conv.ContactID, at)
		return wrapErr("contact activity", err)
	})
	return out, err
}
