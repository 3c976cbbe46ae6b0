package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FlagKind is what a flag warns about.
type FlagKind string

// The kinds of flags the late-flags job raises.
const (
	// FlagLate: the unit's deadline has passed without its congress held.
	FlagLate FlagKind = "late"
	// FlagMilestoneOverdue: a milestone's due date has passed without it done.
	FlagMilestoneOverdue FlagKind = "milestone_overdue"
	// FlagAtRisk: the unit is not late yet but likely to be: it plans its
	// congress after its deadline, or has no planned date although the
	// deadline is near (AtRiskDays). Never both late and at risk.
	FlagAtRisk FlagKind = "at_risk"
)

// FlagKinds lists the kinds of flags with their names.
var FlagKinds = []struct {
	Kind FlagKind
	Name Text
}{
	{FlagLate, Text{"Trễ hạn đại hội", "Congress late"}},
	{FlagMilestoneOverdue, Text{"Quá hạn mốc chuẩn bị", "Milestone overdue"}},
	{FlagAtRisk, Text{"Có nguy cơ trễ hạn", "At risk"}},
}

// Valid reports whether k is a known kind of flag.
func (k FlagKind) Valid() bool {
	for _, x := range FlagKinds {
		if x.Kind == k {
			return true
		}
	}
	return false
}

// Name returns the kind's names in both languages.
func (k FlagKind) Name() Text {
	for _, x := range FlagKinds {
		if x.Kind == k {
			return x.Name
		}
	}
	return Text{string(k), string(k)}
}

// Details of an at-risk flag.
const (
	AtRiskPlannedAfterDeadline = "planned_after_deadline"
	AtRiskNoPlannedDate        = "no_planned_date"
)

// DefaultAtRiskDays is how close to its deadline a unit without a planned
// date becomes at risk, unless configured otherwise.
const DefaultAtRiskDays = 14

// FlagState selects open or resolved flags.
type FlagState string

// The states of a flag.
const (
	FlagOpen     FlagState = "open"
	FlagResolved FlagState = "resolved"
)

// FlagMilestone names the milestone of a milestone_overdue flag.
type FlagMilestone struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Flag is a warning about a unit in a round, opened by the late-flags job
// when its rule first holds and resolved when it no longer does.
type Flag struct {
	ID       int64    `json:"id" db:"id"`
	RoundID  int64    `json:"round_id" db:"round_id"`
	Unit     UnitRef  `json:"unit" db:"unit"`
	Kind     FlagKind `json:"kind" db:"kind"`
	KindName Text     `json:"kind_name" db:"-"`
	// Milestone is set on milestone_overdue flags.
	Milestone *FlagMilestone `json:"milestone,omitempty" db:"-"`
	// DueDate is the deadline (late, at_risk) or the milestone's due date.
	DueDate *Day `json:"due_date" db:"due_date"`
	// DaysOverdue counts the days from the due date to today (open flags)
	// or to the day the flag's condition ended (resolved ones: a late
	// congress's real delay, its held date minus its deadline); negative
	// when the due date is ahead (at_risk before the deadline).
	DaysOverdue int        `json:"days_overdue" db:"-"`
	Detail      string     `json:"detail" db:"detail"`
	DetailText  Text       `json:"detail_text" db:"-"`
	OpenedAt    time.Time  `json:"opened_at" db:"opened_at"`
	ResolvedAt  *time.Time `json:"resolved_at" db:"resolved_at"`
	// EndedOn is the day the condition of a resolved flag ended: the day the
	// congress was held (late, at_risk), the milestone done or made moot by
	// the congress held (milestone_overdue); else the day of the run that
	// found it over. ResolvedAt is when that run closed the flag.
	EndedOn *Day `json:"ended_on" db:"ended_on"`

	MilestoneCode   *string `json:"-" db:"milestone_code"`
	MilestoneNameVI *string `json:"-" db:"milestone_name_vi"`
	MilestoneNameEN *string `json:"-" db:"milestone_name_en"`
}

