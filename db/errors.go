package db

import (
	"contactid/contact"
	"database/sql"
	"errors"
	"fmt"
)

// notFound is the one error shape for an id that is unknown, belongs to another
// account or was merged away.
func notFound(what string, field ...string) contact.UserErrors {
	return contact.UserErrors{{Field: field, Message: what + " not found", Code: contact.NotFound}}
}

// isNoRows reports whether err means a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// wrapf wraps err with a short description of the step that failed.
func wrapf(step string, err error) error { return fmt.Errorf("%s: %w", step, err) }

// wrapErr wraps err like wrapf, and returns nil for nil.
func wrapErr(step string, err error) error {
	if err == nil {
		return nil
	}
	return wrapf(step, err)
}
