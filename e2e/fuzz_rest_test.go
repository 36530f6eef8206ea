package e2e

import (
	"strings"
	"testing"

	"contactid/app/apptest"
)

// fuzzREST fuzzes the body of a REST route (path, with the placeholders of
// fuzzMutation) and fails on a 5xx or leaked internals; each answer must
// match the OpenAPI document.
func fuzzREST(f *testing.F, path string, seeds ...string) {
	s := MustServer(f)
	acct, ex := s.demo(f)
	places := strings.NewReplacer("@account", acct.AccountID, "@contact", ex.SeparateContactID, "@other", ex.MergeeContactID,
		"@base", ex.BaseContactID, "@conversation", ex.SamanthaConversationID)
	for _, seed := range seeds {
		f.Add(seed)
	}
	auth := map[string]string{"Authorization": "Bearer " + acct.Token}
	f.Fuzz(func(t *testing.T, body string) {
		body = places.Replace(body)
		res := s.mustREST(t, places.Replace(path), "application/json", []byte(body), auth)
		if res.Status >= 500 {
			t.Fatalf("status %d for body %s: %s", res.Status, body, res.Body)
		}
		apptest.MustNotLeak(t, res.Body)
	})
}

func FuzzRESTSeparateBody(f *testing.F) {
	fuzzREST(f, "/api/contacts/@contact/separate?dryRun=true",
		`{"fieldSplit": {"firstName": {"original": "Sam", "new": "Samantha"}, "lastName": "both", "status": "original"},
			"childRecordAssignment": {"conversations": {"@conversation": "new"}}}`,
		`{"fieldSplit": {"email": "new", "emails": "new", "labels": {"original": ["a"], "new": ["b"]}}}`,
		`{"fieldSplit": {"misc": {"original": 1}, "assignees": "both", "documents": "new"}}`,
		`{"childRecordAssignment": {"notes": {"x": "new"}}, "messageDividers": [{"conversationId": "@conversation", "firstMessageId": "x"}]}`,
		`{"newConversationMeta": [{"conversationId": "@conversation", "status": "closed"}]}`, `[]`, `null`, `{"fieldSplit": null}`)
}

func FuzzRESTMergeBody(f *testing.F) {
	fuzzREST(f, "/api/v1/accounts/@account/actions/contact_merge",
		`{"base_contact_id": "@base", "mergee_contact_id": "@base"}`,
		`{"base_contact_id": "@base", "mergee_contact_ids": ["@other", "@contact"]}`,
		`{"base_contact_id": 1, "mergee_contact_id": 2}`, `{"base_contact_id": "@base", "mergee_contact_ids": []}`,
		`{"base_contact_id": "@base", "mergee_contact_id": "@other", "mergee_contact_ids": ["@other"]}`, `"x"`, `{}`)
}
