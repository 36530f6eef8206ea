package contact

import "time"

// MaxMergees bounds how many contacts one merge may fold into the base.
const MaxMergees = 20

// MergeInput is a request to fold MergeeContactIDs into BaseContactID.
type MergeInput struct {
	BaseContactID    string             `json:"baseContactId"`
	MergeeContactIDs []string           `json:"mergeeContactIds"`
	FieldChoices     []MergeFieldChoice `json:"fieldChoices,omitempty"`
	DryRun           bool               `json:"dryRun"`
}

// MergeFieldChoice takes Field's value from ContactID.
type MergeFieldChoice struct {
	Field     MergeableField `json:"field"`
	ContactID string         `json:"contactId"`
}

// MergeSummary counts what a merge moved.
type MergeSummary struct {
	ConversationsMoved     int `json:"conversationsMoved"`
	MessagesReassigned     int `json:"messagesReassigned"`
	ContactInboxesMoved    int `json:"contactInboxesMoved"`
	ApplicationsMoved      int `json:"applicationsMoved"`
	NotesMoved             int `json:"notesMoved"`
	RemindersMoved         int `json:"remindersMoved"`
	TrainingSnapshotsMoved int `json:"trainingSnapshotsMoved"`
	LabelsAdded            int `json:"labelsAdded"`
}

// MergeResult is the outcome of a merge (or of its dry run).
type MergeResult struct {
	Contact          *Contact
	MergedContactIDs []string
	Summary          MergeSummary
	DryRun           bool
	JournalID        string
}

// CreateConversationInput describes a new conversation. Channel defaults to
// the inbox's channel type and Status to OPEN.
type CreateConversationInput struct {
	ContactID, InboxID string
	Channel, Subject   *string
	Status             *ConversationStatus
	AssigneeIDs        []string
}

// UpdateConversationInput changes a conversation; nil fields are kept and an
// empty subject clears it.
type UpdateConversationInput struct {
	Channel, Subject *string
	Status           *ConversationStatus
	AssigneeIDs      []string
}

// CreateMessageInput describes a new message. SenderType defaults to USER
// (the caller); CreatedAt defaults to now and may be set to import history.
type CreateMessageInput struct {
	ConversationID string
	Content        *string
	SenderType     *SenderType
	CreatedAt      *time.Time
}

// CreateInboxInput describes a new inbox.
type CreateInboxInput struct {
	Name, ChannelType *string
}

// NewAccount is what CreateAccount returns: the account, its first
// administrator and that user's API token (shown once).
type NewAccount struct {
	AccountID string `json:"accountId"`
	UserID    string `json:"userId"`
	Token     string `json:"token"`
}

// CreateUserInput describes a new user.
type CreateUserInput struct {
	Name, Email *string
	Role        *Role
}
