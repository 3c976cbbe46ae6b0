package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The pages of the working groups: the board's groups side by side (with
// the form that forms one), a group's page (its members, the units it
// follows, its congresses to come with who attends, those held without
// anyone from it, the notes; the board's forms to change it, the leader's
// to name attendees), and on a unit's page the group's attendee with the
// form to record the attendance. What the caller may do comes from core.

// groupRow is one group on the board's page.
type groupRow struct {
	domain.GroupSummary
	Leader             string
	HeldText, Coverage string
}

type groupsPage struct {
	Board *core.GroupsBoard
	Rows  []groupRow
	Mine  []domain.WorkGroup
}

// groupsUnit is the unit whose groups /groups shows: ?unit=, else the
// highest unit p holds a role of their own on ("" when none).
func groupsUnit(c echo.Context, p domain.Principal) (string, error) {
	if raw := c.QueryParam("unit"); raw != "" {
		return parseCode(raw)
	}
	best, depth := "", 0
	for _, g := range p.Grants {
		if g.Group != "" {
			continue
		}
		if d := strings.Count(g.UnitPath, ".") + 1; best == "" || d < depth {
			best, depth = g.UnitCode, d
		}
	}
	return best, nil
}

// handleGroupsPage shows the working groups of a unit side by side, and the
// caller's own groups.
func (s *Server) handleGroupsPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	lang := pageLang(c, &p.User)
	var d groupsPage
	if d.Mine, err = s.svc.MyWorkGroups(ctx, *p); err != nil && !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	code, err := groupsUnit(c, *p)
	if err != nil {
		return err
	}
	if code != "" {
		b, err := s.svc.WorkGroups(ctx, *p, code)
		switch {
		case domain.IsCode(err, domain.ENotFound) && c.QueryParam("unit") == "":
			// no current round
		case err != nil:
			return err
		default:
			d.Board = &b
			for _, g := range b.Groups {
				r := groupRow{GroupSummary: g, HeldText: fractionText(g.Held, lang), Coverage: fractionText(g.Coverage, lang)}
				if l, ok := g.WorkGroup.Leader(); ok {
					r.Leader = l.FullName
				}
				d.Rows = append(d.Rows, r)
			}
		}
	}
	return s.page(c, http.StatusOK, "groups.html", &p.User, d)
}

// fractionText is "2/5 (40%)", or "–" when there is nothing to count.
func fractionText(sh domain.Share, lang string) string {
	if sh.Total == 0 {
		return "–"
	}
	return domain.Number(sh.Held, lang) + "/" + domain.Number(sh.Total, lang) + " (" + sh.In(lang) + ")"
}

// handleCreateGroupPage forms a group from the board's form and opens its page.
func (s *Server) handleCreateGroupPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	in := domain.GroupInput{Unit: c.FormValue("unit"), Name: c.FormValue("name"), Leader: c.FormValue("leader"),
		Members: strings.FieldsFunc(c.FormValue("members"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == ';' })}
	g, err := s.svc.CreateWorkGroup(c.Request().Context(), *p, in)
	back := "/groups?unit=" + in.Unit
	if err == nil {
		back = "/groups/" + strconv.FormatInt(g.ID, 10)
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "group_created", map[string]any{"Name": g.Name}), back)
}

// upcomingRow is a congress to come on a group's page.
type upcomingRow struct {
	domain.GroupCongress
	Planned string
}

type groupPage struct {
	core.GroupPage
	Units      []dashChild
	Upcoming   []upcomingRow
	Unattended []upcomingRow
	Notes      []upcomingRow
	Coverage   string
}

func rowsOf(cs []domain.GroupCongress) []upcomingRow {
	out := make([]upcomingRow, len(cs))
	for i, c := range cs {
		d := c.PlannedDate
		if c.HeldDate != nil {
			d = c.HeldDate
		}
		out[i] = upcomingRow{GroupCongress: c, Planned: vi(d)}
	}
	return out
}

// handleGroupPage shows a working group's page.
func (s *Server) handleGroupPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	g, err := s.svc.WorkGroupPage(c.Request().Context(), *p, id)
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	d := groupPage{GroupPage: g, Units: childRows(domain.ChildrenProgress{Children: g.Units}, "", lang),
		Upcoming: rowsOf(g.Upcoming), Unattended: rowsOf(g.Unattended), Notes: rowsOf(g.Notes),
		Coverage: fractionText(g.Coverage, lang)}
	return s.page(c, http.StatusOK, "group.html", &p.User, d)
}

// handleGroupAction runs one of the board's forms on a group's page:
// rename, add (or make leader) and remove a member, assign (or move) and
// unassign a unit; and the leader's: name who attends a congress.
func (s *Server) handleGroupAction(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	back := "/groups/" + strconv.FormatInt(id, 10)
	var done string
	switch c.Param("action") {
	case "rename":
		_, err = s.svc.RenameWorkGroup(ctx, *p, id, c.FormValue("name"))
		done = "group_saved"
	case "members":
		var leader bool
		if leader, err = formCheckbox(c, "leader"); err == nil {
			_, err = s.svc.AddWorkGroupMember(ctx, *p, id, c.FormValue("username"), &leader)
		}
		done = "group_saved"
	case "remove-member":
		_, err = s.svc.RemoveWorkGroupMember(ctx, *p, id, c.FormValue("username"))
		done = "group_saved"
	case "units":
		var code string
		if code, err = parseCode(c.FormValue("unit")); err == nil {
			_, err = s.svc.AssignWorkGroupUnit(ctx, *p, id, code)
		}
		done = "group_unit_assigned"
		back += "#units"
	case "remove-unit":
		var code string
		if code, err = parseCode(c.FormValue("unit")); err == nil {
			_, err = s.svc.UnassignWorkGroupUnit(ctx, *p, id, code)
		}
		done = "group_saved"
		back += "#units"
	case "attendee":
		var code string
		if code, err = parseCode(c.FormValue("unit")); err == nil {
			_, err = s.svc.NameAttendee(ctx, *p, code, c.FormValue("username"))
		}
		done = "attendee_named"
		back += "#upcoming"
	default:
		return echo.ErrNotFound
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, done, nil), back, domain.ENotFound)
}

// handleNameAttendeePage names the attendee of a unit's congress from the unit's page.
func (s *Server) handleNameAttendeePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	_, err = s.svc.NameAttendee(c.Request().Context(), *p, code, c.FormValue("username"))
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "attendee_named", nil), "/units/"+code+"#working-group")
}

// handleRecordAttendancePage records the attendance at a unit's congress
// and the attendee's note, from the unit's page.
func (s *Server) handleRecordAttendancePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	in := domain.AttendanceInput{Note: c.FormValue("note")}
	if in.Attended, err = formCheckbox(c, "attended"); err == nil {
		_, err = s.svc.RecordAttendance(c.Request().Context(), *p, code, in)
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "attendance_recorded", nil), "/units/"+code+"#working-group")
}
