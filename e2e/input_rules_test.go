package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"contactid/app/apptest"
	"contactid/contact"
)

// storedList reads one of a contact's stored lists straight from the
// database: "emails" and "phones" in position order, "labels" in order.
func (f *fixture) storedList(tb testing.TB, list, contactID string) []string {
	tb.Helper()
	query := map[string]string{
		"emails": `SELECT email FROM contact_emails WHERE contact_id = $1 ORDER BY position`,
		"phones": `SELECT phone_number FROM contact_phone_numbers WHERE contact_id = $1 ORDER BY position`,
		"labels": `SELECT unnest(labels) FROM contacts WHERE id = $1`,
	}[list]
	out := []string{}
	if err := f.DB.Select(&out, query, contactID); err != nil {
		tb.Fatalf("read %s: %v", list, err)
	}
	return out
}

// TestInputRulesSeparateKeepsValues checks that a separation never loses an
// address or a label: what the field split does not place stays on the
// original, and the one-value shortcuts place only their value.
func TestInputRulesSeparateKeepsValues(t *testing.T) {
	const p, q, r = "+14155550101", "+14155550102", "+14155550103"
	for _, tc := range []struct {
		name        string
		split       map[string]any
		list        string // which stored list to check
		orig, newer []string
	}{
		{"phoneNumber to the new contact keeps the others on the original", map[string]any{"phoneNumber": map[string]any{"original": nil, "new": p}},
			"phones", []string{q, r}, []string{p}},
		{"phoneNumber on both sides keeps the third number", map[string]any{"phoneNumber": map[string]any{"original": p, "new": "+1 415 555 0102"}},
			"phones", []string{p, r}, []string{q}},
		{"phoneNumber with a new value for the original adds it", map[string]any{"phoneNumber": map[string]any{"original": "+14155550199"}},
			"phones", []string{"+14155550199", p, q, r}, []string{}},
		{"phoneNumbers list keeps unplaced numbers", map[string]any{"phoneNumbers": map[string]any{"original": []any{r}, "new": []any{q}}},
			"phones", []string{r, p}, []string{q}},
		{"email to the new contact keeps the others", map[string]any{"email": map[string]any{"new": "B@x.com"}},
			"emails", []string{"a@x.com", "c@x.com"}, []string{"b@x.com"}},
		{"emails list keeps unplaced addresses", map[string]any{"emails": map[string]any{"new": []any{"c@x.com"}}},
			"emails", []string{"a@x.com", "b@x.com"}, []string{"c@x.com"}},
		{"labels keep unplaced labels", map[string]any{"labels": map[string]any{"original": []any{"z"}, "new": []any{"y", "new"}}},
			"labels", []string{"z", "x"}, []string{"y", "new"}},
		{"labels on both sides", map[string]any{"labels": map[string]any{"original": []any{"x"}, "new": []any{"x"}}},
			"labels", []string{"x", "y", "z"}, []string{"x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := MustFixture(t)
			c := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Jo")), PhoneNumbers: contact.Some([]string{p, q, r}),
				Emails: contact.Some([]string{"a@x.com", "b@x.com", "c@x.com"}), Labels: contact.Some([]string{"x", "y", "z"})})
			// A name for the new contact, so that no case is an empty separation.
			tc.split["firstName"] = map[string]any{"original": "Jo", "new": "Janet"}
			res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{"fieldSplit": tc.split, "childRecordAssignment": map[string]any{}})
			if len(res.UserErrors) > 0 || res.NewContactID == nil {
				t.Fatalf("separate failed: %+v", res.UserErrors)
			}
			apptest.MustEqual(t, "original's "+tc.list, f.storedList(t, tc.list, c.ID), tc.orig)
			apptest.MustEqual(t, "new contact's "+tc.list, f.storedList(t, tc.list, *res.NewContactID), tc.newer)
			// Lists the split does not name stay whole on the original.
			for _, l := range []string{"phones", "emails", "labels"} {
				if l == tc.list {
					continue
				}
				if o := f.storedList(t, l, c.ID); len(o) != 3 {
					t.Errorf("original's %s = %v, want all three kept", l, o)
				}
			}
		})
	}
}

