package oracle

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

func day(s string) domain.Day {
	t, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return domain.DayOf(t)
}

func dayPtr(s string) *domain.Day {
	d := day(s)
	return &d
}

func TestBestDeadlineRulePrecedence(t *testing.T) {
	// The tree: 1 city, 1.2 district, 1.2.3 ward, 1.2.3.4 cell.
	rules := []domain.DeadlineRule{
		{ID: 1, Kind: "cell", Deadline: day("2020-03-31")},
		{ID: 2, Kind: "cell", Category: "residential", Deadline: day("2020-03-25")},
		{ID: 3, ScopePath: "1.2", Kind: "cell", Deadline: day("2020-03-20")},
		{ID: 4, ScopePath: "1.2", Kind: "cell", Category: "residential", Deadline: day("2020-03-15")},
		{ID: 5, ScopePath: "1.2.3", Kind: "cell", Category: "school", Deadline: day("2020-03-10")},
		{ID: 6, Kind: "grassroots_committee", Deadline: day("2020-06-30")},
		{ID: 7, ScopePath: "1.9", Kind: "cell", Deadline: day("2020-02-01")},
	}
	cases := []struct {
		name, kind, category, path string
		want                       int64
	}{
		{"a cell elsewhere takes the whole-tree rule", "cell", "agency", "5.6.7", 1},
		{"a residential cell elsewhere takes the category rule", "cell", "residential", "5.6.7", 2},
		{"the district's general rule beats a whole-tree category rule", "cell", "agency", "1.2.8.9", 3},
		{"the district's category rule beats its general rule", "cell", "residential", "1.2.8.9", 4},
		{"the ward's category rule beats the district's", "cell", "school", "1.2.3.4", 5},
		{"a category rule of another category does not apply", "cell", "residential", "1.2.3.4", 4},
		{"a rule of another subtree does not apply", "cell", "hospital", "1.2.3.4", 3},
		{"a prefix of a label is not an ancestor", "cell", "", "1.22.3", 1},
		{"a ward takes the rule of its kind", "grassroots_committee", "", "1.2.3", 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := BestDeadlineRule(rules, c.kind, c.category, c.path)
			if !ok || got.ID != c.want {
				t.Errorf("rule %d (%v), want %d", got.ID, ok, c.want)
			}
		})
	}
	t.Run("no rule for a kind", func(t *testing.T) {
		if _, ok := BestDeadlineRule(rules, "district", "", "1.2"); ok {
			t.Error("found a rule")
		}
		if d, src := EffectiveDeadline(nil, rules, "district", "", "1.2"); d != nil || src != "" {
			t.Errorf("deadline %v from %q", d, src)
		}
	})
	t.Run("an override beats every rule", func(t *testing.T) {
		o := day("2020-05-01")
		d, src := EffectiveDeadline(&o, rules, "cell", "school", "1.2.3.4")
		if d.String() != "2020-05-01" || src != domain.DeadlineFromOverride {
			t.Errorf("deadline %v from %q", d, src)
		}
		d, src = EffectiveDeadline(nil, rules, "cell", "school", "1.2.3.4")
		if d.String() != "2020-03-10" || src != domain.DeadlineFromRule {
			t.Errorf("deadline %v from %q", d, src)
		}
	})
}

func TestLateOn(t *testing.T) {
	cases := []struct {
		name     string
		deadline *domain.Day
		held     *domain.Day
		asOf     string
		late     bool
		days     int
	}{
		{"on the deadline", dayPtr("2020-03-31"), nil, "2020-03-31", false, 0},
		{"the day after", dayPtr("2020-03-31"), nil, "2020-04-01", true, 1},
		{"held", dayPtr("2020-03-31"), dayPtr("2020-04-05"), "2020-04-10", false, 0},
		{"held later: late the days between", dayPtr("2020-03-31"), dayPtr("2020-04-05"), "2020-04-04", true, 4},
		{"held on the day: not late that day", dayPtr("2020-03-31"), dayPtr("2020-04-05"), "2020-04-05", false, 0},
		{"no deadline", nil, nil, "2020-04-10", false, 0},
		{"a fortnight after", dayPtr("2020-03-31"), nil, "2020-04-14", true, 14},
	}
	for _, tc := range cases {
		late, days := LateOn(tc.deadline, tc.held, day(tc.asOf))
		if late != tc.late || days != tc.days {
			t.Errorf("%s: %v %d, want %v %d", tc.name, late, days, tc.late, tc.days)
		}
	}
}

func TestAtRiskOnIsNeverLate(t *testing.T) {
	deadline := dayPtr("2020-03-31")
	for _, tc := range []struct {
		name    string
		held    *domain.Day
		planned *domain.Day
		asOf    string
		want    bool
	}{
		{"planned after the deadline", nil, dayPtr("2020-04-03"), "2020-02-01", true},
		{"planned before the deadline", nil, dayPtr("2020-03-25"), "2020-03-30", false},
		{"no planned date, 14 days before", nil, nil, "2020-03-17", true},
		{"no planned date, 15 days before", nil, nil, "2020-03-16", false},
		{"held", dayPtr("2020-03-20"), nil, "2020-03-30", false},
		{"held later without a planned date: planned then, after the deadline", dayPtr("2020-04-03"), nil, "2020-02-01", true},
		{"held later without a planned date, on time", dayPtr("2020-03-25"), nil, "2020-03-20", false},
		{"past the deadline it is late, not at risk", nil, nil, "2020-04-01", false},
		{"planned after the deadline, past it: late, not at risk", nil, dayPtr("2020-04-03"), "2020-04-02", false},
	} {
		if got := AtRiskOn(deadline, tc.held, tc.planned, day(tc.asOf), 14); got != tc.want {
			t.Errorf("%s: at risk %v, want %v", tc.name, got, tc.want)
		}
	}
	if AtRiskOn(nil, nil, nil, day("2020-03-30"), 14) {
		t.Error("a congress without a deadline is at risk")
	}
}

func TestStatusOnADay(t *testing.T) {
	for _, tc := range []struct {
		name                         string
		now                          domain.CongressStatus
		held, approved, reported, on string
		want                         domain.CongressStatus
	}{
		{"held by the day", domain.StatusResultsReported, "2020-03-10", "2020-02-20", "2020-03-20", "2020-03-15", domain.StatusHeld},
		{"results reported by the day", domain.StatusResultsReported, "2020-03-10", "2020-02-20", "2020-03-20", "2020-03-20", domain.StatusResultsReported},
		{"held later, plan approved by the day", domain.StatusHeld, "2020-03-10", "2020-02-20", "", "2020-03-01", domain.StatusPlanApproved},
		{"held later, plan approved later", domain.StatusHeld, "2020-03-10", "2020-02-20", "", "2020-02-01", domain.StatusPreparing},
		{"not started stays so", domain.StatusNotStarted, "", "", "", "2020-02-01", domain.StatusNotStarted},
		{"preparing stays so", domain.StatusPreparing, "", "", "", "2020-02-01", domain.StatusPreparing},
	} {
		opt := func(s string) *domain.Day {
			if s == "" {
				return nil
			}
			return dayPtr(s)
		}
		if got := StatusOn(tc.now, opt(tc.held), opt(tc.approved), opt(tc.reported), day(tc.on)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// The oracle is for tests: a production package that used it would have
// a second home for the rules.
func TestOnlyTestsImportTheOracle(t *testing.T) {
	root := filepath.Join("..", "..")
	const self = `"github.com/daihoi/daihoi/internal/oracle"`
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".data" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == self {
				t.Errorf("%s imports the oracle", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
