package domain

import "fmt"

// The years a day given by a user may fall in at all; PostgreSQL has no
// year 0, and no congress round is held outside these.
const (
	MinYear = 1900
	MaxYear = 2999
)

// RoundSpan is the span of the days that make sense in a round: from the day
// it starts to a year after its last deadline, and at least two years after
// its start (a round whose deadlines are not set yet). A deadline, a
// planned, held or done day outside it is a typing mistake (1969-12-31, the
// year 2099) and is refused.
type RoundSpan struct {
	Start Day
	// LastDeadline is the latest deadline of the round's rules, nil when none.
	LastDeadline *Day
}

// Days after the start and after the last deadline that a round spans.
const (
	roundSpanFromStart    = 2 * 366
	roundSpanAfterLastDay = 366
)

// End is the last day of the span.
func (s RoundSpan) End() Day {
	end := s.Start.AddDays(roundSpanFromStart)
	if s.LastDeadline != nil {
		if e := s.LastDeadline.AddDays(roundSpanAfterLastDay); e.After(end) {
			end = e
		}
	}
	return end
}

// CheckDay refuses, naming field, a day outside the span, saying the span
// in both languages; it reports whether d is within.
func (s RoundSpan) CheckDay(v *Validation, field string, d Day) bool {
	end := s.End()
	if !d.Before(s.Start) && !d.After(end) {
		return true
	}
	v.Add(field, fmt.Sprintf("Ngày %s nằm ngoài thời gian của đợt đại hội (từ %s đến %s)", d.VI(), s.Start.VI(), end.VI()),
		fmt.Sprintf("the day %s is outside the round (from %s to %s)", d.VI(), s.Start.VI(), end.VI()))
	return false
}
