package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

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

// kindFigures reads the figures of kind below the unit with code on day
// (at-risk days 14), as progress reads them.
func kindFigures(t *testing.T, s *Store, round int64, code, kind, day string) domain.KindCount {
	t.Helper()
	u, err := s.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	var rows []figureRow
	if err := s.selectRows(context.Background(), &rows, figuresOf, round, pq.Array([]int64{u.ID}), dayOf(day), 14); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Kind == kind {
			return r.KindCount
		}
	}
	return domain.KindCount{Kind: kind}
}

// holdInTx marks the congress of code held on day (un-held when day is "")
// and adds the change to the rollups, as a status change does.
func holdInTx(t *testing.T, s *Store, round int64, code, day string) {
	t.Helper()
	ctx := context.Background()
	err := s.inTx(ctx, func(tx *txn) error {
		u, err := unitByCode(ctx, tx.getPrepared, code)
		if err != nil {
			return err
		}
		status, held := "held", any(day)
		if day == "" {
			status, held = "preparing", nil
		}
		var old struct {
			Deadline, Held, Planned *domain.Day
			Missing                 bool
		}
		if err := tx.QueryRowContext(ctx, `SELECT deadline, held_date, planned_date, papers_missing FROM congresses
			WHERE round_id = $1 AND unit_id = $2`, round, u.ID).Scan(&old.Deadline, &old.Held, &old.Planned, &old.Missing); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE congresses SET status = $3, held_date = $4 WHERE round_id = $1 AND unit_id = $2`, round, u.ID, status, held); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, changeDeltasSQL("$1", `(SELECT $2::text AS path, $3::text AS kind, $4::date AS was_deadline,
			$5::date AS was_held, $6::date AS was_planned, $8::boolean AS was_missing,
			$4::date AS deadline, $7::date AS held_date, $6::date AS planned_date, $8::boolean AS papers_missing)`, deltaShard),
			round, u.Path, u.Kind, old.Deadline, old.Held, old.Planned, held, old.Missing)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHoldsChangeTheFiguresOfEveryAncestorAtEveryDay(t *testing.T) {
	s, round := roundTree(t, 3)
	type want struct{ held, late int }
	steps := []struct {
		name      string
		code, day string
		// the cells of every ancestor on 20/03, 01/04 and 10/04
		want [3]want
	}{
		{"before any hold: all three late from 01/04", "", "", [3]want{{0, 0}, {0, 3}, {0, 3}}},
		{"a hold on time counts from its day and is never late", "HN.Q.P.1", "2020-03-20", [3]want{{1, 0}, {1, 2}, {1, 2}}},
		{"a hold after the deadline, entered later, was late the days between", "HN.Q.P.2", "2020-04-05", [3]want{{1, 0}, {1, 2}, {2, 1}}},
		{"a step back takes the hold away again", "HN.Q.P.2", "", [3]want{{1, 0}, {1, 2}, {1, 2}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.code != "" {
				holdInTx(t, s, round, st.code, st.day)
			}
			for _, code := range []string{"HN", "HN.Q", "HN.Q.P"} {
				for i, day := range []string{"2020-03-20", "2020-04-01", "2020-04-10"} {
					f := kindFigures(t, s, round, code, "cell", day)
					if f.Total != 3 || f.Held != st.want[i].held || f.Late != st.want[i].late {
						t.Errorf("%s on %s: %d/%d held, %d late; want %d/3, %d late", code, day, f.Held, f.Total, f.Late,
							st.want[i].held, st.want[i].late)
					}
				}
			}
		})
	}
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
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-10")
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
			(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM rollup_days x) ||
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
		{"late flags fail resolving a flag, after opening one",
			`CREATE TRIGGER fail BEFORE UPDATE ON flags FOR EACH STATEMENT EXECUTE FUNCTION fail()`,
			func() {
				holdInTx(t, s, round, "HN.Q.P.2", "2020-04-02")
				// the ward plans its congress after its deadline: at risk
				if _, err := s.DB().Exec(`UPDATE congresses SET planned_date = '2020-07-10'
					WHERE round_id = $1 AND unit_id = (SELECT id FROM units WHERE code = 'HN.Q.P')`, round); err != nil {
					t.Fatal(err)
				}
			},
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
				if _, err := s.DB().Exec(`DROP TRIGGER IF EXISTS fail ON rollups; DROP TRIGGER IF EXISTS fail ON progress_snapshots;
					DROP TRIGGER IF EXISTS fail ON flags`); err != nil {
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
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-10")
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
// reader sees, the figures of every day included, and leaves no delta behind.
func TestFoldingRollupDeltasKeepsWhatReadersSee(t *testing.T) {
	s, round := roundTree(t, 4)
	ctx := context.Background()
	holdInTx(t, s, round, "HN.Q.P.1", "2020-03-20")
	holdInTx(t, s, round, "HN.Q.P.2", "2020-04-03")
	live := func() string {
		var out []string
		for _, code := range []string{"HN", "HN.Q", "HN.Q.P"} {
			var total, held int
			if err := s.DB().QueryRow(`SELECT total, held FROM rollups_live r JOIN units u ON u.id = r.unit_id
				WHERE r.round_id = $1 AND u.code = $2 AND r.kind = 'cell'`, round, code).Scan(&total, &held); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %d/%d", code, held, total))
			for _, day := range []string{"2020-03-20", "2020-04-02", "2020-04-05"} {
				out = append(out, fmt.Sprintf("%s %+v", day, kindFigures(t, s, round, code, "cell", day)))
			}
		}
		return strings.Join(out, "; ")
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
	if want := "HN 2/4; 2020-03-20 {Kind:cell Total:4 Held:1 Late:0 AtRisk:3}; 2020-04-02 {Kind:cell Total:4 Held:1 Late:3 AtRisk:0}"; !strings.HasPrefix(before, want) {
		t.Fatalf("figures before the fold: %s\nwant them to start with %s", before, want)
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
	if d, err := s.RecomputeRollups(ctx, round); err != nil || d.Rows() != 0 {
		t.Errorf("the consistency check after the fold found %+v (%v), want no drift", d, err)
	}
}

// The recompute reads parents from an index that leaves cells out (cells
// have no units below them); a cell that has some all the same (a tree
// written around the rules) still has them counted, and so do the units
// above it.
func TestTheRecomputeCountsUnitsBelowACell(t *testing.T) {
	s, round := roundTree(t, 3)
	ctx := context.Background()
	holdInTx(t, s, round, "HN.Q.P.3", "2020-03-20")
	if _, err := s.DB().Exec(`UPDATE units c SET parent_id = p.id, path = p.path || c.id::text
		FROM units p WHERE p.code = 'HN.Q.P.1' AND c.code IN ('HN.Q.P.2', 'HN.Q.P.3')`); err != nil {
		t.Fatal(err)
	}
	d, err := s.RecomputeRollups(ctx, round)
	if err != nil {
		t.Fatal(err)
	}
	if d.Inserted == 0 {
		t.Errorf("drift %+v: the cell with cells below it got no rollup", d)
	}
	got := map[string]string{}
	for _, code := range []string{"HN", "HN.Q", "HN.Q.P", "HN.Q.P.1"} {
		var total, held int
		if err := s.DB().QueryRow(`SELECT total, held FROM rollups r JOIN units u ON u.id = r.unit_id
			WHERE r.round_id = $1 AND u.code = $2 AND r.kind = 'cell'`, round, code).Scan(&total, &held); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		got[code] = fmt.Sprintf("%d/%d", held, total)
		if f := kindFigures(t, s, round, code, "cell", "2020-04-05"); f.Held != held || f.Total != total {
			t.Errorf("%s on 2020-04-05: %+v, want %d/%d as its rollup", code, f, held, total)
		}
	}
	want := map[string]string{"HN": "1/3", "HN.Q": "1/3", "HN.Q.P": "1/3", "HN.Q.P.1": "1/2"}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("%s: held/total %s, want %s", code, got[code], w)
		}
	}
	if d, err := s.RecomputeTotals(ctx, round); err != nil || d.Rows() != 0 {
		t.Errorf("a second recompute found %+v (%v), want no drift", d, err)
	}
	// Rollups that leave out the cells below the cell, above it, as a count
	// that never looked the cell's parent up would: wrong all the same.
	if _, err := s.DB().Exec(`UPDATE rollups SET total = 1, held = 0 WHERE kind = 'cell'
		AND unit_id IN (SELECT id FROM units WHERE code IN ('HN', 'HN.Q', 'HN.Q.P'))`); err != nil {
		t.Fatal(err)
	}
	if d, err := s.RecomputeTotals(ctx, round); err != nil || d != (domain.RollupDrift{Updated: 3}) {
		t.Errorf("the recompute found %+v (%v), want the 3 rows above the cell updated", d, err)
	}
}

// The consistency check first compares fingerprints of what it counts and
// of what is stored, and writes only when they differ. Each kind of wrong
// row, in rollups and in rollup_days, is found and fixed all the same, a
// row of zeros is removed without counting as drift, and a check of right
// tables writes nothing.
func TestTheCheckFindsEveryKindOfWrongRow(t *testing.T) {
	const unit = `(SELECT id FROM units WHERE code = '%[1]s')`
	for _, tc := range []struct {
		name   string
		change string
		totals bool // the recompute of totals (rollups only) sees it
		want   domain.RollupDrift
	}{
		{"nothing wrong", ``, true, domain.RollupDrift{}},
		{"a held count one off", `UPDATE rollups SET held = held + 1 WHERE kind = 'cell' AND unit_id = ` + unit, true, domain.RollupDrift{Updated: 1}},
		{"a total one off", `UPDATE rollups SET total = total - 1 WHERE kind = 'cell' AND unit_id = ` + unit, true, domain.RollupDrift{Updated: 1}},
		{"one more in total, one less held", `UPDATE rollups SET total = total + 1, held = held - 1 WHERE kind = 'cell' AND unit_id = ` + unit,
			true, domain.RollupDrift{Updated: 1}},
		{"a row missing", `DELETE FROM rollups WHERE kind = 'cell' AND unit_id = ` + unit, true, domain.RollupDrift{Inserted: 1}},
		{"a row for a kind with nothing below", `INSERT INTO rollups (round_id, unit_id, kind, total, held)
			SELECT round_id, unit_id, 'subcommittee', 2, 1 FROM rollups WHERE kind = 'cell' AND unit_id = ` + unit, true, domain.RollupDrift{Deleted: 1}},
		{"a row of zeros", `INSERT INTO rollups (round_id, unit_id, kind, total, held)
			SELECT round_id, unit_id, 'subcommittee', 0, 0 FROM rollups WHERE kind = 'cell' AND unit_id = ` + unit, true, domain.RollupDrift{}},
		{"a day's late count one off", `UPDATE rollup_days SET late = late + 1 WHERE kind = 'cell' AND unit_id = ` + unit + `
			AND day = (SELECT max(day) FROM rollup_days WHERE kind = 'cell' AND unit_id = ` + unit + `)`, false, domain.RollupDrift{Updated: 1}},
		{"a day missing", `DELETE FROM rollup_days WHERE kind = 'cell' AND unit_id = ` + unit + `
			AND day = (SELECT max(day) FROM rollup_days WHERE kind = 'cell' AND unit_id = ` + unit + `)`, false, domain.RollupDrift{Inserted: 1}},
	} {
		for _, code := range []string{"HN", "HN.Q.P"} {
			t.Run(tc.name+" at "+code, func(t *testing.T) {
				s, round := roundTree(t, 4)
				ctx := context.Background()
				holdInTx(t, s, round, "HN.Q.P.2", "2020-03-20")
				if err := s.FoldRollupDeltas(ctx); err != nil {
					t.Fatal(err)
				}
				snapshot := func() string {
					var rows []string
					if err := s.DB().Select(&rows, `SELECT concat_ws(' ', u.code, r.kind, r.total, r.held) FROM rollups r JOIN units u ON u.id = r.unit_id
						UNION ALL SELECT concat_ws(' ', u.code, r.kind, r.day, r.total, r.held, r.late, r.risk_after, r.risk_nodate, r.due)
						FROM rollup_days r JOIN units u ON u.id = r.unit_id ORDER BY 1`); err != nil {
						t.Fatal(err)
					}
					return strings.Join(rows, "\n")
				}
				right := snapshot()
				if tc.change != "" {
					res, err := s.DB().Exec(fmt.Sprintf(tc.change, code))
					if err != nil {
						t.Fatal(err)
					}
					if n, _ := res.RowsAffected(); n != 1 {
						t.Fatalf("the change touched %d rows, want 1", n)
					}
				}
				want := tc.want
				if !tc.totals {
					// The recompute of totals leaves rollup_days alone.
					if d, err := s.RecomputeTotals(ctx, round); err != nil || d.Rows() != 0 {
						t.Errorf("the recompute of totals found %+v (%v), want nothing", d, err)
					}
				}
				d, err := s.RecomputeRollups(ctx, round)
				if err != nil {
					t.Fatal(err)
				}
				if d != want {
					t.Errorf("the check found %+v, want %+v", d, want)
				}
				if got := snapshot(); got != right {
					t.Errorf("after the check:\n%s\nwant:\n%s", got, right)
				}
				if d, err := s.RecomputeRollups(ctx, round); err != nil || d.Rows() != 0 {
					t.Errorf("a second check found %+v (%v), want nothing", d, err)
				}
			})
		}
	}
}