// TestInputRulesMergeName checks that a merge takes a name as one unit: the
// base keeps both parts when it has either, otherwise the first mergee with
// a name gives both; fieldChoices NAME, FIRST_NAME and LAST_NAME override.
func TestInputRulesMergeName(t *testing.T) {
	type name struct{ first, last string } // "" is no value
	for _, tc := range []struct {
		name    string
		base    name
		mergees []name
		choices []any // {field, index}: 0 is the base, i the i-th mergee
		want    name
	}{
		{"base first name keeps its missing last name", name{"Jane", ""}, []name{{"Janet", "Smith"}}, nil, name{"Jane", ""}},
		{"base last name keeps its missing first name", name{"", "Doe"}, []name{{"Janet", "Smith"}}, nil, name{"", "Doe"}},
		{"nameless base takes the first named mergee", name{}, []name{{}, {"Janet", ""}, {"Ann", "Lee"}}, nil, name{"Janet", ""}},
		{"nameless base and mergees", name{}, []name{{}, {}}, nil, name{}},
		{"NAME takes both parts", name{"Jane", "Doe"}, []name{{"Janet", ""}}, []any{[]any{"NAME", 1}}, name{"Janet", ""}},
		{"LAST_NAME overrides NAME", name{"Jane", "Doe"}, []name{{"Janet", "Smith"}}, []any{[]any{"NAME", 1}, []any{"LAST_NAME", 0}},
			name{"Janet", "Doe"}},
		{"FIRST_NAME alone keeps the base's last name", name{"Jane", ""}, []name{{"Janet", "Smith"}}, []any{[]any{"FIRST_NAME", 1}},
			name{"Janet", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := MustFixture(t)
			mk := func(n name) string {
				fields := contact.ContactFields{}
				if n.first != "" {
					fields.FirstName = contact.Some(sp(n.first))
				}
				if n.last != "" {
					fields.LastName = contact.Some(sp(n.last))
				}
				return f.MustContact(t, fields).ID
			}
			ids := []string{mk(tc.base)}
			mergees := []any{}
			for _, m := range tc.mergees {
				ids = append(ids, mk(m))
				mergees = append(mergees, ids[len(ids)-1])
			}
			choices := []any{}
			for _, c := range tc.choices {
				c := c.([]any)
				choices = append(choices, map[string]any{"field": c[0], "contactId": ids[c[1].(int)]})
			}
			res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": ids[0], "mergeeContactIds": mergees, "fieldChoices": choices})
			if len(res.UserErrors) > 0 {
				t.Fatalf("merge failed: %+v", res.UserErrors)
			}
			var got struct {
				First *string `db:"first_name"`
				Last  *string `db:"last_name"`
			}
			if err := f.DB.Get(&got, `SELECT first_name, last_name FROM contacts WHERE id = $1`, ids[0]); err != nil {
				t.Fatal(err)
			}
			str := func(p *string) string {
				if p == nil {
					return ""
				}
				return *p
			}
			apptest.MustEqual(t, "stored name", name{str(got.First), str(got.Last)}, tc.want)
			apptest.MustEqual(t, "returned name", name{str(res.Contact.FirstName), str(res.Contact.LastName)}, tc.want)
		})
	}
	t.Run("NAME chosen twice is INVALID", func(t *testing.T) {
		f := MustFixture(t)
		base, m := f.MustContact(t, contact.ContactFields{}), f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("M"))})
		before := f.Snapshot(t)
		res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID,
			"mergeeContactIds": []any{m.ID}, "fieldChoices": []any{map[string]any{"field": "NAME", "contactId": m.ID},
				map[string]any{"field": "NAME", "contactId": base.ID}}})
		f.MustUnchanged(t, before)
		MustUserError(t, res.UserErrors, "INVALID", "input", "fieldChoices", "1", "field")
		if res.Contact != nil || res.Summary != nil {
			t.Fatalf("rejected merge returned results: %+v", res)
		}
	})
}

