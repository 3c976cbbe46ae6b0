package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// roundTree is a store on a fresh database holding HN > HN.Q (district) >
// HN.Q.P (ward) > cells HN.Q.P.1 … HN.Q.P.n, and a current round whose
// cells are due on 31/03/2020. It returns the store and the round.
func roundTree(t *testing.T, cells int) (*Store, int64) {
	t.Helper()
	ctx := context.Background()
	s := New(testdb.New(t))
	sys := domain.SystemPrincipal()
	var parent *domain.Unit
	for _, in := range []domain.UnitInput{
		{Code: "HN", Name: "Hà Nội", Kind: "city"},
		{Code: "HN.Q", Name: "Quận", Kind: "district"},
		{Code: "HN.Q.P", Name: "Phường", Kind: "grassroots_committee"},
	} {
		u, err := s.CreateUnit(ctx, sys, in, parent)
		if err != nil {
			t.Fatal(err)
		}
		parent = &u
	}
	for i := 1; i <= cells; i++ {
		if _, err := s.CreateUnit(ctx, sys, domain.UnitInput{Code: fmt.Sprintf("HN.Q.P.%d", i), Name: "Chi bộ", Kind: "cell", Category: "residential"}, parent); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) domain.Day { d, _ := domain.ParseDate(s); return domain.DayOf(d) }
	r, err := s.CreateRound(ctx, sys, NewRound{Name: "2020–2025", Documents: []string{}, StartDate: day("2019-07-08"), Current: true,
		Rules: []domain.DeadlineRule{{Kind: "cell", Deadline: day("2020-03-31")}, {Kind: "grassroots_committee", Deadline: day("2020-06-30")}}})
	if err != nil {
		t.Fatal(err)
	}
	return s, r.ID
}

// rollupOf reads the rollup of kind at the unit with code.
func rollupOf(t *testing.T, s *Store, round int64, code, kind string) (total, held, late int) {
	t.Helper()
	err := s.DB().QueryRow(`SELECT coalesce(sum(total), 0), coalesce(sum(held), 0), coalesce(sum(late), 0) FROM rollups_live r
		JOIN units u ON u.id = r.unit_id WHERE r.round_id = $1 AND u.code = $2 AND r.kind = $3`, round, code, kind).Scan(&total, &held, &late)
	if err != nil {
		t.Fatal(err)
	}
	return total, held, late
}

// adjustRollups adds, as a status update does, dTotal units of kind, dHeld of them held, to the
// rollups of every unit strictly above the unit at path, in round; either
// may be negative (addDeltasSQL). Every change of held state does it in its
// own transaction, so reads of progress never wait for a job. The delta
// rows it writes stay locked until the commit: do it last.
func adjustRollups(ctx context.Context, tx *txn, roundID int64, path, kind string, dTotal, dHeld int) error {
	if _, err := tx.ExecContext(ctx, addDeltasSQL("$1", "$2", "$3", "$4", "$5"), roundID, path, kind, dTotal, dHeld); err != nil {
		return fmt.Errorf("store: adjust rollups: %w", err)
	}
	return nil
}

