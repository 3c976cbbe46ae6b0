package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
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
	// LateURL and CellsURL are the lists the row's counts count.
	LateURL, CellsURL string
}

// tile is a headline figure of the dashboard: its label, the figure, a
// line under it, its status (a class: ok, risk, late, info) said in a word
// too, and the list it counts.
type tile struct {
	Label, Figure, Detail, Change string
	Status, Word, URL             string
	// Key names the tile in the page (id tile-KEY): the list it counts.
	Key string
	// Headline is the rest of the sentence the figure begins, for the
	// headline tile (the share of cells), which has no label.
	Headline string
}

// listItem is a unit of a short list of the dashboard, with its place.
type listItem struct {
	Code, Name, Note string
	Place            domain.Place
	// Status is the note's class (statusLate, statusRisk), "" for none.
	Status string
}

// shortList is the first units of a list of the dashboard, how many the
// whole list holds, and its address.
type shortList struct {
	Items []listItem
	Total int
	URL   string
}

// ownLate is the dashboard's unit's own congress, late: its deadline and
// the days since.
type ownLate struct {
	Deadline string
	Days     int
}

type dashboard struct {
	Unit *domain.UnitRef
	// Alone: the unit has no units below (a cell): its figures would all
	// be 0/0 and "on track", whatever its own congress; the page sends to
	// its own record instead.
	Alone    bool
	Progress bool
	// OwnLate is the unit's own congress when it is late (its figures
	// count the units below only): said under the title, not left to the
	// unit's page.
	OwnLate                   *ownLate
	Day                       string
	Cells, Grassroots, Pilots shareView
	Late                      int
	Tiles                     []tile
	LateList, RiskList        shortList
	Children                  []dashChild
	// Followed are the units of a user holding roles on several (a working
	// group's wards), the late ones first: their home lists them.
	Followed          []dashChild
	Chart             *cellsChart
	Soon              shortList
	PilotList         []pilotItem
	PilotsURL         string
	Filter            dashFilter
	Statuses          []domain.CongressStatus
	Kinds, Categories []choice
	// MissingPapers are the held congresses below without their papers;
	// Composition the committees elected so far against targets and plans.
	MissingPapers missingView
	Composition   *compositionView
	// Attending are the congresses the user is named to attend for a
	// working group and has not recorded yet, those to come first.
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

type pilotItem struct {
	Code, Name, Held, Planned, Lessons string
	Place                              domain.Place
	Status                             domain.CongressStatus
	DaysBefore                         int
	Late                               bool
}

// filterOf reads the table's filter from the query; a value the form
// never sends is refused, not ignored (the table and its downloads would
// say different things).
func filterOf(c echo.Context) (dashFilter, error) {
	f := dashFilter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Category: c.QueryParam("category"),
		Sort: c.QueryParam("sort"), Late: c.QueryParam("late") == "1"}
	var v domain.Validation
	if f.Status != "" && !domain.CongressStatus(f.Status).Valid() {
		v.Add("status", fmt.Sprintf("Không có trạng thái %q", domain.ShowText(f.Status, 40)), fmt.Sprintf("no status %q", domain.ShowText(f.Status, 40)))
	}
	if f.Category != "" && !domain.ValidCategory(f.Category) {
		v.Add("category", fmt.Sprintf("Không có loại hình %q", domain.ShowText(f.Category, 40)), fmt.Sprintf("no category %q", domain.ShowText(f.Category, 40)))
	}
	switch f.Sort {
	case "":
		f.Sort = "late"
	case "late", "name", "cells":
	default:
		v.Add("sort", "Sắp xếp theo late, name hoặc cells", "sort by late, name or cells")
	}
	if l := c.QueryParam("late"); l != "" && l != "1" {
		v.Add("late", "late chỉ nhận giá trị 1", "late takes 1 only")
	}
	return f, v.Err()
}

