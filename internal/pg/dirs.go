package pg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// This file gives the server user the directories and environment it needs.

// serverCredential returns the credential to run initdb, postgres and pg_ctl
// with: nil when not root, else the postgres system user's.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(superuser)
	if err != nil {
		return nil, fmt.Errorf("pg: running as root, and initdb/postgres refuse to run as root, "+
			"but there is no %q system user to run them as (%v); install the Debian package postgresql "+
			"(apt-get install -y postgresql, which creates it) or create it: "+
			"useradd --system --user-group --home-dir /var/lib/postgresql postgres", superuser, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("pg: user %q has a non-numeric uid/gid %q/%q", superuser, u.Uid, u.Gid)
	}
	if uid == 0 {
		return nil, fmt.Errorf("pg: user %q has uid 0; initdb/postgres refuse to run as root", superuser)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// prepareDataDir creates the data directory, gives it to the server user and
// makes sure that user can reach it.
func (c *Cluster) prepareDataDir(opts Options) error {
	dir := opts.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "pg-data-")
		if err != nil {
			return fmt.Errorf("pg: create data dir: %w", err)
		}
		dir = d
	} else {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("pg: data dir %q: %w", dir, err)
		}
		dir = abs
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("pg: create data dir parent: %w", err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("pg: create data dir: %w", err)
		}
	}
	c.dataDir = dir
	c.removeDataDir = !opts.Persistent

	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pg: data dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("pg: data dir %s is not a directory", dir)
	}
	// postgres insists on 0700 or 0750.
	if perm := st.Mode().Perm(); perm != 0o700 && perm != 0o750 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("pg: chmod data dir: %w", err)
		}
	}
	if c.cred != nil {
		if err := chownTree(dir, c.cred, st); err != nil {
			return err
		}
		if err := c.ensureTraversable(filepath.Dir(dir)); err != nil {
			return err
		}
	}
	return nil
}

// prepareSocketDir creates (or adopts) the socket directory.
func (c *Cluster) prepareSocketDir(dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "pg-sock-")
		if err != nil {
			return fmt.Errorf("pg: create socket dir: %w", err)
		}
		c.socketDir, c.removeSocketDir = d, true
		if c.cred != nil {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return fmt.Errorf("pg: chown socket dir: %w", err)
			}
		}
	} else {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("pg: socket dir %q: %w", dir, err)
		}
		c.socketDir = abs
		if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(abs, 0o755); err != nil {
				return fmt.Errorf("pg: create socket dir: %w", err)
			}
			if c.cred != nil {
				if err := os.Chown(abs, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
					return fmt.Errorf("pg: chown socket dir: %w", err)
				}
			}
		}
	}
	// The socket path must fit in sockaddr_un (107 bytes plus NUL).
	if n := len(c.socketDir) + len("/.s.PGSQL.65535"); n > 107 {
		return fmt.Errorf("pg: socket dir %s is too long for a Unix-domain socket path (%d > 107 bytes); use a shorter SocketDir", c.socketDir, n)
	}
	if c.cred != nil {
		return c.ensureTraversable(filepath.Dir(c.socketDir))
	}
	return nil
}

// chownTree gives dir (and, if it is not already the server user's,
// everything in it) to the server user.
func chownTree(dir string, cred *syscall.Credential, st fs.FileInfo) error {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid == cred.Uid && sys.Gid == cred.Gid {
		return nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(cred.Uid), int(cred.Gid))
	})
	if err != nil {
		return fmt.Errorf("pg: chown data dir to user %s: %w", superuser, err)
	}
	return nil
}

// ensureTraversable makes dir and all its ancestors searchable by the server
// user, adding the one execute bit it needs (never read or write) where it is
// missing. t.TempDir() and os.MkdirTemp create 0700 directories, for example.
func (c *Cluster) ensureTraversable(dir string) error {
	for {
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pg: %w", err)
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		perm := st.Mode().Perm()
		var need fs.FileMode = 0o001
		switch {
		case sys.Uid == c.cred.Uid:
			need = 0o100
		case sys.Gid == c.cred.Gid:
			need = 0o010
		}
		if perm&need == 0 {
			c.logger.Info("pg: making directory traversable for the postgres user", "dir", dir)
			if err := os.Chmod(dir, st.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky)|need); err != nil {
				return fmt.Errorf("pg: make %s traversable for user %s: %w", dir, superuser, err)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// childEnv is our environment without libpq variables that could redirect
// the server tools (PGDATA, PGPORT, PGHOST, ...).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// helper returns a command for a short-lived server tool.
func (c *Cluster) helper(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, prog), args...)
	cmd.Dir = c.dataDir
	cmd.Env = childEnv()
	cmd.SysProcAttr = helperSysProcAttr(c.cred)
	return cmd
}
