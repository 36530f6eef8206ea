package contact

import (
	"fmt"
	"strconv"
	"strings"
)

// FieldKind says how a contact field is given, combined by a merge and
// divided by a separation.
type FieldKind int

// The kinds of contact field.
const (
	// TextField is trimmed text, blank meaning null. A merge keeps the
	// base's non-blank value, else the first mergee's (the name parts move
	// as one unit); a separation takes values for both sides or a placement.
	TextField FieldKind = iota + 1
	// AddressField is a list of normalised emails or phone numbers, primary
	// first, with a one-value shortcut. A merge unites the lists; a
	// separation takes values per side and keeps the rest on the original.
	AddressField
	// SetField is a list without repeats: labels, assignees, documents. A
	// merge unites the lists; a separation takes lists per side or a
	// placement.
	SetField
	// ObjectField is a JSON object. A merge deep-merges, the base winning; a
	// separation takes a placement.
	ObjectField
	// FlagField is a boolean. A merge keeps the base's unless a choice
	// picks another contact's; a separation leaves it on the original.
	FlagField
)

// Field describes one field of a contact: its input name, its kind and how
// create and update, merge and separate treat it. Fields lists them all;
// every rule over a contact's fields iterates it, so a new field is one
// entry there (plus its column and migration in the store).
type Field struct {
	// Name is the field's name in create and update input.
	Name string
	// Kind says how the field is combined and divided.
	Kind FieldKind
	// Choice is the fieldChoices value that picks the field's surviving
	// value in a merge; "" when a merge combines the values instead.
	Choice MergeableField
	// Column is the field's column in the contacts table; "" for the
	// addresses, which have tables of their own.
	Column string
	rules  fieldRules
}

// Stored returns the field's value in c as it is written to Column.
func (f Field) Stored(c *Contact) any { return f.rules.stored(c) }

// fieldRules are the rules of one field, by kind.
type fieldRules interface {
	// apply writes a create or update input's value onto c.
	apply(in *ContactFields, c *Contact, creating bool, errs *UserErrors)
	// merge writes the merged value onto out; all is the base, then the
	// mergees in input order.
	merge(out *Contact, all []*Contact, choices map[MergeableField]*Contact)
	// split divides the field between o and n (both start as copies of
	// the original's state: o as the original, n empty) and returns the
	// addresses given to either side.
	split(fs *ContactFieldSplit, orig, o, n *Contact, errs *UserErrors) []SideAddress
	// empty gives a nil list or object its empty value.
	empty(c *Contact)
	// blank reports whether c has no value in the field.
	blank(c *Contact) bool
	// stored returns the value written to the field's column.
	stored(c *Contact) any
}

