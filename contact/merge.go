package contact

// MergeableField names a scalar contact field whose surviving value a merge
// can take from a chosen contact.
type MergeableField string

// The mergeable fields. FieldName is both name parts at once.
const (
	FieldName             MergeableField = "NAME"
	FieldFirstName        MergeableField = "FIRST_NAME"
	FieldLastName         MergeableField = "LAST_NAME"
	FieldIdentifier       MergeableField = "IDENTIFIER"
	FieldStatus           MergeableField = "STATUS"
	FieldPipelineID       MergeableField = "PIPELINE_ID"
	FieldPipelineStage    MergeableField = "PIPELINE_STAGE"
	FieldOutreachConfigID MergeableField = "OUTREACH_CONFIG_ID"
	FieldThumbnail        MergeableField = "THUMBNAIL"
	FieldBlocked          MergeableField = "BLOCKED"
)

// nameParts maps the name fields to their place in a Contact. A name is one
// unit: both parts come from the same contact unless a choice picks a part.
var nameParts = map[MergeableField]func(*Contact) **string{
	FieldFirstName: func(c *Contact) **string { return &c.FirstName },
	FieldLastName:  func(c *Contact) **string { return &c.LastName },
}

// textFields maps each other mergeable text field to its place in a Contact.
var textFields = map[MergeableField]func(*Contact) **string{
	FieldIdentifier:       func(c *Contact) **string { return &c.Identifier },
	FieldStatus:           func(c *Contact) **string { return &c.Status },
	FieldPipelineID:       func(c *Contact) **string { return &c.PipelineID },
	FieldPipelineStage:    func(c *Contact) **string { return &c.PipelineStage },
	FieldOutreachConfigID: func(c *Contact) **string { return &c.OutreachConfigID },
	FieldThumbnail:        func(c *Contact) **string { return &c.Thumbnail },
}

// MergedContact computes the survivor of merging mergees (in input order)
// into base, with choices (field → contact) overriding the default rule. It
// does not modify its arguments.
func MergedContact(base *Contact, mergees []*Contact, choices map[MergeableField]*Contact) *Contact {
	out := *base
	all := append([]*Contact{base}, mergees...)
	named := namedContact(all)
	if chosen, ok := choices[FieldName]; ok {
		named = chosen
	}
	for f, at := range nameParts {
		*at(&out) = *at(named)
		if chosen, ok := choices[f]; ok {
			*at(&out) = *at(chosen)
		}
	}
	for f, at := range textFields {
		if chosen, ok := choices[f]; ok {
			*at(&out) = *at(chosen)
			continue
		}
		for _, c := range all {
			if v := *at(c); v != nil && *v != "" {
				*at(&out) = v
				break
			}
		}
	}
	if chosen, ok := choices[FieldBlocked]; ok {
		out.Blocked = chosen.Blocked
	}
	out.Emails, out.PhoneNumbers, out.Labels, out.AssigneeIDs = nil, nil, nil, nil
	docs := Documents{}
	seenDoc := map[Document]bool{}
	for _, c := range all {
		out.Emails = unionInto(out.Emails, c.Emails)
		out.PhoneNumbers = unionInto(out.PhoneNumbers, c.PhoneNumbers)
		out.Labels = unionInto(out.Labels, c.Labels)
		out.AssigneeIDs = unionInto(out.AssigneeIDs, c.AssigneeIDs)
		for _, d := range c.Documents {
			if !seenDoc[d] {
				seenDoc[d] = true
				docs = append(docs, d)
			}
		}
		if c.LastActivityAt != nil && (out.LastActivityAt == nil || c.LastActivityAt.After(*out.LastActivityAt)) {
			out.LastActivityAt = c.LastActivityAt
		}
	}
	out.Documents = docs
	out.CustomAttributes = JSONObject(deepMerge(base.CustomAttributes, mergees, func(c *Contact) JSONObject { return c.CustomAttributes }))
	out.AdditionalAttributes = JSONObject(deepMerge(base.AdditionalAttributes, mergees, func(c *Contact) JSONObject { return c.AdditionalAttributes }))
	out.Misc = JSONObject(deepMerge(base.Misc, mergees, func(c *Contact) JSONObject { return c.Misc }))
	return &out
}

// namedContact returns the first of contacts with a first or last name, or
// the first contact when none has one: the default source of a merged name.
func namedContact(contacts []*Contact) *Contact {
	for _, c := range contacts {
		if Deref(c.FirstName) != "" || Deref(c.LastName) != "" {
			return c
		}
	}
	return contacts[0]
}

// unionInto appends the values of add not yet in list, keeping order.
func unionInto(list, add []string) []string {
	if list == nil {
		list = []string{}
	}
	for _, v := range add {
		found := false
		for _, have := range list {
			if have == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}

// deepMerge folds each mergee's object into a copy of base: where both hold
// an object under a key the objects merge key by key, otherwise the value
// already there wins, and keys only a mergee has are added (earlier mergees
// first, so they win over later ones).
func deepMerge(base JSONObject, mergees []*Contact, get func(*Contact) JSONObject) map[string]any {
	out := copyObject(base)
	for _, m := range mergees {
		mergeInto(out, get(m))
	}
	return out
}

// mergeInto merges src into dst in place, dst winning.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		have, ok := dst[k]
		if !ok {
			dst[k] = copyValue(v)
			continue
		}
		ho, hok := have.(map[string]any)
		vo, vok := v.(map[string]any)
		if hok && vok {
			mergeInto(ho, vo)
		}
	}
}

// copyObject deep-copies a JSON object (nil becomes empty).
func copyObject(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

// copyValue deep-copies nested objects so merges never alias their inputs.
func copyValue(v any) any {
	if o, ok := v.(map[string]any); ok {
		return copyObject(o)
	}
	return v
}
