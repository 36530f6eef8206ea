package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"contactid/contact"
	"contactid/db"
	"contactid/e2e/client"
)

// journalMoved is the SQL of a journal row j's moved document with every
// moved id in it, as format version 1 stored it: the row's own values (a
// separation's newContactId and dividers) and, from
// operation_journal_moves, {"<kind>": {"<previous owner>": [ids…]}}.
const journalMoved = `(j.moved || COALESCE((SELECT jsonb_object_agg(k.kind, k.owners) FROM (
	SELECT mv.kind, jsonb_object_agg(mv.owner_id::text, to_jsonb(mv.ids)) AS owners FROM operation_journal_moves mv
	WHERE mv.account_id = j.account_id AND mv.journal_id = j.id GROUP BY mv.kind) k), '{}'::jsonb))`

// mergeDoc calls mergeContacts with $input.
const mergeDoc = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
	contact { id firstName lastName identifier status blocked emails phoneNumbers labels customAttributes misc
		documents { name url } version mergedContactIds }
	mergedContactIds dryRun
	summary { conversationsMoved messagesReassigned contactInboxesMoved applicationsMoved notesMoved
		remindersMoved trainingSnapshotsMoved labelsAdded }
	userErrors { field message code } } }`

// mergeContact is the survivor as mergeDoc selects it.
type mergeContact struct {
	ID               string           `json:"id"`
	ContactID        *string          `json:"contactId"` // of a preview
	FirstName        *string          `json:"firstName"`
	LastName         *string          `json:"lastName"`
	Identifier       *string          `json:"identifier"`
	Status           *string          `json:"status"`
	Blocked          bool             `json:"blocked"`
	Emails           []string         `json:"emails"`
	PhoneNumbers     []string         `json:"phoneNumbers"`
	Labels           []string         `json:"labels"`
	CustomAttributes map[string]any   `json:"customAttributes"`
	Misc             map[string]any   `json:"misc"`
	Documents        []map[string]any `json:"documents"`
	Version          int              `json:"version"`
	MergedContactIDs []string         `json:"mergedContactIds"`
}

// mergeSummary is MergeSummary as mergeDoc selects it.
type mergeSummary struct {
	ConversationsMoved, MessagesReassigned, ContactInboxesMoved, ApplicationsMoved int
	NotesMoved, RemindersMoved, TrainingSnapshotsMoved, LabelsAdded                int
}

// mergePayload is mergeContacts' payload as mergeDoc selects it.
type mergePayload struct {
	Contact          *mergeContact `json:"contact"`
	Preview          *mergeContact `json:"preview"`
	MergedContactIDs []string      `json:"mergedContactIds"`
	DryRun           bool          `json:"dryRun"`
	Summary          *mergeSummary `json:"summary"`
	UserErrors       []userError   `json:"userErrors"`
}

// Merge calls mergeContacts as token, through the typed client.
func (f *fixture) Merge(tb testing.TB, token string, input map[string]any) mergePayload {
	tb.Helper()
	res := f.typedMerge(tb, token, convert[client.MergeContactsInput](tb, input))
	return convert[mergePayload](tb, res.MergeContacts)
}

// The support inbox's own merge scenario.
func TestMergeInboxScenario(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{Identifier: contact.Some(sp("base_contact")), Emails: contact.Some([]string{"old@old.com"}),
		CustomAttributes: contact.Some(contact.JSONObject{"val_test": "old", "val_empty_old": ""})})
	mergee := f.MustContact(t, contact.ContactFields{Emails: contact.Some([]string{"new@new.com"}), PhoneNumbers: contact.Some([]string{"+14155550199"}),
		CustomAttributes: contact.Some(contact.JSONObject{"val_test": "new", "val_new": "new", "val_empty_new": ""})})
	start := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		f.MustConversation(t, base.ID)
	}
	mc := []contact.Conversation{f.MustConversation(t, mergee.ID), f.MustConversation(t, mergee.ID)}
	f.MustMessages(t, mc[0].ID, 1, start)
	f.MustMessages(t, mc[1].ID, 1, start)
	for i := 0; i < 2; i++ {
		if _, err := f.Main.Store.CreateContactNote(context.Background(), f.Actor, mergee.ID, sp("note")); err != nil {
			t.Fatal(err)
		}
	}
	res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{mergee.ID}})
	if len(res.UserErrors) > 0 {
		t.Fatalf("%+v", res.UserErrors)
	}
	c := res.Contact
	if *c.Identifier != "base_contact" || !reflect.DeepEqual(c.Emails, []string{"old@old.com", "new@new.com"}) ||
		!reflect.DeepEqual(c.PhoneNumbers, []string{"+14155550199"}) {
		t.Fatalf("survivor %+v", c)
	}
	wantAttrs := map[string]any{"val_test": "old", "val_new": "new", "val_empty_old": "", "val_empty_new": ""}
	if !reflect.DeepEqual(c.CustomAttributes, wantAttrs) {
		t.Fatalf("customAttributes = %v, want %v", c.CustomAttributes, wantAttrs)
	}
	if n := f.Count(t, `SELECT count(*) FROM conversations WHERE contact_id = $1`, base.ID); n != 4 {
		t.Fatalf("base has %d conversations, want 4", n)
	}
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE sender_contact_id = $1`, base.ID); n != 2 {
		t.Fatalf("%d messages sent by the base, want 2", n)
	}
	if n := f.Count(t, `SELECT count(*) FROM contact_notes WHERE contact_id = $1`, base.ID); n != 2 {
		t.Fatalf("base has %d notes, want 2", n)
	}
	want := mergeSummary{ConversationsMoved: 2, MessagesReassigned: 2, NotesMoved: 2}
	if *res.Summary != want || !reflect.DeepEqual(res.MergedContactIDs, []string{mergee.ID}) || c.Version != 2 {
		t.Fatalf("summary %+v merged %v version %d", *res.Summary, res.MergedContactIDs, c.Version)
	}
	if n := f.Count(t, `SELECT count(*) FROM contacts WHERE id = $1`, mergee.ID); n != 0 {
		t.Fatal("mergee row still exists")
	}
	var j struct {
		Before json.RawMessage `db:"before_images"`
		Moved  json.RawMessage `db:"moved"`
	}
	if err := f.DB.Get(&j, `SELECT before_images, `+journalMoved+` AS moved FROM operation_journal j WHERE kind = 'MERGE'`); err != nil {
		t.Fatal(err)
	}
	var moved map[string]map[string][]string // kind → previous owner → ids
	json.Unmarshal(j.Moved, &moved)          //nolint:errcheck // checked below
	if len(moved["conversations"][mergee.ID]) != 2 || len(moved["messages"][mergee.ID]) != 2 || len(moved["contactNotes"][mergee.ID]) != 2 {
		t.Fatalf("journal moved = %s", j.Moved)
	}
	var before struct {
		Base    struct{ ID string }
		Mergees []struct{ ID string }
	}
	json.Unmarshal(j.Before, &before) //nolint:errcheck // checked below
	if before.Base.ID != base.ID || len(before.Mergees) != 1 || before.Mergees[0].ID != mergee.ID {
		t.Fatalf("journal before-images = %s", j.Before)
	}
}

