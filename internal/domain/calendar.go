package domain

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// EventKind is what a calendar event is: a congress or a training session.
type EventKind string

// The kinds of calendar events.
const (
	EventCongress EventKind = "congress"
	EventSession  EventKind = "session"
)

// EventStatus is where a calendar event stands: planned, held, or
// cancelled (a session called off, a congress of a unit closed or merged).
type EventStatus string

// The states of calendar events.
const (
	EventPlanned   EventStatus = "planned"
	EventHeld      EventStatus = "held"
	EventCancelled EventStatus = "cancelled"
)

// EventDuration is how long an event with an opening time is taken to last
// when conflicts are looked for: a congress session is half a day. An event
// without an opening time takes its whole day.
const EventDuration = 4 * time.Hour

// CalendarEvent is one congress or training session on the calendar.
type CalendarEvent struct {
	// Key names the event for good: "congress-<round>-<unit id>" or
	// "session-<id>" (the iCalendar UID is made from it).
	Key      string    `json:"key" db:"key"`
	Kind     EventKind `json:"kind" db:"kind"`
	UnitCode string    `json:"unit_code" db:"unit_code"`
	UnitName string    `json:"unit_name" db:"unit_name"`
	UnitKind string    `json:"unit_kind" db:"unit_kind"`
	UnitPath string    `json:"-" db:"unit_path"`
	// Parent names the unit directly above (tells apart cells of the same name).
	Parent string `json:"parent,omitempty" db:"parent_name"`
	// Title is a session's title; a congress's is its unit's name.
	Title  string      `json:"title" db:"title"`
	Day    Day         `json:"day" db:"day"`
	Start  *ClockTime  `json:"start_time" db:"start_time"`
	Place  string      `json:"place" db:"place"`
	Status EventStatus `json:"status" db:"status"`
	// Pilot: a pilot congress.
	Pilot bool `json:"pilot,omitempty" db:"pilot"`
	// Invited counts the units invited to a session; Attended is how many
	// came to it (nil: not recorded).
	Invited  int  `json:"invited,omitempty" db:"invited"`
	Attended *int `json:"attended,omitempty" db:"attended"`
	// Sequence grows with every change of the event (the record's version).
	Sequence  int       `json:"sequence" db:"sequence"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
	// Conflict: someone expected at this event is expected at another one
	// at the same time (see EventConflicts).
	Conflict bool `json:"conflict" db:"-"`
	// Attendees name who a working group named to attend the congress.
	Attendees []string `json:"attendees,omitempty" db:"-"`
}

// Span returns when e takes place, in Asia/Ho_Chi_Minh: from its opening
// time for EventDuration, or its whole day.
func (e CalendarEvent) Span() (from, to time.Time) {
	if e.Start != nil {
		from = e.Start.On(e.Day)
		return from, from.Add(EventDuration)
	}
	from = ClockTime{}.On(e.Day)
	return from, from.AddDate(0, 0, 1)
}

// Overlaps reports whether e and o take place at the same time.
func (e CalendarEvent) Overlaps(o CalendarEvent) bool {
	a0, a1 := e.Span()
	b0, b1 := o.Span()
	return a0.Before(b1) && b0.Before(a1)
}

// Presence says that a person is expected at an event: a member of a
// working group to attend it, or a secretary at her unit's congress and
// those of the cells under it.
type Presence struct {
	UserID   int64  `json:"-" db:"user_id"`
	Username string `json:"username" db:"username"`
	FullName string `json:"full_name" db:"full_name"`
	EventKey string `json:"event" db:"event_key"`
	// Why the person is expected: PresenceAttend, PresenceOwn or PresenceBelow.
	Why string `json:"why" db:"why"`
}

// Why a person is expected at a congress.
const (
	// PresenceAttend: named by a working group to attend it.
	PresenceAttend = "attend"
	// PresenceOwn: the secretary of the unit holding it.
	PresenceOwn = "own"
	// PresenceBelow: the secretary of the unit directly above, who guides it.
	PresenceBelow = "below"
)

// takesTheDay reports whether being expected at a congress for why a and
// at another for why b on the same day conflicts whatever their hours: a
// secretary at her own unit's congress, or attending one for a working
// group, has her day taken, and cannot guide her cells' congresses that day.
func takesTheDay(a, b string) bool {
	whole := func(w string) bool { return w == PresenceOwn || w == PresenceAttend }
	return a == PresenceBelow && whole(b) || b == PresenceBelow && whole(a)
}

// EventConflict is a person expected at two events that take place at the same time.
type EventConflict struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Day      Day    `json:"day"`
	// A and B are the keys of the two events, A the earlier (by opening, then key).
	A string `json:"a"`
	B string `json:"b"`
	// AName and BName name the events (the unit's name, or the session's title).
	AName string `json:"a_name"`
	BName string `json:"b_name"`
}

// EventConflicts finds, among events, every pair that a person of presences is
// expected at and that overlap, or that fall on the same day when one of
// them takes the person's day (takesTheDay: a ward's cells planned on a day
// its secretary is at another congress); cancelled events never conflict.
// They come in the order of day, person and events; it marks those events
// in events.
func EventConflicts(events []CalendarEvent, presences []Presence) []EventConflict {
	byKey := make(map[string]int, len(events))
	for i, e := range events {
		byKey[e.Key] = i
	}
	perPerson := map[string][]int{}
	names := map[string]string{}
	why := map[[2]string]string{}
	for _, p := range presences {
		i, ok := byKey[p.EventKey]
		k := [2]string{p.Username, p.EventKey}
		if !ok || events[i].Status == EventCancelled {
			continue
		}
		if w, seen := why[k]; seen {
			if w != PresenceBelow || p.Why == PresenceBelow {
				continue
			}
			why[k] = p.Why // expected for a reason that takes the day
			continue
		}
		why[k] = p.Why
		perPerson[p.Username] = append(perPerson[p.Username], i)
		names[p.Username] = p.FullName
	}
	out := []EventConflict{}
	for user, idx := range perPerson {
		sort.Slice(idx, func(a, b int) bool { return eventBefore(events[idx[a]], events[idx[b]]) })
		for a := 0; a < len(idx); a++ {
			for b := a + 1; b < len(idx); b++ {
				ea, eb := events[idx[a]], events[idx[b]]
				if eb.Day.After(ea.Day) {
					break
				}
				if !ea.Overlaps(eb) && !takesTheDay(why[[2]string{user, ea.Key}], why[[2]string{user, eb.Key}]) {
					continue
				}
				events[idx[a]].Conflict, events[idx[b]].Conflict = true, true
				out = append(out, EventConflict{Username: user, FullName: names[user], Day: ea.Day,
					A: ea.Key, B: eb.Key, AName: ea.Name(), BName: eb.Name()})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Day.Time.Equal(b.Day.Time) {
			return a.Day.Before(b.Day)
		}
		if a.Username != b.Username {
			return a.Username < b.Username
		}
		return a.A+"|"+a.B < b.A+"|"+b.B
	})
	return out
}

// Name is what the calendar calls e: a session's title, a congress's unit
// (with the unit above it, "Chi bộ số 2, Đảng bộ phường Bạch Mai").
func (e CalendarEvent) Name() string {
	switch {
	case e.Kind == EventSession:
		return e.Title
	case e.Parent != "":
		return e.UnitName + ", " + e.Parent
	}
	return e.UnitName
}

// eventBefore orders events by day, opening (none first: the whole day), key.
func eventBefore(a, b CalendarEvent) bool {
	if !a.Day.Time.Equal(b.Day.Time) {
		return a.Day.Before(b.Day)
	}
	am, bm := -1, -1
	if a.Start != nil {
		am = a.Start.Minutes
	}
	if b.Start != nil {
		bm = b.Start.Minutes
	}
	if am != bm {
		return am < bm
	}
	return a.Key < b.Key
}

// MaxCalendarDays bounds the span of one calendar query.
const MaxCalendarDays = 400

// CalendarQuery is what a calendar shows: the days from From to To (both
// included), of one kind of event ("": both), of one working group's units
// (0: every unit of the scope).
type CalendarQuery struct {
	From, To Day
	Kind     EventKind
	Group    int64
}

// Days counts the days of the range, both ends included.
func (q CalendarQuery) Days() int { return DaysBetween(q.From.Time, q.To.Time) + 1 }

// ReadCalendarQuery reads a calendar's range and filters as typed (days
// dd/mm/yyyy or YYYY-MM-DD; "" for from is the first day of today's month,
// "" for to the last day of from's month) and refuses, naming each field,
// what does not read.
func ReadCalendarQuery(from, to, kind string, today Day) (CalendarQuery, error) {
	var v Validation
	q := CalendarQuery{Kind: EventKind(strings.TrimSpace(kind))}
	f, okF := ReadDay(&v, "from", strings.TrimSpace(from), false)
	t, okT := ReadDay(&v, "to", strings.TrimSpace(to), false)
	switch {
	case f != nil:
		q.From = *f
	case t != nil: // the month of the last day asked
		q.From = DayOf(time.Date(t.Time.Year(), t.Time.Month(), 1, 0, 0, 0, 0, time.UTC))
	default:
		q.From = DayOf(time.Date(today.Time.Year(), today.Time.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	switch {
	case t != nil:
		q.To = *t
	default:
		q.To = DayOf(time.Date(q.From.Time.Year(), q.From.Time.Month()+1, 0, 0, 0, 0, 0, time.UTC))
	}
	if okF && okT {
		switch days := q.Days() - 1; {
		case days < 0:
			v.Add("to", "Ngày kết thúc trước ngày bắt đầu", "to is before from")
		case days >= MaxCalendarDays:
			v.Add("to", fmt.Sprintf("Tối đa %d ngày một lần", MaxCalendarDays), fmt.Sprintf("at most %d days at a time", MaxCalendarDays))
		}
	}
	switch q.Kind {
	case "", EventCongress, EventSession:
	default:
		v.Add("kind", fmt.Sprintf("Loại %q không có; dùng congress hoặc session", ShowText(kind, 20)),
			fmt.Sprintf("no kind %q; use congress or session", ShowText(kind, 20)))
	}
	return q, v.Err()
}

// TrainingSession is a training session (tập huấn) a unit's board holds
// for the committees of units of its subtree.
type TrainingSession struct {
	ID       int64      `json:"id" db:"id"`
	RoundID  int64      `json:"round_id" db:"round_id"`
	UnitCode string     `json:"unit_code" db:"unit_code"`
	UnitName string     `json:"unit_name" db:"unit_name"`
	UnitPath string     `json:"-" db:"unit_path"`
	Title    string     `json:"title" db:"title"`
	Day      Day        `json:"day" db:"day"`
	Start    *ClockTime `json:"start_time" db:"start_time"`
	Place    string     `json:"place" db:"place"`
	// Invited are the units invited (those the reader may read: see For),
	// InvitedPaths their paths; InvitedOthers counts the others.
	Invited       []UnitRef `json:"invited" db:"-"`
	InvitedPaths  []string  `json:"-" db:"-"`
	InvitedOthers int       `json:"invited_others,omitempty" db:"-"`
	Attended      *int      `json:"attended" db:"attended"`
	Cancelled     bool      `json:"cancelled" db:"cancelled"`
	Version       int       `json:"version" db:"version"`
	UpdatedAt     time.Time `json:"updated_at" db:"updated_at"`
	// MayChange: the reader may change or cancel it (the board of its unit).
	MayChange bool `json:"may_change" db:"-"`
}

// InvitedCount counts the units invited, seen or not.
func (t TrainingSession) InvitedCount() int { return len(t.Invited) + t.InvitedOthers }

// For returns the session as p sees it, and whether p sees it at all: a
// reader of its unit sees all of it; a reader of a unit invited sees it
// too, but of the units invited only those they read (the others are
// counted), as outside one's scope a unit does not exist.
func (t TrainingSession) For(p Principal) (TrainingSession, bool) {
	t.MayChange = p.Can(ActManage, t.UnitPath)
	if p.Can(ActRead, t.UnitPath) {
		return t, true
	}
	var invited []UnitRef
	var paths []string
	for i, u := range t.Invited {
		if i < len(t.InvitedPaths) && p.Can(ActRead, t.InvitedPaths[i]) {
			invited, paths = append(invited, u), append(paths, t.InvitedPaths[i])
		}
	}
	if len(invited) == 0 {
		return TrainingSession{}, false
	}
	t.InvitedOthers = len(t.Invited) - len(invited)
	t.Invited, t.InvitedPaths = invited, paths
	return t, true
}

// SessionSnapshot is what the audit log keeps of a session.
type SessionSnapshot struct {
	Title     string     `json:"title"`
	Day       Day        `json:"day"`
	Start     *ClockTime `json:"start_time,omitempty"`
	Place     string     `json:"place,omitempty"`
	Invited   []string   `json:"invited"`
	Attended  *int       `json:"attended,omitempty"`
	Cancelled bool       `json:"cancelled,omitempty"`
}

// Snapshot returns the recorded fields of s.
func (s TrainingSession) Snapshot() SessionSnapshot {
	inv := make([]string, len(s.Invited))
	for i, u := range s.Invited {
		inv[i] = u.Code
	}
	return SessionSnapshot{Title: s.Title, Day: s.Day, Start: s.Start, Place: s.Place, Invited: inv,
		Attended: s.Attended, Cancelled: s.Cancelled}
}

// SessionInput is a training session as typed: every field (a change
// replaces them all). Version is the version read (0 when creating).
type SessionInput struct {
	Title     string   `json:"title" input:"required"`
	Day       string   `json:"day" input:"required"`
	StartTime string   `json:"start_time" input:"nullable"`
	Place     string   `json:"place" input:"nullable"`
	Invited   []string `json:"invited"`
	Attended  *int     `json:"attended"`
	Version   int      `json:"version"`
}

// MaxSessionTitle bounds a session's title; MaxSessionInvited the units invited.
const (
	MaxSessionTitle   = 300
	MaxSessionInvited = 2000
)

// SessionFields are a session input read and checked.
type SessionFields struct {
	Title    string
	Day      Day
	Start    *ClockTime
	Place    string
	Invited  []string
	Attended *int
}

// Read checks in and returns its fields, every refusal naming its field:
// a title (one line, at most MaxSessionTitle), a day within the round's
// span, an optional time and place, invited unit codes that a unit could
// have (duplicates dropped), attended from 0 to MaxDelegates.
func (in SessionInput) Read(span RoundSpan, today Day) (SessionFields, error) {
	var v Validation
	var out SessionFields
	n := len(v.Fields)
	out.Title = CheckText(&v, 0, "title", in.Title, OneLine)
	if len(v.Fields) == n {
		switch l := utf8.RuneCountInString(out.Title); {
		case l == 0:
			v.Add("title", "Cần tên buổi tập huấn", "a title is required")
		case l > MaxSessionTitle:
			v.Add("title", fmt.Sprintf("Tối đa %d ký tự", MaxSessionTitle), fmt.Sprintf("at most %d characters", MaxSessionTitle))
		}
	}
	if d, ok := ReadDay(&v, "day", strings.TrimSpace(in.Day), true); ok && d != nil {
		span.CheckDay(&v, "day", *d)
		out.Day = *d
	}
	out.Start, _ = ReadClockTime(&v, "start_time", in.StartTime)
	out.Place = ReadPlace(&v, "place", in.Place)
	seen := map[string]bool{}
	for _, c := range in.Invited {
		code, ok := ParseCode(c)
		switch {
		case strings.TrimSpace(c) == "":
			continue
		case !ok:
			v.Add("invited", fmt.Sprintf("Không có đơn vị %q", ShowText(c, 64)), fmt.Sprintf("no unit %q", ShowText(c, 64)))
			continue
		case seen[code]:
			continue
		}
		seen[code] = true
		out.Invited = append(out.Invited, code)
	}
	if len(out.Invited) > MaxSessionInvited {
		v.Add("invited", fmt.Sprintf("Tối đa %d đơn vị", MaxSessionInvited), fmt.Sprintf("at most %d units", MaxSessionInvited))
	}
	checkCount(&v, "attended", in.Attended, &out.Attended)
	if out.Attended != nil && !out.Day.Time.IsZero() && out.Day.After(today) {
		v.Add("attended", fmt.Sprintf("Buổi tập huấn chưa diễn ra (ngày %s): ghi số người dự sau buổi tập huấn", out.Day.VI()),
			fmt.Sprintf("the session has not taken place yet (on %s): record who attended after it", out.Day.VI()))
	}
	return out, v.Err()
}

// Notices are a user's settings of the calendar feed and daily reminders.
type Notices struct {
	// Feed: the user has a calendar feed; FeedSince is when it was made.
	Feed      bool       `json:"feed" db:"feed"`
	FeedSince *time.Time `json:"feed_since" db:"feed_since"`
	// Reminders: the user gets the daily reminders.
	Reminders bool `json:"reminders" db:"reminders"`
}
