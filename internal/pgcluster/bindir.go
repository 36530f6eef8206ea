package pgcluster

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// BinDir returns the directory holding the PostgreSQL server programs
// (initdb, pg_ctl, postgres). It looks up pg_ctl on PATH first (following
// symlinks to the real installation directory) and otherwise picks the
// highest-numbered /usr/lib/postgresql/<version>/bin. It returns an error
// when no installation with all three programs is found.
func BinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); hasServerBinaries(dir) {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(matches, func(i, j int) bool {
		return versionOf(matches[i]) > versionOf(matches[j])
	})
	for _, dir := range matches {
		if hasServerBinaries(dir) {
			return dir, nil
		}
	}
	return "", errors.New("pgcluster: PostgreSQL server binaries not found: " +
		"no pg_ctl on PATH and no /usr/lib/postgresql/*/bin with initdb, pg_ctl and postgres " +
		"(install the postgresql server package)")
}

// hasServerBinaries reports whether dir holds executable initdb, pg_ctl and postgres.
func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionOf extracts the major version from /usr/lib/postgresql/<version>/bin,
// or -1 when it is not a number.
func versionOf(binDir string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(filepath.Base(filepath.Dir(binDir))), 64)
	if err != nil {
		return -1
	}
	return v
}

// binPath returns the full path of a program in the installation.
func (c *Cluster) binPath(name string) string {
	return filepath.Join(c.binDir, name)
}
