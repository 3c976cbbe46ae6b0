package report

import "testing"

func TestNothingNewWhenNoCongressHeldAndNoFigureMoved(t *testing.T) {
	still := []Figure{{Key: FigureCells, Value: 5, Total: 10, Prev: 5, PrevTotal: 10}, {Key: FigureLate, Value: 2, Prev: 2}}
	for _, tc := range []struct {
		name string
		r    Weekly
		want bool
	}{
		{"figures still, nothing held", Weekly{Headline: still}, true},
		{"a congress held (a unit's own, figures still)", Weekly{Headline: still, HeldInWeekCount: 1}, false},
		{"one more late unit", Weekly{Headline: []Figure{{Key: FigureLate, Value: 3, Prev: 2}}}, false},
		{"a cell added to the tree", Weekly{Headline: []Figure{{Key: FigureCells, Value: 5, Total: 11, Prev: 5, PrevTotal: 10}}}, false},
	} {
		if got := tc.r.NothingNew(); got != tc.want {
			t.Errorf("%s: NothingNew = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestForecastVerdictInBothLanguages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      Forecast
		vi, en string
	}{
		{"all held", Forecast{Left: 0}, "Tất cả chi bộ đã tổ chức đại hội.", "Every cell has held its congress."},
		{"no pace", Forecast{Weeks: 4, Left: 7},
			"Trong 4 tuần qua không có chi bộ nào tổ chức đại hội: với nhịp độ này sẽ không hoàn thành (còn 7 chi bộ).",
			"No cell held its congress in the last 4 weeks: at this pace the round will not finish (7 cells left)."},
		{"on time", Forecast{Weeks: 4, PerWeek: 2.5, Left: 5, Done: fixDayPtr("2020-04-05"), Deadline: fixDayPtr("2020-04-30"), OnTime: true},
			"Với nhịp độ 2,5 chi bộ/tuần, dự kiến hoàn thành ngày 05/04/2020, trước thời hạn đại hội của đơn vị (30/04/2020).",
			"At 2.5 cells a week, all will have held by 05/04/2020, before the unit's own deadline of 30/04/2020."},
		{"on time for the unit, with units below past their own", Forecast{Weeks: 4, PerWeek: 21.5, Left: 90, Done: fixDayPtr("2020-05-26"),
			Deadline: fixDayPtr("2020-08-31"), OnTime: true, LateBelow: 69},
			"Với nhịp độ 21,5 chi bộ/tuần, dự kiến hoàn thành ngày 26/05/2020, trước thời hạn đại hội của đơn vị (31/08/2020); nhưng 69 đơn vị trực thuộc đã trễ thời hạn của mình.",
			"At 21.5 cells a week, all will have held by 26/05/2020, before the unit's own deadline of 31/08/2020; but 69 units below are already past their own deadlines."},
		{"late", Forecast{Weeks: 4, PerWeek: 2, Left: 7, Done: fixDayPtr("2020-04-16"), Deadline: fixDayPtr("2020-03-31")},
			"Với nhịp độ 2,0 chi bộ/tuần, dự kiến hoàn thành ngày 16/04/2020, SAU thời hạn đại hội của đơn vị (31/03/2020) 16 ngày.",
			"At 2.0 cells a week, all will have held by 16/04/2020, 16 days AFTER the unit's own deadline of 31/03/2020."},
	} {
		if got := tc.f.Verdict(); got.VI != tc.vi || got.EN != tc.en {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tc.name, got.VI, got.EN, tc.vi, tc.en)
		}
	}
}

// A pace is written with one decimal, its halves rounded up as the
// percentages' are, in both languages' decimal signs.
func TestAPaceRoundsItsHalvesUp(t *testing.T) {
	for _, tc := range []struct {
		rate   float64
		vi, en string
	}{
		{23.25, "23,3", "23.3"}, {26.75, "26,8", "26.8"}, {21.75, "21,8", "21.8"}, {2.5, "2,5", "2.5"}, {0, "0,0", "0.0"}, {1.04, "1,0", "1.0"},
	} {
		if vi, en := formatRate(tc.rate, ","), formatRate(tc.rate, "."); vi != tc.vi || en != tc.en {
			t.Errorf("%v: %q / %q, want %q / %q", tc.rate, vi, en, tc.vi, tc.en)
		}
	}
}
