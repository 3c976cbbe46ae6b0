package pg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireBinaries fails the test (never skips) when PostgreSQL is missing.
func requireBinaries(t *testing.T) string {
	t.Helper()
	dir, err := FindBinaries()
	if err != nil {
		t.Fatalf("these tests need a real PostgreSQL server: %v", err)
	}
	return dir
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func startCluster(t *testing.T, opts Options) *Cluster {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop (cleanup): %v", err)
		}
	})
	return c
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec1(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestStartCreateStop(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	c := startCluster(t, Options{DataDir: dataDir})

	if c.DataDir() != dataDir {
		t.Errorf("DataDir() = %q, want %q", c.DataDir(), dataDir)
	}
	wantURL := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/demo?sslmode=disable", c.Port())
	if got := c.URL("demo"); got != wantURL {
		t.Errorf("URL = %q, want %q", got, wantURL)
	}

	admin := open(t, c.URL("postgres"))
	var fsync, dir, user string
	if err := admin.QueryRow("SELECT current_setting('fsync'), current_setting('data_directory'), current_user").Scan(&fsync, &dir, &user); err != nil {
		t.Fatalf("query: %v", err)
	}
	if fsync != "off" || dir != dataDir || user != "postgres" {
		t.Errorf("fsync=%q data_directory=%q user=%q; want off, %q, postgres", fsync, dir, user, dataDir)
	}

	ctx := context.Background()
	if err := c.CreateDatabase(ctx, "demo"); err != nil {
		t.Fatalf("CreateDatabase: %v", err)
	}
	if err := c.CreateDatabase(ctx, "demo"); err != nil {
		t.Fatalf("CreateDatabase again (must ignore already exists): %v", err)
	}
	demo := open(t, c.URL("demo"))
	exec1(t, demo, "CREATE TABLE t (id int PRIMARY KEY)")
	exec1(t, demo, "INSERT INTO t VALUES (1)")
	demo.Close()
	admin.Close()

	sockDir := c.SocketDir()
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port())), time.Second); err == nil {
		conn.Close()
		t.Errorf("port %d still accepts connections after Stop", c.Port())
	}
	for _, d := range []string{dataDir, sockDir} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Stop of a non-persistent cluster (err=%v)", d, err)
		}
	}
}

func TestTempDataDir(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	c := startCluster(t, Options{})
	dir := c.DataDir()
	if !strings.HasPrefix(dir, os.TempDir()) {
		t.Errorf("DataDir %q not under %q", dir, os.TempDir())
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary data dir %s still exists after Stop (err=%v)", dir, err)
	}
}

func TestPersistentRestart(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dataDir := filepath.Join(t.TempDir(), ".data", "postgres")

	c1 := startCluster(t, Options{DataDir: dataDir, Persistent: true})
	db := open(t, c1.URL("postgres"))
	exec1(t, db, "CREATE TABLE kept (v text)")
	exec1(t, db, "INSERT INTO kept VALUES ('survives')")
	db.Close()
	if err := c1.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Fatalf("persistent data dir was not kept: %v", err)
	}

	c2 := startCluster(t, Options{DataDir: dataDir, Persistent: true})
	var v string
	if err := open(t, c2.URL("postgres")).QueryRow("SELECT v FROM kept").Scan(&v); err != nil {
		t.Fatalf("table from the first run not found: %v", err)
	}
	if v != "survives" {
		t.Errorf("v = %q, want survives", v)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run true: %v", err)
	}
	pid := cmd.Process.Pid
	if processAlive(pid) {
		t.Fatalf("pid %d of an exited process is alive again", pid)
	}
	return pid
}

