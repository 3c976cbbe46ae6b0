package web

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// calendarPage is the calendar of a unit's subtree or a working group: a
// month grid and an agenda (the agenda alone on a phone unless the month is
// asked for), with filters and the conflicts found.
type calendarPage struct {
	core.Calendar
	// Base is the page's path.
	Base string
	// View is "month", "agenda" or "" (both, the screen's width decides).
	View  string
	Month string // the month shown, "04/2020"
	// OneDay is set when the range is a single day (the page a day's
	// "more" link opens): its agenda in full, with the days around it and
	// the way back to its month (MonthURL).
	OneDay bool
	// PrevURL and NextURL open the months (or, for OneDay, the days)
	// before and after; XLSXURL downloads what is shown. Every link keeps
	// the filters.
	PrevURL, NextURL, XLSXURL, MonthURL string
	Weeks                               [][]calendarDay
	Agenda                              []calendarDay
	Groups                              []domain.GroupSummary
	// UnitCode is the unit whose calendar it is ("" for a group's).
	UnitCode string
}

// calendarDay is a day of the calendar with its events, and how many more
// it has than are shown (More), which its own page (MoreURL) shows.
type calendarDay struct {
	Day     domain.Day
	InMonth bool
	Today   bool
	Events  []domain.CalendarEvent
	More    int
	MoreURL string
}

// A month of a province or of the nation holds thousands of congresses: a
// day of its grid shows the first gridPerDay events, a day of its agenda the
// first agendaPerDay, each with a link to the whole day. A calendar of one
// day shows all of its events.
const (
	gridPerDay   = 5
	agendaPerDay = 30
)

// calendarView lays cal out: the weeks of its month (Monday first) and its
// days with events, each day's events cut as said above, with dayURL the
// page of a day cut.
func calendarView(cal core.Calendar, today domain.Day, dayURL func(domain.Day) string) ([][]calendarDay, []calendarDay) {
	byDay := map[string][]domain.CalendarEvent{}
	for _, e := range cal.Events {
		byDay[e.Day.String()] = append(byDay[e.Day.String()], e)
	}
	whole := cal.OneDay()
	day := func(d domain.Day, in bool, limit int) calendarDay {
		evs := byDay[d.String()]
		cd := calendarDay{Day: d, InMonth: in, Today: d == today, Events: evs}
		if whole {
			return cd
		}
		if len(evs) > limit {
			cd.Events = evs[:limit]
		}
		// A calendar cut day by day (core.Calendar.PerDay) lists some of a
		// day's events and counts them all.
		if total := max(len(evs), cal.DayTotals[d.String()]); total > len(cd.Events) {
			cd.More, cd.MoreURL = total-len(cd.Events), dayURL(d)
		}
		return cd
	}
	var agenda []calendarDay
	for d := cal.From; !d.After(cal.To); d = d.AddDays(1) {
		if len(byDay[d.String()]) > 0 {
			agenda = append(agenda, day(d, true, agendaPerDay))
		}
	}
	first := cal.From
	offset := (int(first.Time.Weekday()) + 6) % 7 // Monday is 0
	start := first.AddDays(-offset)
	var weeks [][]calendarDay
	for d := start; !d.After(cal.To) || len(weeks) == 0 || len(weeks[len(weeks)-1]) < 7; d = d.AddDays(1) {
		if len(weeks) == 0 || len(weeks[len(weeks)-1]) == 7 {
			if d.After(cal.To) {
				break
			}
			weeks = append(weeks, nil)
		}
		in := !d.Before(cal.From) && !d.After(cal.To)
		weeks[len(weeks)-1] = append(weeks[len(weeks)-1], day(d, in, gridPerDay))
	}
	return weeks, agenda
}

