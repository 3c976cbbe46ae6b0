package core_test

import "testing"

// The summary of "my units" counts the units below a user's own apart,
// the figure the own unit's progress shows: a ward secretary reads her
// cells as the board's table reads them, her ward's own congress aside.
func TestMyUnitsCountTheUnitsBelowAsTheProgressDoes(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	f.holdCongress("HN.HBT.BM.C2", "2020-03-05")
	f.holdCongress("HN.HBT.DK", "2020-03-15")
	for _, tc := range []struct {
		user, unit       string
		total, held      int
		below, belowHeld int
	}{
		// the ward and its three cells, two held
		{"bithu", "HN.HBT.BM", 4, 2, 3, 2},
		// the district and its five grassroots units, one held
		{"bantochuc", "HN.HBT", 6, 1, 5, 1},
	} {
		t.Run(tc.user, func(t *testing.T) {
			p := f.as(tc.user)
			mine, err := f.svc.MyUnits(f.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			s := mine.Summary
			if s.Total != tc.total || s.Held != tc.held || s.Below != tc.below || s.BelowHeld != tc.belowHeld {
				t.Errorf("summary %+v, want total %d, held %d, below %d, below held %d", s, tc.total, tc.held, tc.below, tc.belowHeld)
			}
			pr, err := f.svc.Progress(f.ctx, p, tc.unit, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			below := pr.Cells
			if tc.unit == "HN.HBT" {
				below = pr.Grassroots
			}
			if below.Held != s.BelowHeld || below.Total != s.Below {
				t.Errorf("progress of %s reads %d/%d, my units %d/%d", tc.unit, below.Held, below.Total, s.BelowHeld, s.Below)
			}
		})
	}
}
