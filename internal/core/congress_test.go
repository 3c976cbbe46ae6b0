package core_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

func strp(s string) *string { return &s }
func intp(n int) *int       { return &n }
func boolp(b bool) *bool    { return &b }

// state digests every row a congress change may write, to check that a
// refused change wrote nothing.
func (f *fixture) roundDigest() string {
	f.t.Helper()
	var out []string
	for _, table := range []string{"congresses", "milestones", "rollups", "rollup_deltas", "audit_log", "congress_results", "elected_people", "deadline_rules", "papers", "paper_versions", "paper_chunks", "round_required_papers"} {
		var d string
		if err := f.db.Get(&d, `SELECT coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM `+table+` x`); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, table+":"+d)
	}
	return strings.Join(out, " ")
}

// patch updates a congress as p with the version it has now.
func (f *fixture) patchCongress(p domain.Principal, code string, pt domain.CongressPatch) (domain.Congress, error) {
	f.t.Helper()
	if pt.Version == 0 {
		pt.Version = f.congressNow(code).Version
	}
	return f.svc.UpdateCongress(f.ctx, p, code, 0, pt)
}

// approve records the congress plan of code as approved by the district board.
func (f *fixture) approvePlan(code string) {
	f.t.Helper()
	f.approvePlanAs(f.as("bantochuc"), code)
}

// approvePlanAs records the congress plan of code as approved by p.
func (f *fixture) approvePlanAs(p domain.Principal, code string) {
	f.t.Helper()
	if _, err := f.svc.TickMilestone(f.ctx, p, code, 0, "congress_plan", domain.MilestoneInput{DoneOn: "2020-01-10"}); err != nil {
		f.t.Fatalf("approve %s: %v", code, err)
	}
}

// hold walks the congress of code to held on day, as the system.
func (f *fixture) holdCongress(code, day string) {
	f.t.Helper()
	f.holdCongressApprovedBy(f.as("bantochuc"), code, day)
}

// holdCongressApprovedBy is holdCongress with the plan approved by approver.
func (f *fixture) holdCongressApprovedBy(approver domain.Principal, code, day string) {
	f.t.Helper()
	sys := domain.SystemPrincipal()
	f.approvePlanAs(approver, code)
	for _, pt := range []domain.CongressPatch{
		{Status: strp("preparing")},
		{Status: strp("plan_approved"), PlannedDate: strp(day)},
		{Status: strp("held"), HeldDate: strp(day)},
	} {
		if _, err := f.patchCongress(sys, code, pt); err != nil {
			f.t.Fatalf("hold %s: %v", code, err)
		}
	}
}

// rollup returns total and held of kind below the unit with code.
func (f *fixture) rollupOf(code, kind string) (total, held int) {
	f.t.Helper()
	err := f.db.QueryRow(`SELECT coalesce(sum(total), 0), coalesce(sum(held), 0) FROM rollups_live r JOIN units u ON u.id = r.unit_id
		WHERE u.code = $1 AND r.kind = $2`, code, kind).Scan(&total, &held)
	if err != nil {
		f.t.Fatal(err)
	}
	return total, held
}

