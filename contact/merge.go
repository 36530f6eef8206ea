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

// MergedContact computes the survivor of merging mergees (in input order)
// into base, with choices (field → contact) overriding the default rule. It
// does not modify its arguments.
func MergedContact(base *Contact, mergees []*Contact, choices map[MergeableField]*Contact) *Contact {
	out := *base
	all := append([]*Contact{base}, mergees...)
	for _, f := range Fields {
		f.rules.merge(&out, all, choices)
	}
	for _, c := range all {
		if c.LastActivityAt != nil && (out.LastActivityAt == nil || c.LastActivityAt.After(*out.LastActivityAt)) {
			out.LastActivityAt = c.LastActivityAt
		}
	}
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

// copyValue deep-copies nested objects and arrays so merges and splits never
// alias their inputs.
func copyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return copyObject(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
