package db

import (
	"testing"

	"contactid/contact"
)

// TestSeparationGivesNothing checks when a separation counts as empty.
func TestSeparationGivesNothing(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name  string
		p     separation
		empty bool
	}{
		{"blank new contact", separation{newC: &contact.Contact{}}, true},
		{"empty lists and objects", separation{newC: &contact.Contact{Emails: []string{}, CustomAttributes: contact.JSONObject{}, Documents: contact.Documents{}},
			toNew: map[string][]string{"conversations": nil}}, true},
		{"a name", separation{newC: &contact.Contact{LastName: str("Doe")}}, false},
		{"a label", separation{newC: &contact.Contact{Labels: []string{"a"}}}, false},
		{"an attribute", separation{newC: &contact.Contact{Misc: contact.JSONObject{"k": nil}}}, false},
		{"a record", separation{newC: &contact.Contact{}, toNew: map[string][]string{"reminders": {"r"}}}, false},
		{"a divider", separation{newC: &contact.Contact{}, tails: []contact.JournalDivider{{ToOriginal: true}}}, false},
	} {
		if got := tc.p.givesNothing(); got != tc.empty {
			t.Errorf("%s: givesNothing = %v, want %v", tc.name, got, tc.empty)
		}
	}
}
