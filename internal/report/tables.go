package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// column is a column of a table: its heading, its width in the XLSX sheet
// (in characters) and its width in the PDF (in millimetres of the 186 of
// an A4 page's width, scaled to fit; 0: the PDF leaves it out, for A4
// portrait has no room for every column).
type column struct {
	head  domain.Text
	width float64
	pdf   float64
}

// table is a list of the report, built once and drawn alike by every
// format. A cell is one of:
//
//	nil            nothing (a share without a total, a missing day)
//	string         text, already in the file's language
//	int            a count
//	delta          a change, written with its sign
//	rate           a pace, one decimal
//	domain.Share   a share: a fraction formatted as percent in XLSX, "69,23%" / "69.23%" as text
//	*domain.Day    a day: a date cell in XLSX, dd/mm/yyyy (vi) or yyyy-mm-dd (en) as text
type table struct {
	name domain.Text
	cols []column
	rows [][]any
	// count is the length of the whole list when rows is cut at
	// ListLimit (0 or len(rows): not cut).
	count int
	// late marks the rows of late units: red in every format.
	late []bool
}

// isLate reports whether row i is of a late unit.
func (t table) isLate(i int) bool { return i < len(t.late) && t.late[i] }

// add appends a row, marked late or not.
func (t *table) add(late bool, row ...any) {
	t.rows = append(t.rows, row)
	t.late = append(t.late, late)
}

// delta is a change over the week, written "+3", "-1" or "0".
type delta int

// rate is a number of cells a week.
type rate float64

// pair is a line of particulars: a label and its value (a cell as in table).
type pair struct {
	label domain.Text
	value any
}

// cut returns the note of a list shown in part, "" when whole.
func (t table) cut(lang string) string {
	if t.count <= len(t.rows) {
		return ""
	}
	return fmt.Sprintf(labels.Shown.In(lang), len(t.rows), t.count)
}

// day returns a pointer to a copy of d, for a cell.
func day(d domain.Day) *domain.Day { return &d }

// dayText writes a day as the language writes it: 05/04/2020 (vi), 2020-04-05 (en).
func dayText(d domain.Day, lang string) string {
	if domain.Lang(lang) == "en" {
		return d.String()
	}
	return d.VI()
}

// cellText writes a cell as text in lang, for the CSV and the PDF.
func cellText(v any, lang string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return domain.Number(v, lang)
	case delta:
		if v > 0 {
			return "+" + domain.Number(int(v), lang)
		}
		return domain.Number(int(v), lang)
	case rate:
		s := strconv.FormatFloat(float64(v), 'f', 1, 64)
		if domain.Lang(lang) == "vi" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case domain.Share:
		return v.In(lang)
	case *domain.Day:
		if v == nil {
			return ""
		}
		return dayText(*v, lang)
	}
	return fmt.Sprint(v)
}

// isNumber tells the cells written right-aligned.
func isNumber(v any) bool {
	switch v.(type) {
	case int, delta, rate, domain.Share:
		return true
	}
	return false
}

// particulars are the report's who, what and when.
func particulars(r Weekly, lang string) []pair {
	return []pair{
		{labels.Unit, r.Unit.Name},
		{labels.UnitCode, r.Unit.Code},
		{labels.Kind, r.KindName.In(lang)},
		{labels.Round, r.RoundName},
		{labels.Week, r.Week},
		{labels.From, day(r.From)},
		{labels.To, day(r.To)},
	}
}

// forecastPairs are the numbers behind the forecast's verdict.
func forecastPairs(f Forecast, lang string) []pair {
	done := any(f.Done)
	if f.Done == nil && f.Left > 0 {
		done = labels.NeverAtPace.In(lang)
	}
	return []pair{
		{labels.PerWeek, rate(f.PerWeek)},
		{labels.PaceWeeks, f.Weeks},
		{labels.Left, f.Left},
		{labels.Done, done},
		{labels.Deadline, f.Deadline},
		{labels.OnTime, yesNo(f.OnTime, lang)},
	}
}