// monthOf is the input of the calendar of the month of ?month (YYYY-MM),
// else of ?from..?to, else of this month; a month not so written is
// refused.
func monthOf(c echo.Context) (core.CalendarInput, error) {
	in := calendarInput(c)
	if m := strings.TrimSpace(c.QueryParam("month")); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			return in, domain.Invalid("month", fmt.Sprintf("Tháng %q không đúng dạng năm-tháng, ví dụ 2020-04", domain.ShowText(m, 20)),
				fmt.Sprintf("month %q is not year-month, such as 2020-04", domain.ShowText(m, 20)))
		}
		in.From = t.Format("2006-01-02")
		in.To = t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return in, nil
}

// handleCalendarPage shows the calendar of a unit's subtree.
func (s *Server) handleCalendarPage(c echo.Context) error {
	return s.calendarPage(c, false)
}

// handleGroupCalendarPage shows the calendar of a working group's units.
func (s *Server) handleGroupCalendarPage(c echo.Context) error {
	return s.calendarPage(c, true)
}

func (s *Server) calendarPage(c echo.Context, group bool) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	in, err := monthOf(c)
	if err != nil {
		return err
	}
	var d calendarPage
	if group {
		id, err := groupPathID(c)
		if err != nil {
			return err
		}
		if d.Calendar, err = s.svc.GroupCalendar(ctx, *p, id, in); err != nil {
			return err
		}
		d.Base = "/groups/" + strconv.FormatInt(id, 10) + "/calendar"
	} else {
		code, err := codeParam(c)
		if err != nil {
			return err
		}
		if d.Calendar, err = s.svc.Calendar(ctx, *p, code, in); err != nil {
			return err
		}
		d.Base, d.UnitCode = "/units/"+code+"/calendar", code
		if gb, err := s.svc.WorkGroups(ctx, *p, code); err == nil {
			d.Groups = gb.Groups
		}
	}
	switch v := c.QueryParam("view"); v {
	case "month", "agenda":
		d.View = v
	}
	// The links are whole URLs, made here: the template then leaves their
	// query as it is.
	filters := url.Values{}
	if d.Kind != "" {
		filters.Set("kind", string(d.Kind))
	}
	if d.Group != 0 && !group {
		filters.Set("group", strconv.FormatInt(d.Group, 10))
	}
	link := func(base, view string, set ...string) string {
		v := maps.Clone(filters)
		if view != "" {
			v.Set("view", view)
		}
		for i := 0; i+1 < len(set); i += 2 {
			v.Set(set[i], set[i+1])
		}
		return base + "?" + v.Encode()
	}
	d.Month = d.From.Time.Format("01/2006")
	if d.OneDay = d.Calendar.OneDay(); d.OneDay {
		prev, next := d.From.AddDays(-1).String(), d.From.AddDays(1).String()
		d.PrevURL = link(d.Base, d.View, "from", prev, "to", prev)
		d.NextURL = link(d.Base, d.View, "from", next, "to", next)
		d.MonthURL = link(d.Base, "", "month", d.From.Time.Format("2006-01"))
	} else {
		d.PrevURL = link(d.Base, d.View, "month", d.From.Time.AddDate(0, -1, 0).Format("2006-01"))
		d.NextURL = link(d.Base, d.View, "month", d.From.Time.AddDate(0, 1, 0).Format("2006-01"))
	}
	if d.UnitCode != "" && d.Calendar.Whole() {
		d.XLSXURL = link("/units/"+d.UnitCode+"/calendar.xlsx", "", "from", d.From.String(), "to", d.To.String())
	}
	d.Weeks, d.Agenda = calendarView(d.Calendar, domain.TodayDay(s.svc.Clock()), func(day domain.Day) string {
		return link(d.Base, "agenda", "from", day.String(), "to", day.String())
	})
	return s.page(c, http.StatusOK, "calendar.html", &p.User, d)
}