func TestCongressStatusMovesOneStepAtATime(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	bithu := f.as("bithu") // secretary of HN.HBT.BM
	const cell = "HN.HBT.BM.C1"

	before := f.roundDigest()
	_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("plan_approved")})
	wantField(t, err, "status")
	if f.roundDigest() != before {
		t.Fatal("a refused step wrote")
	}
	c, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("preparing"), PlannedDate: strp("2020-02-20")})
	wantCode(t, err, "")
	if c.Status != domain.StatusPreparing || c.Version != 2 || c.PlannedDate.String() != "2020-02-20" {
		t.Fatalf("after preparing: %+v", c)
	}
	t.Run("plan approved lacks its approval", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("plan_approved")})
		wantField(t, err, "status")
		if e := domain.AsError(err); !strings.Contains(e.Fields[0].Message.EN, "lacks its approval") || e.Fields[0].Message.VI == "" {
			t.Errorf("message = %+v", e.Fields[0].Message)
		}
	})
	f.approvePlan(cell)
	_, err = f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("plan_approved")})
	wantCode(t, err, "")
	t.Run("held needs its date", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("held")})
		wantField(t, err, "held_date")
	})
	t.Run("held skips to results reported", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("results_reported")})
		wantField(t, err, "status")
	})
	c, err = f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("held"), HeldDate: strp("2020-02-21"), DelegatesExpected: intp(30), DelegatesPresent: intp(28)})
	wantCode(t, err, "")
	if c.Status != domain.StatusHeld || c.HeldDate.String() != "2020-02-21" || *c.DelegatesPresent != 28 {
		t.Fatalf("after held: %+v", c)
	}
	if total, held := f.rollupOf("HN.HBT.BM", "cell"); total != 3 || held != 1 {
		t.Errorf("ward rollup %d/%d, want 1 of 3 held", held, total)
	}
	if total, held := f.rollupOf("HN", "cell"); total != 6 || held != 1 {
		t.Errorf("city rollup %d/%d, want 1 of 6 held", held, total)
	}
	ms, err := f.svc.Milestones(f.ctx, bithu, cell, 0)
	wantCode(t, err, "")
	for _, m := range ms {
		if m.Code == "held" && (m.DoneOn == nil || m.DoneOn.String() != "2020-02-21" || m.DoneBy != "bithu") {
			t.Errorf("held milestone %+v", m)
		}
	}
	t.Run("results reported needs the results", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("results_reported")})
		wantField(t, err, "status")
	})
	t.Run("an unknown status is refused", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("finished")})
		wantField(t, err, "status")
	})

	t.Run("stepping back is a correction by an ancestor's board with a reason", func(t *testing.T) {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("plan_approved"), Reason: "nhầm"})
		wantCode(t, err, domain.EForbidden)
		board := f.as("bantochuc")
		_, err = f.patchCongress(board, cell, domain.CongressPatch{Status: strp("plan_approved")})
		wantField(t, err, "reason")
		c, err := f.patchCongress(board, cell, domain.CongressPatch{Status: strp("plan_approved"), Reason: "Nhập nhầm chi bộ"})
		wantCode(t, err, "")
		if c.HeldDate != nil || c.Status != domain.StatusPlanApproved {
			t.Errorf("after stepping back: %+v", c)
		}
		if _, held := f.rollupOf("HN.HBT.BM", "cell"); held != 0 {
			t.Errorf("ward held %d after stepping back, want 0", held)
		}
		var reason string
		if err := f.db.Get(&reason, `SELECT reason FROM audit_log WHERE entity = 'congress' ORDER BY id DESC LIMIT 1`); err != nil || reason != "Nhập nhầm chi bộ" {
			t.Errorf("audit reason %q (%v)", reason, err)
		}
	})
}

