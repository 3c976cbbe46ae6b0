package core_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// movableClock is a test clock that can be set to another day.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// setDay moves the clock to 09:00 of day (YYYY-MM-DD) in Asia/Ho_Chi_Minh.
func (c *movableClock) setDay(day string) {
	d, err := time.ParseInLocation("2006-01-02", day, domain.Location)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = d.Add(9 * time.Hour)
	c.mu.Unlock()
}

// wardRound is the round of the progress tests: cells by 31/03/2020.
var wardRound = domain.RoundInput{
	Name: "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025", StartDate: "2019-07-08", Current: true,
	Deadlines: []domain.DeadlineRuleInput{
		{Kind: "city", Deadline: "2020-10-31"},
		{Kind: "district", Deadline: "2020-08-31"},
		{Kind: "grassroots_committee", Deadline: "2020-06-30"},
		{Kind: "grassroots_cell", Deadline: "2020-06-30"},
		{Kind: "cell", Deadline: "2020-03-31"},
	},
}

// progressFixture is a service on a clock that can move, over:
//
//	HN city
//	├── HN.HBT district
//	│   ├── HN.HBT.BM ward (Bạch Mai): cells C01…C13
//	│   ├── HN.HBT.VT ward: cells C1, C2
//	│   └── HN.HBT.DK grassroots cell (school)
//	└── HN.DD district
//	    └── HN.DD.X ward: cell C1
//
// with wardRound current, on 01/03/2020.
type progressFixture struct {
	*fixture
	clock *movableClock
	round int64
}

func newProgressFixture(t *testing.T) *progressFixture {
	t.Helper()
	clock := &movableClock{}
	clock.setDay("2020-03-01")
	f := &progressFixture{fixture: fixtureOn(t, testdb.New(t), clock), clock: clock}
	f.buildProgressTree()
	return f
}

