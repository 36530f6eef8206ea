package contact

import (
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
	var addrs []SideAddress
	o, n := *orig, &Contact{}
	checkPlacements(&errs, &fs)
	for _, f := range Fields {
		f.rules.empty(n)
		addrs = append(addrs, f.rules.split(&fs, orig, &o, n, &errs)...)
	}
	return &o, n, addrs, errs
}

// Blank reports whether c has no value in any field.
func (c *Contact) Blank() bool {
	for _, f := range Fields {
		if !f.rules.blank(c) {
			return false
		}
	}
	return true
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
		bothForms(errs, oneName, allName, SplitPath(oneName)...)
		return current, []string{}, nil
	}
	sides := make([][]given, 2)
	switch {
	case all != nil:
		for s, list := range [2][]string{all.Original, all.New} {
			for i, v := range list {
				sides[s] = append(sides[s], given{v, SplitPath(allName, sideNames[s], strconv.Itoa(i))})
			}
		}
	case one != nil:
		for s, v := range [2]*string{one.Original, one.New} {
			if v != nil && *v != "" {
				sides[s] = append(sides[s], given{*v, SplitPath(oneName, sideNames[s])})
			}
		}
	default:
		return current, []string{}, nil
	}
	out, placed := kind.place(errs, sides, true)
	return append(out[0], unplaced(current, out[0], out[1])...), out[1], placed
}

// sideNames are the input names of the two sides of a split.
var sideNames = [2]string{"original", "new"}
