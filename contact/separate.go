package contact

import (
	"fmt"
	"strconv"
)

// SplitPath is the input path of a field split.
func SplitPath(parts ...string) []string {
	return append([]string{"input", "fieldSplit"}, parts...)
}

// SideAddress is one normalised email or phone number given for a side, with
// the input path it came from.
type SideAddress struct {
	Value string
	Path  []string
}

// SplitFields computes both contacts of a separation from the original and
// the field split. It validates formats and repeats (INVALID) and addresses
// given to both sides (TAKEN), and returns every address with its path so
// the caller can check them against other contacts.
func SplitFields(orig *Contact, fs ContactFieldSplit) (*Contact, *Contact, []SideAddress, UserErrors) {
	var errs UserErrors
	o := *orig
	n := &Contact{Emails: []string{}, PhoneNumbers: []string{}, Labels: []string{}, AssigneeIDs: []string{},
		CustomAttributes: JSONObject{}, AdditionalAttributes: JSONObject{}, Misc: JSONObject{}, Documents: Documents{}}
	for _, t := range []struct {
		split *StringSplit
		at    func(*Contact) **string
		name  string
	}{
		{fs.FirstName, func(c *Contact) **string { return &c.FirstName }, "firstName"},
		{fs.LastName, func(c *Contact) **string { return &c.LastName }, "lastName"},
		{fs.Identifier, func(c *Contact) **string { return &c.Identifier }, "identifier"},
	} {
		if t.split != nil {
			CheckOptLength(&errs, t.split.Original, MaxNameLength, SplitPath(t.name, "original")...)
			CheckOptLength(&errs, t.split.New, MaxNameLength, SplitPath(t.name, "new")...)
			*t.at(&o), *t.at(n) = BlankToNil(t.split.Original), BlankToNil(t.split.New)
		}
	}
	var addrs []SideAddress
	emailsO, emailsN, a1 := splitAddresses(&errs, "email", "emails", fs.Email, fs.Emails, orig.Emails, emailKind)
	phonesO, phonesN, a2 := splitAddresses(&errs, "phoneNumber", "phoneNumbers", fs.PhoneNumber, fs.PhoneNumbers, orig.PhoneNumbers, phoneKind)
	o.Emails, n.Emails, o.PhoneNumbers, n.PhoneNumbers = emailsO, emailsN, phonesO, phonesN
	addrs = append(a1, a2...)
	if fs.Labels != nil {
		checkLabels(&errs, fs.Labels.Original, SplitPath("labels", "original")...)
		checkLabels(&errs, fs.Labels.New, SplitPath("labels", "new")...)
		o.Labels, n.Labels = cleanLabels(fs.Labels.Original), cleanLabels(fs.Labels.New)
		o.Labels = append(o.Labels, unplaced(orig.Labels, o.Labels, n.Labels)...)
	}
	for _, p := range []struct {
		place *FieldPlacement
		move  func(from, to *Contact, clear bool)
	}{
		{fs.Status, textMover(func(c *Contact) **string { return &c.Status })},
		{fs.PipelineID, textMover(func(c *Contact) **string { return &c.PipelineID })},
		{fs.PipelineStage, textMover(func(c *Contact) **string { return &c.PipelineStage })},
		{fs.OutreachConfigID, textMover(func(c *Contact) **string { return &c.OutreachConfigID })},
		{fs.Thumbnail, textMover(func(c *Contact) **string { return &c.Thumbnail })},
		{fs.Assignees, func(from, to *Contact, clear bool) {
			to.AssigneeIDs = append([]string{}, from.AssigneeIDs...)
			if clear {
				from.AssigneeIDs = []string{}
			}
		}},
		{fs.CustomAttributes, objectMover(func(c *Contact) *JSONObject { return &c.CustomAttributes })},
		{fs.AdditionalAttributes, objectMover(func(c *Contact) *JSONObject { return &c.AdditionalAttributes })},
		{fs.Misc, objectMover(func(c *Contact) *JSONObject { return &c.Misc })},
		{fs.Documents, func(from, to *Contact, clear bool) {
			to.Documents = append(Documents{}, from.Documents...)
			if clear {
				from.Documents = Documents{}
			}
		}},
	} {
		if p.place != nil && *p.place != PlaceOriginal {
			p.move(&o, n, *p.place == PlaceNew)
		}
	}
	return &o, n, addrs, errs
}

