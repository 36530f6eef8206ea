package db

import (
	"bytes"
	"contactid/contact"
	"context"

	"github.com/jmoiron/sqlx"
)

// ReadJournal exposes readJournal to the external tests: the journal row id
// of the account, decoded.
func ReadJournal(ctx context.Context, s *Store, acct, id string) (contact.JournalEntry, error) {
	return readJournal(ctx, s.db, acct, id)
}

// MoveToBaseSQL exposes the merge's journaled move of table's rows whose
// owner column col holds a mergee, as a plain statement: $1 the account,
// $2 the base, $3 the mergee.
func MoveToBaseSQL(table, col, idCol string) string {
	return moveToBase("k", table, col, idCol, "$2", "$3").stmt
}

// Render is a compiled read's field rendering, for tests of the array text
// translation.
type Render = render

// The render kinds the tests use.
const (
	RenderString  = renderString
	RenderStrings = renderStrings
	RenderObjects = renderObjects
	RenderConst   = renderConst
)

// NewRender returns the rendering of a field with response key, kind,
// constant text and object fields.
func NewRender(key string, kind renderKind, text string, fields ...render) Render {
	return render{key: quoteKey(key), kind: kind, text: text, fields: fields}
}

// WriteObjects writes a two-dimensional array text as a JSON array of
// objects with fields.
func WriteObjects(fields []Render, text []byte) ([]byte, error) {
	var out bytes.Buffer
	err := writeObjects(&out, fields, text)
	return out.Bytes(), err
}

// WriteTime writes a timestamptz's output at UTC as the Time scalar.
func WriteTime(text []byte) (string, error) {
	var out bytes.Buffer
	err := writeTime(&out, text)
	return out.String(), err
}

// RunSeparation writes a separation that changes only fields (run)
// without its validation, as a concurrent writer could leave it, in a
// transaction committed when it succeeds: orig as it was read, origNext and
// newC as the split leaves them. It returns the new contact's id.
func RunSeparation(ctx context.Context, s *Store, a contact.Actor, orig, origNext, newC *contact.Contact) (string, error) {
	var id string
	err := s.runTx(ctx, false, func(tx *sqlx.Tx) error {
		res, err := (&separation{orig: orig, origNext: origNext, newC: newC, toNew: map[string][]string{}}).run(ctx, tx, a)
		if res.NewContactID != nil {
			id = *res.NewContactID
		}
		return err
	})
	return id, err
}
