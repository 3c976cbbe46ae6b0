package pg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// leftoverGrace is how long the processes a dead postmaster left behind
// are given to exit by themselves.
const leftoverGrace = 5 * time.Second

// This file deals with postmaster.pid: a server already running on a kept
// data directory, or a stale file left by a crashed one.

// runningHere reports whether a live postgres runs on this data directory,
// and the TCP port it listens on (the fourth line of postmaster.pid).
func (c *Cluster) runningHere() (port int, ok bool) {
	b, err := os.ReadFile(filepath.Join(c.dataDir, pidFileName))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err2 := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err1 != nil || err2 != nil || pid <= 0 || !processAlive(pid) {
		return 0, false
	}
	if running, known := c.isPostmasterHere(pid); !known || !running {
		return 0, false
	}
	return port, true
}

// clearStalePID deals with a postmaster.pid left behind by an earlier run: a
// file whose process is gone (or is some other program that reuses the pid)
// is removed; a postgres still running on this data directory is stopped with
// pg_ctl stop -m fast.
func (c *Cluster) clearStalePID(ctx context.Context) error {
	pidFile := filepath.Join(c.dataDir, pidFileName)
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pg: read %s: %w", pidFile, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, perr := strconv.Atoi(strings.TrimSpace(first))
	switch {
	case perr != nil || pid <= 0:
		c.logger.Info("pg: removing malformed postmaster.pid", "file", pidFile)
	case !processAlive(pid):
		c.logger.Info("pg: removing stale postmaster.pid of a dead process", "file", pidFile, "pid", pid)
	default:
		running, known := c.isPostmasterHere(pid)
		if !known {
			// Without /proc we cannot tell; let postgres judge the file.
			return nil
		}
		if !running {
			c.logger.Info("pg: removing stale postmaster.pid (its pid now belongs to another program)", "file", pidFile, "pid", pid)
			break
		}
		c.logger.Warn("pg: a postgres from an earlier run is still running on the data dir; stopping it", "pid", pid, "datadir", c.dataDir)
		out, err := c.helper(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "30").CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg: postgres (pid %d) is already running on data dir %s and pg_ctl stop failed: %v\n%s",
				pid, c.dataDir, err, tail(out, 2000))
		}
		if _, err := os.Stat(pidFile); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pg: remove stale %s: %w", pidFile, err)
	}
	return nil
}

// isPostmasterHere reports whether process pid is a postgres server whose
// working directory is this cluster's data directory (the postmaster chdirs
// there). known is false when that cannot be determined (no /proc).
func (c *Cluster) isPostmasterHere(pid int) (running, known bool) {
	proc := "/proc/" + strconv.Itoa(pid)
	if cwd, err := os.Readlink(proc + "/cwd"); err == nil {
		want, err := filepath.EvalSymlinks(c.dataDir)
		if err != nil {
			want = c.dataDir
		}
		return filepath.Clean(cwd) == filepath.Clean(want), true
	}
	if comm, err := os.ReadFile(proc + "/comm"); err == nil {
		name := strings.TrimSpace(string(comm))
		return name == "postgres" || name == "postmaster", true
	}
	return false, false
}

// clearLeftovers waits for the processes a dead postmaster left running in
// the data directory to exit: idle ones notice their postmaster's death at
// once, a backend busy in a long query only when the query ends. Those
// still there after leftoverGrace get SIGQUIT, then SIGKILL, as the
// postmaster itself would have done: a new server cannot start while they
// keep the old one's shared memory.
func (c *Cluster) clearLeftovers(ctx context.Context) error {
	pids := leftovers(c.dataDir)
	if len(pids) == 0 {
		return nil
	}
	c.logger.Info("pg: waiting for the processes of a postgres that died to exit", "pids", pids, "datadir", c.dataDir)
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{0, leftoverGrace}, {syscall.SIGQUIT, stopQuitGrace}, {syscall.SIGKILL, stopQuitGrace}} {
		if step.sig != 0 {
			c.logger.Warn("pg: ending the processes of a postgres that died", "pids", pids, "signal", step.sig)
			for _, pid := range pids {
				_ = syscall.Kill(pid, step.sig)
			}
		}
		deadline := time.Now().Add(step.wait)
		for len(pids) > 0 && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
			pids = leftovers(c.dataDir)
		}
		if len(pids) == 0 {
			return nil
		}
	}
	return fmt.Errorf("pg: processes %v of a postgres that died still run in %s", pids, c.dataDir)
}
