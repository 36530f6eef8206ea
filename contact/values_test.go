package contact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestValidJSONNumber checks which JSON numbers can be stored.
func TestValidJSONNumber(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    string
		ok   bool
	}{
		{"integer", "42", true},
		{"negative fraction", "-1.5", true},
		{"exponent", "6.02e23", true},
		{"zero", "0", true},
		{"zero with a fraction and exponent", "0.000e-999", true},
		{"largest float", "1.7976931348623157e308", true},
		{"beyond 2^53 is kept", "9007199254740993", true},
		{"overflow", "1e309", false},
		{"underflow to zero", "1e-400", false},
		{"underflow with a zero integer part", "0.0001e-400", false},
		{"not a number", "abc", false},
		{"at the length limit", "1" + strings.Repeat("0", MaxJSONNumberLength-1), true},
		{"over the length limit", "1" + strings.Repeat("0", MaxJSONNumberLength), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidJSONNumber(tc.n); got != tc.ok {
				t.Fatalf("ValidJSONNumber(%q) = %v, want %v", tc.n, got, tc.ok)
			}
		})
	}
}

// TestJSONObjectUnmarshalGQL checks the JSON scalar's input: objects whose
// numbers fit, anything else INVALID.
func TestJSONObjectUnmarshalGQL(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		msg  string // "" when accepted
	}{
		{"object", map[string]any{"a": "b", "n": map[string]any{"list": []any{1.0, true, nil}}}, ""},
		{"empty object", map[string]any{}, ""},
		{"null", nil, "must be a JSON object, not null"},
		{"string", "s", "must be a JSON object, not a string"},
		{"array", []any{}, "must be a JSON object, not an array"},
		{"boolean", true, "must be a JSON object, not a boolean"},
		{"number", 1.5, "must be a JSON object, not a number"},
		{"nested overflowing number", map[string]any{"a": map[string]any{"b": jsonNumber("1e999")}},
			"JSON number 1e999 is out of range (numbers must fit a 64-bit float and have at most 100 characters)"},
		{"number in an array", map[string]any{"a": []any{jsonNumber("1"), jsonNumber("-1e-999")}},
			"JSON number -1e-999 is out of range (numbers must fit a 64-bit float and have at most 100 characters)"},
		{"long number is clipped in the message", map[string]any{"a": jsonNumber(strings.Repeat("9", 101))},
			"JSON number " + strings.Repeat("9", 20) + "… is out of range (numbers must fit a 64-bit float and have at most 100 characters)"},
		{"infinite float", map[string]any{"a": math.Inf(1)},
			"JSON number +Inf is out of range (numbers must fit a 64-bit float and have at most 100 characters)"},
		{"NaN", map[string]any{"a": []any{math.NaN()}},
			"JSON number NaN is out of range (numbers must fit a 64-bit float and have at most 100 characters)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o JSONObject
			err := o.UnmarshalGQL(tc.in)
			if tc.msg == "" {
				if err != nil || !reflect.DeepEqual(map[string]any(o), tc.in) {
					t.Fatalf("UnmarshalGQL = %v, %v", o, err)
				}
				return
			}
			u, ok := AsUserErrors(err)
			if !ok || len(u) != 1 || u[0].Code != Invalid || u[0].Message != tc.msg || o != nil {
				t.Fatalf("UnmarshalGQL error = %v (object %v), want INVALID %q", err, o, tc.msg)
			}
		})
	}
}