func TestBadCongressInputIsRefusedInBothLanguagesAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C2", "2020-02-10")
	bithu := f.as("bithu")
	cases := []struct {
		name, code string
		patch      domain.CongressPatch
		field      string
	}{
		{"a planned date that does not exist", "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("2020-02-30")}, "planned_date"},
		{"a planned date month first, as an English phone writes it", "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("03/30/2020")}, "planned_date"},
		{"a planned date before the round", "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("2019-01-01")}, "planned_date"},
		{"a held date in the future", "HN.HBT.BM.C2", domain.CongressPatch{HeldDate: strp("2020-04-16")}, "held_date"},
		{"a held date before the round", "HN.HBT.BM.C2", domain.CongressPatch{HeldDate: strp("2019-07-07")}, "held_date"},
		{"a held date that does not exist", "HN.HBT.BM.C2", domain.CongressPatch{HeldDate: strp("2020-02-30")}, "held_date"},
		{"a held date cleared while held", "HN.HBT.BM.C2", domain.CongressPatch{HeldDate: strp("")}, "held_date"},
		{"a held date without holding", "HN.HBT.BM.C1", domain.CongressPatch{HeldDate: strp("2020-02-10")}, "held_date"},
		{"negative delegates expected", "HN.HBT.BM.C1", domain.CongressPatch{DelegatesExpected: intp(-1)}, "delegates_expected"},
		{"negative delegates present", "HN.HBT.BM.C1", domain.CongressPatch{DelegatesPresent: intp(-3)}, "delegates_present"},
		{"absurd delegates", "HN.HBT.BM.C1", domain.CongressPatch{DelegatesPresent: intp(100001)}, "delegates_present"},
		{"more present than the cell's 30 members", "HN.HBT.BM.C1", domain.CongressPatch{DelegatesPresent: intp(31)}, "delegates_present"},
		{"more present than the ward's delegates called", "HN.HBT.BM", domain.CongressPatch{DelegatesExpected: intp(120), DelegatesPresent: intp(121)}, "delegates_present"},
		{"an unknown status", "HN.HBT.BM.C1", domain.CongressPatch{Status: strp("done")}, "status"},
		{"a status that skips a step", "HN.HBT.BM.C1", domain.CongressPatch{Status: strp("held"), HeldDate: strp("2020-02-10")}, "status"},
		{"lessons before held", "HN.HBT.BM.C1", domain.CongressPatch{LessonsLearned: strp("Tốt")}, "lessons_learned"},
		{"lessons of a unit that is not a pilot", "HN.HBT.BM.C2", domain.CongressPatch{LessonsLearned: strp("Tốt")}, "lessons_learned"},
		{"no version", "HN.HBT.BM.C1", domain.CongressPatch{Version: -1, PlannedDate: strp("2020-03-01")}, "version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.roundDigest()
			_, err := f.patchCongress(bithu, c.code, c.patch)
			wantField(t, err, c.field)
			for _, fe := range domain.AsError(err).Fields {
				if fe.Message.VI == "" || fe.Message.EN == "" || fe.Message.VI == fe.Message.EN {
					t.Errorf("field %s message %+v not in both languages", fe.Field, fe.Message)
				}
			}
			if f.roundDigest() != before {
				t.Error("refused input wrote")
			}
		})
	}
	t.Run("an unknown unit is not found", func(t *testing.T) {
		_, err := f.svc.UpdateCongress(f.ctx, bithu, "HN.HBT.BM.NOPE", 0, domain.CongressPatch{Version: 1})
		wantCode(t, err, domain.ENotFound)
	})
	t.Run("an unknown round is not found", func(t *testing.T) {
		_, err := f.svc.UpdateCongress(f.ctx, bithu, "HN.HBT.BM.C1", 999, domain.CongressPatch{Version: 1})
		wantCode(t, err, domain.ENotFound)
	})
}

func TestStaleCongressUpdateIsAConflictAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	bithu := f.as("bithu")
	c1, err := f.patchCongress(bithu, "HN.HBT.BM", domain.CongressPatch{PlannedDate: strp("2020-03-19")})
	wantCode(t, err, "")
	before := f.roundDigest()
	_, err = f.svc.UpdateCongress(f.ctx, bithu, "HN.HBT.BM", 0, domain.CongressPatch{Version: c1.Version - 1, Status: strp("preparing")})
	wantCode(t, err, domain.EConflict)
	if f.roundDigest() != before {
		t.Error("a stale update wrote")
	}
	if got := f.congressNow("HN.HBT.BM"); got.Status != domain.StatusNotStarted || got.Version != c1.Version {
		t.Errorf("congress changed: %+v", got)
	}
}

