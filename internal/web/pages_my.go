package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// "My units": a user's congresses, the late ones first, each linked to its
// page with a form for its next step that works on a phone, and in place
// the approvals the user gives. A refused form comes back as typed, each
// refusal beside its field; a form that went stale (someone else changed
// the record meanwhile) says so above the record's current values and
// writes nothing. What the user may do comes with the list (core.MyUnits).

type myItem struct {
	core.MyCongress
	Deadline, Planned, Held string
	// Parent names the unit above when another card has the same name.
	Parent string
	// Next is the status the card's form moves to; "" when none.
	Next domain.CongressStatus
	// Correct offers to correct what was recorded at the last step (the
	// planned day, time and place of an approved plan; the day and the
	// attendance of a congress held), without moving it; Present is the
	// attendance recorded.
	Correct bool
	Present string
	// Form is the card's form as typed when it was refused; FixForm the
	// correction's.
	Form, FixForm *formState
}

// waitingUnit is a unit whose approvals wait for the user.
type waitingUnit struct {
	Code, Name string
	// Parent names the unit above when another unit of the list has the
	// same name (cells of two wards: "Chi bộ Tổ dân phố số 3").
	Parent    string
	Approvals []domain.Milestone
}

// waitingUnits groups approvals by unit, in their order; parent gives the
// name of a unit's parent to show beside its name (see parentsOfSameNames).
func waitingUnits(approvals []domain.PendingApproval, parent map[string]string) []waitingUnit {
	var out []waitingUnit
	for _, a := range approvals {
		if n := len(out); n > 0 && out[n-1].Code == a.Unit.Code {
			out[n-1].Approvals = append(out[n-1].Approvals, a.Milestone)
			continue
		}
		out = append(out, waitingUnit{Code: a.Unit.Code, Name: a.Unit.Name, Parent: parent[a.Unit.Code], Approvals: []domain.Milestone{a.Milestone}})
	}
	return out
}

// parentsOfSameNames maps the code of each unit of list whose name another
// unit of the list shares to the name of the unit above it.
func parentsOfSameNames(list []core.MyCongress) map[string]string {
	seen := map[string]int{}
	for _, m := range list {
		seen[m.UnitName]++
	}
	out := map[string]string{}
	for _, m := range list {
		if seen[m.UnitName] > 1 {
			out[m.UnitCode] = m.ParentName
		}
	}
	return out
}

type myPage struct {
	Summary core.MySummary
	Items   []myItem
	Waiting []waitingUnit
	// Holdable counts the cells the bulk form may mark held.
	Holdable int
	Today    string
}

// myFields are the fields of a card's form.
var myFields = []string{"planned_date", "planned_time", "place", "held_date", "delegates_present", "cascade_override_reason"}

// nextStep is the status a card's form moves a congress to.
var nextStep = map[domain.CongressStatus]domain.CongressStatus{
	domain.StatusNotStarted:   domain.StatusPreparing,
	domain.StatusPreparing:    domain.StatusPlanApproved,
	domain.StatusPlanApproved: domain.StatusHeld,
	domain.StatusHeld:         domain.StatusResultsReported,
}

// vi writes an optional day as dd/mm/yyyy ("" for none).
func vi(d *domain.Day) string { return domain.ShowDay(d) }

// dayCell is a day in a downloaded table: a date (tablefile.Day), or an
// empty cell for none.
func dayCell(d *domain.Day) any {
	if d == nil {
		return nil
	}
	return tablefile.Day{Time: d.Time}
}

// holdable reports whether the bulk form may mark m held: a cell whose plan
// is approved, that the user updates.
func holdable(m core.MyCongress) bool {
	return m.Cell && m.May.Update && m.Status == domain.StatusPlanApproved
}

