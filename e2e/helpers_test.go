package e2e

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// contactSelection selects every scalar and list field of a Contact, in the
// shape of contactOut.
const contactSelection = `id firstName lastName name emails email phoneNumbers phoneNumber identifier
	status pipelineId pipelineStage assignees { id name role } outreachConfigId labels customAttributes
	additionalAttributes documents { name url } misc blocked thumbnail version createdAt updatedAt lastActivityAt`

// userErrorSelection selects a payload's user errors in the shape of userError.
const userErrorSelection = `userErrors { field message code }`

// Mutation documents shared by the end-to-end tests. Each takes its input
// as $input (and $id when it changes an existing object).
const (
	createContactDoc = `mutation($input: CreateContactInput!) { createContact(input: $input) {
		contact { ` + contactSelection + ` } ` + userErrorSelection + ` } }`
	updateContactDoc = `mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) {
		contact { ` + contactSelection + ` } ` + userErrorSelection + ` } }`
	deleteContactDoc = `mutation($id: ID!) { deleteContact(id: $id) { deletedContactId ` + userErrorSelection + ` } }`
	createUserDoc    = `mutation($input: CreateUserInput!) { createUser(input: $input) {
		user { id name email role } token ` + userErrorSelection + ` } }`
	createInboxDoc = `mutation($input: CreateInboxInput!) { createInbox(input: $input) {
		inbox { id name channelType createdAt } ` + userErrorSelection + ` } }`
	createContactInboxDoc = `mutation($input: CreateContactInboxInput!) { createContactInbox(input: $input) {
		contactInbox { id sourceId inbox { id name } contact { id } } ` + userErrorSelection + ` } }`
	createConversationDoc = `mutation($input: CreateConversationInput!) { createConversation(input: $input) {
		conversation { id channel subject status contact { id } inbox { id } assignees { id name } } ` + userErrorSelection + ` } }`
	updateConversationDoc = `mutation($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) {
		conversation { id channel subject status assignees { id name } } ` + userErrorSelection + ` } }`
	createMessageDoc = `mutation($input: CreateMessageInput!) { createMessage(input: $input) {
		message { id content senderType createdAt conversation { id }
			sender { __typename ... on Contact { id } ... on User { id name } } } ` + userErrorSelection + ` } }`
	createApplicationDoc = `mutation($input: CreateApplicationInput!) { createApplication(input: $input) {
		application { id jobTitle status createdAt } ` + userErrorSelection + ` } }`
	createContactNoteDoc = `mutation($input: CreateContactNoteInput!) { createContactNote(input: $input) {
		contactNote { id content author { id name } createdAt } ` + userErrorSelection + ` } }`
	createReminderDoc = `mutation($input: CreateReminderInput!) { createReminder(input: $input) {
		reminder { id title dueAt done createdAt } ` + userErrorSelection + ` } }`
	createTrainingSnapshotDoc = `mutation($input: CreateTrainingSnapshotInput!) { createTrainingSnapshot(input: $input) {
		trainingSnapshot { id data createdAt } ` + userErrorSelection + ` } }`
)

// contactOut is a Contact as contactSelection returns it.
type contactOut struct {
	ID                   string          `json:"id"`
	FirstName            *string         `json:"firstName"`
	LastName             *string         `json:"lastName"`
	Name                 string          `json:"name"`
	Emails               []string        `json:"emails"`
	Email                *string         `json:"email"`
	PhoneNumbers         []string        `json:"phoneNumbers"`
	PhoneNumber          *string         `json:"phoneNumber"`
	Identifier           *string         `json:"identifier"`
	Status               *string         `json:"status"`
	PipelineID           *string         `json:"pipelineId"`
	PipelineStage        *string         `json:"pipelineStage"`
	Assignees            []userOut       `json:"assignees"`
	OutreachConfigID     *string         `json:"outreachConfigId"`
	Labels               []string        `json:"labels"`
	CustomAttributes     json.RawMessage `json:"customAttributes"`
	AdditionalAttributes json.RawMessage `json:"additionalAttributes"`
	Documents            []documentOut   `json:"documents"`
	Misc                 json.RawMessage `json:"misc"`
	Blocked              bool            `json:"blocked"`
	Thumbnail            *string         `json:"thumbnail"`
	Version              int             `json:"version"`
	CreatedAt            time.Time       `json:"createdAt"`
	UpdatedAt            time.Time       `json:"updatedAt"`
	LastActivityAt       *time.Time      `json:"lastActivityAt"`
}

// userOut is a User as the tests select it.
type userOut struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// documentOut is a Document.
type documentOut struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// pageInfoOut is a PageInfo.
type pageInfoOut struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

