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
