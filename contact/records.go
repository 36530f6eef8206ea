package contact

// RecordKind is one kind of record a contact owns and a merge or separation
// moves. The list RecordKinds is the one place that names them: merge,
// separate, the record pages, the journal and the tests iterate it, so a new
// kind is one entry here plus its migration.
type RecordKind struct {
	// Key names the kind in ChildRecordAssignment, in the journal and in
	// the REST adapters (e.g. "contactNotes").
	Key string
	// Table is the kind's table (a constant: table names never come from
	// input).
	Table string
	// OwnerColumn is the column holding the owning contact's id.
	OwnerColumn string
	// Assigned returns the records a separation input assigns to a side.
	Assigned func(*ChildRecordAssignment) []RecordAssignment
	// Merged returns the merge summary's counter of moved records.
	Merged func(*MergeSummary) *int
	// Separated returns the separation summary's counter of moved records.
	Separated func(*SeparationSummary) *int
}

// RecordKinds lists every kind of record a contact owns, in the order merge
// and separation move them.
var RecordKinds = []RecordKind{
	{Key: "conversations", Table: "conversations", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Conversations },
		Merged:    func(s *MergeSummary) *int { return &s.ConversationsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ConversationsMoved }},
	{Key: "contactInboxes", Table: "contact_inboxes", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.ContactInboxes },
		Merged:    func(s *MergeSummary) *int { return &s.ContactInboxesMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ContactInboxesMoved }},
	{Key: "applications", Table: "applications", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Applications },
		Merged:    func(s *MergeSummary) *int { return &s.ApplicationsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.ApplicationsMoved }},
	{Key: "contactNotes", Table: "contact_notes", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.ContactNotes },
		Merged:    func(s *MergeSummary) *int { return &s.NotesMoved },
		Separated: func(s *SeparationSummary) *int { return &s.NotesMoved }},
	{Key: "reminders", Table: "reminders", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.Reminders },
		Merged:    func(s *MergeSummary) *int { return &s.RemindersMoved },
		Separated: func(s *SeparationSummary) *int { return &s.RemindersMoved }},
	{Key: "trainingSnapshots", Table: "training_snapshots", OwnerColumn: "contact_id",
		Assigned:  func(c *ChildRecordAssignment) []RecordAssignment { return c.TrainingSnapshots },
		Merged:    func(s *MergeSummary) *int { return &s.TrainingSnapshotsMoved },
		Separated: func(s *SeparationSummary) *int { return &s.TrainingSnapshotsMoved }},
}
