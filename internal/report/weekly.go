package report

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// Weekly is the weekly progress report of a unit for one ISO week, as
// it was made: once stored it does not change (unless remade on purpose),
// and every format (HTML, XLSX, CSV, PDF) is drawn from it. Names that are
// words of daihoi are Texts in both languages; names that are data (units)
// are as entered.
type Weekly struct {
	// Version of this layout, so that later layouts can still read old reports.
	Version   int            `json:"version"`
	Unit      domain.UnitRef `json:"unit"`
	KindName  domain.Text    `json:"kind_name"`
	RoundID   int64          `json:"round_id"`
	RoundName string         `json:"round_name"`
	Week      string         `json:"week"` // "2020-W14"
	From      domain.Day     `json:"from"` // Monday
	To        domain.Day     `json:"to"`   // Sunday: the figures are as of this day
	MadeAt    time.Time      `json:"made_at"`

	// Headline: cells held, grassroots units held, pilots held, late units;
	// each with its value at the end of the week before.
	Headline []Figure `json:"headline"`
	// Units are the units directly below, in the tree's order.
	Units []Unit `json:"units"`
	// HeldInWeek are the congresses below (and the unit's own) held from
	// From to To, by day; HeldInWeekCount counts them all when the list is cut.
	HeldInWeek      []domain.ReportCongress `json:"held_in_week"`
	HeldInWeekCount int                     `json:"held_in_week_count"`
	// PlannedNextWeek are the congresses not held by To and planned in the
	// week after, by day.
	PlannedNextWeek      []domain.ReportCongress `json:"planned_next_week"`
	PlannedNextWeekCount int                     `json:"planned_next_week_count"`
	// Late are the units late on To (the most overdue first), then those at
	// risk (deadline near without a planned date, or planned after it);
	// LateCount and AtRiskCount count each all, when the list is cut.
	Late        []domain.ReportLate `json:"late"`
	LateCount   int                 `json:"late_count"`
	AtRiskCount int                 `json:"at_risk_count"`
	// Weeks is the share of cells held at the end of each week up to this
	// one, from the week a week before the first cell held (the round's
	// activity, domain.ChartStart; the reports stored before it start at
	// the round's first week): the chart of progress by week.
	Weeks    []WeekPoint `json:"weeks"`
	Forecast Forecast    `json:"forecast"`
	// MissingPapers are the congresses below held by To without every
	// required paper (as the report is made), the longest held first;
	// MissingPapersCount counts them all. Composition is that of the
	// committees elected by To against the targets and plans.
	MissingPapers      []domain.CongressMissingPapers `json:"missing_papers,omitempty"`
	MissingPapersCount int                            `json:"missing_papers_count,omitempty"`
	Composition        *domain.CompositionReport      `json:"composition,omitempty"`
	// Sessions are the training sessions held in the subtree during the week.
	Sessions []domain.TrainingSession `json:"sessions,omitempty"`
}

// Version is the layout written today.
const Version = 1

// ListLimit bounds each list of a report (held, planned, late); the
// counts cover them all.
const ListLimit = 300

// Keys of the headline figures.
const (
	FigureCells      = "cells"
	FigureGrassroots = "grassroots"
	FigurePilots     = "pilots"
	FigureLate       = "late"
)

// Figure is one headline figure and its change over the week. Late
// units have no total.
type Figure struct {
	Key   string      `json:"key"`
	Name  domain.Text `json:"name"`
	Value int         `json:"value"`
	Total int         `json:"total"`
	Prev  int         `json:"prev"`
	// PrevTotal is the total at the end of the week before.
	PrevTotal int `json:"prev_total"`
}

// Change is Value - Prev.
func (f Figure) Change() int { return f.Value - f.Prev }

// Share is Value of Total (meaningless for late units).
func (f Figure) Share() domain.Share { return domain.NewShare(f.Value, f.Total) }

// PrevShare is the share at the end of the week before.
func (f Figure) PrevShare() domain.Share { return domain.NewShare(f.Prev, f.PrevTotal) }

// HasTotal is false for counts that are not shares (late units).
func (f Figure) HasTotal() bool { return f.Key != FigureLate }

