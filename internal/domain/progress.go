package domain

import (
	"fmt"
	"strings"
)

// Share is how many units out of a number have held their congress, as a
// count and a percentage with two decimals: 9 of 13 is 69.23, shown
// "69,23%" in Vietnamese and "69.23%" in English.
type Share struct {
	Held  int `json:"held"`
	Total int `json:"total"`
	// Percent is Held/Total in percent, rounded half up to two decimals; 0
	// when Total is 0.
	Percent float64 `json:"percent"`
	// Text is Percent as the UI shows it in the language of the request;
	// "–" when there is nothing to count.
	Text string `json:"percent_text"`
}

// NewShare returns held of total, with its text in Vietnamese.
func NewShare(held, total int) Share {
	s := Share{Held: held, Total: total, Percent: float64(shareBP(held, total)) / 100}
	s.Text = s.In("vi")
	return s
}

// shareBP returns held/total in basis points, rounded half up, in integers (no
// float surprises); 0 when total is 0.
func shareBP(held, total int) int {
	if total <= 0 {
		return 0
	}
	return (2*held*10000 + total) / (2 * total)
}

// In returns the percentage as text in lang: "69,23%" (vi), "69.23%" (en).
func (s Share) In(lang string) string {
	if s.Total == 0 {
		return "–"
	}
	sep := ","
	if Lang(lang) == "en" {
		sep = "."
	}
	bp := shareBP(s.Held, s.Total)
	return fmt.Sprintf("%d%s%02d%%", bp/100, sep, bp%100)
}

// Localize sets Text in lang.
func (s *Share) Localize(lang string) { s.Text = s.In(lang) }

// Add returns the sum of two shares.
func (s Share) Add(o Share) Share { return NewShare(s.Held+o.Held, s.Total+o.Total) }

// KindCount is, for one kind, how many active units of that kind lie below
// a unit, how many of them have held their congress, and how many are late
// (deadline passed, congress not held).
type KindCount struct {
	Kind  string `db:"kind"`
	Total int    `db:"total"`
	Held  int    `db:"held"`
	Late  int    `db:"late"`
}

// KindProgress is the progress of the units of one kind below a unit.
type KindProgress struct {
	Kind         string `json:"kind"`
	Name         Text   `json:"name"`
	IsCell       bool   `json:"is_cell"`
	IsGrassroots bool   `json:"is_grassroots"`
	Share
	Late int `json:"late"`
}

// Progress sources: where the figures of a progress read come from.
const (
	// SourceLive: today's figures, from the rollups kept current by every change.
	SourceLive = "live"
	// SourceSnapshot: a past day's figures, from that day's snapshot.
	SourceSnapshot = "snapshot"
	// SourceComputed: a past day without a snapshot, counted from the held
	// dates (units and deadlines as they stand now).
	SourceComputed = "computed"
)

// UnitRef names a unit (in a report, in the place of a unit found).
type UnitRef struct {
	Code string `json:"code" db:"code"`
	Name string `json:"name" db:"name"`
	Kind string `json:"kind" db:"kind"`
}

// OwnCongress is a unit's own congress as of a day: its status now, whether
// it had been held by that day, its dates, and its milestones done by then.
type OwnCongress struct {
	Status      CongressStatus `json:"status" db:"status"`
	StatusName  Text           `json:"status_name" db:"-"`
	Held        bool           `json:"held" db:"held"`
	HeldDate    *Day           `json:"held_date" db:"held_date"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	Deadline    *Day           `json:"deadline" db:"deadline"`
	IsPilot     bool           `json:"pilot" db:"is_pilot"`
	// Late: the deadline had passed by the day without the congress held;
	// DaysOverdue counts the days since the deadline (0 when not late).
	Late        bool `json:"late" db:"-"`
	DaysOverdue int  `json:"days_overdue" db:"-"`
	// Milestones counts the milestones done by the day among all of them.
	Milestones MilestoneCount `json:"milestones" db:"milestones"`
}

// MilestoneCount is how many of a unit's milestones were done by a day.
type MilestoneCount struct {
	Done  int `json:"done" db:"done"`
	Total int `json:"total" db:"total"`
}

// Fill derives the status name, lateness on asOf and the milestones share.
func (o *OwnCongress) Fill(asOf Day) {
	o.StatusName = o.Status.Name()
	o.Late, o.DaysOverdue = LateOn(o.Deadline, o.Held, asOf)
}

// LateOn reports whether a congress with deadline, held by asOf or not, is
// late on asOf, and by how many days.
func LateOn(deadline *Day, held bool, asOf Day) (bool, int) {
	if held || deadline == nil || !deadline.Before(asOf) {
		return false, 0
	}
	return true, DaysBetween(deadline.Time, asOf.Time)
}

// LateUnit is a unit below whose deadline has passed without its congress held.
type LateUnit struct {
	UnitRef
	Status      CongressStatus `json:"status" db:"status"`
	Deadline    Day            `json:"deadline" db:"deadline"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	DaysOverdue int            `json:"days_overdue" db:"-"`
}

