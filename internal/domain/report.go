package domain

import (
	"fmt"
	"time"
)

// WeeklyReport is the weekly progress report of a unit for one ISO week, as
// it was made: once stored it does not change (unless remade on purpose),
// and every format (HTML, XLSX, CSV, PDF) is drawn from it. Names that are
// words of daihoi are Texts in both languages; names that are data (units)
// are as entered.
type WeeklyReport struct {
	// Version of this layout, so that later layouts can still read old reports.
	Version   int       `json:"version"`
	Unit      UnitRef   `json:"unit"`
	KindName  Text      `json:"kind_name"`
	RoundID   int64     `json:"round_id"`
	RoundName string    `json:"round_name"`
	Week      string    `json:"week"` // "2020-W14"
	From      Day       `json:"from"` // Monday
	To        Day       `json:"to"`   // Sunday: the figures are as of this day
	MadeAt    time.Time `json:"made_at"`

	// Headline: cells held, grassroots units held, pilots held, late units;
	// each with its value at the end of the week before.
	Headline []ReportFigure `json:"headline"`
	// Units are the units directly below, in the tree's order.
	Units []ReportUnit `json:"units"`
	// HeldInWeek are the congresses below (and the unit's own) held from
	// From to To, by day; HeldInWeekCount counts them all when the list is cut.
	HeldInWeek      []ReportCongress `json:"held_in_week"`
	HeldInWeekCount int              `json:"held_in_week_count"`
	// PlannedNextWeek are the congresses not held by To and planned in the
	// week after, by day.
	PlannedNextWeek      []ReportCongress `json:"planned_next_week"`
	PlannedNextWeekCount int              `json:"planned_next_week_count"`
	// Late are the units late on To (the most overdue first), then those at
	// risk (deadline near without a planned date, or planned after it);
	// LateCount and AtRiskCount count each all, when the list is cut.
	Late        []ReportLate `json:"late"`
	LateCount   int          `json:"late_count"`
	AtRiskCount int          `json:"at_risk_count"`
	// Weeks is the share of cells held at the end of each week of the round
	// up to this one: the chart of progress by week.
	Weeks    []ReportWeekPoint `json:"weeks"`
	Forecast ReportForecast    `json:"forecast"`
}

// WeeklyReportVersion is the layout written today.
const WeeklyReportVersion = 1

// ReportListLimit bounds each list of a report (held, planned, late); the
// counts cover them all.
const ReportListLimit = 300

// Keys of the headline figures.
const (
	FigureCells      = "cells"
	FigureGrassroots = "grassroots"
	FigurePilots     = "pilots"
	FigureLate       = "late"
)

// ReportFigure is one headline figure and its change over the week. Late
// units have no total.
type ReportFigure struct {
	Key   string `json:"key"`
	Name  Text   `json:"name"`
	Value int    `json:"value"`
	Total int    `json:"total"`
	Prev  int    `json:"prev"`
	// PrevTotal is the total at the end of the week before.
	PrevTotal int `json:"prev_total"`
}

// Change is Value - Prev.
func (f ReportFigure) Change() int { return f.Value - f.Prev }

// Share is Value of Total (meaningless for late units).
func (f ReportFigure) Share() Share { return NewShare(f.Value, f.Total) }

// PrevShare is the share at the end of the week before.
func (f ReportFigure) PrevShare() Share { return NewShare(f.Prev, f.PrevTotal) }

// HasTotal is false for counts that are not shares (late units).
func (f ReportFigure) HasTotal() bool { return f.Key != FigureLate }

// ReportUnit is one unit directly below in the report's table: the cells
// below it held at the end of the week and of the week before, its own
// congress, its warnings, and its forecast.
type ReportUnit struct {
	UnitRef
	KindName Text `json:"kind_name"`
	// Held and Total count the cells below (the unit itself when it is a cell).
	Held     int `json:"held"`
	Total    int `json:"total"`
	PrevHeld int `json:"prev_held"`
	// Own congress as of To.
	Status      CongressStatus `json:"status"`
	StatusName  Text           `json:"status_name"`
	HeldDate    *Day           `json:"held_date"`
	PlannedDate *Day           `json:"planned_date"`
	Deadline    *Day           `json:"deadline"`
	IsPilot     bool           `json:"pilot"`
	// LateBelow counts the late units at and below it on To.
	LateBelow int `json:"late_below"`
	// Flags are its warnings on To, worded.
	Flags []Text `json:"flags"`
	// ProjectedLate: at the pace of the last weeks, its cells will not all
	// have held by their deadline; Done is the projected day (nil: never at
	// the current pace).
	ProjectedLate bool `json:"projected_late"`
	Done          *Day `json:"projected_done"`
}

