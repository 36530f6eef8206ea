package contact

import (
	"reflect"
	"strings"
	"testing"
)

// path joins an input path for messages and comparisons.
func path(p []string) string { return strings.Join(p, ".") }

// wantErrors compares user errors by code and path (and message when the
// want has one).
func wantErrors(t *testing.T, got UserErrors, want []UserError) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("errors = %+v, want %+v", got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.Code != w.Code || path(g.Field) != path(w.Field) || w.Message != "" && g.Message != w.Message {
			t.Fatalf("error %d = %+v, want %+v", i, g, w)
		}
	}
}

func uerr(code ErrorCode, p string, msg string) UserError {
	return UserError{Code: code, Field: strings.Split(p, "."), Message: msg}
}

// TestSplitValues checks the fields split by values for both sides: the
// values are trimmed, blank is null, and an absent split keeps the
// original's value on the original only.
func TestSplitValues(t *testing.T) {
	for _, name := range []string{"firstName", "lastName", "identifier"} {
		at := textAt[name]
		split := func(sp *StringSplit) ContactFieldSplit {
			var fs ContactFieldSplit
			switch name {
			case "firstName":
				fs.FirstName = sp
			case "lastName":
				fs.LastName = sp
			case "identifier":
				fs.Identifier = sp
			}
			return fs
		}
		for _, tc := range []struct {
			name       string
			sp         *StringSplit
			orig, newv *string
			errs       []UserError
		}{
			{"values for both sides", &StringSplit{Original: new(" Jane "), New: new("Janet")}, new("Jane"), new("Janet"), nil},
			{"blank is null", &StringSplit{Original: new("  "), New: new("")}, nil, nil, nil},
			{"null is null", &StringSplit{New: new("Janet")}, nil, new("Janet"), nil},
			{"no split keeps the original's", nil, new("Old"), nil, nil},
			{"too long", &StringSplit{Original: new(strings.Repeat("x", 256)), New: new(strings.Repeat("y", 256))}, nil, nil,
				[]UserError{uerr(Invalid, "input.fieldSplit."+name+".original", "must be at most 255 characters long"),
					uerr(Invalid, "input.fieldSplit."+name+".new", "must be at most 255 characters long")}},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				orig := &Contact{ID: "c"}
				*at(orig) = new("Old")
				o, n, _, errs := SplitFields(orig, split(tc.sp))
				wantErrors(t, errs, tc.errs)
				if tc.errs != nil {
					return
				}
				if !ptrEq(*at(o), tc.orig) || !ptrEq(*at(n), tc.newv) {
					t.Fatalf("%s = %s / %s, want %s / %s", name, show(*at(o)), show(*at(n)), show(tc.orig), show(tc.newv))
				}
				if !ptrEq(*at(orig), new("Old")) {
					t.Fatal("the original changed")
				}
			})
		}
	}
}

// placementField is a field a separation divides by a placement.
type placementField struct {
	name  string
	set   func(*ContactFieldSplit, *FieldPlacement)
	fill  func(*Contact)     // gives the original a value
	get   func(*Contact) any // the field's value
	value any                // the value fill gives
	empty any                // the value of a side without it
}

