package contact

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Opt is an optional input value: Set reports whether the caller gave it
// (possibly as null, in which case Value is the zero value).
type Opt[T any] struct {
	Set   bool
	Value T
}

// Some returns a set Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, Value: v} }

// ContactFields holds the contact fields a create or update gives. For an
// update, fields not Set keep their value and a nil Value clears them.
type ContactFields struct {
	FirstName, LastName, Identifier, Status, PipelineID, PipelineStage, OutreachConfigID, Thumbnail Opt[*string]

	Email, PhoneNumber                           Opt[*string]
	Emails, PhoneNumbers, Labels, AssigneeIDs    Opt[[]string]
	CustomAttributes, AdditionalAttributes, Misc Opt[JSONObject]
	Documents                                    Opt[[]Document]
	Blocked                                      Opt[*bool]
}

// DistinctIDs drops repeats from ids, keeping the first of each.
func DistinctIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// BlankToNil trims s and returns nil for a blank string.
func BlankToNil(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// cleanLabels trims labels and drops blanks and repeats, keeping order.
func cleanLabels(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range in {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// checkLabels adds an INVALID user error (path + index) for each label
// longer than MaxNameLength once trimmed.
func checkLabels(errs *UserErrors, labels []string, path ...string) {
	for i, l := range labels {
		CheckLength(errs, strings.TrimSpace(l), MaxNameLength, append(append([]string{}, path...), strconv.Itoa(i))...)
	}
}

// addressKind says how an email or a phone number input is checked.
type addressKind struct {
	norm   func(string) (string, bool)
	maxLen int // characters of the input, surrounding spaces trimmed
	badMsg string
}

// The address kinds.
var (
	emailKind = addressKind{NormalizeEmail, MaxEmailLength, "is not a valid email address"}
	phoneKind = addressKind{NormalizePhone, MaxPhoneLength,
		"is not a valid phone number: use + and the country code, then 8 to 15 digits in all"}
)

// normalize returns the normalised form of raw and whether it is valid,
// adding an INVALID user error at path when it is too long (without
// echoing it) or malformed.
func (k addressKind) normalize(errs *UserErrors, raw string, path []string) (string, bool) {
	if !CheckLength(errs, trimSpaces(raw), k.maxLen, path...) {
		return "", false
	}
	v, ok := k.norm(raw)
	if !ok {
		errs.Add(Invalid, fmt.Sprintf("%q %s", raw, k.badMsg), path...)
	}
	return v, ok
}

// resolveList computes a contact's new email or phone list from the
// single-value shortcut (one) and the whole-list field (all): the list
// replaces everything; the shortcut replaces the primary (null removes it).
// Each value is normalised; bad, too long or repeated values are INVALID.
func resolveList(errs *UserErrors, oneName, allName string, one Opt[*string], all Opt[[]string], current []string,
	creating bool, kind addressKind) []string {
	if one.Set && all.Set {
		errs.Add(Invalid, fmt.Sprintf("give %s or %s, not both", oneName, allName), "input", oneName)
		return current
	}
	var raw []string
	var paths [][]string
	switch {
	case all.Set:
		raw = all.Value
		for i := range raw {
			paths = append(paths, []string{"input", allName, strconv.Itoa(i)})
		}
	case one.Set:
		rest := current
		if len(rest) > 0 && !creating {
			rest = rest[1:]
		}
		if one.Value != nil {
			raw = []string{*one.Value}
			paths = [][]string{{"input", oneName}}
		}
		for _, v := range rest {
			raw = append(raw, v)
			paths = append(paths, []string{"input", oneName})
		}
	default:
		if current == nil {
			return []string{}
		}
		return current
	}
	out := []string{}
	seen := map[string]bool{}
	for i, v := range raw {
		n, ok := kind.normalize(errs, v, paths[i])
		switch {
		case !ok:
		case seen[n]:
			if all.Set {
				errs.Add(Invalid, fmt.Sprintf("%q is listed twice", n), paths[i]...)
			}
		default:
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Apply validates f and writes it onto c: text trimmed (blank is null),
// addresses normalised, labels cleaned. creating selects create semantics
// for the email/phoneNumber shortcuts. It returns the user errors (nil when
// f is valid); checks that need the database (assignees exist, addresses
// and identifier free) are the store's.
func (f ContactFields) Apply(c *Contact, creating bool) UserErrors {
	var errs UserErrors
	for _, s := range []struct {
		opt  Opt[*string]
		dst  **string
		name string
		max  int
	}{
		{f.FirstName, &c.FirstName, "firstName", MaxNameLength}, {f.LastName, &c.LastName, "lastName", MaxNameLength},
		{f.Identifier, &c.Identifier, "identifier", MaxNameLength}, {f.Status, &c.Status, "status", MaxNameLength},
		{f.PipelineID, &c.PipelineID, "pipelineId", MaxNameLength}, {f.PipelineStage, &c.PipelineStage, "pipelineStage", MaxNameLength},
		{f.OutreachConfigID, &c.OutreachConfigID, "outreachConfigId", MaxNameLength}, {f.Thumbnail, &c.Thumbnail, "thumbnail", MaxURLLength},
	} {
		if s.opt.Set && CheckOptLength(&errs, s.opt.Value, s.max, "input", s.name) {
			*s.dst = BlankToNil(s.opt.Value)
		}
	}
	c.Emails = resolveList(&errs, "email", "emails", f.Email, f.Emails, c.Emails, creating, emailKind)
	c.PhoneNumbers = resolveList(&errs, "phoneNumber", "phoneNumbers", f.PhoneNumber, f.PhoneNumbers, c.PhoneNumbers, creating, phoneKind)
	if f.Labels.Set {
		checkLabels(&errs, f.Labels.Value, "input", "labels")
		c.Labels = cleanLabels(f.Labels.Value)
	}
	if f.AssigneeIDs.Set {
		c.AssigneeIDs = CanonicalIDs(f.AssigneeIDs.Value)
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	if c.AssigneeIDs == nil {
		c.AssigneeIDs = []string{}
	}
	for _, o := range []struct {
		opt Opt[JSONObject]
		dst *JSONObject
	}{{f.CustomAttributes, &c.CustomAttributes}, {f.AdditionalAttributes, &c.AdditionalAttributes}, {f.Misc, &c.Misc}} {
		if o.opt.Set {
			*o.dst = o.opt.Value
		}
		if *o.dst == nil {
			*o.dst = JSONObject{}
		}
	}
	if f.Documents.Set {
		c.Documents = Documents(f.Documents.Value)
		for i, d := range c.Documents {
			path := []string{"input", "documents", strconv.Itoa(i)}
			if strings.TrimSpace(d.Name) == "" || strings.TrimSpace(d.URL) == "" {
				errs.Add(Invalid, "a document needs a name and a url", path...)
			}
			CheckLength(&errs, d.Name, MaxNameLength, append(path, "name")...)
			CheckLength(&errs, d.URL, MaxURLLength, append(path, "url")...)
		}
	}
	if c.Documents == nil {
		c.Documents = Documents{}
	}
	if f.Blocked.Set {
		c.Blocked = f.Blocked.Value != nil && *f.Blocked.Value // null clears to false
	}
	return errs
}
