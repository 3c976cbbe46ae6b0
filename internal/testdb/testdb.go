// Package testdb gives tests of other packages a fresh, fully migrated
// PostgreSQL database each, fast enough to use one per test.
//
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }
//
//	func TestSomething(t *testing.T) {
//		db := testdb.New(t) // *sqlx.DB on a new database, dropped at cleanup
//		...
//	}
//
// The first New, URL or AdminURL call in a test process gets a server: the one
// TEST_DATABASE_URL points to (an admin connection URL of a user allowed to
// create databases), or else a throwaway cluster started with package pg
// (installing PostgreSQL with apt-get first when it is missing and the tests
// run as root). On that server it creates a template database once per
// process and applies the migrations to it; each New or URL call then clones
// the template with CREATE DATABASE ... TEMPLATE, which takes milliseconds.
// Main stops the throwaway cluster (or drops the template from the
// TEST_DATABASE_URL server) when the tests are done.
//
// When no server can be had, New, URL and AdminURL fail the test with an
// explanation; they never skip it.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/pg"
)

// EnvURL names the environment variable that, when set, points testdb at an
// existing PostgreSQL server instead of a throwaway cluster. Its value is a
// connection URL (postgres://user:pass@host:port/dbname?sslmode=disable) or a
// key=value DSN for a user that may create and drop databases. Prefer the URL
// form: AdminURL returns the value verbatim, and callers may parse it as a URL.
const EnvURL = "TEST_DATABASE_URL"

// setupTimeout bounds getting the server and migrating the template.
const setupTimeout = 3 * time.Minute

var (
	mainCalled bool
	migrateFn  func(ctx context.Context, db *sql.DB) error

	once   sync.Once
	srv    *server
	srvErr error
)

// server is the PostgreSQL server the test process uses.
type server struct {
	cluster  *pg.Cluster // nil when using TEST_DATABASE_URL
	adminURL string
	admin    *sql.DB
	template string // name of the migrated template database, "" if none
}

// Main runs the package's tests and exits. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }
//
// migrate is applied once per test process to the template database from
// which every New and URL database is cloned; nil means no migrations (empty
// databases). After m.Run, Main stops the throwaway cluster if one was
// started (or drops the template database from the TEST_DATABASE_URL server),
// then calls os.Exit with m.Run's code.
func Main(m *testing.M, migrate func(ctx context.Context, db *sql.DB) error) {
	mainCalled = true
	migrateFn = migrate
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: cleanup after the tests: %v\n", err)
	}
	os.Exit(code)
}

// New returns a connection (driver "postgres", lib/pq) to a new database with
// all migrations applied. The connection is closed and the database dropped
// (terminating any connections still open to it) when the test ends. It calls
// t.Fatalf when no PostgreSQL server is available.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	dsn := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sqlx.ConnectContext(ctx, "postgres", dsn)
	if err != nil {
		t.Fatalf("testdb: connect to the test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() }) // runs before URL's drop
	return db
}

// URL creates a new database with all migrations applied, exactly like New,
// and returns its connection URL (or DSN, when TEST_DATABASE_URL is a
// key=value DSN) for tests that open their own connections or pass it to a
// child process. The database is dropped when the test ends, terminating any
// connections still open to it.
func URL(t testing.TB) string {
	t.Helper()
	s := mustServer(t)
	return s.newDatabase(t, s.template)
}

// EmptyURL creates a new database without anything in it (from template0,
// no migration) and returns its connection URL, like URL: for tests that
// load a database themselves, e.g. restore a dump into it. The database is
// dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return mustServer(t).newDatabase(t, "template0")
}

// newDatabase creates a database from template, dropped when the test
// ends, and returns its URL.
func (s *server) newDatabase(t testing.TB, template string) string {
	t.Helper()
	name := "test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+
		" TEMPLATE "+pq.QuoteIdentifier(template)); err != nil {
		t.Fatalf("testdb: create test database from template %s: %v", template, err)
	}
	t.Cleanup(func() {
		if err := s.drop(name); err != nil {
			t.Errorf("testdb: %v", err)
		}
	})
	u, err := s.databaseURL(name)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return u
}

// AdminURL returns a server-level connection URL (the postgres database of
// the throwaway cluster, or TEST_DATABASE_URL as given) for tests that create
// and drop databases themselves, e.g. to run migrations on an empty database.
// Such tests must drop what they create.
func AdminURL(t testing.TB) string {
	t.Helper()
	return mustServer(t).adminURL
}

// mustServer returns the process's server, failing the test without one.
func mustServer(t testing.TB) *server {
	t.Helper()
	if !mainCalled {
		t.Fatalf("testdb: the package's TestMain must call testdb.Main(m, migrate), e.g.\n" +
			"\tfunc TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }")
	}
	once.Do(func() { srv, srvErr = setup() })
	if srvErr != nil {
		t.Fatalf("testdb: no PostgreSQL server for tests: %v", srvErr)
	}
	return srv
}

