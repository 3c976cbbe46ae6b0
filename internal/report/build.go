package report

import (
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// Facts are what the weekly report of a unit is drawn from, as the
// services read them as of the week's last day (To) and of the Sunday
// before: the figures from the maintained aggregates, the lists read
// set-based over the unit's subtree.
type Facts struct {
	Unit   domain.UnitRef
	Round  domain.RoundDetail
	Week   domain.Week
	MadeAt time.Time
	// Rules name the kinds of the units.
	Rules domain.KindRules
	// Now and Before are the unit's figures by kind on To and on the
	// Sunday before (domain.CountsByKind).
	Now, Before domain.KindFigures
	// Pilots held of all on To and on the Sunday before.
	PilotsHeld, PilotsTotal         int
	PrevPilotsHeld, PrevPilotsTotal int
	// Deadline is the unit's own, which its forecast is measured against.
	Deadline *domain.Day
	// HeldOn counts the cells below held by each day from the round's
	// start to To (the days without a change may be absent); Cells is
	// their number.
	HeldOn map[domain.Day]int
	Cells  int
	// ForecastWeeks is how many past weeks give the pace of the forecast.
	ForecastWeeks int
	// Children are the units directly below, in the tree's order.
	Children []Child
	// The lists of the week, each cut at ListLimit with its full count.
	Held, Planned           []domain.ReportCongress
	HeldCount, PlannedCount int
	Late                    []domain.ReportLate
	LateCount, AtRiskCount  int
	// The papers and the people elected (see Weekly).
	MissingPapers      []domain.CongressMissingPapers
	MissingPapersCount int
	Composition        *domain.CompositionReport
	// Sessions are the training sessions of the week (see Weekly).
	Sessions []domain.TrainingSession
}

// Child is a unit directly below and its facts on To.
type Child struct {
	domain.ChildProgress
	// Held counts its cells held at the end of each of the last
	// ForecastWeeks+1 weeks, the oldest first (nil: none below it); Cells
	// is their number.
	Held  []int
	Cells int
}

// Build draws the weekly report from f.
func Build(f Facts) Weekly {
	from, to := f.Week.Monday(), f.Week.Sunday()
	r := Weekly{Version: Version, Unit: f.Unit, KindName: f.Rules.Name(f.Unit.Kind), RoundID: f.Round.ID, RoundName: f.Round.Name,
		Week: f.Week.String(), From: from, To: to, MadeAt: f.MadeAt,
		MissingPapers: f.MissingPapers, MissingPapersCount: f.MissingPapersCount, Composition: f.Composition, Sessions: f.Sessions}
	for i, m := range r.MissingPapers {
		name := f.Rules.Name(m.UnitKind)
		r.MissingPapers[i].KindName = &name
	}
	now, before := f.Now, f.Before
	figure := func(key string, v, t, pv, pt int) Figure {
		return Figure{Key: key, Name: FigureName(key), Value: v, Total: t, Prev: pv, PrevTotal: pt}
	}
	r.Headline = []Figure{
		figure(FigureCells, now.Cells.Held, now.Cells.Total, before.Cells.Held, before.Cells.Total),
		figure(FigureGrassroots, now.Grassroots.Held, now.Grassroots.Total, before.Grassroots.Held, before.Grassroots.Total),
		figure(FigurePilots, f.PilotsHeld, f.PilotsTotal, f.PrevPilotsHeld, f.PrevPilotsTotal),
		figure(FigureLate, now.Late, 0, before.Late, 0),
	}

	// The unit's forecast, against the unit's own deadline, at the pace of
	// the last weeks; the progress by week, from the week a week before the
	// first cell held (domain.ChartStart), not from the round's first.
	var weeks []WeekPoint
	for wk := domain.WeekOf(f.Round.StartDate); !wk.Sunday().After(to); wk = domain.WeekOf(wk.Sunday().AddDays(1)) {
		weeks = append(weeks, WeekPoint{Week: wk.String(), To: wk.Sunday(), Held: f.HeldOn[wk.Sunday()], Total: f.Cells})
	}
	var daily []domain.DayCount
	for d := f.Round.StartDate; !d.After(to); d = d.AddDays(1) {
		daily = append(daily, domain.DayCount{Day: d, Held: f.HeldOn[d]})
	}
	start := domain.WeekOf(domain.ChartStart(daily)).Sunday()
	for _, p := range weeks {
		if !p.To.Before(start) {
			r.Weeks = append(r.Weeks, p)
		}
	}
	n := f.ForecastWeeks
	var pace []int
	for _, p := range weeks[max(0, len(weeks)-n-1):] {
		pace = append(pace, p.Held)
	}
	fc := domain.ForecastDone(pace, f.Cells, to, f.Deadline)
	r.Forecast = Forecast{Weeks: len(pace) - 1, PerWeek: fc.PerWeek, Left: f.Cells - now.Cells.Held, Done: fc.Done,
		Deadline: f.Deadline, OnTime: fc.OnTime, LateBelow: now.Late, ProjectedLate: []Ref{}}

	// The units below: their cells at the end of each of the last weeks,
	// their own congress and late units on Sunday.
	r.Units = make([]Unit, 0, len(f.Children))
	for _, c := range f.Children {
		lateBelow := c.Late // itself included
		if c.Own.Late {
			lateBelow--
		}
		row := Unit{UnitRef: c.UnitRef, KindName: f.Rules.Name(c.Kind), Total: c.Cells,
			Status: c.Own.Status, StatusName: c.Own.StatusName, HeldDate: c.Own.HeldDate, PlannedDate: c.Own.PlannedDate,
			Deadline: c.Own.Deadline, IsPilot: c.Own.IsPilot, Late: c.Own.Late, LateBelow: c.Late,
			Flags: FlagTexts(c.Own.Late, c.Own.DaysOverdue, c.Own.AtRisk, lateBelow)}
		if c.Held != nil {
			row.Held, row.PrevHeld = c.Held[n], c.Held[n-1]
			// The projection is about this unit: compared with its own
			// deadline, the one its row shows.
			cf := domain.ForecastDone(c.Held, c.Cells, to, c.Own.Deadline)
			if row.Held < row.Total {
				row.Done = cf.Done // none for a unit whose cells have all held
			}
			row.ProjectedLate = cf.Late
		}
		if row.ProjectedLate {
			r.Forecast.ProjectedLate = append(r.Forecast.ProjectedLate, Ref{UnitRef: row.UnitRef, KindName: row.KindName})
		}
		r.Units = append(r.Units, row)
	}

	r.HeldInWeek, r.HeldInWeekCount = f.Held, f.HeldCount
	r.PlannedNextWeek, r.PlannedNextWeekCount = f.Planned, f.PlannedCount
	r.Late, r.LateCount, r.AtRiskCount = f.Late, f.LateCount, f.AtRiskCount
	for i := range r.HeldInWeek {
		r.HeldInWeek[i].KindName = f.Rules.Name(r.HeldInWeek[i].Kind)
	}
	for i := range r.PlannedNextWeek {
		r.PlannedNextWeek[i].KindName = f.Rules.Name(r.PlannedNextWeek[i].Kind)
	}
	for i := range r.Late {
		r.Late[i].KindName = f.Rules.Name(r.Late[i].Kind)
		r.Late[i].Fill(to)
	}
	return r
}
