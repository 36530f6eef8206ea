// Package app wires the service together: configuration from the
// environment, the database (embedded or external), the store, the HTTP
// handler, serving with graceful shutdown and the demo account. The command
// (server.go) and the end-to-end tests (package e2e, through app/apptest)
// start the same Main, so the tests exercise exactly what is served.
//
// app is the only package that imports every other one: the domain
// (contact), the PostgreSQL adapter (db), the GraphQL adapter (graph) and the
// internal helpers.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"contactid/db"
	"contactid/graph"
	"contactid/internal/ide"
	"contactid/internal/pgcluster"
	"contactid/rest"
	"contactid/webhook"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver for database/sql
)

// embeddedDatabase is the database name inside the embedded cluster.
const embeddedDatabase = "contactid"

// Main wires the service: database (embedded or external), store, HTTP
// handler. The command and the end-to-end tests both use it.
type Main struct {
	Config  Config
	Logger  *slog.Logger
	Store   *db.Store
	cluster *pgcluster.Cluster
	events  *graph.EventHub // subscriptions' delivery; closed by Close

	webhooks      *webhook.Worker // the delivery worker (nil with WEBHOOK_WORKER=false)
	webhooksStore *db.Store       // the worker's own pool
}

// Open connects to the database (starting the embedded cluster when no
// DATABASE_URL is set) and migrates it. On failure it stops what it started
// and returns the error.
func (m *Main) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close(context.WithoutCancel(ctx)) //nolint:errcheck // the open error is the one to report
		}
	}()
	dsn := m.Config.DatabaseURL
	if dsn == "" {
		if dsn, err = m.openEmbedded(ctx); err != nil {
			return err
		}
	}
	store, err := db.Open(ctx, dsn, m.Config.DB)
	if err != nil {
		return err
	}
	m.Store = store
	m.events = graph.NewEventHub(store, dsn, m.Logger)
	store.OnEvent(func(ctx context.Context, e db.Event) {
		m.Logger.InfoContext(ctx, e.Kind, "request_id", graph.RequestID(ctx), "account_id", e.AccountID,
			"actor_id", e.ActorID, "journal_id", e.JournalID, "contact_ids", e.ContactIDs)
	})
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	return m.startWebhooks(ctx, dsn)
}

// openEmbedded starts (or attaches to) the private cluster under DataDir and
// makes sure its database exists; it returns the database's DSN.
func (m *Main) openEmbedded(ctx context.Context) (string, error) {
	dir, err := filepath.Abs(m.Config.DataDir)
	if err != nil {
		return "", fmt.Errorf("data dir: %w", err)
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "pg"), Logger: m.Logger})
	if err != nil {
		return "", err
	}
	m.cluster = c
	admin, err := sqlx.Open("postgres", c.DSN("postgres"))
	if err != nil {
		return "", fmt.Errorf("embedded cluster: %w", err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, embeddedDatabase); err != nil {
		return "", fmt.Errorf("embedded cluster: %w", err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+embeddedDatabase); err != nil {
			return "", fmt.Errorf("embedded cluster: create database: %w", err)
		}
	}
	return c.DSN(embeddedDatabase), nil
}

// EndStreams ends every subscription served by m (WebSocket connections
// are closed, SSE streams complete), so that a shutdown need not wait for
// them; clients resume on another replica with `after`. Later
// subscriptions are refused. It returns the error of closing the LISTEN
// connection.
func (m *Main) EndStreams() error {
	if m.events == nil {
		return nil
	}
	return m.events.Close()
}

// Subscribers returns how many subscriptions of the account m serves.
func (m *Main) Subscribers(accountID string) int {
	if m.events == nil {
		return 0
	}
	return m.events.Subscribers(accountID)
}

// Embedded reports whether Main runs on the embedded cluster.
func (m *Main) Embedded() bool { return m.cluster != nil }

// Close closes the store and stops the embedded cluster if this process
// started it. It returns the errors of both, joined.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	errs = append(errs, m.stopWebhooks(ctx))
	if m.events != nil {
		errs = append(errs, m.events.Close())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	if m.cluster != nil {
		errs = append(errs, m.cluster.Stop(ctx))
	}
	return errors.Join(errs...)
}

// Handler returns the service's HTTP routes: /graphql, the REST routes and
// /openapi.json (package rest), the IDE at / (unless introspection is
// off), /healthz and /readyz, with request logging.
func (m *Main) Handler() http.Handler {
	mux := http.NewServeMux()
	var metrics *graph.Metrics
	var restMetrics *rest.Metrics
	if m.Config.MetricsPath != "" {
		var h http.Handler
		metrics, restMetrics, h = m.metrics()
		mux.Handle("GET "+m.Config.MetricsPath, h)
	}
	limits := m.Config.Limits.WithDefaults()
	rest.Register(mux, rest.Config{Store: m.Store, Logger: m.Logger, MaxBodyBytes: limits.MaxBodyBytes,
		RequestTimeout: limits.RequestTimeout, RequestID: graph.RequestID, LogAttrs: graph.SetLogAttrs, Metrics: restMetrics})
	mux.Handle("/graphql", graph.NewGraphQLHandler(graph.HandlerConfig{
		Store: m.Store, Logger: m.Logger, Introspection: m.Config.Introspection, MaxComplexity: m.Config.MaxComplexity,
		Limits: m.Config.Limits, CompiledReads: m.Config.CompiledReads, ShutdownDrain: m.Config.ShutdownDrain,
		Events: m.events, Metrics: metrics, WebSocketOrigins: m.Config.CORS.webSocketOrigins(),
	}))
	if m.Config.Introspection {
		h := ide.Handler("Contacts GraphQL IDE", "/graphql")
		mux.Handle("GET /{$}", h)
		mux.Handle("GET "+ide.AssetPrefix, h)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n") //nolint:errcheck // nothing to do if the client went away
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.Store.Ping(ctx); err != nil {
			m.Logger.WarnContext(ctx, "readiness check failed", "error", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n") //nolint:errcheck // nothing to do if the client went away
	})
	return graph.WithRequestLog(m.Logger, m.Config.CORS.withCORS(mux))
}
