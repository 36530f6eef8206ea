package contact

import (
	"reflect"
	"testing"
	"time"
)

// textAt returns the accessor of every TextField by input name; tests fail
// when Fields gains a text field this table does not know.
var textAt = map[string]func(*Contact) **string{
	"firstName":        func(c *Contact) **string { return &c.FirstName },
	"lastName":         func(c *Contact) **string { return &c.LastName },
	"identifier":       func(c *Contact) **string { return &c.Identifier },
	"status":           func(c *Contact) **string { return &c.Status },
	"pipelineId":       func(c *Contact) **string { return &c.PipelineID },
	"pipelineStage":    func(c *Contact) **string { return &c.PipelineStage },
	"outreachConfigId": func(c *Contact) **string { return &c.OutreachConfigID },
	"thumbnail":        func(c *Contact) **string { return &c.Thumbnail },
}

// textFieldsExceptName returns the TextFields that merge on their own (not
// the name parts), failing on one textAt does not know.
func textFieldsExceptName(t *testing.T) []Field {
	t.Helper()
	var out []Field
	for _, f := range Fields {
		if f.Kind != TextField {
			continue
		}
		if textAt[f.Name] == nil {
			t.Fatalf("text field %q has no accessor in textAt", f.Name)
		}
		if f.Name != "firstName" && f.Name != "lastName" {
			out = append(out, f)
		}
	}
	if len(out) != 6 {
		t.Fatalf("%d text fields besides the name, want 6", len(out))
	}
	return out
}

func ptrEq(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return "\"" + *p + "\""
}

// TestMergeTextBaseWins checks the default rule of every text field except
// the name: the base's non-blank value, else the first mergee's with a value
// in mergee order; a blank string counts as no value.
func TestMergeTextBaseWins(t *testing.T) {
	for _, f := range textFieldsExceptName(t) {
		at := textAt[f.Name]
		for _, tc := range []struct {
			name    string
			base    *string
			mergees []*string
			want    *string
		}{
			{"non-blank base wins", new("base"), []*string{new("m1"), new("m2")}, new("base")},
			{"nil base takes the first mergee with a value", nil, []*string{nil, new("m2"), new("m3")}, new("m2")},
			{"blank base counts as blank", new(""), []*string{new(""), new("m2")}, new("m2")},
			{"mergee order decides", nil, []*string{new("m1"), new("m2")}, new("m1")},
			{"no value anywhere stays nil", nil, []*string{nil, new("")}, nil},
			{"no value anywhere keeps the base's blank", new(""), []*string{nil}, new("")},
		} {
			t.Run(f.Name+"/"+tc.name, func(t *testing.T) {
				base := &Contact{ID: "b"}
				*at(base) = tc.base
				var ms []*Contact
				for _, v := range tc.mergees {
					m := &Contact{}
					*at(m) = v
					ms = append(ms, m)
				}
				out := MergedContact(base, ms, nil)
				if got := *at(out); !ptrEq(got, tc.want) {
					t.Fatalf("%s = %s, want %s", f.Name, show(got), show(tc.want))
				}
				if out.ID != "b" {
					t.Fatalf("ID = %q, want the base's", out.ID)
				}
			})
		}
	}
}

