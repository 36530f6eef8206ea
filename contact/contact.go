package contact

import (
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned by reads of a single object that does not exist in
// the caller's account.
var ErrNotFound = errors.New("not found")

// Contact is a person known to the account.
type Contact struct {
	ID                   string     `db:"id"`
	FirstName            *string    `db:"first_name"`
	LastName             *string    `db:"last_name"`
	Identifier           *string    `db:"identifier"`
	Status               *string    `db:"status"`
	PipelineID           *string    `db:"pipeline_id"`
	PipelineStage        *string    `db:"pipeline_stage"`
	OutreachConfigID     *string    `db:"outreach_config_id"`
	Thumbnail            *string    `db:"thumbnail"`
	Emails               Strings    `db:"emails"`
	PhoneNumbers         Strings    `db:"phone_numbers"`
	AssigneeIDs          Strings    `db:"assignee_ids"`
	Labels               Strings    `db:"labels"`
	CustomAttributes     JSONObject `db:"custom_attributes"`
	AdditionalAttributes JSONObject `db:"additional_attributes"`
	Documents            Documents  `db:"documents"`
	Misc                 JSONObject `db:"misc"`
	Blocked              bool       `db:"blocked"`
	Version              int        `db:"version"`
	CreatedAt            time.Time  `db:"created_at"`
	UpdatedAt            time.Time  `db:"updated_at"`
	LastActivityAt       *time.Time `db:"last_activity_at"`
	// RowID is the stored id behind a dry-run preview whose ID is a placeholder.
	RowID string `db:"-"`
}

// LoadID returns the id to load the contact's nested records by: its ID, or
// for a dry-run preview with a placeholder ID, the id of the row the
// preview's transaction holds.
func (c *Contact) LoadID() string {
	if c.RowID != "" {
		return c.RowID
	}
	return c.ID
}

// Name returns first and last name joined by a space, or "" when both are blank.
func (c *Contact) Name() string {
	return strings.TrimSpace(Deref(c.FirstName) + " " + Deref(c.LastName))
}

// Email returns the primary email, or nil.
func (c *Contact) Email() *string { return first(c.Emails) }

// PhoneNumber returns the primary phone number, or nil.
func (c *Contact) PhoneNumber() *string { return first(c.PhoneNumbers) }

// The list fields as plain slices, for the API layer to bind its fields to
// directly (gqlgen cannot bind a named slice type such as Strings, and a
// resolver instead would run on a goroutine of its own).

// EmailList returns all emails, primary first.
func (c *Contact) EmailList() []string { return c.Emails }

// PhoneNumberList returns all phone numbers, primary first.
func (c *Contact) PhoneNumberList() []string { return c.PhoneNumbers }

// LabelList returns the labels.
func (c *Contact) LabelList() []string { return c.Labels }

// DocumentList returns the documents.
func (c *Contact) DocumentList() []Document { return c.Documents }

// first returns a pointer to the first element, or nil.
func first(list []string) *string {
	if len(list) == 0 {
		return nil
	}
	v := list[0]
	return &v
}

// Deref returns *s, or "" for nil.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
