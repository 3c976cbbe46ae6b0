package core_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

func TestCongressPlanStartTimeAndPlace(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sec := f.as("bithu")
	t.Run("a secretary sets the day, the opening time and the place", func(t *testing.T) {
		c, err := f.patchCongress(sec, "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("20/04/2020"),
			PlannedTime: strp("8h30"), Place: strp("  Hội trường   UBND phường ")})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := domain.ShowClockTime(c.PlannedTime), "08:30"; got != want {
			t.Errorf("planned time = %q, want %q", got, want)
		}
		if got, want := c.Place, "Hội trường UBND phường"; got != want {
			t.Errorf("place = %q, want %q", got, want)
		}
	})
	t.Run("an absent field stays, an empty one clears", func(t *testing.T) {
		c, err := f.patchCongress(sec, "HN.HBT.BM.C1", domain.CongressPatch{Place: strp("")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Place != "" || domain.ShowClockTime(c.PlannedTime) != "08:30" {
			t.Errorf("got time %q place %q, want 08:30 and no place", domain.ShowClockTime(c.PlannedTime), c.Place)
		}
	})
	t.Run("the change is audited in a sentence", func(t *testing.T) {
		var row struct{ Before, After []byte }
		if err := f.db.Get(&row, `SELECT before, after FROM audit_log WHERE action = 'congress.update' ORDER BY id LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		e := domain.AuditEntry{Action: "congress.update", Before: row.Before, After: row.After}
		if got := e.Describe(domain.AuditNames{}).EN; got != "Congress updated: planned for 20/04/2020; opening at 08:30; place Hội trường UBND phường" {
			t.Errorf("audit sentence = %q", got)
		}
	})
	t.Run("a time that is not one is refused and nothing is written", func(t *testing.T) {
		for _, bad := range []string{"25:00", "8", "08:5", "abc"} {
			before := f.roundDigest()
			_, err := f.patchCongress(sec, "HN.HBT.BM.C1", domain.CongressPatch{PlannedTime: strp(bad)})
			if de := domain.AsError(err); de == nil || de.Code != domain.EInvalid || de.Fields[0].Field != "planned_time" {
				t.Errorf("time %q: err = %v, want invalid planned_time", bad, err)
			}
			if f.roundDigest() != before {
				t.Errorf("time %q: something was written", bad)
			}
		}
	})
}
