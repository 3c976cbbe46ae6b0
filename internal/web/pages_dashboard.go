package web

import (
	"math"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The home page of a signed-in user is the dashboard of the highest unit
// they hold a role on, in the current round: the share of cells that have
// held their congress, the grassroots organizations, the pilots, the late
// units, and the units directly below.

type shareView struct {
	Held, Total int
	Percent     string
}

func viewShare(s domain.Share, lang string) shareView {
	return shareView{Held: s.Held, Total: s.Total, Percent: s.In(lang)}
}

type dashChild struct {
	Code, Name            string
	Status                domain.CongressStatus
	LateDays              int
	CellsHeld, CellsTotal int
	CellsPercent          string
	Late                  int
}

type dashboard struct {
	Unit                      *domain.UnitRef
	Progress                  bool
	Day                       string
	Cells, Grassroots, Pilots shareView
	Late                      int
	Children                  []dashChild
	// Followed are the units of a user holding roles on several (a working
	// group's wards), the late ones first: their home lists them.
	Followed          []dashChild
	Chart             *cellsChart
	Soon              []soonItem
	PilotList         []pilotItem
	Risks             []riskItem
	Filter            dashFilter
	Statuses          []domain.CongressStatus
	Kinds, Categories []choice
	// MissingPapers are the held congresses below without their papers;
	// Composition the committees elected so far against targets and plans.
	MissingPapers []missingRow
	Composition   *compositionView
	// Attending are the congresses the user is named to attend for a
	// working group, those to come first.
	Attending []attendingItem
}

// attendingItem is a congress the user attends for a working group;
// ToRecord: it took place and the attendance is not recorded yet.
type attendingItem struct {
	Code, Name, Parent, Group, Planned, Held string
	Status                                   domain.CongressStatus
	ToRecord                                 bool
}

// dashFilter narrows and orders the table of units below: by their own
// status, their kind, late ones only; sorted most late first (the
// default), by name, or by the lowest share of cells held.
type dashFilter struct {
	Status, Kind, Category, Sort string
	Late                         bool
}

// choice is an option of a select: its value and its label.
type choice struct{ Code, Name string }

// riskItem is a late or at-risk unit (an open flag of the late-flags job).
type riskItem struct {
	Code, Name, Due string
	Late            bool
	Days            int
}

type pilotItem struct {
	Code, Name, Held, Planned, Lessons string
	Status                             domain.CongressStatus
	DaysBefore                         int
}

func filterOf(c echo.Context) dashFilter {
	f := dashFilter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Category: c.QueryParam("category"),
		Sort: c.QueryParam("sort"), Late: c.QueryParam("late") == "1"}
	if f.Sort != "name" && f.Sort != "cells" {
		f.Sort = "late"
	}
	return f
}

// apply filters and sorts rows; kinds and categories give each row's.
func (f dashFilter) apply(rows []dashChild, kinds, categories map[string]string) []dashChild {
	out := rows[:0:0]
	for _, r := range rows {
		if (f.Status == "" || string(r.Status) == f.Status) && (f.Kind == "" || kinds[r.Code] == f.Kind) &&
			(f.Category == "" || categories[r.Code] == f.Category) && (!f.Late || r.Late > 0 || r.LateDays > 0) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch f.Sort {
		case "name":
			return a.Name < b.Name
		case "cells":
			// by the share of cells held, nothing to count last
			return domain.NewShare(a.CellsHeld, a.CellsTotal).Compare(domain.NewShare(b.CellsHeld, b.CellsTotal)) < 0
		}
		if a.Late+a.LateDays != b.Late+b.LateDays {
			return a.Late+a.LateDays > b.Late+b.LateDays
		}
		return a.Name < b.Name
	})
	return out
}

// cellsChart is the data of the dashboard's chart (JSON in the page, drawn
// by static/dashboard.js): the share of cells held each day up to today,
// and the straight pace from the first day to 100% at the deadline.
type cellsChart struct {
	Labels       []string   `json:"labels"`
	Held         []*float64 `json:"held"`
	PaceLine     []*float64 `json:"paceLine"`
	Series       string     `json:"series"`
	Pace         string     `json:"pace"`
	DeadlineText string     `json:"-"`
}

