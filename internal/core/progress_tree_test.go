package core_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// noDrift fails the test unless a consistency check finds every rollup right.
func (f *progressFixture) noDrift() {
	f.t.Helper()
	run := f.runJob("consistency-check", "")
	if run.Outcome != domain.JobOK || run.Counts["drift_rows"] != 0 {
		f.t.Errorf("consistency check after the change: %s, counts %v", run.Outcome, run.Counts)
	}
}

func (f *progressFixture) cells(code string) (held, total int) {
	f.t.Helper()
	p := f.progress(code, "")
	return p.Cells.Held, p.Cells.Total
}

func TestTreeChangesKeepTheRoundConsistent(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	sys := domain.SystemPrincipal()

	t.Run("a new cell gets its congress and counts at once", func(t *testing.T) {
		if _, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: "HN.HBT.VT.C3", Name: "Chi bộ 3", Kind: "cell",
			ParentCode: "HN.HBT.VT", Category: "residential"}); err != nil {
			t.Fatal(err)
		}
		c := f.congressNow("HN.HBT.VT.C3")
		if c.Deadline == nil || c.Deadline.String() != "2020-03-31" || c.Milestones.Total == 0 {
			t.Errorf("new cell's congress = %+v, want the cells' deadline and milestones", c)
		}
		if held, total := f.cells("HN.HBT"); held != 9 || total != 16 {
			t.Errorf("HN.HBT cells %d/%d, want 9/16", held, total)
		}
		f.noDrift()
	})

	t.Run("a ward moving takes its held and total cells along", func(t *testing.T) {
		if _, err := f.svc.MoveUnit(f.ctx, sys, "HN.HBT.BM", "HN.DD", "chuyển địa giới"); err != nil {
			t.Fatal(err)
		}
		if held, total := f.cells("HN.HBT"); held != 0 || total != 3 {
			t.Errorf("HN.HBT after the move: %d/%d, want 0/3", held, total)
		}
		if held, total := f.cells("HN.DD"); held != 9 || total != 14 {
			t.Errorf("HN.DD after the move: %d/%d, want 9/14", held, total)
		}
		if held, total := f.cells("HN"); held != 9 || total != 17 {
			t.Errorf("HN after the move: %d/%d, want 9/17 (unchanged)", held, total)
		}
		f.noDrift()
	})

	t.Run("a merge keeps the totals right", func(t *testing.T) {
		// Văn Miếu (1 cell) merges into Bạch Mai, now under HN.DD.
		if _, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.BM", []string{"HN.DD.X"}, "sáp nhập phường"); err != nil {
			t.Fatal(err)
		}
		if held, total := f.cells("HN.HBT.BM"); held != 9 || total != 14 {
			t.Errorf("Bạch Mai after the merge: %d/%d, want 9/14", held, total)
		}
		p := f.progress("HN.DD", "")
		if p.Cells.Held != 9 || p.Cells.Total != 14 || p.Grassroots.Total != 1 {
			t.Errorf("HN.DD after the merge: cells %d/%d, grassroots %d, want 9/14 and 1", p.Cells.Held, p.Cells.Total, p.Grassroots.Total)
		}
		f.noDrift()
	})

	t.Run("an import adds congress rows and counts", func(t *testing.T) {
		csv := "code,name,kind,parent_code,category,members\n" +
			"HN.HBT.MK,Đảng bộ phường Minh Khai,grassroots_committee,HN.HBT,,0\n" +
			"HN.HBT.MK.C1,Chi bộ 1,cell,HN.HBT.MK,residential,10\n" +
			"HN.HBT.MK.C2,Chi bộ 2,cell,HN.HBT.MK,residential,12\n" +
			// and a move: Vĩnh Tuy's cell 3 goes to Minh Khai
			"HN.HBT.VT.C3,Chi bộ 3,cell,HN.HBT.MK,residential,0\n"
		res, err := f.importCSV(sys, csv)
		if err != nil || res.Created != 3 || res.Moved != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if c := f.congressNow("HN.HBT.MK.C2"); c.Deadline == nil || c.Deadline.String() != "2020-03-31" {
			t.Errorf("imported cell's congress = %+v", c)
		}
		if held, total := f.cells("HN.HBT.MK"); held != 0 || total != 3 {
			t.Errorf("Minh Khai: %d/%d cells, want 0/3", held, total)
		}
		if held, total := f.cells("HN.HBT"); held != 0 || total != 5 {
			t.Errorf("HN.HBT: %d/%d cells, want 0/5", held, total)
		}
		f.noDrift()
	})
}

func TestConsistencyCheckFindsAndFixesDrift(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	want := f.progress("HN.HBT", "")
	// Drift: a count off, a row missing, a row that should not be there.
	for _, q := range []string{
		`INSERT INTO rollup_deltas (round_id, unit_id, kind, day, shard, held) SELECT id, (SELECT id FROM units WHERE code = 'HN.HBT'), 'cell',
			'2020-02-12', 99, -2 FROM rounds`,
		`DELETE FROM rollups WHERE kind = 'cell' AND unit_id = (SELECT id FROM units WHERE code = 'HN.HBT.VT')`,
		`DELETE FROM rollup_deltas WHERE kind = 'cell' AND unit_id = (SELECT id FROM units WHERE code = 'HN.HBT.VT')`,
		`INSERT INTO rollups (round_id, unit_id, kind, total, held) SELECT round_id, unit_id, 'subcommittee', 3, 1 FROM rollups
			WHERE unit_id = (SELECT id FROM units WHERE code = 'HN.DD') LIMIT 1`,
	} {
		if _, err := f.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.progress("HN.HBT", ""); got.Cells.Held == want.Cells.Held {
		t.Fatal("the injected drift does not show")
	}
	run := f.runJob("consistency-check", "")
	// The count off is wrong twice: in the rollup of HN.HBT and in its
	// figures of 12/02 (rollup_days).
	if got := run.Counts; got["drift_rows"] != 4 || got["updated"] != 2 || got["inserted"] != 1 || got["deleted"] != 1 {
		t.Errorf("counts = %v, want 4 rows of drift: 2 updated, 1 inserted, 1 deleted", got)
	}
	if got := f.progress("HN.HBT", ""); got.Cells != want.Cells {
		t.Errorf("after the check: %+v, want %+v", got.Cells, want.Cells)
	}
	if run := f.runJob("consistency-check", ""); run.Counts["drift_rows"] != 0 {
		t.Errorf("a second check finds drift: %v", run.Counts)
	}
}
