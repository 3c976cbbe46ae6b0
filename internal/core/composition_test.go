package core_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// person is one person elected in a test's results.
func person(pos string, woman bool, born int, minority, again bool) domain.ElectedInput {
	return domain.ElectedInput{Position: pos, FullName: fmt.Sprintf("%s %d", pos, born), IsWoman: woman, BirthYear: born,
		EthnicMinority: minority, Reelected: again, VotesFor: 30, ValidBallots: 30, DelegatesPresent: 32}
}

// elect records people as the results of the congress of code.
func (f *fixture) elect(code string, people ...domain.ElectedInput) {
	f.t.Helper()
	in := domain.ResultsInput{CommitteeSize: len(people), Elected: people}
	in.CountWomen()
	if _, err := f.svc.SetResults(f.ctx, domain.SystemPrincipal(), code, 0, in); err != nil {
		f.t.Fatalf("results of %s: %v", code, err)
	}
}

// compositionFixture holds three cells and a grassroots cell of HN.HBT
// with their committees, as in TestCompositionOfASubtreeAgainstTargetsAndPlans.
func compositionFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	f.holdCongress("HN.HBT.BM.C2", "2020-03-05")
	f.holdCongress("HN.HBT.VT.C1", "2020-04-01")
	f.holdCongress("HN.HBT.DK", "2020-03-15")
	f.elect("HN.HBT.BM.C1",
		person("secretary", true, 1985, false, false),  // 35 in 2020: young
		person("committee", false, 1980, false, false), // 40: not young
		person("committee", true, 1990, true, true),
		person("delegate", true, 1995, true, false), // a delegate, not of the committee
	)
	f.elect("HN.HBT.BM.C2",
		person("secretary", false, 1970, false, true),
		person("deputy_secretary", true, 1981, false, false), // 39: young
		person("committee", false, 0, true, false),           // year of birth not known
	)
	f.elect("HN.HBT.VT.C1", person("secretary", true, 1960, false, true))
	f.elect("HN.HBT.DK",
		person("secretary", true, 1975, false, true),
		person("deputy_secretary", false, 1982, false, false),
		person("standing", true, 1988, false, false),
		person("committee", false, 1979, false, false),
		person("committee", true, 1990, true, false),
	)
	return f
}