// headlineTable lists the headline figures, each against the week before.
// Late units have no total, hence no share.
func headlineTable(r Weekly, lang string) table {
	t := table{name: labels.Headline, cols: []column{
		{labels.Figure, 34, 40},
		{labels.Value, 14, 14},
		{labels.Total, 14, 14},
		{labels.Share, 14, 16},
		{labels.Prev, 14, 14},
		{labels.PrevShare, 16, 16},
		{labels.Change, 12, 14},
	}}
	for _, f := range r.Headline {
		row := []any{f.Name.In(lang), f.Value, nil, nil, f.Prev, nil, delta(f.Change())}
		if f.HasTotal() {
			row[2], row[3], row[5] = f.Total, f.Share(), f.PrevShare()
		}
		t.add(!f.HasTotal() && f.Value > 0, row...)
	}
	return t
}

// unitsTable is the table of the units directly below: the same columns in
// the XLSX sheet and the CSV; the PDF keeps those with a pdf width.
func unitsTable(r Weekly, lang string) table {
	t := table{name: labels.SheetUnits, cols: []column{
		{labels.Code, 14, 0},
		{labels.Unit, 34, 44},
		{labels.Kind, 22, 0},
		{labels.Held, 11, 9},
		{labels.Total, 11, 9},
		{labels.Share, 11, 12.5},
		{labels.HeldThisWeek, 11, 9},
		{labels.Status, 20, 17},
		{labels.HeldOn, 13, 0},
		{labels.PlannedFor, 13, 15.5},
		{labels.Deadline, 13, 15.5},
		{labels.Pilot, 10, 0},
		{labels.LateBelow, 11, 0},
		{labels.Flags, 36, 26},
		{labels.ProjectedDone, 16, 18},
		{labels.WillBeLate, 14, 0},
	}}
	for _, u := range r.Units {
		flags := make([]string, len(u.Flags))
		for i, f := range u.Flags {
			flags[i] = f.In(lang)
		}
		done, projected := any(u.Done), yesNo(u.ProjectedLate, lang)
		if u.Done == nil && u.Held < u.Total {
			done = labels.NeverAtPace.In(lang)
			if !u.ProjectedLate { // the forecast cannot tell
				projected = ""
			}
		}
		t.add(u.Late,
			u.Code, u.Name, u.KindName.In(lang),
			u.Held, u.Total, u.Share(), delta(u.Change()),
			u.StatusName.In(lang), u.HeldDate, u.PlannedDate, u.Deadline,
			yesNo(u.IsPilot, lang), u.LateBelow, strings.Join(flags, "; "),
			done, projected,
		)
	}
	return t
}

// weeksTable is the progress of the cells at the end of each week, the
// data of the charts (the PDF draws only its chart). Its share column is
// the fifth (E in the sheet), the XLSX chart's values.
func weeksTable(r Weekly) table {
	t := table{name: labels.SheetWeeks, cols: []column{
		{labels.Week, 11, 30},
		{labels.WeekEnd, 14, 30},
		{labels.Held, 11, 20},
		{labels.Total, 11, 20},
		{labels.Share, 11, 20},
	}}
	for _, p := range r.Weeks {
		t.rows = append(t.rows, []any{p.Week, day(p.To), p.Held, p.Total, p.Share()})
	}
	return t
}

// congressTable lists congresses held during the week or planned for the
// next, by day.
func congressTable(name, dateHead domain.Text, list []domain.ReportCongress, count int, lang string) table {
	t := table{name: name, count: count, cols: []column{
		{dateHead, 13, 13},
		{labels.Code, 16, 0},
		{labels.Unit, 36, 44},
		{labels.Kind, 24, 26},
		{labels.Place, 30, 34},
		{labels.Deadline, 13, 13},
		{labels.Pilot, 10, 10},
	}}
	for _, c := range list {
		t.rows = append(t.rows, []any{day(c.Date), c.Code, c.Name, c.KindName.In(lang), placeText(c.Place, c.Parent), c.Deadline, yesNo(c.IsPilot, lang)})
	}
	return t
}

// heldTable lists the congresses held from From to To.
func heldTable(r Weekly, lang string) table {
	return congressTable(labels.SheetHeld, labels.HeldOn, r.HeldInWeek, r.HeldInWeekCount, lang)
}

// plannedTable lists the congresses planned in the week after.
func plannedTable(r Weekly, lang string) table {
	return congressTable(labels.SheetPlanned, labels.PlannedFor, r.PlannedNextWeek, r.PlannedNextWeekCount, lang)
}

