package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// A unit list is every unit of a subtree in one state on a day, each with
// its place, filtered, sorted and paged: the full list behind each count of
// a dashboard (late, at risk, planned soon, pilots, held, not held). The
// states are the rules of the figures (migrations/00018_figures.sql), so
// that a list holds exactly the units its count counts.

// UnitListKind is which units a list holds.
type UnitListKind string

// The lists of units. Late, at risk, held and not held hold the units
// strictly below the unit (as its counts do); pilots and planned hold the
// unit itself too when it is one (as the pilots' count does).
const (
	ListLate    UnitListKind = "late"     // late on the day (congress_late_on)
	ListAtRisk  UnitListKind = "at_risk"  // at risk on the day (congress_at_risk_on)
	ListPlanned UnitListKind = "planned"  // not held, planned within the next days
	ListPilots  UnitListKind = "pilots"   // pilot congresses
	ListHeld    UnitListKind = "held"     // held by the day
	ListNotHeld UnitListKind = "not_held" // not held by the day
)

// UnitListKinds lists the lists, in the order they are offered.
var UnitListKinds = []UnitListKind{ListLate, ListAtRisk, ListPlanned, ListPilots, ListHeld, ListNotHeld}

// Name is the list's title in both languages.
func (k UnitListKind) Name() Text {
	switch k {
	case ListLate:
		return Text{"Đơn vị trễ hạn", "Late units"}
	case ListAtRisk:
		return Text{"Đơn vị có nguy cơ trễ hạn", "Units at risk"}
	case ListPlanned:
		return Text{"Đại hội dự kiến sắp tới", "Congresses planned soon"}
	case ListPilots:
		return Text{"Đại hội điểm", "Pilot congresses"}
	case ListHeld:
		return Text{"Đơn vị đã tổ chức đại hội", "Units that held their congress"}
	case ListNotHeld:
		return Text{"Đơn vị chưa tổ chức đại hội", "Units yet to hold their congress"}
	}
	return Text{string(k), string(k)}
}

// IncludesSelf says whether the list holds the unit itself when it is in
// the state (pilots and planned congresses do, as the pilots' count does).
func (k UnitListKind) IncludesSelf() bool { return k == ListPilots || k == ListPlanned }

// UnitListSort is the order of a list.
type UnitListSort string

// The orders of a list; each breaks ties by name, then code.
const (
	SortOverdue  UnitListSort = "overdue"  // the most days overdue first (earliest deadline)
	SortDeadline UnitListSort = "deadline" // the earliest deadline first
	SortPlanned  UnitListSort = "planned"  // the earliest planned date first
	SortName     UnitListSort = "name"     // by name (Vietnamese order)
	SortPlace    UnitListSort = "place"    // by place, from the top down, then name
)

// UnitListSorts lists the orders, in the order they are offered.
var UnitListSorts = []UnitListSort{SortOverdue, SortDeadline, SortPlanned, SortName, SortPlace}

// DefaultSort is the order of a list when none is asked.
func (k UnitListKind) DefaultSort() UnitListSort {
	switch k {
	case ListLate:
		return SortOverdue
	case ListAtRisk:
		return SortDeadline
	case ListPlanned:
		return SortPlanned
	}
	return SortPlace
}

// Levels a list may be narrowed to besides a kind: the kinds that are cells
// (not grassroots organizations), and the grassroots kinds, as the shares of
// a progress count them.
const (
	LevelCells      = "cells"
	LevelGrassroots = "grassroots"
)

// Bounds of a list's parameters.
const (
	UnitListPageSize       = 50
	MaxUnitListPageSize    = 500
	DefaultPlannedDays     = 14
	MaxPlannedDays         = 366
	MaxUnitListMinDays     = 100000
	MaxUnitListDownloadRow = 100000
)

// UnitListInput is a list asked for, as typed in a query string.
type UnitListInput struct {
	Which, Kind, Level, Category, Place, MinDays, Days, Sort, Page, PerPage string
}