func placementFields() []placementField {
	text := func(name string, set func(*ContactFieldSplit, *FieldPlacement)) placementField {
		at := textAt[name]
		return placementField{name, set, func(c *Contact) { *at(c) = new("v-" + name) }, func(c *Contact) any { return *at(c) },
			new("v-" + name), (*string)(nil)}
	}
	object := func(name string, at func(*Contact) *JSONObject, set func(*ContactFieldSplit, *FieldPlacement)) placementField {
		return placementField{name, set,
			func(c *Contact) { *at(c) = JSONObject{"k": name, "nested": map[string]any{"x": 1.0}} },
			func(c *Contact) any { return *at(c) },
			JSONObject{"k": name, "nested": map[string]any{"x": 1.0}}, JSONObject{}}
	}
	return []placementField{
		text("status", func(s *ContactFieldSplit, p *FieldPlacement) { s.Status = p }),
		text("pipelineId", func(s *ContactFieldSplit, p *FieldPlacement) { s.PipelineID = p }),
		text("pipelineStage", func(s *ContactFieldSplit, p *FieldPlacement) { s.PipelineStage = p }),
		text("outreachConfigId", func(s *ContactFieldSplit, p *FieldPlacement) { s.OutreachConfigID = p }),
		text("thumbnail", func(s *ContactFieldSplit, p *FieldPlacement) { s.Thumbnail = p }),
		{"assigneeIds", func(s *ContactFieldSplit, p *FieldPlacement) { s.Assignees = p },
			func(c *Contact) { c.AssigneeIDs = Strings{"u1", "u2"} }, func(c *Contact) any { return c.AssigneeIDs },
			Strings{"u1", "u2"}, Strings{}},
		{"documents", func(s *ContactFieldSplit, p *FieldPlacement) { s.Documents = p },
			func(c *Contact) { c.Documents = Documents{{Name: "cv", URL: "u"}} }, func(c *Contact) any { return c.Documents },
			Documents{{Name: "cv", URL: "u"}}, Documents{}},
		object("customAttributes", func(c *Contact) *JSONObject { return &c.CustomAttributes },
			func(s *ContactFieldSplit, p *FieldPlacement) { s.CustomAttributes = p }),
		object("additionalAttributes", func(c *Contact) *JSONObject { return &c.AdditionalAttributes },
			func(s *ContactFieldSplit, p *FieldPlacement) { s.AdditionalAttributes = p }),
		object("misc", func(c *Contact) *JSONObject { return &c.Misc },
			func(s *ContactFieldSplit, p *FieldPlacement) { s.Misc = p }),
	}
}

// TestSplitPlacements checks ORIGINAL, NEW and BOTH (and no placement) for
// every field a separation places: NEW clears the original, BOTH copies,
// and the sides never share a list or an object.
func TestSplitPlacements(t *testing.T) {
	for _, f := range placementFields() {
		for _, tc := range []struct {
			name       string
			p          *FieldPlacement
			onO, onNew bool
		}{
			{"none", nil, true, false},
			{"ORIGINAL", new(PlaceOriginal), true, false},
			{"NEW", new(PlaceNew), false, true},
			{"BOTH", new(PlaceBoth), true, true},
		} {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				orig := &Contact{ID: "c"}
				f.fill(orig)
				var fs ContactFieldSplit
				f.set(&fs, tc.p)
				o, n, addrs, errs := SplitFields(orig, fs)
				if errs != nil || addrs != nil {
					t.Fatalf("errors %v, addresses %v", errs, addrs)
				}
				want := func(on bool) any {
					if on {
						return f.value
					}
					return f.empty
				}
				if got := f.get(o); !reflect.DeepEqual(got, want(tc.onO)) {
					t.Fatalf("original = %#v, want %#v", got, want(tc.onO))
				}
				if got := f.get(n); !reflect.DeepEqual(got, want(tc.onNew)) {
					t.Fatalf("new = %#v, want %#v", got, want(tc.onNew))
				}
				if got := f.get(orig); !reflect.DeepEqual(got, f.value) {
					t.Fatalf("the input changed to %#v", got)
				}
				// The new side is a copy: changing it changes neither
				// the original side nor the input.
				switch v := f.get(n).(type) {
				case Strings:
					if len(v) > 0 {
						v[0] = "changed"
					}
				case Documents:
					if len(v) > 0 {
						v[0].Name = "changed"
					}
				case JSONObject:
					scribble(v)
				}
				if got := f.get(orig); !reflect.DeepEqual(got, f.value) {
					t.Fatalf("changing the new side changed the input to %#v", got)
				}
				if got := f.get(o); !reflect.DeepEqual(got, want(tc.onO)) {
					t.Fatalf("changing the new side changed the original side to %#v", got)
				}
			})
		}
	}
}

// TestSplitLeavesBlockedOnOriginal checks that blocked stays on the
// original and the new contact starts unblocked with empty lists.
func TestSplitLeavesBlockedOnOriginal(t *testing.T) {
	o, n, _, errs := SplitFields(&Contact{ID: "c", Blocked: true}, ContactFieldSplit{})
	if errs != nil || !o.Blocked || n.Blocked || o.ID != "c" || n.ID != "" {
		t.Fatalf("original %+v, new %+v, errors %v", o, n, errs)
	}
	if n.Emails == nil || n.PhoneNumbers == nil || n.Labels == nil || n.AssigneeIDs == nil || n.Documents == nil ||
		n.CustomAttributes == nil || n.AdditionalAttributes == nil || n.Misc == nil {
		t.Fatalf("the new contact has a nil list or object: %+v", n)
	}
	if !n.Blank() {
		t.Fatal("the new contact of an empty split is not blank")
	}
}