// Fields lists every field of a contact a caller can set, in the order
// their errors are reported.
var Fields = []Field{
	textField("firstName", "first_name", MaxNameLength, FieldFirstName, true, func(c *Contact) **string { return &c.FirstName },
		func(f *ContactFields) Opt[*string] { return f.FirstName }, func(s *ContactFieldSplit) *StringSplit { return s.FirstName }, nil),
	textField("lastName", "last_name", MaxNameLength, FieldLastName, true, func(c *Contact) **string { return &c.LastName },
		func(f *ContactFields) Opt[*string] { return f.LastName }, func(s *ContactFieldSplit) *StringSplit { return s.LastName }, nil),
	textField("identifier", "identifier", MaxNameLength, FieldIdentifier, false, func(c *Contact) **string { return &c.Identifier },
		func(f *ContactFields) Opt[*string] { return f.Identifier }, func(s *ContactFieldSplit) *StringSplit { return s.Identifier }, nil),
	textField("status", "status", MaxNameLength, FieldStatus, false, func(c *Contact) **string { return &c.Status },
		func(f *ContactFields) Opt[*string] { return f.Status }, nil, func(s *ContactFieldSplit) *FieldPlacement { return s.Status }),
	textField("pipelineId", "pipeline_id", MaxNameLength, FieldPipelineID, false, func(c *Contact) **string { return &c.PipelineID },
		func(f *ContactFields) Opt[*string] { return f.PipelineID }, nil, func(s *ContactFieldSplit) *FieldPlacement { return s.PipelineID }),
	textField("pipelineStage", "pipeline_stage", MaxNameLength, FieldPipelineStage, false, func(c *Contact) **string { return &c.PipelineStage },
		func(f *ContactFields) Opt[*string] { return f.PipelineStage }, nil, func(s *ContactFieldSplit) *FieldPlacement { return s.PipelineStage }),
	textField("outreachConfigId", "outreach_config_id", MaxNameLength, FieldOutreachConfigID, false, func(c *Contact) **string { return &c.OutreachConfigID },
		func(f *ContactFields) Opt[*string] { return f.OutreachConfigID }, nil, func(s *ContactFieldSplit) *FieldPlacement { return s.OutreachConfigID }),
	textField("thumbnail", "thumbnail", MaxURLLength, FieldThumbnail, false, func(c *Contact) **string { return &c.Thumbnail },
		func(f *ContactFields) Opt[*string] { return f.Thumbnail }, nil, func(s *ContactFieldSplit) *FieldPlacement { return s.Thumbnail }),
	{Name: "emails", Kind: AddressField, rules: addressRules{one: "email", all: "emails", kind: emailKind,
		at: func(c *Contact) *Strings { return &c.Emails },
		in: func(f *ContactFields) (Opt[*string], Opt[[]string]) { return f.Email, f.Emails },
		sp: func(s *ContactFieldSplit) (*StringSplit, *StringListSplit) { return s.Email, s.Emails }}},
	{Name: "phoneNumbers", Kind: AddressField, rules: addressRules{one: "phoneNumber", all: "phoneNumbers", kind: phoneKind,
		at: func(c *Contact) *Strings { return &c.PhoneNumbers },
		in: func(f *ContactFields) (Opt[*string], Opt[[]string]) { return f.PhoneNumber, f.PhoneNumbers },
		sp: func(s *ContactFieldSplit) (*StringSplit, *StringListSplit) { return s.PhoneNumber, s.PhoneNumbers }}},
	{Name: "labels", Kind: SetField, Column: "labels", rules: setRules{name: "labels", clean: labelsOf,
		at:     func(c *Contact) *Strings { return &c.Labels },
		in:     func(f *ContactFields) Opt[[]string] { return f.Labels },
		values: func(s *ContactFieldSplit) *StringListSplit { return s.Labels }}},
	{Name: "assigneeIds", Kind: SetField, Column: "assignee_ids", rules: setRules{name: "assigneeIds",
		clean: func(_ *UserErrors, ids []string, _ []string) []string { return CanonicalIDs(ids) },
		at:    func(c *Contact) *Strings { return &c.AssigneeIDs },
		in:    func(f *ContactFields) Opt[[]string] { return f.AssigneeIDs },
		place: func(s *ContactFieldSplit) *FieldPlacement { return s.Assignees }}},
	objectField("customAttributes", "custom_attributes", func(c *Contact) *JSONObject { return &c.CustomAttributes },
		func(f *ContactFields) Opt[JSONObject] { return f.CustomAttributes }, func(s *ContactFieldSplit) *FieldPlacement { return s.CustomAttributes }),
	objectField("additionalAttributes", "additional_attributes", func(c *Contact) *JSONObject { return &c.AdditionalAttributes },
		func(f *ContactFields) Opt[JSONObject] { return f.AdditionalAttributes }, func(s *ContactFieldSplit) *FieldPlacement { return s.AdditionalAttributes }),
	objectField("misc", "misc", func(c *Contact) *JSONObject { return &c.Misc },
		func(f *ContactFields) Opt[JSONObject] { return f.Misc }, func(s *ContactFieldSplit) *FieldPlacement { return s.Misc }),
	{Name: "documents", Kind: SetField, Column: "documents", rules: documentRules{}},
	{Name: "blocked", Kind: FlagField, Choice: FieldBlocked, Column: "blocked", rules: flagRules{}},
}

// textField describes a text field; a separation divides it by values
// (values not nil) or by a placement (place not nil).
func textField(name, column string, max int, choice MergeableField, namePart bool, at func(*Contact) **string,
	in func(*ContactFields) Opt[*string], values func(*ContactFieldSplit) *StringSplit, place func(*ContactFieldSplit) *FieldPlacement) Field {
	return Field{Name: name, Kind: TextField, Choice: choice, Column: column,
		rules: textRules{name: name, max: max, choice: choice, namePart: namePart, at: at, in: in, values: values, place: place}}
}

