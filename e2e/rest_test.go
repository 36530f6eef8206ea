package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"contactid/app/apptest"
	"contactid/contact"
	"contactid/db"
	"contactid/e2e/client"
	"contactid/internal/pgtest"
	"contactid/rest"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// The ids the OpenAPI document's examples use; restExample replaces them
// with the ids of the demo data the tests seed.
const (
	docSam          = "5d6c1e2a-8b7f-4c1d-9e3a-2f4b6c8d0e1f"
	docSamantha     = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	docAccount      = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	docBaseContact  = "2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819"
	docMergeContact = "3c4d5e6f-7081-492a-b3c4-d5e6f708192a"
)

// openAPIValidator is the validator of the document the server serves,
// built once.
var openAPIValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(rest.OpenAPI)
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, verrs[0]
	}
	return v, nil
})

// restResponse is a REST route's answer.
type restResponse struct {
	Status int
	Body   []byte
	Header http.Header
}

// decode decodes the body into dest.
func (r restResponse) decode(tb testing.TB, dest any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, dest); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// mustREST sends a request to a REST route and checks its answer against
// the OpenAPI document (status, headers, body schema) and for leaks.
func (s *testServer) mustREST(tb testing.TB, path, contentType string, body []byte, headers map[string]string) restResponse {
	tb.Helper()
	status, out, header := s.MustRequest(tb, http.MethodPost, path, contentType, string(body), headers)
	apptest.MustNotLeak(tb, out)
	v, err := openAPIValidator()
	if err != nil {
		tb.Fatalf("OpenAPI document: %v", err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	res := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(out)), Request: req}
	if ok, errs := v.ValidateHttpResponse(req, res); !ok {
		for _, e := range errs {
			tb.Errorf("response %d %s does not match the OpenAPI document: %s: %s %v", status, out, e.Message, e.Reason, e.SchemaValidationErrors)
		}
		tb.FailNow()
	}
	return restResponse{Status: status, Body: out, Header: header}
}

// demo seeds the demo data in an account of its own and returns the
// account and the ids of the REST examples.
func (s *testServer) demo(tb testing.TB) (contact.NewAccount, db.DemoExamples) {
	tb.Helper()
	acct, err := s.Main.Store.SeedDemo(context.Background())
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	ex, err := s.Main.Store.DemoExamples(context.Background(), acct.AccountID)
	if err != nil || ex.BaseContactID == "" || ex.SeparateContactID == "" {
		tb.Fatalf("demo examples %+v: %v", ex, err)
	}
	return acct, ex
}

// docExample is one request example of the OpenAPI document.
type docExample struct {
	Path, Name string
	Body       json.RawMessage
}

// docExamples returns every request example of the OpenAPI document, with
// its path's parameters filled from the parameters' examples.
func docExamples(tb testing.TB) []docExample {
	tb.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Example  string
			}
			RequestBody struct {
				Content map[string]struct {
					Examples map[string]struct {
						Value json.RawMessage
					}
				}
			} `json:"requestBody"`
		}
	}
	if err := json.Unmarshal(rest.OpenAPI, &doc); err != nil {
		tb.Fatalf("OpenAPI document: %v", err)
	}
	var out []docExample
	for path, ops := range doc.Paths {
		for _, op := range ops {
			for _, p := range op.Parameters {
				if p.In == "path" {
					path = strings.ReplaceAll(path, "{"+p.Name+"}", p.Example)
				}
			}
			for name, ex := range op.RequestBody.Content["application/json"].Examples {
				out = append(out, docExample{Path: path, Name: name, Body: ex.Value})
			}
		}
	}
	return out
}