// TestInputRulesIdentifierUnique checks that an identifier belongs to at
// most one contact of an account: creates, updates and separations that
// would share one are TAKEN at the input path and write nothing, and a
// merge whose surviving identifier came from a mergee succeeds.
func TestInputRulesIdentifierUnique(t *testing.T) {
	f := MustFixture(t)
	holder := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Holder")), Identifier: contact.Some(sp("ext-1"))})
	other := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Other")), Identifier: contact.Some(sp("ext-2"))})
	split := func(identifier map[string]any) map[string]any {
		return map[string]any{"id": other.ID, "input": map[string]any{"childRecordAssignment": map[string]any{},
			"fieldSplit": map[string]any{"identifier": identifier, "firstName": map[string]any{"original": "Other", "new": "New"}}}}
	}
	for _, tc := range []struct {
		name  string
		doc   string
		vars  map[string]any
		field []string
	}{
		{"createContact", createContactDoc, map[string]any{"input": map[string]any{"identifier": "ext-1"}}, []string{"input", "identifier"}},
		{"createContact trims before comparing", createContactDoc, map[string]any{"input": map[string]any{"identifier": " ext-1 "}},
			[]string{"input", "identifier"}},
		{"updateContact", updateContactDoc, map[string]any{"id": other.ID, "input": map[string]any{"identifier": "ext-1"}},
			[]string{"input", "identifier"}},
		{"separateContact gives both sides one identifier", separateDoc, split(map[string]any{"original": "ext-2", "new": "ext-2"}),
			[]string{"input", "fieldSplit", "identifier", "new"}},
		{"separateContact gives the new contact a taken identifier", separateDoc, split(map[string]any{"original": "ext-2", "new": "ext-1"}),
			[]string{"input", "fieldSplit", "identifier", "new"}},
		{"separateContact gives the original a taken identifier", separateDoc, split(map[string]any{"original": "ext-1", "new": "ext-3"}),
			[]string{"input", "fieldSplit", "identifier", "original"}},
	} {
		t.Run(tc.name+" TAKEN", func(t *testing.T) {
			before := f.Snapshot(t)
			raw := f.mustPayload(t, f.Acct.Token, tc.doc, tc.vars)
			f.MustUnchanged(t, before)
			var p struct{ UserErrors []userError }
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			MustUserError(t, p.UserErrors, "TAKEN", tc.field...)
		})
	}
	t.Run("updateContact keeps its own identifier", func(t *testing.T) {
		var p struct{ UpdateContact struct{ Contact contactOut } }
		f.Do(t, f.Acct.Token, updateContactDoc, map[string]any{"id": holder.ID, "input": map[string]any{"identifier": "ext-1", "lastName": "H"}}, &p)
		apptest.MustEqual(t, "identifier", p.UpdateContact.Contact.Identifier, sp("ext-1"))
	})
	t.Run("separateContact moves the identifier to the new contact", func(t *testing.T) {
		c := f.MustContact(t, contact.ContactFields{Identifier: contact.Some(sp("moving"))})
		res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{"childRecordAssignment": map[string]any{},
			"fieldSplit": map[string]any{"identifier": map[string]any{"original": nil, "new": "moving"}}})
		if len(res.UserErrors) > 0 {
			t.Fatal(res.UserErrors)
		}
		if n := f.Count(t, `SELECT count(*) FROM contacts WHERE identifier = 'moving' AND id = $1`, *res.NewContactID); n != 1 {
			t.Fatal("the identifier did not move to the new contact")
		}
	})
	t.Run("another account may use the same identifier", func(t *testing.T) {
		acct := f.MustAccount(t, "Other")
		f.testServer.MustContact(t, acct.Token, map[string]any{"identifier": "ext-1"})
	})
	t.Run("merge keeps a mergee's identifier", func(t *testing.T) {
		base := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Base"))})
		m := f.MustContact(t, contact.ContactFields{Identifier: contact.Some(sp("from-mergee"))})
		for _, dry := range []bool{true, false} {
			res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID}, "dryRun": dry})
			survivor := res.Contact
			if dry {
				survivor = res.Preview
			}
			if len(res.UserErrors) > 0 || survivor == nil || survivor.Identifier == nil || *survivor.Identifier != "from-mergee" {
				t.Fatalf("dryRun %v: %+v", dry, res)
			}
		}
		if n := f.Count(t, `SELECT count(*) FROM contacts WHERE identifier = 'from-mergee' AND id = $1`, base.ID); n != 1 {
			t.Fatalf("%d contacts hold the identifier, want the survivor", n)
		}
	})
	t.Run("merge takes the chosen mergee's identifier over the base's", func(t *testing.T) {
		base := f.MustContact(t, contact.ContactFields{Identifier: contact.Some(sp("base-id"))})
		m := f.MustContact(t, contact.ContactFields{Identifier: contact.Some(sp("chosen-id"))})
		res := f.Merge(t, f.Acct.Token, map[string]any{"baseContactId": base.ID, "mergeeContactIds": []any{m.ID},
			"fieldChoices": []any{map[string]any{"field": "IDENTIFIER", "contactId": m.ID}}})
		if len(res.UserErrors) > 0 || *res.Contact.Identifier != "chosen-id" {
			t.Fatalf("%+v", res)
		}
		// The base's old identifier is free again.
		f.testServer.MustContact(t, f.Acct.Token, map[string]any{"identifier": "base-id"})
	})
	t.Run("concurrent creates with one identifier", func(t *testing.T) {
		const clients = 6
		var wg sync.WaitGroup
		results := make([]apptest.Response, clients)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = f.Post(t, map[string]string{"Authorization": "Bearer " + f.Acct.Token}, createContactDoc,
					map[string]any{"input": map[string]any{"identifier": "race"}})
			}()
		}
		wg.Wait()
		created := 0
		for _, r := range results {
			if len(r.Errors) > 0 {
				t.Fatalf("top-level error: %+v", r.Errors)
			}
			var p struct {
				CreateContact struct {
					Contact    *contactOut
					UserErrors []userError
				}
			}
			if err := json.Unmarshal(r.Data, &p); err != nil {
				t.Fatal(err)
			}
			if p.CreateContact.Contact != nil {
				created++
			} else {
				MustUserError(t, p.CreateContact.UserErrors, "TAKEN", "input", "identifier")
			}
		}
		if created != 1 || f.Count(t, `SELECT count(*) FROM contacts WHERE identifier = 'race'`) != 1 {
			t.Fatalf("%d creates succeeded, want 1", created)
		}
	})
}

