// Package pg runs a private PostgreSQL server ("cluster") as a child process,
// for development and tests, without Docker or any embedded-postgres library.
//
// It uses the PostgreSQL server programs installed on the machine (see
// FindBinaries and EnsureBinaries). Start initialises a data directory with
// initdb when it has none yet, clears a stale postmaster.pid left by a crashed
// earlier run, starts postgres on 127.0.0.1 with trust authentication for the
// user "postgres", and waits until it accepts connections. Because initdb and
// postgres refuse to run as root, a process running as root starts them as the
// "postgres" system user and hands the directories they need to that user.
//
// The server is started with a parent death signal (on Linux), so it shuts
// down when the process that started it dies; Cluster.Stop shuts it down
// explicitly and removes the directories it owns.
package pg

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// Timeouts used by Start and Stop.
const (
	readyTimeout    = 30 * time.Second
	stopGrace       = 10 * time.Second
	stopQuitGrace   = 5 * time.Second
	portAttempts    = 3
	logFileName     = "postgres.log"
	pidFileName     = "postmaster.pid"
	versionFileName = "PG_VERSION"
	superuser       = "postgres"
)

// errPortInUse marks a start that failed because the port was taken.
var errPortInUse = errors.New("pg: port already in use")

// Options configures Start.
type Options struct {
	// DataDir is the cluster's data directory. It is created and initialised
	// with initdb when it holds no PG_VERSION file. "" means a new temporary
	// directory under os.TempDir().
	DataDir string
	// Port is the TCP port to listen on (127.0.0.1 only). 0 picks a free port.
	Port int
	// SocketDir is the directory for the Unix-domain socket and its lock
	// file. "" means a new directory under os.TempDir(), removed by Stop.
	SocketDir string
	// Fsync turns on fsync. When false (the usual choice for tests and
	// throwaway clusters) fsync, full_page_writes and synchronous_commit are
	// all off, and initdb runs with --no-sync: fast, but a machine crash may
	// corrupt the data.
	Fsync bool
	// Logger receives progress messages. nil discards them. The server's own
	// output goes to postgres.log in the data directory; its tail is included
	// in errors when the server fails to start.
	Logger *slog.Logger
	// Persistent keeps DataDir when the cluster stops (e.g. a development
	// database kept between runs). When false, Stop removes DataDir.
	Persistent bool
	// BinDir is the directory holding initdb, postgres and pg_ctl. "" means
	// FindBinaries.
	BinDir string
	// MaxConnections is the server's max_connections; 0 means 200 (room for
	// the parallel test packages that share a cluster).
	MaxConnections int
}

// Cluster is a running PostgreSQL server started by Start. Its methods are
// safe for concurrent use.
type Cluster struct {
	binDir     string
	dataDir    string
	socketDir  string
	port       int
	persistent bool
	maxConns   int
	logger     *slog.Logger
	cred       *syscall.Credential // nil when not root

	attached        bool // the server was already running: Stop leaves it be
	removeSocketDir bool // we created socketDir
	removeDataDir   bool // Stop removes dataDir

	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	waitErr error         // cmd.Wait's result, valid once exited is closed

	mu    sync.Mutex
	admin *sql.DB // connection pool to the postgres database, lazily opened

	stopOnce sync.Once
	stopErr  error
}

