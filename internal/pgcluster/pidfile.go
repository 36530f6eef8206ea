package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// postmasterInfo is what postmaster.pid says about a server.
type postmasterInfo struct {
	pid       int
	port      int
	socketDir string
	status    string // "starting", "ready", "stopping", "standby" or ""
}

// readPostmasterPid parses DataDir/postmaster.pid. It returns an error
// wrapping fs.ErrNotExist when there is no such file.
func readPostmasterPid(dataDir string) (*postmasterInfo, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(b), "\n")
	line := func(i int) string {
		if i < len(lines) {
			return strings.TrimSpace(lines[i])
		}
		return ""
	}
	info := &postmasterInfo{socketDir: line(4), status: line(7)}
	if info.pid, err = strconv.Atoi(line(0)); err != nil || info.pid <= 0 {
		return nil, fmt.Errorf("pgcluster: malformed %s/postmaster.pid", dataDir)
	}
	info.port, _ = strconv.Atoi(line(3))
	return info, nil
}

// procState is what is known about a pid.
type procState int

const (
	procGone procState = iota
	procZombie
	procAlive
)

// processState reports whether pid exists, and whether it is a zombie (a
// killed postmaster lingers unreaped while orphaned, and kill(pid, 0)
// still succeeds for it, so the server would refuse to start).
func processState(pid int) procState {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return procGone
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procAlive
	}
	// Format: pid (comm) state ...; comm may contain spaces or parentheses.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
		return procZombie
	}
	return procAlive
}

// liveServerProcesses lists non-zombie postgres processes working in
// dataDir (postmaster and backends chdir there), as far as /proc shows.
func liveServerProcesses(dataDir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if processState(pid) == procAlive && isPostmasterOf(pid, dataDir, false) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// isPostmasterOf reports whether pid looks like a postgres process working
// in dataDir. When /proc does not tell, it returns ifUnknown.
func isPostmasterOf(pid int, dataDir string, ifUnknown bool) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	comm, err := os.ReadFile(proc + "/comm")
	if err != nil {
		return ifUnknown
	}
	if strings.TrimSpace(string(comm)) != "postgres" {
		return false
	}
	cwd, err := os.Readlink(proc + "/cwd")
	if err != nil {
		return ifUnknown
	}
	want, err := filepath.EvalSymlinks(dataDir)
	if err != nil {
		want = dataDir
	}
	return cwd == want
}

// socketPath returns the unix socket file of a server.
func socketPath(dir string, port int) string {
	return filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))
}

// socketReachable reports whether something accepts connections on the socket.
func socketReachable(dir string, port int) bool {
	conn, err := net.DialTimeout("unix", socketPath(dir, port), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// findRunning returns the live postmaster serving dataDir, or nil when none
// is running. It waits while a server is starting up or shutting down. A
// postmaster.pid whose pid is gone is left for the server to clean up; one
// naming a zombie or an unrelated process (which would make the server
// refuse to start) is removed, unless server processes still work in the
// directory.
func (c *Cluster) findRunning(ctx context.Context) (*postmasterInfo, error) {
	for {
		info, err := readPostmasterPid(c.dataDir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		switch state := processState(info.pid); {
		case state == procGone:
			c.log.Info("pgcluster: ignoring stale postmaster.pid", "pid", info.pid, "datadir", c.dataDir)
			return nil, nil
		case state == procZombie || !isPostmasterOf(info.pid, c.dataDir, true):
			return nil, c.removeStaleLocks(info)
		case info.status == "ready" || info.status == "standby":
			if !socketReachable(info.socketDir, info.port) {
				return nil, fmt.Errorf("pgcluster: server pid %d is running on %s but its socket %s does not accept connections",
					info.pid, c.dataDir, socketPath(info.socketDir, info.port))
			}
			return info, nil
		}
		// starting or stopping: wait for it to settle.
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("pgcluster: waiting for server pid %d on %s (status %q): %w", info.pid, c.dataDir, info.status, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// removeStaleLocks deletes the postmaster.pid and socket lock file left by
// a dead server, after checking that no server process of the directory
// survives.
func (c *Cluster) removeStaleLocks(info *postmasterInfo) error {
	// Backends notice postmaster death and exit on their own; give them a moment.
	for wait := 0; ; wait++ {
		live := liveServerProcesses(c.dataDir)
		if len(live) == 0 {
			break
		}
		if wait == 50 {
			return fmt.Errorf("pgcluster: postmaster %d of %s is dead but server processes %v still run there; "+
				"stop them before starting the server again", info.pid, c.dataDir, live)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.log.Warn("pgcluster: removing lock files of dead server", "pid", info.pid, "datadir", c.dataDir)
	if info.socketDir != "" {
		lock := socketPath(info.socketDir, info.port) + ".lock"
		if b, err := os.ReadFile(lock); err == nil && firstLine(b) == strconv.Itoa(info.pid) {
			if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("pgcluster: removing stale %s: %w", lock, err)
			}
		}
	}
	pidFile := filepath.Join(c.dataDir, "postmaster.pid")
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: removing stale %s: %w", pidFile, err)
	}
	return nil
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return strings.TrimSpace(string(line))
}
