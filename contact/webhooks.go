package contact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// MaxDescriptionLength bounds a webhook's description.
const MaxDescriptionLength = 1000

// WebhookSecretPrefix starts every webhook signing secret (Standard
// Webhooks' convention); the rest is the base64 of the key bytes.
const WebhookSecretPrefix = "whsec_"

// webhookSecretBytes is the size of a signing key.
const webhookSecretBytes = 32

// Webhook is an HTTP endpoint that receives an account's contact events.
type Webhook struct {
	ID        string `db:"id"`
	AccountID string `db:"account_id"`
	URL       string `db:"url"`
	// EventKinds are the kinds it receives; empty means every kind.
	EventKinds  []EventKind `db:"-"`
	Description *string     `db:"description"`
	CreatedAt   time.Time   `db:"created_at"`
}

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "PENDING"
	DeliverySucceeded DeliveryStatus = "SUCCEEDED"
	DeliveryFailed    DeliveryStatus = "FAILED"
)

// IsValid reports whether s is a known status.
func (s DeliveryStatus) IsValid() bool {
	return s == DeliveryPending || s == DeliverySucceeded || s == DeliveryFailed
}

// WebhookDelivery is one event sent (or to be sent) to one webhook, with
// the outcome of its last attempt.
type WebhookDelivery struct {
	ID             string         `db:"id"`
	WebhookID      string         `db:"webhook_id"`
	EventID        string         `db:"event_id"`
	EventSeq       int64          `db:"event_seq"`
	EventKind      EventKind      `db:"event_kind"`
	Status         DeliveryStatus `db:"status"`
	Attempts       int            `db:"attempts"`
	LastStatusCode *int           `db:"last_status_code"`
	LastError      *string        `db:"last_error"`
	NextAttemptAt  *time.Time     `db:"next_attempt_at"`
	CreatedAt      time.Time      `db:"created_at"`
	DeliveredAt    *time.Time     `db:"delivered_at"`
}

// CreateWebhookInput is what createWebhook takes.
type CreateWebhookInput struct {
	URL         string
	EventKinds  []EventKind
	Description *string
}

// EventKinds lists every event kind.
var EventKinds = []EventKind{EventContactCreated, EventContactUpdated, EventContactDeleted,
	EventContactsMerged, EventContactSplit, EventOperationUndone}

// NewWebhookSecret returns a fresh signing secret: WebhookSecretPrefix and
// the base64 of 32 random bytes.
func NewWebhookSecret() string {
	b := make([]byte, webhookSecretBytes)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// SignWebhook returns the Standard Webhooks signature header value
// "v1,<base64 HMAC-SHA256>" of body sent with message id msgID at unix time
// ts, keyed with the secret's decoded bytes. It returns an error for a
// secret that is not WebhookSecretPrefix and base64.
func SignWebhook(secret, msgID string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, WebhookSecretPrefix))
	if err != nil || !strings.HasPrefix(secret, WebhookSecretPrefix) {
		return "", errors.New("malformed webhook secret")
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", msgID, ts)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// ParseWebhookURL checks the form of a webhook URL: absolute http or https
// with a host and no user info. It returns the URL, or a message saying
// what is wrong.
func ParseWebhookURL(raw string) (*url.URL, string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, "is not a valid URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, "must be an http or https URL"
	case u.Hostname() == "":
		return nil, "must name a host"
	case u.User != nil:
		return nil, "must not carry user credentials"
	}
	return u, ""
}

// PublicAddr reports whether ip is an address a webhook may reach without
// WEBHOOK_ALLOW_PRIVATE_NETWORKS: not loopback, link-local, private (RFC
// 1918, unique local), unspecified, multicast, carrier-grade NAT or another
// special-purpose range.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsPrivate() || ip.IsUnspecified() {
		return false
	}
	for _, p := range specialRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// specialRanges are non-public ranges the netip predicates do not cover.
var specialRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 (could reach IPv4 private space)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard
}
