package domain

import (
	"testing"
	"time"
)

func TestSharesAreRoundedHalfUpToTwoDecimals(t *testing.T) {
	cases := []struct {
		held, total int
		percent     float64
		vi, en      string
	}{
		{9, 13, 69.23, "69,23%", "69.23%"},
		{35, 39, 89.74, "89,74%", "89.74%"},
		{1, 3, 33.33, "33,33%", "33.33%"},
		{2, 3, 66.67, "66,67%", "66.67%"},
		{1, 8, 12.5, "12,50%", "12.50%"},
		{1, 20000, 0.01, "0,01%", "0.01%"}, // 0.005 rounds up
		{1, 40000, 0, "0,00%", "0.00%"},
		{13, 13, 100, "100,00%", "100.00%"},
		{0, 0, 0, "–", "–"},
	}
	for _, tc := range cases {
		s := NewShare(tc.held, tc.total)
		if s.Percent != tc.percent || s.Text != tc.vi || s.In("en") != tc.en || s.In("vi") != tc.vi {
			t.Errorf("%d/%d = %v %q %q, want %v %q %q", tc.held, tc.total, s.Percent, s.Text, s.In("en"), tc.percent, tc.vi, tc.en)
		}
		s.Localize("en-US")
		if s.Text != tc.en {
			t.Errorf("%d/%d localized to %q, want %q", tc.held, tc.total, s.Text, tc.en)
		}
	}
}

func TestCountsByKindSplitsCellsFromGrassroots(t *testing.T) {
	rules := NewKindRules([]UnitKind{
		{Code: "district", SortOrder: 20},
		{Code: "grassroots_committee", IsGrassroots: true, SortOrder: 30},
		{Code: "grassroots_cell", IsCell: true, IsGrassroots: true, SortOrder: 40},
		{Code: "cell", IsCell: true, SortOrder: 60},
	})
	k := CountsByKind(rules, []KindCount{
		{Kind: "cell", Total: 13, Held: 9, Late: 4, AtRisk: 2},
		{Kind: "grassroots_cell", Total: 1, Held: 1},
		{Kind: "grassroots_committee", Total: 3, Held: 0, Late: 1, AtRisk: 1},
	})
	kinds, cells, grassroots, late := k.Kinds, k.Cells, k.Grassroots, k.Late
	if cells.Held != 9 || cells.Total != 13 {
		t.Errorf("cells = %+v, want only the cells that are not grassroots organizations", cells)
	}
	if grassroots.Held != 1 || grassroots.Total != 4 {
		t.Errorf("grassroots = %+v, want committees and grassroots cells", grassroots)
	}
	if late != 5 || k.AtRisk != 3 || len(kinds) != 3 || kinds[0].Kind != "grassroots_committee" || kinds[2].Kind != "cell" {
		t.Errorf("late %d, at risk %d, kinds %+v", late, k.AtRisk, kinds)
	}
}

func TestParseFlagQuery(t *testing.T) {
	q, err := ParseFlagQuery("", "", "", "", "")
	if err != nil || q.State != FlagOpen || !q.Subtree || q.Limit != DefaultFlagPage || q.Offset != 0 || q.Kind != "" {
		t.Errorf("defaults = %+v %v", q, err)
	}
	q, err = ParseFlagQuery("resolved", "false", "at_risk", "10", "20")
	if err != nil || q.State != FlagResolved || q.Subtree || q.Kind != FlagAtRisk || q.Limit != 10 || q.Offset != 20 {
		t.Errorf("given = %+v %v", q, err)
	}
	_, err = ParseFlagQuery("closed", "maybe", "slow", "0", "-1")
	e := AsError(err)
	if e == nil || len(e.Fields) != 5 {
		t.Fatalf("err = %v, want the 5 fields refused", err)
	}
	for _, f := range e.Fields {
		if f.Message.VI == "" || f.Message.EN == "" {
			t.Errorf("%s: %+v", f.Field, f.Message)
		}
	}
}

func TestFlagDaysOverdue(t *testing.T) {
	day := func(s string) *Day { d, _ := ParseDate(s); return DayPtr(d) }
	resolved := time.Date(2020, 4, 5, 10, 0, 0, 0, Location)
	cases := []struct {
		name string
		f    Flag
		want int
	}{
		{"open, late since 31/03", Flag{Kind: FlagLate, DueDate: day("2020-03-31")}, 10},
		{"resolved on 05/04", Flag{Kind: FlagLate, DueDate: day("2020-03-31"), ResolvedAt: &resolved}, 5},
		{"at risk before the deadline", Flag{Kind: FlagAtRisk, Detail: AtRiskNoPlannedDate, DueDate: day("2020-04-20")}, -10},
	}
	for _, tc := range cases {
		tc.f.Fill(*day("2020-04-10"))
		if tc.f.DaysOverdue != tc.want || tc.f.KindName.EN == "" || tc.f.DetailText.VI == "" {
			t.Errorf("%s: %d days, %+v, want %d", tc.name, tc.f.DaysOverdue, tc.f.DetailText, tc.want)
		}
	}
}

func TestJobCountsScan(t *testing.T) {
	var c JobCounts
	if err := c.Scan([]byte(`{"opened": 4, "resolved": 1}`)); err != nil || c["opened"] != 4 || c["resolved"] != 1 {
		t.Errorf("scan = %v %v", c, err)
	}
	if v, err := (JobCounts(nil)).Value(); v != "{}" || err != nil {
		t.Errorf("nil counts = %v %v", v, err)
	}
}