// UnitListQuery is a list asked for, checked. Kinds is nil for every kind.
type UnitListQuery struct {
	Which    UnitListKind `json:"which"`
	Kind     string       `json:"kind,omitempty"`
	Level    string       `json:"level,omitempty"`
	Kinds    []string     `json:"-"`
	Category string       `json:"category,omitempty"`
	// Place narrows the list to a unit below and its subtree (a code).
	Place   string       `json:"place,omitempty"`
	MinDays int          `json:"min_days,omitempty"`
	Days    int          `json:"days,omitempty"`
	Sort    UnitListSort `json:"sort"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
}

// ParseUnitListQuery checks a list asked for against the kinds of units,
// adding to v what is wrong (an unknown list, kind, level, category or
// order, a number out of bounds). Empty fields take their defaults: the
// late list, every kind, in the list's default order, page 1 of
// UnitListPageSize rows, planned within DefaultPlannedDays days.
func ParseUnitListQuery(in UnitListInput, rules KindRules, v *Validation) UnitListQuery {
	q := UnitListQuery{Which: ListLate, Page: 1, PerPage: UnitListPageSize, Days: DefaultPlannedDays}
	if w := strings.TrimSpace(in.Which); w != "" {
		q.Which = UnitListKind(w)
		if !knownList(q.Which) {
			v.Add("which", fmt.Sprintf("Không có danh sách %q", clip(w)), fmt.Sprintf("there is no list %q", clip(w)))
		}
	}
	q.Sort = q.Which.DefaultSort()
	if s := strings.TrimSpace(in.Sort); s != "" {
		q.Sort = UnitListSort(s)
		if !knownSort(q.Sort) {
			v.Add("sort", fmt.Sprintf("Không có cách sắp xếp %q", clip(s)), fmt.Sprintf("there is no order %q", clip(s)))
		}
	}
	if k := strings.TrimSpace(in.Kind); k != "" {
		if !rules.Known(k) {
			v.Add("kind", fmt.Sprintf("Không có loại đơn vị %q", clip(k)), fmt.Sprintf("there is no unit kind %q", clip(k)))
		}
		q.Kind, q.Kinds = k, []string{k}
	}
	switch l := strings.TrimSpace(in.Level); l {
	case "":
	case LevelCells, LevelGrassroots:
		q.Level = l
		var kinds []string
		for _, k := range rules.Ordered() {
			if (l == LevelCells && k.IsCell && !k.IsGrassroots) || (l == LevelGrassroots && k.IsGrassroots) {
				if q.Kind == "" || q.Kind == k.Code {
					kinds = append(kinds, k.Code)
				}
			}
		}
		q.Kinds = append([]string{}, kinds...)
	default:
		v.Add("level", fmt.Sprintf("level phải là %q hoặc %q", LevelCells, LevelGrassroots),
			fmt.Sprintf("level must be %q or %q", LevelCells, LevelGrassroots))
	}
	if c := strings.TrimSpace(in.Category); c != "" {
		if !ValidCategory(c) {
			v.Add("category", fmt.Sprintf("Không có nhóm chi bộ %q", clip(c)), fmt.Sprintf("there is no cell category %q", clip(c)))
		}
		q.Category = c
	}
	q.Place = NormalizeCode(in.Place)
	q.MinDays = listNumber(v, "min_days", in.MinDays, 0, 0, MaxUnitListMinDays)
	q.Days = listNumber(v, "days", in.Days, DefaultPlannedDays, 1, MaxPlannedDays)
	q.Page = listNumber(v, "page", in.Page, 1, 1, 1000000)
	q.PerPage = listNumber(v, "per_page", in.PerPage, UnitListPageSize, 1, MaxUnitListPageSize)
	return q
}

func knownList(k UnitListKind) bool {
	for _, x := range UnitListKinds {
		if x == k {
			return true
		}
	}
	return false
}

func knownSort(s UnitListSort) bool {
	for _, x := range UnitListSorts {
		if x == s {
			return true
		}
	}
	return false
}

// clip shortens what a user typed to quote it back.
func clip(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}

// listNumber reads a whole number between lo and hi from field, def when empty.
func listNumber(v *Validation, field, raw string, def, lo, hi int) int {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		v.Add(field, fmt.Sprintf("%s phải là số nguyên từ %d đến %d", field, lo, hi),
			fmt.Sprintf("%s must be a whole number from %d to %d", field, lo, hi))
		return def
	}
	return n
}

// UnitListRow is a unit of a list: the unit, its place, and its congress on
// the list's day.
type UnitListRow struct {
	UnitRef
	Category   string         `json:"category,omitempty" db:"category"`
	Place      Place          `json:"place" db:"place"`
	Status     CongressStatus `json:"status" db:"status"`
	StatusName Text           `json:"status_name" db:"-"`
	Deadline   *Day           `json:"deadline" db:"deadline"`
	Planned    *Day           `json:"planned_date" db:"planned_date"`
	HeldDate   *Day           `json:"held_date" db:"held_date"`
	// DaysOverdue counts the days since the deadline of a late unit (0
	// when not late).
	DaysOverdue int  `json:"days_overdue" db:"days_overdue"`
	Late        bool `json:"late" db:"late"`
	AtRisk      bool `json:"at_risk" db:"at_risk"`
	Pilot       bool `json:"pilot" db:"is_pilot"`
}

// UnitList is a page of a list of units below a unit on a day.
type UnitList struct {
	RoundID int64         `json:"round_id"`
	Unit    UnitRef       `json:"unit"`
	AsOf    Day           `json:"as_of"`
	Query   UnitListQuery `json:"query"`
	Title   Text          `json:"title"`
	// Place is the unit the list is narrowed to, when it is.
	Place *UnitRef `json:"place_unit,omitempty"`
	// Total counts the units of the list over every page.
	Total int           `json:"total"`
	Pages int           `json:"pages"`
	Units []UnitListRow `json:"units"`
}

// Fill derives the names and the number of pages.
func (l *UnitList) Fill() {
	l.Title = l.Query.Which.Name()
	for i := range l.Units {
		l.Units[i].StatusName = l.Units[i].Status.Name()
	}
	l.Pages = 1
	if l.Query.PerPage > 0 && l.Total > 0 {
		l.Pages = (l.Total + l.Query.PerPage - 1) / l.Query.PerPage
	}
}
