package graph

import (
	"context"
	"errors"
	"time"

	"contactid/contact"
	"contactid/db"
	"contactid/graph/model"

	"github.com/vikstrous/dataloadgen"
)

// loadersKey is the context key of the per-request loaders.
type loadersKey struct{}

// pageLoader batches connection pages of one record type.
type pageLoader[T any] = dataloadgen.Loader[db.ChildPageKey, db.Page[T]]

// loaders batch every nested lookup of one request, so a list of N contacts
// costs a fixed number of queries rather than N.
type loaders struct {
	contact      *dataloadgen.Loader[string, *contact.Contact]
	user         *dataloadgen.Loader[string, *contact.User]
	inbox        *dataloadgen.Loader[string, *contact.Inbox]
	conversation *dataloadgen.Loader[string, *contact.Conversation]
	mergedIDs    *dataloadgen.Loader[string, []string]

	conversations     *pageLoader[contact.Conversation]
	messages          *pageLoader[contact.Message]
	applications      *pageLoader[contact.Application]
	notes             *pageLoader[contact.ContactNote]
	reminders         *pageLoader[contact.Reminder]
	trainingSnapshots *pageLoader[contact.TrainingSnapshot]
	contactInboxes    *pageLoader[contact.ContactInbox]

	plan *plan // pages planned from the selection set (plan.go)
}

// loaderWait is how long a loader collects keys before it queries.
const loaderWait = time.Millisecond

// newLoaders returns loaders for one request of actor a.
func newLoaders(s *db.Store, a contact.Actor) *loaders {
	return &loaders{
		contact:      byID(a, s.ContactsByID),
		user:         byID(a, s.UsersByID),
		inbox:        byID(a, s.InboxesByID),
		conversation: byID(a, s.ConversationsByID),
		mergedIDs: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]string, error) {
			return s.MergedContactIDs(ctx, a, ids)
		}, dataloadgen.WithWait(loaderWait)),
		conversations:     pages(a, s.ConversationPages),
		messages:          pages(a, s.MessagePages),
		applications:      pages(a, s.ApplicationPages),
		notes:             pages(a, s.ContactNotePages),
		reminders:         pages(a, s.ReminderPages),
		trainingSnapshots: pages(a, s.TrainingSnapshotPages),
		contactInboxes:    pages(a, s.ContactInboxPages),
		plan:              newPlan(s, a),
	}
}

// byID makes a loader from a store function that fetches objects by id.
func byID[T any](a contact.Actor, fetch func(context.Context, contact.Actor, []string) (map[string]*T, error)) *dataloadgen.Loader[string, *T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*T, error) {
		return fetch(ctx, a, ids)
	}, dataloadgen.WithWait(loaderWait))
}

// pages makes a loader from a store function that fetches connection pages.
func pages[T any](a contact.Actor, fetch func(context.Context, contact.Actor, []db.ChildPageKey) (map[db.ChildPageKey]db.Page[T], error)) *pageLoader[T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, keys []db.ChildPageKey) (map[db.ChildPageKey]db.Page[T], error) {
		return fetch(ctx, a, keys)
	}, dataloadgen.WithWait(loaderWait))
}

// loadersFrom returns the request's loaders.
func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}

// loadOne loads an object by id; a missing one is nil with no error (for
// nullable fields).
func loadOne[T any](ctx context.Context, l *dataloadgen.Loader[string, *T], id string) (*T, error) {
	v, err := l.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// loadOptional loads an object by an optional id; nil id or a missing object
// is nil with no error (the field is nullable).
func loadOptional[T any](ctx context.Context, l *dataloadgen.Loader[string, *T], id *string) (*T, error) {
	if id == nil {
		return nil, nil
	}
	return loadOne(ctx, l, *id)
}

// loadSender returns a message's sender: its contact or user, or nil for a
// SYSTEM message or a deleted sender (the field is nullable).
func loadSender(ctx context.Context, m *contact.Message) (model.Sender, error) {
	if m.SenderContactID != nil {
		if c, err := loadOptional(ctx, loadersFrom(ctx).contact, m.SenderContactID); c != nil || err != nil {
			return c, err
		}
		return nil, nil
	}
	if u, err := loadOptional(ctx, loadersFrom(ctx).user, m.SenderUserID); u != nil || err != nil {
		return u, err
	}
	return nil, nil
}

// loadUsers loads users by id, in order, skipping ids that no longer exist.
func loadUsers(ctx context.Context, ids []string) ([]contact.User, error) {
	users, err := loadersFrom(ctx).user.LoadAll(ctx, ids)
	out := make([]contact.User, 0, len(ids))
	for _, u := range users {
		if u != nil {
			out = append(out, *u)
		}
	}
	if err != nil && !isAllNotFound(err) {
		return nil, err
	}
	return out, nil
}

// isAllNotFound reports whether err only says that some keys were not found.
func isAllNotFound(err error) bool {
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for _, e := range errs {
			if e != nil && !errors.Is(e, dataloadgen.ErrNotFound) {
				return false
			}
		}
		return true
	}
	return errors.Is(err, dataloadgen.ErrNotFound)
}

// loadMergedIDs returns the ids merged into a contact ([] when none).
func loadMergedIDs(ctx context.Context, c *contact.Contact) ([]string, error) {
	ids, err := loadersFrom(ctx).mergedIDs.Load(ctx, c.LoadID())
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return []string{}, nil
	}
	return ids, err
}
