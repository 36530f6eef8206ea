package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Serve opens m, runs the HTTP server on Config.Port until ctx is cancelled,
// then shuts down within Config.ShutdownDrain (see shutdown) and closes m.
// On the embedded database it first seeds the demo account and prints its
// token (see AnnounceDemo). It returns nil when every request was answered;
// otherwise the error of opening, serving or shutting down.
func (m *Main) Serve(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer func() {
		if err := m.Close(context.WithoutCancel(ctx)); err != nil {
			m.Logger.Error("shutdown", "error", err)
		}
	}()
	if m.Embedded() {
		if err := m.AnnounceDemo(ctx); err != nil {
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
	// Subscriptions last as long as their clients: a shutdown ends them at
	// once (the clients resume elsewhere) instead of waiting for them.
	srv.RegisterOnShutdown(func() {
		if err := m.EndStreams(); err != nil {
			m.Logger.Warn("end subscriptions", "error", err)
		}
	})
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

// AnnounceDemo seeds the demo account on the first start of the embedded
// database (or, when the saved token under Config.DataDir is gone, issues a
// new one) and prints its administrator token to stderr on every start. It
// returns an error when seeding fails or the token file cannot be read or
// written.
func (m *Main) AnnounceDemo(ctx context.Context) error {
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
	return m.announceExamples(ctx, strings.TrimSpace(string(token)))
}

// announceExamples prints, as shell variables, the ids the README's REST
// examples need (those whose example has not been run yet).
func (m *Main) announceExamples(ctx context.Context, token string) error {
	a, err := m.Store.Authenticate(ctx, token)
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	ex, err := m.Store.DemoExamples(ctx, a.AccountID)
	if err != nil {
		return err
	}
	vars := []string{"TOKEN=" + token, "ACCOUNT=" + a.AccountID}
	if ex.BaseContactID != "" {
		vars = append(vars, "BASE="+ex.BaseContactID, "MERGEE="+ex.MergeeContactID)
	}
	if ex.SeparateContactID != "" {
		vars = append(vars, "SAM="+ex.SeparateContactID, "SAMANTHA_CONVERSATION="+ex.SamanthaConversationID)
	}
	fmt.Fprintf(os.Stderr, "\n  For the README's REST examples:\n  export %s\n", strings.Join(vars, " "))
	return nil
}
