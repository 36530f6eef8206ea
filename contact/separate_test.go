package contact

import (
	"reflect"
	"testing"
)

// TestSplitFieldsKeepsUnplacedValues checks that a field split places what
// it names and leaves every other address and label on the original.
func TestSplitFieldsKeepsUnplacedValues(t *testing.T) {
	str := func(s string) *string { return &s }
	orig := &Contact{ID: "c", Emails: []string{"a@x.com", "b@x.com"}, PhoneNumbers: []string{"+14155550101", "+14155550102", "+14155550103"},
		Labels: []string{"x", "y"}}
	for _, tc := range []struct {
		name                       string
		split                      ContactFieldSplit
		origPhones, newPhones      []string
		origEmails, newEmails      []string
		origLabels, newLabelsAfter []string
	}{
		{"nothing named", ContactFieldSplit{},
			orig.PhoneNumbers, []string{}, orig.Emails, []string{}, orig.Labels, []string{}},
		{"one phone to the new side", ContactFieldSplit{PhoneNumber: &StringSplit{New: str("+1 415 555 0102")}},
			[]string{"+14155550101", "+14155550103"}, []string{"+14155550102"}, orig.Emails, []string{}, orig.Labels, []string{}},
		{"a phone for each side", ContactFieldSplit{PhoneNumber: &StringSplit{Original: str("+14155550103"), New: str("+14155550101")}},
			[]string{"+14155550103", "+14155550102"}, []string{"+14155550101"}, orig.Emails, []string{}, orig.Labels, []string{}},
		{"email list names one side", ContactFieldSplit{Emails: &StringListSplit{New: []string{"B@x.com", "n@x.com"}}},
			orig.PhoneNumbers, []string{}, []string{"a@x.com"}, []string{"b@x.com", "n@x.com"}, orig.Labels, []string{}},
		{"labels", ContactFieldSplit{Labels: &StringListSplit{Original: []string{"y"}, New: []string{"y", "z"}}},
			orig.PhoneNumbers, []string{}, orig.Emails, []string{}, []string{"y", "x"}, []string{"y", "z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, n, _, errs := SplitFields(orig, tc.split)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got := [][]string{o.PhoneNumbers, n.PhoneNumbers, o.Emails, n.Emails, o.Labels, n.Labels}
			want := [][]string{tc.origPhones, tc.newPhones, tc.origEmails, tc.newEmails, tc.origLabels, tc.newLabelsAfter}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}
