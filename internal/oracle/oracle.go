// Package oracle computes the figures of a round in Go, from plain
// per-congress data: held by a day, late on a day, at risk on a day, a
// congress's status on a day, milestones overdue or moot, the deadline in
// force. The rules live once, in SQL (migrations/00018_figures.sql and the
// store's bestRuleDeadline), and every reader of the application goes
// through them; this package is their test oracle, written independently
// from their text, and tests compare the two on generated trees and on the
// demo. Only tests import it (TestOnlyTestsImportTheOracle).
package oracle

import (
	"slices"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// HeldBy reports whether a congress held on held (nil: not held) had been
// held by day.
func HeldBy(held *domain.Day, day domain.Day) bool {
	return held != nil && !held.After(day)
}

// LateOn reports whether a congress was late on day: its deadline had
// passed and it had not been held by then; and by how many days.
func LateOn(deadline, held *domain.Day, day domain.Day) (bool, int) {
	if deadline == nil || !deadline.Before(day) || HeldBy(held, day) {
		return false, 0
	}
	return true, domain.DaysBetween(deadline.Time, day.Time)
}

// plannedOf is the day a congress counts as planned on: its planned date,
// else the day it was held.
func plannedOf(planned, held *domain.Day) *domain.Day {
	if planned != nil {
		return planned
	}
	return held
}

// AtRiskOn reports whether a congress was at risk on day: not held by
// then, not late yet (deadline day or later), and planned after its
// deadline, or without a planned date with the deadline at most days away.
// A congress held without a planned date counts as planned on its held date.
func AtRiskOn(deadline, held, planned *domain.Day, day domain.Day, days int) bool {
	if deadline == nil || deadline.Before(day) || HeldBy(held, day) {
		return false
	}
	if p := plannedOf(planned, held); p != nil {
		return p.After(*deadline)
	}
	return !day.Before(deadline.AddDays(-days))
}

// StatusOn is the status of a congress on day from what is recorded now:
// held (results reported when they were by day) when held by day; else its
// status now, but at most 'preparing' unless its congress plan was
// approved by day, and at most 'plan approved'.
func StatusOn(now domain.CongressStatus, held, planApproved, reported *domain.Day, day domain.Day) domain.CongressStatus {
	switch {
	case HeldBy(held, day) && HeldBy(reported, day):
		return domain.StatusResultsReported
	case HeldBy(held, day):
		return domain.StatusHeld
	case now == domain.StatusNotStarted:
		return now
	case now == domain.StatusPreparing || !HeldBy(planApproved, day):
		return domain.StatusPreparing
	}
	return domain.StatusPlanApproved
}

// MilestoneDue is a milestone's due date: absolute, else offset days from
// the planned date (nil without one).
func MilestoneDue(absolute *domain.Day, offset *int, planned *domain.Day) *domain.Day {
	switch {
	case absolute != nil:
		return absolute
	case offset != nil && planned != nil:
		d := planned.AddDays(*offset)
		return &d
	}
	return nil
}

// MilestoneMootOn reports whether a milestone not done by day prepared a
// congress held by day (afterCongress: it is due after the congress, never moot).
func MilestoneMootOn(done *domain.Day, afterCongress bool, held *domain.Day, day domain.Day) bool {
	return !HeldBy(done, day) && !afterCongress && HeldBy(held, day)
}

// MilestoneOverdueOn reports whether a milestone was overdue on day: due
// before it, not done by it, not moot.
func MilestoneOverdueOn(due, done *domain.Day, afterCongress bool, held *domain.Day, day domain.Day) bool {
	return due != nil && due.Before(day) && !HeldBy(done, day) && !MilestoneMootOn(done, afterCongress, held, day)
}

// depth is the number of levels of a rule's scope, 0 for the whole tree.
func depth(r domain.DeadlineRule) int {
	if r.ScopePath == "" {
		return 0
	}
	return strings.Count(r.ScopePath, ".") + 1
}

// matches reports whether the rule covers a unit of kind and category at path.
func matches(r domain.DeadlineRule, kind, category, path string) bool {
	return r.Kind == kind && (r.Category == "" || r.Category == category) &&
		(r.ScopePath == "" || domain.IsWithin(path, r.ScopePath))
}

// outranks reports whether r takes precedence over o when both match a
// unit: the deeper scope wins, then a rule for a category over a general one.
func outranks(r, o domain.DeadlineRule) bool {
	if depth(r) != depth(o) {
		return depth(r) > depth(o)
	}
	return r.Category != "" && o.Category == ""
}

// BestDeadlineRule returns the rule that sets the deadline of a unit of
// kind and category at path, and false when no rule covers it.
func BestDeadlineRule(rules []domain.DeadlineRule, kind, category, path string) (domain.DeadlineRule, bool) {
	var best domain.DeadlineRule
	found := false
	for _, r := range rules {
		if matches(r, kind, category, path) && (!found || outranks(r, best)) {
			best, found = r, true
		}
	}
	return best, found
}

// EffectiveDeadline returns the deadline in force of a unit: its override
// when set, else the best matching rule; source says which ("" when none).
func EffectiveDeadline(override *domain.Day, rules []domain.DeadlineRule, kind, category, path string) (*domain.Day, string) {
	if override != nil {
		d := *override
		return &d, domain.DeadlineFromOverride
	}
	if r, ok := BestDeadlineRule(rules, kind, category, path); ok {
		d := r.Deadline
		return &d, domain.DeadlineFromRule
	}
	return nil, ""
}

// Congress is what the oracle knows of one unit's congress: plain data, as
// recorded.
type Congress struct {
	UnitID int64
	// Path is the unit's ltree path of ids ("1.7.42").
	Path     string
	Kind     string
	Category string
	Active   bool
	Status   domain.CongressStatus
	Override *domain.Day
	// Deadline is the deadline in force as stored.
	Deadline, Held, Planned *domain.Day
	PlanApproved, Reported  *domain.Day
}

// below reports whether the congress's unit lies strictly below the unit with id.
func (c Congress) below(id int64) bool {
	labels := strings.Split(c.Path, ".")
	s := strconv.FormatInt(id, 10)
	for _, l := range labels[:len(labels)-1] {
		if l == s {
			return true
		}
	}
	return false
}

// Round is every congress of a round.
type Round []Congress

// Below counts, per kind, the active units strictly below the unit with
// id: how many, held by day, late on day, at risk on day (days: at-risk days).
func (r Round) Below(id int64, day domain.Day, days int) map[string]domain.KindCount {
	out := map[string]domain.KindCount{}
	for _, c := range r {
		if !c.Active || !c.below(id) {
			continue
		}
		k := out[c.Kind]
		k.Kind = c.Kind
		k.Total++
		if HeldBy(c.Held, day) {
			k.Held++
		}
		if late, _ := LateOn(c.Deadline, c.Held, day); late {
			k.Late++
		}
		if AtRiskOn(c.Deadline, c.Held, c.Planned, day, days) {
			k.AtRisk++
		}
		out[c.Kind] = k
	}
	return out
}

// HeldSeries counts the active units of kinds strictly below the unit with
// id held by each of days, how many there are, and the latest of their
// deadlines.
func (r Round) HeldSeries(id int64, kinds []string, days []domain.Day) (held []int, total int, latest *domain.Day) {
	held = make([]int, len(days))
	for _, c := range r {
		if !c.Active || !c.below(id) || !slices.Contains(kinds, c.Kind) {
			continue
		}
		total++
		for i, d := range days {
			if HeldBy(c.Held, d) {
				held[i]++
			}
		}
		if c.Deadline != nil && (latest == nil || c.Deadline.After(*latest)) {
			latest = c.Deadline
		}
	}
	return held, total, latest
}