// objectField describes a JSON object field.
func objectField(name, column string, at func(*Contact) *JSONObject, in func(*ContactFields) Opt[JSONObject], place func(*ContactFieldSplit) *FieldPlacement) Field {
	return Field{Name: name, Kind: ObjectField, Column: column, rules: objectRules{at: at, in: in, place: place}}
}

// placed reports whether a placement gives the field to the new contact,
// and whether it also clears it on the original.
func placed(p *FieldPlacement) (toNew, clear bool) {
	if p == nil || *p == PlaceOriginal {
		return false, false
	}
	return true, *p == PlaceNew
}

// textRules are the rules of a TextField.
type textRules struct {
	name     string
	max      int
	choice   MergeableField
	namePart bool // first or last name: merged with the other part as one unit
	at       func(*Contact) **string
	in       func(*ContactFields) Opt[*string]
	values   func(*ContactFieldSplit) *StringSplit
	place    func(*ContactFieldSplit) *FieldPlacement
}

func (r textRules) apply(in *ContactFields, c *Contact, _ bool, errs *UserErrors) {
	if opt := r.in(in); opt.Set && CheckOptLength(errs, opt.Value, r.max, "input", r.name) {
		*r.at(c) = BlankToNil(opt.Value)
	}
}

func (r textRules) merge(out *Contact, all []*Contact, choices map[MergeableField]*Contact) {
	if r.namePart {
		src, ok := choices[FieldName]
		if !ok {
			src = namedContact(all)
		}
		*r.at(out) = *r.at(src)
	} else {
		for _, c := range all {
			if v := *r.at(c); v != nil && *v != "" {
				*r.at(out) = v
				break
			}
		}
	}
	if chosen, ok := choices[r.choice]; ok {
		*r.at(out) = *r.at(chosen)
	}
}

func (r textRules) split(fs *ContactFieldSplit, _, o, n *Contact, errs *UserErrors) []SideAddress {
	if r.values != nil {
		if sp := r.values(fs); sp != nil {
			CheckOptLength(errs, sp.Original, r.max, SplitPath(r.name, "original")...)
			CheckOptLength(errs, sp.New, r.max, SplitPath(r.name, "new")...)
			*r.at(o), *r.at(n) = BlankToNil(sp.Original), BlankToNil(sp.New)
			return nil
		}
	}
	if toNew, clear := placed(r.placement(fs)); toNew {
		*r.at(n) = *r.at(o)
		if clear {
			*r.at(o) = nil
		}
	}
	return nil
}

// placement returns the field's placement: its own (place) or one given
// by Place to a field divided by values.
func (r textRules) placement(fs *ContactFieldSplit) *FieldPlacement {
	if r.place != nil {
		return r.place(fs)
	}
	return fs.placement(r.name)
}

func (textRules) empty(*Contact) {}

func (r textRules) blank(c *Contact) bool { v := *r.at(c); return v == nil || *v == "" }

func (r textRules) stored(c *Contact) any { return *r.at(c) }

// addressRules are the rules of an AddressField.
type addressRules struct {
	one, all string // input names of the one-value shortcut and of the list
	kind     addressKind
	at       func(*Contact) *Strings
	in       func(*ContactFields) (Opt[*string], Opt[[]string])
	sp       func(*ContactFieldSplit) (*StringSplit, *StringListSplit)
}

func (r addressRules) apply(in *ContactFields, c *Contact, creating bool, errs *UserErrors) {
	one, all := r.in(in)
	*r.at(c) = resolveList(errs, r.one, r.all, one, all, *r.at(c), creating, r.kind)
}

func (r addressRules) merge(out *Contact, all []*Contact, _ map[MergeableField]*Contact) {
	*r.at(out) = unionOf(all, r.at)
}

