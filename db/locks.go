package db

import (
	"contactid/contact"
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Lock order (DESIGN §5). Every write path takes its row locks in one order,
// so that overlapping writes wait for each other instead of deadlocking:
//
//  1. contacts, in ascending id order (lockContacts: FOR UPDATE; requireContact:
//     FOR SHARE; lockConversation: FOR NO KEY UPDATE);
//  2. then conversations, in ascending id order;
//  3. then anything below them (messages, notes, addresses, redirects, …),
//     which are only written under the lock of the contact that owns them.
//
// A path never locks a contact after a conversation or a record below it,
// and reads the rows it will change only after it holds their locks.
// Foreign-key checks count as locks too: inserting a child row takes a share
// lock on its contact, and updating a contact takes a lock on its row, so
// these happen only after the contact was locked. The write paths:
//
//   - MergeContacts, SeparateContact, UpdateContact, DeleteContact: lock their
//     contacts (lockContacts), then move, insert or delete what is below them;
//   - CreateConversation, CreateApplication, CreateContactNote, CreateReminder,
//     CreateTrainingSnapshot, CreateContactInbox: lock their contact
//     (requireContact), then insert;
//   - CreateMessage: locks the conversation's contact, then the conversation
//     (lockConversation), then inserts the message and updates the contact;
//   - UpdateConversation: locks only its conversation and nothing after it.
//
// A conversation changes contact (merge, separation) or disappears (contact
// deletion) only under its contact's lock, so holding the contact keeps the
// conversation where it is.

// lockConversation locks a conversation for a new message, in lock order: the
// conversation's contact first (FOR NO KEY UPDATE, since the caller updates
// the contact's activity), then the conversation (FOR SHARE). The owner is
// read without a lock, so the conversation may have moved to another contact
// before that contact's lock was granted: then the wrong contact's lock is
// released (savepoint) and it starts over with the new owner. It returns the
// conversation as locked, or ErrNotFound when it is gone.
func lockConversation(ctx context.Context, tx *sqlx.Tx, acct, id string) (contact.Conversation, error) {
	const maxMoves = 10
	for range maxMoves {
		seen, err := getConversation(ctx, tx, acct, id, noLock)
		if err != nil {
			return contact.Conversation{}, err
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT lock_conversation`); err != nil {
			return contact.Conversation{}, wrapf("lock conversation", err)
		}
		var contactID string
		err = getOne(ctx, tx, &contactID, `SELECT id FROM contacts WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE`,
			acct, seen.ContactID)
		if err == nil {
			conv, err := getConversation(ctx, tx, acct, id, forShare)
			if err == nil && conv.ContactID == contactID {
				_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT lock_conversation`)
				return conv, wrapErr("lock conversation", err)
			}
			if err != nil && !errors.Is(err, contact.ErrNotFound) {
				return contact.Conversation{}, err
			}
		} else if !errors.Is(err, contact.ErrNotFound) {
			return contact.Conversation{}, err
		}
		// The contact went away or no longer owns the conversation: a merge,
		// separation or deletion committed in between. Drop its lock and
		// read the conversation again.
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT lock_conversation`); err != nil {
			return contact.Conversation{}, wrapf("lock conversation", err)
		}
	}
	return contact.Conversation{}, fmt.Errorf("lock conversation %s: it moved to another contact %d times", id, maxMoves)
}
