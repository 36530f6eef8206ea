// Command contactid serves the contact-identity GraphQL API.
//
//	go run .                              # serve (embedded PostgreSQL unless DATABASE_URL is set)
//	go run . account create --name NAME   # create an account; prints {"accountId","userId","token"}
//
// Settings come from the environment; see the README.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"contactid/db"
	"contactid/graph"
	"contactid/internal/ide"
	"contactid/internal/pgcluster"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver for database/sql
)

// Config is the service's configuration, read from the environment.
type Config struct {
	DatabaseURL   string        // DATABASE_URL; empty: embedded cluster under DataDir
	DataDir       string        // DATA_DIR, default ./.data
	Port          int           // PORT, default 8080
	Introspection bool          // GRAPHQL_INTROSPECTION, default true; false also turns the IDE off
	MaxComplexity int           // GRAPHQL_MAX_COMPLEXITY, default graph.DefaultMaxComplexity
	LogLevel      slog.Level    // LOG_LEVEL, default info
	LogFormat     string        // LOG_FORMAT: text (default) or json
	Limits        graph.Limits  // request limits; see readLimits
	DB            db.Options    // database pool limits; see readLimits
	ShutdownDrain time.Duration // SHUTDOWN_DRAIN, default DefaultShutdownDrain, at most MaxShutdownDrain
}

// Bounds of Config.ShutdownDrain: how long a shutdown waits for in-flight
// requests before it cuts them.
const (
	DefaultShutdownDrain = 20 * time.Second
	MaxShutdownDrain     = 30 * time.Second
)

// embeddedDatabase is the database name inside the embedded cluster.
const embeddedDatabase = "contactid"

// ConfigFromEnv reads the configuration; it returns an error naming the bad
// variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:   getenv("DATABASE_URL"),
		DataDir:       getenv("DATA_DIR"),
		Port:          8080,
		Introspection: true,
		LogFormat:     "text",
		ShutdownDrain: DefaultShutdownDrain,
	}
	if c.DataDir == "" {
		c.DataDir = ".data"
	}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("PORT=%q: want a port number", v)
		}
		c.Port = p
	}
	if v := getenv("GRAPHQL_INTROSPECTION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GRAPHQL_INTROSPECTION=%q: want true or false", v)
		}
		c.Introspection = b
	}
	if v := getenv("GRAPHQL_MAX_COMPLEXITY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("GRAPHQL_MAX_COMPLEXITY=%q: want a positive number", v)
		}
		c.MaxComplexity = n
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("LOG_FORMAT"); v != "" {
		if v != "text" && v != "json" {
			return c, fmt.Errorf("LOG_FORMAT=%q: want text or json", v)
		}
		c.LogFormat = v
	}
	if v := getenv("SHUTDOWN_DRAIN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > MaxShutdownDrain {
			return c, fmt.Errorf("SHUTDOWN_DRAIN=%q: want a positive duration of at most %v, such as 20s", v, MaxShutdownDrain)
		}
		c.ShutdownDrain = d
	}
	if err := readLimits(getenv, &c); err != nil {
		return c, err
	}
	return c, nil
}

// Main wires the service: database (embedded or external), store, HTTP
// handler. Tests use it too.
type Main struct {
	Config  Config
	Logger  *slog.Logger
	Store   *db.Store
	cluster *pgcluster.Cluster
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
	store.OnEvent(func(ctx context.Context, e db.Event) {
		m.Logger.InfoContext(ctx, e.Kind, "request_id", graph.RequestID(ctx), "account_id", e.AccountID,
			"actor_id", e.ActorID, "journal_id", e.JournalID, "contact_ids", e.ContactIDs)
	})
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	return nil
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

// Embedded reports whether Main runs on the embedded cluster.
func (m *Main) Embedded() bool { return m.cluster != nil }

// Close closes the store and stops the embedded cluster if this process
// started it. It returns the errors of both, joined.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	if m.cluster != nil {
		errs = append(errs, m.cluster.Stop(ctx))
	}
	return errors.Join(errs...)
}

// Handler returns the service's HTTP routes: /graphql, the IDE at / (unless
// introspection is off), /healthz and /readyz, with request logging.
func (m *Main) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", graph.NewGraphQLHandler(graph.HandlerConfig{
		Store: m.Store, Logger: m.Logger, Introspection: m.Config.Introspection, MaxComplexity: m.Config.MaxComplexity,
		Limits: m.Config.Limits,
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
	return graph.WithRequestLog(m.Logger, mux)
}