func TestCompositionOfASubtreeAgainstTargetsAndPlans(t *testing.T) {
	f := compositionFixture(t)
	board := f.as("bantochuc")
	set := func(p domain.Principal, in domain.CompositionTargetInput) error {
		t.Helper()
		in.Reason = "Hướng dẫn nhân sự"
		_, err := f.svc.SetCompositionTarget(f.ctx, p, 0, in)
		return err
	}
	wantCode(t, set(board, domain.CompositionTargetInput{Kind: "cell", Measure: "women", Comparison: "at_least", Percent: 15}), domain.EForbidden)
	wantCode(t, set(f.rootAdmin(), domain.CompositionTargetInput{Kind: "cell", Measure: "women", Comparison: "at_least", Percent: 15}), "")
	wantCode(t, set(f.rootAdmin(), domain.CompositionTargetInput{Kind: "cell", Measure: "youth", Comparison: "about", Percent: 10}), "")
	// the district's own target is deeper: it wins within the district
	wantCode(t, set(board, domain.CompositionTargetInput{ScopeCode: "HN.HBT", Kind: "cell", Measure: "youth", Comparison: "about", Percent: 42}), "")
	wantCode(t, set(board, domain.CompositionTargetInput{ScopeCode: "HN.HBT", Kind: "grassroots_cell", Measure: "ethnic_minority", Comparison: "at_most", Percent: 10}), "")
	// the district's own committee is for the city to set a target for
	wantCode(t, set(board, domain.CompositionTargetInput{ScopeCode: "HN.HBT", Kind: "district", Measure: "women", Comparison: "at_least", Percent: 50}), domain.EForbidden)
	wantCode(t, set(f.rootAdmin(), domain.CompositionTargetInput{ScopeCode: "HN.HBT", Kind: "district", Measure: "women", Comparison: "at_least", Percent: 50}), "")
	t.Run("a target out of range is refused", func(t *testing.T) {
		wantField(t, set(board, domain.CompositionTargetInput{ScopeCode: "HN.HBT", Kind: "cell", Measure: "women", Comparison: "most", Percent: 101.5}), "percent")
	})
	plan := func(p domain.Principal, code string, pc float64) error {
		_, err := f.svc.SetCompositionPlan(f.ctx, p, code, 0, domain.CompositionPlanInput{Measure: "women", Percent: pc, Reason: "Phương án nhân sự"})
		return err
	}
	wantCode(t, plan(f.as("bithu"), "HN.HBT.BM.C1", 60), domain.EForbidden)
	wantCode(t, plan(board, "HN.HBT", 52), "")
	wantCode(t, plan(board, "HN.HBT.BM.C1", 60), "")
	wantCode(t, plan(board, "HN.HBT.BM.C2", 50), "")

	r, err := f.svc.Composition(f.ctx, f.as("xem"), "HN.HBT", 0)
	wantCode(t, err, "")
	var got []string
	for _, k := range r.Kinds {
		line := fmt.Sprintf("%s: %d committees, %d members, women %d (%s), youth %d (%s), minority %d (%s), re-elected %d (%s), unknown %d",
			k.Kind, k.Committees, k.Members, k.Women, k.Shares["women"].VI, k.Youth, k.Shares["youth"].VI,
			k.EthnicMinority, k.Shares["ethnic_minority"].VI, k.Reelected, k.Shares["re_elected"].VI, k.BirthYearUnknown)
		for _, tc := range k.Targets {
			met := "–"
			if tc.Met != nil {
				met = fmt.Sprint(*tc.Met)
			}
			line += fmt.Sprintf("; %s: %s", tc.Text.VI, met)
		}
		got = append(got, line)
	}
	// Hand-counted: the cells' committees are 3 + 3 + 1 = 7 members (the
	// delegate left out): women 2 + 1 + 1 = 4 (57,14%), under 40 in 2020
	// (born after 1980) 1985, 1990 and 1981 = 3 (42,86%, about 42%: within
	// two points), minority 2, re-elected
	// 1 + 1 + 1 = 3 (42,86%), one year of birth unknown. The school's 5:
	// women 3, under 40 1982, 1988, 1990 = 3, minority 1, re-elected 1.
	want := []string{
		"district: 0 committees, 0 members, women 0 (), youth 0 (), minority 0 (), re-elected 0 (), unknown 0; Nữ ít nhất 50%: –",
		"grassroots_cell: 1 committees, 5 members, women 3 (60,00%), youth 3 (60,00%), minority 1 (20,00%), re-elected 1 (20,00%), unknown 0; Dân tộc thiểu số nhiều nhất 10%: false",
		"cell: 3 committees, 7 members, women 4 (57,14%), youth 3 (42,86%), minority 2 (28,57%), re-elected 3 (42,86%), unknown 1; Nữ ít nhất 15%: true; Dưới 40 tuổi khoảng 42%: true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("composition of HN.HBT:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var plans []string
	for _, p := range r.Plans {
		actual, met := "–", "–"
		if p.Actual != nil {
			actual, met = p.Actual.VI, fmt.Sprint(*p.Met)
		}
		plans = append(plans, fmt.Sprintf("%s %s %s: %s %s", p.UnitCode, p.Measure, domain.PercentText(p.Percent, "vi"), actual, met))
	}
	// C1: 2 women of 3 = 66,67% against 60%; C2: 1 of 3 = 33,33% against 50%.
	if want := "HN.HBT women 52%: – –\nHN.HBT.BM.C1 women 60%: 66,67% true\nHN.HBT.BM.C2 women 50%: 33,33% false"; strings.Join(plans, "\n") != want {
		t.Errorf("plans:\n%s\nwant\n%s", strings.Join(plans, "\n"), want)
	}
	t.Run("a ward sees its own cells only, under the whole tree's youth target", func(t *testing.T) {
		r, err := f.svc.Composition(f.ctx, f.as("bithu"), "HN.HBT.BM", 0)
		wantCode(t, err, "")
		if len(r.Kinds) != 1 || r.Kinds[0].Members != 6 || r.Kinds[0].Women != 3 || len(r.Kinds[0].Targets) != 2 {
			t.Fatalf("ward: %+v", r.Kinds)
		}
	})
	t.Run("the audit log keeps each target and plan with its reason", func(t *testing.T) {
		var n int
		if err := f.db.Get(&n, `SELECT count(*) FROM audit_log WHERE entity = 'composition' AND reason <> ''`); err != nil || n != 8 {
			t.Errorf("%d audited, %v", n, err)
		}
	})
}

func TestPersonalDataOfThePeopleElectedAreTheirUnitsOwn(t *testing.T) {
	f := compositionFixture(t)
	for _, tc := range []struct {
		user     string
		personal bool
	}{
		{"bithu", true},     // the ward's secretary, above the cell
		{"bantochuc", true}, // the district's board
		{"quantri", true},
		{"totacong", false}, // the working group reads the figures only
		{"xem", false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			r, err := f.svc.Results(f.ctx, f.as(tc.user), "HN.HBT.BM.C1", 0)
			wantCode(t, err, "")
			first := r.Elected[0]
			shown := first.IsWoman && first.BirthYear != nil && *first.BirthYear == 1985
			if r.Personal != tc.personal || shown != tc.personal {
				t.Errorf("personal %v, first person %+v", r.Personal, first)
			}
			if r.Elected[2].EthnicMinority != tc.personal || r.Elected[2].Reelected != tc.personal {
				t.Errorf("third person %+v", r.Elected[2])
			}
			// the aggregated figures are everyone's
			if r.Composition.Members != 3 || r.Composition.Women != 2 || r.Composition.Youth != 2 || r.Elected[0].VotesFor != 30 {
				t.Errorf("composition %+v", r.Composition)
			}
		})
	}
	t.Run("an implausible year of birth is refused", func(t *testing.T) {
		_, err := f.svc.SetResults(f.ctx, f.as("bithu"), "HN.HBT.BM.C3", 0, domain.ResultsInput{})
		wantField(t, err, "status")
		r, _ := f.svc.Results(f.ctx, f.as("bithu"), "HN.HBT.BM.C1", 0)
		in := domain.ResultsInput{CommitteeSize: 1, CommitteeWomen: 1, Version: r.Version, Elected: []domain.ElectedInput{person("secretary", true, 2010, false, false)}}
		_, err = f.svc.SetResults(f.ctx, f.as("bithu"), "HN.HBT.BM.C1", 0, in)
		wantField(t, err, "elected[0].birth_year")
		in.Elected[0].BirthYear = 85
		_, err = f.svc.SetResults(f.ctx, f.as("bithu"), "HN.HBT.BM.C1", 0, in)
		wantField(t, err, "elected[0].birth_year")
	})
}
