package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// mustCLI runs the command line on the database at url, failing the test
// when it fails.
func mustCLI(t *testing.T, url, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, url, stdin, args...)
	if err != nil {
		t.Fatalf("daihoi %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// figures reads everything daihoi shows of the database at url, by
// section, as the services read it at 09:00 on the demo date: every unit,
// the progress of every unit today and on a past day (from the
// snapshots), the open and resolved flags, the weekly reports, the audit
// log, the users, the job runs, and the number of rows of every table.
func figures(t *testing.T, url string) map[string]string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := domain.FixedClock(time.Date(demo.Date.Year(), demo.Date.Month(), demo.Date.Day(), 9, 0, 0, 0, domain.Location))
	svc, err := core.New(ctx, st, at, core.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := domain.SystemPrincipal()
	out := map[string]string{}
	add := func(section string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", section, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[section] = string(b)
	}
	var units []domain.Unit
	for cursor := ""; ; {
		page, err := svc.Subtree(ctx, sys, demo.CityCode, cursor, core.MaxPageSize)
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, page.Units...)
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	add("units", units, nil)
	for _, day := range []string{"", "2020-04-01"} {
		var all []domain.Progress
		for _, u := range units {
			p, err := svc.Progress(ctx, sys, u.Code, 0, day)
			if err != nil {
				t.Fatalf("progress of %s on %q: %v", u.Code, day, err)
			}
			p.Late.Units = determinedLate(p.Late)
			all = append(all, p)
		}
		add("progress "+day, all, nil)
	}
	for _, state := range []domain.FlagState{domain.FlagOpen, domain.FlagResolved} {
		flags, err := svc.Flags(ctx, sys, demo.CityCode, 0, domain.FlagQuery{State: state, Subtree: true, Limit: domain.MaxFlagPage})
		add("flags "+string(state), flags, err)
	}
	archive, err := svc.WeeklyReports(ctx, sys, demo.DistrictCode)
	add("reports", archive, err)
	for _, r := range archive.Reports {
		report, err := svc.WeeklyReport(ctx, sys, demo.DistrictCode, r.Week)
		add("report "+r.Week, report, err)
	}
	audit, err := svc.RoundAudit(ctx, sys, demo.CityCode, 0, true, core.MaxAudit)
	add("audit", audit, err)
	users, err := svc.Users(ctx, sys)
	add("users", users, err)
	runs, err := svc.JobRuns(ctx, sys, "", core.MaxJobRuns)
	add("job runs", runs, err)
	add("rows", tableRows(t, st.DB()), nil)
	return out
}

// determinedLate is the part of a late list that the data determine. A
// list cut at its limit is the first units by deadline, and which of the
// units sharing the last deadline make the cut depends on the rows'
// physical order (which a restore changes): those are left out.
func determinedLate(l domain.LateSummary) []domain.LateUnit {
	units := l.Units
	if len(units) < l.Limit || len(units) == 0 {
		return units
	}
	last := units[len(units)-1].Deadline
	kept := []domain.LateUnit{}
	for _, u := range units {
		if u.Deadline.Before(last) {
			kept = append(kept, u)
		}
	}
	return kept
}

// tableRows counts the rows of every table of the public schema.
func tableRows(t *testing.T, db *sqlx.DB) map[string]int {
	t.Helper()
	var tables []string
	if err := db.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, name := range tables {
		var n int
		if err := db.Get(&n, "SELECT count(*) FROM "+pq.QuoteIdentifier(name)); err != nil {
			t.Fatal(err)
		}
		rows[name] = n
	}
	return rows
}

// sameFigures fails the test for every section that differs.
func sameFigures(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d sections of figures, want %d", len(got), len(want))
	}
	for section, w := range want {
		if g := got[section]; g != w {
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			from := max(i-300, 0)
			t.Errorf("%s differ at byte %d:\n got ...%.600s\nwant ...%.600s", section, i, g[from:], w[from:])
		}
	}
}

func TestBackupAndRestoreKeepEveryFigure(t *testing.T) {
	src := testdb.URL(t)
	mustCLI(t, src, "", "seed", "demo")
	mustCLI(t, src, "", "user", "email", "bantochuc", "bantochuc@hbt.hanoi.gov.vn")
	mustCLI(t, src, "", "jobs", "run", "consistency-check")
	want := figures(t, src)
	var rows map[string]int
	if err := json.Unmarshal([]byte(want["rows"]), &rows); err != nil {
		t.Fatal(err)
	}
	if rows["units"] < 500 || rows["audit_log"] == 0 || rows["weekly_reports"] == 0 || rows["flags"] == 0 || rows["job_runs"] == 0 {
		t.Fatalf("the demo is not what the test expects: %v", rows)
	}

	file := filepath.Join(t.TempDir(), "daihoi.dump")
	if out := mustCLI(t, src, "", "backup", file); !strings.Contains(out, file) {
		t.Errorf("backup says %q", out)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("the backup's mode is %v, want -rw------- (it holds password hashes)", st.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*part")); len(leftovers) > 0 {
		t.Errorf("the backup left %v", leftovers)
	}

	t.Run("a path that is not a regular file is refused and left as it is", func(t *testing.T) {
		dir := t.TempDir()
		fifo, link := filepath.Join(dir, "pipe"), filepath.Join(dir, "link")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(file, link); err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{fifo, link, dir} {
			before, _ := os.Lstat(target)
			if _, _, err := runCLI(t, src, "", "backup", target); err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v, want a refusal", target, err)
			}
			if after, err := os.Lstat(target); err != nil || after.Mode() != before.Mode() {
				t.Errorf("%s was replaced: %v (%v)", target, after.Mode(), err)
			}
		}
	})

	dst := testdb.EmptyURL(t)
	t.Run("restored into an empty database every figure is the same", func(t *testing.T) {
		mustCLI(t, dst, "", "restore", file)
		sameFigures(t, figures(t, dst), want)
	})
	t.Run("a database that is not empty is refused without --clean", func(t *testing.T) {
		_, _, err := runCLI(t, dst, "", "restore", file)
		if err == nil || !strings.Contains(err.Error(), "--clean") {
			t.Errorf("err = %v, want a refusal naming --clean", err)
		}
		if err := domain.AsError(err); err == nil || err.Code != domain.EConflict {
			t.Errorf("the refusal is %v, want a conflict", err)
		}
		sameFigures(t, figures(t, dst), want)
	})
	t.Run("the restored database takes new writes", func(t *testing.T) {
		mustCLI(t, dst, "mat-khau-dai-1\n", "user", "add", "thanh", "--name", "Nguyễn Văn Thành")
		mustCLI(t, dst, "", "user", "grant", "thanh", "viewer", demo.DistrictCode)
		if sameUsers := figures(t, dst)["users"] == want["users"]; sameUsers {
			t.Error("the new user is not listed")
		}
	})
	t.Run("a database a daihoi process works on is refused, and left as it is", func(t *testing.T) {
		st, err := store.Open(context.Background(), dst, store.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		before := figures(t, dst)
		_, _, err = runCLI(t, dst, "", "restore", "--clean", file)
		if err == nil || !strings.Contains(err.Error(), "stop every daihoi process") {
			t.Errorf("err = %v, want a refusal while daihoi is connected", err)
		}
		sameFigures(t, figures(t, dst), before)
	})
	t.Run("--clean restores over a database that holds daihoi", func(t *testing.T) {
		mustCLI(t, dst, "", "restore", "--clean", file)
		sameFigures(t, figures(t, dst), want)
	})
	t.Run("restored, then restored again with --clean, by the owner of a database whose ltree a superuser made", func(t *testing.T) {
		// The production set-up of the README: a role of its own owns the
		// database, and a superuser created ltree in it.
		owned := ownedDatabase(t, "CREATE EXTENSION ltree")
		mustCLI(t, owned, "", "restore", file)
		sameFigures(t, figures(t, owned), want)
		mustCLI(t, owned, "", "restore", "--clean", file)
		sameFigures(t, figures(t, owned), want)
	})
	t.Run("a migrated database is not empty either", func(t *testing.T) {
		if _, _, err := runCLI(t, testdb.URL(t), "", "restore", file); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("err = %v, want a refusal", err)
		}
	})
	t.Run("a file that is not a backup restores nothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(bad, []byte("not a dump\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		empty := testdb.EmptyURL(t)
		if _, _, err := runCLI(t, empty, "", "restore", bad); err == nil || !strings.Contains(err.Error(), "pg_restore") {
			t.Errorf("err = %v, want pg_restore's refusal", err)
		}
		if _, _, err := runCLI(t, empty, "", "restore", filepath.Join(t.TempDir(), "none.dump")); err == nil {
			t.Error("a missing file was restored")
		}
		st, err := store.Open(context.Background(), empty, store.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if n, err := st.CountRelations(context.Background()); err != nil || n != 0 {
			t.Errorf("%d relations after failed restores (%v), want none", n, err)
		}
	})
}

// ownedDatabase makes a database owned by a new role without special
// rights, runs setup in it as the superuser, and returns its URL as that
// role. Both are dropped when the test ends.
func ownedDatabase(t *testing.T, setup string) string {
	t.Helper()
	ctx := context.Background()
	admin := testdb.EmptyURL(t) // a database of the superuser, to create the others from
	db, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	role, name := "owner_"+strings.ToLower(randomWord()), "owned_"+strings.ToLower(randomWord())
	for _, q := range []string{"CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + name + " OWNER " + role} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		db, err := sqlx.Open("postgres", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		_, _ = db.Exec("DROP ROLE IF EXISTS " + role)
	})
	super := dbURLAs(t, admin, name, "")
	sdb, err := sqlx.Open("postgres", super)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.ExecContext(ctx, setup); err != nil {
		t.Fatal(err)
	}
	return dbURLAs(t, admin, name, role)
}

// dbURLAs is the URL (or key=value DSN) u for database name, as user
// when user is not "".
func dbURLAs(t *testing.T, u, name, user string) string {
	t.Helper()
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		out := u + " dbname=" + name
		if user != "" {
			out += " user=" + user
		}
		return out
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.Path, p.RawPath = "/"+name, ""
	if user != "" {
		p.User = url.User(user)
	}
	return p.String()
}

func randomWord() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
