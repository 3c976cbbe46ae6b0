package domain

import (
	"slices"
	"strings"
	"testing"
)

func cgStr(s string) *string { return &s }
func cgInt(n int) *int       { return &n }

// at is a congress in status s, held on held when s is held.
func cgAt(s CongressStatus, held string) Congress {
	c := Congress{Status: s, Version: 3}
	if held != "" {
		c.HeldDate = DayPtr(cgDay(held).Time)
	}
	return c
}

// cgWith is c with the unit's members, and delegates expected and present (0: none).
func cgWith(c Congress, members, expected, present int) Congress {
	c.Members = members
	if expected > 0 {
		c.DelegatesExpected = cgInt(expected)
	}
	if present > 0 {
		c.DelegatesPresent = cgInt(present)
	}
	return c
}

func TestApplyCongressPatch(t *testing.T) {
	facts := CongressFacts{RoundStart: cgDay("2019-07-08"), Today: cgDay("2020-04-15"), PlanApproved: true, ResultsRecorded: true}
	with := func(change func(*CongressFacts)) CongressFacts { f := facts; change(&f); return f }
	cellFacts := with(func(f *CongressFacts) { f.IsCell = true })
	cases := []struct {
		name   string
		cur    Congress
		patch  CongressPatch
		facts  CongressFacts
		want   CongressStatus
		code   ErrorCode
		fields []string
	}{
		{"one step forward", cgAt(StatusNotStarted, ""), CongressPatch{Status: cgStr("preparing")}, facts, StatusPreparing, "", nil},
		{"skipping a step", cgAt(StatusNotStarted, ""), CongressPatch{Status: cgStr("plan_approved")}, facts, "", EInvalid, []string{"status"}},
		{"skipping to held", cgAt(StatusPreparing, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-01")}, facts, "", EInvalid, []string{"status"}},
		{"plan approved without the approval", cgAt(StatusPreparing, ""), CongressPatch{Status: cgStr("plan_approved")},
			with(func(f *CongressFacts) { f.PlanApproved = false }), "", EInvalid, []string{"status"}},
		{"plan approved with the approval", cgAt(StatusPreparing, ""), CongressPatch{Status: cgStr("plan_approved")}, facts, StatusPlanApproved, "", nil},
		{"held with its date", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-04-15")}, facts, StatusHeld, "", nil},
		{"held without its date", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held")}, facts, "", EInvalid, []string{"held_date"}},
		{"held tomorrow", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-04-16")}, facts, "", EInvalid, []string{"held_date"}},
		{"held before the round", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2019-07-07")}, facts, "", EInvalid, []string{"held_date"}},
		{"held on a day that does not exist", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-02-30")}, facts, "", EInvalid, []string{"held_date"}},
		{"held before the units below", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19")},
			with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld = 13, 9 }), "", EInvalid, []string{"status"}},
		{"an override by someone not above", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19"), CascadeOverrideReason: cgStr("điểm")},
			with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld = 13, 9 }), "", EForbidden, nil},
		{"an override by an ancestor's board", cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19"), CascadeOverrideReason: cgStr("điểm")},
			with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld, f.MayCorrect = 13, 9, true }), StatusHeld, "", nil},
		{"an override without holding", cgAt(StatusPreparing, ""), CongressPatch{CascadeOverrideReason: cgStr("điểm")},
			with(func(f *CongressFacts) { f.MayCorrect = true }), "", EInvalid, []string{"cascade_override_reason"}},
		{"results reported without results", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("results_reported")},
			with(func(f *CongressFacts) { f.ResultsRecorded = false }), "", EInvalid, []string{"status"}},
		{"results reported without the papers", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("results_reported")},
			with(func(f *CongressFacts) { f.PapersMissing = []PaperKind{PaperResultsReport} }), "", EInvalid, []string{"status"}},
		{"results reported", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("results_reported")}, facts, StatusResultsReported, "", nil},
		{"a step back by the unit itself", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("plan_approved"), Reason: "nhầm"}, facts, "", EForbidden, nil},
		{"a step back without a reason", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("plan_approved")},
			with(func(f *CongressFacts) { f.MayCorrect = true }), "", EInvalid, []string{"reason"}},
		{"a step back with a reason", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("plan_approved"), Reason: "nhầm"},
			with(func(f *CongressFacts) { f.MayCorrect = true }), StatusPlanApproved, "", nil},
		{"two steps back", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("preparing"), Reason: "nhầm"},
			with(func(f *CongressFacts) { f.MayCorrect = true }), "", EInvalid, []string{"status"}},
		{"an unknown status", cgAt(StatusHeld, "2020-03-01"), CongressPatch{Status: cgStr("over")}, facts, "", EInvalid, []string{"status"}},
		{"negative and absurd counts", cgAt(StatusPreparing, ""), CongressPatch{DelegatesExpected: cgInt(-1), DelegatesPresent: cgInt(100001)}, facts, "", EInvalid,
			[]string{"delegates_expected", "delegates_present"}},
		{"more delegates present than called", cgAt(StatusPreparing, ""), CongressPatch{DelegatesExpected: cgInt(30), DelegatesPresent: cgInt(31)}, facts, "", EInvalid, []string{"delegates_present"}},
		{"a day held after the unit above held its own", cgAt(StatusHeld, "2020-03-01"), CongressPatch{HeldDate: cgStr("2020-04-01")},
			with(func(f *CongressFacts) { d := cgDay("2020-03-19"); f.ParentHeld = &d }), "", EInvalid, []string{"held_date"}},
		{"a day held on the day the unit above held its own", cgAt(StatusHeld, "2020-03-01"), CongressPatch{HeldDate: cgStr("2020-03-19")},
			with(func(f *CongressFacts) { d := cgDay("2020-03-19"); f.ParentHeld = &d }), StatusHeld, "", nil},
		{"more delegates called than the unit has members", cgWith(cgAt(StatusPreparing, ""), 29, 0, 0), CongressPatch{DelegatesExpected: cgInt(500)}, facts, "", EInvalid,
			[]string{"delegates_expected"}},
		{"as many called as the unit has members", cgWith(cgAt(StatusPreparing, ""), 29, 0, 0), CongressPatch{DelegatesExpected: cgInt(29)}, facts, StatusPreparing, "", nil},
		{"the delegates called, all present", cgAt(StatusPreparing, ""), CongressPatch{DelegatesExpected: cgInt(30), DelegatesPresent: cgInt(30)}, facts, StatusPreparing, "", nil},
		{"fewer delegates called than already present", cgWith(cgAt(StatusHeld, "2020-03-01"), 0, 120, 118), CongressPatch{DelegatesExpected: cgInt(100)}, facts, "", EInvalid, []string{"delegates_present"}},
		{"a cell of 45 with 999 present", cgWith(cgAt(StatusPlanApproved, ""), 45, 0, 0), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-04-01"), DelegatesPresent: cgInt(999)}, cellFacts, "", EInvalid, []string{"delegates_present"}},
		{"a cell of 45 with 45 present", cgWith(cgAt(StatusPlanApproved, ""), 45, 0, 0), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-04-01"), DelegatesPresent: cgInt(45)}, cellFacts, StatusHeld, "", nil},
		{"a cell counts its members, not delegates", cgWith(cgAt(StatusPlanApproved, ""), 20, 30, 0), CongressPatch{DelegatesPresent: cgInt(25)}, cellFacts, "", EInvalid, []string{"delegates_present"}},
		{"a cell whose members are not known", cgWith(cgAt(StatusPlanApproved, ""), 0, 0, 0), CongressPatch{DelegatesPresent: cgInt(25)}, cellFacts, StatusPlanApproved, "", nil},
		{"a ward without delegates called counts its members", cgWith(cgAt(StatusPlanApproved, ""), 400, 0, 0), CongressPatch{DelegatesPresent: cgInt(401)}, facts, "", EInvalid, []string{"delegates_present"}},
		{"a planned date that does not exist", cgAt(StatusPreparing, ""), CongressPatch{PlannedDate: cgStr("2021-02-29")}, facts, "", EInvalid, []string{"planned_date"}},
		{"a held date without holding", cgAt(StatusPreparing, ""), CongressPatch{HeldDate: cgStr("2020-03-01")}, facts, "", EInvalid, []string{"held_date"}},
		{"lessons before held", cgAt(StatusPreparing, ""), CongressPatch{LessonsLearned: cgStr("x")}, facts, "", EInvalid, []string{"lessons_learned"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, err := ApplyCongressPatch(c.cur, c.patch, c.facts)
			if got := ErrorCodeOf(err); (err == nil) != (c.code == "") || (err != nil && got != c.code) {
				t.Fatalf("error %v, want %q", err, c.code)
			}
			if err != nil {
				if got := cgFields(AsError(err).Fields); !slices.Equal(got, c.fields) {
					t.Errorf("fields %v, want %v", got, c.fields)
				}
				return
			}
			if next.Status != c.want {
				t.Errorf("status %s, want %s", next.Status, c.want)
			}
			if next.Status.Held() != (next.HeldDate != nil) {
				t.Errorf("held %v with held date %v", next.Status.Held(), next.HeldDate)
			}
		})
	}
	t.Run("the cascade override is recorded, and dropped on a step back", func(t *testing.T) {
		f := with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld, f.MayCorrect = 13, 9, true })
		next, err := ApplyCongressPatch(cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19"), CascadeOverrideReason: cgStr(" Đại hội điểm ")}, f)
		if err != nil || next.CascadeOverrideReason != "Đại hội điểm" {
			t.Fatalf("%+v %v", next, err)
		}
		back, err := ApplyCongressPatch(next, CongressPatch{Status: cgStr("plan_approved"), Reason: "nhầm"}, f)
		if err != nil || back.CascadeOverrideReason != "" || back.HeldDate != nil {
			t.Errorf("%+v %v", back, err)
		}
	})
	t.Run("a held pilot carries lessons", func(t *testing.T) {
		c := cgAt(StatusHeld, "2020-03-19")
		c.IsPilot = true
		next, err := ApplyCongressPatch(c, CongressPatch{LessonsLearned: cgStr("Chuẩn bị kỹ")}, facts)
		if err != nil || next.LessonsLearned != "Chuẩn bị kỹ" {
			t.Errorf("%+v %v", next, err)
		}
	})
	t.Run("the refusal of the attendance speaks of members or delegates", func(t *testing.T) {
		_, err := ApplyCongressPatch(cgWith(cgAt(StatusPlanApproved, ""), 45, 0, 0), CongressPatch{DelegatesPresent: cgInt(999)}, cellFacts)
		if m := AsError(err).Fields[0].Message; !strings.Contains(m.VI, "Số đảng viên có mặt (999)") || !strings.Contains(m.VI, "(45)") || !strings.Contains(m.EN, "members") {
			t.Errorf("a cell: %+v", m)
		}
		_, err = ApplyCongressPatch(cgWith(cgAt(StatusPlanApproved, ""), 400, 120, 0), CongressPatch{DelegatesPresent: cgInt(130)}, facts)
		if m := AsError(err).Fields[0].Message; !strings.Contains(m.VI, "Số đại biểu có mặt (130)") || !strings.Contains(m.VI, "(120)") || !strings.Contains(m.EN, "delegates") {
			t.Errorf("a congress of delegates: %+v", m)
		}
	})
	t.Run("the message of the cascade says how many are missing", func(t *testing.T) {
		_, err := ApplyCongressPatch(cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19")},
			with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld = 13, 9 }))
		m := AsError(err).Fields[0].Message
		if !strings.Contains(m.VI, "4/13") || !strings.Contains(m.EN, "4 of the 13 units below have not held their congress") {
			t.Errorf("message %+v", m)
		}
		for _, c := range []struct {
			total, held int
			want        string
		}{
			{11, 10, "1 of the 11 units below has not held its congress"},
			{1, 0, "the only unit below has not held its congress"},
			{2, 0, "2 of the 2 units below have not held their congress"},
		} {
			_, err := ApplyCongressPatch(cgAt(StatusPlanApproved, ""), CongressPatch{Status: cgStr("held"), HeldDate: cgStr("2020-03-19")},
				with(func(f *CongressFacts) { f.BelowTotal, f.BelowHeld = c.total, c.held }))
			if m := AsError(err).Fields[0].Message.EN; !strings.Contains(m, c.want) {
				t.Errorf("%d of %d: %q, want %q", c.total-c.held, c.total, m, c.want)
			}
		}
	})
}

func TestAutoMilestonesAreNotTickedByHand(t *testing.T) {
	if err := CheckTick(Milestone{Code: "held", Auto: "held"}, Congress{}, true); ErrorCodeOf(err) != EInvalid {
		t.Errorf("error %v", err)
	}
}

func TestAStepOfPreparationIsNotDoneAfterTheCongress(t *testing.T) {
	held := cgAt(StatusHeld, "2020-03-10")
	step := Milestone{Code: "draft_report"}
	auto := Milestone{Code: "results_reported", Auto: "results_reported"}
	for _, tc := range []struct {
		name string
		m    Milestone
		c    Congress
		day  string
		bad  bool
	}{
		{"before the day held", step, held, "2020-03-01", false},
		{"on the day held", step, held, "2020-03-10", false},
		{"after the day held", step, held, "2020-04-10", true},
		{"a congress not held yet", step, cgAt(StatusPreparing, ""), "2020-04-10", false},
		{"what the system ticks after", auto, held, "2020-04-10", false},
	} {
		d, _ := ParseDay(tc.day)
		if err := CheckTickDay(tc.m, tc.c, &d); (err != nil) != tc.bad {
			t.Errorf("%s: %v, want refused %v", tc.name, err, tc.bad)
		}
	}
}
