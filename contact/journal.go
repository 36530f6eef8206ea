package contact

import (
	"encoding/json"
	"fmt"
	"time"
)

// JournalFormatVersion is the version of the operation journal's stored
// format that this code writes, recorded in every row's before-images as
// formatVersion. It covers the whole row: the input, the before-images and
// the moved ids.
//
//   - Version 2 keeps the moved record ids out of the row, in the table
//     operation_journal_moves: one row per record key and previous owner
//     with the ids as a uuid[], written once by the statement that moves
//     them. The row's moved document holds only a separation's
//     JournalNewContactID and JournalDividers ({} for a merge).
//   - Version 1 rows hold everything in the moved document, record ids
//     included (JournalMoved's flat object).
//   - Version 0 marks rows written before the format had a version: the
//     same documents as version 1, whose keys were Go field names ("Base",
//     "FirstName"); they decode into these types unchanged, since JSON keys
//     match field tags case-insensitively.
const JournalFormatVersion = 2

// JournalKind says which operation a journal row records.
type JournalKind string

// The journaled operations.
const (
	JournalMerge    JournalKind = "MERGE"
	JournalSeparate JournalKind = "SEPARATE"
)

// Keys of the journal's moved document besides the record kinds' (each
// RecordKind records its moves under its Key).
const (
	// JournalMessages holds a merge's messages whose sender was a mergee,
	// by mergee.
	JournalMessages = "messages"
	// JournalRedirects holds a merge's older redirects re-pointed to the
	// survivor (by old contact id), grouped by the mergee they pointed to.
	JournalRedirects = "redirects"
	// JournalNewContactID holds a separation's new contact id (a string).
	JournalNewContactID = "newContactId"
	// JournalDividers holds a separation's cut conversations (a list of
	// JournalDivider).
	JournalDividers = "dividers"
	// JournalTailMessages holds a separation's messages moved into a tail
	// conversation, by the conversation they were cut from.
	JournalTailMessages = "tailMessages"
	// JournalSenderChanged holds a separation's messages whose sender became
	// the new contact, by the original contact.
	JournalSenderChanged = "senderChangedMessages"
	// JournalTailConversations holds, in the undo of a separation, the
	// tail conversations it removed (their rows as JSON), which a redo
	// brings back.
	JournalTailConversations = "tailConversations"
)

// JournalEntry is one row of the operation journal: who did what, when,
// the contacts as they were before, and the exact ids of every record moved.
type JournalEntry struct {
	ID          string
	Kind        JournalKind
	ActorUserID *string // nil for an operation without a user
	// Input is the operation's input as JSON: a MergeInput or a
	// SeparateInput, by Kind.
	Input     json.RawMessage
	Before    JournalBeforeImages
	Moved     JournalMoved
	CreatedAt time.Time
}

// JournalBeforeImages is the before-images document of a journal row: the
// base and mergees of a merge, or the original of a separation, as they were
// before the operation.
type JournalBeforeImages struct {
	// FormatVersion is the JournalFormatVersion the row was written with
	// (0 for rows older than the versioned format).
	FormatVersion int            `json:"formatVersion"`
	Base          *ContactImage  `json:"base,omitempty"`
	Mergees       []ContactImage `json:"mergees,omitempty"`
	Original      *ContactImage  `json:"original,omitempty"`
	// New is a separation's new contact, in the images of an undo of a
	// separation (the contact it folds back).
	New *ContactImage `json:"new,omitempty"`
}

// ContactImage is a contact as the journal stores it. Its JSON keys are the
// stored format, independent of Go field names; NewContactImage and
// ContactImage.Contact convert every field of Contact.
type ContactImage struct {
	ID                   string     `json:"id"`
	FirstName            *string    `json:"firstName"`
	LastName             *string    `json:"lastName"`
	Identifier           *string    `json:"identifier"`
	Status               *string    `json:"status"`
	PipelineID           *string    `json:"pipelineId"`
	PipelineStage        *string    `json:"pipelineStage"`
	OutreachConfigID     *string    `json:"outreachConfigId"`
	Thumbnail            *string    `json:"thumbnail"`
	Emails               []string   `json:"emails"`
	PhoneNumbers         []string   `json:"phoneNumbers"`
	AssigneeIDs          []string   `json:"assigneeIds"`
	Labels               []string   `json:"labels"`
	CustomAttributes     JSONObject `json:"customAttributes"`
	AdditionalAttributes JSONObject `json:"additionalAttributes"`
	Documents            []Document `json:"documents"`
	Misc                 JSONObject `json:"misc"`
	Blocked              bool       `json:"blocked"`
	Version              int        `json:"version"`
	CreatedAt            time.Time  `json:"createdAt"`
	UpdatedAt            time.Time  `json:"updatedAt"`
	LastActivityAt       *time.Time `json:"lastActivityAt"`
}

// NewContactImage returns the journal image of c.
func NewContactImage(c *Contact) ContactImage {
	return ContactImage{
		ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Identifier: c.Identifier, Status: c.Status,
		PipelineID: c.PipelineID, PipelineStage: c.PipelineStage, OutreachConfigID: c.OutreachConfigID, Thumbnail: c.Thumbnail,
		Emails: c.Emails, PhoneNumbers: c.PhoneNumbers, AssigneeIDs: c.AssigneeIDs, Labels: c.Labels,
		CustomAttributes: c.CustomAttributes, AdditionalAttributes: c.AdditionalAttributes, Documents: c.Documents, Misc: c.Misc,
		Blocked: c.Blocked, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastActivityAt: c.LastActivityAt,
	}
}

