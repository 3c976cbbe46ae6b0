package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// emptyDatabase creates a database with nothing in it and returns a connection.
func emptyDatabase(t *testing.T) *sqlx.DB {
	t.Helper()
	admin, err := sqlx.Open("postgres", testdb.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "empty_" + t.Name()
	name = pq.QuoteIdentifier(name)
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE template0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sqlx.Open("postgres", testdb.AdminURL(t))
		if err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, err := url.Parse(testdb.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/empty_" + t.Name()
	db, err := sqlx.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsFromAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)
	st := store.New(db)

	if err := st.Ready(ctx); err == nil {
		t.Fatal("an empty database is reported ready")
	}
	pending, err := store.MigrationsPending(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if pending == 0 {
		t.Fatal("an empty database has no pending migration")
	}
	if err := store.Migrate(ctx, db.DB); err != nil {
		t.Fatalf("migrate an empty database: %v", err)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatalf("after migrating: %v", err)
	}
	if err := store.Migrate(ctx, db.DB); err != nil {
		t.Fatalf("migrating twice: %v", err)
	}
	for _, table := range []string{"units", "unit_kinds", "unit_kind_rules", "users", "role_assignments", "api_tokens", "sessions", "audit_log"} {
		var exists bool
		if err := db.Get(&exists, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil || !exists {
			t.Errorf("table %s missing after migration (err %v)", table, err)
		}
	}
	var ext sql.NullString
	if err := db.Get(&ext, `SELECT extname FROM pg_extension WHERE extname = 'ltree'`); err != nil || ext.String != "ltree" {
		t.Errorf("ltree extension not installed (err %v)", err)
	}
	rules, err := st.KindRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rules.Kinds), 7; got != want { // six, and the nation (00003)
		t.Errorf("seeded unit kinds = %d, want %d", got, want)
	}
}

// Processes started together on a new database migrate it once between
// them: each waits for the others instead of racing to create the tables.
func TestProcessesMigratingTogetherAllSucceed(t *testing.T) {
	for round := range 3 { // the race does not show every time
		t.Run(fmt.Sprint("round ", round), migrateTogether)
	}
}

func migrateTogether(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)
	const processes = 4
	errs := make(chan error, processes)
	for range processes {
		go func() {
			// A pool of its own, as a process has.
			own, err := sql.Open("postgres", dbURL(t, db))
			if err != nil {
				errs <- err
				return
			}
			defer own.Close()
			errs <- store.Migrate(ctx, own)
		}()
	}
	for range processes {
		if err := <-errs; err != nil {
			t.Errorf("a process failed to migrate: %v", err)
		}
	}
	if pending, err := store.MigrationsPending(ctx, db.DB); err != nil || pending != 0 {
		t.Errorf("%d migrations pending (%v)", pending, err)
	}
}

// dbURL is the URL of the empty database db of the test.
func dbURL(t *testing.T, _ *sqlx.DB) string {
	u, err := url.Parse(testdb.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/empty_" + t.Name()
	return u.String()
}
