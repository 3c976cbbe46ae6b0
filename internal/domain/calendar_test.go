package domain

import (
	"testing"
	"time"
)

func TestEventConflicts(t *testing.T) {
	day := func(s string) Day { d, _ := ParseDay(s); return d }
	at := func(s string) *ClockTime { c, _ := ParseClockTime(s); return &c }
	ev := func(key, d string, start *ClockTime, st EventStatus) CalendarEvent {
		return CalendarEvent{Key: key, Kind: EventCongress, UnitName: key, Day: day(d), Start: start, Status: st}
	}
	lan := func(keys ...string) []Presence {
		out := []Presence{}
		for _, k := range keys {
			out = append(out, Presence{Username: "lan", FullName: "Nguyễn Thị Lan", EventKey: k, Why: "attend"})
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		events    []CalendarEvent
		presences []Presence
		want      [][2]string
	}{
		{"two congresses at 08:00 and 09:00 of one attendee overlap",
			[]CalendarEvent{ev("a", "20/03/2020", at("08:00"), EventPlanned), ev("b", "20/03/2020", at("09:00"), EventPlanned)},
			lan("a", "b"), [][2]string{{"a", "b"}}},
		{"a morning and an afternoon congress do not",
			[]CalendarEvent{ev("a", "20/03/2020", at("07:30"), EventPlanned), ev("b", "20/03/2020", at("13:30"), EventPlanned)},
			lan("a", "b"), nil},
		{"a congress without an opening time takes the whole day",
			[]CalendarEvent{ev("a", "20/03/2020", nil, EventPlanned), ev("b", "20/03/2020", at("19:00"), EventPlanned)},
			lan("a", "b"), [][2]string{{"a", "b"}}},
		{"different days never conflict",
			[]CalendarEvent{ev("a", "20/03/2020", nil, EventPlanned), ev("b", "21/03/2020", nil, EventPlanned)},
			lan("a", "b"), nil},
		{"a cancelled event does not conflict",
			[]CalendarEvent{ev("a", "20/03/2020", nil, EventPlanned), ev("b", "20/03/2020", nil, EventCancelled)},
			lan("a", "b"), nil},
		{"two people at one congress each is no conflict",
			[]CalendarEvent{ev("a", "20/03/2020", nil, EventPlanned), ev("b", "20/03/2020", nil, EventPlanned)},
			[]Presence{{Username: "lan", EventKey: "a"}, {Username: "hoa", EventKey: "b"}}, nil},
		{"a ward's congress in the morning takes its secretary's day: her cell's in the afternoon conflicts",
			[]CalendarEvent{ev("ward", "20/03/2020", at("08:00"), EventPlanned), ev("cell", "20/03/2020", at("14:00"), EventPlanned)},
			[]Presence{{Username: "hong", EventKey: "ward", Why: PresenceOwn}, {Username: "hong", EventKey: "cell", Why: PresenceBelow}},
			[][2]string{{"ward", "cell"}}},
		{"so does a congress she attends for a working group",
			[]CalendarEvent{ev("other", "20/03/2020", at("08:00"), EventPlanned), ev("cell", "20/03/2020", at("14:00"), EventPlanned)},
			[]Presence{{Username: "hong", EventKey: "other", Why: PresenceAttend}, {Username: "hong", EventKey: "cell", Why: PresenceBelow}},
			[][2]string{{"other", "cell"}}},
		{"two of her cells, morning and afternoon, do not",
			[]CalendarEvent{ev("c1", "20/03/2020", at("08:00"), EventPlanned), ev("c2", "20/03/2020", at("14:00"), EventPlanned)},
			[]Presence{{Username: "hong", EventKey: "c1", Why: PresenceBelow}, {Username: "hong", EventKey: "c2", Why: PresenceBelow}}, nil},
		{"three overlapping congresses make three pairs",
			[]CalendarEvent{ev("a", "20/03/2020", at("08:00"), EventPlanned), ev("b", "20/03/2020", at("08:30"), EventPlanned),
				ev("c", "20/03/2020", at("09:00"), EventPlanned)},
			lan("c", "b", "a", "a"), [][2]string{{"a", "b"}, {"a", "c"}, {"b", "c"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EventConflicts(tc.events, tc.presences)
			if len(got) != len(tc.want) {
				t.Fatalf("conflicts = %+v, want %v", got, tc.want)
			}
			marked := map[string]bool{}
			for i, c := range got {
				if c.A != tc.want[i][0] || c.B != tc.want[i][1] {
					t.Errorf("conflict %d = %s/%s, want %v", i, c.A, c.B, tc.want[i])
				}
				marked[c.A], marked[c.B] = true, true
			}
			for _, e := range tc.events {
				if e.Conflict != marked[e.Key] {
					t.Errorf("event %s marked %v, want %v", e.Key, e.Conflict, marked[e.Key])
				}
			}
		})
	}
}

func TestReadCalendarQuery(t *testing.T) {
	today := DayOf(time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct{ name, from, to, wantFrom, wantTo string }{
		{"nothing: this month", "", "", "2020-04-01", "2020-04-30"},
		{"a first day alone: to the end of its month", "2020-02-10", "", "2020-02-10", "2020-02-29"},
		{"a last day alone: from the start of its month", "", "01/02/2020", "2020-02-01", "2020-02-01"},
		{"both", "2020-03-30", "2020-04-02", "2020-03-30", "2020-04-02"},
	} {
		q, err := ReadCalendarQuery(tc.from, tc.to, "", today)
		if err != nil || q.From.String() != tc.wantFrom || q.To.String() != tc.wantTo {
			t.Errorf("%s: %v..%v, %v; want %s..%s", tc.name, q.From, q.To, err, tc.wantFrom, tc.wantTo)
		}
	}
	for _, bad := range [][3]string{{"2020-05-01", "2020-04-01", ""}, {"2020-01-01", "2021-12-31", ""}, {"", "", "party"}, {"31/02/2020", "", ""}} {
		if _, err := ReadCalendarQuery(bad[0], bad[1], bad[2], today); !IsCode(err, EInvalid) {
			t.Errorf("%v: err = %v, want invalid", bad, err)
		}
	}
}
