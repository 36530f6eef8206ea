package contact

import (
	"encoding/json"
	"time"
)

// JournalUndo is the kind of a journal row that undoes another row: a merge
// or separation (an undo), or an undo (a redo), and so on.
const JournalUndo JournalKind = "UNDO"

// UndoInput is the input of undoContactOperation.
type UndoInput struct {
	// DryRun previews the undo and stores nothing.
	DryRun bool `json:"dryRun"`
	// KeepNewRecordsOn names the contact that keeps records created after
	// the operation on a contact the undo splits apart (the survivor of a
	// merge or one of the mergees). Without it such records block the undo.
	KeepNewRecordsOn *string `json:"keepNewRecordsOn,omitempty"`
}

// Operation is a journal row as the history shows it.
type Operation struct {
	ID          string
	Kind        JournalKind
	ActorUserID *string
	CreatedAt   time.Time
	// ContactIDs lists every contact involved: the survivor or original
	// first, then the merged-away or new contacts.
	ContactIDs []string
	// Summary is the summary the operation's payload returned (null for
	// rows written before it was kept).
	Summary json.RawMessage
	// Undoes is the row an UNDO row undid; UndoneBy the UNDO row that undid
	// this one.
	Undoes, UndoneBy *string
	// RootID is the merge or separation a chain of undos acts on (the row
	// itself for a merge or separation) and Depth the row's place in it: 0
	// the operation, 1 its undo, 2 a redo, ...
	RootID string
	Depth  int
	// Undoable is false for rows written before undo was supported.
	Undoable bool
}

// UndoBlocker is one reason an operation cannot be undone now.
type UndoBlocker struct {
	// ContactID is the contact the reason concerns, when there is one.
	ContactID *string
	// Field names what changed: "version", "conversations", "operation", ...
	Field   string
	Message string
}

// UndoResult is the outcome of undoContactOperation.
type UndoResult struct {
	// Operation is the undone row, as it is after the undo (undone; for a
	// dry run, as before).
	Operation *Operation
	// Undo is the new UNDO row (nil for a dry run).
	Undo *Operation
	// Contacts are the contacts the undo restored or changed, as they are
	// after it (for a dry run, as they would be).
	Contacts []*Contact
	DryRun   bool
}

// UndoSummary is the summary of an UNDO row.
type UndoSummary struct {
	ContactsRestored int `json:"contactsRestored"`
	ContactsRemoved  int `json:"contactsRemoved"`
	RecordsMoved     int `json:"recordsMoved"`
}