func TestMergeFieldRules(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base")), Labels: contact.Some([]string{"a"}),
		Emails:           contact.Some([]string{"b1@x.com", "b2@x.com"}),
		CustomAttributes: contact.Some(contact.JSONObject{"nested": map[string]any{"x": 1, "keep": "base"}, "scalar": "base"}),
		Documents:        contact.Some([]contact.Document{{Name: "cv", URL: "https://x/cv"}})})
	m1 := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M1")), LastName: contact.Some(sp("One")), Status: contact.Some(sp("lead")),
		Labels: contact.Some([]string{"a", "b"}), Emails: contact.Some([]string{"m1@x.com"}), Blocked: contact.Some(ptrTo(true)),
		CustomAttributes: contact.Some(contact.JSONObject{"nested": map[string]any{"y": 2, "keep": "m1"}, "scalar": map[string]any{"o": 1}, "only1": 1}),
		Documents:        contact.Some([]contact.Document{{Name: "cv", URL: "https://x/cv"}, {Name: "id", URL: "https://x/id"}})})
	m2 := f.MustContact(t, contact.ContactFields{LastName: contact.Some(sp("Two")), Identifier: contact.Some(sp("id-2")), Labels: contact.Some([]string{"c"}),
		CustomAttributes: contact.Some(contact.JSONObject{"only1": 2, "only2": 2, "nested": map[string]any{"y": 3, "z": 3}})})
	res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m1.ID, m2.ID, base.ID},
		"fieldChoices": []any{map[string]any{"field": "FIRST_NAME", "contactId": m1.ID}, map[string]any{"field": "BLOCKED", "contactId": m1.ID}}})
	if len(res.UserErrors) > 0 {
		t.Fatalf("%+v", res.UserErrors)
	}
	c := res.Contact
	// The base has a name, so its (missing) last name stays: FIRST_NAME picks only the first part.
	if *c.FirstName != "M1" || c.LastName != nil || *c.Identifier != "id-2" || *c.Status != "lead" || !c.Blocked {
		t.Fatalf("scalars: first=%v last=%v ident=%v status=%v blocked=%v", *c.FirstName, c.LastName, *c.Identifier, *c.Status, c.Blocked)
	}
	if !reflect.DeepEqual(c.Labels, []string{"a", "b", "c"}) || res.Summary.LabelsAdded != 2 {
		t.Fatalf("labels %v added %d", c.Labels, res.Summary.LabelsAdded)
	}
	if !reflect.DeepEqual(c.Emails, []string{"b1@x.com", "b2@x.com", "m1@x.com"}) || len(c.Documents) != 2 {
		t.Fatalf("emails %v documents %v", c.Emails, c.Documents)
	}
	want := map[string]any{"nested": map[string]any{"x": 1.0, "keep": "base", "y": 2.0, "z": 3.0}, "scalar": "base", "only1": 1.0, "only2": 2.0}
	if !reflect.DeepEqual(c.CustomAttributes, want) {
		t.Fatalf("customAttributes = %v, want %v", c.CustomAttributes, want)
	}
	if !reflect.DeepEqual(res.MergedContactIDs, []string{m1.ID, m2.ID}) {
		t.Fatalf("mergedContactIds %v", res.MergedContactIDs)
	}
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }

