package domain

import (
	"testing"
	"time"
)

func TestWeeksAreISOWeeksFromMondayToSunday(t *testing.T) {
	tests := []struct{ week, monday, sunday string }{
		{"2020-W14", "2020-03-30", "2020-04-05"},
		{"2020-W01", "2019-12-30", "2020-01-05"},
		{"2020-W53", "2020-12-28", "2021-01-03"},
		{"2021-W01", "2021-01-04", "2021-01-10"},
	}
	for _, tt := range tests {
		w, err := ParseWeek(tt.week)
		if err != nil {
			t.Fatalf("%s: %v", tt.week, err)
		}
		if w.Monday().String() != tt.monday || w.Sunday().String() != tt.sunday || w.String() != tt.week {
			t.Errorf("%s: %s–%s, want %s–%s", tt.week, w.Monday(), w.Sunday(), tt.monday, tt.sunday)
		}
		if WeekOf(w.Sunday()) != w || WeekOf(w.Monday()) != w {
			t.Errorf("%s: its days are not in it", tt.week)
		}
	}
	for _, bad := range []string{"2020-14", "2020-W00", "2021-W53", "2020-W54", "W14"} {
		if _, err := ParseWeek(bad); !IsCode(err, EInvalid) {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}

func TestTheReportCoversTheWeekJustEnded(t *testing.T) {
	monday := FixedClock(time.Date(2020, 4, 6, 7, 0, 0, 0, Location))
	if w := LastFullWeek(monday); w.String() != "2020-W14" {
		t.Errorf("on Monday 6 April 2020: %s, want 2020-W14", w)
	}
	if w := (Week{2020, 1}).Prev(); w.String() != "2019-W52" {
		t.Errorf("the week before 2020-W01: %s", w)
	}
}

func TestForecastAtThePaceOfTheLastWeeks(t *testing.T) {
	day := func(s string) Day { d, _ := ParseDate(s); return DayOf(d) }
	deadline := day("2020-03-31")
	tests := []struct {
		name       string
		held       []int
		total      int
		wantDone   string
		wantPace   float64
		wantOnTime bool
		wantLate   bool
		asOf       string
	}{
		{"10 a week, 30 left: three weeks", []int{40, 50, 60, 70}, 100, "2020-03-29", 10, true, false, ""},
		{"5 a week, 30 left: six weeks, late", []int{55, 60, 65, 70}, 100, "2020-04-19", 5, false, true, ""},
		{"all held", []int{90, 100}, 100, "2020-03-08", 10, true, false, ""},
		{"no pace before the deadline: cannot tell, not late", []int{70, 70, 70}, 100, "", 0, false, false, ""},
		{"one cell left, planned, no pace: cannot tell, not late", []int{0, 0, 0}, 1, "", 0, false, false, ""},
		{"no pace on the deadline itself: not late yet", []int{70, 70, 70}, 100, "", 0, false, false, "2020-03-31"},
		{"no pace after the deadline, cells left: late", []int{70, 70, 70}, 100, "", 0, false, true, "2020-04-01"},
		{"all held after the deadline: nothing left to be late", []int{90, 100}, 100, "2020-04-05", 10, false, false, "2020-04-05"},
	}
	for _, tt := range tests {
		asOf := day("2020-03-08")
		if tt.asOf != "" {
			asOf = day(tt.asOf)
		}
		f := ForecastDone(tt.held, tt.total, asOf, &deadline)
		got := ""
		if f.Done != nil {
			got = f.Done.String()
		}
		if got != tt.wantDone || f.PerWeek != tt.wantPace || f.OnTime != tt.wantOnTime || f.Late != tt.wantLate {
			t.Errorf("%s: done %q, %v/week, on time %v, late %v; want %q, %v, %v, %v", tt.name, got, f.PerWeek, f.OnTime, f.Late,
				tt.wantDone, tt.wantPace, tt.wantOnTime, tt.wantLate)
		}
	}
	if f := ForecastDone([]int{0, 0}, 3, day("2020-05-01"), nil); f.Late {
		t.Error("a unit without a deadline is projected late")
	}
}

func TestAWeekIsLabelledNumberSlashYear(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"2020-W15", "15/2020"},
		{"2020-W01", "1/2020"},
		{"2020-W54", "2020-W54"}, // no such week: left as written
	} {
		if got := WeekLabel(tc.code); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.code, got, tc.want)
		}
	}
}
