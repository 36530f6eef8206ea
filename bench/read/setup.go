package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"contactid/db"
	"contactid/internal/pgcluster"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver for database/sql
)

// moduleRoot returns the directory of the contactid module's go.mod, found
// from the working directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module contactid") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the benchmark inside the contactid module (no go.mod of module contactid above the working directory)")
		}
		dir = parent
	}
}

// tmpBase returns where the benchmark's temporary directory goes: /dev/shm
// when it is a tmpfs with at least 1 GiB free (as internal/pgtest does, so
// seeding does not wait on the disk), otherwise os.TempDir().
func tmpBase() string {
	const tmpfsMagic = 0x01021994 // TMPFS_MAGIC from linux/magic.h
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err == nil && st.Type == tmpfsMagic && uint64(st.Bavail)*uint64(st.Bsize) >= 1<<30 {
		return "/dev/shm"
	}
	return os.TempDir()
}

// database is the benchmark's PostgreSQL database, migrated.
type database struct {
	dsn      string
	conn     *sqlx.DB
	cluster  *pgcluster.Cluster // nil when DATABASE_URL names the server
	accounts []string           // accounts to delete on close (external database only)
}

// openDatabase connects to DATABASE_URL or starts a throwaway cluster under
// dir (the way internal/pgtest does), then migrates the database.
func openDatabase(ctx context.Context, dir string) (*database, error) {
	d := &database{dsn: os.Getenv("DATABASE_URL")}
	if d.dsn == "" {
		c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "pg"), Fast: true})
		if err != nil {
			return nil, fmt.Errorf("start throwaway cluster: %w", err)
		}
		d.cluster = c
		admin, err := sqlx.ConnectContext(ctx, "postgres", c.DSN("postgres"))
		if err == nil {
			_, err = admin.ExecContext(ctx, `CREATE DATABASE bench`)
			admin.Close()
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("create database: %w", err), c.Stop(context.WithoutCancel(ctx)))
		}
		d.dsn = c.DSN("bench")
	}
	conn, err := sqlx.ConnectContext(ctx, "postgres", d.dsn)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("connect: %w", err), d.close(context.WithoutCancel(ctx)))
	}
	d.conn = conn
	if err := db.Migrate(ctx, conn); err != nil {
		return nil, errors.Join(err, d.close(context.WithoutCancel(ctx)))
	}
	return d, nil
}

// close deletes the benchmark's accounts from an external database, closes
// the pool and stops the throwaway cluster; it returns their errors, joined.
func (d *database) close(ctx context.Context) error {
	var errs []error
	if d.conn != nil {
		if d.cluster == nil && len(d.accounts) > 0 {
			_, err := d.conn.ExecContext(ctx, `DELETE FROM accounts WHERE id = ANY($1::uuid[])`, "{"+strings.Join(d.accounts, ",")+"}")
			errs = append(errs, err)
		}
		errs = append(errs, d.conn.Close())
	}
	if d.cluster != nil {
		errs = append(errs, d.cluster.Stop(ctx))
	}
	return errors.Join(errs...)
}

// The data set of issue 9 (account A) and a small second account (B) whose
// contacts are newer, so an unfiltered contact list would show B's first.
const (
	contactsA, conversationsA, messagesA = 2000, 10, 10
	contactsB, conversationsB, messagesB = 100, 3, 4
)

// seeded is what the benchmark needs to know about the seeded data.
type seeded struct {
	accountID string   // account A
	token     string   // administrator token of account A
	contactID string   // the contact Q2 reads (account A)
	accounts  []string // A and B
	summary   string
}