// MustMutate runs a document with exactly one top-level mutation field and
// decodes that field's payload into dest. It fails on any top-level error
// and on any user error.
func (s *testServer) MustMutate(tb testing.TB, token, query string, vars map[string]any, dest any) {
	tb.Helper()
	raw := s.mustPayload(tb, token, query, vars)
	var p struct {
		UserErrors []userError `json:"userErrors"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		tb.Fatalf("decode payload %s: %v", raw, err)
	}
	if p.UserErrors == nil || len(p.UserErrors) > 0 {
		tb.Fatalf("want userErrors == [], got %s", raw)
	}
	if dest != nil {
		if err := json.Unmarshal(raw, dest); err != nil {
			tb.Fatalf("decode payload %s: %v", raw, err)
		}
	}
}

// MustReject runs a mutation that must be refused with user errors: it
// fails unless the payload has at least one user error, every other payload
// field is null and the database is exactly as before. It returns the user
// errors.
func (s *testServer) MustReject(tb testing.TB, token, query string, vars map[string]any) []userError {
	tb.Helper()
	before := s.Snapshot(tb)
	raw := s.mustPayload(tb, token, query, vars)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		tb.Fatalf("decode payload %s: %v", raw, err)
	}
	var errs []userError
	for k, v := range fields {
		if k == "userErrors" {
			if err := json.Unmarshal(v, &errs); err != nil {
				tb.Fatalf("decode userErrors %s: %v", v, err)
			}
		} else if string(v) != "null" {
			tb.Errorf("rejected mutation returned %s = %s, want null", k, v)
		}
	}
	if len(errs) == 0 {
		tb.Fatalf("want user errors, got payload %s", raw)
	}
	s.MustUnchanged(tb, before)
	return errs
}

// mustPayload posts an authenticated document with exactly one top-level
// field and returns that field's raw value; it fails on any top-level error.
func (s *testServer) mustPayload(tb testing.TB, token, query string, vars map[string]any) json.RawMessage {
	tb.Helper()
	var data map[string]json.RawMessage
	s.Do(tb, token, query, vars, &data)
	if len(data) != 1 {
		tb.Fatalf("want one top-level field, got %d", len(data))
	}
	for _, v := range data {
		return v
	}
	panic("unreachable")
}

// MustUserError fails unless errs is exactly one user error with the given
// code and field path.
func MustUserError(tb testing.TB, errs []userError, code string, field ...string) {
	tb.Helper()
	if len(errs) != 1 || errs[0].Code != code || !slices.Equal(errs[0].Field, field) {
		tb.Fatalf("want one %s user error at %q, got %+v", code, field, errs)
	}
	if errs[0].Message == "" {
		tb.Fatalf("user error without a message: %+v", errs[0])
	}
}

// MustHaveUserError fails unless errs contains a user error with the given
// code and field path.
func MustHaveUserError(tb testing.TB, errs []userError, code string, field ...string) {
	tb.Helper()
	for _, e := range errs {
		if e.Code == code && slices.Equal(e.Field, field) {
			return
		}
	}
	tb.Fatalf("want a %s user error at %q, got %+v", code, field, errs)
}

// MustContact creates a contact from input and returns it.
func (s *testServer) MustContact(tb testing.TB, token string, input map[string]any) contactOut {
	tb.Helper()
	var p struct{ Contact contactOut }
	s.MustMutate(tb, token, createContactDoc, map[string]any{"input": input}, &p)
	if p.Contact.ID == "" {
		tb.Fatal("createContact returned no contact")
	}
	return p.Contact
}

// MustInbox creates an inbox and returns its id.
func (s *testServer) MustInbox(tb testing.TB, token, name, channelType string) string {
	tb.Helper()
	var p struct{ Inbox struct{ ID string } }
	s.MustMutate(tb, token, createInboxDoc, map[string]any{"input": map[string]any{"name": name, "channelType": channelType}}, &p)
	return p.Inbox.ID
}

// MustConversation opens a conversation of the contact in the inbox and
// returns its id.
func (s *testServer) MustConversation(tb testing.TB, token, contactID, inboxID string) string {
	tb.Helper()
	var p struct{ Conversation struct{ ID string } }
	s.MustMutate(tb, token, createConversationDoc, map[string]any{"input": map[string]any{"contactId": contactID, "inboxId": inboxID}}, &p)
	return p.Conversation.ID
}

// MustMessage adds a USER message to a conversation and returns its id.
func (s *testServer) MustMessage(tb testing.TB, token, conversationID, content string) string {
	tb.Helper()
	var p struct{ Message struct{ ID string } }
	s.MustMutate(tb, token, createMessageDoc, map[string]any{"input": map[string]any{"conversationId": conversationID, "content": content}}, &p)
	return p.Message.ID
}

// MustUser creates a user with createUser as the administrator token and
// returns the user and its API token.
func (s *testServer) MustUser(tb testing.TB, adminToken, name, email, role string) (userOut, string) {
	tb.Helper()
	var p struct {
		User  userOut
		Token string
	}
	s.MustMutate(tb, adminToken, createUserDoc, map[string]any{"input": map[string]any{"name": name, "email": email, "role": role}}, &p)
	if p.Token == "" || p.User.ID == "" {
		tb.Fatalf("createUser returned no user or token: %+v", p)
	}
	return p.User, p.Token
}

// randomID returns a well-formed id that no object has.
func randomID() string { return uuid.NewString() }