func TestMergeRedirects(t *testing.T) {
	f := MustFixture(t)
	a := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("A"))})
	b := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("B"))})
	c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("C"))})
	if r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": a.ID, "mergeeContactIds": []any{b.ID}}); len(r.UserErrors) > 0 {
		t.Fatalf("%+v", r.UserErrors)
	}
	if r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": c.ID, "mergeeContactIds": []any{a.ID}}); len(r.UserErrors) > 0 {
		t.Fatalf("%+v", r.UserErrors)
	}
	for _, old := range []string{a.ID, b.ID} {
		var got struct {
			Contact *struct {
				ID               string   `json:"id"`
				MergedContactIDs []string `json:"mergedContactIds"`
			} `json:"contact"`
		}
		f.Do(t, f.Acct.Token, `query($id: ID!) { contact(id: $id) { id mergedContactIds } }`, map[string]any{"id": old}, &got)
		if got.Contact == nil || got.Contact.ID != c.ID || len(got.Contact.MergedContactIDs) != 2 {
			t.Fatalf("contact(%s) = %+v, want survivor %s with two merged ids", old, got.Contact, c.ID)
		}
	}
	t.Run("mutations do not follow redirects", func(t *testing.T) {
		before := f.Snapshot(t)
		var out struct {
			UpdateContact struct{ UserErrors []userError } `json:"updateContact"`
		}
		f.Do(t, f.Acct.Token, `mutation($id: ID!) { updateContact(id: $id, input: {firstName: "x"}) { userErrors { field code message } } }`,
			map[string]any{"id": b.ID}, &out)
		r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": c.ID, "mergeeContactIds": []any{b.ID}})
		f.MustUnchanged(t, before)
		if len(out.UpdateContact.UserErrors) != 1 || out.UpdateContact.UserErrors[0].Code != "NOT_FOUND" ||
			len(r.UserErrors) != 1 || r.UserErrors[0].Code != "NOT_FOUND" {
			t.Fatalf("update %+v merge %+v", out.UpdateContact.UserErrors, r.UserErrors)
		}
	})
}

