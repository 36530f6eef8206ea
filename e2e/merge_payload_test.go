package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"contactid/contact"
)

// TestMergePayloadIsWhatIsStored checks that the contact a merge returns
// is, field for field, the contact the database holds afterwards: fields
// chosen from the mergee, both contacts' addresses, labels and attributes,
// and the activity of the mergee's later messages.
func TestMergePayloadIsWhatIsStored(t *testing.T) {
	f, jane, _, _ := janeFixture(t)
	mergee := f.MustContact(t, contact.ContactFields{FirstName: contact.Some(sp("Janet")), Identifier: contact.Some(sp("ext-9")),
		Emails: contact.Some([]string{"janet@example.com"}), PhoneNumbers: contact.Some([]string{"+14155550199"}),
		Labels: contact.Some([]string{"vip"}), CustomAttributes: contact.Some(contact.JSONObject{"plan": "pro"}),
		Status: contact.Some(sp("lead"))})
	conv := f.MustConversation(t, mergee.ID)
	f.MustMessages(t, conv.ID, 2, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var out struct {
		MergeContacts struct {
			Contact    json.RawMessage
			UserErrors []userError
		}
	}
	f.Do(t, f.Acct.Token, `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
		contact { ...everything } userErrors { field message code } } }`+contactEverything,
		map[string]any{"input": map[string]any{"baseContactId": jane.ID, "mergeeContactIds": []any{mergee.ID},
			"fieldChoices": []any{map[string]any{"field": "FIRST_NAME", "contactId": mergee.ID},
				map[string]any{"field": "STATUS", "contactId": mergee.ID}}}}, &out)
	if len(out.MergeContacts.UserErrors) > 0 {
		t.Fatalf("%+v", out.MergeContacts.UserErrors)
	}
	var stored struct{ Contact json.RawMessage }
	f.Do(t, f.Acct.Token, `query($id: ID!) { contact(id: $id) { ...everything } }`+contactEverything,
		map[string]any{"id": jane.ID}, &stored)
	if string(out.MergeContacts.Contact) != string(stored.Contact) {
		t.Errorf("the merged contact as returned differs from what is stored:\nreturned: %s\nstored:   %s", out.MergeContacts.Contact, stored.Contact)
	}
	var got struct {
		FirstName      string
		Emails         []string
		LastActivityAt time.Time
	}
	if err := json.Unmarshal(stored.Contact, &got); err != nil {
		t.Fatal(err)
	}
	if got.FirstName != "Janet" || len(got.Emails) != 2 || !got.LastActivityAt.After(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("stored contact %s: want Janet, both emails and the mergee's latest message as its activity", stored.Contact)
	}
}