// Unit is one unit directly below in the report's table: the cells
// below it held at the end of the week and of the week before, its own
// congress, its warnings, and its forecast.
type Unit struct {
	domain.UnitRef
	KindName domain.Text `json:"kind_name"`
	// Held and Total count the cells below (the unit itself when it is a cell).
	Held     int `json:"held"`
	Total    int `json:"total"`
	PrevHeld int `json:"prev_held"`
	// Own congress as of To.
	Status      domain.CongressStatus `json:"status"`
	StatusName  domain.Text           `json:"status_name"`
	HeldDate    *domain.Day           `json:"held_date"`
	PlannedDate *domain.Day           `json:"planned_date"`
	Deadline    *domain.Day           `json:"deadline"`
	IsPilot     bool                  `json:"pilot"`
	// Late: its own congress is late on To (red in every format); false
	// in the reports stored before it was kept.
	Late bool `json:"late,omitempty"`
	// LateBelow counts the late units at and below it on To.
	LateBelow int `json:"late_below"`
	// Flags are its warnings on To, worded.
	Flags []domain.Text `json:"flags"`
	// ProjectedLate: at the pace of the last weeks, its cells will not all
	// have held by their deadline; Done is the projected day (nil: never at
	// the current pace).
	ProjectedLate bool        `json:"projected_late"`
	Done          *domain.Day `json:"projected_done"`
}

// Share is Held of Total.
func (u Unit) Share() domain.Share { return domain.NewShare(u.Held, u.Total) }

// Change is how many cells below held during the week.
func (u Unit) Change() int { return u.Held - u.PrevHeld }

// WeekPoint is the progress of the cells at the end of a week.
type WeekPoint struct {
	Week  string     `json:"week"`
	To    domain.Day `json:"to"`
	Held  int        `json:"held"`
	Total int        `json:"total"`
}

// Share is Held of Total.
func (p WeekPoint) Share() domain.Share { return domain.NewShare(p.Held, p.Total) }

// Forecast projects, at the pace of the last Weeks weeks, when all
// the cells below will have held their congress, against the latest of
// their deadlines.
type Forecast struct {
	Weeks    int         `json:"weeks"`
	PerWeek  float64     `json:"per_week"`
	Left     int         `json:"left"`
	Done     *domain.Day `json:"done"`
	Deadline *domain.Day `json:"deadline"`
	OnTime   bool        `json:"on_time"`
	// LateBelow counts the units below already past their own deadlines on
	// the report's last day: a forecast before the unit's deadline does not
	// make them on time.
	LateBelow int `json:"late_below,omitempty"`
	// ProjectedLate lists the units directly below whose own forecast misses
	// their deadline.
	ProjectedLate []Ref `json:"projected_late"`
}

// Ref names a unit of the report.
type Ref struct {
	domain.UnitRef
	KindName domain.Text `json:"kind_name"`
}

// Verdict words the forecast in both languages.
func (f Forecast) Verdict() domain.Text {
	switch {
	case f.Left == 0:
		return domain.Text{VI: "Tất cả chi bộ đã tổ chức đại hội.", EN: "Every cell has held its congress."}
	case f.Done == nil:
		return domain.Text{VI: fmt.Sprintf("Trong %d tuần qua không có chi bộ nào tổ chức đại hội: với nhịp độ này sẽ không hoàn thành (còn %d chi bộ).", f.Weeks, f.Left),
			EN: fmt.Sprintf("No cell held its congress in the last %d %s: at this pace the round will not finish (%d %s left).", f.Weeks, domain.Plural(f.Weeks, "week", "weeks"), f.Left, domain.Plural(f.Left, "cell", "cells"))}
	case f.Deadline == nil:
		return domain.Text{VI: fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s.", formatRate(f.PerWeek, ","), f.Done.VI()),
			EN: fmt.Sprintf("At %s cells a week, all will have held by %s.", formatRate(f.PerWeek, "."), f.Done.VI())}
	case f.OnTime && f.LateBelow > 0:
		return domain.Text{VI: fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s, trước thời hạn đại hội của đơn vị (%s); nhưng %s đơn vị trực thuộc đã trễ thời hạn của mình.", formatRate(f.PerWeek, ","), f.Done.VI(), f.Deadline.VI(), domain.Number(f.LateBelow, "vi")),
			EN: fmt.Sprintf("At %s cells a week, all will have held by %s, before the unit's own deadline of %s; but %s units below are already past their own deadlines.", formatRate(f.PerWeek, "."), f.Done.VI(), f.Deadline.VI(), domain.Number(f.LateBelow, "en"))}
	case f.OnTime:
		return domain.Text{VI: fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s, trước thời hạn đại hội của đơn vị (%s).", formatRate(f.PerWeek, ","), f.Done.VI(), f.Deadline.VI()),
			EN: fmt.Sprintf("At %s cells a week, all will have held by %s, before the unit's own deadline of %s.", formatRate(f.PerWeek, "."), f.Done.VI(), f.Deadline.VI())}
	default:
		return domain.Text{VI: fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s, SAU thời hạn đại hội của đơn vị (%s) %d ngày.", formatRate(f.PerWeek, ","), f.Done.VI(), f.Deadline.VI(), domain.DaysBetween(f.Deadline.Time, f.Done.Time)),
			EN: fmt.Sprintf("At %s cells a week, all will have held by %s, %s AFTER the unit's own deadline of %s.", formatRate(f.PerWeek, "."), f.Done.VI(), days(domain.DaysBetween(f.Deadline.Time, f.Done.Time)), f.Deadline.VI())}
	}
}

