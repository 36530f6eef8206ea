package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"contactid/contact"
	"contactid/e2e/client"
)

// separateDoc calls separateContact with $id and $input.
const separateDoc = `mutation($id: ID!, $input: SeparateContactInput!) { separateContact(id: $id, input: $input) {
	originalContactId newContactId dryRun
	originalContact { id firstName lastName emails phoneNumbers labels status customAttributes version }
	newContact { id firstName lastName emails phoneNumbers labels status customAttributes }
	summary { conversationsMoved applicationsMoved notesMoved remindersMoved trainingSnapshotsMoved
		contactInboxesMoved messagesReassigned conversationsCreated }
	userErrors { field message code } } }`

// sepContact is a contact as separateDoc selects it.
type sepContact struct {
	ID               string         `json:"id"`
	ContactID        *string        `json:"contactId"` // of a preview
	FirstName        *string        `json:"firstName"`
	LastName         *string        `json:"lastName"`
	Emails           []string       `json:"emails"`
	PhoneNumbers     []string       `json:"phoneNumbers"`
	Labels           []string       `json:"labels"`
	Status           *string        `json:"status"`
	CustomAttributes map[string]any `json:"customAttributes"`
	Version          int            `json:"version"`
}

// sepPayload is separateContact's payload as separateDoc selects it.
type sepPayload struct {
	OriginalContactID *string     `json:"originalContactId"`
	NewContactID      *string     `json:"newContactId"`
	DryRun            bool        `json:"dryRun"`
	OriginalContact   *sepContact `json:"originalContact"`
	NewContact        *sepContact `json:"newContact"`
	OriginalPreview   *sepContact `json:"originalPreview"`
	NewPreview        *sepContact `json:"newPreview"`
	Summary           *struct {
		ConversationsMoved, ApplicationsMoved, NotesMoved, RemindersMoved, TrainingSnapshotsMoved int
		ContactInboxesMoved, MessagesReassigned, ConversationsCreated                             int
	} `json:"summary"`
	UserErrors []userError `json:"userErrors"`
}

// Separate calls separateContact as token, through the typed client, and
// returns the payload.
func (f *fixture) Separate(tb testing.TB, token, id string, input map[string]any) sepPayload {
	tb.Helper()
	res := f.typedSeparate(tb, token, id, convert[client.SeparateContactInput](tb, input))
	return convert[sepPayload](tb, res.SeparateContact)
}

// janeFixture is DESIGN's example: Jane Doe with one conversation of four messages.
func janeFixture(t *testing.T) (*fixture, *contact.Contact, contact.Conversation, []contact.Message) {
	f := MustFixture(t)
	jane := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Jane")), LastName: contact.Some(sp("Doe")),
		Emails: contact.Some([]string{"jane@example.com"}), PhoneNumbers: contact.Some([]string{"+14155550101"}),
		Status: contact.Some(sp("active")), CustomAttributes: contact.Some(contact.JSONObject{"tier": "gold"})})
	conv := f.MustConversation(t, jane.ID)
	msgs := f.MustMessages(t, conv.ID, 4, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	return f, jane, conv, msgs
}

