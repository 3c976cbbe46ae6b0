package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// A calendar lists at most MaxCalendarEvents events (Options.CalendarMax).
// A range with more (a month of a province or of the nation) lists the
// first CalendarPerDay of each of its days (Options.CalendarPerDay; fewer
// when its days are so many that they would pass the bound), and counts
// them all; the calendar of one day lists its first MaxCalendarEvents.
const (
	MaxCalendarEvents = 5000
	CalendarPerDay    = 30
)

// Calendar is the calendar of a unit's subtree over a range of days: its
// congresses planned and held and its training sessions, day by day, and
// the conflicts among them.
type Calendar struct {
	Unit    domain.UnitRef   `json:"unit"`
	RoundID int64            `json:"round_id"`
	From    domain.Day       `json:"from"`
	To      domain.Day       `json:"to"`
	Kind    domain.EventKind `json:"kind,omitempty"`
	Group   int64            `json:"group,omitempty"`
	// GroupName names the working group of a group's calendar.
	GroupName string                 `json:"group_name,omitempty"`
	Events    []domain.CalendarEvent `json:"events"`
	// Conflicts are those among the events listed: all of them, unless
	// PerDay cut the days (a day's own calendar then has its own).
	Conflicts []domain.EventConflict `json:"conflicts"`
	// Total counts the events of the range, listed or not; DayTotals those
	// of each day with an event listed (by YYYY-MM-DD).
	Total     int            `json:"total"`
	DayTotals map[string]int `json:"day_totals"`
	// PerDay is not 0 when the range had more events than a calendar
	// lists: each day lists its first PerDay.
	PerDay int `json:"per_day,omitempty"`
	// Truncated: the calendar of one day had more events than a calendar
	// lists, and lists the first.
	Truncated bool `json:"truncated"`
	// MayPlanSessions: the caller may hold training sessions for the unit.
	MayPlanSessions bool `json:"may_plan_sessions"`
}

// Whole reports whether the calendar lists every event of its range: only
// such a calendar is made into a file (CalendarFile).
func (c Calendar) Whole() bool { return c.PerDay == 0 && !c.Truncated }

// OneDay reports whether the calendar is of a single day.
func (c Calendar) OneDay() bool { return c.From.String() == c.To.String() }

// CalendarInput is a calendar's range and filters as typed: days
// (dd/mm/yyyy or YYYY-MM-DD; see domain.ReadCalendarQuery), the kind of
// events ("congress", "session" or "" for both) and a working group's id
// ("" for every unit).
type CalendarInput struct {
	From, To, Kind, Group string
}

// Calendar returns the calendar of the subtree of the unit with code in
// the current round, for any reader of the unit.
func (s *Service) Calendar(ctx context.Context, p domain.Principal, code string, in CalendarInput) (Calendar, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, 0)
	if err != nil {
		return Calendar{}, err
	}
	q, today, err := s.calendarQuery(in)
	if err != nil {
		return Calendar{}, err
	}
	if g := strings.TrimSpace(in.Group); g != "" {
		if q.Group, err = strconv.ParseInt(g, 10, 64); err != nil || q.Group <= 0 {
			return Calendar{}, domain.Invalid("group", "Tổ công tác không hợp lệ", "not a working group")
		}
		if _, err := s.groupFor(ctx, p, q.Group, false); err != nil {
			return Calendar{}, err
		}
	}
	cal := Calendar{Unit: domain.UnitRef{Code: u.Code, Name: u.Name, Kind: u.Kind}, RoundID: id, From: q.From, To: q.To,
		Kind: q.Kind, Group: q.Group, MayPlanSessions: p.Can(domain.ActManage, u.Path)}
	if err := s.calendarEvents(ctx, &cal, []string{u.Path}, q, today); err != nil {
		return Calendar{}, err
	}
	return cal, nil
}

// CalendarFile is Calendar for a file to download: it refuses a range
// with more events than a calendar lists, since a file that silently
// lacks some would be read as the whole.
func (s *Service) CalendarFile(ctx context.Context, p domain.Principal, code string, in CalendarInput) (Calendar, error) {
	cal, err := s.Calendar(ctx, p, code, in)
	if err == nil && !cal.Whole() {
		limit := s.opts.CalendarMax
		return Calendar{}, domain.Invalid("to",
			fmt.Sprintf("Những ngày này có %d sự kiện, nhiều hơn %d sự kiện một tệp chứa được: hãy tải từng ngày, hoặc lịch của một đơn vị nhỏ hơn", cal.Total, limit),
			fmt.Sprintf("these days hold %d events, more than the %d a file holds: download a day at a time, or a smaller unit's calendar", cal.Total, limit))
	}
	return cal, err
}

// GroupCalendar returns the calendar of the units working group id
// follows, for its members and the readers of the group's unit.
func (s *Service) GroupCalendar(ctx context.Context, p domain.Principal, id int64, in CalendarInput) (Calendar, error) {
	g, err := s.groupFor(ctx, p, id, false)
	if err != nil {
		return Calendar{}, err
	}
	q, today, err := s.calendarQuery(in)
	if err != nil {
		return Calendar{}, err
	}
	q.Group = g.ID
	cal := Calendar{Unit: g.Unit, RoundID: g.RoundID, From: q.From, To: q.To, Kind: q.Kind, Group: g.ID, GroupName: g.Name}
	if err := s.calendarEvents(ctx, &cal, []string{g.UnitPath}, q, today); err != nil {
		return Calendar{}, err
	}
	return cal, nil
}

// calendarQuery reads in's range and kind as of today (domain.ReadCalendarQuery).
func (s *Service) calendarQuery(in CalendarInput) (domain.CalendarQuery, domain.Day, error) {
	today := domain.TodayDay(s.clock)
	q, err := domain.ReadCalendarQuery(in.From, in.To, in.Kind, today)
	return q, today, err
}

