package rest

import (
	"time"

	"contactid/contact"
	"contactid/db"
)

// contactView is a contact as the CRM route shows one (a dry run's
// preview): the GraphQL Contact's fields under the same names.
type contactView struct {
	ID                   *string            `json:"id"`
	FirstName            *string            `json:"firstName"`
	LastName             *string            `json:"lastName"`
	Identifier           *string            `json:"identifier"`
	Emails               []string           `json:"emails"`
	PhoneNumbers         []string           `json:"phoneNumbers"`
	Labels               []string           `json:"labels"`
	Status               *string            `json:"status"`
	PipelineID           *string            `json:"pipelineId"`
	PipelineStage        *string            `json:"pipelineStage"`
	AssigneeIDs          []string           `json:"assigneeIds"`
	OutreachConfigID     *string            `json:"outreachConfigId"`
	Thumbnail            *string            `json:"thumbnail"`
	Documents            []contact.Document `json:"documents"`
	CustomAttributes     contact.JSONObject `json:"customAttributes"`
	AdditionalAttributes contact.JSONObject `json:"additionalAttributes"`
	Misc                 contact.JSONObject `json:"misc"`
	Blocked              bool               `json:"blocked"`
}

// viewOf returns c's view.
func viewOf(c *contact.Contact) contactView {
	return contactView{ID: &c.ID, FirstName: c.FirstName, LastName: c.LastName, Identifier: c.Identifier,
		Emails: nonNil(c.Emails), PhoneNumbers: nonNil(c.PhoneNumbers), Labels: nonNil(c.Labels), Status: c.Status,
		PipelineID: c.PipelineID, PipelineStage: c.PipelineStage, AssigneeIDs: nonNil(c.AssigneeIDs),
		OutreachConfigID: c.OutreachConfigID, Thumbnail: c.Thumbnail, Documents: nonNil(c.Documents),
		CustomAttributes: orEmpty(c.CustomAttributes), AdditionalAttributes: orEmpty(c.AdditionalAttributes),
		Misc: orEmpty(c.Misc), Blocked: c.Blocked}
}

// inboxContact is a contact as the support inbox's API shows one.
type inboxContact struct {
	AdditionalAttributes contact.JSONObject `json:"additional_attributes"`
	// AvailabilityStatus is always "offline": the service does not track
	// presence.
	AvailabilityStatus string             `json:"availability_status"`
	Email              *string            `json:"email"`
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	PhoneNumber        *string            `json:"phone_number"`
	Blocked            bool               `json:"blocked"`
	Identifier         *string            `json:"identifier"`
	Thumbnail          string             `json:"thumbnail"`
	CustomAttributes   contact.JSONObject `json:"custom_attributes"`
	LastActivityAt     *int64             `json:"last_activity_at"`
	CreatedAt          int64              `json:"created_at"`
	ContactInboxes     []inboxIdentity    `json:"contact_inboxes"`
}

// inboxIdentity is one of a contact's inbox identities in the inbox API.
type inboxIdentity struct {
	SourceID string    `json:"source_id"`
	Inbox    inboxView `json:"inbox"`
}

// inboxView is an inbox in the inbox API; what the service does not store
// is null.
type inboxView struct {
	ID          string  `json:"id"`
	AvatarURL   *string `json:"avatar_url"`
	ChannelID   *string `json:"channel_id"`
	Name        string  `json:"name"`
	ChannelType string  `json:"channel_type"`
	Provider    *string `json:"provider"`
}

// inboxContactOf returns c with its inbox identities in the inbox API's
// shape: the primary (first) email and phone number, times as Unix
// seconds.
func inboxContactOf(c *contact.Contact, identities []db.InboxIdentity) inboxContact {
	out := inboxContact{AdditionalAttributes: orEmpty(c.AdditionalAttributes), AvailabilityStatus: "offline",
		ID: c.ID, Name: c.Name(), Blocked: c.Blocked, Identifier: c.Identifier, Thumbnail: contact.Deref(c.Thumbnail),
		CustomAttributes: orEmpty(c.CustomAttributes), LastActivityAt: unix(c.LastActivityAt), CreatedAt: c.CreatedAt.Unix(),
		ContactInboxes: []inboxIdentity{}}
	if len(c.Emails) > 0 {
		out.Email = &c.Emails[0]
	}
	if len(c.PhoneNumbers) > 0 {
		out.PhoneNumber = &c.PhoneNumbers[0]
	}
	for _, ci := range identities {
		out.ContactInboxes = append(out.ContactInboxes, inboxIdentity{SourceID: ci.SourceID,
			Inbox: inboxView{ID: ci.Inbox.ID, Name: ci.Inbox.Name, ChannelType: ci.Inbox.ChannelType}})
	}
	return out
}

// unix returns t in Unix seconds, or nil.
func unix(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	s := t.Unix()
	return &s
}

// nonNil returns s, or an empty slice for nil (a JSON [] rather than null).
func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// orEmpty returns o, or an empty object for nil.
func orEmpty(o contact.JSONObject) contact.JSONObject {
	if o == nil {
		return contact.JSONObject{}
	}
	return o
}
