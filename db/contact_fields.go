package db

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Opt is an optional input value: Set reports whether the caller gave it
// (possibly as null, in which case Value is the zero value).
type Opt[T any] struct {
	Set   bool
	Value T
}

// Some returns a set Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, Value: v} }

// ContactFields holds the contact fields a create or update gives. For an
// update, fields not Set keep their value and a nil Value clears them.
type ContactFields struct {
	FirstName, LastName, Identifier, Status, PipelineID, PipelineStage, OutreachConfigID, Thumbnail Opt[*string]

	Email, PhoneNumber                           Opt[*string]
	Emails, PhoneNumbers, Labels, AssigneeIDs    Opt[[]string]
	CustomAttributes, AdditionalAttributes, Misc Opt[JSONObject]
	Documents                                    Opt[[]Document]
	Blocked                                      Opt[*bool]
}

// apply validates f and writes it onto c, checking assignees and address
// uniqueness against the database. creating selects create semantics for the
// email/phoneNumber shortcuts. It returns UserErrors on bad input.
func (f ContactFields) apply(ctx context.Context, db q, acct string, c *Contact, creating bool) error {
	var errs UserErrors
	for _, s := range []struct {
		opt  Opt[*string]
		dst  **string
		name string
		max  int
	}{
		{f.FirstName, &c.FirstName, "firstName", MaxNameLength}, {f.LastName, &c.LastName, "lastName", MaxNameLength},
		{f.Identifier, &c.Identifier, "identifier", MaxNameLength}, {f.Status, &c.Status, "status", MaxNameLength},
		{f.PipelineID, &c.PipelineID, "pipelineId", MaxNameLength}, {f.PipelineStage, &c.PipelineStage, "pipelineStage", MaxNameLength},
		{f.OutreachConfigID, &c.OutreachConfigID, "outreachConfigId", MaxNameLength}, {f.Thumbnail, &c.Thumbnail, "thumbnail", MaxURLLength},
	} {
		if s.opt.Set && checkOptLength(&errs, s.opt.Value, s.max, "input", s.name) {
			*s.dst = blankToNil(s.opt.Value)
		}
	}
	c.Emails = resolveList(&errs, "email", "emails", f.Email, f.Emails, c.Emails, creating, emailKind)
	c.PhoneNumbers = resolveList(&errs, "phoneNumber", "phoneNumbers", f.PhoneNumber, f.PhoneNumbers, c.PhoneNumbers, creating, phoneKind)
	if f.Labels.Set {
		checkLabels(&errs, f.Labels.Value, "input", "labels")
		c.Labels = cleanLabels(f.Labels.Value)
	}
	if f.AssigneeIDs.Set {
		c.AssigneeIDs = canonicalIDs(f.AssigneeIDs.Value)
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	if c.AssigneeIDs == nil {
		c.AssigneeIDs = []string{}
	}
	for _, o := range []struct {
		opt Opt[JSONObject]
		dst *JSONObject
	}{{f.CustomAttributes, &c.CustomAttributes}, {f.AdditionalAttributes, &c.AdditionalAttributes}, {f.Misc, &c.Misc}} {
		if o.opt.Set {
			*o.dst = o.opt.Value
		}
		if *o.dst == nil {
			*o.dst = JSONObject{}
		}
	}
	if f.Documents.Set {
		c.Documents = Documents(f.Documents.Value)
		for i, d := range c.Documents {
			path := []string{"input", "documents", strconv.Itoa(i)}
			if strings.TrimSpace(d.Name) == "" || strings.TrimSpace(d.URL) == "" {
				errs.Add(Invalid, "a document needs a name and a url", path...)
			}
			checkLength(&errs, d.Name, MaxNameLength, append(path, "name")...)
			checkLength(&errs, d.URL, MaxURLLength, append(path, "url")...)
		}
	}
	if c.Documents == nil {
		c.Documents = Documents{}
	}
	if f.Blocked.Set {
		c.Blocked = f.Blocked.Value != nil && *f.Blocked.Value // null clears to false
	}
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
			errs.Add(Taken, identifierTakenMsg, "input", "identifier")
		}
	}
	c.AssigneeIDs = distinctIDs(c.AssigneeIDs)
	return errs.Err()
}