// calendarEvents lists in cal the events of its round within roots for q
// (at most CalendarMax, or CalendarPerDay a day; see MaxCalendarEvents)
// and finds their conflicts (domain.EventConflicts) from who is expected
// at them.
func (s *Service) calendarEvents(ctx context.Context, cal *Calendar, roots []string, q domain.CalendarQuery, today domain.Day) error {
	// Every day of a cut range fits within the bound: a long range (the
	// API's, up to domain.MaxCalendarDays) lists fewer events a day.
	perDay := max(1, min(s.opts.CalendarPerDay, s.opts.CalendarMax/q.Days()))
	if cal.OneDay() {
		perDay = 0 // a day's own calendar: its first CalendarMax
	}
	sl, err := s.store.CalendarEvents(ctx, cal.RoundID, roots, q, today, s.opts.CalendarMax, perDay)
	if err != nil {
		return err
	}
	cal.Events, cal.Total, cal.DayTotals, cal.PerDay = sl.Events, sl.Total, sl.DayTotals, sl.PerDay
	cal.Truncated = sl.PerDay == 0 && sl.Total > len(sl.Events)
	var codes []string
	for _, e := range cal.Events {
		if e.Kind == domain.EventCongress {
			codes = append(codes, e.UnitCode)
		}
	}
	pres, err := s.store.Presences(ctx, cal.RoundID, codes)
	if err != nil {
		return err
	}
	cal.Conflicts = domain.EventConflicts(cal.Events, pres)
	at := make(map[string]int, len(cal.Events))
	for i, e := range cal.Events {
		at[e.Key] = i
	}
	for _, pr := range pres {
		if i, ok := at[pr.EventKey]; ok && pr.Why == domain.PresenceAttend {
			cal.Events[i].Attendees = append(cal.Events[i].Attendees, pr.FullName)
		}
	}
	return nil
}

// MaxSessions bounds a listing of training sessions.
const MaxSessions = 500

// sessionText names a training session in errors.
var sessionText = domain.Text{VI: "Buổi tập huấn", EN: "Training session"}

// TrainingSessions lists the training sessions of the current round held by the
// units of the subtree of the unit with code or inviting one of them, newest
// first, for any reader, each as the reader sees it (TrainingSession.For).
func (s *Service) TrainingSessions(ctx context.Context, p domain.Principal, code string) ([]domain.TrainingSession, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, 0)
	if err != nil {
		return nil, err
	}
	all, err := s.store.SessionsWithin(ctx, id, u.Path, MaxSessions)
	if err != nil {
		return nil, err
	}
	out := make([]domain.TrainingSession, 0, len(all))
	for _, t := range all {
		if t, ok := t.For(p); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// TrainingSession returns the training session id to a reader of the unit holding it.
func (s *Service) TrainingSession(ctx context.Context, p domain.Principal, id int64) (domain.TrainingSession, error) {
	t, err := s.store.Session(ctx, id)
	if err != nil {
		return t, err
	}
	t, ok := t.For(p)
	if !ok {
		return domain.TrainingSession{}, domain.NotFound(sessionText, strconv.FormatInt(id, 10))
	}
	return t, nil
}

// CreateTrainingSession records a training session held by the unit with code in
// the current round; a board user of the unit (or above) may. The units
// invited must be of its subtree. Audited.
func (s *Service) CreateTrainingSession(ctx context.Context, p domain.Principal, code string, in domain.SessionInput) (domain.TrainingSession, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActManage, code, 0)
	if err != nil {
		return domain.TrainingSession{}, err
	}
	span, err := s.store.RoundSpan(ctx, id)
	if err != nil {
		return domain.TrainingSession{}, err
	}
	f, err := in.Read(span, domain.TodayDay(s.clock))
	if err != nil {
		return domain.TrainingSession{}, err
	}
	return s.store.CreateSession(ctx, p, id, u, f)
}

// UpdateTrainingSession replaces the fields of training session id if in.Version
// is still its version; a board user of its unit may. Audited.
func (s *Service) UpdateTrainingSession(ctx context.Context, p domain.Principal, id int64, in domain.SessionInput) (domain.TrainingSession, error) {
	cur, err := s.TrainingSession(ctx, p, id)
	if err != nil {
		return cur, err
	}
	span, err := s.store.RoundSpan(ctx, cur.RoundID)
	if err != nil {
		return cur, err
	}
	f, err := in.Read(span, domain.TodayDay(s.clock))
	if err != nil {
		return cur, err
	}
	return s.store.UpdateSession(ctx, p, id, store.SessionChange{Fields: &f, Cancelled: cur.Cancelled, Version: in.Version}, s.manageSession(p))
}

// CancelTrainingSession calls training session id off (it is kept, and feeds
// announce the cancellation) if version is still its version; a board user
// of its unit may. Audited.
func (s *Service) CancelTrainingSession(ctx context.Context, p domain.Principal, id int64, version int) (domain.TrainingSession, error) {
	if _, err := s.TrainingSession(ctx, p, id); err != nil {
		return domain.TrainingSession{}, err
	}
	return s.store.UpdateSession(ctx, p, id, store.SessionChange{Cancelled: true, Version: version}, s.manageSession(p))
}

// manageSession refuses a change of a session by p unless p manages its
// unit, on the session as locked.
func (s *Service) manageSession(p domain.Principal) func(domain.TrainingSession) error {
	return func(t domain.TrainingSession) error {
		if !p.Can(domain.ActManage, t.UnitPath) {
			return domain.Forbidden()
		}
		return nil
	}
}
