package db

import (
	"contactid/contact"
	"context"
	"fmt"
	"strconv"

	"github.com/lib/pq"
)

// applyFields validates f and writes it onto c (contact.ContactFields.Apply),
// then checks assignees, address and identifier uniqueness against the
// database. It returns UserErrors on bad input.
func applyFields(ctx context.Context, db q, acct string, f contact.ContactFields, c *contact.Contact, creating bool) error {
	errs := f.Apply(c, creating)
	if len(errs) > 0 {
		return errs
	}
	if f.AssigneeIDs.Set {
		uerrs, err := checkUsers(ctx, db, acct, c.AssigneeIDs, "input", "assigneeIds")
		if err != nil {
			return err
		}
		errs = append(errs, uerrs...)
	}
	// A taken address given through a shortcut is reported at the shortcut.
	pathOf := func(list string, i int) []string {
		switch {
		case list == "emails" && f.Email.Set:
			return []string{"input", "email"}
		case list == "phoneNumbers" && f.PhoneNumber.Set:
			return []string{"input", "phoneNumber"}
		}
		return []string{"input", list, strconv.Itoa(i)}
	}
	uerrs, err := checkAddressesFree(ctx, db, acct, c.ID, c.Emails, c.PhoneNumbers, pathOf)
	if err != nil {
		return err
	}
	errs = append(errs, uerrs...)
	if f.Identifier.Set && c.Identifier != nil {
		taken, err := takenIdentifiers(ctx, db, acct, c.ID, *c.Identifier)
		if err != nil {
			return err
		}
		if taken[*c.Identifier] {
			errs.Add(contact.Taken, identifierTakenMsg, "input", "identifier")
		}
	}
	c.AssigneeIDs = contact.DistinctIDs(c.AssigneeIDs)
	return errs.Err()
}

// checkUsers returns a NOT_FOUND user error (path field + index) for each id
// that is not a user of the account.
func checkUsers(ctx context.Context, db q, acct string, ids []string, field ...string) (contact.UserErrors, error) {
	known, err := existingIDs(ctx, db, "users", acct, ids)
	if err != nil {
		return nil, err
	}
	var errs contact.UserErrors
	for i, id := range ids {
		if !known[id] {
			errs.Add(contact.NotFound, "user not found", append(append([]string{}, field...), strconv.Itoa(i))...)
		}
	}
	return errs, nil
}

// existingIDs returns which of ids are rows of table in the account, in one
// query. Malformed ids are never found.
func existingIDs(ctx context.Context, db q, table, acct string, ids []string) (map[string]bool, error) {
	known := map[string]bool{}
	if len(ids) == 0 {
		return known, nil
	}
	var found []string
	if err := db.SelectContext(ctx, &found, `SELECT id FROM `+table+` WHERE account_id = $1 AND id = ANY($2::uuid[])`,
		acct, pq.Array(validIDs(ids))); err != nil {
		return nil, fmt.Errorf("check %s: %w", table, err)
	}
	for _, id := range found {
		known[id] = true
	}
	return known, nil
}

// checkAddressesFree returns a TAKEN user error for each email or phone number
// that a contact other than self (empty for a new contact) already has, at
// the path pathOf gives for the list ("emails" or "phoneNumbers") and index.
func checkAddressesFree(ctx context.Context, db q, acct, self string, emails, phones []string, pathOf func(list string, i int) []string) (contact.UserErrors, error) {
	taken, err := takenAddresses(ctx, db, acct, self, append(append([]string{}, emails...), phones...))
	if err != nil {
		return nil, err
	}
	var errs contact.UserErrors
	for _, l := range []struct {
		name   string
		values []string
	}{{"emails", emails}, {"phoneNumbers", phones}} {
		for i, v := range l.values {
			if taken[v] {
				errs.Add(contact.Taken, fmt.Sprintf("%q already belongs to another contact", v), pathOf(l.name, i)...)
			}
		}
	}
	return errs, nil
}

// takenAddresses returns which of the given emails and phone numbers a
// contact other than self (empty for none) already has.
func takenAddresses(ctx context.Context, db q, acct, self string, addresses []string) (map[string]bool, error) {
	var selfID *string
	if self != "" {
		selfID = &self
	}
	var taken []string
	err := db.SelectContext(ctx, &taken, `
		SELECT email FROM contact_emails WHERE account_id = $1 AND email = ANY($2) AND ($3::uuid IS NULL OR contact_id <> $3)
		UNION ALL
		SELECT phone_number FROM contact_phone_numbers WHERE account_id = $1 AND phone_number = ANY($2) AND ($3::uuid IS NULL OR contact_id <> $3)`,
		acct, pq.Array(addresses), selfID)
	if err != nil {
		return nil, fmt.Errorf("check addresses: %w", err)
	}
	out := make(map[string]bool, len(taken))
	for _, t := range taken {
		out[t] = true
	}
	return out, nil
}

// identifierIndex is the unique index that keeps identifiers unique per account.
const identifierIndex = "contacts_identifier_unique"

// identifierTakenMsg is the message of a TAKEN identifier.
const identifierTakenMsg = "another contact already has this identifier"

// takenIdentifiers returns which of the identifiers a contact other than
// self (empty for none) already has.
func takenIdentifiers(ctx context.Context, db q, acct, self string, identifiers ...string) (map[string]bool, error) {
	var selfID *string
	if self != "" {
		selfID = &self
	}
	var taken []string
	err := db.SelectContext(ctx, &taken, `SELECT identifier FROM contacts
		WHERE account_id = $1 AND identifier = ANY($2) AND ($3::uuid IS NULL OR id <> $3)`, acct, pq.Array(identifiers), selfID)
	if err != nil {
		return nil, fmt.Errorf("check identifiers: %w", err)
	}
	out := make(map[string]bool, len(taken))
	for _, t := range taken {
		out[t] = true
	}
	return out, nil
}

// identifierTaken turns a violation of the identifier's unique index (a
// concurrent writer took it after the check) into a TAKEN user error at
// path; other errors are returned as they are.
func identifierTaken(err error, path ...string) error {
	if uniqueViolation(err, identifierIndex) {
		return contact.UserErrors{{Field: path, Code: contact.Taken, Message: identifierTakenMsg}}
	}
	return err
}