// TestJSONObjectStorage checks Scan, Value and MarshalGQL of JSONObject.
func TestJSONObjectStorage(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  any
		want JSONObject
		bad  bool
	}{
		{"bytes", []byte(`{"a":{"b":[1,"x"]}}`), JSONObject{"a": map[string]any{"b": []any{jsonNumber("1"), "x"}}}, false},
		{"string", `{"a":true}`, JSONObject{"a": true}, false},
		{"big integers stay exact", `{"n":9007199254740993}`, JSONObject{"n": jsonNumber("9007199254740993")}, false},
		{"NULL is empty", nil, JSONObject{}, false},
		{"not an object", `[1]`, nil, true},
		{"not JSON", []byte(`{`), nil, true},
		{"wrong type", 42, nil, true},
	} {
		t.Run("Scan/"+tc.name, func(t *testing.T) {
			var o JSONObject
			err := o.Scan(tc.src)
			if (err != nil) != tc.bad || !tc.bad && !reflect.DeepEqual(o, tc.want) {
				t.Fatalf("Scan(%v) = %#v, %v", tc.src, o, err)
			}
		})
	}
	for _, tc := range []struct {
		name string
		o    JSONObject
		want string
	}{
		{"nil", nil, `{}`},
		{"empty", JSONObject{}, `{}`},
		{"object", JSONObject{"a": jsonNumber("9007199254740993"), "b": []any{"x"}}, `{"a":9007199254740993,"b":["x"]}`},
	} {
		t.Run("Value/"+tc.name, func(t *testing.T) {
			v, err := tc.o.Value()
			if err != nil || v.(string) != tc.want {
				t.Fatalf("Value = %s, %v; want %s", v, err, tc.want)
			}
		})
		t.Run("MarshalGQL/"+tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.o.MarshalGQL(&b)
			if b.String() != tc.want {
				t.Fatalf("MarshalGQL = %s, want %s", b.String(), tc.want)
			}
		})
	}
	t.Run("unencodable", func(t *testing.T) {
		o := JSONObject{"f": func() {}}
		if _, err := o.Value(); err == nil {
			t.Fatal("Value encoded a function")
		}
		var b bytes.Buffer
		o.MarshalGQL(&b)
		if b.String() != "null" {
			t.Fatalf("MarshalGQL = %s, want null", b.String())
		}
	})
}

// TestDocumentsStorage checks Scan and Value of Documents.
func TestDocumentsStorage(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  any
		want Documents
		bad  bool
	}{
		{"array", []byte(`[{"name":"cv","url":"https://x/cv"},{"name":"id","url":"u"}]`), Documents{{"cv", "https://x/cv"}, {"id", "u"}}, false},
		{"empty array", []byte(`[]`), Documents{}, false},
		{"NULL is empty", nil, Documents{}, false},
		{"not an array", []byte(`{}`), nil, true},
		{"string is refused", `[]`, nil, true},
	} {
		t.Run("Scan/"+tc.name, func(t *testing.T) {
			var d Documents
			err := d.Scan(tc.src)
			if (err != nil) != tc.bad || !tc.bad && (d == nil || !reflect.DeepEqual(d, tc.want)) {
				t.Fatalf("Scan(%v) = %#v, %v", tc.src, d, err)
			}
		})
	}
	for _, tc := range []struct {
		name string
		d    Documents
		want string
	}{
		{"nil", nil, `[]`},
		{"documents", Documents{{"cv", "u"}}, `[{"name":"cv","url":"u"}]`},
	} {
		t.Run("Value/"+tc.name, func(t *testing.T) {
			v, err := tc.d.Value()
			if err != nil || v.(string) != tc.want {
				t.Fatalf("Value = %s, %v; want %s", v, err, tc.want)
			}
		})
	}
}