func TestSeparateJaneJanet(t *testing.T) {
	f, jane, conv, _ := janeFixture(t)
	res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{
		"fieldSplit": map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"},
			"lastName": map[string]any{"original": "Doe", "new": "Doe"}},
		"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
	})
	if len(res.UserErrors) > 0 || res.NewContactID == nil {
		t.Fatalf("separate failed: %+v", res.UserErrors)
	}
	// The conversation and its four messages moved; no record of another kind.
	if got, want := contact.SeparationSummary(*res.Summary), (contact.SeparationSummary{ConversationsMoved: 1, MessagesReassigned: 4}); got != want {
		t.Fatalf("summary = %+v, want %+v", got, want)
	}
	newID := *res.NewContactID
	if *res.NewContact.FirstName != "Janet" || *res.OriginalContact.FirstName != "Jane" || res.OriginalContact.Version != 2 {
		t.Fatalf("contacts: %+v / %+v", res.OriginalContact, res.NewContact)
	}
	if n := f.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND contact_id = $2`, conv.ID, newID); n != 1 {
		t.Fatal("conversation did not move to the new contact")
	}
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND sender_type = 'CONTACT' AND sender_contact_id = $2`, conv.ID, newID); n != 2 {
		t.Fatalf("contact-sent messages now from the new contact: %d, want 2", n)
	}
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND sender_type = 'USER' AND sender_user_id IS NOT NULL`, conv.ID); n != 2 {
		t.Fatalf("user messages keep their sender: %d, want 2", n)
	}
	// Emails and the rest stay on the original; the new contact starts without them.
	if !reflect.DeepEqual(res.OriginalContact.Emails, []string{"jane@example.com"}) || len(res.NewContact.Emails) != 0 ||
		res.NewContact.Status != nil || len(res.NewContact.CustomAttributes) != 0 {
		t.Fatalf("fields left out should stay on the original: %+v / %+v", res.OriginalContact, res.NewContact)
	}
	var j struct {
		Kind   string          `db:"kind"`
		Actor  string          `db:"actor_user_id"`
		Before json.RawMessage `db:"before_images"`
		Moved  json.RawMessage `db:"moved"`
	}
	if err := f.DB.Get(&j, `SELECT kind, actor_user_id, before_images, `+journalMoved+` AS moved FROM operation_journal j`); err != nil {
		t.Fatal(err)
	}
	var moved struct {
		NewContactID  string              `json:"newContactId"`
		Conversations map[string][]string `json:"conversations"`
		Sender        map[string][]string `json:"senderChangedMessages"`
	}
	json.Unmarshal(j.Moved, &moved) //nolint:errcheck // checked through the fields below
	if j.Kind != "SEPARATE" || j.Actor != f.Acct.UserID || moved.NewContactID != newID ||
		!reflect.DeepEqual(moved.Conversations, map[string][]string{jane.ID: {conv.ID}}) || len(moved.Sender[jane.ID]) != 2 {
		t.Fatalf("journal: %s %s %s", j.Kind, j.Actor, j.Moved)
	}
	var before struct{ Original struct{ FirstName string } }
	json.Unmarshal(j.Before, &before) //nolint:errcheck // checked below
	if before.Original.FirstName != "Jane" {
		t.Fatalf("journal before-image: %s", j.Before)
	}
}

func TestSeparateDividers(t *testing.T) {
	t.Run("kept conversation gives its tail to the new contact", func(t *testing.T) {
		f, jane, conv, msgs := janeFixture(t)
		res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{
			"fieldSplit": map[string]any{}, "childRecordAssignment": map[string]any{},
			"messageDividers":     []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}},
			"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, "subject": "Janet's thread", "status": "PENDING"}},
		})
		if len(res.UserErrors) > 0 {
			t.Fatalf("%+v", res.UserErrors)
		}
		if res.Summary.ConversationsCreated != 1 || res.Summary.MessagesReassigned != 2 || res.Summary.ConversationsMoved != 0 {
			t.Fatalf("summary %+v", res.Summary)
		}
		newID := *res.NewContactID
		var tail struct {
			ID      string `db:"id"`
			Subject string `db:"subject"`
			Status  string `db:"status"`
			Channel string `db:"channel"`
		}
		if err := f.DB.Get(&tail, `SELECT id, subject, status, channel FROM conversations WHERE contact_id = $1`, newID); err != nil {
			t.Fatal(err)
		}
		if tail.Subject != "Janet's thread" || tail.Status != "PENDING" || tail.Channel != conv.Channel {
			t.Fatalf("tail conversation %+v", tail)
		}
		if n := f.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND id = ANY($2::uuid[])`, tail.ID,
			"{"+msgs[2].ID+","+msgs[3].ID+"}"); n != 2 {
			t.Fatalf("tail holds %d of the last two messages", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1`, conv.ID); n != 2 {
			t.Fatalf("head keeps %d messages, want 2", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM messages WHERE id = $1 AND sender_contact_id = $2`, msgs[2].ID, newID); n != 1 {
			t.Fatal("contact message in the tail should now be sent by the new contact")
		}
		if n := f.Count(t, `SELECT count(*) FROM messages WHERE id = $1 AND sender_contact_id = $2`, msgs[0].ID, jane.ID); n != 1 {
			t.Fatal("contact message in the head keeps its sender")
		}
	})
	t.Run("moved conversation gives its tail back to the original", func(t *testing.T) {
		f, jane, conv, msgs := janeFixture(t)
		res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{
			"fieldSplit":            map[string]any{},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
			"messageDividers":       []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[1].ID}},
		})
		if len(res.UserErrors) > 0 {
			t.Fatalf("%+v", res.UserErrors)
		}
		// One head message moved with the conversation; the three tail messages stayed with the original.
		if res.Summary.ConversationsMoved != 1 || res.Summary.MessagesReassigned != 1 || res.Summary.ConversationsCreated != 1 {
			t.Fatalf("summary %+v", res.Summary)
		}
		if n := f.Count(t, `SELECT count(*) FROM conversations WHERE contact_id = $1`, jane.ID); n != 1 {
			t.Fatalf("original owns %d conversations, want the tail", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contact_id = $1`, jane.ID); n != 3 {
			t.Fatalf("original's tail has %d messages, want 3", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM messages WHERE id = $1 AND sender_contact_id = $2`, msgs[2].ID, jane.ID); n != 1 {
			t.Fatal("tail message back on the original keeps the original as sender")
		}
	})
}

