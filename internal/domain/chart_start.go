package domain

// ChartLead is how long before the first congress held a chart of
// progress starts: a week of nothing before the rise.
const ChartLead = 7

// ChartQuietDays is how far back a chart goes when nothing has been held
// in it yet.
const ChartQuietDays = 28

// ChartStart is the first day a chart of the counts by day shows (days in
// order, one a day): a week before the first congress held in it (the
// first day its count rises above the first day's), so that a chart
// starts where the round's activity starts, not at the round's start
// months before. A count above zero on the first day (congresses held
// before the days) keeps the first day; nothing held at all shows the
// last four weeks. Never before the first day.
func ChartStart(days []DayCount) Day {
	if len(days) == 0 {
		return Day{}
	}
	first, last := days[0], days[len(days)-1]
	if first.Held > 0 {
		return first.Day
	}
	start := last.Day.AddDays(-ChartQuietDays)
	for _, d := range days {
		if d.Held > first.Held {
			start = d.Day.AddDays(-ChartLead)
			break
		}
	}
	if start.Before(first.Day) {
		return first.Day
	}
	return start
}
