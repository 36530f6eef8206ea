package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// initialized reports whether dataDir already holds a database cluster.
func initialized(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, "PG_VERSION"))
	return err == nil
}

// initdb creates a new cluster in c.dataDir, which must be missing or empty.
func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	entries, err := os.ReadDir(c.dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: reading data directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("pgcluster: data directory %s is not empty but holds no cluster (no PG_VERSION); "+
			"empty it or choose another directory", c.dataDir)
	}
	if err := c.user.prepareDir(c.dataDir); err != nil {
		return err
	}
	if err := c.user.checkTraversable(c.dataDir); err != nil {
		return err // parents just created under a restrictive umask
	}
	args := []string{
		"-D", c.dataDir,
		"-U", "postgres",
		"--auth=trust",
		"-E", "UTF8",
		"--locale=C",
		"--no-instructions",
	}
	if fast {
		args = append(args, "--no-sync")
	}
	c.log.Info("pgcluster: initializing data directory", "datadir", c.dataDir)
	out, err := c.command(ctx, "initdb", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: initdb %s failed: %w\n%s", c.dataDir, err, strings.TrimSpace(string(out)))
	}
	return nil
}
