package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// The weekly progress report covers one ISO week, Monday to Sunday, named
// as "2020-W14". These are its rules about weeks and about the forecast of
// when a unit's cells will all have held their congress.

// Week is an ISO week.
type Week struct {
	Year, Number int
}

var weekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseWeek reads "2020-W14"; a week that does not exist (W00, W54, or W53
// of a year with 52) is invalid, with its message in both languages.
func ParseWeek(s string) (Week, error) {
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return Week{}, Invalid("week", fmt.Sprintf("Tuần %q phải có dạng 2020-W14", s), fmt.Sprintf("week %q must look like 2020-W14", s))
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	w := Week{Year: y, Number: n}
	if y < MinYear || y > MaxYear {
		return Week{}, Invalid("week", fmt.Sprintf("Năm %d nằm ngoài %d–%d", y, MinYear, MaxYear), fmt.Sprintf("the year %d is outside %d–%d", y, MinYear, MaxYear))
	}
	if n < 1 || n > weeksIn(y) {
		return Week{}, Invalid("week", fmt.Sprintf("Năm %d không có tuần %d", y, n), fmt.Sprintf("%d has no week %d", y, n))
	}
	return w, nil
}

// weeksIn is the number of ISO weeks of year y (52 or 53): 28 December is
// always in the last one.
func weeksIn(y int) int {
	_, w := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// String is "2020-W14".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Number) }

// Label is the week as pages show it under "Tuần": "14/2020".
func (w Week) Label() string { return fmt.Sprintf("%d/%d", w.Number, w.Year) }

// WeekLabel is the Label of the week written code ("2020-W14"), or code
// itself when it is no week.
func WeekLabel(code string) string {
	if w, err := ParseWeek(code); err == nil {
		return w.Label()
	}
	return code
}

// Monday is the first day of the week.
func (w Week) Monday() Day {
	// 4 January is always in week 1; its Monday starts week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return DayOf(jan4.AddDate(0, 0, -offset+7*(w.Number-1)))
}

// Sunday is the last day of the week.
func (w Week) Sunday() Day { return w.Monday().AddDays(6) }

// WeekOf is the ISO week of day d.
func WeekOf(d Day) Week {
	y, n := d.Time.ISOWeek()
	return Week{Year: y, Number: n}
}

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Monday().AddDays(-7)) }

// LastFullWeek is the week just ended on the clock's today (the one before
// today's week): the week a report made today covers.
func LastFullWeek(c Clock) Week { return WeekOf(TodayDay(c)).Prev() }

// Forecast is when, at the pace of the last weeks, all of a unit's cells
// will have held their congress, and whether that is before the deadline.
type Forecast struct {
	// PerWeek is the pace: cells held per week, averaged over the weeks used.
	PerWeek float64
	// Done is the day the last cell holds at that pace (the report's last day
	// when all already have); nil when the pace is nil and some are left.
	Done *Day
	// OnTime: Done is not after the deadline (false without a deadline).
	OnTime bool
	// Late: cells are left and the deadline will be missed: the pace
	// reaches them after it, or there is no pace (no cell held lately)
	// and the deadline has already passed. With no pace and the deadline
	// still ahead the forecast cannot tell, which is not late (a unit whose
	// last cells are planned before the deadline has no pace either).
	Late bool
}

// ForecastDone projects, from the cells held at the end of each of the
// last weeks (oldest first; at least two values), when total will be
// reached after the day asOf, against deadline.
func ForecastDone(heldByWeek []int, total int, asOf Day, deadline *Day) Forecast {
	var f Forecast
	if len(heldByWeek) == 0 {
		return f
	}
	last := heldByWeek[len(heldByWeek)-1]
	if len(heldByWeek) > 1 {
		f.PerWeek = float64(last-heldByWeek[0]) / float64(len(heldByWeek)-1)
	}
	switch left := total - last; {
	case left <= 0:
		f.Done = &asOf
	case f.PerWeek > 0:
		days := int((float64(left)/f.PerWeek)*7 + 0.999999)
		d := asOf.AddDays(days)
		f.Done = &d
	}
	f.OnTime = f.Done != nil && deadline != nil && !f.Done.After(*deadline)
	if total > last && deadline != nil {
		f.Late = (f.Done != nil && !f.OnTime) || (f.Done == nil && asOf.After(*deadline))
	}
	return f
}
