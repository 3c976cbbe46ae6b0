package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/lib/pq"
)

// migrate is a stand-in for the real migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)`)
	return err
}

func TestMain(m *testing.M) { Main(m, migrate) }

func TestNewDatabasesAreIndependent(t *testing.T) {
	a := New(t)
	b := New(t)

	var nameA, nameB string
	if err := a.Get(&nameA, "SELECT current_database()"); err != nil {
		t.Fatal(err)
	}
	if err := b.Get(&nameB, "SELECT current_database()"); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("both connections use database %s", nameA)
	}

	if _, err := a.Exec("INSERT INTO items (name) VALUES ('only in a')"); err != nil {
		t.Fatalf("insert (migration not applied?): %v", err)
	}
	var n int
	if err := a.Get(&n, "SELECT count(*) FROM items"); err != nil || n != 1 {
		t.Fatalf("count in a = %d, %v; want 1", n, err)
	}
	if err := b.Get(&n, "SELECT count(*) FROM items"); err != nil || n != 0 {
		t.Fatalf("count in b = %d, %v; want 0 (databases not independent)", n, err)
	}
}

func TestParallelNew(t *testing.T) {
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			db := New(t)
			if _, err := db.Exec("INSERT INTO items (name) VALUES ($1)", fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.Get(&n, "SELECT count(*) FROM items"); err != nil || n != 1 {
				t.Fatalf("count = %d, %v; want 1", n, err)
			}
		})
	}
}

func TestURLAndDropAtCleanup(t *testing.T) {
	admin, err := sql.Open("postgres", AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	var name string
	t.Run("use", func(t *testing.T) {
		u := URL(t)
		db, err := sql.Open("postgres", u)
		if err != nil {
			t.Fatal(err)
		}
		// Deliberately left open: the drop must terminate it.
		if err := db.QueryRow("SELECT current_database() FROM items LIMIT 1").Scan(&name); err != sql.ErrNoRows {
			t.Fatalf("query items: %v", err)
		}
		if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Fatal("no database name")
	}
	var exists bool
	if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestAdminURLCanCreateDatabases(t *testing.T) {
	admin, err := sql.Open("postgres", AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "adm_" + randomSuffix()
	if _, err := admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("DROP DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyURLHasNoMigrationAndIsDropped(t *testing.T) {
	admin, err := sql.Open("postgres", AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	var name string
	t.Run("use", func(t *testing.T) {
		db, err := sql.Open("postgres", EmptyURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var items sql.NullString
		if err := db.QueryRow("SELECT current_database(), to_regclass('items')").Scan(&name, &items); err != nil {
			t.Fatal(err)
		}
		if items.Valid {
			t.Errorf("the empty database %s has the migrated table items", name)
		}
	})
	var exists bool
	if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		t.Errorf("database %q still exists after its test ended (%v)", name, err)
	}
}
