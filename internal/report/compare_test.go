package report

import (
	"reflect"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// weekBefore is the fixture a week earlier (2020-W13): 6 of 12 cells held,
// Bạch Đằng at 4 of 7, a ward Phố Huế since merged, and no Đồng Nhân yet.
func weekBefore() Weekly {
	r := fixture()
	r.Week, r.From, r.To = "2020-W13", fixDay("2020-03-23"), fixDay("2020-03-29")
	r.Headline = []Figure{
		{Key: FigureCells, Name: FigureName(FigureCells), Value: 6, Total: 12},
		{Key: FigureLate, Name: FigureName(FigureLate), Value: 0},
	}
	phoHue := domain.UnitRef{Code: "HN.HBT.PH", Name: "Phường Phố Huế", Kind: "ward"}
	r.Units = []Unit{
		{UnitRef: bachDang, Held: 4, Total: 7},
		{UnitRef: phoHue, Held: 2, Total: 5},
	}
	r.HeldInWeekCount, r.AtRiskCount = 3, 0
	r.Forecast = Forecast{Left: 0}
	return r
}

func TestCompareTwoWeeks(t *testing.T) {
	earlier, later := weekBefore(), fixture()
	for _, tc := range []struct {
		name string
		a, b Weekly
	}{
		{"given in order", earlier, later},
		{"given the later first", later, earlier},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Compare(tc.a, tc.b)
			if c.A.Week != "2020-W13" || c.B.Week != "2020-W14" || c.Unit.Code != "HN.HBT" {
				t.Fatalf("compared %s: %s and %s, want HN.HBT: the earlier 2020-W13 as A", c.Unit.Code, c.A.Week, c.B.Week)
			}
			if c.A.HeldInWeek != 3 || c.B.HeldInWeek != 2 || c.B.AtRisk != 1 || c.A.Verdict != earlier.Forecast.Verdict() {
				t.Errorf("sides = %+v / %+v", c.A, c.B)
			}
			wantHeadline := []FigureChange{
				{Key: FigureCells, Name: FigureName(FigureCells), A: Count{6, 12}, B: Count{9, 13}, Change: 3},
				{Key: FigureGrassroots, Name: FigureName(FigureGrassroots), A: Count{}, B: Count{1, 2}, Change: 1},
				{Key: FigurePilots, Name: FigureName(FigurePilots), A: Count{}, B: Count{1, 1}, Change: 1},
				{Key: FigureLate, Name: FigureName(FigureLate), A: Count{}, B: Count{1, 0}, Change: 1},
			}
			if !reflect.DeepEqual(c.Headline, wantHeadline) {
				t.Errorf("headline =\n%+v\nwant\n%+v", c.Headline, wantHeadline)
			}
			wantUnits := []UnitChange{
				{UnitRef: bachDang, A: &Count{4, 7}, B: &Count{6, 7}, Change: 2},
				{UnitRef: dongNhan, B: &Count{3, 6}, OnlyIn: "2020-W14"},
				{UnitRef: domain.UnitRef{Code: "HN.HBT.PH", Name: "Phường Phố Huế", Kind: "ward"}, A: &Count{2, 5}, OnlyIn: "2020-W13"},
			}
			if !reflect.DeepEqual(c.Units, wantUnits) {
				t.Errorf("units =\n%+v\nwant\n%+v", c.Units, wantUnits)
			}
		})
	}
}

func TestTheComparisonWrittenOutInEachLanguage(t *testing.T) {
	c := Compare(weekBefore(), fixture())
	for _, tc := range []struct {
		lang, cellsA, cellsB, late string
	}{
		{"vi", "6 / 12 (50,00%)", "9 / 13 (69,23%)", "Đơn vị trễ hạn"},
		{"en", "6 / 12 (50.00%)", "9 / 13 (69.23%)", "Late units"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			v := NewCompareView(c, tc.lang)
			if got := v.Headline[0]; got.A != tc.cellsA || got.B != tc.cellsB || got.Diff != "+3" {
				t.Errorf("cells = %+v, want %s → %s, +3", got, tc.cellsA, tc.cellsB)
			}
			if got := v.Headline[3]; got.Name != tc.late || got.A != "0" || got.B != "1" {
				t.Errorf("late units = %+v, want plain counts 0 → 1", got)
			}
			if u := v.Units[1]; u.A != "" || u.Diff != "" || u.OnlyIn != "2020-W14" {
				t.Errorf("a unit only in the later week = %+v", u)
			}
			if v.AFrom != "23/03/2020" || v.BTo != "05/04/2020" {
				t.Errorf("weeks %s…%s", v.AFrom, v.BTo)
			}
		})
	}
}
