package db

import (
	"contactid/contact"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// recordPages describes the pages of a record kind whose rows scan into T:
// table, owner column and select list come from the kind's registry entry;
// rows are paged in creation order.
func recordPages[T any](k contact.RecordKind, ownerOf func(T) string, keyOf func(T) (time.Time, string)) childTable[T] {
	return childTable[T]{table: k.Table, parentCol: k.OwnerColumn, columns: k.Columns, parentOf: ownerOf, keyOf: keyOf}
}

// Pages of contact-owned records.
var (
	applicationTable = recordPages(contact.ApplicationKind,
		func(r contact.Application) string { return r.ContactID }, func(r contact.Application) (time.Time, string) { return r.CreatedAt, r.ID })
	contactNoteTable = recordPages(contact.ContactNoteKind,
		func(r contact.ContactNote) string { return r.ContactID }, func(r contact.ContactNote) (time.Time, string) { return r.CreatedAt, r.ID })
	reminderTable = recordPages(contact.ReminderKind,
		func(r contact.Reminder) string { return r.ContactID }, func(r contact.Reminder) (time.Time, string) { return r.CreatedAt, r.ID })
	trainingSnapshotTable = recordPages(contact.TrainingSnapshotKind,
		func(r contact.TrainingSnapshot) string { return r.ContactID }, func(r contact.TrainingSnapshot) (time.Time, string) { return r.CreatedAt, r.ID })
	contactInboxTable = recordPages(contact.ContactInboxKind,
		func(r contact.ContactInbox) string { return r.ContactID }, func(r contact.ContactInbox) (time.Time, string) { return r.CreatedAt, r.ID })
)

// ApplicationPages returns one page of applications per contact key. Errors are the database's, wrapped.
func (s *Store) ApplicationPages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.Application], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, applicationTable, keys)
}

// ContactNotePages returns one page of notes per contact key. Errors are the database's, wrapped.
func (s *Store) ContactNotePages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.ContactNote], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, contactNoteTable, keys)
}

// ReminderPages returns one page of reminders per contact key. Errors are the database's, wrapped.
func (s *Store) ReminderPages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.Reminder], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, reminderTable, keys)
}

// TrainingSnapshotPages returns one page of training snapshots per contact key. Errors are the database's, wrapped.
func (s *Store) TrainingSnapshotPages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.TrainingSnapshot], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, trainingSnapshotTable, keys)
}

// ContactInboxPages returns one page of inbox identities per contact key. Errors are the database's, wrapped.
func (s *Store) ContactInboxPages(ctx context.Context, a contact.Actor, keys []ChildPageKey) (map[ChildPageKey]Page[contact.ContactInbox], error) {
	return loadChildPages(ctx, s.rd, a.AccountID, contactInboxTable, keys)
}

// insertForContact runs insertForContactTx in its own transaction.
func (s *Store) insertForContact(ctx context.Context, a contact.Actor, contactID string, errs contact.UserErrors, dest any, query string, args ...any) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return insertForContactTx(ctx, tx, a, contactID, errs, dest, query, args...)
	})
}