// Start starts a PostgreSQL server as described by opts and returns once it
// accepts connections (or after about 30 s with an error that includes the
// tail of the server log). ctx bounds the start-up only, not the server's
// lifetime: call Stop to shut the server down. A start that fails leaves
// no directory of its own behind and returns a nil Cluster.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	binDir := opts.BinDir
	if binDir == "" {
		var err error
		if binDir, err = FindBinaries(); err != nil {
			return nil, err
		}
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		binDir:     binDir,
		persistent: opts.Persistent,
		maxConns:   opts.MaxConnections,
		logger:     logger,
		cred:       cred,
		exited:     make(chan struct{}),
	}
	if err := c.start(ctx, opts); err != nil {
		if cerr := c.cleanupDirs(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, opts Options) error {
	if err := c.prepareDataDir(opts); err != nil {
		return err
	}
	_, serr := os.Stat(filepath.Join(c.dataDir, versionFileName))
	fresh := serr != nil
	if port, ok := c.runningHere(); !fresh && ok && opts.Persistent {
		// Another daihoi process (a server, or a command run beside it)
		// already runs a postgres on this kept data directory: share it,
		// and leave it running when we are done.
		c.port, c.attached = port, true
		c.logger.Info("pg: using the postgres already running on the data dir", "port", port, "datadir", c.dataDir)
		return c.waitReady(ctx)
	}
	if opts.Port != 0 {
		if err := portFree(opts.Port); err != nil {
			return err
		}
	}
	if fresh {
		if err := c.initdb(ctx, opts.Fsync); err != nil {
			return err
		}
	} else {
		if err := c.clearStalePID(ctx); err != nil {
			return err
		}
		if err := c.clearLeftovers(ctx); err != nil {
			return err
		}
	}
	if err := c.prepareSocketDir(opts.SocketDir); err != nil {
		return err
	}

	for attempt := 1; ; attempt++ {
		port := opts.Port
		if port == 0 {
			var err error
			if port, err = freePort(); err != nil {
				return err
			}
		} else if err := portFree(port); err != nil {
			return err
		}
		err := c.launch(ctx, port, opts.Fsync)
		if err == nil {
			return nil
		}
		if opts.Port == 0 && attempt < portAttempts && errors.Is(err, errPortInUse) {
			c.logger.Info("pg: port was taken, retrying with another one", "port", port)
			c.exited = make(chan struct{})
			continue
		}
		if errors.Is(err, errPortInUse) {
			return portTaken(port)
		}
		return err
	}
}

// URL returns the connection URL of database dbname on this cluster, as user
// postgres over TCP without TLS, e.g.
// postgres://postgres@127.0.0.1:PORT/dbname?sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// DataDir returns the absolute path of the data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// SocketDir returns the directory holding the server's Unix-domain socket.
func (c *Cluster) SocketDir() string { return c.socketDir }

// LogFile returns the path of the server's log file (in the data directory).
func (c *Cluster) LogFile() string { return filepath.Join(c.dataDir, logFileName) }

// CreateDatabase creates database name unless it already exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	db, err := c.adminDB()
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var se interface{ SQLState() string }
	if errors.As(err, &se) && se.SQLState() == "42P04" { // duplicate_database
		return nil
	}
	if err != nil {
		return fmt.Errorf("pg: create database %q: %w", name, err)
	}
	return nil
}

// Stop shuts the server down (fast shutdown: SIGINT, then after 10 s SIGQUIT
// and finally SIGKILL), removes the socket directory if Start created it and,
// unless the cluster is Persistent, removes the data directory. It is
// idempotent: later calls return the first call's result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop() })
	return c.stopErr
}

func (c *Cluster) stop() error {
	var errs []error
	c.mu.Lock()
	if c.admin != nil {
		_ = c.admin.Close()
		c.admin = nil
	}
	c.mu.Unlock()

	if c.attached {
		return nil
	}
	if c.cmd != nil && c.cmd.Process != nil {
		select {
		case <-c.exited:
			if c.waitErr != nil {
				errs = append(errs, fmt.Errorf("pg: postgres had already exited: %v", c.waitErr))
			}
		default:
			if err := c.shutdown(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	removed := c.removeDataDir
	if err := c.cleanupDirs(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.logger.Info("pg: stopped", "port", c.port, "datadir", c.dataDir, "datadir_removed", removed)
	return nil
}

// shutdown stops the running server process.
func (c *Cluster) shutdown() error {
	p := c.cmd.Process
	_ = p.Signal(syscall.SIGINT) // fast shutdown
	if c.waitExited(stopGrace) {
		return nil
	}
	c.logger.Warn("pg: postgres did not stop after SIGINT; sending SIGQUIT", "pid", p.Pid)
	_ = p.Signal(syscall.SIGQUIT) // immediate shutdown
	if c.waitExited(stopQuitGrace) {
		return fmt.Errorf("pg: postgres (pid %d) ignored fast shutdown for %s; stopped it with SIGQUIT", p.Pid, stopGrace)
	}
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL) // its process group: postmaster and backends
	_ = p.Kill()
	<-c.exited
	return fmt.Errorf("pg: postgres (pid %d) did not shut down; killed it", p.Pid)
}

func (c *Cluster) waitExited(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.exited:
		return true
	case <-t.C:
		return false
	}
}

// cleanupDirs removes the directories the cluster owns.
func (c *Cluster) cleanupDirs() error {
	var errs []error
	if c.removeSocketDir && c.socketDir != "" {
		if err := os.RemoveAll(c.socketDir); err != nil {
			errs = append(errs, fmt.Errorf("pg: remove socket dir: %w", err))
		}
		c.removeSocketDir = false
	}
	if c.removeDataDir && c.dataDir != "" {
		var err error
		// A backend that outlived a killed postmaster may still be writing
		// for a moment; retry briefly.
		for i := 0; i < 20; i++ {
			if err = os.RemoveAll(c.dataDir); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("pg: remove data dir: %w", err))
		}
		c.removeDataDir = false
	}
	return errors.Join(errs...)
}

// adminDB returns a pool connected to the postgres database.
func (c *Cluster) adminDB() (*sql.DB, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin == nil {
		db, err := sql.Open("postgres", c.URL("postgres"))
		if err != nil {
			return nil, fmt.Errorf("pg: open admin connection: %w", err)
		}
		db.SetMaxIdleConns(1)
		c.admin = db
	}
	return c.admin, nil
}

// initdbLocales are the locale flags initdb is tried with, in order.
var initdbLocales = []string{"--locale=C.UTF-8", "--no-locale"}

// initdb initialises the data directory, preferring the C.UTF-8 locale and
// falling back to --no-locale where that locale is missing.
func (c *Cluster) initdb(ctx context.Context, fsync bool) error {
	start := time.Now()
	var outputs []string
	for _, locale := range initdbLocales {
		args := []string{"-D", c.dataDir, "-A", "trust", "-U", superuser, "-E", "UTF8", locale}
		if !fsync {
			args = append(args, "--no-sync")
		}
		out, err := c.helper(ctx, "initdb", args...).CombinedOutput()
		if err == nil {
			c.logger.Info("pg: initialised data directory", "datadir", c.dataDir, "locale", locale,
				"elapsed", time.Since(start).Round(time.Millisecond))
			return nil
		}
		outputs = append(outputs, fmt.Sprintf("initdb %s: %v\n%s", locale, err, tail(out, 2000)))
		if ctx.Err() != nil {
			break
		}
		// initdb cleans up after itself, but make sure the directory is empty
		// for the next attempt.
		if err := emptyDir(c.dataDir); err != nil {
			return fmt.Errorf("pg: initdb failed and the data dir could not be emptied: %w\n%s", err, strings.Join(outputs, "\n"))
		}
	}
	return fmt.Errorf("pg: initdb failed in %s:\n%s", c.dataDir, strings.Join(outputs, "\n"))
}

// emptyDir removes everything inside dir but not dir itself.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// portFree returns a portTaken error when another program listens on port
// of 127.0.0.1.
func portFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return portTaken(port)
	}
	return l.Close()
}

