package domain

import "testing"

func TestAComparisonMeetsItsTarget(t *testing.T) {
	for _, tc := range []struct {
		c              Comparison
		count, members int
		percent        float64
		want           bool
	}{
		{AtLeast, 3, 20, 15, true},   // 15,00%
		{AtLeast, 2, 20, 15, false},  // 10,00%
		{AtLeast, 1, 7, 14.29, true}, // 14,29% exactly as rounded
		{AtLeast, 1, 7, 14.3, false},
		{AtMost, 1, 10, 10, true},
		{AtMost, 2, 10, 10, false},
		{About, 3, 25, 10, true},  // 12,00%: two points above
		{About, 1, 25, 10, false}, // 4,00%
		{About, 2, 25, 10, true},  // 8,00%
		{AtLeast, 0, 0, 0, false}, // no member: nothing to meet
	} {
		if got := tc.c.Meets(tc.count, tc.members, tc.percent); got != tc.want {
			t.Errorf("%d of %d %s %v%% = %v, want %v", tc.count, tc.members, tc.c, tc.percent, got, tc.want)
		}
	}
}

func TestATargetOrPlanPercentageIsAPercentage(t *testing.T) {
	for p, ok := range map[float64]bool{0: true, 15: true, 52.5: true, 33.33: true, 100: true, -1: false, 100.01: false, 12.345: false} {
		var v Validation
		checkPercent(&v, "percent", p)
		if v.OK() != ok {
			t.Errorf("%v: ok %v, want %v", p, v.OK(), ok)
		}
	}
	if got := PercentText(52.5, "vi"); got != "52,5%" {
		t.Errorf("PercentText = %q", got)
	}
}
