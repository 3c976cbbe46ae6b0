package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// An update waiting for a congress another transaction holds does not
// hold up the others: once no batch has moved for a while, the updates
// that arrive start a lane of their own, and are written while the first
// still waits.
func TestAStatusUpdateWaitingOnALockDoesNotHoldUpTheOthers(t *testing.T) {
	s, round := roundTree(t, 6)
	s.batcher.lanes = 1 // every lane busy with the one waiting
	ctx := context.Background()
	sys := domain.SystemPrincipal()
	hold := func(code string) (domain.Congress, error) {
		return s.UpdateCongress(ctx, sys, round, code, CongressChange{Action: "congress.update", Entity: "congress",
			Today: dayOf("2020-03-20"), Apply: func(cur domain.Congress, _ domain.CongressFacts) (domain.Congress, string, error) {
				next := cur
				d := dayOf("2020-03-15")
				next.Status, next.HeldDate = domain.StatusHeld, &d
				return next, "", nil
			}})
	}
	// Another transaction holds the congress of HN.Q.P.1.
	tx, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec(`SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.code = 'HN.Q.P.1' FOR UPDATE OF c`, round); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { _, err := hold("HN.Q.P.1"); first <- err }()
	time.Sleep(3 * updateStuck)
	done := make(chan error, 5)
	for i := 2; i <= 6; i++ {
		go func() { _, err := hold(fmt.Sprintf("HN.Q.P.%d", i)); done <- err }()
	}
	for range 5 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the other updates waited for the locked congress")
		}
	}
	select {
	case err := <-first:
		t.Fatalf("the update of the locked congress ended before the lock was let go: %v", err)
	default:
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if f := kindFigures(t, s, round, "HN.Q.P", "cell", "2020-03-20"); f.Held != 6 || f.Total != 6 {
		t.Errorf("%d of %d cells held, want 6 of 6", f.Held, f.Total)
	}
}

// Status updates written one after another go through one lane, which adds
// to a delta shard of its own: each ancestor gets one delta row per kind
// and day, updated in place, not a row per update.
func TestStatusUpdatesOneAfterAnotherAddToTheSameDeltaRows(t *testing.T) {
	s, round := roundTree(t, 6)
	ctx := context.Background()
	sys := domain.SystemPrincipal()
	for i := 1; i <= 6; i++ {
		if _, err := s.UpdateCongress(ctx, sys, round, fmt.Sprintf("HN.Q.P.%d", i), CongressChange{Action: "congress.update",
			Entity: "congress", Today: dayOf("2020-03-20"),
			Apply: func(cur domain.Congress, _ domain.CongressFacts) (domain.Congress, string, error) {
				next := cur
				d := dayOf("2020-03-15")
				next.Status, next.HeldDate = domain.StatusHeld, &d
				return next, "", nil
			}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{"HN", "HN.Q", "HN.Q.P"} {
		var rows, keys int
		if err := s.DB().QueryRowx(`SELECT count(*), count(DISTINCT (d.kind, d.day)) FROM rollup_deltas d
			JOIN units u ON u.id = d.unit_id WHERE d.round_id = $1 AND u.code = $2`, round, code).Scan(&rows, &keys); err != nil {
			t.Fatal(err)
		}
		if keys == 0 || rows != keys {
			t.Errorf("%s: %d delta rows for %d kinds and days, want one for each", code, rows, keys)
		}
	}
	if f := kindFigures(t, s, round, "HN.Q.P", "cell", "2020-03-20"); f.Held != 6 || f.Total != 6 {
		t.Errorf("%d of %d cells held, want 6 of 6", f.Held, f.Total)
	}
}
