package demo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/report"
	"github.com/daihoi/daihoi/internal/store"
)

// roundState is what the demo round looks like from the district: the
// per-kind counts below it and the pilots.
type roundState struct {
	kinds  map[string]domain.KindCount
	pilots domain.PilotReport
}

func readState(t *testing.T, svc *core.Service, st *store.Store, day time.Time) roundState {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemPrincipal()
	hbt, err := svc.Unit(ctx, sys, demo.DistrictCode)
	if err != nil {
		t.Fatal(err)
	}
	id, err := svc.CurrentRoundID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.Progress(ctx, id, hbt, domain.DayOf(day), demo.AtRiskDays, 10)
	if err != nil {
		t.Fatal(err)
	}
	s := roundState{kinds: map[string]domain.KindCount{}}
	for _, k := range f.Kinds {
		s.kinds[k.Kind] = k
	}
	if s.pilots, err = svc.Pilots(ctx, sys, demo.DistrictCode, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDemoRound(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	sys := domain.SystemPrincipal()
	state := readState(t, svc, st, demo.Date)

	t.Run("the round is current, with its documents", func(t *testing.T) {
		r, err := svc.Round(ctx, sys, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != demo.RoundName || !reflect.DeepEqual(r.Documents, []string{"Chỉ thị 35-CT/TW", "Kế hoạch 155-KH/TU"}) ||
			r.StartDate.String() != "2019-07-08" || !r.IsCurrent {
			t.Errorf("round = %q %v %s current %v", r.Name, r.Documents, r.StartDate, r.IsCurrent)
		}
	})
	t.Run("deadlines: residential cells 31/03, other cells 30/04 after the COVID-19 change, grassroots 30/06", func(t *testing.T) {
		for code, want := range map[string]string{
			demo.BachMaiCode + ".TDP01":  "2020-03-31",
			demo.BachMaiCode + ".COQUAN": "2020-04-30",
			demo.BachMaiCode:             "2020-06-30",
			demo.DoanKetCode:             "2020-06-30",
			demo.DistrictCode:            "2020-08-31",
			demo.CityCode:                "2020-10-31",
		} {
			c, err := svc.Congress(ctx, sys, code, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Deadline == nil || c.Deadline.String() != want {
				t.Errorf("%s: deadline %v, want %s", code, c.Deadline, want)
			}
		}
		hist, err := svc.DeadlineHistory(ctx, sys, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hist {
			found = found || h.Reason == demo.DeadlineChange().Reason
		}
		if !found {
			t.Error("the COVID-19 deadline change is not in the history")
		}
	})
	t.Run("most cells of the district have held their congress", func(t *testing.T) {
		c := state.kinds["cell"]
		share := float64(c.Held) / float64(c.Total)
		if share < 0.65 || share > 0.85 {
			t.Errorf("cells held = %d of %d (%.0f%%), want 65–85%%", c.Held, c.Total, 100*share)
		}
		t.Logf("kinds below the district: %+v", state.kinds)
	})
	t.Run("some cells are late on the demo date, some grassroots organizations have held theirs", func(t *testing.T) {
		if c := state.kinds["cell"]; c.Late == 0 || c.Late > c.Total-c.Held {
			t.Errorf("late cells = %d (of %d not held), want some", c.Late, c.Total-c.Held)
		}
		g := state.kinds["grassroots_committee"]
		gc := state.kinds["grassroots_cell"]
		if held := g.Held + gc.Held; held < 3 || held > (g.Total+gc.Total)/2 {
			t.Errorf("grassroots held = %d of %d, want a few", held, g.Total+gc.Total)
		}
		if g.Late+gc.Late != 0 {
			t.Errorf("grassroots late = %d before their deadline", g.Late+gc.Late)
		}
	})
	t.Run("Bạch Mai held its congress on 19/03/2020, its 13 cells all in February", func(t *testing.T) {
		bm, err := svc.Congress(ctx, sys, demo.BachMaiCode, 0)
		if err != nil {
			t.Fatal(err)
		}
		if bm.Status != domain.StatusResultsReported || bm.HeldDate == nil || bm.HeldDate.String() != "2020-03-19" || !bm.IsPilot || bm.LessonsLearned == "" {
			t.Errorf("Bạch Mai = %s held %v pilot %v lessons %q", bm.Status, bm.HeldDate, bm.IsPilot, bm.LessonsLearned)
		}
		kids, err := svc.Children(ctx, sys, demo.BachMaiCode)
		if err != nil {
			t.Fatal(err)
		}
		held := 0
		for _, k := range kids {
			c, err := svc.Congress(ctx, sys, k.Code, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.HeldDate != nil && c.HeldDate.Time.Month() == time.February && c.HeldDate.Time.Year() == 2020 {
				held++
			} else {
				t.Errorf("%s: %s held %v", k.Code, c.Status, c.HeldDate)
			}
		}
		if held != 13 {
			t.Errorf("cells held in February = %d, want 13", held)
		}
		bmUnit, err := svc.Unit(ctx, sys, demo.BachMaiCode)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := svc.CurrentRoundID(ctx)
		f, err := st.Progress(ctx, id, bmUnit, domain.DayOf(demo.Date), demo.AtRiskDays, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range f.Kinds {
			if k.Kind == "cell" && (k.Held != 13 || k.Total != 13) {
				t.Errorf("Bạch Mai's progress: %d/%d cells, want 13/13", k.Held, k.Total)
			}
		}
	})
	t.Run("the three pilots were held in March with lessons and results", func(t *testing.T) {
		if got := len(state.pilots.Pilots); got != 3 {
			t.Fatalf("pilots = %d, want 3", got)
		}
		for _, p := range state.pilots.Pilots {
			if !p.Status.Held() || p.HeldDate == nil || p.HeldDate.Time.Month() != time.March || p.LessonsLearned == "" {
				t.Errorf("pilot %s: %s held %v lessons %q", p.UnitCode, p.Status, p.HeldDate, p.LessonsLearned)
			}
			r, err := svc.Results(ctx, sys, p.UnitCode, 0)
			if err != nil {
				t.Errorf("pilot %s results: %v", p.UnitCode, err)
				continue
			}
			if r.SecretaryName == "" || len(r.Elected) < 2 {
				t.Errorf("pilot %s results: %+v", p.UnitCode, r)
			}
		}
		r, err := svc.Results(ctx, sys, demo.LungHospitalCode, 0)
		if err != nil {
			t.Fatal(err)
		}
		if e := r.Elected[0]; e.VotesFor != 35 || e.ValidBallots != 35 || e.DelegatesPresent != 39 || e.Percent == nil {
			t.Errorf("the lung hospital's secretary: %+v, want 35/35/39", e)
		}
	})
	t.Run("every congress reported has its papers; some held lately have not sent them", func(t *testing.T) {
		var reportedMissing, heldMissing int
		if err := st.DB().Get(&reportedMissing, `SELECT count(*) FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.status = 'results_reported' AND cardinality(papers_missing(c.round_id, c.unit_id)) > 0`); err != nil {
			t.Fatal(err)
		}
		m, _, err := svc.MissingPapers(ctx, sys, demo.DistrictCode, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		heldMissing = len(m)
		if reportedMissing != 0 || heldMissing < 10 || heldMissing > 100 {
			t.Errorf("%d reported without papers, %d held missing papers", reportedMissing, heldMissing)
		}
		ps, err := svc.Papers(ctx, sys, demo.LungHospitalCode, 0)
		if err != nil || len(ps.Missing) != 0 || len(ps.Papers) != 2 {
			t.Errorf("the hospital's papers: %+v, %v", ps, err)
		}
	})
	t.Run("the district planned 52% women, under the round's targets", func(t *testing.T) {
		c, err := svc.Composition(ctx, sys, demo.DistrictCode, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Plans) != 1 || c.Plans[0].UnitCode != demo.DistrictCode || c.Plans[0].Percent != 52 || c.Plans[0].Measure != domain.MeasureWomen {
			t.Errorf("plans %+v", c.Plans)
		}
		var targets int
		for _, k := range c.Kinds {
			targets += len(k.Targets)
		}
		if targets < 5 {
			t.Errorf("%d targets in force", targets)
		}
		r, err := svc.Results(ctx, sys, demo.LungHospitalCode, 0)
		if err != nil || r.Composition.Members != 3 || r.Composition.Women != 2 || r.Composition.Reelected != 1 || r.Composition.Youth != 2 {
			t.Errorf("the hospital's composition %+v, %v", r.Composition, err)
		}
	})
	t.Run("some congresses are planned within the next 14 days", func(t *testing.T) {
		var soon int
		if err := st.DB().Get(&soon, `SELECT count(*) FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE u.path <@ (SELECT path FROM units WHERE code = $1) AND c.held_date IS NULL
				AND c.planned_date BETWEEN $2::date + 1 AND $2::date + 14`, demo.DistrictCode, domain.DayOf(demo.Date)); err != nil {
			t.Fatal(err)
		}
		if soon < 10 {
			t.Errorf("planned within 14 days = %d, want some", soon)
		}
	})
	t.Run("every congress with a planned date has its start time and place, in its unit's hall", func(t *testing.T) {
		var missing int
		var place string
		if err := st.DB().Get(&missing, `SELECT count(*) FROM congresses
			WHERE planned_date IS NOT NULL AND (planned_time IS NULL OR place = '')`); err != nil {
			t.Fatal(err)
		}
		if err := st.DB().Get(&place, `SELECT c.place FROM congresses c JOIN units u ON u.id = c.unit_id WHERE u.code = $1`,
			demo.BachMaiCode); err != nil {
			t.Fatal(err)
		}
		if missing != 0 || place != "Hội trường phường Bạch Mai" {
			t.Errorf("%d planned congresses without time or place; Bạch Mai's place %q", missing, place)
		}
	})
	t.Run("the milestones of held units are done (but results not yet reported), none after the demo date", func(t *testing.T) {
		var bad, done int
		if err := st.DB().Get(&bad, `SELECT count(*) FROM milestones m JOIN congresses c USING (round_id, unit_id)
			JOIN milestone_templates t ON t.id = m.template_id
			WHERE c.held_date IS NOT NULL AND m.done_on IS NULL
				AND NOT (t.auto = 'results_reported' AND c.status = 'held')`); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%d milestones of held congresses not done", bad)
		}
		if err := st.DB().Get(&done, `SELECT count(*) FROM milestones WHERE done_on > $1::date`, domain.DayOf(demo.Date)); err != nil {
			t.Fatal(err)
		}
		if done != 0 {
			t.Errorf("%d milestones done after the demo date", done)
		}
	})
	t.Run("the state is the same on every seed", func(t *testing.T) {
		svc2, st2 := newService(t)
		if err := demo.Seed(ctx, svc2); err != nil {
			t.Fatal(err)
		}
		again := readState(t, svc2, st2, demo.Date)
		if !reflect.DeepEqual(again.kinds, state.kinds) {
			t.Errorf("second seed: %+v, first: %+v", again.kinds, state.kinds)
		}
	})
}

func TestDemoRoundOnAnotherDay(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	early := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)
	if err := demo.SeedOn(ctx, svc, early); err != nil {
		t.Fatalf("SeedOn: %v", err)
	}
	s := readState(t, svc, st, early)
	held := 0
	for _, p := range s.pilots.Pilots {
		if p.HeldDate != nil {
			held++
			if p.HeldDate.Time.After(early) {
				t.Errorf("pilot %s held %s, after the demo date", p.UnitCode, p.HeldDate)
			}
		}
	}
	if held != 1 {
		t.Errorf("pilots held by 15/03 = %d, want 1 (Đoàn Kết)", held)
	}
	var after int
	if err := st.DB().Get(&after, `SELECT count(*) FROM congresses WHERE held_date > $1::date`, domain.DayOf(early)); err != nil {
		t.Fatal(err)
	}
	if after != 0 {
		t.Errorf("%d congresses held after the demo date", after)
	}
}

func TestDemoHasTheDistrictsWeeklyReports(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	sys := domain.SystemPrincipal()
	a, err := svc.WeeklyReports(ctx, sys, demo.DistrictCode)
	if err != nil {
		t.Fatal(err)
	}
	// 15/04/2020 is in 2020-W16: the weeks 2020-W01 to W15 are reported.
	if len(a.Reports) != 15 || a.Reports[0].Week != "2020-W15" || a.Reports[14].Week != "2020-W01" {
		t.Fatalf("archive = %d reports, want 2020-W15 back to 2020-W01", len(a.Reports))
	}
	if got := a.Reports[0].MadeAt.In(domain.Location).Format("2006-01-02 15:04"); got != "2020-04-13 07:00" {
		t.Errorf("W15 made at %s, want Monday 13/04/2020 07:00", got)
	}
	r, err := svc.WeeklyReport(ctx, sys, demo.DistrictCode, "2020-W15")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Progress(ctx, sys, demo.DistrictCode, 0, "2020-04-12")
	if err != nil {
		t.Fatal(err)
	}
	if cells := r.Figure(report.FigureCells); cells.Value != p.Cells.Held || cells.Total != p.Cells.Total || cells.Total < 400 {
		t.Errorf("W15 cells = %d/%d, progress on 12/04 = %d/%d", cells.Value, cells.Total, p.Cells.Held, p.Cells.Total)
	}
	if len(r.Units) < 20 || r.Forecast.Deadline == nil {
		t.Errorf("W15: %d units below, forecast deadline %v; want the wards and the cells' deadline", len(r.Units), r.Forecast.Deadline)
	}
}
