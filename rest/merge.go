package rest

import (
	"context"
	"net/http"
	"strings"
	"time"

	"contactid/contact"
)

// inboxDialect is the support inbox's: an api_access_token header (or a
// Bearer token) valid for the path's account, and failures as
// {"description": …, "errors": [{field, message, code}]}.
type inboxDialect struct{}

func (inboxDialect) token(r *http.Request) (string, string) {
	if t := strings.TrimSpace(r.Header.Get("api_access_token")); t != "" {
		return t, "api_access_token"
	}
	if t := bearer(r); t != "" {
		return t, "Authorization"
	}
	return "", "api_access_token"
}

// authorize accepts a token only on its own account's path, as that API
// does (another account's path is a 401).
func (inboxDialect) authorize(r *http.Request, a contact.Actor) bool {
	return contact.CanonicalID(r.PathValue("account_id")) == a.AccountID
}

func (inboxDialect) failure(e *apiError) any {
	return inboxFailure{Description: e.message, Errors: e.details}
}

// inboxFailure is a failure in the inbox API's shape.
type inboxFailure struct {
	Description string   `json:"description"`
	Errors      []detail `json:"errors"`
}

// mergeAnswer is a merge's answer in the inbox API's shape: the base id and
// the merged contact; operation_id (an extension) is the operation to
// undo through GraphQL's undoContactOperation.
type mergeAnswer struct {
	ID          string         `json:"id"`
	Payload     []inboxContact `json:"payload"`
	OperationID string         `json:"operation_id,omitempty"`
}

// mergeBody is the body of POST …/actions/contact_merge. The ids are this
// service's contact ids, as JSON strings; mergee_contact_ids (several at
// once) is an extension.
type mergeBody struct {
	BaseContactID    *string   `json:"base_contact_id"`
	MergeeContactID  *string   `json:"mergee_contact_id"`
	MergeeContactIDs *[]string `json:"mergee_contact_ids"`
}

// merge serves POST /api/v1/accounts/{account_id}/actions/contact_merge.
func (cfg Config) merge(ctx context.Context, c call) (answer, *apiError) {
	var body mergeBody
	if fail := decodeStrict(c.body, &body); fail != nil {
		if fail.got == "number" {
			fail = invalid(fail.details[0].Field, fail.details[0].Field+` must be a contact id as a JSON string, such as "`+
				exampleID+`": this service's ids are not numbers`)
		}
		return answer{}, fail
	}
	in := contact.MergeInput{}
	switch {
	case body.BaseContactID == nil:
		return answer{}, invalid("base_contact_id", "base_contact_id is required")
	case (body.MergeeContactID == nil) == (body.MergeeContactIDs == nil):
		return answer{}, invalid("mergee_contact_id", "give mergee_contact_id (or, to merge several, mergee_contact_ids), not both")
	case body.MergeeContactID != nil:
		in.MergeeContactIDs = []string{*body.MergeeContactID}
	default:
		in.MergeeContactIDs = *body.MergeeContactIDs
	}
	in.BaseContactID = *body.BaseContactID
	res, err := cfg.Store.MergeContacts(ctx, c.actor, in)
	if err != nil {
		return answer{}, storeFailure(err, mergeStatus, func(p []string) string { return inboxField(p, body.MergeeContactID != nil) })
	}
	// The merge is committed: read the survivor's identities even when the
	// request's deadline has passed, so the answer tells what was done.
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterCommitRead)
	defer cancel()
	identities, err := cfg.Store.ContactInboxes(readCtx, c.actor, res.Contact.ID)
	if err != nil {
		fail := internal(err)
		fail.message = "the merge was saved (see the X-Operation-Id header) but the merged contact could not be read; read it again"
		fail.details[0].Message = fail.message
		return answer{operation: res.JournalID}, fail
	}
	out := mergeAnswer{ID: res.Contact.ID, Payload: []inboxContact{inboxContactOf(res.Contact, identities)}, OperationID: res.JournalID}
	return answer{body: out, operation: res.JournalID}, nil
}

// afterCommitRead bounds the read of a merged contact's identities.
const afterCommitRead = 5 * time.Second

// exampleID shows the form of a contact id in messages.
const exampleID = "0b7e8f64-5a57-4c3e-9d52-2f1a3c4d5e6f"

// mergeStatus is the HTTP status of a refused merge: 404 when a contact
// is unknown, else 422.
func mergeStatus(u contact.UserErrors) int {
	if hasCode(u, contact.NotFound) {
		return http.StatusNotFound
	}
	return http.StatusUnprocessableEntity
}

// inboxField names an input path as a field of the inbox body.
func inboxField(path []string, single bool) string {
	if len(path) > 0 && path[0] == "input" {
		path = path[1:]
	}
	switch {
	case len(path) == 0:
		return ""
	case path[0] == "baseContactId":
		return "base_contact_id"
	case path[0] == "mergeeContactIds" && single:
		return "mergee_contact_id"
	case path[0] == "mergeeContactIds":
		return strings.Join(append([]string{"mergee_contact_ids"}, path[1:]...), ".")
	default:
		return strings.Join(path, ".")
	}
}