func TestWardCannotHoldBeforeItsCellsWithoutTheDistrictBoard(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	// Bạch Mai gets 13 cells, 9 of which hold their congress in February.
	for i := 4; i <= 13; i++ {
		if _, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: fmt.Sprintf("HN.HBT.BM.C%d", i),
			Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d", i), Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Exec(`DELETE FROM rollups; DELETE FROM rollup_deltas; DELETE FROM rollup_days; DELETE FROM milestones; DELETE FROM congresses; DELETE FROM audit_log WHERE round_id IS NOT NULL;
		DELETE FROM deadline_rules; DELETE FROM rounds`); err != nil {
		t.Fatal(err)
	}
	f.createRound2020() // again, now with the 13 cells
	for i := 1; i <= 9; i++ {
		f.holdCongress(fmt.Sprintf("HN.HBT.BM.C%d", i), fmt.Sprintf("2020-02-%02d", 10+i))
	}
	if total, held := f.rollupOf("HN.HBT.BM", "cell"); total != 13 || held != 9 {
		t.Fatalf("ward rollup %d/%d, want 9 of 13", held, total)
	}
	f.approvePlan("HN.HBT.BM")
	bithu, board := f.as("bithu"), f.as("bantochuc")
	for _, st := range []string{"preparing", "plan_approved"} {
		if _, err := f.patchCongress(bithu, "HN.HBT.BM", domain.CongressPatch{Status: strp(st)}); err != nil {
			t.Fatal(err)
		}
	}
	held := domain.CongressPatch{Status: strp("held"), HeldDate: strp("2020-03-19")}

	t.Run("without an override it is refused", func(t *testing.T) {
		before := f.roundDigest()
		_, err := f.patchCongress(bithu, "HN.HBT.BM", held)
		wantField(t, err, "status")
		if msg := domain.AsError(err).Fields[0].Message; !strings.Contains(msg.EN, "4 of the 13") || !strings.Contains(msg.VI, "4/13") {
			t.Errorf("message %+v", msg)
		}
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("the ward's own secretary cannot override", func(t *testing.T) {
		pt := held
		pt.CascadeOverrideReason = strp("Đại hội điểm")
		_, err := f.patchCongress(bithu, "HN.HBT.BM", pt)
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("a board user of the ward itself cannot override", func(t *testing.T) {
		f.user("bt-phuong")
		if err := f.svc.Grant(f.ctx, sys, "bt-phuong", "board", "HN.HBT.BM"); err != nil {
			t.Fatal(err)
		}
		pt := held
		pt.CascadeOverrideReason = strp("Đại hội điểm")
		_, err := f.patchCongress(f.as("bt-phuong"), "HN.HBT.BM", pt)
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("the district board overrides with a reason", func(t *testing.T) {
		pt := held
		pt.CascadeOverrideReason = strp("Đại hội điểm của quận; 4 chi bộ còn lại tổ chức sau")
		c, err := f.patchCongress(board, "HN.HBT.BM", pt)
		wantCode(t, err, "")
		if c.Status != domain.StatusHeld || c.CascadeOverrideReason != *pt.CascadeOverrideReason {
			t.Errorf("congress %+v", c)
		}
		if total, held := f.rollupOf("HN.HBT", "grassroots_committee"); total != 4 || held != 1 {
			t.Errorf("district rollup %d/%d, want 1 of 4 wards held", held, total)
		}
		var reason string
		if err := f.db.Get(&reason, `SELECT reason FROM audit_log WHERE entity = 'congress' ORDER BY id DESC LIMIT 1`); err != nil || !strings.Contains(reason, "Đại hội điểm của quận") {
			t.Errorf("audit reason %q (%v)", reason, err)
		}
	})
	t.Run("the last cell held ticks the ward's children held on its date", func(t *testing.T) {
		childrenHeld := func() *domain.Day {
			ms, err := f.svc.Milestones(f.ctx, sys, "HN.HBT.BM", 0)
			wantCode(t, err, "")
			for _, m := range ms {
				if m.Code == "children_held" {
					return m.DoneOn
				}
			}
			t.Fatal("no children_held milestone")
			return nil
		}
		for i := 10; i <= 13; i++ {
			if d := childrenHeld(); d != nil {
				t.Fatalf("children held on %s with %d cells to go", d, 14-i)
			}
			f.holdCongress(fmt.Sprintf("HN.HBT.BM.C%d", i), fmt.Sprintf("2020-03-%02d", 10+i))
		}
		if d := childrenHeld(); d == nil || d.String() != "2020-03-23" {
			t.Errorf("children held on %v, want 2020-03-23", d)
		}
		_, err := f.patchCongress(board, "HN.HBT.BM.C12", domain.CongressPatch{HeldDate: strp("2020-03-25")})
		wantCode(t, err, "")
		if d := childrenHeld(); d == nil || d.String() != "2020-03-25" {
			t.Errorf("children held on %v after a cell's held date moved to 25/03, want 2020-03-25", d)
		}
		_, err = f.patchCongress(board, "HN.HBT.BM.C13", domain.CongressPatch{Status: strp("plan_approved"), Reason: "Chưa tổ chức"})
		wantCode(t, err, "")
		if d := childrenHeld(); d != nil {
			t.Errorf("children held on %s after a cell stepped back", d)
		}
	})
}

func TestUnitDeadlineOverrideByAnAncestorsBoard(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	f.user("bt-phuong")
	if err := f.svc.Grant(f.ctx, sys, "bt-phuong", "board", "HN.HBT.BM"); err != nil {
		t.Fatal(err)
	}
	in := core.UnitDeadlineInput{Deadline: "2020-04-10", Reason: "COVID-19: hoãn đại hội", Version: 1}
	t.Run("the unit's own board and secretary may not", func(t *testing.T) {
		before := f.roundDigest()
		_, err := f.svc.SetUnitDeadline(f.ctx, f.as("bt-phuong"), "HN.HBT.BM", 0, in)
		wantCode(t, err, domain.EForbidden)
		_, err = f.svc.SetUnitDeadline(f.ctx, f.as("bithu"), "HN.HBT.BM.C3", 0, in)
		wantCode(t, err, domain.EForbidden)
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("without a reason it is refused", func(t *testing.T) {
		noReason := in
		noReason.Reason = "  "
		_, err := f.svc.SetUnitDeadline(f.ctx, f.as("bantochuc"), "HN.HBT.BM", 0, noReason)
		wantField(t, err, "reason")
	})
	t.Run("the board of the ward moves a cell's deadline; the override wins over every rule", func(t *testing.T) {
		c, err := f.svc.SetUnitDeadline(f.ctx, f.as("bt-phuong"), "HN.HBT.BM.C3", 0, in)
		wantCode(t, err, "")
		if c.Deadline.String() != "2020-04-10" || c.DeadlineSource != "override" || c.DeadlineOverrideReason != in.Reason {
			t.Errorf("congress %+v", c)
		}
		hist, err := f.svc.DeadlineHistory(f.ctx, f.as("bantochuc"), 0)
		wantCode(t, err, "")
		if len(hist) != 1 || !strings.Contains(string(hist[0].Before), "2020-03-15") || !strings.Contains(string(hist[0].After), "2020-04-10") || hist[0].Reason != in.Reason {
			t.Errorf("history %+v", hist)
		}
	})
	t.Run("a stale version is a conflict", func(t *testing.T) {
		_, err := f.svc.SetUnitDeadline(f.ctx, f.as("bantochuc"), "HN.HBT.BM.C3", 0, in)
		wantCode(t, err, domain.EConflict)
	})
	t.Run("clearing the override goes back to the rule", func(t *testing.T) {
		c, err := f.svc.SetUnitDeadline(f.ctx, f.as("bantochuc"), "HN.HBT.BM.C3", 0,
			core.UnitDeadlineInput{Reason: "Hết giãn cách", Version: f.congressNow("HN.HBT.BM.C3").Version})
		wantCode(t, err, "")
		if c.Deadline.String() != "2020-03-15" || c.DeadlineSource != "rule" {
			t.Errorf("congress %+v", c)
		}
	})
}

// Holds that complete a ward at the same time, each in its own transaction
// and none seeing the others', still tick the ward's 'children held'
// milestone: the last to commit waits for the ward's completion lock and
// sees them all.
func TestConcurrentHoldsCompletingAWardTickItsChildrenHeld(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	const wards, cells = 6, 4
	code := func(w, c int) string { return fmt.Sprintf("HN.HBT.W%d.C%d", w, c) }
	f.wardsOfPlannedCells("HN.HBT.W", wards, cells)
	versions := map[string]int{}
	for w := 1; w <= wards; w++ {
		for c := 1; c <= cells; c++ {
			versions[code(w, c)] = f.congressNow(code(w, c)).Version
		}
	}
	for w := 1; w <= wards; w++ {
		start := make(chan struct{})
		errs := make(chan error, cells)
		for c := 1; c <= cells; c++ {
			go func(code string, day int) {
				<-start
				_, err := f.svc.UpdateCongress(f.ctx, sys, code, 0, domain.CongressPatch{Version: versions[code],
					Status: strp("held"), HeldDate: strp(fmt.Sprintf("2020-03-%02d", day))})
				errs <- err
			}(code(w, c), 10+c)
		}
		close(start)
		for range cells {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	for w := 1; w <= wards; w++ {
		ward := fmt.Sprintf("HN.HBT.W%d", w)
		if total, held := f.rollupOf(ward, "cell"); total != cells || held != cells {
			t.Errorf("%s: %d of %d cells held in the rollups, want all %d", ward, held, total, cells)
		}
		ms, err := f.svc.Milestones(f.ctx, sys, ward, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Code == "children_held" && (m.DoneOn == nil || m.DoneOn.String() != fmt.Sprintf("2020-03-%02d", 10+cells)) {
				t.Errorf("%s: children held on %v, want 2020-03-%02d", ward, m.DoneOn, 10+cells)
			}
		}
	}
}