// lateTable lists the units late on To, then those at risk; days overdue
// are negative for a deadline still ahead.
func lateTable(r Weekly, lang string) table {
	t := table{name: labels.SheetLate, count: r.LateCount + r.AtRiskCount, cols: []column{
		{labels.Code, 16, 0},
		{labels.Unit, 34, 32},
		{labels.Kind, 22, 0},
		{labels.Place, 28, 24},
		{labels.Situation, 20, 18},
		{labels.Deadline, 13, 13},
		{labels.PlannedFor, 13, 13},
		{labels.DaysOverdue, 13, 11},
		{labels.Detail, 40, 30},
	}}
	for _, l := range r.Late {
		t.add(l.Flag == domain.FlagLate, l.Code, l.Name, l.KindName.In(lang), placeText(l.Place, l.Parent), l.FlagName.In(lang),
			day(l.Deadline), l.PlannedDate, l.DaysOverdue, l.Detail.In(lang))
	}
	return t
}

// projectedLateUnits are the units below whose forecast misses their deadline.
func projectedLateUnits(r Weekly) []Unit {
	var out []Unit
	for _, u := range r.Units {
		if u.ProjectedLate {
			out = append(out, u)
		}
	}
	return out
}

// projectedLateTable lists the units below whose forecast misses their
// deadline: the day their cells are projected to have all held (or never,
// at a pace of 0), their deadline and by how many days it is missed. They
// are directly below the report's unit, so they have no place.
func projectedLateTable(r Weekly, lang string) table {
	t := table{name: labels.ProjectedLate, cols: []column{
		{labels.Code, 16, 0},
		{labels.Unit, 34, 60},
		{labels.Kind, 22, 30},
		{labels.Held, 11, 14},
		{labels.ProjectedDone, 16, 22},
		{labels.Deadline, 13, 20},
		{labels.DaysAfter, 12, 18},
	}}
	for _, u := range projectedLateUnits(r) {
		done, after := any(u.Done), any(nil)
		if u.Done == nil {
			done = labels.NeverAtPace.In(lang)
		} else if u.Deadline != nil {
			after = domain.DaysBetween(u.Deadline.Time, u.Done.Time)
		}
		t.add(true, u.Code, u.Name, u.KindName.In(lang), fmt.Sprintf("%d/%d", u.Held, u.Total), done, u.Deadline, after)
	}
	return t
}

// lateByPlaceTable lists the units late on To by place, a row for each
// place: the places with the most late units first, the units of each the
// most overdue first.
func lateByPlaceTable(r Weekly, lang string) table {
	t := table{name: domain.Text{VI: fmt.Sprintf(labels.LateByPlace.VI, r.LateCount), EN: fmt.Sprintf(labels.LateByPlace.EN, r.LateCount)},
		cols: []column{
			{labels.Place, 30, 46},
			{labels.LateUnits, 8, 12},
			{labels.Unit, 60, 100},
			{labels.MostDaysLate, 10, 16},
		}}
	for _, g := range latePlaces(r) {
		names, most := make([]string, len(g.units)), 0
		for i, l := range g.units {
			names[i] = l.Name
			most = max(most, l.DaysOverdue)
		}
		place := any(placeText(g.place, g.parent))
		if len(g.place) == 0 && g.place != nil {
			place = labels.DirectlyBelow.In(lang)
		}
		t.add(true, place, len(names), strings.Join(names, "; "), most)
	}
	return t
}

// lateGroup is a place and its late units.
type lateGroup struct {
	place  domain.Place
	parent string // of a report stored before places were kept
	units  []domain.ReportLate
}

// latePlaces groups the units late on To by place: the places with the
// most late units first, the units of each in the report's order (the
// most overdue first).
func latePlaces(r Weekly) []lateGroup {
	var out []lateGroup
	at := map[string]int{}
	for _, l := range r.Late {
		if l.Flag != domain.FlagLate {
			continue
		}
		key := placeText(l.Place, l.Parent)
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, lateGroup{place: l.Place, parent: l.Parent})
		}
		out[i].units = append(out[i].units, l)
	}
	slices.SortStableFunc(out, func(a, b lateGroup) int { return len(b.units) - len(a.units) })
	return out
}

// lateShown counts the late units in the first n rows of a lateByPlaceTable.
func lateShown(t table, n int) int {
	shown := 0
	for _, row := range t.rows[:n] {
		shown += row[1].(int)
	}
	return shown
}

// placeText writes where a unit of a list sits below the report's unit:
// its place, nearest first; in a report stored before places were kept
// (place nil), the name of the unit directly above.
func placeText(place domain.Place, parent string) string {
	if place == nil {
		return parent
	}
	return place.String()
}