// TestMergeNameUnit checks that first and last name move as one unit.
func TestMergeNameUnit(t *testing.T) {
	c := func(first, last *string) *Contact { return &Contact{FirstName: first, LastName: last} }
	for _, tc := range []struct {
		name        string
		base        *Contact
		mergees     []*Contact
		first, last *string
	}{
		{"base with only a first name keeps no last name", c(new("Jane"), nil), []*Contact{c(new("Janet"), new("Smith"))}, new("Jane"), nil},
		{"base with only a last name keeps no first name", c(nil, new("Doe")), []*Contact{c(new("Janet"), new("Smith"))}, nil, new("Doe")},
		{"base without a name takes both parts of the first named mergee", c(nil, nil),
			[]*Contact{c(nil, nil), c(new("Janet"), new("Smith")), c(new("Ann"), new("Lee"))}, new("Janet"), new("Smith")},
		{"first named mergee with only a last name gives no first name", c(nil, nil),
			[]*Contact{c(nil, new("Doe")), c(new("Janet"), new("Smith"))}, nil, new("Doe")},
		{"blank strings count as no name", c(new(""), new("")), []*Contact{c(new("Ann"), new("Lee"))}, new("Ann"), new("Lee")},
		{"nobody named keeps the base's", c(nil, nil), []*Contact{c(nil, nil)}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := MergedContact(tc.base, tc.mergees, nil)
			if !ptrEq(out.FirstName, tc.first) || !ptrEq(out.LastName, tc.last) {
				t.Fatalf("name = %s %s, want %s %s", show(out.FirstName), show(out.LastName), show(tc.first), show(tc.last))
			}
		})
	}
}

// TestMergeFieldChoices checks that each field choice takes the chosen
// contact's value over the default rule, even a blank one.
func TestMergeFieldChoices(t *testing.T) {
	mk := func(id, v string, blocked bool) *Contact {
		c := &Contact{ID: id, Blocked: blocked}
		for _, at := range textAt {
			*at(c) = new(v)
		}
		return c
	}
	base, m1, m2 := mk("b", "base", false), mk("m1", "one", true), mk("m2", "two", false)
	empty := &Contact{ID: "e"}
	for _, f := range Fields {
		if f.Kind != TextField {
			continue
		}
		at := textAt[f.Name]
		t.Run(string(f.Choice)+"/picks a mergee", func(t *testing.T) {
			out := MergedContact(base, []*Contact{m1, m2}, map[MergeableField]*Contact{f.Choice: m2})
			if got := *at(out); !ptrEq(got, new("two")) {
				t.Fatalf("%s = %s, want \"two\"", f.Name, show(got))
			}
			for name, other := range textAt {
				if name != f.Name {
					if got := *other(out); !ptrEq(got, new("base")) {
						t.Fatalf("%s = %s, want the base's (only %s was chosen)", name, show(got), f.Name)
					}
				}
			}
		})
		t.Run(string(f.Choice)+"/picks a blank value", func(t *testing.T) {
			out := MergedContact(base, []*Contact{empty, m1}, map[MergeableField]*Contact{f.Choice: empty})
			if got := *at(out); got != nil {
				t.Fatalf("%s = %s, want nil from the chosen contact", f.Name, show(got))
			}
		})
		t.Run(string(f.Choice)+"/picks the base", func(t *testing.T) {
			nameless := &Contact{ID: "n"}
			out := MergedContact(nameless, []*Contact{m1}, map[MergeableField]*Contact{f.Choice: nameless})
			if got := *at(out); got != nil {
				t.Fatalf("%s = %s, want the base's nil", f.Name, show(got))
			}
		})
	}
	t.Run("NAME takes both parts", func(t *testing.T) {
		jane := &Contact{FirstName: new("Jane")}
		janet := &Contact{FirstName: new("Janet"), LastName: new("Smith")}
		out := MergedContact(janet, []*Contact{jane}, map[MergeableField]*Contact{FieldName: jane})
		if !ptrEq(out.FirstName, new("Jane")) || out.LastName != nil {
			t.Fatalf("name = %s %s, want \"Jane\" <nil>", show(out.FirstName), show(out.LastName))
		}
	})
	t.Run("LAST_NAME overrides NAME", func(t *testing.T) {
		jane := &Contact{FirstName: new("Jane"), LastName: new("Doe")}
		ann := &Contact{FirstName: new("Ann"), LastName: new("Lee")}
		out := MergedContact(&Contact{}, []*Contact{jane, ann}, map[MergeableField]*Contact{FieldName: jane, FieldLastName: ann})
		if !ptrEq(out.FirstName, new("Jane")) || !ptrEq(out.LastName, new("Lee")) {
			t.Fatalf("name = %s %s, want \"Jane\" \"Lee\"", show(out.FirstName), show(out.LastName))
		}
	})
	for _, tc := range []struct {
		name         string
		base, mergee bool
		chooseMergee bool
		want         bool
	}{
		{name: "BLOCKED unchosen keeps the base's false", base: false, mergee: true, want: false},
		{name: "BLOCKED unchosen keeps the base's true", base: true, mergee: false, want: true},
		{name: "BLOCKED picks a blocked mergee", base: false, mergee: true, chooseMergee: true, want: true},
		{name: "BLOCKED picks an unblocked mergee", base: true, mergee: false, chooseMergee: true, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, m := &Contact{Blocked: tc.base}, &Contact{Blocked: tc.mergee}
			var choices map[MergeableField]*Contact
			if tc.chooseMergee {
				choices = map[MergeableField]*Contact{FieldBlocked: m}
			}
			if out := MergedContact(b, []*Contact{m}, choices); out.Blocked != tc.want {
				t.Fatalf("blocked = %v, want %v", out.Blocked, tc.want)
			}
		})
	}
}