type soonItem struct{ Day, Code, Name string }

// chartOf builds the chart of a timeline, its days running to the deadline
// when that is still ahead.
func (s *Server) chartOf(c echo.Context, u *domain.User, tl core.CellsTimeline) *cellsChart {
	if len(tl.Days) == 0 || tl.Total == 0 {
		return nil
	}
	ch := &cellsChart{Series: s.text(c, u, "chart_series", nil)}
	first, last := tl.Days[0].Day, tl.Days[len(tl.Days)-1].Day
	end := last
	if tl.Deadline != nil && tl.Deadline.After(end) {
		end = *tl.Deadline
	}
	pct := func(held int) *float64 {
		v := domain.NewShare(held, tl.Total).Percent
		return &v
	}
	for i, d := 0, first; !d.After(end); i, d = i+1, d.AddDays(1) {
		ch.Labels = append(ch.Labels, d.Time.Format("02/01"))
		if i < len(tl.Days) {
			ch.Held = append(ch.Held, pct(tl.Days[i].Held))
		} else {
			ch.Held = append(ch.Held, nil)
		}
		ch.PaceLine = append(ch.PaceLine, nil)
	}
	if tl.Deadline != nil && !tl.Deadline.Before(first) {
		ch.DeadlineText = tl.Deadline.VI()
		ch.Pace = s.text(c, u, "chart_pace", map[string]any{"Day": ch.DeadlineText})
		ch.PaceLine[0] = pct(tl.Days[0].Held)
		hundred := 100.0
		ch.PaceLine[int(math.Round(tl.Deadline.Time.Sub(first.Time).Hours()/24))] = &hundred
	}
	return ch
}

// dashboardOf reads the dashboard of p's highest unit.
func (s *Server) dashboardOf(c echo.Context, p domain.Principal) (dashboard, error) {
	var d dashboard
	if len(p.Grants) == 0 {
		return d, nil
	}
	ctx := c.Request().Context()
	lang := pageLang(c, &p.User)
	roots := p.ScopeRoots(domain.ActRead)
	if len(roots) > 1 {
		followed, err := s.svc.FollowedUnits(ctx, p)
		if domain.IsCode(err, domain.ENotFound) {
			return d, nil // no current round
		}
		if err != nil {
			return d, err
		}
		d.Followed = childRows(domain.ChildrenProgress{Children: followed}, lang)
		return d, nil
	}
	top := p.Grants[0]
	for _, g := range p.Grants {
		if len(roots) == 1 && g.UnitPath == roots[0] {
			top = g
		}
	}
	d.Unit = &domain.UnitRef{Code: top.UnitCode, Name: top.UnitName}
	pr, err := s.svc.Progress(ctx, p, top.UnitCode, 0, "")
	if domain.IsCode(err, domain.ENotFound) {
		return d, nil // no current round
	}
	if err != nil {
		return d, err
	}
	ch, err := s.svc.ProgressChildren(ctx, p, top.UnitCode, 0, "")
	if err != nil {
		return d, err
	}
	d.Progress, d.Day = true, pr.AsOf.VI()
	d.Cells, d.Grassroots, d.Pilots = viewShare(pr.Cells, lang), viewShare(pr.Grassroots, lang), viewShare(pr.Pilots, lang)
	d.Late = pr.Late.Count
	d.Filter = filterOf(c)
	d.Statuses = []domain.CongressStatus{domain.StatusNotStarted, domain.StatusPreparing, domain.StatusPlanApproved,
		domain.StatusHeld, domain.StatusResultsReported}
	kindOf, categoryOf, seen := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, k := range ch.Children {
		kindOf[k.Code], categoryOf[k.Code] = k.Kind, k.Category
		if k.Category != "" && !seen["category:"+k.Category] {
			seen["category:"+k.Category] = true
			for _, cat := range domain.Categories {
				if cat.Code == k.Category {
					d.Categories = append(d.Categories, choice{Code: cat.Code, Name: cat.Name.In(lang)})
				}
			}
		}
		if !seen[k.Kind] {
			seen[k.Kind] = true
			d.Kinds = append(d.Kinds, choice{Code: k.Kind, Name: s.kindName(k.Kind, lang)})
		}
	}
	d.Children = d.Filter.apply(childRows(ch, lang), kindOf, categoryOf)
	tl, err := s.svc.CellsTimeline(ctx, p, top.UnitCode)
	if err != nil {
		return d, err
	}
	d.Chart = s.chartOf(c, &p.User, tl)
	for _, kind := range []domain.FlagKind{domain.FlagLate, domain.FlagAtRisk} {
		fl, err := s.svc.Flags(ctx, p, top.UnitCode, 0, domain.FlagQuery{State: domain.FlagOpen, Subtree: true, Kind: kind, Limit: 20})
		if err != nil {
			return d, err
		}
		for _, f := range fl.Flags {
			d.Risks = append(d.Risks, riskItem{Code: f.Unit.Code, Name: f.Unit.Name, Due: vi(f.DueDate), Late: kind == domain.FlagLate, Days: f.DaysOverdue})
		}
	}
	pilots, err := s.svc.Pilots(ctx, p, top.UnitCode, 0)
	if err != nil {
		return d, err
	}
	for _, pc := range pilots.Pilots {
		it := pilotItem{Code: pc.UnitCode, Name: pc.UnitName, Status: pc.Status,
			Held: vi(pc.HeldDate), Planned: vi(pc.PlannedDate), Lessons: pc.LessonsLearned}
		if pc.DaysBeforeOthers != nil && *pc.DaysBeforeOthers > 0 {
			it.DaysBefore = *pc.DaysBeforeOthers
		}
		d.PilotList = append(d.PilotList, it)
	}
	missing, err := s.svc.MissingPapers(ctx, p, top.UnitCode, 0, core.UnitPageMissingPapers)
	if err != nil {
		return d, err
	}
	d.MissingPapers = missingRows(missing, lang)
	comp, err := s.svc.Composition(ctx, p, top.UnitCode, 0)
	if err != nil {
		return d, err
	}
	d.Composition = s.compositionViewOf(c, comp, top.UnitCode, false, lang) // planned on the unit page
	soon, err := s.svc.PlannedSoon(ctx, p, top.UnitCode, 14)
	if err != nil {
		return d, err
	}
	for _, cg := range soon {
		d.Soon = append(d.Soon, soonItem{Day: vi(cg.PlannedDate), Code: cg.UnitCode, Name: cg.UnitName})
	}
	return d, nil
}

