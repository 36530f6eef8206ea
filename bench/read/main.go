// Command read is the read benchmark of issue 9: it seeds one account with
// 2,000 contacts × 10 conversations × 10 messages (plus emails, phone
// numbers, labels, notes, applications, reminders, training snapshots and
// inbox identities) and a second, small account, then measures three nested
// read queries against this service and, when npm is available, against
// PostGraphile 5.1.5 on the same database, in interleaved rounds, and prints
// req/s, p50 and p99 per round, their medians and the ratios
// service/PostGraphile.
//
//	go run ./bench/read                       # 3 rounds of 10 s per query and server
//	go run ./bench/read -duration 3s -rounds 3 -queries Q1 -no-peer
//
// It has no tests, so `go test ./...` never starts it. The service runs as a
// child process (the real
// command, built with `go build`), so its memory high-water mark
// (/proc/<pid>/status VmHWM) is its own; PostGraphile runs from
// bench/read/postgraphile (installed there with `npm ci` on first use). With
// DATABASE_URL set, both servers use that database instead of a throwaway
// cluster; the two benchmark accounts are deleted at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the command-line settings.
type options struct {
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	connections int
	queries     []string
	noPeer      bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line; it returns an error for unknown flags,
// unknown queries and non-positive counts.
func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured round")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load on each server before a query's first round (0: none)")
	fs.IntVar(&o.rounds, "rounds", 3, "measured rounds per query and server, interleaved (service, peer, service, …)")
	fs.IntVar(&o.connections, "connections", 16, "concurrent connections of the load generator")
	queries := fs.String("queries", "Q1,Q3,Q2", "comma-separated queries to run, in order (Q1, Q2, Q3)")
	fs.BoolVar(&o.noPeer, "no-peer", false, "measure this service only, without PostGraphile")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.duration <= 0 || o.rounds < 1 || o.connections < 1 || o.warmup < 0 {
		return o, errors.New("-duration, -rounds and -connections must be positive, -warmup not negative")
	}
	for _, q := range strings.Split(*queries, ",") {
		q = strings.ToUpper(strings.TrimSpace(q))
		if _, ok := queryNames[q]; !ok {
			return o, fmt.Errorf("unknown query %q in -queries (want Q1, Q2 or Q3)", q)
		}
		if slices.Contains(o.queries, q) {
			return o, fmt.Errorf("query %s twice in -queries", q)
		}
		o.queries = append(o.queries, q)
	}
	return o, nil
}

// run is the whole benchmark: database, seed, servers, equivalence check,
// rounds, report. It returns an error when any step fails or any measured
// request failed (transport error, HTTP status other than 200, or GraphQL
// errors in the answer); the report is printed either way.
func run(args []string, stdout io.Writer) (err error) {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(tmpBase(), "contactid-bench-read-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // the cluster's server user must traverse it
		return err
	}

	database, err := openDatabase(ctx, tmp)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, database.close(context.WithoutCancel(ctx))) }()
	start := time.Now()
	data, err := seed(ctx, database.conn)
	database.accounts = data.accounts
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded in %.1fs: %s\n", time.Since(start).Seconds(), data.summary)

	svc, err := startService(ctx, root, tmp, database.dsn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, svc.stop()) }()
	targets := []*target{svc.target(data)}
	if o.noPeer {
		fmt.Fprintln(stdout, "peer: skipped (-no-peer)")
	} else {
		peer, why, err := startPeer(ctx, root, tmp, database.dsn)
		if err != nil {
			return err
		}
		if peer == nil {
			fmt.Fprintf(stdout, "peer: skipped (%s)\n", why)
		} else {
			defer func() { err = errors.Join(err, peer.stop()) }()
			targets = append(targets, peer.peerTarget(data))
		}
	}
	if err := checkSameRows(ctx, stdout, targets, o.queries); err != nil {
		return err
	}
	rep, err := measure(ctx, stdout, targets, o)
	if err != nil {
		return err
	}
	rep.print(stdout, targets, o)
	if rep.failed > 0 {
		return fmt.Errorf("%d requests failed; first: %s", rep.failed, rep.firstErr)
	}
	return nil
}
