package e2e

import (
	"encoding/json"
	"testing"

	"contactid/contact"
)

// contactEverything selects every field of a Contact that is not a
// connection.
const contactEverything = `fragment everything on Contact { id firstName lastName name emails email phoneNumbers
	phoneNumber identifier status pipelineId pipelineStage assignees { id } outreachConfigId labels customAttributes
	additionalAttributes documents { name url } misc blocked thumbnail version createdAt updatedAt lastActivityAt
	mergedContactIds }`

// TestSeparatePayloadIsWhatIsStored checks that the contacts a separation
// returns are, field for field, the contacts the database holds afterwards.
func TestSeparatePayloadIsWhatIsStored(t *testing.T) {
	f, jane, conv, _ := janeFixture(t)
	f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Other"))})
	var out struct {
		SeparateContact struct {
			OriginalContact, NewContact json.RawMessage
			UserErrors                  []userError
		}
	}
	f.Do(t, f.Acct.Token, `mutation($id: ID!, $input: SeparateContactInput!) { separateContact(id: $id, input: $input) {
		originalContact { ...everything } newContact { ...everything } userErrors { field message code } } }`+contactEverything,
		map[string]any{"id": jane.ID, "input": map[string]any{
			"fieldSplit": map[string]any{
				"firstName":        map[string]any{"original": "Jane", "new": "Janet"},
				"emails":           map[string]any{"original": []any{"jane@example.com"}, "new": []any{" Janet@Example.com "}},
				"phoneNumbers":     map[string]any{"new": []any{"+1 (415) 555-0101"}},
				"labels":           map[string]any{"original": []any{"a"}, "new": []any{"b", "b"}},
				"status":           "NEW",
				"customAttributes": "BOTH",
			},
			"childRecordAssignment": map[string]any{"conversations": []any{map[string]any{"id": conv.ID, "side": "NEW"}}},
		}}, &out)
	res := out.SeparateContact
	if len(res.UserErrors) > 0 {
		t.Fatalf("%+v", res.UserErrors)
	}
	var ids struct{ ID string }
	if err := json.Unmarshal(res.NewContact, &ids); err != nil || ids.ID == "" {
		t.Fatalf("new contact %s: %v", res.NewContact, err)
	}
	var stored struct{ A, B json.RawMessage }
	f.Do(t, f.Acct.Token, `query($a: ID!, $b: ID!) { a: contact(id: $a) { ...everything } b: contact(id: $b) { ...everything } }`+contactEverything,
		map[string]any{"a": jane.ID, "b": ids.ID}, &stored)
	for _, c := range []struct {
		name          string
		payload, read json.RawMessage
	}{{"original", res.OriginalContact, stored.A}, {"new", res.NewContact, stored.B}} {
		if string(c.payload) != string(c.read) {
			t.Errorf("the %s contact as returned differs from what is stored:\nreturned: %s\nstored:   %s", c.name, c.payload, c.read)
		}
	}
}
