package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// "My units": a secretary's congresses, the late ones first, each with a
// form for its next step that works on a phone. A form that went stale
// (someone else changed the record meanwhile) says so above the record's
// current values and writes nothing.

type myItem struct {
	Code, Name, StatusID    string
	Late                    bool
	DaysOverdue             int
	Deadline, Planned, Held string
	Version                 int
	Next                    string // the status the form moves to; "" when none
	PlannedISO, TodayISO    string
	Stale                   bool
	Errors                  []string
	// MayOverride: a unit that may have units below, and the caller is a
	// board user of a unit above it, who may hold it before they all have.
	MayOverride bool
}

// nextStep is the status a secretary's form moves a congress to.
var nextStep = map[domain.CongressStatus]domain.CongressStatus{
	domain.StatusNotStarted:   domain.StatusPreparing,
	domain.StatusPreparing:    domain.StatusPlanApproved,
	domain.StatusPlanApproved: domain.StatusHeld,
}

// vi writes an optional day as dd/mm/yyyy ("" for none).
func vi(d *domain.Day) string { return domain.ShowDay(d) }

func iso(d *domain.Day) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// myPage renders the list; problem, when set, is shown on the card of code.
func (s *Server) myPage(c echo.Context, p domain.Principal, status int, code string, problem func(*myItem)) error {
	list, err := s.svc.MyUnits(c.Request().Context(), p)
	if err != nil && !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	today := domain.TodayDay(s.svc.Clock()).String()
	items := make([]myItem, 0, len(list))
	for _, m := range list {
		it := myItemOf(m, today)
		if i := strings.LastIndexByte(m.UnitPath, '.'); i > 0 && !s.svc.Rules().IsCell(m.UnitKind) {
			it.MayOverride = p.Can(domain.ActManage, m.UnitPath[:i])
		}
		items = append(items, it)
		if m.UnitCode == code && problem != nil {
			problem(&items[len(items)-1])
		}
	}
	return s.page(c, status, "my.html", &p.User, struct{ Items []myItem }{items})
}

func myItemOf(m core.MyCongress, today string) myItem {
	it := myItem{Code: m.UnitCode, Name: m.UnitName, StatusID: "status_" + string(m.Status), Late: m.Late,
		DaysOverdue: m.DaysOverdue, Deadline: vi(m.Deadline), Planned: vi(m.PlannedDate), Held: vi(m.HeldDate),
		Version: m.Version, PlannedISO: iso(m.PlannedDate), TodayISO: today}
	if next, ok := nextStep[m.Status]; ok {
		it.Next = string(next)
	}
	return it
}

// handleMyUnits lists the signed-in user's congresses.
func (s *Server) handleMyUnits(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.myPage(c, *p, http.StatusOK, "", nil)
}

// handleMyUnitSubmit moves a congress one step with the form's values.
func (s *Server) handleMyUnitSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	patch := domain.CongressPatch{Version: version}
	if v := strings.TrimSpace(c.FormValue("status")); v != "" {
		patch.Status = &v
	}
	if v := strings.TrimSpace(c.FormValue("planned_date")); v != "" {
		patch.PlannedDate = &v
	}
	if v := strings.TrimSpace(c.FormValue("held_date")); v != "" {
		patch.HeldDate = &v
	}
	if v := strings.TrimSpace(c.FormValue("cascade_override_reason")); v != "" {
		patch.CascadeOverrideReason = &v
	}
	if v := strings.TrimSpace(c.FormValue("delegates_present")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // refused by the rules with their message
		}
		patch.DelegatesPresent = &n
	}
	cg, err := s.svc.UpdateCongress(c.Request().Context(), *p, code, 0, patch)
	lang := pageLang(c, &p.User)
	switch {
	case domain.IsCode(err, domain.EConflict):
		return s.myPage(c, *p, http.StatusConflict, code, func(it *myItem) { it.Stale = true })
	case domain.IsCode(err, domain.EInvalid):
		de := domain.AsError(err)
		return s.myPage(c, *p, http.StatusUnprocessableEntity, code, func(it *myItem) {
			if len(de.Fields) == 0 {
				it.Errors = append(it.Errors, de.Message.In(lang))
			}
			for _, f := range de.Fields {
				it.Errors = append(it.Errors, f.Message.In(lang))
			}
		})
	case err != nil:
		return err
	}
	s.flash(c, s.text(c, &p.User, "saved", map[string]any{"Unit": cg.UnitName}))
	return c.Redirect(http.StatusSeeOther, "/my#"+domID(code))
}

// signInFirst sends a visitor without a session to the sign-in page.
func (s *Server) signInFirst(c echo.Context, err error) error {
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