// holdInTx marks the congress of code held on day and adjusts the rollups, as a status change does.
func holdInTx(t *testing.T, s *Store, round int64, code, day string, d int) {
	t.Helper()
	ctx := context.Background()
	err := s.inTx(ctx, func(tx *txn) error {
		u, err := unitByCode(ctx, tx.getPrepared, code)
		if err != nil {
			return err
		}
		status, held := "held", any(day)
		if d < 0 {
			status, held = "preparing", nil
		}
		if _, err := tx.Exec(`UPDATE congresses SET status = $3, held_date = $4 WHERE round_id = $1 AND unit_id = $2`, round, u.ID, status, held); err != nil {
			return err
		}
		return adjustRollups(ctx, tx, round, u.Path, u.Kind, 0, d)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAdjustRollupsHoldsAndUnholdsWithLateCounts(t *testing.T) {
	s, round := roundTree(t, 3)
	ctx := context.Background()
	if _, err := s.RefreshFlags(ctx, round, dayOf("2020-04-01"), time.Now(), 14); err != nil {
		t.Fatal(err)
	}
	if total, held, late := rollupOf(t, s, round, "HN.Q.P", "cell"); total != 3 || held != 0 || late != 3 {
		t.Fatalf("ward before: %d/%d, %d late; want 0/3, 3 late", held, total, late)
	}
	steps := []struct {
		name                  string
		code, day             string
		d                     int
		wantHeld, wantLate    int
		wantLateValidAtTheTop bool
	}{
		{"a hold adds one held and takes one late away on every ancestor", "HN.Q.P.1", "2020-04-01", 1, 1, 2, true},
		{"a second hold", "HN.Q.P.2", "2020-04-01", 1, 2, 1, true},
		{"a step back (negative delta) is accepted", "HN.Q.P.2", "", -1, 1, 2, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			holdInTx(t, s, round, st.code, st.day, st.d)
			for _, code := range []string{"HN", "HN.Q", "HN.Q.P"} {
				if total, held, late := rollupOf(t, s, round, code, "cell"); total != 3 || held != st.wantHeld || late != st.wantLate {
					t.Errorf("%s: %d/%d, %d late; want %d/3, %d late", code, held, total, late, st.wantHeld, st.wantLate)
				}
			}
			var valid bool
			if err := s.DB().Get(&valid, `SELECT late_total = total AND late_held = held FROM rollups_live r JOIN units u ON u.id = r.unit_id
				WHERE u.code = 'HN' AND r.kind = 'cell'`); err != nil {
				t.Fatal(err)
			}
			if valid != st.wantLateValidAtTheTop {
				t.Errorf("late count valid = %v", valid)
			}
		})
	}
	t.Run("a writer that changes held without the late count makes it invalid, not wrong", func(t *testing.T) {
		if _, err := s.DB().Exec(`UPDATE rollups SET held = held + 1 WHERE kind = 'cell'`); err != nil {
			t.Fatal(err)
		}
		u, _ := s.UnitByCode(ctx, "HN")
		f, err := s.Progress(ctx, round, u, dayOf("2020-04-01"), dayOf("2020-04-01"), 10)
		if err != nil {
			t.Fatal(err)
		}
		if f.LateSource != LateCountedLive || f.Kinds[0].Late != 2 {
			t.Errorf("late %+v from %s, want 2 counted live", f.Kinds, f.LateSource)
		}
	})
}

func dayOf(s string) domain.Day {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return domain.DayOf(d)
}

func TestAFailingJobLeavesNoPartialState(t *testing.T) {
	s, round := roundTree(t, 4)
	ctx := context.Background()
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-10", 1)
	if _, err := s.RefreshFlags(ctx, round, dayOf("2020-04-01"), time.Now(), 14); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteSnapshot(ctx, round, dayOf("2020-04-01")); err != nil {
		t.Fatal(err)
	}
	digest := func() string {
		var d string
		if err := s.DB().Get(&d, `SELECT md5(
			(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM flags x) ||
			(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM rollups x) ||
			(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM rollup_deltas x) ||
			(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM progress_snapshots x))`); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// A failure injected after the first writes of each job: a trigger
	// refuses a later statement of the job's transaction.
	cases := []struct {
		name, trigger string
		setup         func()
		run           func() error
	}{
		{"late flags fail refreshing the late counts, after resolving a flag",
			`CREATE TRIGGER fail BEFORE UPDATE ON rollups FOR EACH STATEMENT EXECUTE FUNCTION fail()`,
			func() { holdInTx(t, s, round, "HN.Q.P.2", "2020-04-02", 1) },
			func() error { _, err := s.RefreshFlags(ctx, round, dayOf("2020-04-03"), time.Now(), 14); return err }},
		{"a snapshot fails inserting, after deleting the day's rows",
			`CREATE TRIGGER fail BEFORE INSERT ON progress_snapshots FOR EACH STATEMENT EXECUTE FUNCTION fail()`,
			func() {},
			func() error { _, err := s.WriteSnapshot(ctx, round, dayOf("2020-04-01")); return err }},
		{"a consistency check fails deleting, after fixing a row",
			`CREATE TRIGGER fail BEFORE DELETE ON rollups FOR EACH STATEMENT EXECUTE FUNCTION fail()`,
			func() {
				for _, q := range []string{
					`INSERT INTO rollups (round_id, unit_id, kind, total, held) SELECT $1, id, 'subcommittee', 1, 0 FROM units WHERE code = 'HN'`,
					`UPDATE rollups SET total = total + 1 WHERE round_id = $1 AND kind = 'grassroots_committee'`,
				} {
					if _, err := s.DB().Exec(q, round); err != nil {
						t.Fatal(err)
					}
				}
			},
			func() error { _, err := s.RecomputeRollups(ctx, round); return err }},
	}
	if _, err := s.DB().Exec(`CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected failure'; END $$`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			before := digest()
			if _, err := s.DB().Exec(tc.trigger); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if _, err := s.DB().Exec(`DROP TRIGGER IF EXISTS fail ON rollups; DROP TRIGGER IF EXISTS fail ON progress_snapshots`); err != nil {
					t.Fatal(err)
				}
			}()
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("the job did not fail where injected: %v", err)
			}
			t.Log(err)
			if after := digest(); after != before {
				t.Error("the failed job left some of its writes")
			}
		})
	}
	t.Run("each job succeeds without the trigger", func(t *testing.T) {
		for _, tc := range cases {
			if err := tc.run(); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	})
}