// buildProgressTree creates the progress fixture's units and round.
func (f *progressFixture) buildProgressTree() {
	t := f.t
	t.Helper()
	sys := domain.SystemPrincipal()
	units := []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.VT", Name: "Đảng bộ phường Vĩnh Tuy", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.VT.C1", Name: "Chi bộ 1", Kind: "cell", ParentCode: "HN.HBT.VT", Category: "residential"},
		{Code: "HN.HBT.VT.C2", Name: "Chi bộ 2", Kind: "cell", ParentCode: "HN.HBT.VT", Category: "residential"},
		{Code: "HN.HBT.DK", Name: "Chi bộ Trường THPT Đoàn Kết", Kind: "grassroots_cell", ParentCode: "HN.HBT", Category: "school"},
		{Code: "HN.DD", Name: "Đảng bộ quận Đống Đa", Kind: "district", ParentCode: "HN"},
		{Code: "HN.DD.X", Name: "Đảng bộ phường Văn Miếu", Kind: "grassroots_committee", ParentCode: "HN.DD"},
		{Code: "HN.DD.X.C1", Name: "Chi bộ 1", Kind: "cell", ParentCode: "HN.DD.X", Category: "residential"},
	}
	for i := 1; i <= 13; i++ {
		units = append(units, domain.UnitInput{Code: fmt.Sprintf("HN.HBT.BM.C%02d", i), Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d", i),
			Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential"})
	}
	for _, in := range units {
		if _, err := f.svc.CreateUnit(f.ctx, sys, in); err != nil {
			t.Fatalf("create %s: %v", in.Code, err)
		}
	}
	r, err := f.svc.CreateRound(f.ctx, sys, wardRound)
	if err != nil {
		t.Fatalf("create round: %v", err)
	}
	f.round = r.ID
}

// hold walks the congress of code to held on day through the services, as
// the system: plan approved, then preparing, plan approved, held.
func (f *progressFixture) hold(code, day string) {
	f.t.Helper()
	sys := domain.SystemPrincipal()
	if _, err := f.svc.TickMilestone(f.ctx, sys, code, 0, "congress_plan", domain.MilestoneInput{DoneOn: day}); err != nil {
		f.t.Fatalf("approve the plan of %s: %v", code, err)
	}
	for _, st := range []string{"preparing", "plan_approved", "held"} {
		pt := domain.CongressPatch{Status: &st}
		switch st {
		case "plan_approved":
			pt.PlannedDate = &day
		case "held":
			pt.HeldDate = &day
		}
		c, err := f.svc.Congress(f.ctx, sys, code, 0)
		if err != nil {
			f.t.Fatal(err)
		}
		pt.Version = c.Version
		if _, err := f.svc.UpdateCongress(f.ctx, sys, code, 0, pt); err != nil {
			f.t.Fatalf("hold %s (%s): %v", code, st, err)
		}
	}
}

func (f *progressFixture) progress(code, asOf string) domain.Progress {
	f.t.Helper()
	p, err := f.svc.Progress(f.ctx, domain.SystemPrincipal(), code, 0, asOf)
	if err != nil {
		f.t.Fatalf("progress of %s on %q: %v", code, asOf, err)
	}
	return p
}

func (f *progressFixture) runJob(name, asOf string) domain.JobRun {
	f.t.Helper()
	run, err := f.svc.RunJob(f.ctx, domain.SystemPrincipal(), name, asOf, 0)
	if err != nil {
		f.t.Fatalf("run %s: %v", name, err)
	}
	return run
}

// holdNineOfBachMai holds cells C01…C09 of Bạch Mai in February 2020.
func (f *progressFixture) holdNineOfBachMai() {
	f.t.Helper()
	for i := 1; i <= 9; i++ {
		f.hold(fmt.Sprintf("HN.HBT.BM.C%02d", i), fmt.Sprintf("2020-02-%02d", 10+i))
	}
}

func TestProgressOfAWardWithNineOfThirteenCellsHeld(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()

	p := f.progress("HN.HBT.BM", "")
	if got, want := p.Cells, domain.NewShare(9, 13); got.Held != want.Held || got.Total != want.Total || got.Percent != 69.23 {
		t.Errorf("cells = %+v, want 9 of 13 = 69.23", got)
	}
	if got, want := p.Cells.Text, "69,23%"; got != want {
		t.Errorf("Vietnamese share = %q, want %q", got, want)
	}
	if got, want := p.Headline, "69,23% chi bộ đã tổ chức đại hội (9/13)"; got != want {
		t.Errorf("headline = %q, want %q", got, want)
	}
	p.Localize("en")
	if got, want := p.Cells.Text, "69.23%"; got != want {
		t.Errorf("English share = %q, want %q", got, want)
	}
	if got, want := p.Headline, "69.23% of cells have held their congress (9/13)"; got != want {
		t.Errorf("English headline = %q, want %q", got, want)
	}
	if p.Source != domain.SourceLive || p.AsOf.String() != "2020-03-01" {
		t.Errorf("source %s as of %s, want live today", p.Source, p.AsOf)
	}

	t.Run("the district counts its cells and grassroots organizations", func(t *testing.T) {
		p := f.progress("HN.HBT", "")
		// 13 + 2 cells; the grassroots cell DK is a grassroots organization, not a cell below one.
		if p.Cells.Held != 9 || p.Cells.Total != 15 || p.Cells.Text != "60,00%" {
			t.Errorf("cells = %+v, want 9 of 15 (60,00%%)", p.Cells)
		}
		if p.Grassroots.Held != 0 || p.Grassroots.Total != 3 {
			t.Errorf("grassroots = %+v, want 0 of 3", p.Grassroots)
		}
		kinds := map[string]domain.KindProgress{}
		for _, k := range p.Kinds {
			kinds[k.Kind] = k
		}
		if k := kinds["cell"]; k.Held != 9 || k.Total != 15 {
			t.Errorf("kind cell = %+v", k)
		}
		if k := kinds["grassroots_cell"]; k.Total != 1 || !k.IsCell || !k.IsGrassroots {
			t.Errorf("kind grassroots_cell = %+v", k)
		}
	})
	t.Run("the city's headline covers both districts", func(t *testing.T) {
		p := f.progress("HN", "")
		if p.Cells.Held != 9 || p.Cells.Total != 16 || p.Cells.Text != "56,25%" {
			t.Errorf("cells = %+v, want 9 of 16 (56,25%%)", p.Cells)
		}
	})
	t.Run("the ward's own congress and milestones", func(t *testing.T) {
		if p.Own.Status != domain.StatusNotStarted || p.Own.Held || p.Own.Milestones.Total == 0 || p.Own.Milestones.Done != 0 {
			t.Errorf("own = %+v", p.Own)
		}
		c := f.progress("HN.HBT.BM.C01", "")
		if !c.Own.Held || c.Own.HeldDate.String() != "2020-02-11" || c.Own.Milestones.Done < 2 {
			t.Errorf("own of C01 = %+v, want held on 11/02 with its plan and congress done", c.Own)
		}
		if len(c.Kinds) != 0 || c.Cells.Total != 0 || c.Cells.Text != "–" {
			t.Errorf("a cell has nothing below: %+v %+v", c.Kinds, c.Cells)
		}
	})
}

func TestProgressReflectsAnUpdateAtOnce(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	f.clock.setDay("2020-03-05")
	for _, code := range []string{"HN.HBT.BM.C10", "HN.HBT.VT.C1"} {
		before := f.progress("HN.HBT", "")
		f.hold(code, "2020-03-04")
		after := f.progress("HN.HBT", "")
		if after.Cells.Held != before.Cells.Held+1 || after.Cells.Total != before.Cells.Total {
			t.Errorf("holding %s: cells %d/%d then %d/%d, want one more held with no job run", code,
				before.Cells.Held, before.Cells.Total, after.Cells.Held, after.Cells.Total)
		}
	}
	if got := f.progress("HN.HBT.BM", "").Cells.Text; got != "76,92%" {
		t.Errorf("Bạch Mai = %s, want 76,92%% (10/13)", got)
	}
}

func TestProgressOnAPastDay(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai() // 11/02 … 19/02
	f.clock.setDay("2020-03-01")

	t.Run("without a snapshot it is counted from the held dates", func(t *testing.T) {
		p := f.progress("HN.HBT.BM", "2020-02-15")
		if p.Source != domain.SourceComputed || p.Cells.Held != 5 || p.Cells.Total != 13 {
			t.Errorf("15/02: source %s, cells %d/%d, want computed 5/13", p.Source, p.Cells.Held, p.Cells.Total)
		}
		if p := f.progress("HN.HBT.BM.C09", "2020-02-15"); p.Own.Held {
			t.Error("C09, held on 19/02, shows held on 15/02")
		}
	})
	t.Run("a snapshot keeps what was known; figures count what is recorded now", func(t *testing.T) {
		run := f.runJob("progress-snapshot", "2020-02-15")
		if run.Outcome != domain.JobOK || run.Counts["rows"] == 0 {
			t.Fatalf("snapshot run = %+v", run)
		}
		// Entered on 01/03 as held on 14/02: the past changes, for the
		// ward and every unit above it, while the snapshot stays as written.
		f.hold("HN.HBT.BM.C10", "2020-02-14")
		for _, code := range []string{"HN.HBT.BM", "HN.HBT", "HN"} {
			p := f.progress(code, "2020-02-15")
			if p.Source != domain.SourceComputed || p.Cells.Held != 6 {
				t.Errorf("%s on 15/02: source %s, cells %d/%d, want computed with 6 held", code, p.Source, p.Cells.Held, p.Cells.Total)
			}
			if p := f.progress(code, "2020-02-13"); p.Cells.Held != 3 {
				t.Errorf("%s on 13/02: %d held, want 3 (the hold of 14/02 not yet)", code, p.Cells.Held)
			}
		}
		var snap int
		if err := f.db.Get(&snap, `SELECT held FROM progress_snapshots s JOIN units u ON u.id = s.unit_id
			WHERE u.code = 'HN.HBT.BM' AND s.day = '2020-02-15' AND s.kind = 'cell'`); err != nil || snap != 5 {
			t.Errorf("the snapshot of 15/02 holds %d (%v), want the 5 known when it was written", snap, err)
		}
		c, err := f.svc.ProgressChildren(f.ctx, domain.SystemPrincipal(), "HN.HBT", 0, "2020-02-15")
		if err != nil || c.Source != domain.SourceComputed {
			t.Fatalf("children: %v, source %s", err, c.Source)
		}
	})
	t.Run("the scheduled snapshot is of the day that ended", func(t *testing.T) {
		run := f.runJob("progress-snapshot", "")
		if run.AsOf == nil || run.AsOf.String() != "2020-02-29" {
			t.Errorf("default snapshot day = %v, want 2020-02-29", run.AsOf)
		}
	})
	t.Run("a bad or future day, or one before the round started, is refused in both languages", func(t *testing.T) {
		for _, asOf := range []string{"2020-02-30", "2020-03-02", "2019-07-07", "01/01/2015"} {
			_, err := f.svc.Progress(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM", 0, asOf)
			wantField(t, err, "as_of")
			if m := domain.AsError(err).Fields[0].Message; m.VI == "" || m.EN == "" {
				t.Errorf("%s: message %+v", asOf, m)
			}
			_, err = f.svc.ProgressChildren(f.ctx, domain.SystemPrincipal(), "HN.HBT", 0, asOf)
			wantField(t, err, "as_of")
		}
	})
	t.Run("a day typed dd/mm/yyyy, as the forms take it, is the same day", func(t *testing.T) {
		a, err1 := f.svc.Progress(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM", 0, "15/02/2020")
		b, err2 := f.svc.Progress(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM", 0, "2020-02-15")
		if err1 != nil || err2 != nil || a.AsOf != b.AsOf || a.Cells != b.Cells {
			t.Errorf("15/02/2020: %v %v, %+v against %+v (%v)", a.AsOf, a.Cells, b.AsOf, b.Cells, err1)
		}
		if _, err := f.svc.Progress(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM", 0, "2019-07-08"); err != nil {
			t.Errorf("the round's first day: %v", err)
		}
	})
}

func TestProgressChildrenBreakdown(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	f.clock.setDay("2020-04-01")
	f.runJob("late-flags", "")
	c, err := f.svc.ProgressChildren(f.ctx, domain.SystemPrincipal(), "HN.HBT", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]domain.ChildProgress{}
	var order []string
	for _, ch := range c.Children {
		got[ch.Code] = ch
		order = append(order, ch.Code)
	}
	if len(order) != 3 {
		t.Fatalf("children = %v, want BM, VT, DK", order)
	}
	if bm := got["HN.HBT.BM"]; bm.Cells.Text != "69,23%" || bm.Late != 4 || bm.Own.Held {
		t.Errorf("Bạch Mai = %+v, want 69,23%% and 4 late", bm)
	}
	if vt := got["HN.HBT.VT"]; vt.Cells.Held != 0 || vt.Cells.Total != 2 || vt.Late != 2 {
		t.Errorf("Vĩnh Tuy = %+v, want 0/2 and 2 late", vt)
	}
	if dk := got["HN.HBT.DK"]; dk.Cells.Total != 0 || dk.Late != 0 {
		t.Errorf("Đoàn Kết = %+v, want no cells and not late (deadline 30/06)", dk)
	}
	t.Run("the counts hold without any late-flags run", func(t *testing.T) {
		if _, err := f.db.Exec(`DELETE FROM flags; DELETE FROM job_runs`); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.ProgressChildren(f.ctx, domain.SystemPrincipal(), "HN.HBT", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range c.Children {
			if ch.Late != got[ch.Code].Late || ch.AtRisk != got[ch.Code].AtRisk {
				t.Errorf("%s: %d late, %d at risk without the run; %d, %d after it", ch.Code, ch.Late, ch.AtRisk,
					got[ch.Code].Late, got[ch.Code].AtRisk)
			}
		}
	})
}