// TestInputRulesEmptySeparation checks that a separation giving the new
// contact no field value and no record is INVALID and writes nothing, dry
// run or not, while one value or one record is enough.
func TestInputRulesEmptySeparation(t *testing.T) {
	f, jane, conv, msgs := janeFixture(t)
	for _, tc := range []struct {
		name  string
		split map[string]any
		recs  map[string]any
		dry   bool
	}{
		{"nothing at all", map[string]any{}, map[string]any{}, false},
		{"nothing at all, dry run", map[string]any{}, map[string]any{}, true},
		{"placements of empty fields", map[string]any{"pipelineId": "NEW", "thumbnail": "BOTH", "misc": "NEW", "documents": "BOTH",
			"assignees": "NEW", "additionalAttributes": "BOTH"}, map[string]any{}, false},
		{"values for the original only", map[string]any{"firstName": map[string]any{"original": "Jane", "new": nil},
			"labels": map[string]any{"original": []any{"a"}}, "email": map[string]any{"original": "jane@example.com", "new": ""},
			"status": "ORIGINAL"}, map[string]any{}, false},
		{"records kept on the original", map[string]any{}, map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "ORIGINAL"}}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Snapshot(t)
			res := f.Separate(t, f.Acct.Token, jane.ID, map[string]any{"fieldSplit": tc.split, "childRecordAssignment": tc.recs, "dryRun": tc.dry})
			f.MustUnchanged(t, before)
			MustUserError(t, res.UserErrors, "INVALID", "input")
			if res.NewContactID != nil || res.NewContact != nil || res.Summary != nil {
				t.Fatalf("rejected separation returned results: %+v", res)
			}
		})
	}
	for _, tc := range []struct {
		name  string
		input map[string]any
	}{
		{"one value", map[string]any{"fieldSplit": map[string]any{"status": "BOTH"}, "childRecordAssignment": map[string]any{}}},
		{"one record", map[string]any{"fieldSplit": map[string]any{},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}}}},
		{"one message divider", map[string]any{"fieldSplit": map[string]any{}, "childRecordAssignment": map[string]any{},
			"messageDividers": []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}}}},
	} {
		t.Run(tc.name+" is enough", func(t *testing.T) {
			tc.input["dryRun"] = true
			if res := f.Separate(t, f.Acct.Token, jane.ID, tc.input); len(res.UserErrors) > 0 || res.NewPreview == nil || res.NewContact != nil {
				t.Fatalf("%+v", res)
			}
		})
	}
}