// handleCalendarXLSX downloads the calendar of a unit's subtree (the range
// and filters of the page) as XLSX, headings in the user's language.
func (s *Server) handleCalendarXLSX(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	in, err := monthOf(c)
	if err != nil {
		return err
	}
	cal, err := s.svc.CalendarFile(c.Request().Context(), *p, code, in)
	if err != nil {
		return err
	}
	u := &p.User
	tr := func(id string) string { return s.text(c, u, id, nil) }
	t := tablefile.Table{Sheet: tr("cal_title"), Header: []string{tr("cal_col_day"), tr("cal_col_time"), tr("cal_col_kind"),
		tr("col_code"), tr("dash_col_unit"), tr("cal_col_title"), tr("field_place"), tr("cal_col_status"), tr("cal_col_attended"), tr("cal_col_conflict")}}
	for _, e := range cal.Events {
		var attended any = ""
		if e.Attended != nil {
			attended = *e.Attended
		}
		conflict := ""
		if e.Conflict {
			conflict = tr("cal_conflict")
		}
		t.Rows = append(t.Rows, []any{dayCell(&e.Day), domain.ShowClockTime(e.Start), tr("cal_kind_" + string(e.Kind)), e.UnitCode, e.UnitName,
			e.Title, e.Place, tr("cal_status_" + string(e.Status)), attended, conflict})
	}
	var buf bytes.Buffer
	if err := tablefile.WriteXLSX(&buf, t); err != nil {
		return err
	}
	name := cal.Unit.Name + " " + strings.ReplaceAll(code, ".", "-") + "-" + cal.From.String() + "-" + cal.To.String() + ".xlsx"
	c.Response().Header().Set(echo.HeaderContentDisposition, download.Attachment(name))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// sessionsPage lists a unit's training sessions, with the form to add one
// (and to change each) for its board.
type sessionsPage struct {
	Unit     domain.UnitRef
	Sessions []domain.TrainingSession
	May      bool
	// Form is the refused form, of the session FormID (0: the new one).
	Form   *formState
	FormID int64
}

// sessionFields are the fields of a session's form.
var sessionFields = []string{"title", "day", "start_time", "place", "invited", "attended"}

// handleSessionsPage lists the training sessions held by a unit's subtree.
func (s *Server) handleSessionsPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	return s.sessionsPage(c, *p, code, http.StatusOK, nil, 0)
}

func (s *Server) sessionsPage(c echo.Context, p domain.Principal, code string, status int, form *formState, formID int64) error {
	ctx := c.Request().Context()
	list, err := s.svc.TrainingSessions(ctx, p, code)
	if err != nil {
		return err
	}
	u, err := s.svc.Unit(ctx, p, code)
	if err != nil {
		return err
	}
	d := sessionsPage{Unit: domain.UnitRef{Code: u.Code, Name: u.Name, Kind: u.Kind}, Sessions: list,
		May: p.Can(domain.ActManage, u.Path), Form: form, FormID: formID}
	return s.page(c, status, "sessions.html", &p.User, d)
}

