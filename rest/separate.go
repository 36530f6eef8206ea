package rest

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"contactid/contact"
)

// crmDialect is the recruiting CRM's: a Bearer token, and failures as
// {"success": false, "error": {code, message, details}}.
type crmDialect struct{}

func (crmDialect) token(r *http.Request) (string, string) { return bearer(r), "Authorization" }

func (crmDialect) authorize(*http.Request, contact.Actor) bool { return true }

func (crmDialect) failure(e *apiError) any {
	return crmAnswer{Error: &crmError{Code: e.code, Message: e.message, Details: e.details}}
}

// crmAnswer is the CRM's envelope: success, then data or error.
type crmAnswer struct {
	Success bool      `json:"success"`
	Data    any       `json:"data,omitempty"`
	Error   *crmError `json:"error,omitempty"`
}

// crmError is a failure in the CRM's envelope.
type crmError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Details []detail `json:"details"`
}

// separateBody is the body of POST /api/contacts/{id}/separate.
type separateBody struct {
	FieldSplit            map[string]rawJSON           `json:"fieldSplit"`
	ChildRecordAssignment map[string]map[string]string `json:"childRecordAssignment"`
	MessageDividers       []contact.MessageDivider     `json:"messageDividers"`
	NewConversationMeta   []conversationMeta           `json:"newConversationMeta"`
}

// conversationMeta is contact.NewConversationMeta with its status in
// either case ("open" or "OPEN").
type conversationMeta struct {
	contact.NewConversationMeta
	Status *string `json:"status,omitempty"`
}

// separateData is the data of a successful separation.
type separateData struct {
	OriginalContactID string                    `json:"originalContactId"`
	NewContactID      *string                   `json:"newContactId"`
	Summary           contact.SeparationSummary `json:"summary"`
	OperationID       *string                   `json:"operationId"`
	DryRun            bool                      `json:"dryRun"`
	Preview           *separatePreview          `json:"preview,omitempty"`
}

// separatePreview is what a dry run would make of the two contacts.
type separatePreview struct {
	Original contactView `json:"original"`
	New      contactView `json:"new"`
}

// separate serves POST /api/contacts/{id}/separate.
func (cfg Config) separate(ctx context.Context, c call) (answer, *apiError) {
	var body separateBody
	if fail := decodeStrict(c.body, &body); fail != nil {
		return answer{}, fail
	}
	in, recordIDs, fail := body.input()
	if fail != nil {
		return answer{}, fail
	}
	switch v := c.r.URL.Query().Get("dryRun"); v {
	case "", "false":
	case "true":
		in.DryRun = true
	default:
		return answer{}, invalid("dryRun", "dryRun is true or false")
	}
	res, err := cfg.Store.SeparateContact(ctx, c.actor, c.r.PathValue("id"), in)
	if err != nil {
		return answer{}, storeFailure(err, separateStatus, func(p []string) string { return crmField(p, recordIDs) })
	}
	data := separateData{OriginalContactID: res.Original.ID, NewContactID: res.NewContactID, Summary: res.Summary, DryRun: res.DryRun}
	if res.DryRun {
		data.Preview = &separatePreview{Original: viewOf(res.Original), New: viewOf(res.New)}
		data.Preview.New.ID = nil
	} else {
		data.OperationID = &res.JournalID
	}
	return answer{body: crmAnswer{Success: true, Data: data}, operation: contact.Deref(data.OperationID)}, nil
}

