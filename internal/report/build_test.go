package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// facts are those of Quận Hai Bà Trưng for 2020-W14 (30/03–05/04), with a
// forecast over two weeks: Bạch Đằng held its own congress, with its cells
// at 4, 5 then 6 of 7; Đồng Nhân, late since 31/03 with one cell late
// below it, stood still at 3 of 6.
func facts() Facts {
	rules := domain.NewKindRules([]domain.UnitKind{
		{Code: "district", NameVI: "Đảng bộ quận", NameEN: "District party committee"},
		{Code: "ward", NameVI: "Đảng bộ phường", NameEN: "Ward party committee", IsGrassroots: true},
		{Code: "cell", NameVI: "Chi bộ", NameEN: "Cell", IsCell: true},
	})
	heldOn := map[domain.Day]int{fixDay("2020-03-22"): 7, fixDay("2020-03-29"): 8, fixDay("2020-04-05"): 9}
	return Facts{
		Unit:       domain.UnitRef{Code: "HN.HBT", Name: "Quận Hai Bà Trưng", Kind: "district"},
		Round:      domain.RoundDetail{ID: 1, Name: "Nhiệm kỳ 2020–2025", StartDate: fixDay("2020-03-09")},
		Week:       domain.Week{Year: 2020, Number: 14},
		MadeAt:     time.Date(2020, 4, 6, 0, 0, 0, 0, time.UTC),
		Rules:      rules,
		Now:        domain.KindFigures{Cells: domain.NewShare(9, 13), Grassroots: domain.NewShare(1, 2), Late: 2},
		Before:     domain.KindFigures{Cells: domain.NewShare(8, 13), Grassroots: domain.NewShare(0, 2), Late: 1},
		PilotsHeld: 1, PilotsTotal: 1, PrevPilotsHeld: 0, PrevPilotsTotal: 1,
		Deadline: fixDayPtr("2020-04-30"),
		HeldOn:   heldOn, Cells: 13, ForecastWeeks: 2,
		Children: []Child{
			{ChildProgress: domain.ChildProgress{UnitRef: bachDang,
				Own: domain.OwnCongress{Status: domain.StatusHeld, HeldDate: fixDayPtr("2020-04-02"), Deadline: fixDayPtr("2020-04-30")}},
				Held: []int{4, 5, 6}, Cells: 7},
			{ChildProgress: domain.ChildProgress{UnitRef: dongNhan, Late: 2,
				Own: domain.OwnCongress{Status: domain.StatusPreparing, Deadline: fixDayPtr("2020-03-31"), Late: true, DaysOverdue: 5}},
				Held: []int{3, 3, 3}, Cells: 6},
		},
		Held:      []domain.ReportCongress{{UnitRef: bachDang, Date: fixDay("2020-04-02")}},
		HeldCount: 1, Planned: []domain.ReportCongress{},
		Late: []domain.ReportLate{{UnitRef: dongNhan, Flag: domain.FlagLate, Deadline: fixDay("2020-03-31")}}, LateCount: 1,
	}
}

