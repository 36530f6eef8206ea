package contact

import (
	"slices"
	"testing"
)

func TestStringsScan(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want Strings
		bad  bool
	}{
		{nil, Strings{}, false},
		{"{}", Strings{}, false},
		{[]byte("{a,b}"), Strings{"a", "b"}, false},
		{`{"a b","c,d","e\"f","g\\h",""}`, Strings{"a b", "c,d", `e"f`, `g\h`, ""}, false},
		{"{3f0c7a4e-0000-4000-8000-000000000001}", Strings{"3f0c7a4e-0000-4000-8000-000000000001"}, false},
		{"{a,NULL}", nil, true},
		{"a,b", nil, true},
		{`{"a}`, nil, true},
		{`{"a"b}`, nil, true},
		{`{{a}}`, nil, true},
		{42, nil, true},
	} {
		var got Strings
		err := got.Scan(tc.in)
		if (err != nil) != tc.bad || !tc.bad && !slices.Equal(got, tc.want) {
			t.Errorf("Scan(%v) = %q, %v", tc.in, got, err)
		}
	}
}
