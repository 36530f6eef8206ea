package contact

import (
	"reflect"
	"testing"
)

// TestFieldsRegistry checks the registry: names are unique, every
// MergeableField except NAME is the Choice of exactly one field, each
// field's kind is as documented, and text fields alone have choices
// besides blocked.
func TestFieldsRegistry(t *testing.T) {
	t.Run("names are unique", func(t *testing.T) {
		seen := map[string]bool{}
		for _, f := range Fields {
			if f.Name == "" || seen[f.Name] {
				t.Fatalf("field name %q is empty or repeated", f.Name)
			}
			seen[f.Name] = true
		}
	})
	t.Run("every choice but NAME picks exactly one field", func(t *testing.T) {
		all := []MergeableField{FieldFirstName, FieldLastName, FieldIdentifier, FieldStatus, FieldPipelineID,
			FieldPipelineStage, FieldOutreachConfigID, FieldThumbnail, FieldBlocked}
		count := map[MergeableField]int{}
		for _, f := range Fields {
			if f.Choice != "" {
				count[f.Choice]++
			}
		}
		for _, m := range all {
			if count[m] != 1 {
				t.Errorf("%s is the choice of %d fields, want 1", m, count[m])
			}
		}
		if count[FieldName] != 0 {
			t.Errorf("NAME is the choice of %d fields, want 0 (it picks both name parts)", count[FieldName])
		}
		if len(count) != len(all) {
			t.Errorf("choices %v, want exactly %v", count, all)
		}
	})
	t.Run("kinds and choices", func(t *testing.T) {
		want := map[string]struct {
			kind   FieldKind
			choice MergeableField
		}{
			"firstName": {TextField, FieldFirstName}, "lastName": {TextField, FieldLastName}, "identifier": {TextField, FieldIdentifier},
			"status": {TextField, FieldStatus}, "pipelineId": {TextField, FieldPipelineID}, "pipelineStage": {TextField, FieldPipelineStage},
			"outreachConfigId": {TextField, FieldOutreachConfigID}, "thumbnail": {TextField, FieldThumbnail},
			"emails": {AddressField, ""}, "phoneNumbers": {AddressField, ""},
			"labels": {SetField, ""}, "assigneeIds": {SetField, ""}, "documents": {SetField, ""},
			"customAttributes": {ObjectField, ""}, "additionalAttributes": {ObjectField, ""}, "misc": {ObjectField, ""},
			"blocked": {FlagField, FieldBlocked},
		}
		if len(Fields) != len(want) {
			t.Fatalf("%d fields, want %d", len(Fields), len(want))
		}
		for _, f := range Fields {
			w, ok := want[f.Name]
			if !ok || f.Kind != w.kind || f.Choice != w.choice {
				t.Errorf("field %q: kind %d choice %q, want %+v", f.Name, f.Kind, f.Choice, w)
			}
		}
	})
	t.Run("errors come in the documented order", func(t *testing.T) {
		order := []string{"firstName", "lastName", "identifier", "status", "pipelineId", "pipelineStage", "outreachConfigId",
			"thumbnail", "emails", "phoneNumbers"}
		for i, name := range order {
			if Fields[i].Name != name {
				t.Fatalf("Fields[%d] = %q, want %q", i, Fields[i].Name, name)
			}
		}
	})
}

// TestPlaced checks how each placement divides a field.
func TestPlaced(t *testing.T) {
	for _, tc := range []struct {
		name         string
		p            *FieldPlacement
		toNew, clear bool
	}{
		{"none", nil, false, false},
		{"ORIGINAL", new(PlaceOriginal), false, false},
		{"NEW", new(PlaceNew), true, true},
		{"BOTH", new(PlaceBoth), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if toNew, clear := placed(tc.p); toNew != tc.toNew || clear != tc.clear {
				t.Fatalf("placed = %v, %v; want %v, %v", toNew, clear, tc.toNew, tc.clear)
			}
		})
	}
}

