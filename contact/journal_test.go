package contact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fill sets v, and everything it points to or holds, to a non-zero value.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("s-" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(reflect.ValueOf("k"), reflect.ValueOf("v"))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i))
		}
	default:
		t.Fatalf("fill: no value for %s", v.Type())
	}
}

// TestContactImageCarriesEveryField round-trips a contact whose every
// field is set through its journal image and the image's JSON: a field
// added to Contact but not to ContactImage fails here.
func TestContactImageCarriesEveryField(t *testing.T) {
	var c Contact
	fill(t, reflect.ValueOf(&c).Elem())
	c.RowID = "" // a dry-run preview's, never journaled
	b, err := json.Marshal(NewContactImage(&c))
	if err != nil {
		t.Fatal(err)
	}
	var im ContactImage
	if err := json.Unmarshal(b, &im); err != nil {
		t.Fatal(err)
	}
	if got := im.Contact(); !reflect.DeepEqual(got, &c) {
		t.Fatalf("round trip through %s:\n got %+v\nwant %+v", b, *got, c)
	}
}

// TestContactImageJSONKeys pins the stored keys: they are the format, and
// must not follow renames of Go fields.
func TestContactImageJSONKeys(t *testing.T) {
	var c Contact
	fill(t, reflect.ValueOf(&c).Elem())
	b, err := json.Marshal(NewContactImage(&c))
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	want := []string{"id", "firstName", "lastName", "identifier", "status", "pipelineId", "pipelineStage", "outreachConfigId",
		"thumbnail", "emails", "phoneNumbers", "assigneeIds", "labels", "customAttributes", "additionalAttributes", "documents",
		"misc", "blocked", "version", "createdAt", "updatedAt", "lastActivityAt"}
	for _, k := range want {
		if _, ok := keys[k]; !ok {
			t.Errorf("no key %q in %s", k, b)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("%d keys, want %d: %s", len(keys), len(want), b)
	}
}

// TestJournalMovedJSON reads and writes the flat moved document.
func TestJournalMovedJSON(t *testing.T) {
	doc := `{"conversations": {"o": ["c1", "c2"]}, "contactNotes": {}, "newContactId": "n",
		"dividers": [{"conv": "c1", "new_conv": "c3", "first_msg": "m", "to_original": true, "inbox": null, "channel": null,
		"subject": "s", "subject_set": true, "status": null, "assignees": ["u"]}]}`
	want := JournalMoved{
		Records:      map[string]map[string][]string{"conversations": {"o": {"c1", "c2"}}, "contactNotes": {}},
		NewContactID: "n",
		Dividers: []JournalDivider{{Conv: "c1", NewConv: "c3", FirstMsg: "m", ToOriginal: true, Subject: new("s"), SubjectSet: true,
			AssigneeIDs: []string{"u"}}},
	}
	var m JournalMoved
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("decoded %+v, want %+v", m, want)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var again JournalMoved
	if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, want) {
		t.Fatalf("round trip %s: %+v (%v)", b, again, err)
	}
	for _, bad := range []string{`[]`, `{"conversations": ["c1"]}`, `{"newContactId": 1}`, `{"dividers": {}}`} {
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("decoded %s", bad)
		}
	}
}

// TestRecordKinds checks the registry: unique keys and tables, every
// accessor set, and each kind in RecordKinds.
func TestRecordKinds(t *testing.T) {
	keys, tables := map[string]bool{}, map[string]bool{}
	// Each list of the assignment holds one record, whose id is the list's JSON name.
	var a ChildRecordAssignment
	av := reflect.ValueOf(&a).Elem()
	for i := range av.NumField() {
		name, _, _ := strings.Cut(av.Type().Field(i).Tag.Get("json"), ",")
		av.Field(i).Set(reflect.ValueOf([]RecordAssignment{{ID: name}}))
	}
	var ms MergeSummary
	var ss SeparationSummary
	for _, k := range RecordKinds {
		if k.Key == "" || k.Table == "" || k.OwnerColumn == "" || k.Columns == "" || k.Assigned == nil || k.Merged == nil || k.Separated == nil {
			t.Errorf("%q: incomplete entry", k.Key)
			continue
		}
		if keys[k.Key] || tables[k.Table] {
			t.Errorf("%q: key or table %q listed twice", k.Key, k.Table)
		}
		keys[k.Key], tables[k.Table] = true, true
		*k.Merged(&ms)++
		*k.Separated(&ss)++
		if got := k.Assigned(&a); len(got) != 1 || got[0].ID != k.Key {
			t.Errorf("%q: Assigned returns the list %v", k.Key, got)
		}
		if k.Key == JournalMessages || k.Key == JournalRedirects || k.Key == JournalNewContactID || k.Key == JournalDividers ||
			k.Key == JournalTailMessages || k.Key == JournalSenderChanged {
			t.Errorf("%q: also a journal key of its own", k.Key)
		}
	}
	// Each kind counts into its own summary field.
	if ms != (MergeSummary{ConversationsMoved: 1, ContactInboxesMoved: 1, ApplicationsMoved: 1, NotesMoved: 1, RemindersMoved: 1, TrainingSnapshotsMoved: 1}) {
		t.Errorf("merge summary counters %+v", ms)
	}
	if ss != (SeparationSummary{ConversationsMoved: 1, ContactInboxesMoved: 1, ApplicationsMoved: 1, NotesMoved: 1, RemindersMoved: 1, TrainingSnapshotsMoved: 1}) {
		t.Errorf("separation summary counters %+v", ss)
	}
	if len(keys) != av.NumField() {
		t.Errorf("%d kinds, but ChildRecordAssignment has %d lists", len(keys), av.NumField())
	}
	for _, k := range []RecordKind{ConversationKind, ApplicationKind, ContactNoteKind, ReminderKind, TrainingSnapshotKind, ContactInboxKind} {
		if !keys[k.Key] {
			t.Errorf("%q is not in RecordKinds", k.Key)
		}
	}
}

// TestJournalMovedKeys checks the record keys a read row of each kind has.
func TestJournalMovedKeys(t *testing.T) {
	var kinds []string
	for _, k := range RecordKinds {
		kinds = append(kinds, k.Key)
	}
	for _, tc := range []struct {
		kind JournalKind
		m    JournalMoved
		want []string
	}{
		{JournalMerge, JournalMoved{}, append(append([]string{}, kinds...), JournalMessages, JournalRedirects)},
		{JournalSeparate, JournalMoved{}, append(append([]string{}, kinds...), JournalSenderChanged)},
		{JournalSeparate, JournalMoved{Dividers: []JournalDivider{{Conv: "c"}}},
			append(append([]string{}, kinds...), JournalSenderChanged, JournalTailMessages)},
	} {
		if got := tc.m.Keys(tc.kind); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s keys %v, want %v", tc.kind, got, tc.want)
		}
	}
}