func TestMergeOnlyBase(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base"))})
	before := f.Snapshot(t)
	r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{base.ID}})
	f.MustUnchanged(t, before)
	if len(r.UserErrors) > 0 || r.Contact.ID != base.ID || *r.Summary != (mergeSummary{}) || len(r.MergedContactIDs) != 0 || r.Contact.Version != 1 {
		t.Fatalf("%+v", r)
	}
}

func TestMergeDryRun(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{Labels: contact.Some([]string{"x"})})
	m := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M")), Labels: contact.Some([]string{"y"})})
	conv := f.MustConversation(t, m.ID)
	f.MustMessages(t, conv.ID, 3, time.Now())
	input := map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}, "dryRun": true}
	before := f.Snapshot(t)
	dry := f.Merge(t, f.Acct.Token, input)
	f.MustUnchanged(t, before)
	input["dryRun"] = false
	real := f.Merge(t, f.Acct.Token, input)
	if !dry.DryRun || real.DryRun || *dry.Summary != *real.Summary || *dry.Preview.FirstName != "M" ||
		!reflect.DeepEqual(dry.Preview.Labels, real.Contact.Labels) || dry.Summary.MessagesReassigned != 2 {
		t.Fatalf("dry %+v %+v real %+v %+v", dry.Preview, dry.Summary, real.Contact, real.Summary)
	}
	// The preview has no id of its own (caches cannot take it for the
	// contact), names the contact it previews, and the real fields are null.
	if dry.Contact != nil || dry.Preview.ID != "" || *dry.Preview.ContactID != base.ID || real.Preview != nil || real.Contact.ID != base.ID {
		t.Fatalf("dry contact %+v preview %+v; real preview %+v", dry.Contact, dry.Preview, real.Preview)
	}
}

func TestMergeByAgent(t *testing.T) {
	f := MustFixture(t)
	_, token, err := f.Main.Store.CreateUser(context.Background(), f.Actor, contact.CreateUserInput{Name: sp("Agent"), Email: sp("agent@x.com")})
	if err != nil {
		t.Fatal(err)
	}
	base, m := f.MustContact(t, contact.ContactFields{}), f.MustContact(t, contact.ContactFields{})
	if r := f.Merge(t, token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}}); len(r.UserErrors) > 0 || len(r.MergedContactIDs) != 1 {
		t.Fatalf("agent merge: %+v", r)
	}
}

func TestMergeRejections(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{})
	m := f.MustContact(t, contact.ContactFields{})
	gone := f.MustContact(t, contact.ContactFields{})
	if r := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{gone.ID}}); len(r.UserErrors) > 0 {
		t.Fatal(r.UserErrors)
	}
	other := f.MustAccount(t, "Other")
	foreign, err := f.Main.Store.CreateContact(context.Background(), contact.Actor{AccountID: other.AccountID, UserID: other.UserID}, contact.ContactFields{})
	if err != nil {
		t.Fatal(err)
	}
	unknown := "5f0c2d4e-1111-4222-8333-444455556666"
	many := []any{}
	for i := 0; i < 21; i++ {
		many = append(many, f.MustContact(t, contact.ContactFields{}).ID)
	}
	for _, tc := range []struct {
		name  string
		input map[string]any
		code  string
		field []string
	}{
		{"unknown base", map[string]any{"baseContactId": unknown, "mergeeContactIds": []any{m.ID}}, "NOT_FOUND", []string{"input", "baseContactId"}},
		{"unknown mergee", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID, unknown}}, "NOT_FOUND", []string{"input", "mergeeContactIds", "1"}},
		{"foreign mergee", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{foreign.ID}}, "NOT_FOUND", []string{"input", "mergeeContactIds", "0"}},
		{"foreign base", map[string]any{"baseContactId": foreign.ID, "mergeeContactIds": []any{m.ID}}, "NOT_FOUND", []string{"input", "baseContactId"}},
		{"merged-away mergee", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{gone.ID}}, "NOT_FOUND", []string{"input", "mergeeContactIds", "0"}},
		{"malformed id", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{"nope"}}, "NOT_FOUND", []string{"input", "mergeeContactIds", "0"}},
		{"duplicate mergee", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID, m.ID}}, "INVALID", []string{"input", "mergeeContactIds", "1"}},
		{"too many mergees", map[string]any{"baseContactId": base.ID, "mergeeContactIds": many}, "INVALID", []string{"input", "mergeeContactIds"}},
		{"empty list", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{}}, "INVALID", []string{"input", "mergeeContactIds"}},
		{"choice outside the merge", map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID},
			"fieldChoices": []any{map[string]any{"field": "STATUS", "contactId": gone.ID}}}, "INVALID", []string{"input", "fieldChoices", "0", "contactId"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Snapshot(t)
			r := f.Merge(t, f.Acct.Token, tc.input)
			f.MustUnchanged(t, before)
			if len(r.UserErrors) == 0 || r.UserErrors[0].Code != tc.code || !reflect.DeepEqual(r.UserErrors[0].Field, tc.field) {
				t.Fatalf("userErrors = %+v, want %s at %v", r.UserErrors, tc.code, tc.field)
			}
			if r.Contact != nil || r.Summary != nil {
				t.Fatalf("rejected merge returned results: %+v", r)
			}
		})
	}
}

