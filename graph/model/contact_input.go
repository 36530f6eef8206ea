package model

import (
	"contactid/contact"

	"github.com/99designs/gqlgen/graphql"
)

// ContactInput is bound to both CreateContactInput and UpdateContactInput:
// each field records whether the caller gave it, so an update can tell an
// omitted field (kept) from a null one (cleared).
type ContactInput struct {
	ExpectedVersion      *int                                  `json:"expectedVersion,omitempty"`
	FirstName            graphql.Omittable[*string]            `json:"firstName,omitempty"`
	LastName             graphql.Omittable[*string]            `json:"lastName,omitempty"`
	Identifier           graphql.Omittable[*string]            `json:"identifier,omitempty"`
	Email                graphql.Omittable[*string]            `json:"email,omitempty"`
	Emails               graphql.Omittable[[]string]           `json:"emails,omitempty"`
	PhoneNumber          graphql.Omittable[*string]            `json:"phoneNumber,omitempty"`
	PhoneNumbers         graphql.Omittable[[]string]           `json:"phoneNumbers,omitempty"`
	Status               graphql.Omittable[*string]            `json:"status,omitempty"`
	PipelineID           graphql.Omittable[*string]            `json:"pipelineId,omitempty"`
	PipelineStage        graphql.Omittable[*string]            `json:"pipelineStage,omitempty"`
	AssigneeIDs          graphql.Omittable[[]string]           `json:"assigneeIds,omitempty"`
	OutreachConfigID     graphql.Omittable[*string]            `json:"outreachConfigId,omitempty"`
	Labels               graphql.Omittable[[]string]           `json:"labels,omitempty"`
	CustomAttributes     graphql.Omittable[contact.JSONObject] `json:"customAttributes,omitempty"`
	AdditionalAttributes graphql.Omittable[contact.JSONObject] `json:"additionalAttributes,omitempty"`
	Documents            graphql.Omittable[[]contact.Document] `json:"documents,omitempty"`
	Misc                 graphql.Omittable[contact.JSONObject] `json:"misc,omitempty"`
	Blocked              graphql.Omittable[*bool]              `json:"blocked,omitempty"`
	Thumbnail            graphql.Omittable[*string]            `json:"thumbnail,omitempty"`
}

// Fields converts the input to the store's ContactFields.
func (in ContactInput) Fields() contact.ContactFields {
	return contact.ContactFields{
		FirstName: opt(in.FirstName), LastName: opt(in.LastName), Identifier: opt(in.Identifier),
		Email: opt(in.Email), Emails: opt(in.Emails), PhoneNumber: opt(in.PhoneNumber), PhoneNumbers: opt(in.PhoneNumbers),
		Status: opt(in.Status), PipelineID: opt(in.PipelineID), PipelineStage: opt(in.PipelineStage),
		AssigneeIDs: opt(in.AssigneeIDs), OutreachConfigID: opt(in.OutreachConfigID), Labels: opt(in.Labels),
		CustomAttributes: opt(in.CustomAttributes), AdditionalAttributes: opt(in.AdditionalAttributes),
		Documents: opt(in.Documents), Misc: opt(in.Misc), Blocked: opt(in.Blocked), Thumbnail: opt(in.Thumbnail),
	}
}

// opt converts a GraphQL omittable value to the store's Opt.
func opt[T any](o graphql.Omittable[T]) contact.Opt[T] {
	v, ok := o.ValueOK()
	return contact.Opt[T]{Set: ok, Value: v}
}