func (r addressRules) split(fs *ContactFieldSplit, orig, o, n *Contact, errs *UserErrors) []SideAddress {
	one, all := r.sp(fs)
	if p, name := r.placement(fs, errs); p != nil {
		switch {
		case one != nil || all != nil:
			errs.Add(Invalid, fmt.Sprintf("give %s and %s either values or a placement, not both", r.one, r.all), SplitPath(name)...)
			return nil
		case *p == PlaceNew:
			one, all = nil, &StringListSplit{New: *r.at(orig)}
		case *p == PlaceBoth:
			errs.Add(Taken, fmt.Sprintf("an address in %s belongs to one contact: place it on original or new", r.all), SplitPath(name)...)
		}
	}
	var addrs []SideAddress
	*r.at(o), *r.at(n), addrs = splitAddresses(errs, r.one, r.all, one, all, *r.at(orig), r.kind)
	return addrs
}

// placement returns the placement Place gave the field under either of
// its names, and that name (INVALID when given under both).
func (r addressRules) placement(fs *ContactFieldSplit, errs *UserErrors) (*FieldPlacement, string) {
	one, all := fs.placement(r.one), fs.placement(r.all)
	switch {
	case one != nil && all != nil:
		bothForms(errs, r.one, r.all, SplitPath(r.one)...)
		return nil, ""
	case one != nil:
		return one, r.one
	default:
		return all, r.all
	}
}

func (r addressRules) empty(c *Contact) { emptyStrings(r.at(c)) }

func (r addressRules) blank(c *Contact) bool { return len(*r.at(c)) == 0 }

func (r addressRules) stored(c *Contact) any { return *r.at(c) }

// setRules are the rules of a SetField of strings; a separation divides it
// by lists (values not nil) or by a placement (place not nil).
type setRules struct {
	name   string
	clean  func(errs *UserErrors, values []string, path []string) []string
	at     func(*Contact) *Strings
	in     func(*ContactFields) Opt[[]string]
	values func(*ContactFieldSplit) *StringListSplit
	place  func(*ContactFieldSplit) *FieldPlacement
}

func (r setRules) apply(in *ContactFields, c *Contact, _ bool, errs *UserErrors) {
	if opt := r.in(in); opt.Set {
		*r.at(c) = r.clean(errs, opt.Value, []string{"input", r.name})
	}
}

func (r setRules) merge(out *Contact, all []*Contact, _ map[MergeableField]*Contact) {
	*r.at(out) = unionOf(all, r.at)
}

func (r setRules) split(fs *ContactFieldSplit, orig, o, n *Contact, errs *UserErrors) []SideAddress {
	if r.values != nil {
		if sp := r.values(fs); sp != nil {
			onO := r.clean(errs, sp.Original, SplitPath(r.name, "original"))
			onN := r.clean(errs, sp.New, SplitPath(r.name, "new"))
			*r.at(o), *r.at(n) = append(onO, unplaced(*r.at(orig), onO, onN)...), onN
			return nil
		}
	}
	place := fs.placement(r.name)
	if r.place != nil {
		place = r.place(fs)
	}
	if toNew, clear := placed(place); toNew {
		*r.at(n) = append(Strings{}, *r.at(o)...)
		if clear {
			*r.at(o) = Strings{}
		}
	}
	return nil
}

func (r setRules) empty(c *Contact) { emptyStrings(r.at(c)) }

func (r setRules) blank(c *Contact) bool { return len(*r.at(c)) == 0 }

func (r setRules) stored(c *Contact) any { return *r.at(c) }

// labelsOf checks labels (INVALID at path + index when too long) and
// returns them trimmed, without blanks and repeats.
func labelsOf(errs *UserErrors, labels []string, path []string) []string {
	checkLabels(errs, labels, path...)
	return cleanLabels(labels)
}

// documentRules are the rules of the documents: a set of name and URL
// pairs, divided by a placement.
type documentRules struct{}

func (documentRules) apply(in *ContactFields, c *Contact, _ bool, errs *UserErrors) {
	if in.Documents.Set {
		c.Documents = Documents(in.Documents.Value)
		for i, d := range c.Documents {
			path := []string{"input", "documents", strconv.Itoa(i)}
			if strings.TrimSpace(d.Name) == "" || strings.TrimSpace(d.URL) == "" {
				errs.Add(Invalid, "a document needs a name and a url", path...)
			}
			CheckLength(errs, d.Name, MaxNameLength, append(path, "name")...)
			CheckLength(errs, d.URL, MaxURLLength, append(path, "url")...)
		}
	}
}