// childRows are the rows of a table of the units below a unit.
func childRows(ch domain.ChildrenProgress, lang string) []dashChild {
	rows := make([]dashChild, 0, len(ch.Children))
	for _, k := range ch.Children {
		rows = append(rows, dashChild{Code: k.Code, Name: k.Name, Status: k.Own.Status,
			LateDays: k.Own.DaysOverdue, CellsHeld: k.Cells.Held, CellsTotal: k.Cells.Total,
			CellsPercent: k.Cells.In(lang), Late: k.Late})
	}
	return rows
}

// handleHomePage is the dashboard of a signed-in user; others sign in first.
func (s *Server) handleHomePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil {
		return err
	}
	if p == nil {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	d, err := s.dashboardOf(c, *p)
	if err != nil {
		return err
	}
	if d.Attending, err = s.attendingOf(c, *p); err != nil {
		return err
	}
	return s.page(c, http.StatusOK, "home.html", &p.User, d)
}

// attendingOf lists the congresses p is named to attend, for the home page.
func (s *Server) attendingOf(c echo.Context, p domain.Principal) ([]attendingItem, error) {
	list, err := s.svc.MyAttendances(c.Request().Context(), p)
	if domain.IsCode(err, domain.ENotFound) {
		return nil, nil // no current round
	}
	if err != nil {
		return nil, err
	}
	today := domain.TodayDay(s.svc.Clock())
	out := make([]attendingItem, 0, len(list))
	for _, a := range list {
		took := a.HeldDate != nil || a.PlannedDate != nil && !today.Before(*a.PlannedDate)
		out = append(out, attendingItem{Code: a.Unit.Code, Name: a.Unit.Name, Parent: a.Parent, Group: a.GroupName, Planned: vi(a.PlannedDate),
			Held: vi(a.HeldDate), Status: a.Status, ToRecord: took && a.RecordedAt == nil})
	}
	return out, nil
}