// TestMergeConcurrent merges overlapping contacts from many goroutines at
// once: no client sees a deadlock or internal error, every child record ends
// up owned by exactly one live contact, and no record is lost.
func TestMergeConcurrent(t *testing.T) {
	f := MustFixture(t)
	const contacts, workers, rounds = 12, 8, 6
	ids := make([]string, contacts)
	for i := range ids {
		c := f.MustContact(t, contact.ContactFields{Labels: contact.Some([]string{fmt.Sprint("l", i)}),
			Emails:       contact.Some([]string{fmt.Sprintf("c%d@x.com", i), fmt.Sprintf("c%d-2@x.com", i)}),
			PhoneNumbers: contact.Some([]string{fmt.Sprintf("+1415555%04d", i)})})
		ids[i] = c.ID
		conv := f.MustConversation(t, c.ID)
		f.MustMessages(t, conv.ID, 3, time.Now())
		f.MustRecords(t, c.ID, fmt.Sprint("src", i))
	}
	tables := []string{"messages", "contact_emails", "contact_phone_numbers"}
	for _, k := range contact.RecordKinds {
		tables = append(tables, k.Table)
	}
	countAll := func() []int {
		var n []int
		for _, table := range tables {
			n = append(n, f.Count(t, `SELECT count(*) FROM `+table))
		}
		return n
	}
	before := countAll()
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, seed))
			for r := 0; r < rounds; r++ {
				i, j, k := rng.IntN(contacts), rng.IntN(contacts), rng.IntN(contacts)
				res := f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, mergeDoc,
					map[string]any{"input": map[string]any{"baseContactId": ids[i], "mergeeContactIds": []any{ids[j], ids[k]}}})
				if len(res.Errors) > 0 {
					errs <- fmt.Sprint(res.Errors)
				}
			}
		}(uint64(w + 1))
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("client saw a top-level error: %s", e)
	}
	if after := countAll(); !reflect.DeepEqual(after, before) {
		t.Fatalf("record counts of %v changed: %v → %v", tables, before, after)
	}
	for _, k := range contact.RecordKinds {
		if n := f.Count(t, `SELECT count(*) FROM `+k.Table+` t WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = t.`+k.OwnerColumn+`)`); n != 0 {
			t.Errorf("%d %s owned by no live contact", n, k.Table)
		}
	}
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE sender_type = 'CONTACT' AND sender_contact_id IS NULL`); n != 0 {
		t.Errorf("%d contact messages lost their sender", n)
	}
	live := f.Count(t, `SELECT count(*) FROM contacts`)
	redirects := f.Count(t, `SELECT count(*) FROM contact_redirects`)
	if live+redirects != contacts {
		t.Errorf("live %d + redirects %d != %d contacts", live, redirects, contacts)
	}
}

// TestMergeAllRecordTypes merges two mergees owning one record of every kind
// and checks the database, the summary and the journal, which keeps each
// moved id under its previous owner.
func TestMergeAllRecordTypes(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{})
	m1 := f.MustContact(t, contact.ContactFields{})
	m2 := f.MustContact(t, contact.ContactFields{})
	recs := map[string]map[string]string{m1.ID: f.MustRecords(t, m1.ID, "s1"), m2.ID: f.MustRecords(t, m2.ID, "s2")}
	lastSeen := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f.MustMessages(t, recs[m2.ID][contact.ConversationKind.Key], 1, lastSeen)
	res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m1.ID, m2.ID}})
	if len(res.UserErrors) > 0 {
		t.Fatal(res.UserErrors)
	}
	// Two records of every kind moved (one from each mergee), and m2's message.
	want := contact.MergeSummary{MessagesReassigned: 1}
	for _, k := range contact.RecordKinds {
		*k.Merged(&want) = 2
	}
	if got := contact.MergeSummary(*res.Summary); got != want {
		t.Fatalf("summary %+v, want %+v", got, want)
	}
	var movedRaw json.RawMessage
	if err := f.DB.Get(&movedRaw, `SELECT `+journalMoved+` FROM operation_journal j`); err != nil {
		t.Fatal(err)
	}
	var moved map[string]map[string][]string
	if err := json.Unmarshal(movedRaw, &moved); err != nil {
		t.Fatal(err)
	}
	for owner, byKind := range recs {
		for _, k := range contact.RecordKinds {
			id := byKind[k.Key]
			if n := f.Count(t, `SELECT count(*) FROM `+k.Table+` WHERE id = $1 AND `+k.OwnerColumn+` = $2`, id, base.ID); n != 1 {
				t.Errorf("%s %s did not move to the base", k.Key, id)
			}
			if !reflect.DeepEqual(moved[k.Key][owner], []string{id}) {
				t.Errorf("journal %s[%s] = %v, want [%s]", k.Key, owner, moved[k.Key][owner], id)
			}
		}
	}
	var last time.Time
	if err := f.DB.Get(&last, `SELECT last_activity_at FROM contacts WHERE id = $1`, base.ID); err != nil || !last.Equal(lastSeen) {
		t.Fatalf("survivor lastActivityAt = %v (%v), want %v", last, err, lastSeen)
	}
}

// TestMergeReadsAfterLocking holds the base's row lock in another
// transaction that adds an email, so the merge has to wait; once that
// transaction commits, the merge must build the survivor from the
// committed addresses, not from what it saw before waiting.
func TestMergeReadsAfterLocking(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{Emails: contact.Some([]string{"base@x.com"})})
	m := f.MustContact(t, contact.ContactFields{Emails: contact.Some([]string{"m@x.com"}), PhoneNumbers: contact.Some([]string{"+14155550123"})})
	tx, err := f.DB.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // committed below
	if _, err := tx.Exec(`SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE`, base.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO contact_emails (account_id, email, contact_id, position) VALUES ($1, 'late@x.com', $2, 1)`,
		f.Acct.AccountID, base.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan mergePayload, 1)
	go func() {
		done <- f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}})
	}()
	time.Sleep(300 * time.Millisecond) // let the merge block on the lock
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if len(res.UserErrors) > 0 {
		t.Fatal(res.UserErrors)
	}
	want := []string{"base@x.com", "late@x.com", "m@x.com"}
	if !reflect.DeepEqual(res.Contact.Emails, want) || !reflect.DeepEqual(res.Contact.PhoneNumbers, []string{"+14155550123"}) {
		t.Fatalf("survivor emails %v phones %v, want %v and the mergee's phone", res.Contact.Emails, res.Contact.PhoneNumbers, want)
	}
	if n := f.Count(t, `SELECT count(*) FROM contact_emails WHERE contact_id = $1`, base.ID); n != 3 {
		t.Fatalf("base has %d email rows, want 3", n)
	}
}

