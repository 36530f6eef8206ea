package contact

// SeparateInput is a request to split a contact in two.
type SeparateInput struct {
	FieldSplit            ContactFieldSplit     `json:"fieldSplit"`
	ChildRecordAssignment ChildRecordAssignment `json:"childRecordAssignment"`
	MessageDividers       []MessageDivider      `json:"messageDividers,omitempty"`
	NewConversationMeta   []NewConversationMeta `json:"newConversationMeta,omitempty"`
	DryRun                bool                  `json:"dryRun"`
}

// StringSplit gives a text field's value on each side; nil means no value.
type StringSplit struct {
	Original *string `json:"original"`
	New      *string `json:"new"`
}

// StringListSplit gives a list field's values on each side; nil means none.
// Values of the original listed on neither side stay on the original.
type StringListSplit struct {
	Original []string `json:"original"`
	New      []string `json:"new"`
}

// FieldPlacement says which side keeps a field's value.
type FieldPlacement string

// The placements.
const (
	PlaceOriginal FieldPlacement = "ORIGINAL"
	PlaceNew      FieldPlacement = "NEW"
	PlaceBoth     FieldPlacement = "BOTH"
)

// ContactFieldSplit divides the contact's fields; nil fields stay on the
// original only.
type ContactFieldSplit struct {
	FirstName            *StringSplit     `json:"firstName,omitempty"`
	LastName             *StringSplit     `json:"lastName,omitempty"`
	Identifier           *StringSplit     `json:"identifier,omitempty"`
	Email                *StringSplit     `json:"email,omitempty"`
	PhoneNumber          *StringSplit     `json:"phoneNumber,omitempty"`
	Emails               *StringListSplit `json:"emails,omitempty"`
	PhoneNumbers         *StringListSplit `json:"phoneNumbers,omitempty"`
	Labels               *StringListSplit `json:"labels,omitempty"`
	Status               *FieldPlacement  `json:"status,omitempty"`
	PipelineID           *FieldPlacement  `json:"pipelineId,omitempty"`
	PipelineStage        *FieldPlacement  `json:"pipelineStage,omitempty"`
	Assignees            *FieldPlacement  `json:"assignees,omitempty"`
	OutreachConfigID     *FieldPlacement  `json:"outreachConfigId,omitempty"`
	CustomAttributes     *FieldPlacement  `json:"customAttributes,omitempty"`
	AdditionalAttributes *FieldPlacement  `json:"additionalAttributes,omitempty"`
	Documents            *FieldPlacement  `json:"documents,omitempty"`
	Misc                 *FieldPlacement  `json:"misc,omitempty"`
	Thumbnail            *FieldPlacement  `json:"thumbnail,omitempty"`
	// Placements places, by input name, the fields above that are divided
	// by values (see valueFields): the REST form `"email": "new"`. It is
	// not part of the GraphQL input; set it with Place.
	Placements map[string]FieldPlacement `json:"placements,omitempty"`
}

// SplitSide is one of the two contacts of a separation.
type SplitSide string

// The sides.
const (
	SideOriginal SplitSide = "ORIGINAL"
	SideNew      SplitSide = "NEW"
)

// RecordAssignment sends one child record to a side.
type RecordAssignment struct {
	ID   string    `json:"id"`
	Side SplitSide `json:"side"`
}

// ChildRecordAssignment lists, per record type, which records go where;
// records not listed stay on the original.
type ChildRecordAssignment struct {
	Conversations     []RecordAssignment `json:"conversations,omitempty"`
	Applications      []RecordAssignment `json:"applications,omitempty"`
	ContactNotes      []RecordAssignment `json:"contactNotes,omitempty"`
	Reminders         []RecordAssignment `json:"reminders,omitempty"`
	TrainingSnapshots []RecordAssignment `json:"trainingSnapshots,omitempty"`
	ContactInboxes    []RecordAssignment `json:"contactInboxes,omitempty"`
}

// MessageDivider cuts a conversation before FirstMessageID: that message and
// every later one form a new conversation owned by the other side.
type MessageDivider struct {
	ConversationID string `json:"conversationId"`
	FirstMessageID string `json:"firstMessageId"`
}

// NewConversationMeta sets fields of the conversation made from the tail of
// ConversationID; nil fields are copied from it.
type NewConversationMeta struct {
	ConversationID string              `json:"conversationId"`
	Channel        *string             `json:"channel,omitempty"`
	InboxID        *string             `json:"inboxId,omitempty"`
	Subject        *string             `json:"subject,omitempty"`
	Status         *ConversationStatus `json:"status,omitempty"`
	AssigneeIDs    []string            `json:"assigneeIds,omitempty"`
}

// SeparationSummary counts what a separation moved.
type SeparationSummary struct {
	ConversationsMoved     int `json:"conversationsMoved"`
	ApplicationsMoved      int `json:"applicationsMoved"`
	NotesMoved             int `json:"notesMoved"`
	RemindersMoved         int `json:"remindersMoved"`
	TrainingSnapshotsMoved int `json:"trainingSnapshotsMoved"`
	ContactInboxesMoved    int `json:"contactInboxesMoved"`
	MessagesReassigned     int `json:"messagesReassigned"`
	ConversationsCreated   int `json:"conversationsCreated"`
}

// SeparateResult is the outcome of a separation (or of its dry run).
type SeparateResult struct {
	Original     *Contact
	New          *Contact
	NewContactID *string // nil for a dry run
	Summary      SeparationSummary
	DryRun       bool
	JournalID    string
}

// DryRunContactID is the placeholder id of a dry run's preview contact; it is
// never stored.
const DryRunContactID = "00000000-0000-0000-0000-000000000000"