// TestRESTDocumentedExamples sends every request example of the OpenAPI
// document, with the demo data's ids, and checks the documented answers:
// Samantha's conversation (four messages) separated from Sam, the
// duplicate Jane Does merged (with both inbox identities), numeric ids
// refused; and that each operation is undone through GraphQL.
func TestRESTDocumentedExamples(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	acct, ex := s.demo(t)
	ids := strings.NewReplacer(docSam, ex.SeparateContactID, docSamantha, ex.SamanthaConversationID, docAccount, acct.AccountID,
		docBaseContact, ex.BaseContactID, docMergeContact, ex.MergeeContactID)
	auth := map[string]string{"Authorization": "Bearer " + acct.Token, "api_access_token": acct.Token}
	examples := docExamples(t)
	if len(examples) != 3 {
		t.Fatalf("%d request examples in the document, want the 3 this test checks", len(examples))
	}
	for _, e := range examples {
		res := s.mustREST(t, ids.Replace(e.Path), "application/json", []byte(ids.Replace(string(e.Body))), auth)
		switch e.Name {
		case "samantha":
			var got struct {
				Success bool
				Data    struct {
					OriginalContactID string                    `json:"originalContactId"`
					NewContactID      string                    `json:"newContactId"`
					OperationID       string                    `json:"operationId"`
					Summary           contact.SeparationSummary `json:"summary"`
				}
			}
			res.decode(t, &got)
			apptest.MustEqual(t, "status", res.Status, http.StatusOK)
			apptest.MustEqual(t, "summary", got.Data.Summary, contact.SeparationSummary{ConversationsMoved: 1, MessagesReassigned: 4})
			apptest.MustEqual(t, "original", got.Data.OriginalContactID, ex.SeparateContactID)
			apptest.MustEqual(t, "Samantha's conversation's owner", s.Count(t,
				`SELECT count(*) FROM conversations WHERE id = $1 AND contact_id = $2`, ex.SamanthaConversationID, got.Data.NewContactID), 1)
			apptest.MustEqual(t, "X-Operation-Id", res.Header.Get("X-Operation-Id"), got.Data.OperationID)
			mustUndoOverGraphQL(t, s, acct.Token, got.Data.OperationID)
			apptest.MustEqual(t, "Samantha's conversation back on Sam", s.Count(t,
				`SELECT count(*) FROM conversations WHERE id = $1 AND contact_id = $2`, ex.SamanthaConversationID, ex.SeparateContactID), 1)
		case "duplicateJanes":
			var got struct {
				ID          string `json:"id"`
				OperationID string `json:"operation_id"`
				Payload     []struct {
					ID             string `json:"id"`
					Name           string `json:"name"`
					Email          string `json:"email"`
					ContactInboxes []struct {
						SourceID string `json:"source_id"`
					} `json:"contact_inboxes"`
				}
			}
			res.decode(t, &got)
			apptest.MustEqual(t, "status", res.Status, http.StatusOK)
			apptest.MustEqual(t, "id", got.ID, ex.BaseContactID)
			apptest.MustEqual(t, "payload", len(got.Payload), 1)
			apptest.MustEqual(t, "merged contact", []string{got.Payload[0].ID, got.Payload[0].Name, got.Payload[0].Email},
				[]string{ex.BaseContactID, "Jane Doe", "jane@example.com"})
			apptest.MustEqual(t, "inbox identities", len(got.Payload[0].ContactInboxes), 2)
			apptest.MustEqual(t, "mergee gone", s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, ex.MergeeContactID), 0)
			mustUndoOverGraphQL(t, s, acct.Token, got.OperationID)
			apptest.MustEqual(t, "mergee back", s.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, ex.MergeeContactID), 1)
		case "numericIds":
			var got struct {
				Errors []struct{ Field, Code string }
			}
			res.decode(t, &got)
			apptest.MustEqual(t, "status", res.Status, http.StatusBadRequest)
			apptest.MustEqual(t, "field", got.Errors[0].Field, "base_contact_id")
		default:
			t.Fatalf("request example %q has no expectations here: add them", e.Name)
		}
	}
}

// mustUndoOverGraphQL undoes the journal entry id with GraphQL's
// undoContactOperation.
func mustUndoOverGraphQL(tb testing.TB, s *testServer, token, id string) {
	tb.Helper()
	if id == "" {
		tb.Fatal("no operation id to undo")
	}
	var got struct {
		Operation struct{ Undone bool }
	}
	s.MustMutate(tb, token, undoDoc, map[string]any{"id": id}, &got)
	if !got.Operation.Undone {
		tb.Fatalf("operation %s not undone", id)
	}
}

// restCase is a refused REST request and the answer it must get.
type restCase struct {
	name        string
	path        string
	contentType string
	headers     map[string]string
	body        string
	status      int
	code, field string
}