// TestMergeEventAfterCommit checks that the merged event fires once, after
// the data is committed, and lists every id involved.
func TestMergeEventAfterCommit(t *testing.T) {
	f := MustFixture(t)
	base, m := f.MustContact(t, contact.ContactFields{}), f.MustContact(t, contact.ContactFields{})
	var events []db.Event
	var committed []bool
	f.Main.Store.OnEvent(func(ctx context.Context, e db.Event) {
		var n int
		f.DB.Get(&n, `SELECT count(*) FROM contacts WHERE id = $1`, m.ID) //nolint:errcheck // n stays 0 on error
		committed = append(committed, n == 0)
		events = append(events, e)
	})
	f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}, "dryRun": true})
	f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}})
	if len(events) != 1 || events[0].Kind != "contacts.merged" || !reflect.DeepEqual(events[0].ContactIDs, []string{base.ID, m.ID}) ||
		!committed[0] || events[0].ActorID != f.Acct.UserID {
		t.Fatalf("events %+v committed %v", events, committed)
	}
}

// TestDryRunPreviewsNestedFields checks that a dry run's payload equals the
// real call's, nested connections included, for merge and separate alike,
// and that a later field of the same request does not see the preview.
func TestDryRunPreviewsNestedFields(t *testing.T) {
	f := MustFixture(t)
	base := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base"))})
	m := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M"))})
	conv := f.MustConversation(t, m.ID)
	f.MustMessages(t, conv.ID, 2, time.Now())
	f.MustRecords(t, m.ID, "m-src")
	// The dry run selects the previews, the real call the contacts, under
	// the same aliases: both answers must be the same.
	const nested = `firstName conversations { totalCount nodes { id messages { totalCount } } }
		notes { totalCount } applications { totalCount } contactInboxes { totalCount nodes { sourceId } }`
	docs := map[bool]string{true: `preview { id: contactId `, false: `contact { id `}
	run := func(dry bool) (json.RawMessage, json.RawMessage) {
		var out struct {
			MergeContacts json.RawMessage `json:"mergeContacts"`
			After         json.RawMessage `json:"after"`
		}
		mergeDoc := `mutation($in: MergeContactsInput!, $base: ID!) {
			mergeContacts(input: $in) { survivor: ` + docs[dry] + nested + ` } }
			after: updateContact(id: $base, input: {}) { contact { conversations { totalCount } } userErrors { code } } }`
		f.Do(t, f.Acct.Token, mergeDoc, map[string]any{"base": base.ID,
			"in": map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}, "dryRun": dry}}, &out)
		return out.MergeContacts, out.After
	}
	dry, afterDry := run(true)
	real, _ := run(false)
	if string(dry) != string(real) {
		t.Fatalf("dry run payload\n%s\ndiffers from the real one\n%s", dry, real)
	}
	if !json.Valid(afterDry) || string(afterDry) != `{"contact":{"conversations":{"totalCount":0}},"userErrors":[]}` {
		t.Fatalf("the field after the dry run saw %s, want the unchanged base", afterDry)
	}

	t.Run("separate", func(t *testing.T) {
		conv2 := f.MustConversation(t, base.ID)
		msgs := f.MustMessages(t, conv2.ID, 3, time.Now())
		doc := func(dry bool) string {
			original, created := `o: originalContact { id `, `n: newContact {`
			if dry {
				original, created = `o: originalPreview { id: contactId `, `n: newPreview {`
			}
			return `mutation($id: ID!, $in: SeparateContactInput!) { separateContact(id: $id, input: $in) {
			` + original + nested + ` } ` + created + ` firstName conversations { totalCount nodes { messages { totalCount } } }
			notes { totalCount } } summary { conversationsMoved messagesReassigned conversationsCreated } } }`
		}
		in := map[string]any{"fieldSplit": map[string]any{"firstName": map[string]any{"original": "Base", "new": "Other"}},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
			"messageDividers":       []any{map[string]any{"conversationId": conv2.ID, "firstMessageId": msgs[1].ID}}}
		var dry, real struct {
			SeparateContact json.RawMessage `json:"separateContact"`
		}
		in["dryRun"] = true
		f.Do(t, f.Acct.Token, doc(true), map[string]any{"id": base.ID, "in": in}, &dry)
		in["dryRun"] = false
		f.Do(t, f.Acct.Token, doc(false), map[string]any{"id": base.ID, "in": in}, &real)
		if string(dry.SeparateContact) != string(real.SeparateContact) {
			t.Fatalf("dry run payload\n%s\ndiffers from the real one\n%s", dry.SeparateContact, real.SeparateContact)
		}
	})
}