// LateSummary counts the late units below a unit and lists the most overdue.
type LateSummary struct {
	Count int `json:"count"`
	// CountSource: "rollups" (counted by the last late-flags run today and
	// kept current by every change since), "snapshot" (a past day's
	// snapshot) or "live" (counted for this read).
	CountSource string     `json:"count_source"`
	Units       []LateUnit `json:"units"`
	// Limit is how many units the list shows at most, the most overdue first.
	Limit int `json:"limit"`
}

// Progress is the state of a round below (and at) one unit on one day: the
// headline share of cells that have held their congress, the same for the
// grassroots organizations and for every kind below, the unit's own
// congress, the pilots, and the late units.
type Progress struct {
	RoundID int64   `json:"round_id"`
	Unit    UnitRef `json:"unit"`
	AsOf    Day     `json:"as_of"`
	Source  string  `json:"source"`
	// Headline is "69,23% chi bộ đã tổ chức đại hội" in the request's language.
	Headline   string         `json:"headline"`
	Cells      Share          `json:"cells"`
	Grassroots Share          `json:"grassroots"`
	Kinds      []KindProgress `json:"kinds"`
	Own        OwnCongress    `json:"own"`
	// Pilots counts the pilot congresses at or below the unit held by the day.
	Pilots Share       `json:"pilots"`
	Late   LateSummary `json:"late"`
}

// ChildProgress is one unit directly below in a progress breakdown: its own
// congress, the share of cells below it held, and its late units (itself
// included).
type ChildProgress struct {
	UnitRef
	Category string      `json:"category,omitempty"`
	Own      OwnCongress `json:"own"`
	Cells    Share       `json:"cells"`
	Late     int         `json:"late"`
}

// ChildrenProgress is the per-child breakdown of a unit's progress.
type ChildrenProgress struct {
	RoundID  int64           `json:"round_id"`
	Unit     UnitRef         `json:"unit"`
	AsOf     Day             `json:"as_of"`
	Source   string          `json:"source"`
	Children []ChildProgress `json:"children"`
}

// CountsByKind turns per-kind counts into the kinds of a progress (in the
// kinds' order) and the cell and grassroots shares. Cells are the kinds that
// are cells and not grassroots organizations (the chi bộ trực thuộc); the
// grassroots are the grassroots kinds.
func CountsByKind(rules KindRules, counts []KindCount) (kinds []KindProgress, cells, grassroots Share, late int) {
	byKind := map[string]KindCount{}
	for _, c := range counts {
		k := byKind[c.Kind]
		k.Kind, k.Total, k.Held, k.Late = c.Kind, k.Total+c.Total, k.Held+c.Held, k.Late+c.Late
		byKind[c.Kind] = k
	}
	kinds = []KindProgress{}
	for _, k := range rules.Ordered() {
		c, ok := byKind[k.Code]
		if !ok || c.Total == 0 {
			continue
		}
		s := NewShare(c.Held, c.Total)
		kinds = append(kinds, KindProgress{Kind: k.Code, Name: Text{VI: k.NameVI, EN: k.NameEN},
			IsCell: k.IsCell, IsGrassroots: k.IsGrassroots, Share: s, Late: c.Late})
		if k.IsCell && !k.IsGrassroots {
			cells = cells.Add(s)
		}
		if k.IsGrassroots {
			grassroots = grassroots.Add(s)
		}
		late += c.Late
	}
	if cells.Total == 0 {
		cells = NewShare(0, 0)
	}
	if grassroots.Total == 0 {
		grassroots = NewShare(0, 0)
	}
	return kinds, cells, grassroots, late
}

// CellsHeldOf returns the share of cells held among per-kind counts.
func CellsHeldOf(rules KindRules, counts []KindCount) Share {
	_, cells, _, _ := CountsByKind(rules, counts)
	return cells
}

// HeadlineText is the board's headline: the share of cells that have held
// their congress, as in the seed articles.
func HeadlineText(cells Share, lang string) string {
	if Lang(lang) == "en" {
		return fmt.Sprintf("%s of cells have held their congress (%d/%d)", cells.In("en"), cells.Held, cells.Total)
	}
	return fmt.Sprintf("%s chi bộ đã tổ chức đại hội (%d/%d)", cells.In("vi"), cells.Held, cells.Total)
}

// Localize renders every text of p in lang.
func (p *Progress) Localize(lang string) {
	p.Cells.Localize(lang)
	p.Grassroots.Localize(lang)
	p.Pilots.Localize(lang)
	for i := range p.Kinds {
		p.Kinds[i].Localize(lang)
	}
	p.Headline = HeadlineText(p.Cells, lang)
}

// Localize renders every text of p in lang.
func (p *ChildrenProgress) Localize(lang string) {
	for i := range p.Children {
		p.Children[i].Cells.Localize(lang)
	}
}

// Ordered returns the kinds in their display order.
func (r KindRules) Ordered() []UnitKind {
	out := make([]UnitKind, 0, len(r.Kinds))
	for _, k := range r.Kinds {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].SortOrder < out[j-1].SortOrder ||
			out[j].SortOrder == out[j-1].SortOrder && strings.Compare(out[j].Code, out[j-1].Code) < 0); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