// TestRESTRefusals checks every failure status of both routes: the status,
// the first error entry's code and field, the shape (against the OpenAPI
// document), and that the database is unchanged.
func TestRESTRefusals(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	acct, ex := s.demo(t)
	other := s.MustAccount(t, "Other")
	_, agentToken := s.MustUser(t, acct.Token, "Agent", "agent@example.com", "AGENT")
	bearer := map[string]string{"Authorization": "Bearer " + acct.Token}
	inbox := map[string]string{"api_access_token": acct.Token}
	sep := "/api/contacts/" + ex.SeparateContactID + "/separate"
	merge := "/api/v1/accounts/" + acct.AccountID + "/actions/contact_merge"
	moveSamantha := `{"childRecordAssignment": {"conversations": {"` + ex.SamanthaConversationID + `": "new"}}}`
	big := `{"fieldSplit": {"misc": "` + strings.Repeat("x", 2<<20) + `"}}`
	for _, tc := range []restCase{
		{"separate without a token", sep, "application/json", nil, moveSamantha, 401, "UNAUTHENTICATED", "Authorization"},
		{"separate with an unknown token", sep, "application/json", map[string]string{"Authorization": "Bearer cid_nope"}, moveSamantha, 401, "UNAUTHENTICATED", "Authorization"},
		{"separate by an agent", sep, "application/json", map[string]string{"Authorization": "Bearer " + agentToken}, moveSamantha, 403, "FORBIDDEN", ""},
		{"separate an unknown contact", "/api/contacts/" + randomID() + "/separate", "application/json", bearer, moveSamantha, 404, "NOT_FOUND", "id"},
		{"separate another account's contact", "/api/contacts/" + ex.SeparateContactID + "/separate", "application/json",
			map[string]string{"Authorization": "Bearer " + other.Token}, moveSamantha, 404, "NOT_FOUND", "id"},
		{"separate with malformed JSON", sep, "application/json", bearer, `{"fieldSplit": `, 400, "INVALID", ""},
		{"separate with an unknown field", sep, "application/json", bearer, `{"fieldSplits": {}}`, 400, "INVALID", "fieldSplits"},
		{"separate with another contact's record", sep, "application/json", bearer,
			`{"childRecordAssignment": {"conversations": {"` + ex.SamanthaConversationID + `": "new", "` + ex.BaseContactID + `": "new"}}}`,
			400, "NOT_FOUND", "childRecordAssignment.conversations." + ex.BaseContactID},
		{"separate with a bad side", sep, "application/json", bearer,
			`{"childRecordAssignment": {"conversations": {"` + ex.SamanthaConversationID + `": "sideways"}}}`,
			400, "INVALID", "childRecordAssignment.conversations." + ex.SamanthaConversationID},
		{"separate with values for a placement field", sep, "application/json", bearer, `{"fieldSplit": {"status": {"original": "a", "new": "b"}}}`,
			400, "INVALID", "fieldSplit.status"},
		{"separate with a bad placement", sep, "application/json", bearer, `{"fieldSplit": {"firstName": "left"}}`, 400, "INVALID", "fieldSplit.firstName"},
		{"separate giving nothing to the new contact", sep, "application/json", bearer, `{}`, 400, "INVALID", ""},
		{"separate with a bad dryRun", sep + "?dryRun=maybe", "application/json", bearer, moveSamantha, 400, "INVALID", "dryRun"},
		{"separate giving the new contact a taken email", sep, "application/json", bearer,
			`{"fieldSplit": {"email": {"original": "sam.lee@example.com", "new": "jane@example.com"}}}`, 409, "TAKEN", "fieldSplit.email.new"},
		{"separate copying an email to both", sep, "application/json", bearer, `{"fieldSplit": {"email": "both", "firstName": "both"}}`,
			409, "TAKEN", "fieldSplit.email"},
		{"separate with a body over the limit", sep, "application/json", bearer, big, 413, "TOO_LARGE", ""},
		{"separate as text", sep, "text/plain", bearer, moveSamantha, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type"},
		{"merge without a token", merge, "application/json", nil,
			`{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_id": "` + ex.MergeeContactID + `"}`, 401, "UNAUTHENTICATED", "api_access_token"},
		{"merge on another account's path", "/api/v1/accounts/" + other.AccountID + "/actions/contact_merge", "application/json", inbox,
			`{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_id": "` + ex.MergeeContactID + `"}`, 401, "UNAUTHENTICATED", "api_access_token"},
		{"merge with an unknown bearer token", merge, "application/json", map[string]string{"Authorization": "Bearer cid_nope"},
			`{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_id": "` + ex.MergeeContactID + `"}`, 401, "UNAUTHENTICATED", "Authorization"},
		{"merge with numeric ids", merge, "application/json", inbox, `{"base_contact_id": 1, "mergee_contact_id": 2}`, 400, "INVALID", "base_contact_id"},
		{"merge without a mergee", merge, "application/json", inbox, `{"base_contact_id": "` + ex.BaseContactID + `"}`, 400, "INVALID", "mergee_contact_id"},
		{"merge with an unknown field", merge, "application/json", inbox, `{"base_contact_id": "` + ex.BaseContactID + `", "mergee_id": "x"}`,
			400, "INVALID", "mergee_id"},
		{"merge an unknown contact", merge, "application/json", inbox,
			`{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_id": "` + randomID() + `"}`, 404, "NOT_FOUND", "mergee_contact_id"},
		{"merge an unknown base", merge, "application/json", inbox,
			`{"base_contact_id": "` + randomID() + `", "mergee_contact_id": "` + ex.MergeeContactID + `"}`, 404, "NOT_FOUND", "base_contact_id"},
		{"merge a contact listed twice", merge, "application/json", inbox,
			`{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_ids": ["` + ex.MergeeContactID + `", "` + ex.MergeeContactID + `"]}`,
			422, "INVALID", "mergee_contact_ids.1"},
		{"merge with a body over the limit", merge, "application/json", inbox, big, 413, "TOO_LARGE", ""},
		{"merge as a form", merge, "application/x-www-form-urlencoded", inbox, "base_contact_id=1", 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Snapshot(t)
			res := s.mustREST(t, tc.path, tc.contentType, []byte(tc.body), tc.headers)
			apptest.MustEqual(t, "status", res.Status, tc.status)
			code, field := firstRESTError(t, res)
			apptest.MustEqual(t, "code and field", []string{code, field}, []string{tc.code, tc.field})
			s.MustUnchanged(t, before)
		})
	}
}