// TestMergeUnion checks that lists are united in order: the base's values
// first, then each mergee's new values in mergee order, without repeats.
func TestMergeUnion(t *testing.T) {
	lists := map[string]func(*Contact) *Strings{
		"emails":       func(c *Contact) *Strings { return &c.Emails },
		"phoneNumbers": func(c *Contact) *Strings { return &c.PhoneNumbers },
		"labels":       func(c *Contact) *Strings { return &c.Labels },
		"assigneeIds":  func(c *Contact) *Strings { return &c.AssigneeIDs },
	}
	for name, at := range lists {
		for _, tc := range []struct {
			name    string
			base    Strings
			mergees []Strings
			want    Strings
		}{
			{"base first then new values in mergee order", Strings{"a", "b"}, []Strings{{"b", "c"}, {"d", "a", "c", "e"}}, Strings{"a", "b", "c", "d", "e"}},
			{"empty base", nil, []Strings{{"x", "y"}, {"y", "z"}}, Strings{"x", "y", "z"}},
			{"repeats within one contact are dropped", Strings{"a", "a"}, []Strings{{"b", "b"}}, Strings{"a", "b"}},
			{"nothing anywhere is an empty list", nil, []Strings{nil}, Strings{}},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				base := &Contact{}
				*at(base) = tc.base
				var ms []*Contact
				for _, v := range tc.mergees {
					m := &Contact{}
					*at(m) = v
					ms = append(ms, m)
				}
				out := MergedContact(base, ms, nil)
				got := *at(out)
				if got == nil || !reflect.DeepEqual([]string(got), []string(tc.want)) {
					t.Fatalf("%s = %#v, want %q", name, got, tc.want)
				}
				if len(tc.base) > 0 {
					got[0] = "changed"
					if (*at(base))[0] == "changed" {
						t.Fatal("the merged list aliases the base's")
					}
				}
			})
		}
	}
	d := func(n, u string) Document { return Document{Name: n, URL: u} }
	for _, tc := range []struct {
		name    string
		base    Documents
		mergees []Documents
		want    Documents
	}{
		{"documents in order without repeats", Documents{d("cv", "u1")}, []Documents{{d("id", "u2"), d("cv", "u1")}, {d("cv", "u3"), d("id", "u2")}},
			Documents{d("cv", "u1"), d("id", "u2"), d("cv", "u3")}},
		{"no documents is an empty list", nil, []Documents{nil}, Documents{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ms []*Contact
			for _, v := range tc.mergees {
				ms = append(ms, &Contact{Documents: v})
			}
			out := MergedContact(&Contact{Documents: tc.base}, ms, nil)
			if out.Documents == nil || !reflect.DeepEqual(out.Documents, tc.want) {
				t.Fatalf("documents = %#v, want %v", out.Documents, tc.want)
			}
		})
	}
}

