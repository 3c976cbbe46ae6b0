package store_test

import (
	"context"
	"database/sql"
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
