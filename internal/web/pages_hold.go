package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The bulk form of "My units": a ward's secretary ticks the cells that held
// their congress on the same day, each with its attendance, and records
// them at once, all or none (core.HoldCongresses). A refusal comes back as
// typed, the day's refusal beside the day and each row's beside its row.

type holdRow struct {
	core.MyCongress
	Picked  bool
	Present string
	// Error is the refusal of the row.
	Error string
}

type holdPage struct {
	Rows []holdRow
	// HeldDate is the day typed; Form the form's refusals (the day's, and
	// those of no row).
	HeldDate string
	Form     *formState
}

// holdField names a row's field on the form: present:<code>.
func holdField(name, code string) string { return name + ":" + code }

// holdPageOf renders the bulk form over the cells p may mark held; typed,
// when set, is the refused form with its refusals by unit code.
func (s *Server) holdPageOf(c echo.Context, p domain.Principal, status int, typed *formState, rowErrors map[string]string) error {
	list, err := s.svc.MyUnits(c.Request().Context(), p)
	if err != nil && !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	d := holdPage{Form: typed}
	for _, m := range list.Units {
		if !holdable(m) {
			continue
		}
		r := holdRow{MyCongress: m, Error: rowErrors[m.UnitCode]}
		if typed != nil {
			r.Picked = typed.Checked("pick", m.UnitCode)
			r.Present = typed.Value(holdField("present", m.UnitCode))
			d.HeldDate = typed.Value("held_date")
		}
		d.Rows = append(d.Rows, r)
	}
	return s.page(c, status, "my_hold.html", &p.User, d)
}

// typedUnpicked are the units of the bulk form whose attendance was typed
// though their row was not ticked.
func typedUnpicked(form map[string][]string) []string {
	picked := map[string]bool{}
	for _, code := range form["pick"] {
		picked[code] = true
	}
	var out []string
	for name, vals := range form {
		code, ok := strings.CutPrefix(name, "present:")
		if ok && !picked[code] && len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
			out = append(out, code)
		}
	}
	return out
}

// handleHoldPage shows the bulk form.
func (s *Server) handleHoldPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.holdPageOf(c, *p, http.StatusOK, nil, nil)
}

// handleHoldSubmit records the cells ticked held on the day typed.
func (s *Server) handleHoldSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	form, _ := c.FormParams()
	if unpicked := typedUnpicked(form); len(unpicked) > 0 {
		// A figure typed on a row left unticked would be dropped without a
		// word: the form comes back, that row asked about.
		msg := s.text(c, &p.User, "bulk_typed_unpicked", nil)
		rowErrors := make(map[string]string, len(unpicked))
		for _, code := range unpicked {
			rowErrors[code] = msg
		}
		typed := typedForm(c)
		return s.holdPageOf(c, *p, http.StatusUnprocessableEntity, typed, rowErrors)
	}
	in := domain.HoldInput{HeldDate: strings.TrimSpace(c.FormValue("held_date"))}
	for _, code := range form["pick"] {
		version, _ := strconv.Atoi(c.FormValue(holdField("version", code)))
		in.Rows = append(in.Rows, domain.HoldRow{UnitCode: code, Version: version, DelegatesPresent: countOf(c.FormValue(holdField("present", code)))})
	}
	held, err := s.svc.HoldCongresses(c.Request().Context(), *p, 0, in)
	if de := domain.AsError(err); de != nil && (de.Code == domain.EInvalid || de.Code == domain.EConflict) {
		lang := pageLang(c, &p.User)
		typed := typedForm(c)
		rowErrors := map[string]string{}
		for _, fe := range de.Fields {
			msg := fe.Message.In(lang)
			switch {
			case fe.Field == "held_date":
				if typed.Errors["held_date"] == "" {
					typed.Errors["held_date"] = msg
				}
			case fe.Row > 0 && fe.Row <= len(in.Rows):
				code := in.Rows[fe.Row-1].UnitCode
				rowErrors[code] = strings.TrimSpace(rowErrors[code] + " " + msg)
			default:
				typed.Other = append(typed.Other, msg)
			}
		}
		return s.holdPageOf(c, *p, http.StatusUnprocessableEntity, typed, rowErrors)
	}
	if err != nil {
		return err
	}
	day, _ := domain.ParseDay(in.HeldDate)
	s.flash(c, s.text(c, &p.User, "bulk_done", map[string]any{"Count": len(held), "Day": day.VI()}))
	return c.Redirect(http.StatusSeeOther, "/my")
}