func TestSeparateFieldSplit(t *testing.T) {
	f, jane, _, _ := janeFixture(t)
	res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{
		"fieldSplit": map[string]any{
			"emails":           map[string]any{"original": []any{"jane@example.com"}, "new": []any{" Janet@Example.com "}},
			"phoneNumbers":     map[string]any{"new": []any{"+1 (415) 555-0101"}},
			"labels":           map[string]any{"original": []any{"a"}, "new": []any{"b", "b"}},
			"status":           "NEW",
			"customAttributes": "BOTH",
		},
		"childRecordAssignment": map[string]any{},
	})
	if len(res.UserErrors) > 0 {
		t.Fatalf("%+v", res.UserErrors)
	}
	o, n := res.OriginalContact, res.NewContact
	if !reflect.DeepEqual(n.Emails, []string{"janet@example.com"}) || !reflect.DeepEqual(n.PhoneNumbers, []string{"+14155550101"}) ||
		len(o.PhoneNumbers) != 0 || !reflect.DeepEqual(o.Labels, []string{"a"}) || !reflect.DeepEqual(n.Labels, []string{"b"}) {
		t.Fatalf("lists: %+v / %+v", o, n)
	}
	if o.Status != nil || n.Status == nil || *n.Status != "active" {
		t.Fatalf("status NEW: %v / %v", o.Status, n.Status)
	}
	if o.CustomAttributes["tier"] != "gold" || n.CustomAttributes["tier"] != "gold" {
		t.Fatalf("customAttributes BOTH: %v / %v", o.CustomAttributes, n.CustomAttributes)
	}
	// The phone number moved to the new contact, in the database too.
	if c := f.Count(t, `SELECT count(*) FROM contact_phone_numbers WHERE phone_number = '+14155550101' AND contact_id = $1`, *res.NewContactID); c != 1 {
		t.Fatal("phone number should belong to the new contact")
	}
}