// firstRESTError returns the code and field of the first error entry of
// a failure in either route's shape.
func firstRESTError(tb testing.TB, res restResponse) (string, string) {
	tb.Helper()
	var got struct {
		Error *struct {
			Details []struct{ Code, Field string }
		}
		Errors []struct{ Code, Field string }
	}
	res.decode(tb, &got)
	errs := got.Errors
	if got.Error != nil {
		errs = got.Error.Details
	}
	if len(errs) == 0 {
		tb.Fatalf("no error entry in %s", res.Body)
	}
	return errs[0].Code, errs[0].Field
}

// TestRESTSelfMergeAndInternalFailure checks a merge of a contact with
// itself (the base, unchanged, and nothing written) and that a failure of
// the database is a 500 in the route's shape with nothing internal in it.
func TestRESTSelfMergeAndInternalFailure(t *testing.T) {
	t.Parallel()
	dsn := pgtest.NewDSN(t)
	s := MustServerOn(t, dsn, nil)
	acct, ex := s.demo(t)
	merge := "/api/v1/accounts/" + acct.AccountID + "/actions/contact_merge"
	self := `{"base_contact_id": "` + ex.BaseContactID + `", "mergee_contact_id": "` + ex.BaseContactID + `"}`
	before := s.Snapshot(t)
	res := s.mustREST(t, merge, "application/json", []byte(self), map[string]string{"api_access_token": acct.Token})
	var got struct {
		ID          string `json:"id"`
		OperationID *string
		Payload     []struct{ ID, Name string }
	}
	res.decode(t, &got)
	apptest.MustEqual(t, "status", res.Status, http.StatusOK)
	apptest.MustEqual(t, "payload", got.Payload[0].ID+" "+got.Payload[0].Name, ex.BaseContactID+" Jane Doe")
	apptest.MustEqual(t, "operation", got.OperationID, (*string)(nil))
	s.MustUnchanged(t, before)

	// A second server on the same database whose pool is closed: every
	// statement it runs fails.
	broken := MustServerOn(t, dsn, nil)
	broken.Main.Store.DB().Close()
	for _, path := range []string{merge, "/api/contacts/" + ex.SeparateContactID + "/separate"} {
		res := broken.mustREST(t, path, "application/json", []byte(self), map[string]string{"Authorization": "Bearer " + acct.Token})
		apptest.MustEqual(t, "status", res.Status, http.StatusInternalServerError)
		code, field := firstRESTError(t, res)
		apptest.MustEqual(t, "code and field", []string{code, field}, []string{"INTERNAL", ""})
	}
	s.MustUnchanged(t, before)
}