// TestRecordKindsCounters checks the registry of record kinds: distinct
// keys and tables, and every accessor pointing at its own list and its own
// counter of the summaries.
func TestRecordKindsCounters(t *testing.T) {
	// The counter each kind must count into, by key.
	var wantM MergeSummary
	var wantS SeparationSummary
	want := map[string][2]*int{
		"conversations":     {&wantM.ConversationsMoved, &wantS.ConversationsMoved},
		"applications":      {&wantM.ApplicationsMoved, &wantS.ApplicationsMoved},
		"contactNotes":      {&wantM.NotesMoved, &wantS.NotesMoved},
		"reminders":         {&wantM.RemindersMoved, &wantS.RemindersMoved},
		"trainingSnapshots": {&wantM.TrainingSnapshotsMoved, &wantS.TrainingSnapshotsMoved},
		"contactInboxes":    {&wantM.ContactInboxesMoved, &wantS.ContactInboxesMoved},
	}
	if len(RecordKinds) != len(want) {
		t.Fatalf("%d kinds, want %d", len(RecordKinds), len(want))
	}
	// Each list of the assignment holds one record whose id is its key.
	ca := ChildRecordAssignment{
		Conversations: []RecordAssignment{{ID: "conversations"}}, Applications: []RecordAssignment{{ID: "applications"}},
		ContactNotes: []RecordAssignment{{ID: "contactNotes"}}, Reminders: []RecordAssignment{{ID: "reminders"}},
		TrainingSnapshots: []RecordAssignment{{ID: "trainingSnapshots"}}, ContactInboxes: []RecordAssignment{{ID: "contactInboxes"}},
	}
	keys, tables := map[string]bool{}, map[string]bool{}
	var ms MergeSummary
	var ss SeparationSummary
	for i, k := range RecordKinds {
		t.Run(k.Key, func(t *testing.T) {
			w, ok := want[k.Key]
			if !ok {
				t.Fatalf("unknown kind %q", k.Key)
			}
			if k.Table == "" || k.OwnerColumn != "contact_id" {
				t.Fatalf("incomplete kind %+v", k)
			}
			if keys[k.Key] || tables[k.Table] {
				t.Fatalf("key %q or table %q repeated", k.Key, k.Table)
			}
			keys[k.Key], tables[k.Table] = true, true
			if got := k.Assigned(&ca); len(got) != 1 || got[0].ID != k.Key {
				t.Fatalf("Assigned = %v, want the %s list", got, k.Key)
			}
			*k.Merged(&ms) += i + 1
			*k.Separated(&ss) += i + 1
			*w[0] += i + 1
			*w[1] += i + 1
		})
	}
	if ms != wantM || ss != wantS {
		t.Fatalf("summaries = %+v, %+v; want %+v, %+v", ms, ss, wantM, wantS)
	}
}

// TestFieldColumns checks each field's column and the value Stored writes
// to it.
func TestFieldColumns(t *testing.T) {
	c := &Contact{FirstName: new("f"), LastName: new("l"), Identifier: new("i"), Status: new("s"), PipelineID: new("p"),
		PipelineStage: new("ps"), OutreachConfigID: new("o"), Thumbnail: new("t"), Emails: Strings{"a@x.com"},
		PhoneNumbers: Strings{"+14155550100"}, Labels: Strings{"lab"}, AssigneeIDs: Strings{"u"},
		CustomAttributes: JSONObject{"c": 1.0}, AdditionalAttributes: JSONObject{"a": 1.0}, Misc: JSONObject{"m": 1.0},
		Documents: Documents{{Name: "n", URL: "u"}}, Blocked: true}
	want := map[string]struct {
		column string
		value  any
	}{
		"firstName": {"first_name", new("f")}, "lastName": {"last_name", new("l")}, "identifier": {"identifier", new("i")},
		"status": {"status", new("s")}, "pipelineId": {"pipeline_id", new("p")}, "pipelineStage": {"pipeline_stage", new("ps")},
		"outreachConfigId": {"outreach_config_id", new("o")}, "thumbnail": {"thumbnail", new("t")},
		"emails": {"", Strings{"a@x.com"}}, "phoneNumbers": {"", Strings{"+14155550100"}},
		"labels": {"labels", Strings{"lab"}}, "assigneeIds": {"assignee_ids", Strings{"u"}},
		"customAttributes": {"custom_attributes", JSONObject{"c": 1.0}}, "additionalAttributes": {"additional_attributes", JSONObject{"a": 1.0}},
		"misc": {"misc", JSONObject{"m": 1.0}}, "documents": {"documents", Documents{{Name: "n", URL: "u"}}}, "blocked": {"blocked", true},
	}
	columns := map[string]bool{}
	for _, f := range Fields {
		t.Run(f.Name, func(t *testing.T) {
			w, ok := want[f.Name]
			if !ok {
				t.Fatalf("no expected column for %q", f.Name)
			}
			if f.Column != w.column {
				t.Fatalf("Column = %q, want %q", f.Column, w.column)
			}
			if f.Column != "" && columns[f.Column] {
				t.Fatalf("column %q repeated", f.Column)
			}
			columns[f.Column] = true
			if got := f.Stored(c); !reflect.DeepEqual(got, w.value) {
				t.Fatalf("Stored = %#v, want %#v", got, w.value)
			}
		})
	}
}