func TestBuildDrawsTheReportFromTheFacts(t *testing.T) {
	r := Build(facts())
	if r.Week != "2020-W14" || r.From != fixDay("2020-03-30") || r.To != fixDay("2020-04-05") || r.KindName.EN != "District party committee" {
		t.Errorf("report of %s %s–%s (%v)", r.Week, r.From, r.To, r.KindName)
	}
	wantHeadline := []Figure{
		{Key: FigureCells, Name: FigureName(FigureCells), Value: 9, Total: 13, Prev: 8, PrevTotal: 13},
		{Key: FigureGrassroots, Name: FigureName(FigureGrassroots), Value: 1, Total: 2, Prev: 0, PrevTotal: 2},
		{Key: FigurePilots, Name: FigureName(FigurePilots), Value: 1, Total: 1, Prev: 0, PrevTotal: 1},
		{Key: FigureLate, Name: FigureName(FigureLate), Value: 2, Prev: 1},
	}
	if !reflect.DeepEqual(r.Headline, wantHeadline) {
		t.Errorf("headline = %+v", r.Headline)
	}
	t.Run("a point per week from the round's first, the days without a count at 0", func(t *testing.T) {
		var got []int
		for _, w := range r.Weeks {
			got = append(got, w.Held)
		}
		if want := []int{0, 7, 8, 9}; !reflect.DeepEqual(got, want) || r.Weeks[0].Week != "2020-W11" {
			t.Errorf("weeks from %s: %v, want %v from 2020-W11", r.Weeks[0].Week, got, want)
		}
	})
	t.Run("the forecast at the pace of the last two weeks, against the unit's own deadline", func(t *testing.T) {
		f := r.Forecast
		if f.Weeks != 2 || f.PerWeek != 1 || f.Left != 4 || f.Done == nil || *f.Done != fixDay("2020-05-03") || f.OnTime {
			t.Errorf("forecast = %+v, done %v; want 1 a week, 4 left, done 03/05 after the deadline", f, f.Done)
		}
		if len(f.ProjectedLate) != 1 || f.ProjectedLate[0].Code != dongNhan.Code || f.ProjectedLate[0].KindName.VI != "Đảng bộ phường" {
			t.Errorf("projected late = %+v, want Đồng Nhân", f.ProjectedLate)
		}
	})
	t.Run("a unit below: its cells, its change, its warnings without itself among the late below", func(t *testing.T) {
		bd, dn := r.Units[0], r.Units[1]
		if bd.Held != 6 || bd.PrevHeld != 5 || bd.Total != 7 || bd.ProjectedLate || bd.Done == nil || len(bd.Flags) != 0 {
			t.Errorf("Bạch Đằng = %+v", bd)
		}
		if dn.LateBelow != 2 || !dn.ProjectedLate || dn.Done != nil || len(dn.Flags) != 2 ||
			dn.Flags[0].EN != "5 days late" || dn.Flags[1].EN != "1 unit below late" {
			t.Errorf("Đồng Nhân = %+v", dn)
		}
	})
	t.Run("the lists worded", func(t *testing.T) {
		if r.HeldInWeekCount != 1 || r.HeldInWeek[0].KindName.EN != "Ward party committee" {
			t.Errorf("held in the week = %+v", r.HeldInWeek)
		}
		if l := r.Late[0]; l.DaysOverdue != 5 || l.FlagName != domain.FlagLate.Name() || l.KindName.VI != "Đảng bộ phường" {
			t.Errorf("late = %+v", l)
		}
	})
}

func TestTheWeeksStartAWeekBeforeTheFirstCellHeldAndTheForecastKeepsItsPace(t *testing.T) {
	f := facts()
	f.Round.StartDate = fixDay("2019-07-08") // 2019-W28, months before the first cell held
	f.HeldOn = map[domain.Day]int{}
	for d := fixDay("2020-02-20"); !d.After(fixDay("2020-04-05")); d = d.AddDays(1) {
		f.HeldOn[d] = 1 // the first cell held on 20/02/2020 (2020-W08)
	}
	for d, n := range facts().HeldOn {
		f.HeldOn[d] = n
	}
	r := Build(f)
	if got, want := r.Weeks[0].Week, "2020-W07"; got != want {
		t.Errorf("weeks start at %s, want %s (the week of 13/02, a week before the first cell held)", got, want)
	}
	if got, want := r.Weeks[len(r.Weeks)-1].Week, "2020-W14"; got != want {
		t.Errorf("weeks end at %s, want %s", got, want)
	}
	if got, want := r.Forecast, Build(facts()).Forecast; got.PerWeek != want.PerWeek || !domain.SameDay(got.Done, want.Done) {
		t.Errorf("forecast %v by %v, want %v by %v", got.PerWeek, got.Done, want.PerWeek, want.Done)
	}
}
