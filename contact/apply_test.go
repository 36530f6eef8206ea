package contact

import (
	"reflect"
	"strings"
	"testing"
)

// TestApplyText checks that text fields are trimmed (blank is null),
// length-checked at their input path, and kept when not given.
func TestApplyText(t *testing.T) {
	for _, f := range Fields {
		if f.Kind != TextField {
			continue
		}
		at := textAt[f.Name]
		max := MaxNameLength
		if f.Name == "thumbnail" {
			max = MaxURLLength
		}
		set := func(in *ContactFields, v Opt[*string]) {
			reflect.ValueOf(in).Elem().FieldByName(strings.ToUpper(f.Name[:1]) + strings.Replace(f.Name[1:], "Id", "ID", 1)).Set(reflect.ValueOf(v))
		}
		for _, tc := range []struct {
			name string
			in   Opt[*string]
			want *string
			errs []UserError
		}{
			{"trimmed", Some(new("  v  ")), new("v"), nil},
			{"blank is null", Some(new(" \t ")), nil, nil},
			{"null clears", Some[*string](nil), nil, nil},
			{"not given keeps", Opt[*string]{}, new("old"), nil},
			{"at the limit", Some(new(" " + strings.Repeat("é", max) + " ")), new(strings.Repeat("é", max)), nil},
			{"too long keeps the old value", Some(new(strings.Repeat("x", max+1))), new("old"),
				[]UserError{uerr(Invalid, "input."+f.Name, "")}},
		} {
			t.Run(f.Name+"/"+tc.name, func(t *testing.T) {
				var in ContactFields
				set(&in, tc.in)
				c := &Contact{}
				*at(c) = new("old")
				errs := in.Apply(c, false)
				wantErrors(t, errs, tc.errs)
				if got := *at(c); !ptrEq(got, tc.want) {
					t.Fatalf("%s = %s, want %s", f.Name, show(got), show(tc.want))
				}
			})
		}
	}
}

