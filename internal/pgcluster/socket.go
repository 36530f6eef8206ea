package pgcluster

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// maxSocketPath keeps the unix socket path well inside sun_path (108 bytes).
const maxSocketPath = 100

// chooseSocketDir returns the socket directory for a cluster: the explicit
// one when given, otherwise the data directory itself, or, when that path
// is too long for a unix socket, a short per-data-directory directory under
// os.TempDir(). The choice is deterministic so a later Start finds the same
// socket.
func chooseSocketDir(explicit, dataDir string, port int) (string, error) {
	if explicit != "" {
		dir, err := filepath.Abs(explicit)
		if err != nil {
			return "", fmt.Errorf("pgcluster: socket directory: %w", err)
		}
		if len(socketPath(dir, port)) >= maxSocketPath {
			return "", fmt.Errorf("pgcluster: socket path %s is too long (limit %d bytes); choose a shorter SocketDir",
				socketPath(dir, port), maxSocketPath)
		}
		return dir, nil
	}
	if len(socketPath(dataDir, port)) < maxSocketPath {
		return dataDir, nil
	}
	sum := sha256.Sum256([]byte(dataDir))
	dir := filepath.Join(os.TempDir(), "pgsock-"+hex.EncodeToString(sum[:6]))
	if len(socketPath(dir, port)) >= maxSocketPath {
		dir = filepath.Join("/tmp", "pgsock-"+hex.EncodeToString(sum[:6]))
	}
	return dir, nil
}