func TestSeparateAllRecordTypes(t *testing.T) {
	f, jane, _, _ := janeFixture(t)
	recs := f.MustRecords(t, jane.ID, "src-1")
	keep := f.MustRecords(t, jane.ID, "src-2")
	assign := map[string]any{}
	for kind, id := range recs {
		assign[kind] = []any{map[string]any{"id": id, "side": "NEW"}, map[string]any{"id": keep[kind], "side": "ORIGINAL"}}
	}
	res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{"fieldSplit": map[string]any{}, "childRecordAssignment": assign})
	if len(res.UserErrors) > 0 {
		t.Fatalf("%+v", res.UserErrors)
	}
	// One record of every kind moved; the conversation moved has no messages.
	var want contact.SeparationSummary
	for _, k := range contact.RecordKinds {
		*k.Separated(&want) = 1
	}
	if got := contact.SeparationSummary(*res.Summary); got != want {
		t.Fatalf("summary %+v, want %+v", got, want)
	}
	for _, k := range contact.RecordKinds {
		if n := f.Count(t, `SELECT count(*) FROM `+k.Table+` WHERE id = $1 AND `+k.OwnerColumn+` = $2`, recs[k.Key], *res.NewContactID); n != 1 {
			t.Errorf("%s assigned NEW did not move", k.Key)
		}
		if n := f.Count(t, `SELECT count(*) FROM `+k.Table+` WHERE id = $1 AND `+k.OwnerColumn+` = $2`, keep[k.Key], jane.ID); n != 1 {
			t.Errorf("%s assigned ORIGINAL moved", k.Key)
		}
	}
}

func TestSeparateDryRun(t *testing.T) {
	f, jane, conv, _ := janeFixture(t)
	input := map[string]any{
		"fieldSplit":            map[string]any{"firstName": map[string]any{"original": "Jane", "new": "Janet"}},
		"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
		"dryRun":                true,
	}
	before := f.Snapshot(t)
	dry := f.Separate(t, f.Acct.Token, jane.ID, input)
	f.MustUnchanged(t, before)
	// The would-be contacts are previews: no id of their own, and the real
	// contact fields are null.
	if !dry.DryRun || dry.NewContactID != nil || dry.NewContact != nil || dry.OriginalContact != nil || dry.NewPreview == nil ||
		dry.NewPreview.ContactID != nil || *dry.OriginalPreview.ContactID != jane.ID || *dry.NewPreview.FirstName != "Janet" {
		t.Fatalf("dry run payload %+v", dry)
	}
	input["dryRun"] = false
	real := f.Separate(t, f.Acct.Token, jane.ID, input)
	if *real.Summary != *dry.Summary || *real.NewContact.FirstName != *dry.NewPreview.FirstName ||
		real.OriginalContact.Version != dry.OriginalPreview.Version || real.OriginalPreview != nil || real.NewPreview != nil {
		t.Fatalf("dry run %+v differs from real %+v", dry.Summary, real.Summary)
	}
}

