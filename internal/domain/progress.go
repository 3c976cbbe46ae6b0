package domain

import (
	"cmp"
	"fmt"
	"slices"
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

// Compare orders shares by their ratio, exactly (no rounding): -1 when s
// is the smaller, 1 when the larger, 0 when equal. A share with nothing to
// count comes after every other.
func (s Share) Compare(o Share) int {
	switch {
	case s.Total <= 0 && o.Total <= 0:
		return 0
	case s.Total <= 0:
		return 1
	case o.Total <= 0:
		return -1
	}
	return cmp.Compare(int64(s.Held)*int64(o.Total), int64(o.Held)*int64(s.Total))
}

// Add returns the sum of two shares.
func (s Share) Add(o Share) Share { return NewShare(s.Held+o.Held, s.Total+o.Total) }

// KindCount is, for one kind, how many active units of that kind lie below
// a unit, how many of them had held their congress by a day, how many were
// late on that day (deadline passed, congress not held) and how many at
// risk (not late yet, likely to be).
type KindCount struct {
	Kind   string `db:"kind"`
	Total  int    `db:"total"`
	Held   int    `db:"held"`
	Late   int    `db:"late"`
	AtRisk int    `db:"at_risk"`
}

// KindProgress is the progress of the units of one kind below a unit.
type KindProgress struct {
	Kind         string `json:"kind"`
	Name         Text   `json:"name"`
	IsCell       bool   `json:"is_cell"`
	IsGrassroots bool   `json:"is_grassroots"`
	Share
	Late   int `json:"late"`
	AtRisk int `json:"at_risk"`
}

// Progress sources: which day the figures of a progress read are of. Both
// come from the same maintained aggregates and count what is recorded now.
const (
	// SourceLive: today's figures.
	SourceLive = "live"
	// SourceComputed: a past day's figures, computed from what is recorded
	// now (a congress entered later as held on or before that day counts as
	// held on it), with the units and deadlines as they stand now.
	SourceComputed = "computed"
)

// UnitRef names a unit (in a report, in the place of a unit found).
type UnitRef struct {
	Code string `json:"code" db:"code"`
	Name string `json:"name" db:"name"`
	Kind string `json:"kind" db:"kind"`
}

// OwnCongress is a unit's own congress as of a day: its status on that day,
// whether it had been held by then, its dates, and its milestones done by
// then. Current is what is recorded now, labelled as such.
type OwnCongress struct {
	Status     CongressStatus `json:"status" db:"status"`
	StatusName Text           `json:"status_name" db:"-"`
	Held       bool           `json:"held" db:"held"`
	// HeldDate is set when the congress was held by the day.
	HeldDate *Day `json:"held_date" db:"held_date"`
	// PlannedDate and Deadline are as recorded now (planned dates keep no
	// history; the deadline is the one in force now).
	PlannedDate *Day `json:"planned_date" db:"planned_date"`
	Deadline    *Day `json:"deadline" db:"deadline"`
	IsPilot     bool `json:"pilot" db:"is_pilot"`
	// Late: the deadline had passed by the day without the congress held;
	// DaysOverdue counts the days since the deadline (0 when not late).
	Late        bool `json:"late" db:"late"`
	DaysOverdue int  `json:"days_overdue" db:"days_overdue"`
	// AtRisk: not late on the day, but likely to be (never both).
	AtRisk bool `json:"at_risk" db:"at_risk"`
	// Milestones counts the milestones done by the day among all of them,
	// those overdue on the day, and those made moot by the congress held.
	Milestones MilestoneSummary `json:"milestones" db:"milestones"`
	Current    CurrentCongress  `json:"current" db:"current"`
}

// CurrentCongress is a congress as recorded now, beside its state on a past day.
type CurrentCongress struct {
	Status     CongressStatus `json:"status" db:"status"`
	StatusName Text           `json:"status_name" db:"-"`
	HeldDate   *Day           `json:"held_date" db:"held_date"`
}

// Fill derives the status names.
func (o *OwnCongress) Fill() {
	o.StatusName = o.Status.Name()
	o.Current.StatusName = o.Current.Status.Name()
}

// LateUnit is a unit below whose deadline has passed without its congress held.
type LateUnit struct {
	UnitRef
	Status      CongressStatus `json:"status" db:"status"`
	Deadline    Day            `json:"deadline" db:"deadline"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	DaysOverdue int            `json:"days_overdue" db:"days_overdue"`
}

// LateSummary counts the late units below a unit and lists the most overdue.
type LateSummary struct {
	Count int        `json:"count"`
	Units []LateUnit `json:"units"`
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
	// AtRisk counts the units below at risk on the day.
	AtRisk int `json:"at_risk"`
}

// ChildProgress is one unit directly below in a progress breakdown: its own
// congress, the share of cells below it held, and its late units and those
// at risk (itself included).
type ChildProgress struct {
	UnitRef
	Category string      `json:"category,omitempty"`
	Own      OwnCongress `json:"own"`
	Cells    Share       `json:"cells"`
	Late     int         `json:"late"`
	AtRisk   int         `json:"at_risk"`
}

// ChildrenProgress is the per-child breakdown of a unit's progress.
type ChildrenProgress struct {
	RoundID  int64           `json:"round_id"`
	Unit     UnitRef         `json:"unit"`
	AsOf     Day             `json:"as_of"`
	Source   string          `json:"source"`
	Children []ChildProgress `json:"children"`
}

// KindFigures are per-kind counts turned into the kinds of a progress and
// its headline shares.
type KindFigures struct {
	Kinds        []KindProgress
	Cells        Share
	Grassroots   Share
	Late, AtRisk int
}

// CountsByKind turns per-kind counts into the kinds of a progress (in the
// kinds' order), the cell and grassroots shares, and the late and at-risk
// units of every kind. Cells are the kinds that are cells and not grassroots
// organizations (the chi bộ trực thuộc); the grassroots are the grassroots
// kinds.
func CountsByKind(rules KindRules, counts []KindCount) KindFigures {
	byKind := map[string]KindCount{}
	for _, c := range counts {
		k := byKind[c.Kind]
		k.Kind, k.Total, k.Held, k.Late, k.AtRisk = c.Kind, k.Total+c.Total, k.Held+c.Held, k.Late+c.Late, k.AtRisk+c.AtRisk
		byKind[c.Kind] = k
	}
	out := KindFigures{Kinds: []KindProgress{}}
	for _, k := range rules.Ordered() {
		c, ok := byKind[k.Code]
		if !ok || c.Total == 0 {
			continue
		}
		s := NewShare(c.Held, c.Total)
		out.Kinds = append(out.Kinds, KindProgress{Kind: k.Code, Name: Text{VI: k.NameVI, EN: k.NameEN},
			IsCell: k.IsCell, IsGrassroots: k.IsGrassroots, Share: s, Late: c.Late, AtRisk: c.AtRisk})
		if k.IsCell && !k.IsGrassroots {
			out.Cells = out.Cells.Add(s)
		}
		if k.IsGrassroots {
			out.Grassroots = out.Grassroots.Add(s)
		}
		out.Late += c.Late
		out.AtRisk += c.AtRisk
	}
	if out.Cells.Total == 0 {
		out.Cells = NewShare(0, 0)
	}
	if out.Grassroots.Total == 0 {
		out.Grassroots = NewShare(0, 0)
	}
	return out
}

// CellsHeldOf returns the share of cells held among per-kind counts.
func CellsHeldOf(rules KindRules, counts []KindCount) Share {
	return CountsByKind(rules, counts).Cells
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

// Clone copies the slices of p that Localize changes: a value shared with
// a cache is cloned before it is localized, and never changed.
func (p Progress) Clone() Progress {
	p.Kinds = slices.Clone(p.Kinds)
	p.Late.Units = slices.Clone(p.Late.Units)
	return p
}

// Localized is a copy of p with every text in lang; p is unchanged.
func (p Progress) Localized(lang string) Progress {
	p = p.Clone()
	p.Localize(lang)
	return p
}

// Clone copies the slices of p that Localize changes (see Progress.Clone).
func (p ChildrenProgress) Clone() ChildrenProgress {
	p.Children = slices.Clone(p.Children)
	return p
}

// Localized is a copy of p with every text in lang; p is unchanged.
func (p ChildrenProgress) Localized(lang string) ChildrenProgress {
	p = p.Clone()
	p.Localize(lang)
	return p
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

// DayCount is how many units had held their congress by a day.
type DayCount struct {
	Day  Day `db:"day"`
	Held int `db:"held"`
}

// RollupDrift counts the rollup rows a recompute found wrong and fixed:
// updated (other counts), inserted (missing) and deleted (for units or
// kinds with nothing below any more), in rollups and rollup_days. Rows of
// zeros are not drift. Marks counts the congresses whose mark of missing
// papers did not match their papers (fixed first, the rows they change in
// rollup_days then counted as drift too).
type RollupDrift struct {
	Updated  int `json:"updated" db:"updated"`
	Inserted int `json:"inserted" db:"inserted"`
	Deleted  int `json:"deleted" db:"deleted"`
	Marks    int `json:"marks" db:"marks"`
}

// Rows is the number of rollup rows that were wrong.
func (d RollupDrift) Rows() int { return d.Updated + d.Inserted + d.Deleted }

// Add is the drift of two recomputes together.
func (d RollupDrift) Add(o RollupDrift) RollupDrift {
	return RollupDrift{Updated: d.Updated + o.Updated, Inserted: d.Inserted + o.Inserted, Deleted: d.Deleted + o.Deleted,
		Marks: d.Marks + o.Marks}
}
