package testdb

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/pg"
)

// Replicated is a primary cluster holding one migrated database, and a
// streaming replica of it.
type Replicated struct {
	// URL is the database's on the primary, ReplicaURL on the replica.
	URL, ReplicaURL string
	// Primary and Replica are the clusters: stop the replica to test a
	// replica that is down.
	Primary, Replica *pg.Cluster
}

// NewReplicated starts a throwaway cluster of the test's own (always:
// TEST_DATABASE_URL is not used) with a database migrated by the package's
// migrate (Main), and a replica made of it as an operator makes one, with
// pg_basebackup -R; it returns once the replica streams. Both are stopped
// when the test ends. It takes a few seconds: for the tests of reads from
// replicas only.
func NewReplicated(t testing.TB) *Replicated {
	t.Helper()
	if !mainCalled {
		t.Fatalf("testdb: the package's TestMain must call testdb.Main(m, migrate)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	bin, err := pg.EnsureBinaries(logger)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	scratch := scratchDir()
	primary, err := pg.Start(ctx, pg.Options{BinDir: bin, Logger: logger,
		DataDir: filepath.Join(scratch, dataDirPrefix+randomSuffix())})
	if err != nil {
		t.Fatalf("testdb: start a primary: %v", err)
	}
	t.Cleanup(func() { stopCluster(t, primary) })
	const name = "daihoi"
	if err := primary.CreateDatabase(ctx, name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	if migrateFn != nil {
		db, err := sql.Open("postgres", primary.URL(name))
		if err != nil {
			t.Fatalf("testdb: %v", err)
		}
		err = migrateFn(ctx, db)
		db.Close()
		if err != nil {
			t.Fatalf("testdb: migrate the primary: %v", err)
		}
	}
	replica, err := primary.StartReplica(ctx, pg.Options{Logger: logger,
		DataDir: filepath.Join(scratch, dataDirPrefix+randomSuffix())})
	if err != nil {
		t.Fatalf("testdb: make a replica: %v", err)
	}
	t.Cleanup(func() { stopCluster(t, replica) }) // before the primary's
	return &Replicated{URL: primary.URL(name), ReplicaURL: replica.URL(name), Primary: primary, Replica: replica}
}

// WaitReplayed waits until the replica has replayed the primary's log up
// to the position at ("16/B374D848"; "" for as far as the primary has
// written so far), at most a minute.
func (r *Replicated) WaitReplayed(t testing.TB, at string) {
	t.Helper()
	if at == "" {
		p, err := sql.Open("postgres", r.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if err := p.QueryRow(`SELECT pg_current_wal_insert_lsn()::text`).Scan(&at); err != nil {
			t.Fatalf("testdb: the primary's position: %v", err)
		}
	}
	s, err := sql.Open("postgres", r.ReplicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		var done bool
		err := s.QueryRow(`SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, at).Scan(&done)
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testdb: the replica has not replayed %s within a minute (last error: %v)", at, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func stopCluster(t testing.TB, c *pg.Cluster) {
	if err := c.Stop(); err != nil {
		t.Errorf("testdb: %v", err)
	}
}