// TestMergeDeep checks the deep merge of the JSON objects: nested objects
// merge key by key, the base and then earlier mergees win, and neither the
// inputs are modified nor the output aliases them.
func TestMergeDeep(t *testing.T) {
	objects := map[string]func(*Contact) *JSONObject{
		"customAttributes":     func(c *Contact) *JSONObject { return &c.CustomAttributes },
		"additionalAttributes": func(c *Contact) *JSONObject { return &c.AdditionalAttributes },
		"misc":                 func(c *Contact) *JSONObject { return &c.Misc },
	}
	for name, at := range objects {
		for _, tc := range []struct {
			name    string
			base    func() JSONObject
			mergees []func() JSONObject
			want    JSONObject
		}{
			{"nested objects merge key by key",
				func() JSONObject { return JSONObject{"a": map[string]any{"x": 1.0}, "k": "base"} },
				[]func() JSONObject{func() JSONObject {
					return JSONObject{"a": map[string]any{"x": 9.0, "y": 2.0}, "b": 3.0, "k": "m1"}
				}},
				JSONObject{"a": map[string]any{"x": 1.0, "y": 2.0}, "b": 3.0, "k": "base"}},
			{"earlier mergees win over later ones",
				func() JSONObject { return nil },
				[]func() JSONObject{
					func() JSONObject { return JSONObject{"k": "m1", "n": map[string]any{"p": "m1"}} },
					func() JSONObject { return JSONObject{"k": "m2", "n": map[string]any{"p": "m2", "q": "m2"}, "z": true} },
				},
				JSONObject{"k": "m1", "n": map[string]any{"p": "m1", "q": "m2"}, "z": true}},
			{"a scalar in the base beats an object",
				func() JSONObject { return JSONObject{"a": 1.0} },
				[]func() JSONObject{func() JSONObject { return JSONObject{"a": map[string]any{"x": 1.0}} }},
				JSONObject{"a": 1.0}},
			{"an object in the base beats a scalar",
				func() JSONObject { return JSONObject{"a": map[string]any{"x": 1.0}} },
				[]func() JSONObject{func() JSONObject { return JSONObject{"a": "s"} }},
				JSONObject{"a": map[string]any{"x": 1.0}}},
			{"three levels deep",
				func() JSONObject { return JSONObject{"a": map[string]any{"b": map[string]any{"c": 1.0}}} },
				[]func() JSONObject{func() JSONObject {
					return JSONObject{"a": map[string]any{"b": map[string]any{"c": 2.0, "d": 3.0}}}
				}},
				JSONObject{"a": map[string]any{"b": map[string]any{"c": 1.0, "d": 3.0}}}},
			{"nothing anywhere is an empty object", func() JSONObject { return nil },
				[]func() JSONObject{func() JSONObject { return nil }}, JSONObject{}},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				base := &Contact{}
				*at(base) = tc.base()
				var ms []*Contact
				for _, m := range tc.mergees {
					c := &Contact{}
					*at(c) = m()
					ms = append(ms, c)
				}
				out := MergedContact(base, ms, nil)
				got := *at(out)
				if got == nil || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("%s = %#v, want %#v", name, got, tc.want)
				}
				// The inputs are unchanged, and changing the output
				// (nested objects included) leaves them unchanged.
				scribble(got)
				if b := *at(base); !reflect.DeepEqual(b, tc.base()) {
					t.Fatalf("base became %#v", b)
				}
				for i, m := range ms {
					if g := *at(m); !reflect.DeepEqual(g, tc.mergees[i]()) {
						t.Fatalf("mergee %d became %#v", i, g)
					}
				}
			})
		}
	}
}