// portTaken is the error of a start on a fixed port another program holds.
type portTaken int

func (p portTaken) Error() string {
	return fmt.Sprintf("pg: port %d of 127.0.0.1 is taken by another program; choose a free one, or 0 for any", int(p))
}

func (p portTaken) Is(target error) bool { return target == errPortInUse }

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pg: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch starts postgres on port and waits until it accepts connections.
func (c *Cluster) launch(ctx context.Context, port int, fsync bool) error {
	c.port = port
	maxConns := c.maxConns
	if maxConns <= 0 {
		maxConns = 200
	}
	args := []string{
		"-D", c.dataDir,
		"-p", strconv.Itoa(port),
		"-k", c.socketDir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=" + strconv.Itoa(maxConns),
	}
	if fsync {
		args = append(args, "-c", "fsync=on")
	} else {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off")
	}
	logPath := c.LogFile()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("pg: open server log: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	if c.cred != nil {
		_ = logf.Chown(int(c.cred.Uid), int(c.cred.Gid))
	}

	start := time.Now()
	cmd := exec.Command(filepath.Join(c.binDir, "postgres"), args...)
	cmd.Dir = c.dataDir
	cmd.Env = childEnv()
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = serverSysProcAttr(c.cred)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pg: start postgres: %w", err)
	}
	c.cmd = cmd
	exited := c.exited
	go func() {
		c.waitErr = cmd.Wait()
		close(exited)
	}()

	if err := c.waitReady(ctx); err != nil {
		select {
		case <-exited:
		default:
			_ = c.shutdown()
		}
		return err
	}
	c.logger.Info("pg: postgres is ready", "port", port, "datadir", c.dataDir, "pid", cmd.Process.Pid,
		"elapsed", time.Since(start).Round(time.Millisecond), "log", logPath)
	return nil
}

// waitReady polls the server with SELECT 1 until it answers, the process
// exits, ctx ends or readyTimeout passes.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	db, err := sql.Open("postgres", c.URL("postgres")+"&connect_timeout=2")
	if err != nil {
		return fmt.Errorf("pg: %w", err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0)

	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		var one int
		err := db.QueryRowContext(pctx, "SELECT 1").Scan(&one)
		pcancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			logTail := c.logTail()
			err := fmt.Errorf("pg: postgres exited during start-up (%v); server log %s ends with:\n%s",
				c.waitErr, c.LogFile(), logTail)
			if strings.Contains(logTail, "Address already in use") {
				err = fmt.Errorf("%w: %w", errPortInUse, err)
			}
			return err
		case <-ctx.Done():
			return fmt.Errorf("pg: postgres did not accept connections on port %d within %s (last error: %v); server log %s ends with:\n%s",
				c.port, readyTimeout, err, c.LogFile(), c.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the end of the server log.
func (c *Cluster) logTail() string {
	f, err := os.Open(c.LogFile())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	const max = 4000
	if st, err := f.Stat(); err == nil && st.Size() > max {
		_, _ = f.Seek(st.Size()-max, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(tail(b, max))
}

// tail returns at most the last n bytes of b, starting at a line boundary
// when it had to cut.
func tail(b []byte, n int) []byte {
	b = bytes.TrimRight(b, "\n")
	if len(b) <= n {
		return b
	}
	b = b[len(b)-n:]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return b
}
