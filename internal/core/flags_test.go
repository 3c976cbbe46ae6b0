package core_test

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// flagsOf lists the flags of code's subtree in state (all kinds unless kind is set).
func (f *progressFixture) flagsOf(code string, state domain.FlagState, kind domain.FlagKind) []domain.Flag {
	f.t.Helper()
	l, err := f.svc.Flags(f.ctx, domain.SystemPrincipal(), code, 0, domain.FlagQuery{State: state, Subtree: true, Kind: kind, Limit: 1000})
	if err != nil {
		f.t.Fatalf("flags of %s: %v", code, err)
	}
	if l.More {
		f.t.Fatalf("flags of %s: more than a page", code)
	}
	return l.Flags
}

func codesOf(flags []domain.Flag) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		out = append(out, f.Unit.Code)
	}
	sort.Strings(out)
	return out
}

func TestLateFlagsOpenTheDayAfterTheDeadlineAndResolveWhenHeld(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	others := []string{"HN.HBT.BM.C10", "HN.HBT.BM.C11", "HN.HBT.BM.C12", "HN.HBT.BM.C13"}

	f.clock.setDay("2020-03-31") // the deadline itself: nobody is late yet
	f.runJob("late-flags", "")
	if late := f.flagsOf("HN.HBT.BM", domain.FlagOpen, domain.FlagLate); len(late) != 0 {
		t.Fatalf("on the deadline day %v are late", codesOf(late))
	}

	f.clock.setDay("2020-04-01")
	run := f.runJob("late-flags", "")
	late := f.flagsOf("HN.HBT.BM", domain.FlagOpen, domain.FlagLate)
	if got := codesOf(late); !slices.Equal(got, others) {
		t.Fatalf("late on 01/04 = %v, want the 4 cells not held %v", got, others)
	}
	for _, fl := range late {
		if fl.DaysOverdue != 1 || fl.DueDate.String() != "2020-03-31" || fl.ResolvedAt != nil {
			t.Errorf("%s: %d days overdue, due %s, want 1 day after 31/03, open", fl.Unit.Code, fl.DaysOverdue, fl.DueDate)
		}
		if fl.KindName.VI == "" || fl.KindName.EN == "" {
			t.Errorf("%s: kind name %+v", fl.Unit.Code, fl.KindName)
		}
	}
	// Round-wide: 4 cells of Bạch Mai, 2 of Vĩnh Tuy, 1 of Văn Miếu.
	if run.Counts["opened"] == 0 || run.Counts["open_late"] != 7 {
		t.Errorf("run counts = %v, want 7 late in the round", run.Counts)
	}
	p := f.progress("HN.HBT.BM", "")
	if p.Late.Count != 4 || len(p.Late.Units) != 4 || p.Late.Units[0].DaysOverdue != 1 {
		t.Errorf("progress late = %+v, want 4 listed, 1 day overdue", p.Late)
	}

	t.Run("flags are never duplicated across runs", func(t *testing.T) {
		before := f.count("flags")
		for range 2 {
			run := f.runJob("late-flags", "")
			if run.Counts["opened"] != 0 || run.Counts["resolved"] != 0 {
				t.Errorf("a rerun changed flags: %v", run.Counts)
			}
		}
		if got := f.count("flags"); got != before {
			t.Errorf("flags %d after reruns, want %d", got, before)
		}
		var dup int
		if err := f.db.Get(&dup, `SELECT count(*) FROM (SELECT 1 FROM flags WHERE resolved_at IS NULL
			GROUP BY round_id, unit_id, kind, template_id HAVING count(*) > 1) x`); err != nil {
			t.Fatal(err)
		}
		if dup != 0 {
			t.Errorf("%d flags open twice", dup)
		}
	})

	t.Run("holding a late unit lowers the late count at once", func(t *testing.T) {
		f.hold(others[0], "2020-04-01")
		p := f.progress("HN.HBT.BM", "")
		if p.Late.Count != 3 || len(p.Late.Units) != 3 {
			t.Errorf("late after holding %s = %d, listed %d, want 3", others[0], p.Late.Count, len(p.Late.Units))
		}
		// Its flag, still open until the next run, is no longer shown open:
		// its page does not warn of a congress it has held.
		if got := codesOf(f.flagsOf("HN.HBT.BM", domain.FlagOpen, domain.FlagLate)); !slices.Equal(got, others[1:]) {
			t.Errorf("open late flags after holding %s = %v, want %v", others[0], got, others[1:])
		}
		if got := codesOf(f.flagsOf(others[0], domain.FlagOpen, "")); len(got) != 0 {
			t.Errorf("open flags of the held %s = %v, want none", others[0], got)
		}
	})

	t.Run("holding them resolves their flags at the next run", func(t *testing.T) {
		for _, code := range others[1:] {
			f.hold(code, "2020-04-01")
		}
		run := f.runJob("late-flags", "")
		if run.Counts["resolved"] < 4 {
			t.Errorf("run counts = %v, want the 4 late flags resolved", run.Counts)
		}
		if late := f.flagsOf("HN.HBT.BM", domain.FlagOpen, domain.FlagLate); len(late) != 0 {
			t.Errorf("still late: %v", codesOf(late))
		}
		resolved := f.flagsOf("HN.HBT.BM", domain.FlagResolved, domain.FlagLate)
		if got := codesOf(resolved); !slices.Equal(got, others) {
			t.Errorf("resolved = %v, want %v", got, others)
		}
		for _, fl := range resolved {
			if fl.ResolvedAt == nil || !fl.ResolvedAt.Equal(f.clock.Now()) || fl.DaysOverdue != 1 || fl.OpenedAt.After(*fl.ResolvedAt) {
				t.Errorf("%s: opened %v resolved %v, %d days overdue", fl.Unit.Code, fl.OpenedAt, fl.ResolvedAt, fl.DaysOverdue)
			}
		}
		if p := f.progress("HN.HBT.BM", ""); p.Late.Count != 0 || p.Cells.Text != "100,00%" {
			t.Errorf("Bạch Mai: %d late, %s held", p.Late.Count, p.Cells.Text)
		}
	})

	t.Run("a unit's own flags and its subtree's", func(t *testing.T) {
		l, err := f.svc.Flags(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT.C1", 0, domain.FlagQuery{State: domain.FlagOpen, Kind: domain.FlagLate, Limit: 10})
		if err != nil || len(l.Flags) != 1 || l.Subtree {
			t.Errorf("own flags of VT.C1: %+v %v", l, err)
		}
		l, err = f.svc.Flags(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT", 0, domain.FlagQuery{State: domain.FlagOpen, Kind: domain.FlagLate, Limit: 10})
		if err != nil || len(l.Flags) != 0 {
			t.Errorf("own late flags of the ward VT (deadline 30/06): %+v %v", l, err)
		}
		if got := codesOf(f.flagsOf("HN.HBT.VT", domain.FlagOpen, domain.FlagLate)); !slices.Equal(got, []string{"HN.HBT.VT.C1", "HN.HBT.VT.C2"}) {
			t.Errorf("late in the subtree of VT = %v", got)
		}
	})
}

func TestMilestoneOverdueAndAtRiskFlags(t *testing.T) {
	f := newProgressFixture(t)
	sys := domain.SystemPrincipal()
	f.clock.setDay("2020-03-20")
	// VT.C1 plans its congress on 10/04, after its deadline (31/03).
	c := f.congressNow("HN.HBT.VT.C1")
	preparing, planned := "preparing", "2020-04-10"
	if _, err := f.svc.UpdateCongress(f.ctx, sys, "HN.HBT.VT.C1", 0, domain.CongressPatch{Status: &preparing, PlannedDate: &planned, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, asOf string
		unit       string
		kind       domain.FlagKind
		want       map[string]string // milestone code (or at-risk detail) -> due date
	}{
		// Cell milestones are due 15 (draft report), 10 (personnel plan) and 7 (congress
		// plan) days before the planned date: 26/03, 31/03, 03/04.
		{"nothing overdue before the first due date", "2020-03-26", "HN.HBT.VT.C1", domain.FlagMilestoneOverdue, map[string]string{}},
		{"the draft report the day after it was due", "2020-03-27", "HN.HBT.VT.C1", domain.FlagMilestoneOverdue,
			map[string]string{"draft_report": "2020-03-26"}},
		{"two milestones on 01/04", "2020-04-01", "HN.HBT.VT.C1", domain.FlagMilestoneOverdue,
			map[string]string{"draft_report": "2020-03-26", "personnel_plan": "2020-03-31"}},
		{"a planned date after the deadline is at risk", "2020-03-20", "HN.HBT.VT.C1", domain.FlagAtRisk,
			map[string]string{domain.AtRiskPlannedAfterDeadline: "2020-03-31"}},
		// Without a planned date, milestones relative to it are never due;
		// the ward is at risk from 14 days before its deadline (30/06).
		{"no due date without a planned date", "2020-06-20", "HN.HBT.VT", domain.FlagMilestoneOverdue, map[string]string{}},
		{"no planned date 15 days before the deadline", "2020-06-15", "HN.HBT.VT", domain.FlagAtRisk, map[string]string{}},
		{"no planned date 14 days before the deadline", "2020-06-16", "HN.HBT.VT", domain.FlagAtRisk,
			map[string]string{domain.AtRiskNoPlannedDate: "2020-06-30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.runJob("late-flags", tc.asOf)
			l, err := f.svc.Flags(f.ctx, sys, tc.unit, 0, domain.FlagQuery{State: domain.FlagOpen, Kind: tc.kind, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, fl := range l.Flags {
				key := fl.Detail
				if fl.Milestone != nil {
					key = fl.Milestone.Code
				}
				got[key] = fl.DueDate.String()
				if fl.DetailText.VI == "" || fl.DetailText.EN == "" {
					t.Errorf("%s: no detail text", key)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%s flags of %s on %s = %v, want %v", tc.kind, tc.unit, tc.asOf, got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s due %q, want %q", k, got[k], v)
				}
			}
		})
	}
	t.Run("a held unit is neither late nor at risk", func(t *testing.T) {
		f.clock.setDay("2020-04-02")
		f.hold("HN.HBT.VT.C1", "2020-04-02")
		f.runJob("late-flags", "")
		for _, k := range []domain.FlagKind{domain.FlagLate, domain.FlagAtRisk} {
			l, err := f.svc.Flags(f.ctx, sys, "HN.HBT.VT.C1", 0, domain.FlagQuery{State: domain.FlagOpen, Kind: k, Limit: 10})
			if err != nil || len(l.Flags) != 0 {
				t.Errorf("%s flags of a held cell: %d (%v)", k, len(l.Flags), err)
			}
		}
	})
}

func TestFlagsArePagedMostOverdueFirst(t *testing.T) {
	f := newProgressFixture(t)
	f.clock.setDay("2020-04-10")
	f.runJob("late-flags", "")
	var all []domain.Flag
	for offset := 0; ; offset += 4 {
		l, err := f.svc.Flags(f.ctx, domain.SystemPrincipal(), "HN", 0, domain.FlagQuery{State: domain.FlagOpen, Subtree: true, Limit: 4, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Flags) > 4 || (l.More && len(l.Flags) != 4) {
			t.Fatalf("page at %d: %d flags, more %v", offset, len(l.Flags), l.More)
		}
		all = append(all, l.Flags...)
		if !l.More {
			break
		}
	}
	if len(all) != f.count("flags WHERE resolved_at IS NULL") {
		t.Errorf("pages hold %d flags, %d are open", len(all), f.count("flags WHERE resolved_at IS NULL"))
	}
	for i := 1; i < len(all); i++ {
		if all[i].DaysOverdue > all[i-1].DaysOverdue {
			t.Fatalf("flag %d is %d days overdue after one %d days overdue", i, all[i].DaysOverdue, all[i-1].DaysOverdue)
		}
	}
}

// A cell held three days after its deadline, entered a fortnight later:
// the late flag the runs kept open until then is resolved with the real
// delay and the day it was held, not the day of the run.
func TestAResolvedFlagCarriesTheRealDelay(t *testing.T) {
	f := newProgressFixture(t)
	f.clock.setDay("2020-04-01")
	f.runJob("late-flags", "")
	f.clock.setDay("2020-04-15")
	f.runJob("late-flags", "")
	f.hold("HN.HBT.VT.C1", "2020-04-03")
	f.runJob("late-flags", "")
	resolved := f.flagsOf("HN.HBT.VT.C1", domain.FlagResolved, domain.FlagLate)
	if len(resolved) != 1 {
		t.Fatalf("resolved late flags of VT.C1 = %d, want 1", len(resolved))
	}
	fl := resolved[0]
	if fl.DaysOverdue != 3 || fl.EndedOn == nil || fl.EndedOn.String() != "2020-04-03" || fl.ResolvedAt == nil || !fl.ResolvedAt.Equal(f.clock.Now()) {
		t.Errorf("resolved flag: %d days overdue, ended %v, resolved at %v; want 3 days, ended on the held date 03/04, closed by the run",
			fl.DaysOverdue, fl.EndedOn, fl.ResolvedAt)
	}
	if open := f.flagsOf("HN.HBT.VT.C2", domain.FlagOpen, domain.FlagLate); len(open) != 1 || open[0].DaysOverdue != 15 {
		t.Errorf("the late flag still open on VT.C2: %+v, want 15 days overdue on 15/04", open)
	}
}

// A unit past its deadline without a planned date is late, not also at
// risk: the dashboard lists it once.
func TestALateUnitIsNotAlsoAtRisk(t *testing.T) {
	f := newProgressFixture(t)
	f.clock.setDay("2020-03-20")
	f.runJob("late-flags", "")
	if risk := codesOf(f.flagsOf("HN.HBT.VT", domain.FlagOpen, domain.FlagAtRisk)); !slices.Equal(risk, []string{"HN.HBT.VT.C1", "HN.HBT.VT.C2"}) {
		t.Fatalf("at risk on 20/03 = %v, want the two cells of VT (no planned date, deadline 31/03)", risk)
	}
	f.clock.setDay("2020-04-15")
	run := f.runJob("late-flags", "")
	late := codesOf(f.flagsOf("HN", domain.FlagOpen, domain.FlagLate))
	for _, code := range codesOf(f.flagsOf("HN", domain.FlagOpen, domain.FlagAtRisk)) {
		if slices.Contains(late, code) {
			t.Errorf("%s is late and at risk", code)
		}
	}
	if !slices.Contains(late, "HN.HBT.VT.C1") || run.Counts["open_at_risk"] != 0 {
		t.Errorf("on 15/04: late %v, %d at risk; want VT.C1 late and nobody at risk", late, run.Counts["open_at_risk"])
	}
	for _, fl := range f.flagsOf("HN.HBT.VT", domain.FlagResolved, domain.FlagAtRisk) {
		if fl.EndedOn == nil || fl.EndedOn.String() != "2020-04-01" {
			t.Errorf("%s: at risk until %v, want until it became late on 01/04", fl.Unit.Code, fl.EndedOn)
		}
	}
	if p := f.progress("HN.HBT.VT", ""); p.Late.Count != 2 || p.AtRisk != 0 {
		t.Errorf("progress of VT: %d late, %d at risk; want 2 and 0", p.Late.Count, p.AtRisk)
	}
}

// The preparation milestones of a congress held are moot, not overdue:
// neither counted nor flagged; the results report, due after it, still is.
func TestAHeldCongressHasNoOverduePreparation(t *testing.T) {
	f := newProgressFixture(t)
	sys := domain.SystemPrincipal()
	f.clock.setDay("2020-03-01")
	// Planned on 10/03: its draft report (due 24/02) and personnel plan
	// (29/02) are overdue; it is held on 10/03 without them.
	c := f.congressNow("HN.HBT.VT.C1")
	preparing, planned := "preparing", "2020-03-10"
	if _, err := f.svc.UpdateCongress(f.ctx, sys, "HN.HBT.VT.C1", 0, domain.CongressPatch{Status: &preparing, PlannedDate: &planned, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	if c := f.congressNow("HN.HBT.VT.C1"); c.Milestones.Overdue != 2 || c.Milestones.Moot != 0 {
		t.Fatalf("before the congress: %+v, want 2 overdue", c.Milestones)
	}
	f.clock.setDay("2020-03-20")
	f.hold("HN.HBT.VT.C1", "2020-03-10")
	f.runJob("late-flags", "")
	c = f.congressNow("HN.HBT.VT.C1")
	if c.Milestones.Overdue != 1 || c.Milestones.Moot != 2 {
		t.Errorf("held: milestones %+v, want the results report overdue (due 17/03) and the 2 preparations moot", c.Milestones)
	}
	ms, err := f.svc.Milestones(f.ctx, sys, "HN.HBT.VT.C1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var moot, overdue []string
	for _, m := range ms {
		if m.Moot {
			moot = append(moot, m.Code)
		}
		if m.Overdue {
			overdue = append(overdue, m.Code)
		}
	}
	if !slices.Equal(moot, []string{"draft_report", "personnel_plan"}) || !slices.Equal(overdue, []string{"results_reported"}) {
		t.Errorf("moot %v, overdue %v; want the draft report and personnel plan moot, the results report overdue", moot, overdue)
	}
	var flagged []string
	for _, fl := range f.flagsOf("HN.HBT.VT.C1", domain.FlagOpen, domain.FlagMilestoneOverdue) {
		flagged = append(flagged, fl.Milestone.Code)
	}
	if !slices.Equal(flagged, []string{"results_reported"}) {
		t.Errorf("milestones flagged overdue = %v, want the results report only", flagged)
	}
	// On 05/03 the congress plan (due 03/03, approved on 10/03) was overdue too.
	if p := f.progress("HN.HBT.VT.C1", "2020-03-05"); p.Own.Milestones.Overdue != 3 || p.Own.Milestones.Moot != 0 ||
		p.Own.Status != domain.StatusPreparing || p.Own.Current.Status != domain.StatusHeld || p.Own.HeldDate != nil {
		t.Errorf("on 05/03: %+v, want 3 overdue, preparing then (held now, labelled current), no held date yet", p.Own)
	}
}

// The flags of a unit follow a change of its deadline or its plan at once,
// not at the next run of the late flags: a board that extends a deadline
// does not see the unit listed late until the hour turns.
func TestAMovedDeadlineOrAPlanChangesTheFlagsAtOnce(t *testing.T) {
	f := newProgressFixture(t)
	f.holdNineOfBachMai()
	f.clock.setDay("2020-04-10")
	f.runJob("late-flags", "")
	dueOf := func(code string, kind domain.FlagKind) string {
		t.Helper()
		fl := f.flagsOf(code, domain.FlagOpen, kind)
		switch len(fl) {
		case 0:
			return "none"
		case 1:
			return fmt.Sprintf("due %s, %d days", fl[0].DueDate, fl[0].DaysOverdue)
		}
		t.Fatalf("%d open %s flags of %s", len(fl), kind, code)
		return ""
	}
	if got := dueOf("HN.HBT.BM.C10", domain.FlagLate); got != "due 2020-03-31, 10 days" {
		t.Fatalf("before: C10 %s", got)
	}

	f.setDeadline("HN.HBT.BM.C10", "2020-04-30")
	f.setDeadline("HN.HBT.BM.C11", "2020-04-05")
	for code, want := range map[string]string{"HN.HBT.BM.C10": "none", "HN.HBT.BM.C11": "due 2020-04-05, 5 days", "HN.HBT.BM.C12": "due 2020-03-31, 10 days"} {
		if got := dueOf(code, domain.FlagLate); got != want {
			t.Errorf("after the overrides, %s late: %s, want %s", code, got, want)
		}
	}
	if resolved := f.flagsOf("HN.HBT.BM.C10", domain.FlagResolved, domain.FlagLate); len(resolved) != 1 {
		t.Errorf("C10's late flag is not resolved: %d", len(resolved))
	}

	// A rule for the ward's cells moves every deadline without an override.
	if _, err := f.svc.SetDeadlineRule(f.ctx, domain.SystemPrincipal(), 0, domain.DeadlineRuleInput{ScopeCode: "HN.HBT.BM", Kind: "cell",
		Deadline: "2020-04-20", Reason: "Kéo dài"}); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"HN.HBT.BM.C11": "due 2020-04-05, 5 days", "HN.HBT.BM.C12": "none", "HN.HBT.BM.C13": "none"} {
		if got := dueOf(code, domain.FlagLate); got != want {
			t.Errorf("after the rule, %s late: %s, want %s", code, got, want)
		}
	}

	// A planned day after the deadline puts the unit at risk; a day before
	// it, not.
	f.plan("HN.HBT.BM.C12", "2020-04-25")
	if got := dueOf("HN.HBT.BM.C12", domain.FlagAtRisk); got == "none" {
		t.Errorf("C12 planned after its deadline is not at risk")
	}
	c := f.congressNow("HN.HBT.BM.C12")
	day := "2020-04-18"
	if _, err := f.svc.UpdateCongress(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM.C12", 0, domain.CongressPatch{PlannedDate: &day, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	if got := dueOf("HN.HBT.BM.C12", domain.FlagAtRisk); got != "none" {
		t.Errorf("C12 planned before its deadline is at risk: %s", got)
	}

	// A step done, resolved by a run, then unticked is overdue again at
	// once (its draft report was due 15 days before 18/04: 03/04).
	overdue := func() bool {
		for _, fl := range f.flagsOf("HN.HBT.BM.C12", domain.FlagOpen, domain.FlagMilestoneOverdue) {
			if fl.Milestone != nil && fl.Milestone.Code == "draft_report" {
				return true
			}
		}
		return false
	}
	if !overdue() {
		t.Fatal("C12's draft report is not overdue before it is done")
	}
	if _, err := f.svc.TickMilestone(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM.C12", 0, "draft_report", domain.MilestoneInput{DoneOn: "2020-04-09"}); err != nil {
		t.Fatal(err)
	}
	f.runJob("late-flags", "")
	if overdue() {
		t.Fatal("a draft report done is still overdue")
	}
	if _, err := f.svc.UntickMilestone(f.ctx, domain.SystemPrincipal(), "HN.HBT.BM.C12", 0, "draft_report"); err != nil {
		t.Fatal(err)
	}
	if !overdue() {
		t.Error("a draft report unticked is not overdue again until the next run")
	}
}

// Plans changed at once on many units, by more clients than the pool has
// connections, leave the flags as a full run of the late flags would: it
// then finds nothing to open, update or resolve.
func TestFlagsRefreshedByManyChangesAtOnceAreWhatAFullRunMakes(t *testing.T) {
	f := newProgressFixture(t)
	f.clock.setDay("2020-03-20")
	f.runJob("late-flags", "")
	f.db.SetMaxOpenConns(3)
	cells := []string{"HN.HBT.BM.C01", "HN.HBT.BM.C02", "HN.HBT.BM.C03", "HN.HBT.BM.C04", "HN.HBT.BM.C05", "HN.HBT.BM.C06",
		"HN.HBT.BM.C07", "HN.HBT.BM.C08", "HN.HBT.BM.C09", "HN.HBT.BM.C10", "HN.HBT.BM.C11", "HN.HBT.BM.C12"}
	st := "preparing"
	var wg sync.WaitGroup
	for i, code := range cells {
		wg.Go(func() {
			c := f.congressNow(code)
			if _, err := f.svc.UpdateCongress(f.ctx, domain.SystemPrincipal(), code, 0, domain.CongressPatch{Status: &st, Version: c.Version}); err != nil {
				t.Errorf("%s: %v", code, err)
				return
			}
			// Half planned after the deadline (at risk), half before it.
			day := "2020-03-25"
			if i%2 == 0 {
				day = "2020-04-10"
			}
			c = f.congressNow(code)
			if _, err := f.svc.UpdateCongress(f.ctx, domain.SystemPrincipal(), code, 0, domain.CongressPatch{PlannedDate: &day, Version: c.Version}); err != nil {
				t.Errorf("%s: %v", code, err)
			}
		})
	}
	wg.Wait()
	run := f.runJob("late-flags", "")
	if run.Counts["opened"] != 0 || run.Counts["resolved"] != 0 || run.Counts["updated"] != 0 {
		t.Errorf("the full run still had to change flags: %v", run.Counts)
	}
	if risk := f.flagsOf("HN.HBT.BM", domain.FlagOpen, domain.FlagAtRisk); len(risk) < 6 {
		t.Errorf("%d cells at risk, want at least the 6 planned after their deadline", len(risk))
	}

	// The same row: one step of one cell unticked by many at once, each
	// refreshing the cell's flags, opens its flag once.
	const code = "HN.HBT.BM.C02" // planned 25/03: its draft report was due 10/03
	f.clock.setDay("2020-03-28")
	if _, err := f.svc.TickMilestone(f.ctx, domain.SystemPrincipal(), code, 0, "draft_report", domain.MilestoneInput{DoneOn: "2020-03-27"}); err != nil {
		t.Fatal(err)
	}
	f.runJob("late-flags", "")
	for range 12 {
		wg.Go(func() {
			if _, err := f.svc.UntickMilestone(f.ctx, domain.SystemPrincipal(), code, 0, "draft_report"); err != nil {
				t.Errorf("untick: %v", err)
			}
		})
	}
	wg.Wait()
	if n := f.count("flags f JOIN milestone_templates t ON t.id = f.template_id JOIN units u ON u.id = f.unit_id WHERE u.code = '" + code +
		"' AND t.code = 'draft_report' AND f.resolved_at IS NULL"); n != 1 {
		t.Errorf("%d open flags of the draft report unticked at once, want 1", n)
	}
	if run := f.runJob("late-flags", ""); run.Counts["opened"] != 0 || run.Counts["resolved"] != 0 || run.Counts["updated"] != 0 {
		t.Errorf("after the unticks, the full run still had to change flags: %v", run.Counts)
	}
}
