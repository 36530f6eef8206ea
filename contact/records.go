package contact

// RecordKind is one kind of record a contact owns and a merge or separation
// moves. The list RecordKinds is the one place that names them: merge,
// separate, the record pages, the journal and the tests iterate it, so a new
// kind is one entry here plus its migration (and its own GraphQL type).
type RecordKind struct {
	// Key names the kind in ChildRecordAssignment, in the journal's moved
	// document and in the REST adapters (e.g. "contactNotes").
	Key string
	// Table is the kind's table (a constant: table names never come from
	// input).
	Table string
	// OwnerColumn is the column holding the owning contact's id.
	OwnerColumn string
	// Columns is the select list of one record, matching the db tags of
	// the kind's Go type: record pages and creations return it. Every
	// kind's rows are paged in timeline order (created_at, id).
	Columns string
	// Assigned returns the records a separation input assigns to a side.
	Assigned func(*ChildRecordAssignment) []RecordAssignment
	// Merged returns the merge summary's counter of moved records.
	Merged func(*MergeSummary) *int
	// Separated returns the separation summary's counter of moved records.
	Separated func(*SeparationSummary) *int
}

// The record kinds, by name, for code that handles one of them (its page
// and creation). RecordKinds lists them all.
var (
	ConversationKind = RecordKind{Key: "conversations", Table: "conversations", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, inbox_id, channel, subject, status, assignee_ids, created_at, updated_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Conversations },
		Merged:    func(s *MergeSummary) *int { return &s.ConversationsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ConversationsMoved }}
	ApplicationKind = RecordKind{Key: "applications", Table: "applications", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, job_title, status, created_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Applications },
		Merged:    func(s *MergeSummary) *int { return &s.ApplicationsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ApplicationsMoved }}
	ContactNoteKind = RecordKind{Key: "contactNotes", Table: "contact_notes", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, content, author_id, created_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.ContactNotes },
		Merged:    func(s *MergeSummary) *int { return &s.NotesMoved },
		Separated: func(s *SeparationSummary) *int { return &s.NotesMoved }}
	ReminderKind = RecordKind{Key: "reminders", Table: "reminders", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, title, due_at, done, created_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Reminders },
		Merged:    func(s *MergeSummary) *int { return &s.RemindersMoved },
		Separated: func(s *SeparationSummary) *int { return &s.RemindersMoved }}
	TrainingSnapshotKind = RecordKind{Key: "trainingSnapshots", Table: "training_snapshots", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, data, created_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.TrainingSnapshots },
		Merged:    func(s *MergeSummary) *int { return &s.TrainingSnapshotsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.TrainingSnapshotsMoved }}
	ContactInboxKind = RecordKind{Key: "contactInboxes", Table: "contact_inboxes", OwnerColumn: "contact_id",
		Columns:   `id, contact_id, inbox_id, source_id, created_at`,
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.ContactInboxes },
		Merged:    func(s *MergeSummary) *int { return &s.ContactInboxesMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ContactInboxesMoved }}
)

// RecordKinds lists every kind of record a contact owns, in the order of
// the schema's ChildRecordAssignment: merge and separation move them in this
// order (conversations first, as the lock order wants), and a separation
// reports their errors in it.
var RecordKinds = []RecordKind{ConversationKind, ApplicationKind, ContactNoteKind, ReminderKind, TrainingSnapshotKind, ContactInboxKind}