func TestSeparateRejections(t *testing.T) {
	f, jane, conv, msgs := janeFixture(t)
	other := f.MustContact(t, contact.ContactFields{Emails: contact.Some([]string{"other@example.com"}), PhoneNumbers: contact.Some([]string{"+14155550199"})})
	otherConv := f.MustConversation(t, other.ID)
	otherMsgs := f.MustMessages(t, otherConv.ID, 2, time.Now())
	otherAcct := f.MustAccount(t, "Other")
	ctx := context.Background()
	foreignContact, err := f.Main.Store.CreateContact(ctx, contact.Actor{AccountID: otherAcct.AccountID, UserID: otherAcct.UserID}, contact.ContactFields{})
	if err != nil {
		t.Fatal(err)
	}
	none := map[string]any{}
	conversations := func(items ...any) map[string]any { return map[string]any{"conversations": items} }
	ra := func(id, side string) map[string]any { return map[string]any{"id": id, "side": side} }
	for _, tc := range []struct {
		name  string
		id    string
		input map[string]any
		code  string
		field []string
	}{
		{"unknown contact", "7d3c9f1e-0000-4000-8000-000000000000", map[string]any{"fieldSplit": none, "childRecordAssignment": none}, "NOT_FOUND", []string{"id"}},
		{"contact of another account", foreignContact.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none}, "NOT_FOUND", []string{"id"}},
		{"conversation of another contact", jane.ID, map[string]any{"fieldSplit": none,
			"childRecordAssignment": conversations(ra(otherConv.ID, "NEW"))}, "NOT_FOUND",
			[]string{"input", "childRecordAssignment", "conversations", "0", "id"}},
		{"record listed twice", jane.ID, map[string]any{"fieldSplit": none,
			"childRecordAssignment": conversations(ra(conv.ID, "NEW"), ra(conv.ID, "ORIGINAL"))}, "INVALID",
			[]string{"input", "childRecordAssignment", "conversations", "1", "id"}},
		{"divider on the first message", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none,
			"messageDividers": []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[0].ID}}}, "INVALID",
			[]string{"input", "messageDividers", "0", "firstMessageId"}},
		{"divider message from another conversation", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none,
			"messageDividers": []any{map[string]any{"conversationId": conv.ID, "firstMessageId": otherMsgs[1].ID}}}, "NOT_FOUND",
			[]string{"input", "messageDividers", "0", "firstMessageId"}},
		{"two dividers on one conversation", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none,
			"messageDividers": []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[1].ID},
				map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}}}, "INVALID",
			[]string{"input", "messageDividers", "1", "conversationId"}},
		{"meta without divider", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none,
			"newConversationMeta": []any{map[string]any{"conversationId": conv.ID}}}, "INVALID",
			[]string{"input", "newConversationMeta", "0", "conversationId"}},
		{"bad email", jane.ID, map[string]any{"fieldSplit": map[string]any{"email": map[string]any{"new": "not-an-email"}},
			"childRecordAssignment": none}, "INVALID", []string{"input", "fieldSplit", "email", "new"}},
		{"bad phone", jane.ID, map[string]any{"fieldSplit": map[string]any{"phoneNumbers": map[string]any{"new": []any{"555-0101"}}},
			"childRecordAssignment": none}, "INVALID", []string{"input", "fieldSplit", "phoneNumbers", "new", "0"}},
		{"email on both sides", jane.ID, map[string]any{"fieldSplit": map[string]any{"emails": map[string]any{
			"original": []any{"jane@example.com"}, "new": []any{"JANE@example.com"}}}, "childRecordAssignment": none}, "TAKEN",
			[]string{"input", "fieldSplit", "emails", "new", "0"}},
		{"phone of another contact", jane.ID, map[string]any{"fieldSplit": map[string]any{"phoneNumber": map[string]any{
			"new": "+1 415 555 0199"}}, "childRecordAssignment": none}, "TAKEN", []string{"input", "fieldSplit", "phoneNumber", "new"}},
		{"email and emails", jane.ID, map[string]any{"fieldSplit": map[string]any{"email": map[string]any{"new": "a@b.co"},
			"emails": map[string]any{"new": []any{"a@b.co"}}}, "childRecordAssignment": none}, "INVALID",
			[]string{"input", "fieldSplit", "email"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Separate(t, f.Acct.Token, tc.id, tc.input)
			f.MustUnchanged(t, before)
			if len(res.UserErrors) == 0 || res.UserErrors[0].Code != tc.code || !reflect.DeepEqual(res.UserErrors[0].Field, tc.field) {
				t.Fatalf("userErrors = %+v, want %s at %v", res.UserErrors, tc.code, tc.field)
			}
			if res.NewContactID != nil || res.Summary != nil {
				t.Fatalf("rejected call returned results: %+v", res)
			}
		})
	}
	t.Run("agents are forbidden", func(t *testing.T) {
		_, token, err := f.Main.Store.CreateUser(ctx, f.Actor, contact.CreateUserInput{Name: sp("Agent"), Email: sp("agent@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		before := f.Snapshot(t)
		res := f.Post(t, map[string]string{"Authorization": "Bearer " + token}, separateDoc,
			map[string]any{"id": jane.ID, "input": map[string]any{"fieldSplit": none, "childRecordAssignment": none}})
		f.MustUnchanged(t, before)
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "FORBIDDEN" {
			t.Fatalf("errors = %+v", res.Errors)
		}
	})
}

// TestSeparatePlacements checks every placement field and a null StringSplit side.
func TestSeparatePlacements(t *testing.T) {
	f := MustFixture(t)
	ctx := context.Background()
	agent, _, err := f.Main.Store.CreateUser(ctx, f.Actor, contact.CreateUserInput{Name: sp("Agent"), Email: sp("agent@x.com")})
	if err != nil {
		t.Fatal(err)
	}
	c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Jo")), Identifier: contact.Some(sp("ID-1")),
		PipelineID: contact.Some(sp("p1")), PipelineStage: contact.Some(sp("s1")), OutreachConfigID: contact.Some(sp("o1")), Thumbnail: contact.Some(sp("t.png")),
		AssigneeIDs: contact.Some([]string{agent.ID}), AdditionalAttributes: contact.Some(contact.JSONObject{"a": "b"}), Misc: contact.Some(contact.JSONObject{"m": 1}),
		Documents: contact.Some([]contact.Document{{Name: "cv", URL: "https://x/cv"}})})
	res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{
		"fieldSplit": map[string]any{"identifier": map[string]any{"original": nil, "new": "ID-2"},
			"pipelineId": "NEW", "pipelineStage": "BOTH", "outreachConfigId": "ORIGINAL", "thumbnail": "NEW",
			"assignees": "NEW", "additionalAttributes": "NEW", "misc": "BOTH", "documents": "BOTH"},
		"childRecordAssignment": map[string]any{},
	})
	if len(res.UserErrors) > 0 {
		t.Fatal(res.UserErrors)
	}
	type row struct {
		Identifier, PipelineID, PipelineStage, OutreachConfigID, Thumbnail *string
		Assignees, Additional, Misc, Documents                             string
	}
	read := func(id string) row {
		var r row
		if err := f.DB.QueryRow(`SELECT identifier, pipeline_id, pipeline_stage, outreach_config_id, thumbnail,
			assignee_ids::text, additional_attributes::text, misc::text, documents::text FROM contacts WHERE id = $1`, id).Scan(
			&r.Identifier, &r.PipelineID, &r.PipelineStage, &r.OutreachConfigID, &r.Thumbnail, &r.Assignees, &r.Additional, &r.Misc, &r.Documents); err != nil {
			t.Fatal(err)
		}
		return r
	}
	o, n := read(c.ID), read(*res.NewContactID)
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	got := []string{str(o.Identifier), str(n.Identifier), str(o.PipelineID), str(n.PipelineID), str(o.PipelineStage), str(n.PipelineStage),
		str(o.OutreachConfigID), str(n.OutreachConfigID), str(o.Thumbnail), str(n.Thumbnail), o.Assignees, n.Assignees,
		o.Additional, n.Additional, o.Misc, n.Misc, o.Documents, n.Documents}
	want := []string{"<nil>", "ID-2", "<nil>", "p1", "s1", "s1", "o1", "<nil>", "<nil>", "t.png", "{}", "{" + agent.ID + "}",
		"{}", `{"a": "b"}`, `{"m": 1}`, `{"m": 1}`, `[{"url": "https://x/cv", "name": "cv"}]`, `[{"url": "https://x/cv", "name": "cv"}]`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("original/new fields\n got %q\nwant %q", got, want)
	}
}

