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
		bothForms(errs, oneName, allName, "input", oneName)
		return current
	}
	var side []given
	switch {
	case all.Set:
		for i, v := range all.Value {
			side = append(side, given{v, []string{"input", allName, strconv.Itoa(i)}})
		}
	case one.Set:
		rest := current
		if len(rest) > 0 && !creating {
			rest = rest[1:]
		}
		if one.Value != nil {
			side = append(side, given{*one.Value, []string{"input", oneName}})
		}
		for _, v := range rest {
			side = append(side, given{v, []string{"input", oneName}})
		}
	default:
		if current == nil {
			return []string{}
		}
		return current
	}
	out, _ := kind.place(errs, [][]given{side}, all.Set)
	return out[0]
}

// given is one address as the input gave it, with its input path.
type given struct {
	raw  string
	path []string
}

// bothForms reports an address given both as the one-value shortcut and as
// a list (INVALID at path).
func bothForms(errs *UserErrors, oneName, allName string, path ...string) {
	errs.Add(Invalid, fmt.Sprintf("give %s or %s, not both", oneName, allName), path...)
}

// place normalises the addresses given for each side, in order, and returns
// each side's values and every placed address with its path. A malformed
// value is INVALID; a value given twice for one side is INVALID when strict
// (else the repeat is dropped); a value given for two sides is TAKEN.
func (k addressKind) place(errs *UserErrors, sides [][]given, strict bool) ([][]string, []SideAddress) {
	out := make([][]string, len(sides))
	var placed []SideAddress
	owner := map[string]int{}
	for s, side := range sides {
		out[s] = []string{}
		for _, g := range side {
			v, ok := k.normalize(errs, g.raw, g.path)
			prev, seen := owner[v]
			switch {
			case !ok:
			case seen && prev == s:
				if strict {
					errs.Add(Invalid, fmt.Sprintf("%q is listed twice", v), g.path...)
				}
			case seen:
				errs.Add(Taken, fmt.Sprintf("%q cannot belong to both contacts", v), g.path...)
			default:
				owner[v] = s
				out[s] = append(out[s], v)
				placed = append(placed, SideAddress{Value: v, Path: g.path})
			}
		}
	}
	return out, placed
}

// Apply validates f and writes it onto c: text trimmed (blank is null),
// addresses normalised, labels cleaned. creating selects create semantics
// for the email/phoneNumber shortcuts. It returns the user errors (nil when
// f is valid); checks that need the database (assignees exist, addresses
// and identifier free) are the store's.
func (f ContactFields) Apply(c *Contact, creating bool) UserErrors {
	var errs UserErrors
	for _, field := range Fields {
		field.rules.apply(&f, c, creating, &errs)
		field.rules.empty(c)
	}
	return errs
}
