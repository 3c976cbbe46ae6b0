package pg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoBinaries is returned (wrapped) by FindBinaries and EnsureBinaries when
// the PostgreSQL server programs initdb, postgres and pg_ctl cannot be found.
// Test for it with errors.Is.
var ErrNoBinaries = errors.New("pg: PostgreSQL server binaries (initdb, postgres, pg_ctl) not found")

// installHint is appended to every ErrNoBinaries so the message says how to
// fix the problem.
const installHint = "looked in PATH and /usr/lib/postgresql/*/bin; " +
	"install the Debian package postgresql (apt-get install -y postgresql) or set DATABASE_URL"

// debianRoot is where Debian and Ubuntu install versioned PostgreSQL
// binaries. It is a variable so tests could point it elsewhere.
var debianRoot = "/usr/lib/postgresql"

// serverPrograms are the executables a bin directory must contain.
var serverPrograms = []string{"initdb", "postgres", "pg_ctl"}

// FindBinaries returns the directory that holds the PostgreSQL server
// programs initdb, postgres and pg_ctl. It first looks them up in PATH (a
// symlinked initdb is resolved to its real directory when that directory
// holds all three programs), then falls back to the highest version among
// /usr/lib/postgresql/*/bin. When nothing is found the error wraps
// ErrNoBinaries and explains how to install PostgreSQL.
func FindBinaries() (binDir string, err error) {
	if dir, ok := findInPath(); ok {
		return dir, nil
	}
	if dir, ok := findDebian(); ok {
		return dir, nil
	}
	return "", fmt.Errorf("%w: %s", ErrNoBinaries, installHint)
}

// findInPath looks the server programs up in PATH.
func findInPath() (string, bool) {
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		return "", false
	}
	initdb, err = filepath.Abs(initdb)
	if err != nil {
		return "", false
	}
	// Prefer the real directory behind a symlink (e.g. /usr/local/bin/initdb
	// -> /usr/lib/postgresql/15/bin/initdb) so all programs come from the
	// same installation.
	if real, err := filepath.EvalSymlinks(initdb); err == nil && hasPrograms(filepath.Dir(real)) {
		return filepath.Dir(real), true
	}
	if hasPrograms(filepath.Dir(initdb)) {
		return filepath.Dir(initdb), true
	}
	// initdb is in PATH but its siblings are not; accept PATH as a whole as
	// long as every program resolves to the same directory.
	dir := filepath.Dir(initdb)
	for _, p := range serverPrograms[1:] {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", false
		}
		if abs, _ := filepath.Abs(path); filepath.Dir(abs) != dir {
			return "", false
		}
	}
	return dir, true
}

// findDebian returns the bin directory of the highest PostgreSQL version
// installed under debianRoot.
func findDebian() (string, bool) { return highestDebian(hasPrograms) }

// highestDebian returns the bin directory of the highest PostgreSQL version
// under debianRoot for which has is true.
func highestDebian(has func(dir string) bool) (string, bool) {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return "", false
	}
	type cand struct {
		dir string
		ver []int
	}
	var cands []cand
	for _, e := range entries {
		ver, ok := parseVersion(e.Name())
		if !ok {
			continue
		}
		dir := filepath.Join(debianRoot, e.Name(), "bin")
		if has(dir) {
			cands = append(cands, cand{dir, ver})
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	sort.Slice(cands, func(i, j int) bool { return versionLess(cands[j].ver, cands[i].ver) })
	return cands[0].dir, true
}

// parseVersion parses directory names such as "15" or "9.6".
func parseVersion(s string) ([]int, bool) {
	var out []int
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// versionLess reports whether version a sorts before version b.
func versionLess(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// hasPrograms reports whether dir contains every server program as an
// executable regular file (symlinks are followed).
func hasPrograms(dir string) bool {
	for _, p := range serverPrograms {
		if !isExecutable(filepath.Join(dir, p)) {
			return false
		}
	}
	return true
}

// isExecutable reports whether path is an executable regular file
// (symlinks are followed).
func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// FindProgram returns the path of the PostgreSQL program name, e.g. the
// clients pg_dump and pg_restore: beside the server programs when
// FindBinaries finds them (the same version as the embedded cluster), else
// in the highest /usr/lib/postgresql/*/bin that has it (a machine with the
// client package only), else in PATH. The error says how to install it.
func FindProgram(name string) (string, error) {
	if dir, err := FindBinaries(); err == nil && isExecutable(filepath.Join(dir, name)) {
		return filepath.Join(dir, name), nil
	}
	if dir, ok := highestDebian(func(dir string) bool { return isExecutable(filepath.Join(dir, name)) }); ok {
		return filepath.Join(dir, name), nil
	}
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	return "", fmt.Errorf("pg: %s not found in /usr/lib/postgresql/*/bin nor in PATH; install the Debian package postgresql-client", name)
}

// installLockPath serialises concurrent installs (e.g. several test binaries
// started in parallel by go test), because apt refuses to run twice at once.
var installLockPath = filepath.Join(os.TempDir(), "daihoi-pg-install.lock")

// EnsureBinaries is FindBinaries that installs PostgreSQL when it is missing.
// When no binaries are found and the process runs as root it runs
// `apt-get update` and `apt-get install -y postgresql` (with
// DEBIAN_FRONTEND=noninteractive, output logged to logger) and looks again.
// When not root, or when the install does not help, it returns an error that
// wraps ErrNoBinaries. A nil logger discards the log.
func EnsureBinaries(logger *slog.Logger) (string, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dir, err := FindBinaries()
	if err == nil {
		return dir, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("%w (not running as root, so not installing it automatically)", err)
	}
	if _, lerr := exec.LookPath("apt-get"); lerr != nil {
		return "", fmt.Errorf("%w (apt-get is not available, so not installing it automatically)", err)
	}

	// Serialise with other processes doing the same thing.
	unlock, lerr := lockFile(installLockPath)
	if lerr != nil {
		logger.Warn("pg: could not take install lock; installing anyway", "path", installLockPath, "err", lerr)
	} else {
		defer unlock()
	}
	// Someone else may have installed it while we waited for the lock.
	if dir, err := FindBinaries(); err == nil {
		return dir, nil
	}

	logger.Info("pg: PostgreSQL not found; installing the Debian package postgresql")
	ctx := context.Background()
	for _, args := range [][]string{
		{"update"},
		{"install", "-y", "--no-install-recommends", "postgresql"},
	} {
		if err := runLogged(ctx, logger, "apt-get", args...); err != nil {
			return "", fmt.Errorf("pg: apt-get %s failed: %v; %w: %s",
				strings.Join(args, " "), err, ErrNoBinaries, installHint)
		}
	}
	dir, err = FindBinaries()
	if err != nil {
		return "", fmt.Errorf("%w (even after apt-get install postgresql)", err)
	}
	logger.Info("pg: installed PostgreSQL", "bin", dir)
	return dir, nil
}

// runLogged runs a command with DEBIAN_FRONTEND=noninteractive, sending its
// output line by line to logger.
func runLogged(ctx context.Context, logger *slog.Logger, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	done := make(chan struct{})
	var tail []string
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			logger.Info("pg: "+name, "out", line)
			tail = append(tail, line)
			if len(tail) > 20 {
				tail = tail[1:]
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	_ = pw.Close()
	<-done
	if err != nil {
		return fmt.Errorf("%v\n%s", err, strings.Join(tail, "\n"))
	}
	return nil
}

// lockFile takes an exclusive advisory lock on path, creating it if needed.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