// setup gets a server and creates the migrated template database.
func setup() (_ *server, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	s := &server{}
	defer func() {
		if err != nil {
			_ = s.close()
		}
	}()

	if env := strings.TrimSpace(os.Getenv(EnvURL)); env != "" {
		s.adminURL = env
	} else {
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		bin, err := pg.EnsureBinaries(logger)
		if err != nil {
			return nil, fmt.Errorf("%w; or set %s to the admin URL of a PostgreSQL server", err, EnvURL)
		}
		scratch := scratchDir()
		reapStale(scratch)
		s.cluster, err = pg.Start(ctx, pg.Options{
			BinDir:  bin,
			DataDir: filepath.Join(scratch, dataDirPrefix+randomSuffix()),
			Logger:  logger,
		})
		if err != nil {
			return nil, err
		}
		s.adminURL = s.cluster.URL("postgres")
	}

	s.admin, err = sql.Open("postgres", s.adminURL)
	if err != nil {
		return nil, fmt.Errorf("open admin connection: %w", err)
	}
	if err := s.admin.PingContext(ctx); err != nil {
		if s.cluster == nil {
			return nil, fmt.Errorf("%s is set but the server cannot be reached: %w", EnvURL, err)
		}
		return nil, fmt.Errorf("connect to the throwaway cluster: %w", err)
	}

	template := "testdb_tpl_" + randomSuffix()
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(template)); err != nil {
		return nil, fmt.Errorf("create template database: %w", err)
	}
	s.template = template
	if err := s.migrateTemplate(ctx); err != nil {
		return nil, err
	}
	// Nobody may connect to the template any more: a connection to it would
	// make CREATE DATABASE ... TEMPLATE fail.
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(template)+" ALLOW_CONNECTIONS false"); err != nil {
		return nil, fmt.Errorf("lock template database: %w", err)
	}
	return s, nil
}

// migrateTemplate applies migrateFn to the template database.
func (s *server) migrateTemplate(ctx context.Context) error {
	if migrateFn == nil {
		return nil
	}
	u, err := s.databaseURL(s.template)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", u)
	if err != nil {
		return fmt.Errorf("open template database: %w", err)
	}
	defer db.Close() // all its connections must be gone before cloning
	if err := migrateFn(ctx, db); err != nil {
		return fmt.Errorf("migrations failed on the template database: %w", err)
	}
	return db.Close()
}

// databaseURL returns the connection string of database name on the server.
func (s *server) databaseURL(name string) (string, error) {
	if s.cluster != nil {
		return s.cluster.URL(name), nil
	}
	if strings.HasPrefix(s.adminURL, "postgres://") || strings.HasPrefix(s.adminURL, "postgresql://") {
		u, err := url.Parse(s.adminURL)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvURL, err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// key=value DSN: lib/pq lets a later key override an earlier one.
	return s.adminURL + " dbname=" + pq.QuoteLiteral(name), nil
}

// drop drops database name, terminating connections still open to it.
func (s *server) drop(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := pq.QuoteIdentifier(name)
	_, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q+" WITH (FORCE)")
	var se interface{ SQLState() string }
	if errors.As(err, &se) && se.SQLState() == "42601" { // syntax error: PostgreSQL < 13
		_, _ = s.admin.ExecContext(ctx,
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
		_, err = s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q)
	}
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// close drops the template from an external server, closes the admin pool
// and stops the throwaway cluster.
func (s *server) close() error {
	var errs []error
	if s.admin != nil {
		if s.cluster == nil && s.template != "" {
			if err := s.drop(s.template); err != nil {
				errs = append(errs, err)
			}
		}
		_ = s.admin.Close()
	}
	if s.cluster != nil {
		if err := s.cluster.Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// shutdown releases the process's server, if one was set up.
func shutdown() error {
	if srv == nil {
		return nil
	}
	err := srv.close()
	srv = nil
	return err
}

// scratchDir returns where the throwaway cluster keeps its data: /dev/shm
// (a tmpfs) when it is usable, because CREATE DATABASE there is 10-20 times
// faster than on a disk even with fsync off, else os.TempDir().
func scratchDir() string {
	const shm = "/dev/shm"
	if st, err := os.Stat(shm); err == nil && st.IsDir() {
		if f, err := os.CreateTemp(shm, "testdb-probe-"); err == nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			return shm
		}
	}
	return os.TempDir()
}

// dataDirPrefix starts the names of throwaway data directories, followed by
// randomSuffix (which starts with the pid).
const dataDirPrefix = "testdb-pg-"

// reapStale removes throwaway data directories left in dir by test processes
// that died without cleaning up (killed, or timed out), which matters on a
// tmpfs: they hold memory.
func reapStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), dataDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "_")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
			continue // its process is still running
		}
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// randomSuffix returns "<pid>_<random hex>" for unique database names that
// also stay unique across test processes sharing a server.
func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%d_%s", os.Getpid(), hex.EncodeToString(b))
}