// seed creates accounts A and B through the store (so their tokens are
// real) and fills them with set-based INSERT … SELECT statements, then
// analyzes the database. It returns what the queries need.
func seed(ctx context.Context, conn *sqlx.DB) (seeded, error) {
	st := db.New(conn)
	a, err := st.CreateAccount(ctx, "Bench A")
	if err != nil {
		return seeded{}, fmt.Errorf("create account: %w", err)
	}
	b, err := st.CreateAccount(ctx, "Bench B")
	if err != nil {
		return seeded{accounts: []string{a.AccountID}}, fmt.Errorf("create account: %w", err)
	}
	accounts := []string{a.AccountID, b.AccountID}
	newest := time.Now().Add(-24 * time.Hour).UTC()
	if err := seedAccount(ctx, conn, a.AccountID, a.UserID, "a-", newest.Add(-24*time.Hour), contactsA, conversationsA, messagesA); err != nil {
		return seeded{accounts: accounts}, err
	}
	if err := seedAccount(ctx, conn, b.AccountID, b.UserID, "b-", newest, contactsB, conversationsB, messagesB); err != nil {
		return seeded{accounts: accounts}, err
	}
	if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
		return seeded{accounts: accounts}, fmt.Errorf("analyze: %w", err)
	}
	out := seeded{accountID: a.AccountID, token: a.Token, accounts: accounts}
	if err := conn.GetContext(ctx, &out.contactID, `SELECT id FROM contacts WHERE account_id = $1 AND identifier = 'a-01000'`, a.AccountID); err != nil {
		return seeded{accounts: accounts}, fmt.Errorf("pick contact: %w", err)
	}
	var counts struct {
		Contacts, Conversations, Messages, Emails, Notes, Applications int
	}
	if err := conn.GetContext(ctx, &counts, `SELECT
		(SELECT count(*) FROM contacts WHERE account_id = $1) AS contacts,
		(SELECT count(*) FROM conversations WHERE account_id = $1) AS conversations,
		(SELECT count(*) FROM messages WHERE account_id = $1) AS messages,
		(SELECT count(*) FROM contact_emails WHERE account_id = $1) AS emails,
		(SELECT count(*) FROM contact_notes WHERE account_id = $1) AS notes,
		(SELECT count(*) FROM applications WHERE account_id = $1) AS applications`, a.AccountID); err != nil {
		return seeded{accounts: accounts}, fmt.Errorf("count: %w", err)
	}
	out.summary = fmt.Sprintf("account A: %d contacts, %d conversations, %d messages, %d emails, %d notes, %d applications; account B: %d contacts × %d × %d",
		counts.Contacts, counts.Conversations, counts.Messages, counts.Emails, counts.Notes, counts.Applications,
		contactsB, conversationsB, messagesB)
	return out, nil
}