// insertForContactTx checks the contact id (NOT_FOUND at input.contactId),
// returns it with the other fields' errors (errs) if any, and otherwise runs
// the INSERT … RETURNING query into dest with $1 the account and $2 the contact.
func insertForContactTx(ctx context.Context, tx *sqlx.Tx, a contact.Actor, contactID string, errs contact.UserErrors, dest any, query string, args ...any) error {
	id, err := requireContact(ctx, tx, a.AccountID, contactID, "input", "contactId")
	if u, ok := contact.AsUserErrors(err); ok {
		return append(u, errs...)
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	if err := tx.GetContext(ctx, dest, query, append([]any{a.AccountID, id}, args...)...); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return nil
}

// requireText adds an INVALID error at field when s is nil, blank or, once
// trimmed, longer than max characters, and returns it trimmed.
func requireText(errs *contact.UserErrors, s *string, max int, field ...string) string {
	if s == nil || strings.TrimSpace(*s) == "" {
		errs.Add(contact.Invalid, "must not be blank", field...)
		return ""
	}
	contact.CheckLength(errs, strings.TrimSpace(*s), max, field...)
	return strings.TrimSpace(*s)
}

// CreateApplication records a job application. NOT_FOUND for an unknown
// contact, INVALID for a job title or status longer than MaxNameLength.
func (s *Store) CreateApplication(ctx context.Context, a contact.Actor, contactID string, jobTitle, status *string) (contact.Application, error) {
	var errs contact.UserErrors
	contact.CheckOptLength(&errs, jobTitle, contact.MaxNameLength, "input", "jobTitle")
	contact.CheckOptLength(&errs, status, contact.MaxNameLength, "input", "status")
	var out contact.Application
	err := s.insertForContact(ctx, a, contactID, errs, &out, `INSERT INTO applications (account_id, contact_id, job_title, status)
		VALUES ($1, $2, $3, $4) RETURNING `+contact.ApplicationKind.Columns, contact.BlankToNil(jobTitle), contact.BlankToNil(status))
	return out, err
}

// CreateContactNote adds a note by the caller. NOT_FOUND for an unknown
// contact, INVALID for blank content or content longer than MaxTextLength.
func (s *Store) CreateContactNote(ctx context.Context, a contact.Actor, contactID string, content *string) (contact.ContactNote, error) {
	var errs contact.UserErrors
	text := requireText(&errs, content, contact.MaxTextLength, "input", "content")
	var out contact.ContactNote
	err := s.insertForContact(ctx, a, contactID, errs, &out, `INSERT INTO contact_notes (account_id, contact_id, content, author_id)
		VALUES ($1, $2, $3, $4) RETURNING `+contact.ContactNoteKind.Columns, text, a.UserID)
	return out, err
}

// CreateReminder adds a reminder. NOT_FOUND for an unknown contact, INVALID
// for a blank title or one longer than MaxTitleLength.
func (s *Store) CreateReminder(ctx context.Context, a contact.Actor, contactID string, title *string, dueAt *time.Time) (contact.Reminder, error) {
	var errs contact.UserErrors
	text := requireText(&errs, title, contact.MaxTitleLength, "input", "title")
	var out contact.Reminder
	err := s.insertForContact(ctx, a, contactID, errs, &out, `INSERT INTO reminders (account_id, contact_id, title, due_at)
		VALUES ($1, $2, $3, $4) RETURNING `+contact.ReminderKind.Columns, text, dueAt)
	return out, err
}

// CreateTrainingSnapshot stores a snapshot (an empty object when data is
// nil). NOT_FOUND for an unknown contact.
func (s *Store) CreateTrainingSnapshot(ctx context.Context, a contact.Actor, contactID string, data contact.JSONObject) (contact.TrainingSnapshot, error) {
	if data == nil {
		data = contact.JSONObject{}
	}
	var out contact.TrainingSnapshot
	err := s.insertForContact(ctx, a, contactID, nil, &out, `INSERT INTO training_snapshots (account_id, contact_id, data)
		VALUES ($1, $2, $3) RETURNING `+contact.TrainingSnapshotKind.Columns, data)
	return out, err
}

// CreateContactInbox records a contact's identity in an inbox. UserErrors:
// NOT_FOUND for an unknown contact or inbox, INVALID for a blank source id or
// one longer than MaxNameLength, TAKEN when the inbox already has that
// source id.
func (s *Store) CreateContactInbox(ctx context.Context, a contact.Actor, contactID, inboxID string, sourceID *string) (contact.ContactInbox, error) {
	var errs contact.UserErrors
	src := requireText(&errs, sourceID, contact.MaxNameLength, "input", "sourceId")
	var out contact.ContactInbox
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		errs := append(contact.UserErrors(nil), errs...)
		inbox, err := getInbox(ctx, tx, a.AccountID, inboxID)
		if errors.Is(err, contact.ErrNotFound) {
			errs.Add(contact.NotFound, "inbox not found", "input", "inboxId")
		} else if err != nil {
			return err
		}
		err = insertForContactTx(ctx, tx, a, contactID, errs, &out, `INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id)
			VALUES ($1, $2, $3, $4) RETURNING `+contact.ContactInboxKind.Columns, inbox.ID, src)
		if uniqueViolation(err, "") {
			return contact.UserErrors{{Field: []string{"input", "sourceId"}, Message: "the inbox already has a contact with this source id", Code: contact.Taken}}
		}
		return err
	})
	return out, err
}