// TestRESTAndGraphQLLeaveTheSameDatabase runs the same merge and
// separation once through the REST routes and once through GraphQL, each
// on its own copy of the demo data, and compares the two accounts' rows
// in every table (ids and times aside).
func TestRESTAndGraphQLLeaveTheSameDatabase(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	viaREST, restIDs := s.demo(t)
	viaGraphQL, gqlIDs := s.demo(t)

	res := s.mustREST(t, "/api/v1/accounts/"+viaREST.AccountID+"/actions/contact_merge", "application/json",
		[]byte(`{"base_contact_id": "`+restIDs.BaseContactID+`", "mergee_contact_id": "`+restIDs.MergeeContactID+`"}`),
		map[string]string{"api_access_token": viaREST.Token})
	apptest.MustEqual(t, "merge status", res.Status, http.StatusOK)
	res = s.mustREST(t, "/api/contacts/"+restIDs.SeparateContactID+"/separate", "application/json", []byte(`{
		"fieldSplit": {"firstName": {"original": "Sam", "new": "Samantha"}, "status": "original",
			"email": {"original": "sam.lee@example.com", "new": "samantha.lee@example.net"}},
		"childRecordAssignment": {"conversations": {"`+restIDs.SamanthaConversationID+`": "new"}}}`),
		map[string]string{"Authorization": "Bearer " + viaREST.Token})
	apptest.MustEqual(t, "separate status", res.Status, http.StatusOK)

	merged := s.typedMerge(t, viaGraphQL.Token, client.MergeContactsInput{BaseContactId: gqlIDs.BaseContactID,
		MergeeContactIds: []string{gqlIDs.MergeeContactID}}).MergeContacts
	apptest.MustEqual(t, "merge user errors", len(merged.UserErrors), 0)
	original := client.FieldPlacementOriginal
	separated := s.typedSeparate(t, viaGraphQL.Token, gqlIDs.SeparateContactID, client.SeparateContactInput{
		FieldSplit: client.ContactFieldSplit{FirstName: &client.StringSplit{Original: sp("Sam"), New: sp("Samantha")}, Status: &original,
			Email: &client.StringSplit{Original: sp("sam.lee@example.com"), New: sp("samantha.lee@example.net")}},
		ChildRecordAssignment: client.ChildRecordAssignment{Conversations: []client.RecordAssignment{
			{Id: gqlIDs.SamanthaConversationID, Side: client.SplitSideNew}}}}).SeparateContact
	apptest.MustEqual(t, "separate user errors", len(separated.UserErrors), 0)

	for _, table := range apptest.SnapshotTables() {
		switch table {
		case "accounts", "users", "api_tokens", "idempotency_keys", "webhooks", "webhook_deliveries":
			continue // not touched by either call, or differ by name and secret
		}
		got, want := s.accountRows(t, table, viaREST.AccountID), s.accountRows(t, table, viaGraphQL.AccountID)
		if len(got) == 0 && table != "contact_redirects" {
			t.Errorf("%s: no rows to compare", table)
		}
		apptest.MustEqual(t, table+" rows (REST, then GraphQL)", got, want)
	}
}

