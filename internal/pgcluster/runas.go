package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverUser is the OS account the server programs run as. When the
// calling process is root it is the "postgres" account (initdb and postgres
// refuse to run as root); otherwise it is the current user and cred is nil.
type serverUser struct {
	name string
	uid  int
	gid  int
	gids []int
	cred *syscall.Credential
}

// resolveServerUser picks the account to run the server programs as.
func resolveServerUser() (*serverUser, error) {
	if os.Geteuid() != 0 {
		return &serverUser{name: currentUserName(), uid: os.Geteuid(), gid: os.Getegid(), gids: groupsOf()}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root requires a \"postgres\" OS user to run the server: %w", err)
	}
	su := &serverUser{name: u.Username}
	if su.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("pgcluster: postgres user has non-numeric uid %q", u.Uid)
	}
	if su.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("pgcluster: postgres user has non-numeric gid %q", u.Gid)
	}
	groups := []uint32{uint32(su.gid)}
	su.gids = []int{su.gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.Atoi(s); err == nil && g != su.gid {
				groups = append(groups, uint32(g))
				su.gids = append(su.gids, g)
			}
		}
	}
	su.cred = &syscall.Credential{Uid: uint32(su.uid), Gid: uint32(su.gid), Groups: groups}
	return su, nil
}

func currentUserName() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Geteuid())
}

func groupsOf() []int {
	gids, _ := os.Getgroups()
	return append(gids, os.Getegid())
}

// command builds an exec.Cmd for a server program that runs as the server
// user, in its own session so terminal signals aimed at the calling
// process's foreground group do not reach it.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.binPath(name), args...)
	cmd.Dir = c.dataDir
	cmd.Env = serverEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: c.user.cred}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// serverEnv returns the current environment without libpq/PG* variables,
// which would otherwise change which server pg_ctl talks to.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// prepareDir creates dir (mode 0700, missing parents 0755) and, when
// running as root, hands it to the server user.
func (su *serverUser) prepareDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("pgcluster: creating %s: %w", filepath.Dir(dir), err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgcluster: creating %s: %w", dir, err)
	}
	if su.cred == nil {
		return nil
	}
	if err := os.Chown(dir, su.uid, su.gid); err != nil {
		return fmt.Errorf("pgcluster: giving %s to user %s: %w", dir, su.name, err)
	}
	return nil
}

// checkTraversable returns an error naming the first ancestor of dir that
// the server user cannot enter (search permission), since the server must
// reach its data directory by path.
func (su *serverUser) checkTraversable(dir string) error {
	if su.cred == nil {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil && !su.canSearch(fi) {
			return fmt.Errorf("pgcluster: directory %s (mode %v) cannot be entered by the %s user, "+
				"so the server cannot reach %s; choose a data directory whose parents allow search (x) "+
				"for %s, e.g. under /var/lib or /tmp", p, fi.Mode().Perm(), su.name, dir, su.name)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// canSearch reports whether the server user has execute (search) permission on fi.
func (su *serverUser) canSearch(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case int(st.Uid) == su.uid:
		return perm&0o100 != 0
	case slices.Contains(su.gids, int(st.Gid)):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// ownedBy returns an error when an existing data directory belongs to an
// account other than the server user (the server refuses to use it).
func (su *serverUser) ownedBy(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == su.uid {
		return nil
	}
	return fmt.Errorf("pgcluster: data directory %s is owned by uid %d but the server runs as %s (uid %d); "+
		"chown -R it to that user or use another directory", dir, st.Uid, su.name, su.uid)
}