// TestApplyAddresses checks the email and phone number inputs: the list
// replaces everything; the shortcut on create is the only value, on update
// replaces the primary and keeps the rest (null removes the primary); both
// forms and repeats in a list are INVALID.
func TestApplyAddresses(t *testing.T) {
	const a, b, c = "a@x.com", "b@x.com", "c@x.com"
	for _, tc := range []struct {
		name     string
		in       ContactFields
		creating bool
		current  Strings
		want     Strings
		errs     []UserError
	}{
		{name: "create with the shortcut", in: ContactFields{Email: Some(new(" A@X.com "))}, creating: true, want: Strings{a}},
		{name: "create with null", in: ContactFields{Email: Some[*string](nil)}, creating: true, want: Strings{}},
		{name: "create with nothing", creating: true, want: Strings{}},
		{name: "create with a list", in: ContactFields{Emails: Some([]string{"B@x.com", a})}, creating: true, want: Strings{b, a}},
		{name: "update: the shortcut replaces the primary and keeps the rest",
			in: ContactFields{Email: Some(new(c))}, current: Strings{a, b}, want: Strings{c, b}},
		{name: "update: null removes the primary", in: ContactFields{Email: Some[*string](nil)}, current: Strings{a, b}, want: Strings{b}},
		{name: "update: a secondary given as the shortcut becomes the primary",
			in: ContactFields{Email: Some(new("B@X.COM"))}, current: Strings{a, b, c}, want: Strings{b, c}},
		{name: "update: the shortcut on a contact without emails", in: ContactFields{Email: Some(new(a))}, current: Strings{}, want: Strings{a}},
		{name: "update: the list replaces everything", in: ContactFields{Emails: Some([]string{c})}, current: Strings{a, b}, want: Strings{c}},
		{name: "update: an empty list clears", in: ContactFields{Emails: Some([]string{})}, current: Strings{a, b}, want: Strings{}},
		{name: "update: a null list clears", in: ContactFields{Emails: Some[[]string](nil)}, current: Strings{a, b}, want: Strings{}},
		{name: "update: nothing given keeps", current: Strings{a, b}, want: Strings{a, b}},
		{name: "both forms are INVALID", in: ContactFields{Email: Some(new(a)), Emails: Some([]string{b})}, current: Strings{c}, want: Strings{c},
			errs: []UserError{uerr(Invalid, "input.email", "give email or emails, not both")}},
		{name: "a repeat in a list is INVALID", in: ContactFields{Emails: Some([]string{a, b, " A@x.com"})}, creating: true,
			errs: []UserError{uerr(Invalid, "input.emails.2", `"a@x.com" is listed twice`)}},
		{name: "a malformed list value is INVALID", in: ContactFields{Emails: Some([]string{a, "nope"})}, creating: true,
			errs: []UserError{uerr(Invalid, "input.emails.1", `"nope" is not a valid email address`)}},
		{name: "a malformed shortcut is INVALID", in: ContactFields{Email: Some(new("a@b"))}, creating: true,
			errs: []UserError{uerr(Invalid, "input.email", `"a@b" is not a valid email address`)}},
		{name: "a too long email is INVALID", in: ContactFields{Emails: Some([]string{strings.Repeat("a", 250) + "@x.com"})}, creating: true,
			errs: []UserError{uerr(Invalid, "input.emails.0", "must be at most 254 characters long")}},
	} {
		t.Run("email/"+tc.name, func(t *testing.T) {
			c := &Contact{Emails: tc.current}
			errs := tc.in.Apply(c, tc.creating)
			wantErrors(t, errs, tc.errs)
			if tc.errs != nil && tc.want == nil {
				return
			}
			if c.Emails == nil || !reflect.DeepEqual(c.Emails, tc.want) {
				t.Fatalf("emails = %#v, want %q", c.Emails, tc.want)
			}
		})
	}
	const p1, p2 = "+14155550101", "+14155550102"
	for _, tc := range []struct {
		name     string
		in       ContactFields
		creating bool
		current  Strings
		want     Strings
		errs     []UserError
	}{
		{name: "create with the shortcut", in: ContactFields{PhoneNumber: Some(new("+1 (415) 555-0101"))}, creating: true, want: Strings{p1}},
		{name: "update: the shortcut replaces the primary", in: ContactFields{PhoneNumber: Some(new(p2))}, current: Strings{p1, "+14155550103"},
			want: Strings{p2, "+14155550103"}},
		{name: "update: null removes the primary", in: ContactFields{PhoneNumber: Some[*string](nil)}, current: Strings{p1, p2}, want: Strings{p2}},
		{name: "update: the list replaces everything", in: ContactFields{PhoneNumbers: Some([]string{p2, "+1 415 555 0101"})}, current: Strings{"+14155550103"},
			want: Strings{p2, p1}},
		{name: "both forms are INVALID", in: ContactFields{PhoneNumber: Some(new(p1)), PhoneNumbers: Some([]string{p1})},
			errs: []UserError{uerr(Invalid, "input.phoneNumber", "give phoneNumber or phoneNumbers, not both")}},
		{name: "a repeat in a list is INVALID", in: ContactFields{PhoneNumbers: Some([]string{p1, "+1 415 555 0101"})},
			errs: []UserError{uerr(Invalid, "input.phoneNumbers.1", `"+14155550101" is listed twice`)}},
		{name: "a malformed value is INVALID", in: ContactFields{PhoneNumber: Some(new("0800 123"))}, creating: true,
			errs: []UserError{uerr(Invalid, "input.phoneNumber", "")}},
		{name: "a too long value is INVALID", in: ContactFields{PhoneNumbers: Some([]string{"+1" + strings.Repeat(" ", 70) + "4155550101"})},
			errs: []UserError{uerr(Invalid, "input.phoneNumbers.0", "must be at most 64 characters long")}},
	} {
		t.Run("phoneNumber/"+tc.name, func(t *testing.T) {
			c := &Contact{PhoneNumbers: tc.current}
			errs := tc.in.Apply(c, tc.creating)
			wantErrors(t, errs, tc.errs)
			if tc.errs != nil {
				return
			}
			if !reflect.DeepEqual(c.PhoneNumbers, tc.want) {
				t.Fatalf("phone numbers = %#v, want %q", c.PhoneNumbers, tc.want)
			}
		})
	}
}

