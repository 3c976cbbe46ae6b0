// Package backup dumps daihoi's database to a file and restores such a file
// into a database, with PostgreSQL's own pg_dump and pg_restore (found by
// package pg) in their custom format: compressed, and restored all or
// nothing.
package backup

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/pg"
)

// Dump writes the database at conn (a postgres:// URL or a key=value
// connection string) to file in pg_dump's custom format. The dump is
// written beside file and renamed into place when complete, so that file
// is never a partial dump; it is readable by its owner only (it holds the
// password hashes).
//
// file must be a new path or a regular file: the rename would replace
// whatever else stands there (a device such as /dev/stdout, a pipe, a
// symbolic link), and such a target would not hold the dump.
func Dump(ctx context.Context, conn, file string) error {
	if st, err := os.Lstat(file); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("backup: %s is not a regular file (%s): give the path of a file to write the backup to", file, st.Mode().Type())
	}
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
	// The dump's extensions (ltree, pg_trgm, …) are not restored from it: in
	// production a superuser creates ltree for daihoi's role, which may
	// then neither comment on it nor drop it (--clean), and either would
	// fail the whole restore. They are created beforehand when missing, as
	// the migrations create them, and the rest of the dump is restored.
	list, exts, err := contents(ctx, bin, file)
	if err != nil {
		return err
	}
	if err := createExtensions(ctx, conn, exts); err != nil {
		return err
	}
	listFile, err := os.CreateTemp("", "daihoi-restore-*.list")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(listFile.Name())
	if _, err := listFile.WriteString(list); err != nil {
		listFile.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := listFile.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--use-list=" + listFile.Name()}
	if clean {
		args = append(args, "--clean", "--if-exists")
	}
	return run(ctx, bin, conn, append(args, file)...)
}

// contents reads the table of contents of the dump file (pg_restore
// --list) and returns it without its extensions and their comments, and
// the names of those extensions.
func contents(ctx context.Context, bin, file string) (string, []string, error) {
	cmd := exec.CommandContext(ctx, bin, "--list", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", nil, fmt.Errorf("backup: %s: %v: %s", filepath.Base(bin), err, strings.TrimSpace(tail(stderr.String(), 2000)))
	}
	var kept []string
	var exts []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		// An entry reads "3; 3079 16385 EXTENSION - ltree" or
		// "4123; 0 0 COMMENT - EXTENSION ltree"; comments start with ";".
		fields := strings.Fields(line)
		if !strings.HasPrefix(line, ";") && len(fields) >= 6 {
			switch {
			case fields[3] == "EXTENSION" && fields[4] == "-":
				exts = append(exts, fields[5])
				continue
			case fields[3] == "COMMENT" && fields[4] == "-" && fields[5] == "EXTENSION":
				continue
			}
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, "\n"), exts, nil
}

// createExtensions creates in the database at conn each of exts that it
// lacks.
func createExtensions(ctx context.Context, conn string, exts []string) error {
	if len(exts) == 0 {
		return nil
	}
	db, err := sql.Open("postgres", conn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	for _, e := range exts {
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+pq.QuoteIdentifier(e)); err != nil {
			return fmt.Errorf("backup: the dump needs the extension %s, which this database lacks and its role may not create (a superuser can: CREATE EXTENSION %s): %w", e, e, err)
		}
	}
	return nil
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
