// Package webhook sends an account's contact events to its webhooks: the
// delivery worker that runs in every replica (fan-out, claims with SKIP
// LOCKED, signed POSTs, retries with backoff) and the guard that keeps
// webhook URLs off private networks. The queue itself is SQL in package db
// (db/webhook_delivery.go).
package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"contactid/contact"
)

// Guard decides which addresses webhooks may reach: public ones only,
// unless AllowPrivate (WEBHOOK_ALLOW_PRIVATE_NETWORKS) is set.
type Guard struct {
	AllowPrivate bool
	Resolver     *net.Resolver // nil: net.DefaultResolver
}

// errBlocked marks a refused address.
var errBlocked = errors.New("address not allowed")

// CheckURL vets a webhook URL whose form contact.ParseWebhookURL accepted:
// it resolves the host and returns "" when every address it resolves to is
// allowed, otherwise a message for the INVALID user error.
func (g Guard) CheckURL(ctx context.Context, raw string) string {
	if g.AllowPrivate {
		return ""
	}
	u, msg := contact.ParseWebhookURL(raw)
	if msg != "" {
		return msg
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := g.resolve(ctx, u.Hostname()); err != nil {
		if errors.Is(err, errBlocked) {
			return "must not point to a loopback, link-local, private or unspecified address"
		}
		return "host does not resolve"
	}
	return ""
}

// resolve returns the host's addresses, or an error wrapping errBlocked
// when one of them is not allowed (all are checked, so a name cannot mix a
// public address with a private one).
func (g Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		r := g.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		ips, err := r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("%s: no addresses", host)
		}
		addrs = ips
	}
	if !g.AllowPrivate {
		for _, ip := range addrs {
			if !contact.PublicAddr(ip) {
				return nil, fmt.Errorf("%s resolves to %s: %w (private network)", host, ip.Unmap(), errBlocked)
			}
		}
	}
	return addrs, nil
}

// DialContext resolves addr's host, checks every address as CheckURL does,
// and dials only the checked addresses (never the name again), so a DNS
// answer that changes between the check and the connection (DNS rebinding)
// cannot reach a private address.
func (g Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	var errs []error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}
