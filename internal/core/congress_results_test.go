package core_test

import (
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/oracle"
)

func TestResultsShowVotesAsASharOfTheDelegatesPresent(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	bithu := f.as("bithu")
	in := domain.ResultsInput{
		CommitteeSize: 13, CommitteeWomen: 7, SecretaryName: "Nguyễn Thị Hoa", DelegatesElected: 12,
		Elected: []domain.ElectedInput{
			{Position: "secretary", FullName: "Nguyễn Thị Hoa", IsWoman: true, VotesFor: 35, ValidBallots: 35, DelegatesPresent: 39},
			{Position: "committee", FullName: "Trần Văn Nam", VotesFor: 39, ValidBallots: 39, DelegatesPresent: 39},
		},
	}
	t.Run("not before the congress is held", func(t *testing.T) {
		before := f.roundDigest()
		_, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C1", 0, in)
		wantField(t, err, "status")
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	r, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C1", 0, in)
	wantCode(t, err, "")
	p := r.Elected[0].Percent
	if p == nil || p.VI != "89,74%" || p.EN != "89.74%" || p.Value != 89.74 || p.Base != "delegates_present" {
		t.Errorf("35/35/39 = %+v, want 89,74%% of the delegates present", p)
	}
	if p := r.Elected[1].Percent; p.VI != "100,00%" {
		t.Errorf("39/39/39 = %+v", p)
	}
	if r.WomenShare == nil || r.WomenShare.VI != "53,85%" {
		t.Errorf("women share %+v, want 53,85%%", r.WomenShare)
	}
	t.Run("votes above ballots and ballots above delegates are refused per person", func(t *testing.T) {
		bad := in
		bad.Version = r.Version
		bad.Elected = append([]domain.ElectedInput{}, in.Elected...)
		bad.Elected = append(bad.Elected, domain.ElectedInput{Position: "committee", FullName: "Lê Văn C", VotesFor: 36, ValidBallots: 35, DelegatesPresent: 39})
		bad.Elected[1].ValidBallots = 40
		before := f.roundDigest()
		_, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C1", 0, bad)
		wantField(t, err, "elected[2].votes_for")
		wantField(t, err, "elected[1].valid_ballots")
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("a person's delegates present are at most the congress's", func(t *testing.T) {
		f.holdCongress("HN.HBT.BM.C2", "2020-02-21")
		if _, err := f.patchCongress(domain.SystemPrincipal(), "HN.HBT.BM.C2", domain.CongressPatch{DelegatesPresent: intp(20)}); err != nil {
			t.Fatal(err)
		}
		before := f.roundDigest()
		_, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C2", 0, in)
		wantField(t, err, "elected[0].delegates_present")
		wantField(t, err, "elected[1].delegates_present")
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("more women than members, negative counts, unknown position", func(t *testing.T) {
		bad := in
		bad.Version, bad.CommitteeWomen, bad.DelegatesElected = r.Version, 14, -1
		bad.Elected = []domain.ElectedInput{{Position: "king", FullName: " ", VotesFor: -1}}
		_, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C1", 0, bad)
		for _, field := range []string{"committee_women", "delegates_elected", "elected[0].position", "elected[0].full_name", "elected[0].votes_for"} {
			wantField(t, err, field)
		}
	})
	t.Run("a stale version is a conflict", func(t *testing.T) {
		_, err := f.svc.SetResults(f.ctx, bithu, "HN.HBT.BM.C1", 0, in) // version 0, but results exist
		wantCode(t, err, domain.EConflict)
	})
	t.Run("results reported once recorded and the papers sent", func(t *testing.T) {
		for _, k := range []string{"minutes", "results_report"} {
			if _, err := f.attach(bithu, "HN.HBT.BM.C1", k, k+".pdf", pdfOf(k, 200)); err != nil {
				t.Fatal(err)
			}
		}
		c, err := f.patchCongress(bithu, "HN.HBT.BM.C1", domain.CongressPatch{Status: strp("results_reported")})
		wantCode(t, err, "")
		if c.Status != domain.StatusResultsReported {
			t.Errorf("status %s", c.Status)
		}
	})
	got, err := f.svc.Results(f.ctx, f.as("xem"), "HN.HBT.BM.C1", 0)
	wantCode(t, err, "")
	if len(got.Elected) != 2 || got.Elected[0].FullName != "Nguyễn Thị Hoa" || got.Version != 1 {
		t.Errorf("results %+v", got)
	}
}

// Approvals come from the committee of a unit above: a secretary, board or
// admin whose role is held on a strict ancestor of the unit.
func TestApprovalsComeFromTheCommitteeAbove(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	for _, g := range []struct{ user, role, unit string }{
		{"bt-phuong", "board", "HN.HBT.BM"},
		{"bithu-quan", "secretary", "HN.HBT"},
		{"bithu-vt", "secretary", "HN.HBT.VT"},
	} {
		f.user(g.user)
		if err := f.svc.Grant(f.ctx, sys, g.user, g.role, g.unit); err != nil {
			t.Fatal(err)
		}
	}
	in := domain.MilestoneInput{DoneOn: "2020-03-01", Note: "Quyết định số 12"}
	cases := []struct {
		user, unit, milestone string
		want                  domain.ErrorCode
	}{
		{"bithu", "HN.HBT.BM", "congress_plan", domain.EForbidden},       // the ward's own secretary does not approve her ward
		{"bt-phuong", "HN.HBT.BM", "personnel_plan", domain.EForbidden},  // nor a board on the ward itself
		{"xem", "HN.HBT.BM.C1", "congress_plan", domain.EForbidden},      // a viewer
		{"totacong", "HN.HBT.BM.C1", "congress_plan", domain.EForbidden}, // a working group follows, does not approve
		{"bithu", "HN.HBT.VT.C1", "congress_plan", domain.ENotFound},     // another ward's cells are outside her scope
		{"bithu-vt", "HN.HBT.BM.C1", "congress_plan", domain.ENotFound},
		{"bithu", "HN.HBT.BM", "draft_report", ""},          // not an approval: the secretary may
		{"bithu", "HN.HBT.BM.C1", "congress_plan", ""},      // the ward's secretary approves her cells
		{"bithu", "HN.HBT.BM.C1", "personnel_plan", ""},     // both their plans
		{"bt-phuong", "HN.HBT.BM.C2", "congress_plan", ""},  // so does the ward's board
		{"bantochuc", "HN.HBT.BM", "congress_plan", ""},     // the district board approves the ward
		{"bantochuc", "HN.HBT.BM.C3", "personnel_plan", ""}, // and, from above, a cell
		{"bithu-quan", "HN.HBT.BM.C3", "congress_plan", ""}, // a secretary two levels up too (a strict ancestor)
		{"bantochuc", "HN.HBT.BM", "held", domain.EInvalid}, // auto milestones are not ticked by hand
		{"bantochuc", "HN.HBT.BM", "children_held", domain.EInvalid},
		{"bantochuc", "HN.HBT.BM", "no_such_thing", domain.ENotFound},
		{"bantochuc", "HN.HBT.BM.C1", "subcommittees", domain.ENotFound}, // not a milestone of a cell
		{"bantochuc", "HN.DD.X", "congress_plan", domain.ENotFound},      // outside the board's scope
	}
	for _, c := range cases {
		t.Run(c.user+" ticks "+c.milestone+" of "+c.unit, func(t *testing.T) {
			before := f.roundDigest()
			m, err := f.svc.TickMilestone(f.ctx, f.as(c.user), c.unit, 0, c.milestone, in)
			wantCode(t, err, c.want)
			if c.want != "" {
				if f.roundDigest() != before {
					t.Error("wrote")
				}
				return
			}
			if m.DoneOn.String() != "2020-03-01" || m.DoneBy != c.user || m.Note != in.Note {
				t.Errorf("milestone %+v", m)
			}
		})
	}
	t.Run("a day in the future or that does not exist is refused", func(t *testing.T) {
		for _, day := range []string{"2020-04-16", "2020-02-30", "tomorrow"} {
			_, err := f.svc.TickMilestone(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, "draft_report", domain.MilestoneInput{DoneOn: day})
			wantField(t, err, "done_on")
		}
	})
	t.Run("the approval cannot be withdrawn while the status rests on it", func(t *testing.T) {
		board := f.as("bantochuc")
		for _, st := range []string{"preparing", "plan_approved"} {
			if _, err := f.patchCongress(board, "HN.HBT.BM", domain.CongressPatch{Status: strp(st)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.svc.UntickMilestone(f.ctx, board, "HN.HBT.BM", 0, "congress_plan")
		wantField(t, err, "milestone")
		m, err := f.svc.UntickMilestone(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, "draft_report")
		wantCode(t, err, "")
		if m.DoneOn != nil || m.DoneBy != "" {
			t.Errorf("unticked milestone %+v", m)
		}
	})
	t.Run("due dates follow the planned date and overdue is counted today", func(t *testing.T) {
		if _, err := f.patchCongress(sys, "HN.HBT.BM", domain.CongressPatch{PlannedDate: strp("2020-04-20")}); err != nil {
			t.Fatal(err)
		}
		ms, err := f.svc.Milestones(f.ctx, f.as("xem"), "HN.HBT.BM", 0)
		wantCode(t, err, "")
		due := map[string]string{}
		overdue := map[string]bool{}
		for _, m := range ms {
			if m.DueDate != nil {
				due[m.Code] = m.DueDate.String()
			}
			overdue[m.Code] = m.Overdue
		}
		if due["personnel_plan"] != "2020-04-05" || due["held"] != "2020-04-20" || due["results_reported"] != "2020-04-27" {
			t.Errorf("due dates %v", due)
		}
		// on 15/04/2020: the personnel plan (due 05/04) is overdue; the congress plan is done
		if !overdue["personnel_plan"] || overdue["congress_plan"] || overdue["held"] {
			t.Errorf("overdue %v", overdue)
		}
		if c := f.congressNow("HN.HBT.BM"); c.Milestones.Total != 7 || c.Milestones.Done != 1 || c.Milestones.Overdue != 3 {
			t.Errorf("summary %+v", c.Milestones)
		}
	})
}

func TestPilotsMarkedByTheBoardCarryLessonsOnceHeld(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	t.Run("only a board user of an ancestor marks pilots", func(t *testing.T) {
		for _, u := range []string{"bithu", "xem", "totacong"} {
			before := f.roundDigest()
			_, err := f.svc.SetPilot(f.ctx, f.as(u), "HN.HBT.BM", 0, true)
			wantCode(t, err, domain.EForbidden)
			if f.roundDigest() != before {
				t.Error("wrote")
			}
		}
		_, err := f.svc.SetPilot(f.ctx, board, "HN.HBT", 0, true) // the district board on its own district
		wantCode(t, err, domain.EForbidden)
	})
	for _, code := range []string{"HN.HBT.BM", "HN.HBT.DK"} {
		c, err := f.svc.SetPilot(f.ctx, board, code, 0, true)
		wantCode(t, err, "")
		if !c.IsPilot {
			t.Fatalf("%s not a pilot", code)
		}
	}
	t.Run("lessons before the congress is held are refused", func(t *testing.T) {
		_, err := f.patchCongress(board, "HN.HBT.BM", domain.CongressPatch{LessonsLearned: strp("Chuẩn bị kỹ văn kiện")})
		wantField(t, err, "lessons_learned")
	})
	// The ward's cells first, then the ward, a pilot; then the other wards.
	for i, cell := range []string{"HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.BM.C3"} {
		f.holdCongress(cell, "2020-02-1"+string(rune('1'+i)))
	}
	f.holdCongress("HN.HBT.BM", "2020-03-19")
	f.holdCongress("HN.HBT.QL", "2020-04-05")
	f.holdCongress("HN.HBT.QM", "2020-04-09")
	c, err := f.patchCongress(board, "HN.HBT.BM", domain.CongressPatch{LessonsLearned: strp("Chuẩn bị kỹ văn kiện và nhân sự")})
	wantCode(t, err, "")
	if c.LessonsLearned != "Chuẩn bị kỹ văn kiện và nhân sự" {
		t.Errorf("lessons %q", c.LessonsLearned)
	}
	r, err := f.svc.Pilots(f.ctx, f.as("xem"), "HN.HBT", 0)
	wantCode(t, err, "")
	if len(r.Pilots) != 2 || r.Pilots[0].UnitCode != "HN.HBT.BM" || r.Pilots[0].LessonsLearned == "" {
		t.Fatalf("pilots %+v", r.Pilots)
	}
	var wards *domain.PilotComparison
	for i := range r.Comparison {
		if r.Comparison[i].Kind == "grassroots_committee" {
			wards = &r.Comparison[i]
		}
	}
	if wards == nil || wards.Pilots != 1 || wards.PilotsHeld != 1 || wards.Others != 3 || wards.OthersHeld != 2 ||
		wards.OthersFirstHeld.String() != "2020-04-05" || wards.OthersMedianHeld.String() != "2020-04-05" {
		t.Fatalf("ward comparison %+v", wards)
	}
	if d := r.Pilots[0].DaysBeforeOthers; d == nil || *d != 17 {
		t.Errorf("days before others = %v, want 17", d)
	}
	t.Run("unmarking a pilot", func(t *testing.T) {
		c, err := f.svc.SetPilot(f.ctx, board, "HN.HBT.DK", 0, false)
		wantCode(t, err, "")
		if c.IsPilot {
			t.Error("still a pilot")
		}
	})
	t.Run("a pilot merged into another unit leaves the list and the count alike", func(t *testing.T) {
		if _, err := f.svc.SetPilot(f.ctx, board, "HN.HBT.QL", 0, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.MergeUnits(f.ctx, domain.SystemPrincipal(), "HN.HBT.QM", []string{"HN.HBT.QL"}, "sáp nhập phường"); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Pilots(f.ctx, f.as("xem"), "HN.HBT", 0)
		wantCode(t, err, "")
		var codes []string
		for _, p := range r.Pilots {
			codes = append(codes, p.UnitCode)
		}
		if strings.Join(codes, " ") != "HN.HBT.BM" {
			t.Errorf("pilots listed %v, want only HN.HBT.BM", codes)
		}
		pr, err := f.svc.Progress(f.ctx, f.as("xem"), "HN.HBT", 0, "")
		wantCode(t, err, "")
		if pr.Pilots.Total != len(r.Pilots) {
			t.Errorf("pilots counted %d, listed %d", pr.Pilots.Total, len(r.Pilots))
		}
		for _, k := range r.Comparison {
			if k.Kind == "grassroots_committee" && k.Pilots != 1 {
				t.Errorf("ward comparison counts %d pilots, want 1", k.Pilots)
			}
		}
	})
}

func TestDeadlineRuleChangesNeedAReasonAndKeepTheOldValue(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	change := domain.DeadlineRuleInput{ScopeCode: "HN.HBT", Kind: "cell", Category: "residential", Deadline: "2020-04-30", Reason: "COVID-19: Chỉ thị 16/CT-TTg"}
	t.Run("without a reason", func(t *testing.T) {
		in := change
		in.Reason = ""
		before := f.roundDigest()
		_, err := f.svc.SetDeadlineRule(f.ctx, board, 0, in)
		wantField(t, err, "reason")
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("bad kind, category and date", func(t *testing.T) {
		for _, in := range []domain.DeadlineRuleInput{
			{ScopeCode: "HN.HBT", Kind: "spaceship", Deadline: "2020-04-30", Reason: "x"},
			{ScopeCode: "HN.HBT", Kind: "grassroots_committee", Category: "residential", Deadline: "2020-04-30", Reason: "x"},
			{ScopeCode: "HN.HBT", Kind: "cell", Deadline: "2020-04-31", Reason: "x"},
			{ScopeCode: "NOPE", Kind: "cell", Deadline: "2020-04-30", Reason: "x"},
		} {
			_, err := f.svc.SetDeadlineRule(f.ctx, board, 0, in)
			wantCode(t, err, domain.EInvalid)
		}
		// A district's rule scoped within a ward would apply to nothing.
		_, err := f.svc.SetDeadlineRule(f.ctx, board, 0, domain.DeadlineRuleInput{ScopeCode: "HN.HBT.BM", Kind: "district", Deadline: "2020-04-30", Reason: "x"})
		wantField(t, err, "kind")
	})
	t.Run("only the board of the scope or above", func(t *testing.T) {
		for _, c := range []struct {
			user string
			in   domain.DeadlineRuleInput
		}{
			{"bithu", domain.DeadlineRuleInput{ScopeCode: "HN.HBT.BM", Kind: "cell", Deadline: "2020-04-30", Reason: "x"}},
			{"xem", change},
			{"bantochuc", domain.DeadlineRuleInput{Kind: "cell", Deadline: "2020-04-30", Reason: "x"}},
			{"quantri", domain.DeadlineRuleInput{Kind: "cell", Deadline: "2020-04-30", Reason: "x"}}, // admin of HN.HBT only
			// a rule covering the board's own unit would move its own deadline
			{"bantochuc", domain.DeadlineRuleInput{ScopeCode: "HN.HBT", Kind: "district", Deadline: "2020-12-31", Reason: "x"}},
		} {
			_, err := f.svc.SetDeadlineRule(f.ctx, f.as(c.user), 0, c.in)
			wantCode(t, err, domain.EForbidden)
		}
		// a scope above the board's own is, to the board, a unit that does not exist
		_, err := f.svc.SetDeadlineRule(f.ctx, board, 0, domain.DeadlineRuleInput{ScopeCode: "HN", Kind: "cell", Deadline: "2020-04-30", Reason: "x"})
		wantField(t, err, "scope_code")
	})
	r, err := f.svc.SetDeadlineRule(f.ctx, board, 0, change)
	wantCode(t, err, "")
	if r.Deadline.String() != "2020-04-30" || r.Version != 2 {
		t.Errorf("rule %+v", r)
	}
	if c := f.congressNow("HN.HBT.BM.C2"); c.Deadline.String() != "2020-04-30" {
		t.Errorf("cell deadline %s after the change", c.Deadline)
	}
	if c := f.congressNow("HN.DD.X.C1"); c.Deadline.String() != "2020-03-25" {
		t.Errorf("a cell outside the scope moved to %s", c.Deadline)
	}
	hist, err := f.svc.DeadlineHistory(f.ctx, board, 0)
	wantCode(t, err, "")
	if len(hist) != 1 || !strings.Contains(string(hist[0].Before), `"2020-03-15"`) || !strings.Contains(string(hist[0].After), `"2020-04-30"`) ||
		hist[0].Reason != change.Reason || hist[0].Username != "bantochuc" || hist[0].UnitCode != "HN.HBT" {
		t.Errorf("history %+v", hist)
	}
	t.Run("a new rule for a ward's cells beats the district's", func(t *testing.T) {
		_, err := f.svc.SetDeadlineRule(f.ctx, board, 0, domain.DeadlineRuleInput{ScopeCode: "HN.HBT.BM", Kind: "cell", Deadline: "2020-03-10", Reason: "Đại hội điểm"})
		wantCode(t, err, "")
		if c := f.congressNow("HN.HBT.BM.C2"); c.Deadline.String() != "2020-03-10" {
			t.Errorf("cell deadline %s", c.Deadline)
		}
		if c := f.congressNow("HN.HBT.VT.C1"); c.Deadline.String() != "2020-04-30" {
			t.Errorf("another ward's cell deadline %s", c.Deadline)
		}
	})
	t.Run("the stored deadlines agree with the domain's precedence", func(t *testing.T) {
		rd, err := f.svc.Round(f.ctx, domain.SystemPrincipal(), 0)
		wantCode(t, err, "")
		var units []domain.Unit
		if err := f.db.Select(&units, `SELECT code, kind, coalesce(category, '') AS category, path::text AS path FROM units WHERE active`); err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			want, _ := oracle.EffectiveDeadline(nil, rd.Deadlines, u.Kind, u.Category, u.Path)
			if got := f.congressNow(u.Code).Deadline; !domain.SameDay(got, want) {
				t.Errorf("%s: stored %v, domain %v", u.Code, got, want)
			}
		}
	})
}

func TestRoundAuditPerUnitAndPerSubtree(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	if _, err := f.patchCongress(f.as("bithu"), "HN.HBT.BM", domain.CongressPatch{PlannedDate: strp("2020-03-19")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.patchCongress(domain.SystemPrincipal(), "HN.DD.X", domain.CongressPatch{Status: strp("preparing")}); err != nil {
		t.Fatal(err)
	}
	own, err := f.svc.RoundAudit(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, false, 0)
	wantCode(t, err, "")
	if len(own) != 1 || own[0].UnitCode != "HN.HBT.BM" || own[0].Username != "bithu" || !strings.Contains(string(own[0].After), "2020-03-19") {
		t.Errorf("ward audit %+v", own)
	}
	sub, err := f.svc.RoundAudit(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, true, 0)
	wantCode(t, err, "")
	// the ward's change, and the cell's approval and three status changes
	if len(sub) != 5 || sub[0].UnitCode != "HN.HBT.BM" || sub[len(sub)-1].Entity != "milestone" {
		t.Errorf("subtree audit %d entries: %+v", len(sub), sub)
	}
	for _, e := range sub {
		if !strings.HasPrefix(e.UnitCode, "HN.HBT.BM") {
			t.Errorf("entry of %s outside the subtree", e.UnitCode)
		}
	}
	_, err = f.svc.RoundAudit(f.ctx, f.as("bithu"), "HN.DD.X", 0, true, 0)
	wantCode(t, err, domain.ENotFound)
	_, err = f.svc.RoundAudit(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, true, 5000)
	wantField(t, err, "limit")
}
