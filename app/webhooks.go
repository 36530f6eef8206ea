package app

import (
	"context"
	"fmt"
	"time"

	"contactid/db"
	"contactid/webhook"
)

// startWebhooks sets createWebhook's URL check and starts the delivery
// worker on a small pool of its own (see webhook.Worker), unless the worker
// is disabled (WEBHOOK_WORKER=false).
func (m *Main) startWebhooks(ctx context.Context, dsn string) error {
	cfg := m.Config.Webhooks.WithDefaults()
	m.Store.SetWebhookURLCheck(webhook.Guard{AllowPrivate: cfg.AllowPrivateNetworks}.CheckURL)
	if cfg.Disabled {
		return nil
	}
	ws, err := db.Open(ctx, dsn, db.Options{MaxConns: cfg.Concurrency + 2, StatementTimeout: m.Config.DB.StatementTimeout})
	if err != nil {
		return fmt.Errorf("webhook worker: %w", err)
	}
	ws.DB().SetMaxIdleConns(0) // until some webhook exists
	m.webhooksStore = ws
	m.webhooks = webhook.Start(ctx, ws, dsn, cfg, m.Logger)
	return nil
}

// stopWebhooks stops the delivery worker, letting sends under way finish
// within the delivery timeout, and closes its pool. It returns the error of
// closing the pool.
func (m *Main) stopWebhooks(ctx context.Context) error {
	if m.webhooks != nil {
		sctx, cancel := context.WithTimeout(ctx, m.Config.Webhooks.WithDefaults().Timeout+time.Second)
		if err := m.webhooks.Stop(sctx); err != nil {
			m.Logger.Warn("webhook sends cut at shutdown", "error", err)
		}
		cancel()
		m.webhooks = nil
	}
	if m.webhooksStore == nil {
		return nil
	}
	err := m.webhooksStore.Close()
	m.webhooksStore = nil
	return err
}