// TestStringsValue checks the array literal Strings writes, and that Scan
// reads it back.
func TestStringsValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Strings
		want string
	}{
		{"nil", nil, `{}`},
		{"plain", Strings{"a", "b"}, `{"a","b"}`},
		{"quotes, backslashes, commas, braces, NULL", Strings{`e"f`, `g\h`, "c,d", "{x}", "NULL", ""}, `{"e\"f","g\\h","c,d","{x}","NULL",""}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.s.Value()
			if err != nil || v != tc.want {
				t.Fatalf("Value = %v, %v; want %s", v, err, tc.want)
			}
			var back Strings
			if err := back.Scan(v); err != nil || len(back) != len(tc.s) || len(tc.s) > 0 && !reflect.DeepEqual(back, tc.s) {
				t.Fatalf("Scan(Value) = %q, %v; want %q", back, err, tc.s)
			}
		})
	}
}

// TestStringsScanErrors checks the malformed array literals Scan refuses
// beyond those of TestStringsScan.
func TestStringsScanErrors(t *testing.T) {
	for _, in := range []string{"", "{", "}", `{"a\`, `{"a\}`, `{a,}x`, `{"a",b`, `{a"b}`, `{"a" ,b}`} {
		t.Run(in, func(t *testing.T) {
			var s Strings
			if err := s.Scan(in); err == nil {
				t.Fatalf("Scan(%q) = %q, want an error", in, s)
			}
		})
	}
	t.Run("unquoted elements keep their text", func(t *testing.T) {
		var s Strings
		if err := s.Scan(`{a b,"",x}`); err != nil || !reflect.DeepEqual(s, Strings{"a b", "", "x"}) {
			t.Fatalf("Scan = %q, %v", s, err)
		}
	})
}

// TestParseTime checks the accepted timestamps and the errors.
func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want time.Time
		msg  string // "" when accepted
	}{
		{"UTC", "2024-05-01T09:30:00Z", time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC), ""},
		{"fraction and offset", "2024-05-01T09:30:00.123456789+02:00", time.Date(2024, 5, 1, 7, 30, 0, 123456789, time.UTC), ""},
		{"earliest", "1900-01-01T00:00:00Z", MinTime, ""},
		{"latest", "9999-12-31T23:59:59.999999999Z", MaxTime.Add(-time.Nanosecond), ""},
		{"largest offset", "2024-01-01T00:00:00-15:59", time.Date(2024, 1, 1, 15, 59, 0, 0, time.UTC), ""},
		{"before 1900", "1899-12-31T23:59:59Z", time.Time{}, "the time must be between the years 1900 and 9999"},
		{"before 1900 by its offset", "1900-01-01T00:00:00+01:00", time.Time{}, "the time must be between the years 1900 and 9999"},
		{"offset too large", "2024-01-01T00:00:00+16:00", time.Time{}, "the UTC offset must be between -15:59 and +15:59"},
		{"negative offset too large", "2024-01-01T00:00:00-16:00", time.Time{}, "the UTC offset must be between -15:59 and +15:59"},
		{"empty", "", time.Time{}, `"" is not an RFC 3339 timestamp such as 2024-05-01T09:30:00Z`},
		{"no zone", "2024-05-01T09:30:00", time.Time{}, `"2024-05-01T09:30:00" is not an RFC 3339 timestamp such as 2024-05-01T09:30:00Z`},
		{"long input is clipped", strings.Repeat("x", 50), time.Time{},
			`"` + strings.Repeat("x", 40) + `…" is not an RFC 3339 timestamp such as 2024-05-01T09:30:00Z`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.in)
			if tc.msg == "" {
				if err != nil || !got.Equal(tc.want) {
					t.Fatalf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
				}
				return
			}
			u, ok := AsUserErrors(err)
			if !ok || len(u) != 1 || u[0].Code != Invalid || u[0].Message != tc.msg || !got.IsZero() {
				t.Fatalf("ParseTime(%q) = %v, %v; want INVALID %q", tc.in, got, err, tc.msg)
			}
		})
	}
}