// seedAccount fills one account in one transaction: n contacts (the first
// created at newest, each next one a minute older) with two emails, a phone
// number, labels, an inbox identity, three notes, two applications, a
// reminder and a training snapshot; convs conversations per contact and
// msgs messages per conversation, alternating between the contact and the
// account's user. Identifiers are prefix + a five-digit number.
func seedAccount(ctx context.Context, conn *sqlx.DB, acct, user, prefix string, newest time.Time, n, convs, msgs int) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	var inbox string
	if err := tx.GetContext(ctx, &inbox, `INSERT INTO inboxes (account_id, name, channel_type) VALUES ($1, 'Website', 'web') RETURNING id`, acct); err != nil {
		return fmt.Errorf("seed inbox: %w", err)
	}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"contacts", `INSERT INTO contacts (account_id, first_name, last_name, identifier, status, labels, custom_attributes,
				created_at, updated_at, last_activity_at)
			SELECT $1, 'First' || g, 'Last' || g, $2 || lpad(g::text, 5, '0'), (ARRAY['lead', 'active', 'customer'])[1 + g % 3],
				CASE g % 4 WHEN 0 THEN ARRAY['vip', 'newsletter'] WHEN 1 THEN ARRAY['newsletter'] WHEN 2 THEN ARRAY['lead'] ELSE '{}'::text[] END,
				jsonb_build_object('plan', 'p' || g % 5), $3::timestamptz - g * interval '1 minute',
				$3::timestamptz - g * interval '1 minute', $3::timestamptz - g * interval '1 minute' + interval '1 hour'
			FROM generate_series(1, $4::int) g`, []any{acct, prefix, newest, n}},
		{"emails", `INSERT INTO contact_emails (account_id, email, contact_id, position)
			SELECT c.account_id, c.identifier || CASE p WHEN 0 THEN '@example.com' ELSE '@work.example.com' END, c.id, p
			FROM contacts c CROSS JOIN generate_series(0, 1) p WHERE c.account_id = $1`, []any{acct}},
		{"phone numbers", `INSERT INTO contact_phone_numbers (account_id, phone_number, contact_id, position)
			SELECT c.account_id, '+1415' || lpad((row_number() OVER (ORDER BY c.identifier))::text, 7, '0'), c.id, 0
			FROM contacts c WHERE c.account_id = $1`, []any{acct}},
		{"inbox identities", `INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id)
			SELECT c.account_id, c.id, $2, 'visitor-' || c.identifier FROM contacts c WHERE c.account_id = $1`, []any{acct, inbox}},
		{"notes", `INSERT INTO contact_notes (account_id, contact_id, content, author_id, created_at, updated_at)
			SELECT c.account_id, c.id, 'Note ' || k || ': called, left a voicemail, will try again next week.', $2,
				c.created_at + k * interval '1 second', c.created_at + k * interval '1 second'
			FROM contacts c CROSS JOIN generate_series(1, 3) k WHERE c.account_id = $1`, []any{acct, user}},
		{"applications", `INSERT INTO applications (account_id, contact_id, job_title, status, created_at, updated_at)
			SELECT c.account_id, c.id, (ARRAY['Engineer', 'Designer', 'Support agent'])[1 + k % 3], (ARRAY['applied', 'interview'])[k],
				c.created_at + k * interval '1 second', c.created_at + k * interval '1 second'
			FROM contacts c CROSS JOIN generate_series(1, 2) k WHERE c.account_id = $1`, []any{acct}},
		{"reminders", `INSERT INTO reminders (account_id, contact_id, title, due_at)
			SELECT c.account_id, c.id, 'Follow up', c.created_at + interval '7 days' FROM contacts c WHERE c.account_id = $1`, []any{acct}},
		{"training snapshots", `INSERT INTO training_snapshots (account_id, contact_id, data)
			SELECT c.account_id, c.id, jsonb_build_object('score', length(c.identifier)) FROM contacts c WHERE c.account_id = $1`, []any{acct}},
		{"conversations", `INSERT INTO conversations (account_id, contact_id, inbox_id, channel, subject, status, created_at, updated_at)
			SELECT c.account_id, c.id, $2, 'web', 'Conversation ' || k || ' with ' || c.first_name, (ARRAY['OPEN', 'PENDING', 'RESOLVED'])[1 + k % 3],
				c.created_at + k * interval '1 second', c.created_at + k * interval '1 second'
			FROM contacts c CROSS JOIN generate_series(1, $3::int) k WHERE c.account_id = $1`, []any{acct, inbox, convs}},
		{"messages", `INSERT INTO messages (account_id, conversation_id, content, sender_type, sender_contact_id, sender_user_id, created_at, updated_at)
			SELECT v.account_id, v.id, 'Message ' || m || ': thanks for getting back to me, I will look at the details and follow up shortly.',
				CASE m % 2 WHEN 1 THEN 'CONTACT' ELSE 'USER' END,
				CASE m % 2 WHEN 1 THEN v.contact_id END, CASE m % 2 WHEN 0 THEN $2::uuid END,
				v.created_at + m * interval '10 milliseconds', v.created_at + m * interval '10 milliseconds'
			FROM conversations v CROSS JOIN generate_series(1, $3::int) m WHERE v.account_id = $1`, []any{acct, user, msgs}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("seed %s: %w", s.what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}