// Share is Held of Total.
func (u ReportUnit) Share() Share { return NewShare(u.Held, u.Total) }

// Change is how many cells below held during the week.
func (u ReportUnit) Change() int { return u.Held - u.PrevHeld }

// ReportCongress is a congress in a report's list: held during the week or
// planned for the next.
type ReportCongress struct {
	UnitRef
	KindName Text `json:"kind_name" db:"-"`
	// Parent is the name of the unit directly above.
	Parent   string `json:"parent" db:"parent"`
	Date     Day    `json:"date" db:"date"`
	Deadline *Day   `json:"deadline" db:"deadline"`
	IsPilot  bool   `json:"pilot" db:"is_pilot"`
}

// ReportLate is a unit late or at risk at the end of the week.
type ReportLate struct {
	UnitRef
	KindName    Text     `json:"kind_name" db:"-"`
	Parent      string   `json:"parent" db:"parent"`
	Flag        FlagKind `json:"flag" db:"flag"` // late or at_risk
	FlagName    Text     `json:"flag_name" db:"-"`
	Deadline    Day      `json:"deadline" db:"deadline"`
	PlannedDate *Day     `json:"planned_date" db:"planned_date"`
	// DaysOverdue counts the days from the deadline to To; negative when the
	// deadline is still ahead (at risk).
	DaysOverdue int `json:"days_overdue" db:"-"`
	// DetailCode says why a unit is at risk (AtRisk...); Detail words it.
	DetailCode string `json:"detail_code" db:"detail"`
	Detail     Text   `json:"detail" db:"-"`
}

// Fill words the flag and counts the days overdue on asOf.
func (l *ReportLate) Fill(asOf Day) {
	l.FlagName = l.Flag.Name()
	l.DaysOverdue = DaysBetween(l.Deadline.Time, asOf.Time)
	if t, ok := AtRiskDetail(l.DetailCode); ok {
		l.Detail = t
		return
	}
	l.Detail = Text{fmt.Sprintf("Quá thời hạn %s", l.Deadline.VI()), fmt.Sprintf("Past the deadline of %s", l.Deadline)}
}

// ReportWeekPoint is the progress of the cells at the end of a week.
type ReportWeekPoint struct {
	Week  string `json:"week"`
	To    Day    `json:"to"`
	Held  int    `json:"held"`
	Total int    `json:"total"`
}

// Share is Held of Total.
func (p ReportWeekPoint) Share() Share { return NewShare(p.Held, p.Total) }

// ReportForecast projects, at the pace of the last Weeks weeks, when all
// the cells below will have held their congress, against the latest of
// their deadlines.
type ReportForecast struct {
	Weeks    int     `json:"weeks"`
	PerWeek  float64 `json:"per_week"`
	Left     int     `json:"left"`
	Done     *Day    `json:"done"`
	Deadline *Day    `json:"deadline"`
	OnTime   bool    `json:"on_time"`
	// ProjectedLate lists the units directly below whose own forecast misses
	// their deadline.
	ProjectedLate []ReportUnitRef `json:"projected_late"`
}

// ReportUnitRef names a unit of the report.
type ReportUnitRef struct {
	UnitRef
	KindName Text `json:"kind_name"`
}

