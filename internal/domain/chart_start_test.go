package domain

import "testing"

func TestChartStartsAWeekBeforeTheFirstCongressHeld(t *testing.T) {
	day := func(s string) Day {
		d, err := ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// series counts held from 2019-07-08 for n days, rising to 1 on rise
	// (empty: never).
	series := func(from string, n int, rise string, before int) []DayCount {
		out := make([]DayCount, n)
		for i := range out {
			d := day(from).AddDays(i)
			out[i] = DayCount{Day: d, Held: before}
			if rise != "" && !d.Before(day(rise)) {
				out[i].Held = before + 1
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		days []DayCount
		want string
	}{
		{"a week before the first congress held", series("08/07/2019", 300, "25/10/2019", 0), "18/10/2019"},
		{"the first day when the first congress is held in its first week", series("08/07/2019", 300, "10/07/2019", 0), "08/07/2019"},
		{"the first day when congresses were held before it", series("08/07/2019", 300, "25/10/2019", 4), "08/07/2019"},
		{"the last four weeks when nothing is held", series("08/07/2019", 300, "", 0), "04/04/2020"},
		{"the first day of a short quiet series", series("08/07/2019", 10, "", 0), "08/07/2019"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ChartStart(tc.days); got.VI() != tc.want {
				t.Errorf("ChartStart = %s, want %s", got.VI(), tc.want)
			}
		})
	}
	if got := ChartStart(nil); !got.Time.IsZero() {
		t.Errorf("ChartStart(nil) = %v, want the zero day", got)
	}
}
