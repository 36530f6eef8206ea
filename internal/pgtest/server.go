package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"contactid/db"
	"contactid/internal/pgcluster"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// server is the PostgreSQL server the tests of this process use.
type server struct {
	cluster  *pgcluster.Cluster // nil when TEST_DATABASE_URL names the server
	tmpDir   string             // throwaway cluster directory, removed at the end
	dsn      func(dbname string) string
	admin    *sqlx.DB // maintenance connection, for CREATE/DROP DATABASE
	template string   // migrated database every test database is cloned from

	createMu sync.Mutex // CREATE DATABASE ... TEMPLATE fails while another clone runs
}

var (
	setupOnce sync.Once
	stateMu   sync.Mutex // guards current against teardown during setup
	current   *server
	setupErr  error
)

// shared returns the process's server, setting it up on first use. It
// returns an error when setup failed or the server was already torn down.
func shared() (*server, error) {
	setupOnce.Do(func() {
		stateMu.Lock()
		defer stateMu.Unlock()
		current = &server{}
		setupErr = current.setup()
	})
	stateMu.Lock()
	defer stateMu.Unlock()
	if setupErr == nil && current == nil {
		return nil, errors.New("test database server already shut down")
	}
	return current, setupErr
}

// setup connects to (or starts) the server and builds the template.
func (s *server) setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		s.dsn = func(name string) string { return withDBName(url, name) }
		if err := s.connectAdmin(ctx, url); err != nil {
			return fmt.Errorf("connecting to TEST_DATABASE_URL server: %w", err)
		}
	} else {
		if err := s.startCluster(ctx); err != nil {
			return err
		}
		if err := s.connectAdmin(ctx, s.dsn("postgres")); err != nil {
			return fmt.Errorf("connecting to throwaway cluster: %w", err)
		}
	}
	return s.buildTemplate(ctx)
}

// startCluster starts a throwaway cluster in a fresh temporary directory.
func (s *server) startCluster(ctx context.Context) error {
	sweepAbandoned(ctx)
	dir, err := os.MkdirTemp(clusterBase(), tmpPrefix)
	if err != nil {
		dir, err = os.MkdirTemp("", tmpPrefix)
	}
	if err != nil {
		return fmt.Errorf("creating cluster directory: %w", err)
	}
	s.tmpDir = dir
	if err := os.Chmod(dir, 0o755); err != nil { // the server user must traverse it
		return fmt.Errorf("creating cluster directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("creating cluster directory: %w", err)
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "data"), Fast: true})
	if err != nil {
		return fmt.Errorf("starting throwaway cluster: %w", err)
	}
	s.cluster = c
	s.dsn = c.DSN
	return nil
}

func (s *server) connectAdmin(ctx context.Context, dsn string) error {
	conn, err := sqlx.ConnectContext(ctx, "postgres", dsn)
	if err != nil {
		return err
	}
	conn.SetMaxOpenConns(4)
	s.admin = conn
	return nil
}

// buildTemplate creates and migrates the template database, then closes
// every connection to it so it can be cloned.
func (s *server) buildTemplate(ctx context.Context) error {
	name := "tmpl_" + randomHex()
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("creating template database: %w", err)
	}
	s.template = name
	conn, err := sqlx.ConnectContext(ctx, "postgres", s.dsn(name))
	if err != nil {
		return fmt.Errorf("connecting to template database: %w", err)
	}
	err = db.Migrate(ctx, conn)
	if cerr := conn.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrating template database: %w", err)
	}
	return nil
}

// createFromTemplate creates database name as a copy of the template.
func (s *server) createFromTemplate(name string) error {
	s.createMu.Lock()
	defer s.createMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(s.template))
	return err
}

// teardown drops the template, stops the throwaway cluster and removes its
// directory. Problems are reported on stderr; the test outcome stands.
func teardown() {
	stateMu.Lock()
	defer stateMu.Unlock()
	s := current
	if s == nil {
		return
	}
	current = nil
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	if s.admin != nil {
		if s.template != "" && s.cluster == nil {
			if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(s.template)+" WITH (FORCE)"); err != nil {
				errs = append(errs, fmt.Errorf("dropping template database %s: %w", s.template, err))
			}
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		if err := s.cluster.Stop(ctx); err != nil {
			errs = append(errs, err)
			s.tmpDir = "" // keep the files of a server that may still run
		}
	}
	if s.tmpDir != "" {
		if err := os.RemoveAll(s.tmpDir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: cleanup: %v\n", err)
	}
}