// Blank reports whether c has no field value at all.
func (c *Contact) Blank() bool {
	for _, v := range []*string{c.FirstName, c.LastName, c.Identifier, c.Status, c.PipelineID, c.PipelineStage,
		c.OutreachConfigID, c.Thumbnail} {
		if v != nil && *v != "" {
			return false
		}
	}
	return !c.Blocked && len(c.Emails) == 0 && len(c.PhoneNumbers) == 0 && len(c.Labels) == 0 && len(c.AssigneeIDs) == 0 &&
		len(c.CustomAttributes) == 0 && len(c.AdditionalAttributes) == 0 && len(c.Misc) == 0 && len(c.Documents) == 0
}

// textMover copies a text field to the new side, clearing it on request.
func textMover(at func(*Contact) **string) func(from, to *Contact, clear bool) {
	return func(from, to *Contact, clear bool) {
		*at(to) = *at(from)
		if clear {
			*at(from) = nil
		}
	}
}

// objectMover copies a JSON object field to the new side, clearing it on request.
func objectMover(at func(*Contact) *JSONObject) func(from, to *Contact, clear bool) {
	return func(from, to *Contact, clear bool) {
		*at(to) = JSONObject(copyObject(*at(from)))
		if clear {
			*at(from) = JSONObject{}
		}
	}
}

// unplaced returns the values of current that neither side lists, in order:
// a separation keeps them on the original, so it never loses a value.
func unplaced(current, orig, newer []string) []string {
	placed := make(map[string]bool, len(orig)+len(newer))
	for _, v := range orig {
		placed[v] = true
	}
	for _, v := range newer {
		placed[v] = true
	}
	out := []string{}
	for _, v := range current {
		if !placed[v] {
			placed[v] = true
			out = append(out, v)
		}
	}
	return out
}

// splitAddresses resolves the email or phone lists of both sides from the
// one-value split (one) or the list split (all). Each side gets the values
// given for it; every current value given for neither side stays on the
// original, after the given ones. So the one-value split moves or places
// just its value, and with neither split the original keeps its list and
// the new contact starts with none. Values are normalised; bad values and
// repeats within a side are INVALID, a value given to both sides is TAKEN.
func splitAddresses(errs *UserErrors, oneName, allName string, one *StringSplit, all *StringListSplit, current []string,
	kind addressKind) ([]string, []string, []SideAddress) {
	if one != nil && all != nil {
		errs.Add(Invalid, fmt.Sprintf("give %s or %s, not both", oneName, allName), SplitPath(oneName)...)
		return current, []string{}, nil
	}
	type given struct {
		raw  string
		path []string
	}
	var sides [2][]given
	switch {
	case all != nil:
		for s, list := range [2][]string{all.Original, all.New} {
			side := [2]string{"original", "new"}[s]
			for i, v := range list {
				sides[s] = append(sides[s], given{v, SplitPath(allName, side, strconv.Itoa(i))})
			}
		}
	case one != nil:
		for s, v := range [2]*string{one.Original, one.New} {
			if v != nil && *v != "" {
				sides[s] = append(sides[s], given{*v, SplitPath(oneName, [2]string{"original", "new"}[s])})
			}
		}
	default:
		return current, []string{}, nil
	}
	var out [2][]string
	var addrs []SideAddress
	owner := map[string]int{}
	for s := range sides {
		out[s] = []string{}
		for _, g := range sides[s] {
			v, ok := kind.normalize(errs, g.raw, g.path)
			prev, seen := owner[v]
			switch {
			case !ok:
			case seen && prev == s:
				errs.Add(Invalid, fmt.Sprintf("%q is listed twice", v), g.path...)
			case seen:
				errs.Add(Taken, fmt.Sprintf("%q cannot belong to both contacts", v), g.path...)
			default:
				owner[v] = s
				out[s] = append(out[s], v)
				addrs = append(addrs, SideAddress{Value: v, Path: g.path})
			}
		}
	}
	return append(out[0], unplaced(current, out[0], out[1])...), out[1], addrs
}
