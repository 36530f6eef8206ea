// Command contactid serves the contact-identity GraphQL API.
//
//	go run .                              # serve (embedded PostgreSQL unless DATABASE_URL is set)
//	go run . account create --name NAME   # create an account; prints {"accountId","userId","token"}
//
// Settings come from the environment; see the README. The wiring (database,
// store, HTTP handler, graceful shutdown) is package app; this file is the
// command line.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"contactid/app"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// run dispatches the command line: no arguments serve until SIGINT or
// SIGTERM, `account create` creates an account.
func run(args []string, stdout io.Writer) error {
	cfg, err := app.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &app.Main{Config: cfg, Logger: app.NewLogger(cfg)}
	switch {
	case len(args) == 0:
		return m.Serve(ctx)
	case len(args) >= 2 && args[0] == "account" && args[1] == "create":
		return accountCreate(ctx, m, args[2:], stdout)
	default:
		return fmt.Errorf("unknown command %q; usage: %s [account create --name NAME]", strings.Join(args, " "), filepath.Base(os.Args[0]))
	}
}

// accountCreate creates an account with an administrator and prints one line
// of JSON: {"accountId","userId","token"}.
func accountCreate(ctx context.Context, m *app.Main, args []string, stdout io.Writer) error {
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
