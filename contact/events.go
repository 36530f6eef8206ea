package contact

import (
	"encoding/json"
	"time"
)

// EventKind says what change a contact event reports.
type EventKind string

// The kinds of contact events.
const (
	EventContactCreated  EventKind = "CONTACT_CREATED"
	EventContactUpdated  EventKind = "CONTACT_UPDATED"
	EventContactDeleted  EventKind = "CONTACT_DELETED"
	EventContactsMerged  EventKind = "CONTACTS_MERGED"
	EventContactSplit    EventKind = "CONTACT_SEPARATED"
	EventOperationUndone EventKind = "CONTACT_OPERATION_UNDONE"
)

// EventRetention is how long events are kept for replay.
const EventRetention = 7 * 24 * time.Hour

// Event is one committed change to contacts, as the outbox keeps it.
type Event struct {
	ID          string
	AccountID   string
	Seq         int64
	Kind        EventKind
	OccurredAt  time.Time
	ActorUserID *string
	// ContactIDs lists every contact involved: the survivor or original
	// first, then the merged-away or new contacts.
	ContactIDs []string
	// OperationID is the journal entry of a merge, separation or undo.
	OperationID *string
	// Summary is the operation's summary, where there is one.
	Summary json.RawMessage
	// Preloaded says Actor and Contact were read once for every subscriber
	// of the account (nil: the user or contact is gone); otherwise each
	// subscriber loads them.
	Preloaded bool
	Actor     *User
	Contact   *Contact
}