// TestInputRulesAddressCharacters checks that emails are stored in Unicode
// NFC, so spellings that differ only by normalisation are one address, and
// that control and invisible characters in emails and phone numbers are
// INVALID at their input path.
func TestInputRulesAddressCharacters(t *testing.T) {
	f := MustFixture(t)
	const precomposed, decomposed = "bas\u00e9@example.com", "base\u0301@example.com"
	c := f.testServer.MustContact(t, f.Acct.Token, map[string]any{"email": decomposed})
	t.Run("stored in NFC", func(t *testing.T) {
		apptest.MustEqual(t, "stored email", f.storedList(t, "emails", c.ID), []string{precomposed})
	})
	for _, spelling := range []string{precomposed, decomposed, "BASE\u0301@EXAMPLE.COM", "BAS\u00c9@example.com"} {
		t.Run("TAKEN as "+spelling, func(t *testing.T) {
			errs := f.MustReject(t, f.Acct.Token, createContactDoc, map[string]any{"input": map[string]any{"email": spelling}})
			MustUserError(t, errs, "TAKEN", "input", "email")
		})
	}
	t.Run("both spellings in one list", func(t *testing.T) {
		errs := f.MustReject(t, f.Acct.Token, createContactDoc, map[string]any{"input": map[string]any{"emails": []any{"x\u00e9@example.com", "xe\u0301@example.com"}}})
		MustUserError(t, errs, "INVALID", "input", "emails", "1")
	})
	badEmails := map[string]string{
		"right-to-left override": "\u202eada@example.com",
		"zero-width space":       "ada\u200b@example.com",
		"zero-width joiner":      "ada@exa\u200dmple.com",
		"zero-width non-joiner":  "a\u200cda@example.com",
		"byte order mark":        "\ufeffada@example.com",
		"word joiner":            "ada@example.com\u2060",
		"soft hyphen":            "ada\u00ad@example.com",
		"tab":                    "ada@example.com\t",
		"bell":                   "ada\u0007@example.com",
		"NUL":                    "ada@example.com\u0000",
		"DEL":                    "ada@example.com\u007f",
		"C1 control":             "ada\u0085@example.com",
		"inner no-break space":   "ada@exa\u00a0mple.com",
	}
	badPhones := map[string]string{
		"right-to-left override": "\u202e+14155550100",
		"zero-width space":       "+1 415\u200b555 0100",
		"byte order mark":        "\ufeff+14155550100",
		"bell":                   "+14155550100\u0007",
		"newline":                "+1415555\n0100",
	}
	for name, v := range badEmails {
		t.Run("email with "+name, func(t *testing.T) {
			errs := f.MustReject(t, f.Acct.Token, createContactDoc, map[string]any{"input": map[string]any{"emails": []any{"ok@example.com", v}}})
			MustUserError(t, errs, "INVALID", "input", "emails", "1")
			errs = f.MustReject(t, f.Acct.Token, updateContactDoc, map[string]any{"id": c.ID, "input": map[string]any{"email": v}})
			MustUserError(t, errs, "INVALID", "input", "email")
			before := f.Snapshot(t)
			res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{"childRecordAssignment": map[string]any{},
				"fieldSplit": map[string]any{"emails": map[string]any{"new": []any{v}}}})
			f.MustUnchanged(t, before)
			MustUserError(t, res.UserErrors, "INVALID", "input", "fieldSplit", "emails", "new", "0")
			errs = f.MustReject(t, f.Acct.Token, createUserDoc, map[string]any{"input": map[string]any{"name": "U", "email": v}})
			MustUserError(t, errs, "INVALID", "input", "email")
		})
	}
	for name, v := range badPhones {
		t.Run("phone with "+name, func(t *testing.T) {
			errs := f.MustReject(t, f.Acct.Token, createContactDoc, map[string]any{"input": map[string]any{"phoneNumber": v}})
			MustUserError(t, errs, "INVALID", "input", "phoneNumber")
			before := f.Snapshot(t)
			res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{"childRecordAssignment": map[string]any{},
				"fieldSplit": map[string]any{"phoneNumber": map[string]any{"new": v}}})
			f.MustUnchanged(t, before)
			MustUserError(t, res.UserErrors, "INVALID", "input", "fieldSplit", "phoneNumber", "new")
		})
	}
	if n := f.Count(t, `SELECT count(*) FROM contact_emails`); n != 1 {
		t.Fatalf("%d stored emails, want 1", n)
	}
}