func TestFlagListingsOfSmallAndLargeSubtreesAgree(t *testing.T) {
	s, round := roundTree(t, 6)
	ctx := context.Background()
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-10", 1)
	if _, err := s.RefreshFlags(ctx, round, dayOf("2020-06-20"), time.Now(), 14); err != nil {
		t.Fatal(err)
	}
	list := func(code string) []string {
		u, err := s.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.Flags(ctx, round, u, domain.FlagQuery{State: domain.FlagOpen, Subtree: true, Limit: 100}, dayOf("2020-06-20"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range l.Flags {
			out = append(out, fmt.Sprintf("%s/%s/%s", f.Unit.Code, f.Kind, f.DueDate))
		}
		return out
	}
	for _, code := range []string{"HN", "HN.Q.P"} {
		small := list(code)
		defer func(n int) { bigSubtree = n }(bigSubtree)
		bigSubtree = 1
		large := list(code)
		bigSubtree = 20000
		if len(small) == 0 || strings.Join(small, " ") != strings.Join(large, " ") {
			t.Errorf("%s: walking the units gives %v, walking the flags %v", code, small, large)
		}
	}
}

// Holds are written as deltas; folding them into the rows changes nothing a
// reader sees, late counts included, and leaves no delta behind.
func TestFoldingRollupDeltasKeepsWhatReadersSee(t *testing.T) {
	s, round := roundTree(t, 4)
	ctx := context.Background()
	if err := s.inTx(ctx, func(tx *txn) error { return refreshLateCounts(ctx, tx, round, dayOf("2020-04-01")) }); err != nil {
		t.Fatal(err)
	}
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-20", 1)
	holdInTx(t, s, round, "HN.Q.P.2", "2020-04-01", 1)
	live := func() string {
		var out string
		if err := s.DB().Get(&out, `SELECT string_agg(concat_ws(' ', u.code, r.kind, r.total, r.held, r.late, r.late_day, r.late_total, r.late_held), '; ' ORDER BY u.code, r.kind)
			FROM rollups_live r JOIN units u ON u.id = r.unit_id WHERE r.round_id = $1`, round); err != nil {
			t.Fatal(err)
		}
		return out
	}
	deltas := func() (n int) {
		if err := s.DB().Get(&n, `SELECT count(*) FROM rollup_deltas`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := live()
	if deltas() == 0 {
		t.Fatal("the holds wrote no delta")
	}
	if !strings.Contains(before, "HN cell 4 2 2 2020-04-01 4 2") {
		t.Fatalf("rollups before the fold: %s", before)
	}
	if err := s.FoldRollupDeltas(ctx); err != nil {
		t.Fatal(err)
	}
	if after := live(); after != before {
		t.Errorf("after the fold:\n%s\nbefore:\n%s", after, before)
	}
	if n := deltas(); n != 0 {
		t.Errorf("%d deltas left after the fold", n)
	}
	var rows string
	if err := s.DB().Get(&rows, `SELECT concat_ws(' ', r.total, r.held, r.late) FROM rollups r JOIN units u ON u.id = r.unit_id
		WHERE u.code = 'HN' AND r.kind = 'cell'`); err != nil || rows != "4 2 2" {
		t.Errorf("the row of HN after the fold: %q (%v), want 4 2 2", rows, err)
	}
}