// TestCanonicalID checks the ids the store accepts.
func TestCanonicalID(t *testing.T) {
	const id = "3f0c7a4e-0000-4000-8000-0000000000ab"
	for _, tc := range []struct{ name, in, want string }{
		{"canonical", id, id},
		{"upper case", strings.ToUpper(id), id},
		{"braces", "{" + id + "}", ""},
		{"urn", "urn:uuid:" + id, ""},
		{"no dashes", strings.ReplaceAll(id, "-", ""), ""},
		{"36 characters, not hex", strings.Repeat("z", 36), ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanonicalID(tc.in); got != tc.want {
				t.Fatalf("CanonicalID(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	t.Run("CanonicalIDs", func(t *testing.T) {
		got := CanonicalIDs([]string{strings.ToUpper(id), "x", id})
		if !reflect.DeepEqual(got, []string{id, "", id}) {
			t.Fatalf("CanonicalIDs = %q", got)
		}
		if got := CanonicalIDs(nil); got == nil || len(got) != 0 {
			t.Fatalf("CanonicalIDs(nil) = %#v, want empty", got)
		}
	})
}

// TestSmallHelpers checks DistinctIDs, BlankToNil, cleanLabels, SplitPath
// and unionInto.
func TestSmallHelpers(t *testing.T) {
	t.Run("DistinctIDs keeps the first of each", func(t *testing.T) {
		if got := DistinctIDs([]string{"b", "a", "b", "c", "a"}); !reflect.DeepEqual(got, []string{"b", "a", "c"}) {
			t.Fatalf("DistinctIDs = %q", got)
		}
		if got := DistinctIDs(nil); got == nil || len(got) != 0 {
			t.Fatalf("DistinctIDs(nil) = %#v", got)
		}
	})
	for _, tc := range []struct {
		name string
		in   *string
		want *string
	}{
		{"BlankToNil nil", nil, nil},
		{"BlankToNil blank", new(" \t\n "), nil},
		{"BlankToNil empty", new(""), nil},
		{"BlankToNil trims", new("  a b  "), new("a b")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BlankToNil(tc.in); !ptrEq(got, tc.want) {
				t.Fatalf("BlankToNil = %s, want %s", show(got), show(tc.want))
			}
		})
	}
	t.Run("BlankToNil does not change its input", func(t *testing.T) {
		s := " a "
		if BlankToNil(&s); s != " a " {
			t.Fatalf("input became %q", s)
		}
	})
	t.Run("cleanLabels", func(t *testing.T) {
		if got := cleanLabels([]string{" b", "a", "", "b ", "  ", "a"}); !reflect.DeepEqual(got, []string{"b", "a"}) {
			t.Fatalf("cleanLabels = %q", got)
		}
		if got := cleanLabels(nil); got == nil || len(got) != 0 {
			t.Fatalf("cleanLabels(nil) = %#v", got)
		}
	})
	t.Run("SplitPath", func(t *testing.T) {
		a, b := SplitPath("emails", "new", "0"), SplitPath("emails", "new", "1")
		if path(a) != "input.fieldSplit.emails.new.0" || path(b) != "input.fieldSplit.emails.new.1" {
			t.Fatalf("SplitPath = %q, %q", a, b)
		}
	})
	t.Run("unionInto", func(t *testing.T) {
		if got := unionInto(nil, nil); got == nil || len(got) != 0 {
			t.Fatalf("unionInto(nil, nil) = %#v", got)
		}
		if got := unionInto([]string{"a"}, []string{"b", "a", "b"}); !reflect.DeepEqual(got, []string{"a", "b"}) {
			t.Fatalf("unionInto = %q", got)
		}
	})
}

// TestContactAccessors checks Name, Email, PhoneNumber, LoadID, Deref and
// IsAdmin.
func TestContactAccessors(t *testing.T) {
	for _, tc := range []struct {
		name        string
		c           Contact
		full        string
		email, phon *string
		loadID      string
	}{
		{"empty", Contact{ID: "c"}, "", nil, nil, "c"},
		{"first and last", Contact{ID: "c", FirstName: new("Jane"), LastName: new("Doe")}, "Jane Doe", nil, nil, "c"},
		{"first only", Contact{FirstName: new("Jane")}, "Jane", nil, nil, ""},
		{"last only", Contact{LastName: new("Doe")}, "Doe", nil, nil, ""},
		{"primaries", Contact{Emails: Strings{"a@x.com", "b@x.com"}, PhoneNumbers: Strings{"+14155550100"}}, "",
			new("a@x.com"), new("+14155550100"), ""},
		{"dry-run preview", Contact{ID: DryRunContactID, RowID: "row"}, "", nil, nil, "row"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Name(); got != tc.full {
				t.Errorf("Name = %q, want %q", got, tc.full)
			}
			if got := tc.c.Email(); !ptrEq(got, tc.email) {
				t.Errorf("Email = %s, want %s", show(got), show(tc.email))
			}
			if got := tc.c.PhoneNumber(); !ptrEq(got, tc.phon) {
				t.Errorf("PhoneNumber = %s, want %s", show(got), show(tc.phon))
			}
			if got := tc.c.LoadID(); got != tc.loadID {
				t.Errorf("LoadID = %q, want %q", got, tc.loadID)
			}
		})
	}
	t.Run("Email is a copy", func(t *testing.T) {
		c := Contact{Emails: Strings{"a@x.com"}}
		*c.Email() = "changed"
		if c.Emails[0] != "a@x.com" {
			t.Fatal("changing Email() changed the list")
		}
	})
	t.Run("Deref", func(t *testing.T) {
		if Deref(nil) != "" || Deref(new("x")) != "x" {
			t.Fatal("Deref")
		}
	})
	t.Run("IsAdmin", func(t *testing.T) {
		if !(Actor{Role: Administrator}).IsAdmin() || (Actor{Role: Agent}).IsAdmin() || (Actor{}).IsAdmin() {
			t.Fatal("IsAdmin")
		}
	})
}

