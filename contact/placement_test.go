package contact

import (
	"reflect"
	"testing"
)

// TestPlaceValueFields checks placements given by Place to fields that are
// otherwise divided by values: original keeps, new moves, both copies, and
// addresses refuse both.
func TestPlaceValueFields(t *testing.T) {
	orig := &Contact{ID: "c1", FirstName: new("Jane"), Identifier: new("j-1"),
		Emails: Strings{"jane@example.com", "j@example.com"}, PhoneNumbers: Strings{"+14155550100"}, Labels: Strings{"vip"}}
	split := func(name string, p FieldPlacement) (*Contact, *Contact, UserErrors) {
		t.Helper()
		var fs ContactFieldSplit
		if !fs.Place(name, p) {
			t.Fatalf("Place(%q) = false", name)
		}
		o, n, _, errs := SplitFields(orig, fs)
		return o, n, errs
	}

	o, n, errs := split("firstName", PlaceNew)
	if len(errs) > 0 || o.FirstName != nil || Deref(n.FirstName) != "Jane" {
		t.Fatalf("firstName new: %v %v %v", o.FirstName, n.FirstName, errs)
	}
	o, n, errs = split("firstName", PlaceBoth)
	if len(errs) > 0 || Deref(o.FirstName) != "Jane" || Deref(n.FirstName) != "Jane" {
		t.Fatalf("firstName both: %v %v %v", o.FirstName, n.FirstName, errs)
	}
	o, n, errs = split("firstName", PlaceOriginal)
	if len(errs) > 0 || Deref(o.FirstName) != "Jane" || n.FirstName != nil {
		t.Fatalf("firstName original: %v %v %v", o.FirstName, n.FirstName, errs)
	}
	o, n, errs = split("email", PlaceNew)
	if len(errs) > 0 || len(o.Emails) != 0 || !reflect.DeepEqual([]string(n.Emails), []string{"jane@example.com", "j@example.com"}) {
		t.Fatalf("email new: %v %v %v", o.Emails, n.Emails, errs)
	}
	o, n, errs = split("labels", PlaceBoth)
	if len(errs) > 0 || !reflect.DeepEqual(o.Labels, n.Labels) || len(n.Labels) != 1 {
		t.Fatalf("labels both: %v %v %v", o.Labels, n.Labels, errs)
	}
	_, _, errs = split("phoneNumber", PlaceBoth)
	wantErrors(t, errs, []UserError{uerr(Taken, "input.fieldSplit.phoneNumber", "")})
	o, n, errs = split("status", PlaceNew)
	if len(errs) > 0 || o.Status != nil || n.Status != nil {
		t.Fatalf("status new (no status): %v %v %v", o.Status, n.Status, errs)
	}
}

// TestPlaceRefusals checks what Place and the split refuse: unknown
// fields, a field given both ways, and a placement that is not one.
func TestPlaceRefusals(t *testing.T) {
	var fs ContactFieldSplit
	if fs.Place("nickname", PlaceNew) {
		t.Fatal("Place accepted an unknown field")
	}
	fs.FirstName = &StringSplit{New: new("Janet")}
	fs.Place("firstName", PlaceNew)
	fs.Place("email", "SIDEWAYS")
	fs.Placements["emails"] = PlaceNew
	fs.Placements["nickname"] = PlaceNew
	_, _, _, errs := SplitFields(&Contact{ID: "c1"}, fs)
	wantErrors(t, errs, []UserError{
		uerr(Invalid, "input.fieldSplit.firstName", ""),
		uerr(Invalid, "input.fieldSplit.email", "a placement is original, new or both"),
		uerr(Invalid, "input.fieldSplit.nickname", ""),
		uerr(Invalid, "input.fieldSplit.email", "give email or emails, not both"),
	})
}

// TestPlaceAddressWithValuesOfTheOtherName checks that a placement of one
// address name and values of the other are refused, not half applied, and
// that "both" is reported under the name it was given as.
func TestPlaceAddressWithValuesOfTheOtherName(t *testing.T) {
	orig := &Contact{ID: "c1", Emails: Strings{"jane@example.com"}}
	var fs ContactFieldSplit
	fs.Place("email", PlaceNew)
	fs.Emails = &StringListSplit{Original: []string{"jane@example.com"}}
	_, _, _, errs := SplitFields(orig, fs)
	wantErrors(t, errs, []UserError{uerr(Invalid, "input.fieldSplit.email", "")})

	fs = ContactFieldSplit{}
	fs.Place("emails", PlaceBoth)
	_, _, _, errs = SplitFields(orig, fs)
	wantErrors(t, errs, []UserError{uerr(Taken, "input.fieldSplit.emails", "")})
}
