package core_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// round2020 is the 2020–2025 round of the tests: deadlines by kind, residential
// cells earlier, and a tighter district-wide rule for Hai Bà Trưng's cells.
var round2020 = domain.RoundInput{
	Name:      "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025",
	Documents: []string{"Chỉ thị 35-CT/TW", "Kế hoạch 155-KH/TU"},
	StartDate: "2019-07-08",
	Current:   true,
	Deadlines: []domain.DeadlineRuleInput{
		{Kind: "city", Deadline: "2020-10-31"},
		{Kind: "district", Deadline: "2020-08-31"},
		{Kind: "grassroots_committee", Deadline: "2020-06-30"},
		{Kind: "grassroots_cell", Deadline: "2020-06-30"},
		{Kind: "subcommittee", Deadline: "2020-04-30"},
		{Kind: "cell", Deadline: "2020-03-31"},
		{Kind: "cell", Category: "residential", Deadline: "2020-03-25"},
		{ScopeCode: "HN.HBT", Kind: "cell", Deadline: "2020-03-20"},
		{ScopeCode: "HN.HBT", Kind: "cell", Category: "residential", Deadline: "2020-03-15"},
	},
}

// newRound creates round2020 as the system and returns its id.
func (f *fixture) createRound2020() int64 {
	f.t.Helper()
	r, err := f.svc.CreateRound(f.ctx, domain.SystemPrincipal(), round2020)
	if err != nil {
		f.t.Fatalf("create round: %v", err)
	}
	return r.ID
}

// congress reads a unit's congress in the current round as the system.
func (f *fixture) congressNow(code string) domain.Congress {
	f.t.Helper()
	c, err := f.svc.Congress(f.ctx, domain.SystemPrincipal(), code, 0)
	if err != nil {
		f.t.Fatalf("congress %s: %v", code, err)
	}
	return c
}

func TestCreateRoundGivesEveryActiveUnitItsCongressAndMilestones(t *testing.T) {
	f := newFixture(t)
	id := f.createRound2020()
	units := f.count("units WHERE active")
	if got := f.count("congresses"); got != units {
		t.Errorf("congresses = %d, want one per active unit (%d)", got, units)
	}
	var want int
	if err := f.db.Get(&want, `SELECT count(*) FROM units u JOIN milestone_templates t ON t.kind = u.kind WHERE u.active`); err != nil {
		t.Fatal(err)
	}
	if got := f.count("milestones"); got != want {
		t.Errorf("milestones = %d, want %d", got, want)
	}
	cur, err := f.svc.CurrentRoundID(f.ctx)
	if err != nil || cur != id {
		t.Errorf("current round = %d (%v), want %d", cur, err, id)
	}
	// Rollups: the district Hai Bà Trưng has 6 cells below it, none held.
	var total, held int
	if err := f.db.QueryRow(`SELECT total, held FROM rollups_live r JOIN units u ON u.id = r.unit_id
		WHERE r.round_id = $1 AND u.code = 'HN.HBT' AND r.kind = 'cell'`, id).Scan(&total, &held); err != nil {
		t.Fatal(err)
	}
	if total != 5 || held != 0 {
		t.Errorf("HN.HBT cells total %d held %d, want 5 and 0", total, held)
	}
	t.Run("a second round becomes current and leaves the first", func(t *testing.T) {
		in := round2020
		in.Name, in.StartDate, in.Deadlines = "Nhiệm kỳ 2025–2030", "2024-06-01", nil
		r2, err := f.svc.CreateRound(f.ctx, domain.SystemPrincipal(), in)
		wantCode(t, err, "")
		if cur, _ := f.svc.CurrentRoundID(f.ctx); cur != r2.ID {
			t.Errorf("current = %d, want %d", cur, r2.ID)
		}
		if err := f.svc.SetCurrentRound(f.ctx, domain.SystemPrincipal(), id); err != nil {
			t.Fatal(err)
		}
		if cur, _ := f.svc.CurrentRoundID(f.ctx); cur != id {
			t.Errorf("current = %d, want %d", cur, id)
		}
	})
	t.Run("only the system or an admin of every root creates a round", func(t *testing.T) {
		for _, user := range []string{"quantri", "bantochuc", "bithu"} {
			_, err := f.svc.CreateRound(f.ctx, f.as(user), round2020)
			wantCode(t, err, domain.EForbidden)
		}
	})
	t.Run("a round with a day that does not exist is refused", func(t *testing.T) {
		in := round2020
		in.StartDate = "2019-02-30"
		_, err := f.svc.CreateRound(f.ctx, domain.SystemPrincipal(), in)
		wantField(t, err, "start_date")
	})
}

func TestDeadlinesByKindCategoryScopeAndOverride(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	cases := []struct {
		code, want, source string
	}{
		{"HN", "2020-10-31", "rule"},
		{"HN.HBT", "2020-08-31", "rule"},
		{"HN.HBT.BM", "2020-06-30", "rule"},
		{"HN.HBT.DK", "2020-06-30", "rule"},
		{"HN.HBT.VT.S", "2020-04-30", "rule"},
		// the district's residential rule beats its general rule and the city-wide ones
		{"HN.HBT.BM.C1", "2020-03-15", "rule"},
		{"HN.HBT.VT.S.C1", "2020-03-15", "rule"},
		// outside Hai Bà Trưng the whole-tree residential rule applies
		{"HN.DD.X.C1", "2020-03-25", "rule"},
	}
	for _, c := range cases {
		t.Run(c.code+" by "+c.want, func(t *testing.T) {
			got := f.congressNow(c.code)
			if got.Deadline == nil || got.Deadline.String() != c.want || got.DeadlineSource != c.source {
				t.Errorf("deadline %v from %q, want %s from %s", got.Deadline, got.DeadlineSource, c.want, c.source)
			}
		})
	}
}

// The current round is reused between requests, and a change of it through
// the same services is seen by the next request.
func TestCurrentRoundChangeIsSeenAtOnce(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	first := f.createRound2020()
	if id, err := f.svc.CurrentRoundID(f.ctx); err != nil || id != first {
		t.Fatalf("current round %d (%v), want %d", id, err, first)
	}
	next := round2020
	next.Name = "Đại hội nhiệm kỳ 2025–2030"
	r, err := f.svc.CreateRound(f.ctx, sys, next)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := f.svc.CurrentRoundID(f.ctx); id != r.ID {
		t.Errorf("current round %d after creating round %d as current, want it", id, r.ID)
	}
	if err := f.svc.SetCurrentRound(f.ctx, sys, first); err != nil {
		t.Fatal(err)
	}
	if id, _ := f.svc.CurrentRoundID(f.ctx); id != first {
		t.Errorf("current round %d after making %d current again", id, first)
	}
}