// TestApplySets checks labels (cleaned, length-checked), assignee ids
// (canonicalised, bad ids kept as "" for the store to reject) and documents
// (name and url required).
func TestApplySets(t *testing.T) {
	const id = "3f0c7a4e-0000-4000-8000-0000000000ab"
	for _, tc := range []struct {
		name  string
		in    ContactFields
		check func(*Contact) bool
		errs  []UserError
	}{
		{"labels are trimmed without blanks and repeats", ContactFields{Labels: Some([]string{" vip ", "", "vip", "lead", "  "})},
			func(c *Contact) bool { return reflect.DeepEqual(c.Labels, Strings{"vip", "lead"}) }, nil},
		{"null labels clear", ContactFields{Labels: Some[[]string](nil)},
			func(c *Contact) bool { return c.Labels != nil && len(c.Labels) == 0 }, nil},
		{"labels not given are kept", ContactFields{},
			func(c *Contact) bool { return reflect.DeepEqual(c.Labels, Strings{"old"}) }, nil},
		{"a too long label is INVALID at its index", ContactFields{Labels: Some([]string{"ok", " " + strings.Repeat("l", 256)})}, nil,
			[]UserError{uerr(Invalid, "input.labels.1", "must be at most 255 characters long")}},
		{"a label at the limit once trimmed", ContactFields{Labels: Some([]string{" " + strings.Repeat("l", 255) + " "})},
			func(c *Contact) bool { return reflect.DeepEqual(c.Labels, Strings{strings.Repeat("l", 255)}) }, nil},
		{"assignee ids are canonicalised", ContactFields{AssigneeIDs: Some([]string{strings.ToUpper(id), "not-an-id"})},
			func(c *Contact) bool { return reflect.DeepEqual(c.AssigneeIDs, Strings{id, ""}) }, nil},
		{"null assignees clear", ContactFields{AssigneeIDs: Some[[]string](nil)},
			func(c *Contact) bool { return c.AssigneeIDs != nil && len(c.AssigneeIDs) == 0 }, nil},
		{"documents are set", ContactFields{Documents: Some([]Document{{Name: "cv", URL: "https://x/cv"}})},
			func(c *Contact) bool {
				return reflect.DeepEqual(c.Documents, Documents{{Name: "cv", URL: "https://x/cv"}})
			}, nil},
		{"null documents clear", ContactFields{Documents: Some[[]Document](nil)},
			func(c *Contact) bool { return c.Documents != nil && len(c.Documents) == 0 }, nil},
		{"documents need a name and a url", ContactFields{Documents: Some([]Document{{Name: "ok", URL: "u"}, {Name: " ", URL: "u"}, {Name: "n", URL: ""}})}, nil,
			[]UserError{uerr(Invalid, "input.documents.1", "a document needs a name and a url"),
				uerr(Invalid, "input.documents.2", "a document needs a name and a url")}},
		{"document lengths are checked", ContactFields{Documents: Some([]Document{{Name: strings.Repeat("n", 256), URL: strings.Repeat("u", 2049)}})}, nil,
			[]UserError{uerr(Invalid, "input.documents.0.name", "must be at most 255 characters long"),
				uerr(Invalid, "input.documents.0.url", "must be at most 2048 characters long")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Contact{Labels: Strings{"old"}, AssigneeIDs: Strings{id}, Documents: Documents{{Name: "old", URL: "u"}}}
			errs := tc.in.Apply(c, false)
			wantErrors(t, errs, tc.errs)
			if tc.check != nil && !tc.check(c) {
				t.Fatalf("contact = %+v", c)
			}
		})
	}
}

// TestApplyObjectsAndBlocked checks the JSON objects (set, null is empty)
// and blocked (null clears).
func TestApplyObjectsAndBlocked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    ContactFields
		check func(*Contact) bool
	}{
		{"objects are replaced", ContactFields{CustomAttributes: Some(JSONObject{"k": "v"}), Misc: Some(JSONObject{"m": 1.0})},
			func(c *Contact) bool {
				return reflect.DeepEqual(c.CustomAttributes, JSONObject{"k": "v"}) && reflect.DeepEqual(c.Misc, JSONObject{"m": 1.0}) &&
					reflect.DeepEqual(c.AdditionalAttributes, JSONObject{"old": true})
			}},
		{"a null object is empty", ContactFields{AdditionalAttributes: Some[JSONObject](nil)},
			func(c *Contact) bool { return c.AdditionalAttributes != nil && len(c.AdditionalAttributes) == 0 }},
		{"blocked true", ContactFields{Blocked: Some(new(true))}, func(c *Contact) bool { return c.Blocked }},
		{"blocked false", ContactFields{Blocked: Some(new(false))}, func(c *Contact) bool { return !c.Blocked }},
		{"blocked null clears", ContactFields{Blocked: Some[*bool](nil)}, func(c *Contact) bool { return !c.Blocked }},
		{"blocked not given is kept", ContactFields{}, func(c *Contact) bool { return c.Blocked }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Contact{Blocked: true, AdditionalAttributes: JSONObject{"old": true}}
			if errs := tc.in.Apply(c, false); errs != nil {
				t.Fatal(errs)
			}
			if !tc.check(c) {
				t.Fatalf("contact = %+v", c)
			}
		})
	}
}

// TestApplyCreateEmpty checks that a create with nothing gives every list
// and object an empty, non-nil value and no error.
func TestApplyCreateEmpty(t *testing.T) {
	c := &Contact{}
	if errs := (ContactFields{}).Apply(c, true); errs != nil {
		t.Fatal(errs)
	}
	if c.Emails == nil || c.PhoneNumbers == nil || c.Labels == nil || c.AssigneeIDs == nil || c.Documents == nil ||
		c.CustomAttributes == nil || c.AdditionalAttributes == nil || c.Misc == nil {
		t.Fatalf("nil list or object after create: %+v", c)
	}
	if !c.Blank() {
		t.Fatalf("an empty create is not blank: %+v", c)
	}
}

// TestApplyErrorOrder checks that errors of several fields come in the
// order of Fields.
func TestApplyErrorOrder(t *testing.T) {
	long := new(strings.Repeat("x", 300))
	in := ContactFields{Blocked: Some(new(true)), Labels: Some([]string{*long}), PhoneNumber: Some(new("x")), Email: Some(new("y")),
		Status: Some(long), FirstName: Some(long)}
	wantErrors(t, in.Apply(&Contact{}, true), []UserError{uerr(Invalid, "input.firstName", ""), uerr(Invalid, "input.status", ""),
		uerr(Invalid, "input.email", ""), uerr(Invalid, "input.phoneNumber", ""), uerr(Invalid, "input.labels.0", "")})
}