func (documentRules) merge(out *Contact, all []*Contact, _ map[MergeableField]*Contact) {
	docs := Documents{}
	seen := map[Document]bool{}
	for _, c := range all {
		for _, d := range c.Documents {
			if !seen[d] {
				seen[d] = true
				docs = append(docs, d)
			}
		}
	}
	out.Documents = docs
}

func (documentRules) split(fs *ContactFieldSplit, _, o, n *Contact, _ *UserErrors) []SideAddress {
	if toNew, clear := placed(fs.Documents); toNew {
		n.Documents = append(Documents{}, o.Documents...)
		if clear {
			o.Documents = Documents{}
		}
	}
	return nil
}

func (documentRules) empty(c *Contact) {
	if c.Documents == nil {
		c.Documents = Documents{}
	}
}

func (documentRules) blank(c *Contact) bool { return len(c.Documents) == 0 }

func (documentRules) stored(c *Contact) any { return c.Documents }

// objectRules are the rules of an ObjectField.
type objectRules struct {
	at    func(*Contact) *JSONObject
	in    func(*ContactFields) Opt[JSONObject]
	place func(*ContactFieldSplit) *FieldPlacement
}

func (r objectRules) apply(in *ContactFields, c *Contact, _ bool, _ *UserErrors) {
	if opt := r.in(in); opt.Set {
		*r.at(c) = opt.Value
	}
}

func (r objectRules) merge(out *Contact, all []*Contact, _ map[MergeableField]*Contact) {
	merged := copyObject(*r.at(all[0]))
	for _, m := range all[1:] {
		mergeInto(merged, *r.at(m))
	}
	*r.at(out) = merged
}

func (r objectRules) split(fs *ContactFieldSplit, _, o, n *Contact, _ *UserErrors) []SideAddress {
	if toNew, clear := placed(r.place(fs)); toNew {
		*r.at(n) = copyObject(*r.at(o))
		if clear {
			*r.at(o) = JSONObject{}
		}
	}
	return nil
}

func (r objectRules) empty(c *Contact) {
	if *r.at(c) == nil {
		*r.at(c) = JSONObject{}
	}
}

func (r objectRules) blank(c *Contact) bool { return len(*r.at(c)) == 0 }

func (r objectRules) stored(c *Contact) any { return *r.at(c) }

// flagRules are the rules of blocked, the one FlagField.
type flagRules struct{}

func (flagRules) apply(in *ContactFields, c *Contact, _ bool, _ *UserErrors) {
	if in.Blocked.Set {
		c.Blocked = in.Blocked.Value != nil && *in.Blocked.Value // null clears to false
	}
}

func (flagRules) merge(out *Contact, _ []*Contact, choices map[MergeableField]*Contact) {
	if chosen, ok := choices[FieldBlocked]; ok {
		out.Blocked = chosen.Blocked
	}
}

func (flagRules) split(*ContactFieldSplit, *Contact, *Contact, *Contact, *UserErrors) []SideAddress {
	return nil
}

func (flagRules) empty(*Contact) {}

func (flagRules) blank(c *Contact) bool { return !c.Blocked }

func (flagRules) stored(c *Contact) any { return c.Blocked }

// MergeableFields returns every MergeableField a merge accepts: NAME (both
// name parts) and the Choice of each field that has one, in registry order.
// The GraphQL enum MergeableField lists exactly these.
func MergeableFields() []MergeableField {
	out := []MergeableField{FieldName}
	for _, f := range Fields {
		if f.Choice != "" {
			out = append(out, f.Choice)
		}
	}
	return out
}

// unionOf unites one list field of contacts in order, without repeats.
func unionOf(all []*Contact, at func(*Contact) *Strings) Strings {
	var list []string
	for _, c := range all {
		list = unionInto(list, *at(c))
	}
	return list
}

// emptyStrings makes a nil list empty.
func emptyStrings(list *Strings) {
	if *list == nil {
		*list = Strings{}
	}
}