// Verdict words the forecast in both languages.
func (f ReportForecast) Verdict() Text {
	switch {
	case f.Left == 0:
		return Text{"Tất cả chi bộ đã tổ chức đại hội.", "Every cell has held its congress."}
	case f.Done == nil:
		return Text{fmt.Sprintf("Trong %d tuần qua không có chi bộ nào tổ chức đại hội: với nhịp độ này sẽ không hoàn thành (còn %d chi bộ).", f.Weeks, f.Left),
			fmt.Sprintf("No cell held its congress in the last %d weeks: at this pace the round will not finish (%d cells left).", f.Weeks, f.Left)}
	case f.Deadline == nil:
		return Text{fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s.", formatRate(f.PerWeek, ","), f.Done.VI()),
			fmt.Sprintf("At %s cells a week, all will have held by %s.", formatRate(f.PerWeek, "."), f.Done.String())}
	case f.OnTime:
		return Text{fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s, trước thời hạn %s.", formatRate(f.PerWeek, ","), f.Done.VI(), f.Deadline.VI()),
			fmt.Sprintf("At %s cells a week, all will have held by %s, before the deadline of %s.", formatRate(f.PerWeek, "."), f.Done.String(), f.Deadline.String())}
	default:
		return Text{fmt.Sprintf("Với nhịp độ %s chi bộ/tuần, dự kiến hoàn thành ngày %s, SAU thời hạn %s %d ngày.", formatRate(f.PerWeek, ","), f.Done.VI(), f.Deadline.VI(), DaysBetween(f.Deadline.Time, f.Done.Time)),
			fmt.Sprintf("At %s cells a week, all will have held by %s, %d days AFTER the deadline of %s.", formatRate(f.PerWeek, "."), f.Done.String(), DaysBetween(f.Deadline.Time, f.Done.Time), f.Deadline.String())}
	}
}

func formatRate(r float64, sep string) string {
	s := fmt.Sprintf("%.1f", r)
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
func (r WeeklyReport) NothingNew() bool {
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
func (r WeeklyReport) Figure(key string) ReportFigure {
	for _, f := range r.Headline {
		if f.Key == key {
			return f
		}
	}
	return ReportFigure{Key: key}
}

// Title names the report in lang: "Báo cáo tiến độ tuần 2020-W14 — Quận Hai Bà Trưng".
func (r WeeklyReport) Title(lang string) string {
	return Text{
		fmt.Sprintf("Báo cáo tiến độ đại hội tuần %s (%s – %s) — %s", r.Week, r.From.VI(), r.To.VI(), r.Unit.Name),
		fmt.Sprintf("Congress progress report, week %s (%s – %s) — %s", r.Week, r.From.String(), r.To.String(), r.Unit.Name),
	}.In(lang)
}

// The names of the headline figures.
var figureNames = map[string]Text{
	FigureCells:      {"Chi bộ đã đại hội", "Cells held"},
	FigureGrassroots: {"Tổ chức cơ sở đảng đã đại hội", "Grassroots units held"},
	FigurePilots:     {"Đại hội điểm đã tổ chức", "Pilot congresses held"},
	FigureLate:       {"Đơn vị trễ hạn", "Late units"},
}

// FigureName is the name of a headline figure.
func FigureName(key string) Text {
	if t, ok := figureNames[key]; ok {
		return t
	}
	return Text{key, key}
}

// ReportFlagTexts word a unit's warnings on the report's last day.
func ReportFlagTexts(late bool, daysOverdue int, atRisk bool, lateBelow int) []Text {
	out := []Text{}
	if late {
		out = append(out, Text{fmt.Sprintf("Trễ hạn %d ngày", daysOverdue), fmt.Sprintf("%d days late", daysOverdue)})
	}
	if atRisk {
		out = append(out, FlagAtRisk.Name())
	}
	if lateBelow > 0 {
		out = append(out, Text{fmt.Sprintf("%d đơn vị trực thuộc trễ hạn", lateBelow), fmt.Sprintf("%d units below late", lateBelow)})
	}
	return out
}

// ReportableWeek checks that a report can be made for week w on today in
// a round that started on start: the week has ended, and the round had
// started by its last day.
func ReportableWeek(w Week, today, start Day) error {
	if !w.Sunday().Before(today) {
		return Invalid("week", fmt.Sprintf("Tuần %s chưa kết thúc (kết thúc ngày %s)", w, w.Sunday().VI()),
			fmt.Sprintf("week %s has not ended yet (it ends on %s)", w, w.Sunday()))
	}
	if w.Sunday().Before(start) {
		return Invalid("week", fmt.Sprintf("Tuần %s kết thúc trước khi đợt đại hội bắt đầu (%s)", w, start.VI()),
			fmt.Sprintf("week %s ended before the round started (%s)", w, start))
	}
	return nil
}

// MailBackoff is how long to wait before another attempt at an e-mail
// after attempts failed ones: 1 minute, then four times longer each time,
// at most 6 hours.
func MailBackoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 4
	}
	return min(d, 6*time.Hour)
}