// input turns the body into the domain's input, and returns for each
// record kind the record ids in the order the input lists them (to name
// the field of an error about one).
func (b separateBody) input() (contact.SeparateInput, map[string][]string, *apiError) {
	var in contact.SeparateInput
	if fail := b.fieldSplit(&in.FieldSplit); fail != nil {
		return in, nil, fail
	}
	ids := map[string][]string{}
	assigned := map[string][]contact.RecordAssignment{}
	for kind, records := range b.ChildRecordAssignment {
		if !slices.ContainsFunc(contact.RecordKinds, func(k contact.RecordKind) bool { return k.Key == kind }) {
			return in, nil, invalid("childRecordAssignment."+kind, "no such record type: use conversations, applications, contactNotes, reminders, trainingSnapshots or contactInboxes")
		}
		for _, id := range sortedKeys(records) {
			side, ok := map[string]contact.SplitSide{"original": contact.SideOriginal, "new": contact.SideNew}[strings.ToLower(records[id])]
			if !ok {
				return in, nil, invalid("childRecordAssignment."+kind+"."+id, `a record goes to "original" or "new"`)
			}
			ids[kind] = append(ids[kind], id)
			assigned[kind] = append(assigned[kind], contact.RecordAssignment{ID: id, Side: side})
		}
	}
	if fail := decodeStrict(mustMarshal(assigned), &in.ChildRecordAssignment); fail != nil {
		return in, nil, fail
	}
	in.MessageDividers = b.MessageDividers
	for i, m := range b.NewConversationMeta {
		if m.Status != nil {
			s := contact.ConversationStatus(strings.ToUpper(*m.Status))
			if !slices.Contains(contact.ConversationStatuses, s) {
				return in, nil, invalid("newConversationMeta."+strconv.Itoa(i)+".status", "a status is open, pending or resolved")
			}
			m.NewConversationMeta.Status = &s
		}
		in.NewConversationMeta = append(in.NewConversationMeta, m.NewConversationMeta)
	}
	return in, ids, nil
}

// fieldSplit decodes the body's fieldSplit: per field either a placement
// word ("original", "new", "both") or values for both sides
// ({"original": v, "new": v}), under the GraphQL input's names.
func (b separateBody) fieldSplit(fs *contact.ContactFieldSplit) *apiError {
	values := map[string]rawJSON{}
	for _, name := range sortedKeys(b.FieldSplit) {
		raw := b.FieldSplit[name]
		switch {
		case isNull(raw):
		case raw[0] == '"':
			word, _ := str(raw)
			p, ok := map[string]contact.FieldPlacement{"original": contact.PlaceOriginal, "new": contact.PlaceNew,
				"both": contact.PlaceBoth}[strings.ToLower(word)]
			if !ok {
				return invalid("fieldSplit."+name, `a field split is "original", "new", "both" or {"original": …, "new": …}`)
			}
			if !fs.Place(name, p) {
				return invalid("fieldSplit."+name, "no such field")
			}
		default:
			values[name] = raw
		}
	}
	if len(values) == 0 {
		return nil
	}
	fail := decodeStrict(mustMarshal(values), fs)
	if fail != nil && fail.got == "object" && !strings.Contains(fail.details[0].Field, ".") {
		fail = invalid(fail.details[0].Field, fail.details[0].Field+` takes a placement: "original", "new" or "both"`)
	}
	if fail != nil {
		fail.details[0].Field = "fieldSplit." + fail.details[0].Field
	}
	return fail
}

// separateStatus is the HTTP status of a refused separation: 404 for an
// unknown contact, 409 for a conflict or a taken value, else 400.
func separateStatus(u contact.UserErrors) int {
	switch {
	case slices.ContainsFunc(u, func(e contact.UserError) bool { return e.Code == contact.NotFound && crmField(e.Field, nil) == "id" }):
		return http.StatusNotFound
	case !hasCode(u, contact.Invalid, contact.NotFound):
		return http.StatusConflict
	default:
		return http.StatusBadRequest
	}
}

// crmField names an input path as a JSON path of the CRM body: without
// the leading "input", and with the record id for a record's index in
// childRecordAssignment.
func crmField(path []string, recordIDs map[string][]string) string {
	if len(path) > 0 && path[0] == "input" {
		path = path[1:]
	}
	out := slices.Clone(path)
	if len(out) >= 3 && out[0] == "childRecordAssignment" {
		if i, err := strconv.Atoi(out[2]); err == nil && i < len(recordIDs[out[1]]) {
			out[2] = recordIDs[out[1]][i]
			if len(out) == 4 && out[3] == "id" {
				out = out[:3]
			}
		}
	}
	return strings.Join(out, ".")
}
