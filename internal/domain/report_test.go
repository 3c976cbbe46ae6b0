package domain

import (
	"testing"
	"time"
)

func day(s string) Day {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return DayOf(t)
}

func dayPtr(s string) *Day { d := day(s); return &d }

func TestMailBackoffGrowsFourfoldUpToSixHours(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{
		{1, time.Minute}, {2, 4 * time.Minute}, {3, 16 * time.Minute}, {4, 64 * time.Minute},
		{5, 256 * time.Minute}, {6, 6 * time.Hour}, {20, 6 * time.Hour},
	} {
		if got := MailBackoff(tc.attempts); got != tc.want {
			t.Errorf("after %d failed attempts: wait %v, want %v", tc.attempts, got, tc.want)
		}
	}
}

func TestReportableWeekHasEndedAndIsInTheRound(t *testing.T) {
	start := day("2019-07-08")
	for _, tc := range []struct {
		name, week, today string
		ok                bool
	}{
		{"the week just ended, on Monday", "2020-W15", "2020-04-13", true},
		{"a week long past", "2020-W01", "2020-04-13", true},
		{"the week under way (its Sunday)", "2020-W15", "2020-04-12", false},
		{"a week to come", "2020-W20", "2020-04-13", false},
		{"the round's first week", "2019-W28", "2020-04-13", true},
		{"a week before the round", "2019-W27", "2020-04-13", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := ParseWeek(tc.week)
			if err != nil {
				t.Fatal(err)
			}
			err = ReportableWeek(w, day(tc.today), start)
			if (err == nil) != tc.ok {
				t.Fatalf("ReportableWeek(%s) on %s = %v, want ok %v", tc.week, tc.today, err, tc.ok)
			}
			if err != nil && (!IsCode(err, EInvalid) || AsError(err).Fields[0].Message.EN == "") {
				t.Errorf("refusal %v, want invalid week in both languages", err)
			}
		})
	}
}

func TestNothingNewWhenNoCongressHeldAndNoFigureMoved(t *testing.T) {
	still := []ReportFigure{{Key: FigureCells, Value: 5, Total: 10, Prev: 5, PrevTotal: 10}, {Key: FigureLate, Value: 2, Prev: 2}}
	for _, tc := range []struct {
		name string
		r    WeeklyReport
		want bool
	}{
		{"figures still, nothing held", WeeklyReport{Headline: still}, true},
		{"a congress held (a unit's own, figures still)", WeeklyReport{Headline: still, HeldInWeekCount: 1}, false},
		{"one more late unit", WeeklyReport{Headline: []ReportFigure{{Key: FigureLate, Value: 3, Prev: 2}}}, false},
		{"a cell added to the tree", WeeklyReport{Headline: []ReportFigure{{Key: FigureCells, Value: 5, Total: 11, Prev: 5, PrevTotal: 10}}}, false},
	} {
		if got := tc.r.NothingNew(); got != tc.want {
			t.Errorf("%s: NothingNew = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestForecastVerdictInBothLanguages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      ReportForecast
		vi, en string
	}{
		{"all held", ReportForecast{Left: 0}, "Tất cả chi bộ đã tổ chức đại hội.", "Every cell has held its congress."},
		{"no pace", ReportForecast{Weeks: 4, Left: 7},
			"Trong 4 tuần qua không có chi bộ nào tổ chức đại hội: với nhịp độ này sẽ không hoàn thành (còn 7 chi bộ).",
			"No cell held its congress in the last 4 weeks: at this pace the round will not finish (7 cells left)."},
		{"on time", ReportForecast{Weeks: 4, PerWeek: 2.5, Left: 5, Done: dayPtr("2020-04-05"), Deadline: dayPtr("2020-04-30"), OnTime: true},
			"Với nhịp độ 2,5 chi bộ/tuần, dự kiến hoàn thành ngày 05/04/2020, trước thời hạn 30/04/2020.",
			"At 2.5 cells a week, all will have held by 2020-04-05, before the deadline of 2020-04-30."},
		{"late", ReportForecast{Weeks: 4, PerWeek: 2, Left: 7, Done: dayPtr("2020-04-16"), Deadline: dayPtr("2020-03-31")},
			"Với nhịp độ 2,0 chi bộ/tuần, dự kiến hoàn thành ngày 16/04/2020, SAU thời hạn 31/03/2020 16 ngày.",
			"At 2.0 cells a week, all will have held by 2020-04-16, 16 days AFTER the deadline of 2020-03-31."},
	} {
		if got := tc.f.Verdict(); got.VI != tc.vi || got.EN != tc.en {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tc.name, got.VI, got.EN, tc.vi, tc.en)
		}
	}
}
