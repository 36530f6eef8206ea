package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"contactid/contact"
	"contactid/db"
)

// TestSeparationWritesBothContactsInOneStatement checks the journal
// statement's writes of both contacts of a separation: the new contact can take the
// original's identifier and addresses (the original's are cleared first),
// and an identifier or address a concurrent writer took after validation is
// TAKEN on the side that asked for it, with nothing written.
func TestSeparationWritesBothContactsInOneStatement(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	create := func(identifier, email string) *contact.Contact {
		c, err := e.store.CreateContact(ctx, e.actor, contact.ContactFields{FirstName: contact.Some(new("Jo")),
			Identifier: contact.Some(new(identifier)), Emails: contact.Some([]string{email})})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	other := create("ID-B", "b@example.com")
	orig := create("ID-A", "a@example.com")
	split := func(origIdentifier, newIdentifier *string, origEmails, newEmails []string) (*contact.Contact, *contact.Contact) {
		next := *orig
		next.Identifier, next.Emails = origIdentifier, origEmails
		return &next, &contact.Contact{FirstName: new("Janet"), Identifier: newIdentifier, Emails: newEmails}
	}
	count := func() (n int) {
		if err := e.conn.Get(&n, `SELECT count(*) FROM contacts WHERE account_id = $1`, e.actor.AccountID); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, tc := range []struct {
		name                          string
		origIdentifier, newIdentifier *string
		origEmails, newEmails         []string
		path                          []string
	}{
		{"the new contact takes an identifier another contact has", nil, new("ID-B"), nil, nil,
			contact.SplitPath("identifier", "new")},
		{"the original takes an identifier another contact has", new("ID-B"), new("ID-N"), nil, nil,
			contact.SplitPath("identifier", "original")},
		{"the new contact takes an email another contact has", new("ID-A"), nil, nil, []string{"b@example.com"},
			[]string{"input", "emails"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count()
			origNext, newC := split(tc.origIdentifier, tc.newIdentifier, tc.origEmails, tc.newEmails)
			_, err := db.RunSeparation(ctx, e.store, e.actor, orig, origNext, newC)
			var ue contact.UserErrors
			if !errors.As(err, &ue) || len(ue) != 1 || ue[0].Code != contact.Taken || !slices.Equal(ue[0].Field, tc.path) {
				t.Fatalf("error = %v, want TAKEN at %v", err, tc.path)
			}
			got, err := e.store.Contact(ctx, e.actor, orig.ID)
			if err != nil {
				t.Fatal(err)
			}
			if count() != before || *got.Identifier != "ID-A" || !slices.Equal(got.Emails, []string{"a@example.com"}) {
				t.Errorf("after a refused write: %d contacts (want %d), original %v %v", count(), before, *got.Identifier, got.Emails)
			}
		})
	}

	t.Run("the new contact takes the original's identifier and email", func(t *testing.T) {
		origNext, newC := split(nil, new("ID-A"), []string{"a2@example.com"}, []string{"a@example.com"})
		id, err := db.RunSeparation(ctx, e.store, e.actor, orig, origNext, newC)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []struct {
			id         string
			identifier *string
			emails     []string
		}{{orig.ID, nil, []string{"a2@example.com"}}, {id, new("ID-A"), []string{"a@example.com"}}, {other.ID, new("ID-B"), []string{"b@example.com"}}} {
			got, err := e.store.Contact(ctx, e.actor, want.id)
			if err != nil {
				t.Fatal(err)
			}
			if (got.Identifier == nil) != (want.identifier == nil) || (got.Identifier != nil && *got.Identifier != *want.identifier) ||
				!slices.Equal(got.Emails, want.emails) {
				t.Errorf("contact %s: identifier %v emails %v, want %v %v", want.id, got.Identifier, got.Emails, want.identifier, want.emails)
			}
		}
	})
}