// scribble changes every object in o, nested ones included.
func scribble(o map[string]any) {
	for _, v := range o {
		if n, ok := v.(map[string]any); ok {
			scribble(n)
		}
	}
	o["scribbled"] = true
}

// TestObjectCopiesCopyArrays checks that objects inside JSON arrays are
// copied too, so neither a merged object nor a separation's BOTH copy
// aliases its input.
func TestObjectCopiesCopyArrays(t *testing.T) {
	attrs := func() JSONObject { return JSONObject{"list": []any{map[string]any{"x": 1.0}}} }
	x := func(o JSONObject) any { return o["list"].([]any)[0].(map[string]any)["x"] }
	t.Run("merge", func(t *testing.T) {
		base := &Contact{CustomAttributes: attrs()}
		out := MergedContact(base, []*Contact{{}}, nil)
		out.CustomAttributes["list"].([]any)[0].(map[string]any)["x"] = 2.0
		if got := x(base.CustomAttributes); got != 1.0 {
			t.Fatalf("changing the merged object changed the base's to %v", got)
		}
	})
	t.Run("split BOTH", func(t *testing.T) {
		orig := &Contact{CustomAttributes: attrs()}
		o, n, _, _ := SplitFields(orig, ContactFieldSplit{CustomAttributes: new(PlaceBoth)})
		n.CustomAttributes["list"].([]any)[0].(map[string]any)["x"] = 2.0
		if got := x(o.CustomAttributes); got != 1.0 {
			t.Fatalf("changing the new side changed the original side to %v", got)
		}
	})
}

// TestMergeLastActivity checks that the survivor's lastActivityAt is the
// latest of all.
func TestMergeLastActivity(t *testing.T) {
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	t2, t3 := t1.Add(time.Hour), t1.Add(2*time.Hour)
	for _, tc := range []struct {
		name    string
		base    *time.Time
		mergees []*time.Time
		want    *time.Time
	}{
		{"latest mergee", &t1, []*time.Time{&t3, &t2}, &t3},
		{"latest base", &t3, []*time.Time{&t1, nil}, &t3},
		{"base without activity", nil, []*time.Time{nil, &t2}, &t2},
		{"nobody active", nil, []*time.Time{nil}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ms []*Contact
			for _, v := range tc.mergees {
				ms = append(ms, &Contact{LastActivityAt: v})
			}
			out := MergedContact(&Contact{LastActivityAt: tc.base}, ms, nil)
			if (out.LastActivityAt == nil) != (tc.want == nil) || tc.want != nil && !out.LastActivityAt.Equal(*tc.want) {
				t.Fatalf("lastActivityAt = %v, want %v", out.LastActivityAt, tc.want)
			}
		})
	}
}

// TestMergedContactLeavesInputs checks that a full merge changes none of
// its arguments.
func TestMergedContactLeavesInputs(t *testing.T) {
	mk := func() []*Contact {
		return []*Contact{
			{ID: "b", FirstName: new("Jane"), Emails: Strings{"a@x.com"}, Labels: Strings{"l1"}, Documents: Documents{{Name: "n", URL: "u"}},
				CustomAttributes: JSONObject{"a": map[string]any{"x": 1.0}}},
			{ID: "m", LastName: new("Doe"), Status: new("s"), Emails: Strings{"b@x.com"}, PhoneNumbers: Strings{"+14155550100"},
				AssigneeIDs: Strings{"u"}, Misc: JSONObject{"k": "v"}, Blocked: true},
		}
	}
	in, want := mk(), mk()
	out := MergedContact(in[0], in[1:], map[MergeableField]*Contact{FieldBlocked: in[1], FieldStatus: in[0]})
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("inputs changed: %+v", in)
	}
	if out.Status != nil || !out.Blocked || !reflect.DeepEqual([]string(out.Emails), []string{"a@x.com", "b@x.com"}) {
		t.Fatalf("survivor = %+v", out)
	}
}