// idsAndTimes match uuids and timestamps inside stored JSON.
var idsAndTimes = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)?`)

// accountRows returns the account's rows of table as JSON without their
// ids and times (columns named id, *_id, *_ids or *_at, and uuids and
// timestamps within other values), sorted.
func (s *testServer) accountRows(tb testing.TB, table, account string) []string {
	tb.Helper()
	var rows []string
	if err := s.DB.Select(&rows, `SELECT to_jsonb(x)::text FROM `+table+` x WHERE account_id = $1`, account); err != nil {
		tb.Fatalf("rows of %s: %v", table, err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		var row map[string]any
		if err := json.Unmarshal([]byte(r), &row); err != nil {
			tb.Fatal(err)
		}
		for k := range row {
			if k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids") || strings.HasSuffix(k, "_at") {
				delete(row, k)
			}
		}
		b, _ := json.Marshal(withoutIDs(row))
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// withoutIDs returns v with every uuid and timestamp in its strings
// replaced by "<>", and every object keyed by ids turned into the sorted
// list of its values.
func withoutIDs(v any) any {
	switch v := v.(type) {
	case string:
		return idsAndTimes.ReplaceAllString(v, "<>")
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withoutIDs(e)
		}
		return out
	case map[string]any:
		out, byID := map[string]any{}, []string{}
		for k, e := range v {
			if idsAndTimes.MatchString(k) {
				b, _ := json.Marshal(withoutIDs(e))
				byID = append(byID, string(b))
			} else {
				out[k] = withoutIDs(e)
			}
		}
		if len(byID) > 0 {
			slices.Sort(byID)
			out["<ids>"] = byID
		}
		return out
	default:
		return v
	}
}

// TestRESTDryRunSeveralMergeesAndDocument checks the extensions: a
// separation's dry run (the summary and both would-be contacts, nothing
// written), a merge of several mergees at once, and the OpenAPI document
// served at /openapi.json without a token.
func TestRESTDryRunSeveralMergeesAndDocument(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	acct, ex := s.demo(t)
	before := s.Snapshot(t)
	res := s.mustREST(t, "/api/contacts/"+ex.SeparateContactID+"/separate?dryRun=true", "application/json", []byte(`{
		"fieldSplit": {"firstName": {"original": "Sam", "new": "Samantha"}, "lastName": "both", "email": "new"},
		"childRecordAssignment": {"conversations": {"`+ex.SamanthaConversationID+`": "new"}}}`),
		map[string]string{"Authorization": "Bearer " + acct.Token})
	var got struct {
		Data struct {
			NewContactID *string `json:"newContactId"`
			OperationID  *string `json:"operationId"`
			DryRun       bool    `json:"dryRun"`
			Summary      contact.SeparationSummary
			Preview      struct {
				Original, New struct {
					ID        *string `json:"id"`
					FirstName string  `json:"firstName"`
					LastName  string  `json:"lastName"`
					Emails    []string
				}
			}
		}
	}
	res.decode(t, &got)
	apptest.MustEqual(t, "status", res.Status, http.StatusOK)
	apptest.MustEqual(t, "dry run", got.Data.DryRun && got.Data.NewContactID == nil && got.Data.OperationID == nil, true)
	apptest.MustEqual(t, "summary", got.Data.Summary, contact.SeparationSummary{ConversationsMoved: 1, MessagesReassigned: 4})
	apptest.MustEqual(t, "original", []string{*got.Data.Preview.Original.ID, got.Data.Preview.Original.FirstName, got.Data.Preview.Original.LastName},
		[]string{ex.SeparateContactID, "Sam", "Lee"})
	apptest.MustEqual(t, "original's emails", len(got.Data.Preview.Original.Emails), 0)
	apptest.MustEqual(t, "new", []string{got.Data.Preview.New.FirstName, got.Data.Preview.New.LastName}, []string{"Samantha", "Lee"})
	apptest.MustEqual(t, "new's emails", got.Data.Preview.New.Emails, []string{"sam.lee@example.com", "samantha.lee@example.net"})
	apptest.MustEqual(t, "new's id", got.Data.Preview.New.ID, (*string)(nil))
	apptest.MustEqual(t, "X-Operation-Id of a dry run", res.Header.Get("X-Operation-Id"), "")
	s.MustUnchanged(t, before)

	res = s.mustREST(t, "/api/v1/accounts/"+acct.AccountID+"/actions/contact_merge", "application/json",
		[]byte(`{"base_contact_id": "`+ex.BaseContactID+`", "mergee_contact_ids": ["`+ex.MergeeContactID+`", "`+ex.SeparateContactID+`"]}`),
		map[string]string{"Authorization": "Bearer " + acct.Token})
	apptest.MustEqual(t, "merge status", res.Status, http.StatusOK)
	apptest.MustEqual(t, "mergees gone", s.Count(t, `SELECT count(*) FROM contacts WHERE id = ANY($1::uuid[])`,
		"{"+ex.MergeeContactID+","+ex.SeparateContactID+"}"), 0)
	apptest.MustEqual(t, "redirects", s.Count(t, `SELECT count(*) FROM contact_redirects WHERE new_contact_id = $1`, ex.BaseContactID), 2)

	status, body, header := s.MustRequest(t, http.MethodGet, "/openapi.json", "", "", nil)
	apptest.MustEqual(t, "/openapi.json", []string{strconv.Itoa(status), header.Get("Content-Type"), string(body)},
		[]string{"200", "application/json", string(rest.OpenAPI)})
}