func writePIDFile(t *testing.T, dataDir string, pid int) {
	t.Helper()
	// Same layout as a real postmaster.pid.
	content := fmt.Sprintf("%d\n%s\n1700000000\n5432\n/tmp\n127.0.0.1\n  5432001    123456\nready   \n", pid, dataDir)
	if err := os.WriteFile(filepath.Join(dataDir, "postmaster.pid"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestStalePIDFile(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	c := startCluster(t, Options{DataDir: dataDir, Persistent: true})
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	for _, tc := range []struct {
		name string
		pid  int
	}{
		{"dead pid", deadPID(t)},
		{"pid of another program", 1},
		{"garbage", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.pid > 0 {
				writePIDFile(t, dataDir, tc.pid)
			} else if err := os.WriteFile(filepath.Join(dataDir, "postmaster.pid"), []byte("garbage\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			c := startCluster(t, Options{DataDir: dataDir, Persistent: true})
			var one int
			if err := open(t, c.URL("postgres")).QueryRow("SELECT 1").Scan(&one); err != nil {
				t.Fatalf("query: %v", err)
			}
			if err := c.Stop(); err != nil {
				t.Fatalf("Stop: %v", err)
			}
		})
	}

	// A postgres already running on a kept data dir belongs to another
	// daihoi process (a server, with a command run beside it): the second
	// Start shares it, and its Stop leaves it running for the first.
	t.Run("still running is shared", func(t *testing.T) {
		first := startCluster(t, Options{DataDir: dataDir, Persistent: true})
		second := startCluster(t, Options{DataDir: dataDir, Persistent: true})
		if second.Port() != first.Port() {
			t.Fatalf("second start uses port %d, want the running server's %d", second.Port(), first.Port())
		}
		var one int
		if err := open(t, second.URL("postgres")).QueryRow("SELECT 1").Scan(&one); err != nil {
			t.Fatalf("query through the second: %v", err)
		}
		if err := second.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		select {
		case <-first.exited:
			t.Fatal("stopping the sharing cluster stopped the running postgres")
		case <-time.After(300 * time.Millisecond):
		}
		if err := open(t, first.URL("postgres")).QueryRow("SELECT 1").Scan(&one); err != nil {
			t.Fatalf("query through the first after the second stopped: %v", err)
		}
	})
}

func TestFindBinariesMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	saved := debianRoot
	debianRoot = filepath.Join(t.TempDir(), "nothing-here")
	defer func() { debianRoot = saved }()

	_, err := FindBinaries()
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"pg: ", "apt-get install -y postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFindBinariesDebianHighest(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "13", "16", "notaversion"} {
		bin := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, p := range serverPrograms {
			if err := os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 17 is incomplete and must be ignored.
	if err := os.MkdirAll(filepath.Join(root, "17", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	saved := debianRoot
	debianRoot = root
	defer func() { debianRoot = saved }()

	got, err := FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "16", "bin"); got != want {
		t.Errorf("FindBinaries = %q, want %q", got, want)
	}
}

// TestInitdbLocaleFallback runs initdb with a locale that does not exist
// first, as on a system without C.UTF-8, and expects --no-locale to be used.
// Not parallel: it changes initdbLocales.
func TestInitdbLocaleFallback(t *testing.T) {
	requireBinaries(t)
	saved := initdbLocales
	initdbLocales = []string{"--locale=xx_XX.NOPE", "--no-locale"}
	defer func() { initdbLocales = saved }()

	c := startCluster(t, Options{DataDir: filepath.Join(t.TempDir(), "data")})
	var collate string
	if err := open(t, c.URL("postgres")).QueryRow("SELECT datcollate FROM pg_database WHERE datname = 'postgres'").Scan(&collate); err != nil {
		t.Fatal(err)
	}
	if collate != "C" {
		t.Errorf("datcollate = %q, want C", collate)
	}
}

func TestAStartOnATakenPortIsAClearError(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	for _, persistent := range []bool{false, true} {
		t.Run(fmt.Sprintf("persistent %v", persistent), func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			c, err := Start(context.Background(), Options{DataDir: dataDir, Port: port, Persistent: persistent, Logger: testLogger(t)})
			if err == nil || c != nil {
				t.Fatalf("Start on a taken port: %v, %v", c, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("port %d of 127.0.0.1 is taken", port)) {
				t.Errorf("unclear error: %v", err)
			}
			if _, serr := os.Stat(dataDir); persistent == errors.Is(serr, os.ErrNotExist) {
				t.Errorf("persistent %v: data dir left %v", persistent, serr)
			}
		})
	}
}

// zombie returns the pid of a process named postgres that has exited and
// not been waited for, as a postmaster killed with its parent is until
// init reaps it.
func zombie(t *testing.T) int {
	t.Helper()
	name := filepath.Join(t.TempDir(), "postgres")
	if err := os.Symlink("/bin/true", name); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Wait() })
	stat := fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)
	for {
		b, err := os.ReadFile(stat)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), ") Z ") {
			return cmd.Process.Pid
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAZombiePostmasterIsNotTakenForARunningOne(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	if err := startCluster(t, Options{DataDir: dataDir, Persistent: true}).Stop(); err != nil {
		t.Fatal(err)
	}
	writePIDFile(t, dataDir, zombie(t))
	c := startCluster(t, Options{DataDir: dataDir, Persistent: true})
	if c.attached {
		t.Fatal("attached to a zombie")
	}
	var one int
	if err := open(t, c.URL("postgres")).QueryRow("SELECT 1").Scan(&one); err != nil {
		t.Fatalf("query: %v", err)
	}
}

func TestTheProcessesOfAKilledPostmasterAreWaitedForOrEnded(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first, err := Start(ctx, Options{DataDir: dataDir, Persistent: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	// A backend busy computing does not notice its postmaster's death: it
	// keeps the shared memory the next postmaster needs.
	db := open(t, first.URL("postgres"))
	busy := make(chan error, 1)
	go func() {
		_, err := db.Exec(`SELECT count(*) FROM generate_series(1, 1e12)`)
		busy <- err
	}()
	deadline := time.Now().Add(time.Minute)
	for len(leftovers(dataDir)) < 2 || !strings.Contains(activity(t, first), "generate_series") {
		if time.Now().After(deadline) {
			t.Fatal("the busy query did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-first.exited
	_ = first.Stop() // only closes its pools: the server is gone

	second := startCluster(t, Options{DataDir: dataDir, Persistent: true})
	var one int
	if err := open(t, second.URL("postgres")).QueryRow("SELECT 1").Scan(&one); err != nil {
		t.Fatalf("query: %v", err)
	}
	if err := <-busy; err == nil {
		t.Error("the busy query of the killed server ended well")
	}
}

// activity returns the queries running on c.
func activity(t *testing.T, c *Cluster) string {
	t.Helper()
	db, err := c.adminDB()
	if err != nil {
		t.Fatal(err)
	}
	var q string
	if err := db.QueryRow(`SELECT coalesce(string_agg(query, ';'), '') FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()`).Scan(&q); err != nil {
		t.Fatal(err)
	}
	return q
}