// TestInputRulesLengths checks the length limit of every stored string
// input: one character over is INVALID at the input path and writes
// nothing; exactly the limit (counted in characters, here two-byte ones) is
// stored. Values far beyond the limits, such as a 3,000-character label or
// a 2,700-character sourceId, are INVALID too, never INTERNAL.
func TestInputRulesLengths(t *testing.T) {
	f, jane, conv, msgs := janeFixture(t)
	text := func(n int) string { return strings.Repeat("é", n) }
	email := func(n int) string { return strings.Repeat("a", n-len("@example.com")) + "@example.com" }
	url := func(n int) string { return "https://x.example/" + strings.Repeat("p", n-len("https://x.example/")) }
	var seq int
	unique := func(gen func(int) string) func(int) string { // distinct values for fields that must be unique
		return func(n int) string {
			seq++
			s := fmt.Sprint(seq, "-")
			return s + gen(n-len(s))
		}
	}
	phone := func(n int) string { // a distinct number, padded with spaces to n characters
		seq++
		d := fmt.Sprintf("41555%05d", seq)
		return "+1" + strings.Repeat(" ", n-2-len(d)) + d
	}
	create := func(field string, v any) map[string]any { return map[string]any{"input": map[string]any{field: v}} }
	update := func(field string, v any) map[string]any {
		return map[string]any{"id": jane.ID, "input": map[string]any{field: v}}
	}
	record := func(field string, v any) map[string]any {
		return map[string]any{"input": map[string]any{"contactId": jane.ID, field: v}}
	}
	separate := func(split map[string]any, extra map[string]any) map[string]any {
		in := map[string]any{"fieldSplit": split, "childRecordAssignment": map[string]any{}, "dryRun": true}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"id": jane.ID, "input": in}
	}
	divider := []any{map[string]any{"conversationId": conv.ID, "firstMessageId": msgs[2].ID}}
	meta := func(field, v string) map[string]any {
		return separate(map[string]any{}, map[string]any{"messageDividers": divider,
			"newConversationMeta": []any{map[string]any{"conversationId": conv.ID, field: v}}})
	}
	type tc struct {
		name  string
		doc   string
		limit int
		gen   func(int) string
		vars  func(v string) map[string]any
		path  []string
	}
	cases := []tc{
		{"createContact firstName", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("firstName", v) }, []string{"input", "firstName"}},
		{"createContact lastName", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("lastName", v) }, []string{"input", "lastName"}},
		{"createContact identifier", createContactDoc, contact.MaxNameLength, unique(text), func(v string) map[string]any { return create("identifier", v) }, []string{"input", "identifier"}},
		{"createContact status", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("status", v) }, []string{"input", "status"}},
		{"createContact pipelineId", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("pipelineId", v) }, []string{"input", "pipelineId"}},
		{"createContact pipelineStage", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("pipelineStage", v) }, []string{"input", "pipelineStage"}},
		{"createContact outreachConfigId", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("outreachConfigId", v) }, []string{"input", "outreachConfigId"}},
		{"createContact thumbnail", createContactDoc, contact.MaxURLLength, url, func(v string) map[string]any { return create("thumbnail", v) }, []string{"input", "thumbnail"}},
		{"createContact labels", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return create("labels", []any{"ok", v}) }, []string{"input", "labels", "1"}},
		{"createContact emails", createContactDoc, contact.MaxEmailLength, unique(email), func(v string) map[string]any { return create("emails", []any{v}) }, []string{"input", "emails", "0"}},
		{"createContact email", createContactDoc, contact.MaxEmailLength, unique(email), func(v string) map[string]any { return create("email", v) }, []string{"input", "email"}},
		{"createContact phoneNumbers", createContactDoc, contact.MaxPhoneLength, phone, func(v string) map[string]any { return create("phoneNumbers", []any{v}) },
			[]string{"input", "phoneNumbers", "0"}},
		{"createContact document name", createContactDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return create("documents", []any{map[string]any{"name": v, "url": "https://x.example/cv"}})
		}, []string{"input", "documents", "0", "name"}},
		{"createContact document url", createContactDoc, contact.MaxURLLength, url, func(v string) map[string]any {
			return create("documents", []any{map[string]any{"name": "cv", "url": v}})
		}, []string{"input", "documents", "0", "url"}},
		{"updateContact lastName", updateContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return update("lastName", v) }, []string{"input", "lastName"}},
		{"updateContact labels", updateContactDoc, contact.MaxNameLength, text, func(v string) map[string]any { return update("labels", []any{v}) }, []string{"input", "labels", "0"}},
		{"createUser name", createUserDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			seq++
			return map[string]any{"input": map[string]any{"name": v, "email": fmt.Sprintf("u%d@example.com", seq)}}
		}, []string{"input", "name"}},
		{"createInbox name", createInboxDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"name": v, "channelType": "web"}}
		}, []string{"input", "name"}},
		{"createInbox channelType", createInboxDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"name": "Web", "channelType": v}}
		}, []string{"input", "channelType"}},
		{"createContactInbox sourceId", createContactInboxDoc, contact.MaxNameLength, unique(text), func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": jane.ID, "inboxId": f.Inbox.ID, "sourceId": v}}
		}, []string{"input", "sourceId"}},
		{"createConversation channel", createConversationDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": jane.ID, "inboxId": f.Inbox.ID, "channel": v}}
		}, []string{"input", "channel"}},
		{"createConversation subject", createConversationDoc, contact.MaxTitleLength, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": jane.ID, "inboxId": f.Inbox.ID, "subject": v}}
		}, []string{"input", "subject"}},
		{"updateConversation channel", updateConversationDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return map[string]any{"id": conv.ID, "input": map[string]any{"channel": v}}
		}, []string{"input", "channel"}},
		{"updateConversation subject", updateConversationDoc, contact.MaxTitleLength, text, func(v string) map[string]any {
			return map[string]any{"id": conv.ID, "input": map[string]any{"subject": v}}
		}, []string{"input", "subject"}},
		{"createApplication jobTitle", createApplicationDoc, contact.MaxNameLength, text, func(v string) map[string]any { return record("jobTitle", v) }, []string{"input", "jobTitle"}},
		{"createApplication status", createApplicationDoc, contact.MaxNameLength, text, func(v string) map[string]any { return record("status", v) }, []string{"input", "status"}},
		{"createContactNote content", createContactNoteDoc, contact.MaxTextLength, text, func(v string) map[string]any { return record("content", v) }, []string{"input", "content"}},
		{"createMessage content", createMessageDoc, contact.MaxTextLength, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"conversationId": conv.ID, "content": v}}
		}, []string{"input", "content"}},
		{"createReminder title", createReminderDoc, contact.MaxTitleLength, text, func(v string) map[string]any { return record("title", v) }, []string{"input", "title"}},
		{"separateContact firstName", separateDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return separate(map[string]any{"firstName": map[string]any{"original": "Jane", "new": v}}, nil)
		}, []string{"input", "fieldSplit", "firstName", "new"}},
		{"separateContact identifier", separateDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return separate(map[string]any{"identifier": map[string]any{"original": v, "new": "x"}}, nil)
		}, []string{"input", "fieldSplit", "identifier", "original"}},
		{"separateContact labels", separateDoc, contact.MaxNameLength, text, func(v string) map[string]any {
			return separate(map[string]any{"labels": map[string]any{"new": []any{"a", v}}}, nil)
		}, []string{"input", "fieldSplit", "labels", "new", "1"}},
		{"separateContact emails", separateDoc, contact.MaxEmailLength, email, func(v string) map[string]any {
			return separate(map[string]any{"emails": map[string]any{"new": []any{v}}}, nil)
		}, []string{"input", "fieldSplit", "emails", "new", "0"}},
		{"separateContact phoneNumber", separateDoc, contact.MaxPhoneLength, phone, func(v string) map[string]any {
			return separate(map[string]any{"phoneNumber": map[string]any{"new": v}}, nil)
		}, []string{"input", "fieldSplit", "phoneNumber", "new"}},
		{"separateContact newConversationMeta channel", separateDoc, contact.MaxNameLength, text, func(v string) map[string]any { return meta("channel", v) },
			[]string{"input", "newConversationMeta", "0", "channel"}},
		{"separateContact newConversationMeta subject", separateDoc, contact.MaxTitleLength, text, func(v string) map[string]any { return meta("subject", v) },
			[]string{"input", "newConversationMeta", "0", "subject"}},
	}
	// Far beyond the limits: what used to reach a database limit (limit is
	// one less than the length sent).
	far := []tc{
		{"3,000-character label", createContactDoc, 2999, text, func(v string) map[string]any { return create("labels", []any{v}) }, []string{"input", "labels", "0"}},
		{"2,700-character sourceId", createContactInboxDoc, 2699, text, func(v string) map[string]any {
			return map[string]any{"input": map[string]any{"contactId": jane.ID, "inboxId": f.Inbox.ID, "sourceId": v}}
		}, []string{"input", "sourceId"}},
		{"3,000-character identifier", createContactDoc, 2999, text, func(v string) map[string]any { return create("identifier", v) }, []string{"input", "identifier"}},
	}
	payloadErrors := func(t *testing.T, doc string, vars map[string]any) []userError {
		t.Helper()
		raw := f.mustPayload(t, f.Acct.Token, doc, vars)
		var p struct{ UserErrors []userError }
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		return p.UserErrors
	}
	for i, c := range append(cases, far...) {
		t.Run(c.name+" over the limit", func(t *testing.T) {
			before := f.Snapshot(t)
			errs := payloadErrors(t, c.doc, c.vars(c.gen(c.limit+1)))
			f.MustUnchanged(t, before)
			MustUserError(t, errs, "INVALID", c.path...)
		})
		if i >= len(cases) {
			continue
		}
		t.Run(c.name+" at the limit", func(t *testing.T) {
			if errs := payloadErrors(t, c.doc, c.vars(c.gen(c.limit))); len(errs) > 0 {
				t.Fatalf("value of %d characters refused: %+v", c.limit, errs)
			}
		})
	}
	t.Run("account name over the limit", func(t *testing.T) {
		before := f.Snapshot(t)
		_, err := f.Main.Store.CreateAccount(context.Background(), text(contact.MaxNameLength+1))
		f.MustUnchanged(t, before)
		u, ok := contact.AsUserErrors(err)
		if !ok || len(u) != 1 || u[0].Code != contact.Invalid || strings.Join(u[0].Field, ".") != "name" {
			t.Fatalf("CreateAccount: %v, want INVALID at name", err)
		}
	})
	t.Run("100-character labels stay valid", func(t *testing.T) {
		c := f.testServer.MustContact(t, f.Acct.Token, map[string]any{"labels": []any{strings.Repeat("l", 100)}})
		apptest.MustEqual(t, "labels", c.Labels, []string{strings.Repeat("l", 100)})
	})
}
