package db

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"contactid/contact"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// WebhookURLCheck vets a webhook URL's destination (after
// contact.ParseWebhookURL accepted its form): it returns "" when the URL may
// be used, otherwise a message for the INVALID user error.
type WebhookURLCheck func(ctx context.Context, u string) string

// SetWebhookURLCheck sets the check createWebhook applies to URLs (the app
// sets it from its settings); a store without one refuses every URL. Call
// it before serving.
func (s *Store) SetWebhookURLCheck(fn WebhookURLCheck) { s.webhookCheck = fn }

// webhookURLCheck returns the store's URL check.
func (s *Store) webhookURLCheck() WebhookURLCheck {
	if s.webhookCheck != nil {
		return s.webhookCheck
	}
	return func(context.Context, string) string { return "cannot be checked: webhooks are not configured" }
}

// webhookColumns are the columns of contact.Webhook.
const webhookColumns = `id, account_id, url, event_kinds, description, created_at`

// webhookRow is a webhooks row.
type webhookRow struct {
	contact.Webhook
	Kinds pq.StringArray `db:"event_kinds"`
}

func (r webhookRow) webhook() contact.Webhook {
	w := r.Webhook
	w.EventKinds = make([]contact.EventKind, len(r.Kinds))
	for i, k := range r.Kinds {
		w.EventKinds[i] = contact.EventKind(k)
	}
	return w
}

// CreateWebhook adds a webhook to the caller's account and returns it with
// its signing secret (shown once). The webhook receives the events
// committed after it. ErrForbidden unless the caller is an administrator;
// INVALID user errors for a URL that is not http(s), too long, or whose
// host is refused by the URL check, and for a long description.
func (s *Store) CreateWebhook(ctx context.Context, a contact.Actor, in contact.CreateWebhookInput) (contact.Webhook, string, error) {
	if !a.IsAdmin() {
		return contact.Webhook{}, "", contact.ErrForbidden
	}
	var errs contact.UserErrors
	raw := strings.TrimSpace(in.URL)
	if contact.CheckLength(&errs, raw, contact.MaxURLLength, "input", "url") {
		if _, msg := contact.ParseWebhookURL(raw); msg != "" {
			errs.Add(contact.Invalid, msg, "input", "url")
		} else if msg := s.webhookURLCheck()(ctx, raw); msg != "" {
			errs.Add(contact.Invalid, msg, "input", "url")
		}
	}
	desc := contact.BlankToNil(in.Description)
	contact.CheckOptLength(&errs, desc, contact.MaxDescriptionLength, "input", "description")
	kinds := []string{}
	seen := map[contact.EventKind]bool{}
	for _, k := range in.EventKinds {
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, string(k))
		}
	}
	if len(errs) > 0 {
		return contact.Webhook{}, "", errs
	}
	secret := contact.NewWebhookSecret()
	var row webhookRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &row, `INSERT INTO webhooks (account_id, url, event_kinds, description, secret, fanned_seq)
			SELECT $1, $2, $3::text[], $4, $5, event_seq FROM accounts WHERE id = $1
			RETURNING `+webhookColumns, a.AccountID, raw, pq.Array(kinds), desc, secret)
	})
	if err != nil {
		return contact.Webhook{}, "", wrapf("create webhook", err)
	}
	return row.webhook(), secret, nil
}

// Webhooks returns the account's webhooks, oldest first. ErrForbidden
// unless the caller is an administrator.
func (s *Store) Webhooks(ctx context.Context, a contact.Actor) ([]contact.Webhook, error) {
	if !a.IsAdmin() {
		return nil, contact.ErrForbidden
	}
	var rows []webhookRow
	if err := s.rd.SelectContext(ctx, &rows, `SELECT `+webhookColumns+` FROM webhooks WHERE account_id = $1
		ORDER BY created_at, id`, a.AccountID); err != nil {
		return nil, wrapf("webhooks", err)
	}
	out := make([]contact.Webhook, len(rows))
	for i, r := range rows {
		out[i] = r.webhook()
	}
	return out, nil
}

// DeleteWebhook deletes the account's webhook id with its deliveries (a
// delivery being sent at that moment still completes) and returns its id.
// ErrForbidden unless the caller is an administrator; NOT_FOUND at ["id"]
// for an unknown id.
func (s *Store) DeleteWebhook(ctx context.Context, a contact.Actor, id string) (string, error) {
	if !a.IsAdmin() {
		return "", contact.ErrForbidden
	}
	notFound := contact.UserErrors{{Field: []string{"id"}, Message: "no such webhook", Code: contact.NotFound}}
	if contact.CanonicalID(id) == "" {
		return "", notFound
	}
	var deleted []string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &deleted, `DELETE FROM webhooks WHERE account_id = $1 AND id = $2 RETURNING id`,
			a.AccountID, contact.CanonicalID(id))
	})
	if err != nil {
		return "", wrapf("delete webhook", err)
	}
	if len(deleted) == 0 {
		return "", notFound
	}
	return deleted[0], nil
}

// deliveryColumns are the columns of contact.WebhookDelivery.
const deliveryColumns = `id, webhook_id, event_id, event_seq, event_kind, status, attempts, last_status_code,
	last_error, next_attempt_at, created_at, delivered_at`

// WebhookDeliveries returns a page of the deliveries of the account's
// webhook, newest event first (or with page.Backward, the last ones before
// page.Before). ErrForbidden unless the caller is an administrator;
// INVALID at ["after"] or ["before"] for a malformed cursor.
func (s *Store) WebhookDeliveries(ctx context.Context, a contact.Actor, webhookID string, page PageArgs) (Page[contact.WebhookDelivery], error) {
	out := Page[contact.WebhookDelivery]{Nodes: []contact.WebhookDelivery{}}
	if !a.IsAdmin() {
		return out, contact.ErrForbidden
	}
	after, err := decodeDeliveryCursor("after", page.After)
	if err != nil {
		return out, err
	}
	before, err := decodeDeliveryCursor("before", page.Before)
	if err != nil {
		return out, err
	}
	dir := "DESC"
	if page.Backward {
		dir = "ASC"
	}
	var rows []contact.WebhookDelivery
	if err := s.rd.SelectContext(ctx, &rows, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE account_id = $1 AND webhook_id = $2 AND ($3::bigint IS NULL OR event_seq < $3) AND ($4::bigint IS NULL OR event_seq > $4)
		ORDER BY event_seq `+dir+` LIMIT $5`,
		a.AccountID, contact.CanonicalID(webhookID), after, before, page.limit()); err != nil {
		return out, wrapf("webhook deliveries", err)
	}
	return pageWithCursors(rows, page, 0, func(d contact.WebhookDelivery) string {
		return base64.RawURLEncoding.EncodeToString([]byte("delivery|" + strconv.FormatInt(d.EventSeq, 10)))
	}), nil
}

// decodeDeliveryCursor returns the event number a deliveries cursor given
// as argument arg points at (nil for none); INVALID at [arg] when it is not
// one WebhookDeliveries issued.
func decodeDeliveryCursor(arg, s string) (*int64, error) {
	if s == "" {
		return nil, nil //nolint:nilnil // no cursor is a valid answer
	}
	bad := contact.UserErrors{{Field: []string{arg}, Message: "malformed cursor", Code: contact.Invalid}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	n, ok := strings.CutPrefix(string(raw), "delivery|")
	seq, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || seq < 0 {
		return nil, bad
	}
	return &seq, nil
}
