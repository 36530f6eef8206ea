package main

import (
	"testing"

	"contactid/db"
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
			c := f.MustContact(t, db.ContactFields{FirstName: db.Some(sp("Jo")), PhoneNumbers: db.Some([]string{p, q, r}),
				Emails: db.Some([]string{"a@x.com", "b@x.com", "c@x.com"}), Labels: db.Some([]string{"x", "y", "z"})})
			// A name for the new contact, so that no case is an empty separation.
			tc.split["firstName"] = map[string]any{"original": "Jo", "new": "Janet"}
			res := f.Separate(t, f.Acct.Token, c.ID, map[string]any{"fieldSplit": tc.split, "childRecordAssignment": map[string]any{}})
			if len(res.UserErrors) > 0 || res.NewContactID == nil {
				t.Fatalf("separate failed: %+v", res.UserErrors)
			}
			MustEqual(t, "original's "+tc.list, f.storedList(t, tc.list, c.ID), tc.orig)
			MustEqual(t, "new contact's "+tc.list, f.storedList(t, tc.list, *res.NewContactID), tc.newer)
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
