package db

import (
	"contactid/contact"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// tokenPrefix marks the service's API tokens so they are easy to recognise
// in logs and secret scanners.
const tokenPrefix = "cid_"

// newToken returns a fresh random API token and its stored digest.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken returns the digest stored for a token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateAccount creates an account with one administrator user and an API
// token for it. The user is named after the account. UserErrors INVALID for
// a blank name or one longer than MaxNameLength; other errors are the
// database's.
func (s *Store) CreateAccount(ctx context.Context, name string) (contact.NewAccount, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return contact.NewAccount{}, contact.UserErrors{{Field: []string{"name"}, Message: "must not be blank", Code: contact.Invalid}}
	}
	var errs contact.UserErrors
	if !contact.CheckLength(&errs, name, contact.MaxNameLength, "name") {
		return contact.NewAccount{}, errs
	}
	var out contact.NewAccount
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &out.AccountID, `INSERT INTO accounts (name) VALUES ($1) RETURNING id`, name); err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		u, token, err := insertUser(ctx, tx, out.AccountID, name+" Admin", "admin@account.invalid", contact.Administrator)
		if err != nil {
			return err
		}
		out.UserID, out.Token = u.ID, token
		return nil
	})
	return out, err
}

// insertUser creates a user with an API token.
func insertUser(ctx context.Context, tx *sqlx.Tx, acct, name, email string, role contact.Role) (contact.User, string, error) {
	var u contact.User
	err := tx.GetContext(ctx, &u, `INSERT INTO users (account_id, name, email, role) VALUES ($1, $2, $3, $4)
		RETURNING id, name, email, role, created_at`, acct, name, email, role)
	if uniqueViolation(err, "") {
		return contact.User{}, "", contact.UserErrors{{Field: []string{"input", "email"}, Message: "a user with this email already exists", Code: contact.Taken}}
	} else if err != nil {
		return contact.User{}, "", fmt.Errorf("insert user: %w", err)
	}
	token, digest := newToken()
	if err := insertToken(ctx, tx, acct, u.ID, digest); err != nil {
		return contact.User{}, "", err
	}
	return u, token, nil
}

// insertToken stores a token digest for a user.
func insertToken(ctx context.Context, tx *sqlx.Tx, acct, userID string, digest []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (account_id, user_id, token_hash) VALUES ($1, $2, $3)`,
		acct, userID, digest); err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

// CreateUser creates a user in the caller's account and returns it with its
// API token. ErrForbidden unless the caller is an administrator; UserErrors
// INVALID for a blank or too long name or a bad email, TAKEN for an email
// already used.
func (s *Store) CreateUser(ctx context.Context, a contact.Actor, in contact.CreateUserInput) (contact.User, string, error) {
	if !a.IsAdmin() {
		return contact.User{}, "", contact.ErrForbidden
	}
	var errs contact.UserErrors
	name := contact.Deref(contact.BlankToNil(in.Name))
	if name == "" {
		errs.Add(contact.Invalid, "must not be blank", "input", "name")
	}
	contact.CheckLength(&errs, name, contact.MaxNameLength, "input", "name")
	email, ok := contact.NormalizeEmail(contact.Deref(in.Email))
	if !ok {
		errs.Add(contact.Invalid, "is not a valid email address", "input", "email")
	}
	role := contact.Agent
	if in.Role != nil {
		role = *in.Role
	}
	if len(errs) > 0 {
		return contact.User{}, "", errs
	}
	var u contact.User
	var token string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		u, token, err = insertUser(ctx, tx, a.AccountID, name, email, role)
		return err
	})
	return u, token, err
}

// Authenticate returns the actor an API token belongs to, or
// ErrUnauthenticated, and remembers it as the token's hint (see TokenHint).
func (s *Store) Authenticate(ctx context.Context, token string) (contact.Actor, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return contact.Actor{}, contact.ErrUnauthenticated
	}
	digest := hashToken(token)
	var row struct {
		contact.Actor
		Hash []byte `db:"token_hash"`
	}
	st, err := s.prep.stmt(ctx, `SELECT t.account_id AS accountid, t.user_id AS userid, u.role AS role, t.token_hash
		FROM api_tokens t JOIN users u ON u.account_id = t.account_id AND u.id = t.user_id
		WHERE t.token_hash = $1`)
	if err == nil {
		err = st.GetContext(ctx, &row, digest)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return contact.Actor{}, contact.ErrUnauthenticated
	} else if err != nil {
		return contact.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare(row.Hash, digest) != 1 {
		return contact.Actor{}, contact.ErrUnauthenticated
	}
	s.hints.Add(string(digest), row.Actor)
	return row.Actor, nil
}

// Viewer returns the calling user. Errors are the database's, wrapped.
func (s *Store) Viewer(ctx context.Context, a contact.Actor) (contact.User, error) {
	var u contact.User
	err := s.rd.GetContext(ctx, &u, `SELECT id, name, email, role, created_at FROM users WHERE account_id = $1 AND id = $2`,
		a.AccountID, a.UserID)
	if err != nil {
		return contact.User{}, fmt.Errorf("viewer: %w", err)
	}
	return u, nil
}

// UsersByID returns the account's users among ids, keyed by id. Errors are the database's, wrapped.
func (s *Store) UsersByID(ctx context.Context, a contact.Actor, ids []string) (map[string]*contact.User, error) {
	return byID(ctx, s.rd, "users", `SELECT id, name, email, role, created_at FROM users`, a.AccountID, ids,
		func(u *contact.User) string { return u.ID })
}
