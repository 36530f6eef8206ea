package db

import "context"

// Event tells the outside world that a merge or separation committed.
type Event struct {
	Kind       string   // "contacts.merged" or "contact.separated"
	AccountID  string   // the tenant
	ActorID    string   // the user who did it
	JournalID  string   // the operation-journal row
	ContactIDs []string // every contact id involved, the surviving/original one first
}

// OnEvent sets the function called after each committed merge or
// separation (never inside the transaction).
func (s *Store) OnEvent(fn func(context.Context, Event)) { s.events = fn }

// emit delivers an event to the registered handler, if any.
func (s *Store) emit(ctx context.Context, e Event) {
	if s.events != nil {
		s.events(ctx, e)
	}
}