// Fill derives the names, the milestone and the days overdue at today.
func (f *Flag) Fill(today Day) {
	f.KindName = f.Kind.Name()
	if f.MilestoneCode != nil {
		f.Milestone = &FlagMilestone{Code: *f.MilestoneCode}
		if f.MilestoneNameVI != nil && f.MilestoneNameEN != nil {
			f.Milestone.Name = Text{VI: *f.MilestoneNameVI, EN: *f.MilestoneNameEN}
		}
	}
	end := today
	switch {
	case f.EndedOn != nil:
		end = *f.EndedOn
	case f.ResolvedAt != nil:
		end = DayOf(DateOf(*f.ResolvedAt))
	}
	if f.DueDate != nil {
		f.DaysOverdue = DaysBetween(f.DueDate.Time, end.Time)
	}
	switch {
	case f.Kind == FlagAtRisk:
		f.DetailText, _ = AtRiskDetail(f.Detail)
	case f.Kind == FlagMilestoneOverdue && f.Milestone != nil:
		f.DetailText = f.Milestone.Name
	case f.Kind == FlagLate && f.DueDate != nil:
		f.DetailText = Text{fmt.Sprintf("Thời hạn %s", f.DueDate.VI()), fmt.Sprintf("Deadline %s", f.DueDate)}
	}
}

// FlagQuery selects flags: open or resolved, of the unit alone or of its
// whole subtree, optionally of one kind, a page at a time.
type FlagQuery struct {
	State   FlagState
	Subtree bool
	Kind    FlagKind
	Limit   int
	Offset  int
}

// MaxFlagPage bounds a page of flags.
const MaxFlagPage = 1000

// FlagList is a page of flags: open ones the most overdue first, resolved
// ones the most recently resolved first.
type FlagList struct {
	RoundID int64     `json:"round_id"`
	Unit    UnitRef   `json:"unit"`
	State   FlagState `json:"state"`
	Subtree bool      `json:"subtree"`
	Limit   int       `json:"limit"`
	Offset  int       `json:"offset"`
	// More: there are flags after this page (ask again with offset + limit).
	More  bool   `json:"more"`
	Flags []Flag `json:"flags"`
}

// DefaultFlagPage is the page size of a flag listing without a limit.
const DefaultFlagPage = 100

// ParseFlagQuery reads the query of a flag listing: state open (default)
// or resolved, subtree true (default) or false, an optional kind, limit
// (1 to MaxFlagPage, default DefaultFlagPage) and offset (0 or more).
func ParseFlagQuery(state, subtree, kind, limit, offset string) (FlagQuery, error) {
	q := FlagQuery{State: FlagOpen, Subtree: true, Limit: DefaultFlagPage}
	var v Validation
	switch strings.TrimSpace(state) {
	case "", string(FlagOpen):
	case string(FlagResolved):
		q.State = FlagResolved
	default:
		v.Add("state", "state phải là open hoặc resolved", "state must be open or resolved")
	}
	switch strings.TrimSpace(subtree) {
	case "", "true", "1":
	case "false", "0":
		q.Subtree = false
	default:
		v.Add("subtree", "subtree phải là true hoặc false", "subtree must be true or false")
	}
	if k := FlagKind(strings.TrimSpace(kind)); k != "" {
		if !k.Valid() {
			v.Add("kind", "kind phải là late, milestone_overdue hoặc at_risk", "kind must be late, milestone_overdue or at_risk")
		}
		q.Kind = k
	}
	if s := strings.TrimSpace(limit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxFlagPage {
			v.Add("limit", fmt.Sprintf("limit phải là số nguyên từ 1 đến %d", MaxFlagPage), fmt.Sprintf("limit must be an integer between 1 and %d", MaxFlagPage))
		}
		q.Limit = n
	}
	if s := strings.TrimSpace(offset); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			v.Add("offset", "offset phải là số nguyên không âm", "offset must be an integer of 0 or more")
		}
		q.Offset = n
	}
	return q, v.Err()
}

// AtRiskDetail words why a unit is at risk (AtRisk...); false for another code.
func AtRiskDetail(code string) (Text, bool) {
	switch code {
	case AtRiskPlannedAfterDeadline:
		return Text{"Ngày dự kiến đại hội sau thời hạn", "Planned date after the deadline"}, true
	case AtRiskNoPlannedDate:
		return Text{"Chưa có ngày dự kiến đại hội dù sắp đến thời hạn", "No planned date although the deadline is near"}, true
	}
	return Text{}, false
}

// FlagRefresh counts what a run of the late flags did: flags opened,
// resolved, and still open whose due date or detail changed; and the flags
// open after the run, by kind.
type FlagRefresh struct {
	Opened   int
	Resolved int
	Updated  int
	Open     map[FlagKind]int
}