// TestSeparateNewConversationMeta checks that meta fields apply to the tail
// conversation and the rest is copied, and that the journal records the cut.
func TestSeparateNewConversationMeta(t *testing.T) {
	f, jane, conv, msgs := janeFixture(t)
	ctx := context.Background()
	inbox2, err := f.Main.Store.CreateInbox(ctx, f.Actor, contact.CreateInboxInput{Name: sp("Mail"), ChannelType: sp("email")})
	if err != nil {
		t.Fatal(err)
	}
	res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{
		"fieldSplit": map[string]any{}, "childRecordAssignment": map[string]any{},
		"messageDividers": []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[3].ID}},
		"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, "channel": "sms", "inboxId": inbox2.ID,
			"assigneeIds": []any{f.Acct.UserID}}},
	})
	if len(res.UserErrors) > 0 {
		t.Fatal(res.UserErrors)
	}
	var tail struct {
		ID        string    `db:"id"`
		Channel   string    `db:"channel"`
		InboxID   string    `db:"inbox_id"`
		Status    string    `db:"status"`
		Subject   *string   `db:"subject"`
		Assignees string    `db:"assignees"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := f.DB.Get(&tail, `SELECT id, channel, inbox_id, status, subject, assignee_ids::text AS assignees, created_at
		FROM conversations WHERE contact_id = $1`, *res.NewContactID); err != nil {
		t.Fatal(err)
	}
	if tail.Channel != "sms" || tail.InboxID != inbox2.ID || tail.Status != string(conv.Status) || tail.Assignees != "{"+f.Acct.UserID+"}" ||
		!tail.CreatedAt.Equal(msgs[3].CreatedAt) {
		t.Fatalf("tail conversation %+v", tail)
	}
	var movedRaw json.RawMessage
	if err := f.DB.Get(&movedRaw, `SELECT `+journalMoved+` FROM operation_journal j`); err != nil {
		t.Fatal(err)
	}
	var moved struct {
		Dividers []struct {
			Conv    string `json:"conv"`
			NewConv string `json:"new_conv"`
		} `json:"dividers"`
		TailMessages map[string][]string `json:"tailMessages"`
	}
	if err := json.Unmarshal(movedRaw, &moved); err != nil {
		t.Fatal(err)
	}
	if len(moved.Dividers) != 1 || moved.Dividers[0].Conv != conv.ID || moved.Dividers[0].NewConv != tail.ID ||
		!reflect.DeepEqual(moved.TailMessages[conv.ID], []string{msgs[3].ID}) {
		t.Fatalf("journal %s", movedRaw)
	}
}

// TestSeparateMoreRejections covers the NOT_FOUND and TAKEN rules for every
// record type and for metadata.
func TestSeparateMoreRejections(t *testing.T) {
	f, jane, conv, msgs := janeFixture(t)
	other := f.MustContact(t, contact.ContactFields{Emails: contact.Some([]string{"other@example.com"})})
	otherRecs := f.MustRecords(t, other.ID, "other-src")
	merged := f.MustContact(t, contact.ContactFields{})
	if r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": other.ID, "mergeeContactIds": []any{merged.ID}}); len(r.UserErrors) > 0 {
		t.Fatal(r.UserErrors)
	}
	none := map[string]any{}
	divider := []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}}
	type tc struct {
		name  string
		id    string
		input map[string]any
		code  string
		field []string
	}
	cases := []tc{
		{"merged-away contact", merged.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none}, "NOT_FOUND", []string{"id"}},
		{"malformed contact id", "x", map[string]any{"fieldSplit": none, "childRecordAssignment": none}, "NOT_FOUND", []string{"id"}},
		{"email of another contact", jane.ID, map[string]any{"fieldSplit": map[string]any{"emails": map[string]any{"new": []any{"Other@Example.com"}}},
			"childRecordAssignment": none}, "TAKEN", []string{"input", "fieldSplit", "emails", "new", "0"}},
		{"unknown inbox in meta", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none, "messageDividers": divider,
			"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, "inboxId": other.ID}}}, "NOT_FOUND",
			[]string{"input", "newConversationMeta", "0", "inboxId"}},
		{"unknown assignee in meta", jane.ID, map[string]any{"fieldSplit": none, "childRecordAssignment": none, "messageDividers": divider,
			"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, "assigneeIds": []any{other.ID}}}}, "NOT_FOUND",
			[]string{"input", "newConversationMeta", "0", "assigneeIds", "0"}},
	}
	for kind, id := range otherRecs {
		cases = append(cases, tc{kind + " of another contact", jane.ID, map[string]any{"fieldSplit": none,
			"childRecordAssignment": map[string]any{kind: []any{map[string]any{"id": id, "side": "NEW"}}}}, "NOT_FOUND",
			[]string{"input", "childRecordAssignment", kind, "0", "id"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Separate(t, f.Acct.Token, c.id, c.input)
			f.MustUnchanged(t, before)
			if len(res.UserErrors) == 0 || res.UserErrors[0].Code != c.code || !reflect.DeepEqual(res.UserErrors[0].Field, c.field) {
				t.Fatalf("userErrors = %+v, want %s at %v", res.UserErrors, c.code, c.field)
			}
		})
	}
}
