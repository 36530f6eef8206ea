// Package pgcluster runs a private PostgreSQL server from the locally
// installed server binaries, reachable only through a unix socket.
//
// initdb and postgres refuse to run as root, so when the calling process is
// root the server programs run as the "postgres" OS user, which then owns
// the data directory and must be able to traverse its parent directories.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// defaultTimeout bounds server start, stop and readiness waits when the
// context has no deadline.
const defaultTimeout = 60 * time.Second

// Options configures a cluster.
type Options struct {
	// DataDir is the cluster directory (PGDATA). It is created with initdb
	// (trust auth, superuser "postgres", UTF8, C locale) when missing or empty.
	DataDir string
	// SocketDir is the unix socket directory. By default it is DataDir, or a
	// short directory under os.TempDir() when that path would be too long.
	SocketDir string
	// Port names the socket file (.s.PGSQL.<port>); there is no TCP
	// listener. Defaults to 5432.
	Port int
	// Fast trades durability for speed (fsync, synchronous_commit and
	// full_page_writes off); meant for throwaway clusters.
	Fast bool
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// Cluster is a PostgreSQL server serving one data directory.
type Cluster struct {
	dataDir   string
	socketDir string
	logFile   string
	binDir    string
	port      int
	user      *serverUser
	log       *slog.Logger

	mu      sync.Mutex
	owned   bool
	stopped bool
}

// Start returns a running cluster for opts.DataDir. It runs initdb when the
// directory holds no cluster yet. When a server is already running on the
// directory it attaches to it without taking ownership (Owned reports
// false and Stop does nothing); otherwise it starts one with pg_ctl in its
// own session, logging to <DataDir>/postgres.log, and waits until it
// accepts connections. It returns an error when the binaries or the server
// user cannot be found, the directory is unusable, or the server fails to
// start; start failures include the tail of the server log.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()

	if err := c.user.checkTraversable(c.dataDir); err != nil {
		return nil, err
	}
	if !initialized(c.dataDir) {
		if err := c.initdb(ctx, opts.Fast); err != nil {
			return nil, err
		}
	}
	if err := c.user.ownedBy(c.dataDir); err != nil {
		return nil, err
	}
	if running, err := c.findRunning(ctx); err != nil {
		return nil, err
	} else if running != nil {
		return c.attach(running), nil
	}
	if c.socketDir != c.dataDir {
		if err := c.user.checkTraversable(c.socketDir); err != nil {
			return nil, err
		}
		if err := c.user.prepareDir(c.socketDir); err != nil {
			return nil, err
		}
	}
	if err := c.start(ctx, opts.Fast); err != nil {
		// Another process may have started it at the same moment.
		if running, ferr := c.findRunning(ctx); ferr == nil && running != nil {
			return c.attach(running), nil
		}
		return nil, err
	}
	return c, nil
}

// attach makes c refer to an already running server it does not own.
func (c *Cluster) attach(running *postmasterInfo) *Cluster {
	c.socketDir, c.port = running.socketDir, running.port
	c.log.Info("pgcluster: attached to running server", "pid", running.pid, "datadir", c.dataDir,
		"socket", socketPath(c.socketDir, c.port))
	return c
}

// newCluster validates opts and fills in defaults.
func newCluster(opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data directory: %w", err)
	}
	c := &Cluster{dataDir: dataDir, port: opts.Port, log: opts.Logger}
	if c.port == 0 {
		c.port = 5432
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.logFile = filepath.Join(dataDir, "postgres.log")
	if c.socketDir, err = chooseSocketDir(opts.SocketDir, dataDir, c.port); err != nil {
		return nil, err
	}
	if c.binDir, err = BinDir(); err != nil {
		return nil, err
	}
	if c.user, err = resolveServerUser(); err != nil {
		return nil, err
	}
	return c, nil
}

// start launches the server with pg_ctl and waits until it is ready.
func (c *Cluster) start(ctx context.Context, fast bool) error {
	settings := []string{
		"-k", shellQuote(c.socketDir),
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=''",
		"-c", "unix_socket_permissions=0700",
		"-c", "max_connections=200",
	}
	if fast {
		settings = append(settings, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	c.log.Info("pgcluster: starting server", "datadir", c.dataDir, "socket", socketPath(c.socketDir, c.port), "log", c.logFile)
	out, err := c.command(ctx, "pg_ctl", "start", "-w", "-t", timeoutSeconds(ctx),
		"-D", c.dataDir, "-l", c.logFile, "-o", strings.Join(settings, " ")).CombinedOutput()
	if err != nil {
		return errors.New(c.withLog(fmt.Sprintf("pgcluster: starting server on %s failed: %v\n%s",
			c.dataDir, err, strings.TrimSpace(string(out)))))
	}
	c.owned = true
	return nil
}

// DSN returns a lib/pq key=value connection string for database dbname on
// this cluster, connecting as the postgres superuser over the unix socket.
func (c *Cluster) DSN(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable",
		dsnQuote(c.socketDir), c.port, dsnQuote(dbname))
}

// Owned returns true when this Cluster started the server and has not
// stopped it yet (so Stop will stop it), false when it attached to a
// server that was already running.
func (c *Cluster) Owned() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.owned && !c.stopped
}

// Stop shuts the server down (fast mode: sessions are disconnected) and
// waits for it to exit when this Cluster started it; otherwise, or when
// already stopped, it does nothing and returns nil. It returns an error,
// with the tail of the server log, when pg_ctl fails to stop the server.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.owned || c.stopped {
		return nil
	}
	if err := c.stop(ctx); err != nil {
		return err
	}
	c.stopped = true
	return nil
}

// StopDataDir stops whatever server runs on dataDir, whoever started it,
// using pg_ctl stop in fast mode. It returns nil when no server is running
// there, and an error when the binaries or server user cannot be found or
// pg_ctl fails.
func StopDataDir(ctx context.Context, dataDir string) error {
	c, err := newCluster(Options{DataDir: dataDir})
	if err != nil {
		return err
	}
	return c.stop(ctx)
}

// stop runs pg_ctl stop; a server that is not running is not an error.
func (c *Cluster) stop(ctx context.Context) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	if _, err := readPostmasterPid(c.dataDir); err != nil {
		return nil
	}
	c.log.Info("pgcluster: stopping server", "datadir", c.dataDir)
	out, err := c.command(ctx, "pg_ctl", "stop", "-m", "fast", "-w", "-t", timeoutSeconds(ctx), "-D", c.dataDir).CombinedOutput()
	if err != nil {
		if _, perr := readPostmasterPid(c.dataDir); perr != nil {
			return nil // gone meanwhile
		}
		return errors.New(c.withLog(fmt.Sprintf("pgcluster: stopping server on %s failed: %v\n%s",
			c.dataDir, err, strings.TrimSpace(string(out)))))
	}
	return nil
}
