package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

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
	StatusID              string // the message of its status
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
	Others                    []string
}

// dashboardOf reads the dashboard of p's highest unit.
func (s *Server) dashboardOf(c echo.Context, p domain.Principal) (dashboard, error) {
	var d dashboard
	if len(p.Grants) == 0 {
		return d, nil
	}
	ctx := c.Request().Context()
	lang := pageLang(c, &p.User)
	top := p.Grants[0]
	d.Unit = &domain.UnitRef{Code: top.UnitCode, Name: top.UnitName}
	for _, g := range p.Grants[1:] {
		if g.UnitCode != top.UnitCode {
			d.Others = append(d.Others, g.UnitName)
		}
	}
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
	d.Children = childRows(ch, lang)
	return d, nil
}

// childRows are the rows of a table of the units below a unit.
func childRows(ch domain.ChildrenProgress, lang string) []dashChild {
	rows := make([]dashChild, 0, len(ch.Children))
	for _, k := range ch.Children {
		rows = append(rows, dashChild{Code: k.Code, Name: k.Name, StatusID: "status_" + string(k.Own.Status),
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
	return s.page(c, http.StatusOK, "home.html", &p.User, d)
}