// newLogger returns the process logger (stderr).
func newLogger(c Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// run dispatches the command line.
func run(args []string, stdout io.Writer) error {
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Config: cfg, Logger: newLogger(cfg)}
	switch {
	case len(args) == 0:
		return serve(ctx, m)
	case len(args) >= 2 && args[0] == "account" && args[1] == "create":
		return accountCreate(ctx, m, args[2:], stdout)
	default:
		return fmt.Errorf("unknown command %q; usage: %s [account create --name NAME]", strings.Join(args, " "), filepath.Base(os.Args[0]))
	}
}

// accountCreate creates an account with an administrator and prints one line
// of JSON: {"accountId","userId","token"}.
func accountCreate(ctx context.Context, m *Main, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("account create", flag.ContinueOnError)
	name := fs.String("name", "", "account name (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("account create: --name is required")
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close(context.WithoutCancel(ctx)) //nolint:errcheck // best effort on exit
	acct, err := m.Store.CreateAccount(ctx, *name)
	if err != nil {
		return fmt.Errorf("account create: %w", err)
	}
	return json.NewEncoder(stdout).Encode(acct)
}

// serve runs the HTTP server until ctx is cancelled, then shuts down within
// Config.ShutdownDrain (see shutdown) and closes the database. It returns nil
// when every request was answered.
func serve(ctx context.Context, m *Main) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer func() {
		if err := m.Close(context.WithoutCancel(ctx)); err != nil {
			m.Logger.Error("shutdown", "error", err)
		}
	}()
	if m.Embedded() {
		if err := announceDemo(ctx, m); err != nil {
			return err
		}
	}
	// Requests run under their own context, not ctx: the end of ctx starts
	// the drain, and only the drain's cut-off cancels them (and with them
	// their database statements).
	reqCtx, cutRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cutRequests()
	srv := &http.Server{
		Addr:              fmt.Sprintf(":%d", m.Config.Port),
		Handler:           m.Handler(),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	m.Logger.Info("listening", "addr", srv.Addr, "graphql", fmt.Sprintf("http://localhost:%d/graphql", m.Config.Port))
	if m.Config.Introspection {
		fmt.Fprintf(os.Stderr, "\n  GraphQL IDE: http://localhost:%d/\n\n", m.Config.Port)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	return shutdown(context.WithoutCancel(ctx), m.Logger, srv, cutRequests, m.Config.ShutdownDrain)
}

// shutdown stops srv within drain: it stops accepting connections at once and
// lets in-flight requests finish; a quarter of the drain (at most 5 s) before
// its end it calls cut, which cancels the requests' contexts and so their
// running database statements, and each of them still gets a complete
// response: an error. It returns nil when every connection was closed within
// drain; otherwise it closes the remaining ones and returns an error.
func shutdown(ctx context.Context, log *slog.Logger, srv *http.Server, cut context.CancelFunc, drain time.Duration) error {
	log.Info("shutting down", "drain", drain)
	start := time.Now()
	cutAfter := drain - min(drain/4, 5*time.Second)
	err := shutdownBy(ctx, srv, start.Add(cutAfter))
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("cancelling requests still running", "after", cutAfter)
		cut()
		// Shutdown polls for idle connections less and less often (up to
		// every 500ms); a second call polls quickly again.
		err = shutdownBy(ctx, srv, start.Add(drain))
	}
	if err != nil {
		srv.Close() //nolint:errcheck // the shutdown error is the one to report
		return fmt.Errorf("shutdown within %v: %w", drain, err)
	}
	return nil
}

// shutdownBy runs srv.Shutdown until deadline.
func shutdownBy(ctx context.Context, srv *http.Server, deadline time.Time) error {
	sctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	return srv.Shutdown(sctx)
}

// announceDemo seeds the demo account on the first start of the embedded
// database (or, when the saved token is gone, issues a new one) and prints
// its administrator token on every start.
func announceDemo(ctx context.Context, m *Main) error {
	tokenFile := filepath.Join(m.Config.DataDir, "demo-token")
	token, err := os.ReadFile(tokenFile)
	if errors.Is(err, os.ErrNotExist) {
		acct, err := m.Store.EnsureDemo(ctx)
		if err != nil {
			return fmt.Errorf("seed demo account: %w", err)
		}
		token = []byte(acct.Token)
		if err := os.WriteFile(tokenFile, token, 0o600); err != nil {
			return fmt.Errorf("save demo token: %w", err)
		}
		m.Logger.Info("seeded demo account", "account_id", acct.AccountID)
	} else if err != nil {
		return fmt.Errorf("read demo token: %w", err)
	}
	fmt.Fprintf(os.Stderr, "\n  Demo administrator token (send as the header  Authorization: Bearer <token>):\n  %s\n", strings.TrimSpace(string(token)))
	return nil
}