// TestUserErrors checks Add, Err, Error and AsUserErrors.
func TestUserErrors(t *testing.T) {
	var u UserErrors
	t.Run("empty is no error", func(t *testing.T) {
		if err := u.Err(); err != nil {
			t.Fatalf("Err() = %v, want nil", err)
		}
		if _, ok := AsUserErrors(u.Err()); ok {
			t.Fatal("AsUserErrors(nil) reported user errors")
		}
	})
	u.Add(Invalid, "is bad", "input", "emails", "0")
	u.Add(Taken, "is taken", "input", "phoneNumber")
	u.Add(NotFound, "no such contact")
	t.Run("Add keeps code, message and path", func(t *testing.T) {
		want := UserErrors{{Field: []string{"input", "emails", "0"}, Message: "is bad", Code: Invalid},
			{Field: []string{"input", "phoneNumber"}, Message: "is taken", Code: Taken}, {Message: "no such contact", Code: NotFound}}
		if !reflect.DeepEqual(u, want) {
			t.Fatalf("errors = %+v, want %+v", u, want)
		}
	})
	t.Run("Error joins paths and messages", func(t *testing.T) {
		if got, want := u.Error(), "input.emails.0: is bad; input.phoneNumber: is taken; : no such contact"; got != want {
			t.Fatalf("Error() = %q, want %q", got, want)
		}
	})
	t.Run("AsUserErrors finds wrapped errors", func(t *testing.T) {
		got, ok := AsUserErrors(fmt.Errorf("merge: %w", u.Err()))
		if !ok || !reflect.DeepEqual(got, u) {
			t.Fatalf("AsUserErrors = %v, %v", got, ok)
		}
		if _, ok := AsUserErrors(errors.New("plain")); ok {
			t.Fatal("a plain error has user errors")
		}
		if _, ok := AsUserErrors(errors.Join(ErrNotFound, u)); !ok {
			t.Fatal("a joined error lost its user errors")
		}
	})
}

// jsonNumber is a decoded JSON number as json.Decoder.UseNumber gives it.
func jsonNumber(s string) any { return json.Number(s) }

// TestNewContactImages checks that the images come in the contacts' order.
func TestNewContactImages(t *testing.T) {
	cs := []*Contact{{ID: "b", Emails: Strings{"b@x.com"}}, {ID: "a", FirstName: new("A")}}
	got := NewContactImages(cs)
	if len(got) != 2 || got[0].ID != "b" || !reflect.DeepEqual(got[0].Emails, []string{"b@x.com"}) || got[1].ID != "a" || Deref(got[1].FirstName) != "A" {
		t.Fatalf("images = %+v", got)
	}
	if got := NewContactImages(nil); got == nil || len(got) != 0 {
		t.Fatalf("NewContactImages(nil) = %#v", got)
	}
}
