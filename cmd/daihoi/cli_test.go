package main

import (
	"bytes"
	"context"
	"github.com/jmoiron/sqlx"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
	"github.com/daihoi/daihoi/internal/unitfile/unitfiletest"
)

func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }

// runCLI runs daihoi's command line in-process on the database at url.
func runCLI(t *testing.T, url, stdin string, args ...string) (string, string, error) {
	t.Helper()
	t.Setenv("DATABASE_URL", url)
	t.Setenv("DAIHOI_AUTH_BCRYPT_COST", "4")
	t.Setenv("DAIHOI_LOG_LEVEL", "warn")
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"--config", "../../configs/daihoi.yaml"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestUserCommands(t *testing.T) {
	url := testdb.URL(t)
	steps := []struct {
		name    string
		stdin   string
		args    []string
		wantErr bool
		wantOut string
	}{
		{"import the tree", "", []string{"import", "units", writeUnits(t)}, false, "created"},
		{"add a user reading the password from stdin", "mat-khau-dai\n", []string{"user", "add", "thanh", "--name", "Nguyễn Văn Thành"}, false, "thanh created"},
		{"a short password is refused", "short\n", []string{"user", "add", "lan"}, true, ""},
		{"a taken username is refused", "mat-khau-dai\n", []string{"user", "add", "thanh"}, true, ""},
		{"grant a role on a unit", "", []string{"user", "grant", "thanh", "secretary", "hn.hbt.bachmai"}, false, "secretary of HN.HBT.BACHMAI"},
		{"an unknown role is refused", "", []string{"user", "grant", "thanh", "king", "HN.HBT"}, true, ""},
		{"an unknown unit is refused", "", []string{"user", "grant", "thanh", "viewer", "HN.NOPE"}, true, ""},
		{"change the password", "mat-khau-moi-1\n", []string{"user", "passwd", "thanh"}, false, "password of thanh changed"},
		{"set the e-mail address", "", []string{"user", "email", "thanh", "thanh@hbt.hanoi.gov.vn"}, false, `e-mail of thanh set to "thanh@hbt.hanoi.gov.vn"`},
		{"a bad e-mail address is refused", "", []string{"user", "email", "thanh", "thanh at hbt"}, true, ""},
		{"list users with their roles", "", []string{"user", "list"}, false, "secretary@HN.HBT.BACHMAI"},
		{"revoke the role", "", []string{"user", "revoke", "thanh", "secretary", "HN.HBT.BACHMAI"}, false, "no longer"},
		{"make a user admin of the root", "", []string{"user", "grant", "thanh", "admin", "HN"}, false, "admin of HN"},
		{"the last active admin of the root keeps the role", "", []string{"user", "revoke", "thanh", "admin", "HN"}, true, ""},
		{"export the tree", "", []string{"export", "units", "--root", "HN.HBT", filepath.Join(t.TempDir(), "out.csv")}, false, ""},
		{"an unknown command is refused", "", []string{"frobnicate"}, true, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, url, s.stdin, s.args...)
			if (err != nil) != s.wantErr {
				t.Fatalf("err = %v, wantErr %v\nstdout: %s\nstderr: %s", err, s.wantErr, out, errOut)
			}
			if !strings.Contains(out, s.wantOut) {
				t.Errorf("stdout %q lacks %q", out, s.wantOut)
			}
		})
	}
}

// The help text states who manages which account, as the services decide it.
func TestUserHelpStatesTheRule(t *testing.T) {
	_, errOut, err := runCLI(t, testdb.URL(t), "", "user")
	if err == nil {
		t.Fatal("no usage error")
	}
	for _, want := range []string{"act as the system", "every role of it lies", "without a role, only an", "last active admin of a root unit",
		"ends their web sessions"} {
		if !strings.Contains(strings.Join(strings.Fields(errOut), " "), want) {
			t.Errorf("the help lacks %q:\n%s", want, errOut)
		}
	}
}

func writeUnits(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "units.csv")
	csv := "code,name,kind,parent_code,category,members\n" +
		"HN,Đảng bộ Thành phố Hà Nội,city,,,0\n" +
		"HN.HBT,Đảng bộ quận Hai Bà Trưng,district,HN,,0\n" +
		"HN.HBT.BACHMAI,Đảng bộ phường Bạch Mai,grassroots_committee,HN.HBT,,0\n" +
		"HN.HBT.BACHMAI.TDP1,Chi bộ Tổ dân phố số 1,cell,HN.HBT.BACHMAI,residential,31\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportUnitsCommandHasItsOwnLimits: the page's limits (import.max_rows,
// import.max_unpacked_mb) do not bind the command line, which imports a
// national tree; a zip bomb is refused there too, past 1024 MB.
func TestImportUnitsCommandHasItsOwnLimits(t *testing.T) {
	url := testdb.URL(t)
	t.Setenv("DAIHOI_IMPORT_MAX_ROWS", "2")
	t.Setenv("DAIHOI_IMPORT_MAX_UNPACKED_MB", "1")
	if out, errOut, err := runCLI(t, url, "", "import", "units", writeUnits(t)); err != nil || !strings.Contains(out, "4 created") {
		t.Fatalf("4 rows over a page limit of 2: %v\n%s%s", err, out, errOut)
	}
	bomb, err := unitfiletest.Bomb(2<<30, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	if err := os.WriteFile(path, bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := runCLI(t, url, "", "import", "units", path)
	if err == nil || !strings.Contains(errOut, "unpacks to more than 1024 MB") {
		t.Fatalf("a zip bomb: %v\n%s", err, errOut)
	}
}

// Arguments a command does not take are refused with its usage, not
// ignored: 'daihoi migrate now' or 'jobs list --limit -5' did something
// other than what was typed.
func TestCommandsRefuseArgumentsTheyDoNotTake(t *testing.T) {
	url := testdb.URL(t)
	for _, args := range [][]string{
		{"migrate", "extra"}, {"version", "x"}, {"user", "list", "extra"},
		{"jobs", "list", "--limit", "-5"}, {"jobs", "list", "--limit", "0"}, {"jobs", "list", "--limit", "100000"},
	} {
		_, errOut, err := runCLI(t, url, "", args...)
		if err == nil || !strings.Contains(errOut, "usage") {
			t.Errorf("daihoi %s: %v, stderr %q; want a usage error", strings.Join(args, " "), err, errOut)
		}
	}
	if out, _, err := runCLI(t, url, "", "jobs", "list", "--limit", "5"); err != nil {
		t.Errorf("jobs list --limit 5: %v %s", err, out)
	}
}

// An address in use is told before anything is done to the database: the
// server neither migrates nor seeds the demo, nor says it listens.
func TestServeOnAnAddressInUseStopsBeforeTouchingTheDatabase(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	url := testdb.EmptyURL(t)
	t.Setenv("DAIHOI_ADDR", taken.Addr().String())
	t.Setenv("DAIHOI_JOBS_ENABLED", "false")
	_, errOut, err := runCLI(t, url, "", "serve", "--demo")
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("serve on a taken address: %v", err)
	}
	if strings.Contains(errOut, "listening") {
		t.Errorf("the log says it listens: %s", errOut)
	}
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.Get(&tables, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`); err != nil || tables != 0 {
		t.Errorf("%d tables made (%v), want none", tables, err)
	}
}