// myPage renders the list; form, when set, is the refused form of the card of code.
func (s *Server) myPage(c echo.Context, p domain.Principal, status int, code string, form *formState) error {
	list, err := s.svc.MyUnits(c.Request().Context(), p)
	if err != nil && !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	parent := parentsOfSameNames(list.Units)
	d := myPage{Summary: list.Summary, Today: domain.TodayDay(s.svc.Clock()).VI(), Waiting: waitingUnits(list.Waiting, parent)}
	for _, m := range list.Units {
		it := myItem{MyCongress: m, Deadline: vi(m.Deadline), Planned: vi(m.PlannedDate), Held: vi(m.HeldDate), Parent: parent[m.UnitCode],
			Correct: m.May.Update && (m.Status == domain.StatusPlanApproved || m.Status.Held()), Present: itoa(m.DelegatesPresent)}
		if next, ok := nextStep[m.Status]; ok && m.May.Update && !(next == domain.StatusPlanApproved && m.WaitsForPlan()) {
			it.Next = next
		}
		switch {
		case m.UnitCode != code:
		case form != nil && form.Value("form") == "correct":
			it.FixForm = form
		default:
			it.Form = form
		}
		if holdable(m) {
			d.Holdable++
		}
		d.Items = append(d.Items, it)
	}
	return s.page(c, status, "my.html", &p.User, d)
}

// handleMyUnits lists the signed-in user's congresses.
func (s *Server) handleMyUnits(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.myPage(c, *p, http.StatusOK, "", nil)
}

// patchOf reads a card's form: the status it moves to and the values typed.
func patchOf(c echo.Context) domain.CongressPatch {
	version, _ := strconv.Atoi(c.FormValue("version"))
	patch := domain.CongressPatch{Version: version}
	text := func(name string) *string {
		if v := strings.TrimSpace(c.FormValue(name)); v != "" {
			return &v
		}
		return nil
	}
	patch.Status, patch.PlannedDate, patch.HeldDate = text("status"), text("planned_date"), text("held_date")
	patch.PlannedTime, patch.Place = text("planned_time"), text("place")
	patch.CascadeOverrideReason = text("cascade_override_reason")
	patch.DelegatesPresent = countOf(c.FormValue("delegates_present"))
	return patch
}

// countOf reads a count typed in a form: nil when empty, -1 when it is not a
// whole number (which the rules refuse with their message).
func countOf(v string) *int {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		n = -1
	}
	return &n
}

// handleMyUnitSubmit moves a congress one step with the form's values. A
// refusal shows the list again with the card's form as typed.
func (s *Server) handleMyUnitSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var cg domain.Congress
	err = blankDay(c)
	if err == nil {
		cg, err = s.svc.UpdateCongress(c.Request().Context(), *p, code, 0, patchOf(c))
	}
	if de := domain.AsError(err); de != nil && (de.Code == domain.EInvalid || de.Code == domain.EConflict) {
		form := typedForm(c)
		form.refuse(err, pageLang(c, &p.User), myFields, nil)
		status := http.StatusUnprocessableEntity
		if form.Stale {
			form = &formState{Stale: true} // the current values, not the stale ones
			status = http.StatusConflict
		}
		return s.myPage(c, *p, status, code, form)
	}
	if err != nil {
		return err
	}
	s.flash(c, s.text(c, &p.User, "saved", map[string]any{"Unit": cg.UnitName}))
	return c.Redirect(http.StatusSeeOther, "/my#"+domID(code))
}

// blankDay refuses a card's form whose required day is blank: a
// correction whose day was emptied (sent as is it would change nothing and
// say "updated"), or an approved plan without the day it plans the
// congress for (the form asks for it).
func blankDay(c echo.Context) error {
	var days []string
	switch {
	case c.FormValue("form") == "correct":
		for _, name := range []string{"held_date", "planned_date"} {
			if _, sent := c.Request().PostForm[name]; sent {
				days = append(days, name)
			}
		}
	case c.FormValue("status") == string(domain.StatusPlanApproved):
		days = []string{"planned_date"}
	}
	var v domain.Validation
	for _, name := range days {
		if strings.TrimSpace(c.FormValue(name)) == "" {
			v.Add(name, "Cần nhập ngày (dd/mm/yyyy)", "a day (dd/mm/yyyy) is required")
		}
	}
	return v.Err()
}

// signInFirst sends a visitor without a session to the sign-in page.
func (s *Server) signInFirst(c echo.Context, err error) error {
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
