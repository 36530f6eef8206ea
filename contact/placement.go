package contact

import (
	"fmt"
	"slices"
)

// valueFields are the input names of the split fields divided by values
// (StringSplit or StringListSplit), which a placement may divide instead.
var valueFields = []string{"firstName", "lastName", "identifier", "email", "phoneNumber", "emails", "phoneNumbers", "labels"}

// Place divides the field with input name name by placement p, whichever
// way the field is otherwise divided, and reports whether the split has
// such a field. A field divided by values takes the placement as a whole:
// "new" moves its value (every address, for email and phone) to the new
// contact, "both" copies it (refused for addresses and the identifier,
// which belong to one contact).
func (fs *ContactFieldSplit) Place(name string, p FieldPlacement) bool {
	if slices.Contains(valueFields, name) {
		if fs.Placements == nil {
			fs.Placements = map[string]FieldPlacement{}
		}
		fs.Placements[name] = p
		return true
	}
	target := map[string]**FieldPlacement{
		"status": &fs.Status, "pipelineId": &fs.PipelineID, "pipelineStage": &fs.PipelineStage,
		"assignees": &fs.Assignees, "outreachConfigId": &fs.OutreachConfigID, "customAttributes": &fs.CustomAttributes,
		"additionalAttributes": &fs.AdditionalAttributes, "documents": &fs.Documents, "misc": &fs.Misc, "thumbnail": &fs.Thumbnail,
	}[name]
	if target == nil {
		return false
	}
	*target = &p
	return true
}

// placement returns the placement Place gave the field with input name
// name, or nil.
func (fs *ContactFieldSplit) placement(name string) *FieldPlacement {
	if p, ok := fs.Placements[name]; ok {
		return &p
	}
	return nil
}

// checkPlacements reports a field given both values and a placement, an
// unknown placement and an unknown field (INVALID at the field's path).
func checkPlacements(errs *UserErrors, fs *ContactFieldSplit) {
	given := map[string]bool{
		"firstName": fs.FirstName != nil, "lastName": fs.LastName != nil, "identifier": fs.Identifier != nil,
		"email": fs.Email != nil, "phoneNumber": fs.PhoneNumber != nil, "emails": fs.Emails != nil,
		"phoneNumbers": fs.PhoneNumbers != nil, "labels": fs.Labels != nil,
	}
	for _, name := range valueFields {
		p, ok := fs.Placements[name]
		switch {
		case !ok:
		case given[name]:
			errs.Add(Invalid, fmt.Sprintf("give %s either values or a placement, not both", name), SplitPath(name)...)
		case p != PlaceOriginal && p != PlaceNew && p != PlaceBoth:
			errs.Add(Invalid, "a placement is original, new or both", SplitPath(name)...)
		}
	}
	for name := range fs.Placements {
		if !slices.Contains(valueFields, name) {
			errs.Add(Invalid, "no such field", SplitPath(name)...)
		}
	}
}