// Query is f as the query of a link: the dashboard's own, and its
// downloads'.
func (f dashFilter) Query() string {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "kind": f.Kind, "category": f.Category} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Sort != "late" {
		q.Set("sort", f.Sort)
	}
	if f.Late {
		q.Set("late", "1")
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
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
	// Alt words the latest values, the chart's accessible text; Rows are
	// its data, a day a week back from the last, for the table under it
	// (Caption, DayHead and ShareHead name it and its columns).
	Alt       string     `json:"alt"`
	Caption   string     `json:"caption"`
	DayHead   string     `json:"dayHead"`
	ShareHead string     `json:"shareHead"`
	Rows      [][]string `json:"rows"`
}

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
	lang := pageLang(c, u)
	lastHeld := tl.Days[len(tl.Days)-1].Held
	alt := map[string]any{"Day": last.VI(), "Percent": domain.NewShare(lastHeld, tl.Total).In(lang), "Held": lastHeld, "Total": tl.Total}
	ch.Alt = s.text(c, u, "chart_alt_latest", alt)
	ch.Caption, ch.DayHead, ch.ShareHead = s.text(c, u, "chart_data", nil), s.text(c, u, "chart_day", nil), s.text(c, u, "chart_share", nil)
	for i := len(tl.Days) - 1; i >= 0; i -= 7 {
		d := tl.Days[i]
		ch.Rows = append([][]string{{d.Day.VI(), fmt.Sprintf("%s (%d/%d)", domain.NewShare(d.Held, tl.Total).In(lang), d.Held, tl.Total)}}, ch.Rows...)
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
		d.Followed = childRows(domain.ChildrenProgress{Children: followed}, "", lang)
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
	if len(ch.Children) == 0 && pr.Cells.Total == 0 && pr.Grassroots.Total == 0 {
		d.Alone = true
		return d, nil
	}
	d.Progress, d.Day = true, pr.AsOf.VI()
	if pr.Own.Late {
		d.OwnLate = &ownLate{Deadline: vi(pr.Own.Deadline), Days: pr.Own.DaysOverdue}
	}
	d.Cells, d.Grassroots, d.Pilots = viewShare(pr.Cells, lang), viewShare(pr.Grassroots, lang), viewShare(pr.Pilots, lang)
	d.Late = pr.Late.Count
	if d.Filter, err = filterOf(c); err != nil {
		return d, err
	}
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
	d.Children = d.Filter.apply(childRows(ch, top.UnitCode, lang), kindOf, categoryOf)
	tl, err := s.svc.CellsTimeline(ctx, p, top.UnitCode)
	if err != nil {
		return d, err
	}
	d.Chart = s.chartOf(c, &p.User, tl)
	pilots, err := s.svc.Pilots(ctx, p, top.UnitCode, 0)
	if err != nil {
		return d, err
	}
	if d.Tiles, err = s.tilesOf(c, p, pr, pilots.Late()); err != nil {
		return d, err
	}
	lists := []struct {
		which domain.UnitListKind
		total int
		into  *shortList
	}{{domain.ListLate, pr.Late.Count, &d.LateList}, {domain.ListAtRisk, pr.AtRisk, &d.RiskList}, {domain.ListPlanned, -1, &d.Soon}}
	for _, l := range lists {
		if *l.into, err = s.shortListOf(c, p, top.UnitCode, l.which, dashListed, l.total); err != nil {
			return d, err
		}
	}
	pilotPlaces, err := s.shortListOf(c, p, top.UnitCode, domain.ListPilots, domain.MaxUnitListPageSize, pr.Pilots.Total)
	if err != nil {
		return d, err
	}
	d.PilotsURL = pilotPlaces.URL
	placeOf := map[string]domain.Place{}
	for _, it := range pilotPlaces.Items {
		placeOf[it.Code] = it.Place
	}
	for _, pc := range pilots.Pilots {
		it := pilotItem{Code: pc.UnitCode, Name: pc.UnitName, Status: pc.Status, Late: pc.Late,
			Held: vi(pc.HeldDate), Planned: vi(pc.PlannedDate), Lessons: pc.LessonsLearned, Place: placeOf[pc.UnitCode]}
		if pc.DaysBeforeOthers != nil && *pc.DaysBeforeOthers > 0 {
			it.DaysBefore = *pc.DaysBeforeOthers
		}
		d.PilotList = append(d.PilotList, it)
	}
	missing, total, err := s.svc.MissingPapers(ctx, p, top.UnitCode, 0, core.UnitPageMissingPapers)
	if err != nil {
		return d, err
	}
	d.MissingPapers = missingViewOf(missing, total, lang)
	comp, err := s.svc.Composition(ctx, p, top.UnitCode, 0)
	if err != nil {
		return d, err
	}
	d.Composition = s.compositionViewOf(c, comp, top.UnitCode, false, lang) // planned on the unit page
	return d, nil
}

// childRows are the rows of a table of the units directly below the unit
// with code, their counts linked to the lists of that unit's page narrowed
// to the row's unit (code "": the rows of several units, each its own).
func childRows(ch domain.ChildrenProgress, code, lang string) []dashChild {
	rows := make([]dashChild, 0, len(ch.Children))
	for _, k := range ch.Children {
		page, place := code, k.Code
		if code == "" {
			page, place = k.Code, ""
		}
		rows = append(rows, dashChild{Code: k.Code, Name: k.Name, Status: k.Own.Status,
			LateDays: k.Own.DaysOverdue, CellsHeld: k.Cells.Held, CellsTotal: k.Cells.Total,
			CellsPercent: k.Cells.In(lang), Late: k.Late,
			LateURL:  countListURL(page, domain.ListLate, "", place),
			CellsURL: countListURL(page, domain.ListHeld, domain.LevelCells, place)})
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
	if d.Alone && len(d.Attending) == 0 {
		// A cell's secretary: its own congress, late or not, and its next
		// step are on "My units".
		return c.Redirect(http.StatusSeeOther, "/my")
	}
	return s.page(c, http.StatusOK, "home.html", &p.User, d)
}

// attendingOf lists the congresses p is named to attend and has not
// recorded yet (to come, or to record), for the home page.
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
		if a.RecordedAt != nil {
			continue // recorded: on the unit's and the group's pages
		}
		took := a.HeldDate != nil || a.PlannedDate != nil && !today.Before(*a.PlannedDate)
		out = append(out, attendingItem{Code: a.Unit.Code, Name: a.Unit.Name, Parent: a.Parent, Group: a.GroupName, Planned: vi(a.PlannedDate),
			Held: vi(a.HeldDate), Status: a.Status, ToRecord: took && a.RecordedAt == nil})
	}
	return out, nil
}
