package contact

import "testing"

// TestMergedName checks the name rule of MergedContact: a name is one unit.
func TestMergedName(t *testing.T) {
	c := func(first, last string) *Contact {
		var f, l *string
		if first != "" {
			f = &first
		}
		if last != "" {
			l = &last
		}
		return &Contact{FirstName: f, LastName: l}
	}
	jane, janet, anon, doe := c("Jane", ""), c("Janet", "Smith"), c("", ""), c("", "Doe")
	for _, tc := range []struct {
		name        string
		base        *Contact
		mergees     []*Contact
		choices     map[MergeableField]*Contact
		first, last string
	}{
		{"base first name only", jane, []*Contact{janet}, nil, "Jane", ""},
		{"base last name only", doe, []*Contact{janet}, nil, "", "Doe"},
		{"nameless base", anon, []*Contact{anon, doe, janet}, nil, "", "Doe"},
		{"nobody named", anon, []*Contact{anon}, nil, "", ""},
		{"NAME", jane, []*Contact{janet}, map[MergeableField]*Contact{FieldName: janet}, "Janet", "Smith"},
		{"NAME from a nameless contact", jane, []*Contact{anon}, map[MergeableField]*Contact{FieldName: anon}, "", ""},
		{"NAME and FIRST_NAME", janet, []*Contact{doe, jane}, map[MergeableField]*Contact{FieldName: doe, FieldFirstName: jane}, "Jane", "Doe"},
		{"LAST_NAME", jane, []*Contact{janet}, map[MergeableField]*Contact{FieldLastName: janet}, "Jane", "Smith"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := MergedContact(tc.base, tc.mergees, tc.choices)
			if Deref(out.FirstName) != tc.first || Deref(out.LastName) != tc.last {
				t.Fatalf("name = %q %q, want %q %q", Deref(out.FirstName), Deref(out.LastName), tc.first, tc.last)
			}
		})
	}
}