// sessionInputOf reads a session's form; the units invited are codes
// separated by commas, spaces or lines.
func sessionInputOf(c echo.Context) domain.SessionInput {
	version, _ := strconv.Atoi(c.FormValue("version"))
	in := domain.SessionInput{Title: c.FormValue("title"), Day: c.FormValue("day"), StartTime: c.FormValue("start_time"),
		Place: c.FormValue("place"), Attended: countOf(c.FormValue("attended")), Version: version}
	in.Invited = strings.FieldsFunc(c.FormValue("invited"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	return in
}

// handleSessionSubmit adds a session (POST /units/{code}/sessions), or
// changes or cancels one (POST /sessions/{id}, action=cancel to call it
// off). A refusal shows the list again with the form as typed.
func (s *Server) handleSessionSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	in := sessionInputOf(c)
	var t domain.TrainingSession
	var code string
	var id int64
	if c.Param("code") != "" {
		if code, err = codeParam(c); err != nil {
			return err
		}
		t, err = s.svc.CreateTrainingSession(ctx, *p, code, in)
	} else {
		if id, err = sessionPathID(c); err != nil {
			return err
		}
		cur, gerr := s.svc.TrainingSession(ctx, *p, id)
		if gerr != nil {
			return gerr
		}
		code = cur.UnitCode
		if c.FormValue("action") == "cancel" {
			t, err = s.svc.CancelTrainingSession(ctx, *p, id, in.Version)
		} else {
			t, err = s.svc.UpdateTrainingSession(ctx, *p, id, in)
		}
	}
	if de := domain.AsError(err); de != nil && (de.Code == domain.EInvalid || de.Code == domain.EConflict) {
		form := typedForm(c)
		form.refuse(err, pageLang(c, &p.User), sessionFields, nil)
		return s.sessionsPage(c, *p, code, statusOf[de.Code], form, id)
	}
	if err != nil {
		return err
	}
	s.flash(c, s.text(c, &p.User, "sessions_saved", map[string]any{"Title": t.Title}))
	return c.Redirect(http.StatusSeeOther, "/units/"+t.UnitCode+"/sessions")
}

// handleFeedSubmit makes (action=create; a new one replaces the old) or
// revokes (action=revoke) the user's calendar feed. A new feed's address is
// shown once, on the profile page answered.
func (s *Server) handleFeedSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	if c.FormValue("action") == "revoke" {
		if err := s.svc.RevokeCalendarFeed(ctx, *p); err != nil {
			return err
		}
		s.flash(c, s.text(c, &p.User, "feed_revoked", nil))
		return c.Redirect(http.StatusSeeOther, "/profile")
	}
	tok, err := s.svc.CreateCalendarFeed(ctx, *p)
	if err != nil {
		return err
	}
	return s.profilePageWith(c, p, http.StatusOK, "", nil, s.opts.BaseURL+"/calendar/"+tok+".ics")
}

// handleRemindersSubmit turns the user's daily reminders on (on=1) or off.
func (s *Server) handleRemindersSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	on, err := formCheckbox(c, "on")
	if err != nil {
		return err
	}
	if err := s.svc.SetReminders(c.Request().Context(), *p, on); err != nil {
		return err
	}
	msg := "reminders_off_saved"
	if on {
		msg = "reminders_on_saved"
	}
	s.flash(c, s.text(c, &p.User, msg, nil))
	return c.Redirect(http.StatusSeeOther, "/profile")
}

// sessionFormView is a session's form: as typed when it was refused, else
// the session's values (empty for a new one).
type sessionFormView struct {
	CSRF, Action                                string
	ID                                          int64
	Version                                     int
	Form                                        *formState
	Title, Day, Start, Place, Invited, Attended string
}

// sessionFormOf is the form of the session id (0: new) on the sessions
// page pd, at version, posted to action, with the values of session (a
// domain.TrainingSession; nil for none).
func sessionFormOf(pd pageData, id int64, version int, action string, session any) sessionFormView {
	v := sessionFormView{CSRF: pd.CSRF, Action: action, ID: id, Version: version}
	if d, ok := pd.Data.(sessionsPage); ok && d.Form != nil && d.FormID == id {
		f := d.Form
		v.Form = f
		v.Title, v.Day, v.Start, v.Place = f.Value("title"), f.Value("day"), f.Value("start_time"), f.Value("place")
		v.Invited, v.Attended = f.Value("invited"), f.Value("attended")
		return v
	}
	if cur, ok := session.(domain.TrainingSession); ok {
		v.Title, v.Day, v.Start, v.Place = cur.Title, cur.Day.VI(), domain.ShowClockTime(cur.Start), cur.Place
		codes := make([]string, len(cur.Invited))
		for i, u := range cur.Invited {
			codes[i] = u.Code
		}
		v.Invited = strings.Join(codes, ", ")
		if cur.Attended != nil {
			v.Attended = strconv.Itoa(*cur.Attended)
		}
	}
	return v
}

// weekdayOf names the day of the week of d: "mon" … "sun" (messages cal_wd_*).
func weekdayOf(d domain.Day) string {
	return [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d.Time.Weekday()]
}

// feedSince is the day a feed was made, dd/mm/yyyy in Asia/Ho_Chi_Minh.
func feedSince(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Location).Format("02/01/2006")
}