func formatRate(r float64, sep string) string {
	// Halves round up, as the percentages do (23,25 is 23,3), where %.1f
	// alone rounds them to even (23,2).
	s := fmt.Sprintf("%.1f", math.Round(r*10)/10)
	if sep != "." {
		for i := range len(s) {
			if s[i] == '.' {
				return s[:i] + sep + s[i+1:]
			}
		}
	}
	return s
}

// NothingNew reports whether the week changed nothing: no congress held,
// no headline figure moved. Such a week's report is kept but not mailed.
func (r Weekly) NothingNew() bool {
	if r.HeldInWeekCount > 0 {
		return false
	}
	for _, f := range r.Headline {
		if f.Change() != 0 || f.Total != f.PrevTotal {
			return false
		}
	}
	return true
}

// Figure returns the headline figure with key (zero when absent).
func (r Weekly) Figure(key string) Figure {
	for _, f := range r.Headline {
		if f.Key == key {
			return f
		}
	}
	return Figure{Key: key}
}

// Title names the report in lang: "Báo cáo tiến độ tuần 2020-W14 — Quận Hai Bà Trưng".
func (r Weekly) Title(lang string) string {
	return domain.Text{
		VI: fmt.Sprintf("Báo cáo tiến độ đại hội tuần %s (%s – %s) — %s", domain.WeekLabel(r.Week), r.From.VI(), r.To.VI(), r.Unit.Name),
		EN: fmt.Sprintf("Congress progress report, week %s (%s – %s) — %s", domain.WeekLabel(r.Week), r.From.VI(), r.To.VI(), r.Unit.Name),
	}.In(lang)
}

// The names of the headline figures.
var figureNames = map[string]domain.Text{
	FigureCells:      {VI: "Chi bộ đã đại hội", EN: "Cells held"},
	FigureGrassroots: {VI: "Tổ chức cơ sở đảng đã đại hội", EN: "Grassroots units held"},
	FigurePilots:     {VI: "Đại hội điểm đã tổ chức", EN: "Pilot congresses held"},
	FigureLate:       {VI: "Đơn vị trễ hạn", EN: "Late units"},
}

// FigureName is the name of a headline figure.
func FigureName(key string) domain.Text {
	if t, ok := figureNames[key]; ok {
		return t
	}
	return domain.Text{VI: key, EN: key}
}

// FlagTexts word a unit's warnings on the report's last day.
func FlagTexts(late bool, daysOverdue int, atRisk bool, lateBelow int) []domain.Text {
	out := []domain.Text{}
	if late {
		out = append(out, domain.Text{VI: fmt.Sprintf("Trễ hạn %d ngày", daysOverdue), EN: days(daysOverdue) + " late"})
	}
	if atRisk {
		out = append(out, domain.FlagAtRisk.Name())
	}
	if lateBelow > 0 {
		out = append(out, domain.Text{VI: fmt.Sprintf("%d đơn vị trực thuộc trễ hạn", lateBelow), EN: fmt.Sprintf("%d %s below late", lateBelow, domain.Plural(lateBelow, "unit", "units"))})
	}
	return out
}

// days is a count of days in English: "1 day", "2 days".
func days(n int) string { return fmt.Sprintf("%d %s", n, domain.Plural(n, "day", "days")) }

// Decode reads a report as stored (its JSON).
func Decode(content []byte) (Weekly, error) {
	var r Weekly
	if err := json.Unmarshal(content, &r); err != nil {
		return r, fmt.Errorf("report: %w", err)
	}
	return r, nil
}