// NewContactImages returns the journal images of cs, in order.
func NewContactImages(cs []*Contact) []ContactImage {
	out := make([]ContactImage, len(cs))
	for i, c := range cs {
		out[i] = NewContactImage(c)
	}
	return out
}

// Contact returns the contact the image was taken of.
func (im ContactImage) Contact() *Contact {
	return &Contact{
		ID: im.ID, FirstName: im.FirstName, LastName: im.LastName, Identifier: im.Identifier, Status: im.Status,
		PipelineID: im.PipelineID, PipelineStage: im.PipelineStage, OutreachConfigID: im.OutreachConfigID, Thumbnail: im.Thumbnail,
		Emails: im.Emails, PhoneNumbers: im.PhoneNumbers, AssigneeIDs: im.AssigneeIDs, Labels: im.Labels,
		CustomAttributes: im.CustomAttributes, AdditionalAttributes: im.AdditionalAttributes, Documents: im.Documents, Misc: im.Misc,
		Blocked: im.Blocked, Version: im.Version, CreatedAt: im.CreatedAt, UpdatedAt: im.UpdatedAt, LastActivityAt: im.LastActivityAt,
	}
}

// JournalDivider is one conversation a separation's message divider cut:
// the tail from FirstMsg on went to the new conversation NewConv. The JSON
// keys are the stored format, and also the record the separation's SQL
// reads the cuts from (jsonb_to_recordset).
type JournalDivider struct {
	Conv       string `json:"conv"`        // the divided conversation
	NewConv    string `json:"new_conv"`    // the conversation made from its tail
	FirstMsg   string `json:"first_msg"`   // the tail's first message
	ToOriginal bool   `json:"to_original"` // NewConv belongs to the original (Conv went to the new contact)
	// The new conversation's settings from newConversationMeta; nil (and
	// SubjectSet false) means "as the divided conversation".
	InboxID     *string  `json:"inbox"`
	Channel     *string  `json:"channel"`
	Subject     *string  `json:"subject"`
	SubjectSet  bool     `json:"subject_set"`
	Status      *string  `json:"status"`
	AssigneeIDs []string `json:"assignees"`
}

// Keys returns the record keys an operation of kind records moves under
// (every RecordKind's Key, then JournalMessages and JournalRedirects for a
// merge, or JournalSenderChanged and, when m has dividers,
// JournalTailMessages for a separation): each is present in a read row's
// Records, empty when nothing moved.
func (m JournalMoved) Keys(kind JournalKind) []string {
	keys := make([]string, 0, len(RecordKinds)+2)
	for _, k := range RecordKinds {
		keys = append(keys, k.Key)
	}
	switch kind {
	case JournalMerge:
		keys = append(keys, JournalMessages, JournalRedirects)
	case JournalSeparate:
		keys = append(keys, JournalSenderChanged)
		if len(m.Dividers) > 0 {
			keys = append(keys, JournalTailMessages)
		}
	}
	return keys
}

// JournalMoved is the moved ids and values of a journal row, as read back.
// Its JSON is one flat object: under each record key, {"<previous owner
// id>": ["<record id>", …]}; under JournalNewContactID a string; under
// JournalDividers a list. Rows of format version 1 and older store all of
// it as the row's moved document; version 2 rows store only the values
// (Records empty) and keep Records in operation_journal_moves.
type JournalMoved struct {
	// Records maps a key (a RecordKind's Key, JournalMessages,
	// JournalRedirects, JournalTailMessages or JournalSenderChanged) to the
	// ids of the records moved, grouped by their previous owner.
	Records      map[string]map[string][]string
	NewContactID string           // separations only
	Dividers     []JournalDivider // separations only
	// TailConversations is an undo of a separation's removed tail
	// conversations (rows as JSON).
	TailConversations json.RawMessage
}

// MarshalJSON writes m as one flat object, as the journal stores it
// (without Records' keys when Records is empty).
func (m JournalMoved) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(m.Records)+2)
	for k, v := range m.Records {
		out[k] = v
	}
	if m.NewContactID != "" {
		out[JournalNewContactID] = m.NewContactID
	}
	if m.Dividers != nil {
		out[JournalDividers] = m.Dividers
	}
	if len(m.TailConversations) > 0 {
		out[JournalTailConversations] = m.TailConversations
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("journal moved: %w", err)
	}
	return b, nil
}

// UnmarshalJSON reads the stored flat object. It returns an error for a key
// whose value does not have its key's shape.
func (m *JournalMoved) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("journal moved: %w", err)
	}
	out := JournalMoved{Records: make(map[string]map[string][]string, len(raw))}
	for k, v := range raw {
		var err error
		switch k {
		case JournalNewContactID:
			err = json.Unmarshal(v, &out.NewContactID)
		case JournalDividers:
			err = json.Unmarshal(v, &out.Dividers)
		case JournalTailConversations:
			out.TailConversations = v
		default:
			var ids map[string][]string
			err = json.Unmarshal(v, &ids)
			out.Records[k] = ids
		}
		if err != nil {
			return fmt.Errorf("journal moved %q: %w", k, err)
		}
	}
	*m = out
	return nil
}