// TestSplitLabels checks the labels list split: each side gets its cleaned
// list, labels named by neither side stay on the original.
func TestSplitLabels(t *testing.T) {
	for _, tc := range []struct {
		name       string
		orig       Strings
		sp         *StringListSplit
		onO, onNew Strings
		errs       []UserError
	}{
		{"no split", Strings{"a", "b"}, nil, Strings{"a", "b"}, Strings{}, nil},
		{"unplaced labels stay on the original, after its own", Strings{"a", "b", "c"}, &StringListSplit{Original: []string{"c"}, New: []string{"a"}},
			Strings{"c", "b"}, Strings{"a"}, nil},
		{"a label on both sides", Strings{"a"}, &StringListSplit{Original: []string{"a"}, New: []string{"a"}}, Strings{"a"}, Strings{"a"}, nil},
		{"new labels are allowed", Strings{"a"}, &StringListSplit{New: []string{"z"}}, Strings{"a"}, Strings{"z"}, nil},
		{"labels are trimmed, blanks and repeats dropped", Strings{"a"}, &StringListSplit{Original: []string{" a ", "", "a"}, New: []string{"b ", " b"}},
			Strings{"a"}, Strings{"b"}, nil},
		{"too long", nil, &StringListSplit{Original: []string{"ok", strings.Repeat("l", 256)}, New: []string{strings.Repeat("l", 256)}}, nil, nil,
			[]UserError{uerr(Invalid, "input.fieldSplit.labels.original.1", ""), uerr(Invalid, "input.fieldSplit.labels.new.0", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := &Contact{Labels: tc.orig}
			o, n, _, errs := SplitFields(orig, ContactFieldSplit{Labels: tc.sp})
			wantErrors(t, errs, tc.errs)
			if tc.errs != nil {
				return
			}
			if !reflect.DeepEqual(o.Labels, tc.onO) || !reflect.DeepEqual(n.Labels, tc.onNew) {
				t.Fatalf("labels = %q / %q, want %q / %q", o.Labels, n.Labels, tc.onO, tc.onNew)
			}
		})
	}
}

// TestSplitAddresses checks the address split with its exact input paths:
// the one-value shortcut moves only its value and keeps the rest on the
// original; a list split gives each side its list; a value on both sides
// is TAKEN; a repeat within a side, a malformed value and both forms are
// INVALID.
func TestSplitAddresses(t *testing.T) {
	const a, b, c = "a@x.com", "b@x.com", "c@x.com"
	const p1, p2, p3 = "+14155550101", "+14155550102", "+14155550103"
	sa := func(v, p string) SideAddress { return SideAddress{Value: v, Path: strings.Split(p, ".")} }
	for _, tc := range []struct {
		name             string
		fs               ContactFieldSplit
		oEmails, nEmails Strings
		oPhones, nPhones Strings
		addrs            []SideAddress
		errs             []UserError
	}{
		{name: "nothing named keeps all on the original", oEmails: Strings{a, b}, nEmails: Strings{}, oPhones: Strings{p1, p2, p3}, nPhones: Strings{}},
		{name: "one email moves to the new side",
			fs:      ContactFieldSplit{Email: &StringSplit{New: new(" B@X.com ")}},
			oEmails: Strings{a}, nEmails: Strings{b}, oPhones: Strings{p1, p2, p3}, nPhones: Strings{},
			addrs: []SideAddress{sa(b, "input.fieldSplit.email.new")}},
		{name: "one phone for each side, the rest stays on the original",
			fs:      ContactFieldSplit{PhoneNumber: &StringSplit{Original: new("+1 415 555 0103"), New: new("+1 (415) 555-0101")}},
			oEmails: Strings{a, b}, nEmails: Strings{}, oPhones: Strings{p3, p2}, nPhones: Strings{p1},
			addrs: []SideAddress{sa(p3, "input.fieldSplit.phoneNumber.original"), sa(p1, "input.fieldSplit.phoneNumber.new")}},
		{name: "a new value for the original becomes its primary",
			fs:      ContactFieldSplit{Email: &StringSplit{Original: new(c)}},
			oEmails: Strings{c, a, b}, nEmails: Strings{}, oPhones: Strings{p1, p2, p3}, nPhones: Strings{},
			addrs: []SideAddress{sa(c, "input.fieldSplit.email.original")}},
		{name: "blank one-value sides are ignored",
			fs:      ContactFieldSplit{Email: &StringSplit{Original: new(""), New: new("")}},
			oEmails: Strings{a, b}, nEmails: Strings{}, oPhones: Strings{p1, p2, p3}, nPhones: Strings{}},
		{name: "list split",
			fs:      ContactFieldSplit{Emails: &StringListSplit{Original: []string{b}, New: []string{a, c}}},
			oEmails: Strings{b}, nEmails: Strings{a, c}, oPhones: Strings{p1, p2, p3}, nPhones: Strings{},
			addrs: []SideAddress{sa(b, "input.fieldSplit.emails.original.0"), sa(a, "input.fieldSplit.emails.new.0"), sa(c, "input.fieldSplit.emails.new.1")}},
		{name: "list split of one side keeps the rest on the original",
			fs:      ContactFieldSplit{PhoneNumbers: &StringListSplit{New: []string{p2}}},
			oEmails: Strings{a, b}, nEmails: Strings{}, oPhones: Strings{p1, p3}, nPhones: Strings{p2},
			addrs: []SideAddress{sa(p2, "input.fieldSplit.phoneNumbers.new.0")}},
		{name: "one value on both sides is TAKEN",
			fs:   ContactFieldSplit{Email: &StringSplit{Original: new(a), New: new("A@x.com")}},
			errs: []UserError{uerr(Taken, "input.fieldSplit.email.new", `"a@x.com" cannot belong to both contacts`)}},
		{name: "a list value on both sides is TAKEN",
			fs:   ContactFieldSplit{PhoneNumbers: &StringListSplit{Original: []string{p1, p2}, New: []string{p3, "+1 415 555 0102"}}},
			errs: []UserError{uerr(Taken, "input.fieldSplit.phoneNumbers.new.1", `"+14155550102" cannot belong to both contacts`)}},
		{name: "a repeat within a side is INVALID",
			fs:   ContactFieldSplit{Emails: &StringListSplit{Original: []string{a, "A@X.COM"}}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.emails.original.1", `"a@x.com" is listed twice`)}},
		{name: "a malformed email is INVALID",
			fs:   ContactFieldSplit{Emails: &StringListSplit{New: []string{a, "not-an-email"}}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.emails.new.1", `"not-an-email" is not a valid email address`)}},
		{name: "a malformed phone is INVALID",
			fs: ContactFieldSplit{PhoneNumber: &StringSplit{New: new("555")}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.phoneNumber.new",
				`"555" is not a valid phone number: use + and the country code, then 8 to 15 digits in all`)}},
		{name: "a too long address is INVALID without being echoed",
			fs:   ContactFieldSplit{Email: &StringSplit{Original: new(strings.Repeat("a", 250) + "@x.com")}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.email.original", "must be at most 254 characters long")}},
		{name: "both forms of emails are INVALID",
			fs:   ContactFieldSplit{Email: &StringSplit{New: new(a)}, Emails: &StringListSplit{New: []string{a}}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.email", "give email or emails, not both")}},
		{name: "both forms of phone numbers are INVALID",
			fs:   ContactFieldSplit{PhoneNumber: &StringSplit{New: new(p1)}, PhoneNumbers: &StringListSplit{New: []string{p1}}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.phoneNumber", "give phoneNumber or phoneNumbers, not both")}},
		{name: "errors are reported in field order",
			fs: ContactFieldSplit{PhoneNumbers: &StringListSplit{New: []string{"x"}}, Emails: &StringListSplit{New: []string{"y"}},
				FirstName: &StringSplit{New: new(strings.Repeat("n", 300))}},
			errs: []UserError{uerr(Invalid, "input.fieldSplit.firstName.new", ""), uerr(Invalid, "input.fieldSplit.emails.new.0", ""),
				uerr(Invalid, "input.fieldSplit.phoneNumbers.new.0", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := &Contact{ID: "c", Emails: Strings{a, b}, PhoneNumbers: Strings{p1, p2, p3}}
			o, n, addrs, errs := SplitFields(orig, tc.fs)
			wantErrors(t, errs, tc.errs)
			if tc.errs != nil {
				return
			}
			got := []Strings{o.Emails, n.Emails, o.PhoneNumbers, n.PhoneNumbers}
			want := []Strings{tc.oEmails, tc.nEmails, tc.oPhones, tc.nPhones}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("emails, phones = %q, want %q", got, want)
			}
			if !reflect.DeepEqual(addrs, tc.addrs) {
				t.Fatalf("addresses = %+v, want %+v", addrs, tc.addrs)
			}
			if !reflect.DeepEqual(orig.Emails, Strings{a, b}) || !reflect.DeepEqual(orig.PhoneNumbers, Strings{p1, p2, p3}) {
				t.Fatalf("the input changed: %+v", orig)
			}
		})
	}
}

// TestSplitAddressesBothForms checks what splitAddresses leaves when both
// forms are given: the original keeps its list, the new side gets none.
func TestSplitAddressesBothForms(t *testing.T) {
	var errs UserErrors
	o, n, addrs := splitAddresses(&errs, "email", "emails", &StringSplit{}, &StringListSplit{}, []string{"a@x.com"}, emailKind)
	if !reflect.DeepEqual(o, []string{"a@x.com"}) || n == nil || len(n) != 0 || addrs != nil || len(errs) != 1 {
		t.Fatalf("got %q, %#v, %v, %v", o, n, addrs, errs)
	}
}

// TestUnplaced checks that unplaced keeps the current values neither side
// lists, in order, once each.
func TestUnplaced(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		current, orig, newer []string
		want                 []string
	}{
		{"nothing placed", []string{"a", "b"}, nil, nil, []string{"a", "b"}},
		{"placed on either side", []string{"a", "b", "c", "d"}, []string{"c"}, []string{"a"}, []string{"b", "d"}},
		{"all placed", []string{"a"}, []string{"a"}, nil, []string{}},
		{"repeats kept once", []string{"a", "a", "b"}, nil, nil, []string{"a", "b"}},
		{"no current values", nil, []string{"a"}, nil, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unplaced(tc.current, tc.orig, tc.newer); got == nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("unplaced = %#v, want %q", got, tc.want)
			}
		})
	}
}

// TestBlank checks that a contact is blank only when every field is.
func TestBlank(t *testing.T) {
	setters := map[string]func(*Contact){
		"emails":               func(c *Contact) { c.Emails = Strings{"a@x.com"} },
		"phoneNumbers":         func(c *Contact) { c.PhoneNumbers = Strings{"+14155550100"} },
		"labels":               func(c *Contact) { c.Labels = Strings{"l"} },
		"assigneeIds":          func(c *Contact) { c.AssigneeIDs = Strings{"u"} },
		"customAttributes":     func(c *Contact) { c.CustomAttributes = JSONObject{"k": 1.0} },
		"additionalAttributes": func(c *Contact) { c.AdditionalAttributes = JSONObject{"k": 1.0} },
		"misc":                 func(c *Contact) { c.Misc = JSONObject{"k": 1.0} },
		"documents":            func(c *Contact) { c.Documents = Documents{{Name: "n", URL: "u"}} },
		"blocked":              func(c *Contact) { c.Blocked = true },
	}
	for name, at := range textAt {
		setters[name] = func(c *Contact) { *at(c) = new("v") }
	}
	t.Run("zero contact", func(t *testing.T) {
		if !(&Contact{}).Blank() {
			t.Fatal("a zero contact is not blank")
		}
	})
	t.Run("empty values and ids do not count", func(t *testing.T) {
		c := &Contact{ID: "c", Version: 3, FirstName: new(""), Emails: Strings{}, Labels: Strings{}, CustomAttributes: JSONObject{},
			Documents: Documents{}}
		if !c.Blank() {
			t.Fatal("a contact with only empty values is not blank")
		}
	})
	for _, f := range Fields {
		set := setters[f.Name]
		if set == nil {
			t.Fatalf("field %q has no setter in TestBlank", f.Name)
		}
		t.Run(f.Name, func(t *testing.T) {
			c := &Contact{}
			set(c)
			if c.Blank() {
				t.Fatalf("a contact with only %s set is blank", f.Name)
			}
		})
	}
}