// distinctIDs drops repeats from ids, keeping the first of each.
func distinctIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// blankToNil trims s and returns nil for a blank string.
func blankToNil(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// cleanLabels trims labels and drops blanks and repeats, keeping order.
func cleanLabels(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range in {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// checkLabels adds an INVALID user error (path + index) for each label
// longer than MaxNameLength once trimmed.
func checkLabels(errs *UserErrors, labels []string, path ...string) {
	for i, l := range labels {
		checkLength(errs, strings.TrimSpace(l), MaxNameLength, append(append([]string{}, path...), strconv.Itoa(i))...)
	}
}

// addressKind says how an email or a phone number input is checked.
type addressKind struct {
	norm   func(string) (string, bool)
	maxLen int // characters of the input, surrounding spaces trimmed
	badMsg string
}

// The address kinds.
var (
	emailKind = addressKind{NormalizeEmail, MaxEmailLength, "is not a valid email address"}
	phoneKind = addressKind{NormalizePhone, MaxPhoneLength,
		"is not a valid phone number: use + and the country code, then 8 to 15 digits in all"}
)

// normalize returns the normalised form of raw and whether it is valid,
// adding an INVALID user error at path when it is too long (without
// echoing it) or malformed.
func (k addressKind) normalize(errs *UserErrors, raw string, path []string) (string, bool) {
	if !checkLength(errs, trimSpaces(raw), k.maxLen, path...) {
		return "", false
	}
	v, ok := k.norm(raw)
	if !ok {
		errs.Add(Invalid, fmt.Sprintf("%q %s", raw, k.badMsg), path...)
	}
	return v, ok
}

// resolveList computes a contact's new email or phone list from the
// single-value shortcut (one) and the whole-list field (all): the list
// replaces everything; the shortcut replaces the primary (null removes it).
// Each value is normalised; bad, too long or repeated values are INVALID.
func resolveList(errs *UserErrors, oneName, allName string, one Opt[*string], all Opt[[]string], current []string,
	creating bool, kind addressKind) []string {
	if one.Set && all.Set {
		errs.Add(Invalid, fmt.Sprintf("give %s or %s, not both", oneName, allName), "input", oneName)
		return current
	}
	var raw []string
	var paths [][]string
	switch {
	case all.Set:
		raw = all.Value
		for i := range raw {
			paths = append(paths, []string{"input", allName, strconv.Itoa(i)})
		}
	case one.Set:
		rest := current
		if len(rest) > 0 && !creating {
			rest = rest[1:]
		}
		if one.Value != nil {
			raw = []string{*one.Value}
			paths = [][]string{{"input", oneName}}
		}
		for _, v := range rest {
			raw = append(raw, v)
			paths = append(paths, []string{"input", oneName})
		}
	default:
		if current == nil {
			return []string{}
		}
		return current
	}
	out := []string{}
	seen := map[string]bool{}
	for i, v := range raw {
		n, ok := kind.normalize(errs, v, paths[i])
		switch {
		case !ok:
		case seen[n]:
			if all.Set {
				errs.Add(Invalid, fmt.Sprintf("%q is listed twice", n), paths[i]...)
			}
		default:
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// checkUsers returns a NOT_FOUND user error (path field + index) for each id
// that is not a user of the account.
func checkUsers(ctx context.Context, db q, acct string, ids []string, field ...string) (UserErrors, error) {
	known, err := existingIDs(ctx, db, "users", acct, ids)
	if err != nil {
		return nil, err
	}
	var errs UserErrors
	for i, id := range ids {
		if !known[id] {
			errs.Add(NotFound, "user not found", append(append([]string{}, field...), strconv.Itoa(i))...)
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
	if err := sqlx.SelectContext(ctx, db, &found, `SELECT id FROM `+table+` WHERE account_id = $1 AND id = ANY($2::uuid[])`,
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
func checkAddressesFree(ctx context.Context, db q, acct, self string, emails, phones []string, pathOf func(list string, i int) []string) (UserErrors, error) {
	taken, err := takenAddresses(ctx, db, acct, self, append(append([]string{}, emails...), phones...))
	if err != nil {
		return nil, err
	}
	var errs UserErrors
	for _, l := range []struct {
		name   string
		values []string
	}{{"emails", emails}, {"phoneNumbers", phones}} {
		for i, v := range l.values {
			if taken[v] {
				errs.Add(Taken, fmt.Sprintf("%q already belongs to another contact", v), pathOf(l.name, i)...)
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
	err := sqlx.SelectContext(ctx, db, &taken, `
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
	err := sqlx.SelectContext(ctx, db, &taken, `SELECT identifier FROM contacts
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
		return UserErrors{{Field: path, Code: Taken, Message: identifierTakenMsg}}
	}
	return err
}
