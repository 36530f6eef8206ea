package graph

import (
	"context"
	"errors"

	"contactid/contact"
	"contactid/db"
)

// eventContact returns an event's first contact as it is now: nil once it
// is deleted or merged away (a merged-away id is not followed).
func eventContact(ctx context.Context, s *db.Store, e *contact.Event) (*contact.Contact, error) {
	if e.Preloaded {
		return e.Contact, nil
	}
	if len(e.ContactIDs) == 0 || e.Kind == contact.EventContactDeleted {
		return nil, nil
	}
	c, err := s.LiveContact(ctx, actor(ctx), e.ContactIDs[0])
	if errors.Is(err, contact.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// eventActor returns the user who made the change (nil when gone).
func eventActor(ctx context.Context, e *contact.Event) (*contact.User, error) {
	if e.Preloaded {
		return e.Actor, nil
	}
	return loadOptional(ctx, loadersFrom(ctx).user, e.ActorUserID)
}
