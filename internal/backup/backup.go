// Package backup dumps daihoi's database to a file and restores such a file
// into a database, with PostgreSQL's own pg_dump and pg_restore (found by
// package pg) in their custom format: compressed, and restored all or
// nothing.
package backup

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/daihoi/daihoi/internal/pg"
)

// Dump writes the database at conn (a postgres:// URL or a key=value
// connection string) to file in pg_dump's custom format. The dump is
// written beside file and renamed into place when complete, so that file
// is never a partial dump; it is readable by its owner only (it holds the
// password hashes).
func Dump(ctx context.Context, conn, file string) error {
	bin, err := pg.FindProgram("pg_dump")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.part")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // a no-op after the rename
	// pg_dump writes into the file made above, which keeps its mode 0600.
	if err := run(ctx, bin, conn, "--format=custom", "--file="+tmp.Name()); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore loads the dump file (made by Dump, or pg_dump --format=custom)
// into the database at conn in one transaction: on any error nothing is
// restored. Objects are owned by the user of conn, whatever their owner in
// the dump. clean drops the objects of the dump from the database first
// (for a database that holds them already); the caller checks otherwise
// that the database is empty.
func Restore(ctx context.Context, conn, file string, clean bool) error {
	bin, err := pg.FindProgram("pg_restore")
	if err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"}
	if clean {
		args = append(args, "--clean", "--if-exists")
	}
	return run(ctx, bin, conn, append(args, file)...)
}

// run runs the PostgreSQL client bin on the database at conn with args.
// The password of conn goes in the environment (PGPASSWORD), never on the
// command line where every user of the machine could read it.
func run(ctx context.Context, bin, conn string, args ...string) error {
	conn, password, err := splitPassword(conn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--dbname=" + conn}, args...)...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("backup: %s: %v: %s", filepath.Base(bin), err, strings.TrimSpace(tail(stderr.String(), 2000)))
	}
	return nil
}

// splitPassword takes the password out of a postgres:// URL, returning
// the rest and the password. A key=value string is returned as it is: put
// its password in PGPASSWORD or ~/.pgpass instead (or use a URL), or it is
// on the command line while the program runs.
func splitPassword(conn string) (rest, password string, err error) {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn, "", nil
	}
	u, err := url.Parse(conn)
	if err != nil {
		return "", "", fmt.Errorf("backup: the database URL does not parse: %w", err)
	}
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	return u.String(), password, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
