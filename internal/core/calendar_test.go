package core_test

import (
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// planAt gives the congress of code a planned day, opening time and place, as the system.
func (f *fixture) planAt(code, day, at, place string) {
	f.t.Helper()
	if _, err := f.patchCongress(domain.SystemPrincipal(), code, domain.CongressPatch{PlannedDate: &day, PlannedTime: &at, Place: &place}); err != nil {
		f.t.Fatalf("plan %s: %v", code, err)
	}
}

// calendarFixture: Bạch Mai's congress planned 20/04/2020 08:00, its cell
// C1 at 09:00 the same day (its secretary bithu cannot be at both), C2 at
// 14:00; Đống Đa's X on 21/04; a session of the district on 22/04.
func calendarFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.createRound2020()
	f.planAt("HN.HBT.BM", "2020-04-20", "08:00", "Hội trường phường")
	f.planAt("HN.HBT.BM.C1", "2020-04-20", "09:00", "Nhà văn hoá tổ 1")
	f.planAt("HN.HBT.BM.C2", "2020-04-20", "14:00", "")
	f.planAt("HN.DD.X", "2020-04-21", "08:00", "")
	return f
}

func TestCalendarShowsCongressesAndSessionsOfTheScopeWithConflicts(t *testing.T) {
	f := calendarFixture(t)
	board := f.as("bantochuc")
	s, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: "Tập huấn nghiệp vụ đại hội",
		Day: "22/04/2020", StartTime: "08:00", Place: "Hội trường Quận ủy", Invited: []string{"HN.HBT.BM", "hn.hbt.vt", "HN.HBT.BM"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Invited) != 2 {
		t.Errorf("invited = %v, want BM and VT once each", s.Invited)
	}
	cal, err := f.svc.Calendar(f.ctx, board, "HN.HBT", core.CalendarInput{From: "2020-04-01", To: "30/04/2020"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range cal.Events {
		keys = append(keys, e.UnitCode+"/"+string(e.Kind)+"/"+domain.ShowClockTime(e.Start))
	}
	want := []string{"HN.HBT.BM/congress/08:00", "HN.HBT.BM.C1/congress/09:00", "HN.HBT.BM.C2/congress/14:00", "HN.HBT/session/08:00"}
	if len(keys) != len(want) {
		t.Fatalf("events = %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("event %d = %s, want %s", i, keys[i], want[i])
		}
	}
	t.Run("a ward's cells planned on the day of the ward's congress conflict for its secretary", func(t *testing.T) {
		if len(cal.Conflicts) != 2 {
			t.Fatalf("conflicts = %+v, want two", cal.Conflicts)
		}
		for i, want := range []string{"Chi bộ Tổ dân phố số 1, Đảng bộ phường Bạch Mai", "Chi bộ Tổ dân phố số 2, Đảng bộ phường Bạch Mai"} {
			c := cal.Conflicts[i]
			if c.Username != "bithu" || c.AName != "Đảng bộ phường Bạch Mai, Đảng bộ quận Hai Bà Trưng" || c.BName != want {
				t.Errorf("conflict %d = %+v", i, c)
			}
		}
		if !cal.Events[0].Conflict || !cal.Events[1].Conflict || !cal.Events[2].Conflict || cal.Events[3].Conflict {
			t.Errorf("conflict marks = %v %v %v %v, want the three congresses", cal.Events[0].Conflict, cal.Events[1].Conflict, cal.Events[2].Conflict, cal.Events[3].Conflict)
		}
	})
	t.Run("filtered by kind", func(t *testing.T) {
		cal, err := f.svc.Calendar(f.ctx, board, "HN.HBT", core.CalendarInput{From: "2020-04-01", To: "2020-04-30", Kind: "session"})
		if err != nil || len(cal.Events) != 1 || cal.Events[0].Kind != domain.EventSession || cal.Events[0].Invited != 2 {
			t.Errorf("sessions = %+v, %v", cal.Events, err)
		}
	})
	t.Run("a ward's calendar holds the district's session it is invited to", func(t *testing.T) {
		cal, err := f.svc.Calendar(f.ctx, f.as("bithu"), "HN.HBT.BM", core.CalendarInput{From: "2020-04-01", To: "2020-04-30"})
		if err != nil || len(cal.Events) != 4 || cal.MayPlanSessions {
			t.Errorf("ward calendar = %d events, may plan %v, %v; want 4 events, may not plan", len(cal.Events), cal.MayPlanSessions, err)
		}
	})
	t.Run("another district's calendar is not found", func(t *testing.T) {
		_, err := f.svc.Calendar(f.ctx, board, "HN.DD", core.CalendarInput{})
		wantCode(t, err, domain.ENotFound)
	})
	t.Run("a range backwards is refused", func(t *testing.T) {
		_, err := f.svc.Calendar(f.ctx, board, "HN.HBT", core.CalendarInput{From: "2020-05-01", To: "2020-04-01"})
		wantCode(t, err, domain.EInvalid)
	})
}

func TestTrainingSessionsAreWrittenByTheBoardAndAudited(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	in := domain.SessionInput{Title: "Tập huấn cấp ủy cơ sở", Day: "2020-03-05", StartTime: "14:00", Place: "Quận ủy", Invited: []string{"HN.HBT.BM"}}
	t.Run("a secretary may not", func(t *testing.T) {
		_, err := f.svc.CreateTrainingSession(f.ctx, f.as("bithu"), "HN.HBT.BM", in)
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("a unit outside the organizer's subtree cannot be invited", func(t *testing.T) {
		bad := in
		bad.Invited = []string{"HN.DD.X"}
		before := f.count("training_sessions")
		_, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", bad)
		wantCode(t, err, domain.EInvalid)
		if f.count("training_sessions") != before {
			t.Error("a refused session was written")
		}
	})
	t.Run("bad fields are refused each by name", func(t *testing.T) {
		_, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: " ", Day: "31/02/2020", StartTime: "26:00", Attended: intp(-1)})
		de := domain.AsError(err)
		if de == nil || len(de.Fields) != 4 {
			t.Fatalf("err = %v, want title, day, start_time and attended refused", err)
		}
	})
	s, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", in)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("attendance recorded, then cancelled; each change audited in a sentence", func(t *testing.T) {
		in2 := in
		in2.Attended, in2.Version = intp(42), s.Version
		s2, err := f.svc.UpdateTrainingSession(f.ctx, board, s.ID, in2)
		if err != nil || s2.Attended == nil || *s2.Attended != 42 || s2.Version != s.Version+1 {
			t.Fatalf("update = %+v, %v", s2, err)
		}
		_, err = f.svc.UpdateTrainingSession(f.ctx, board, s.ID, in2)
		wantCode(t, err, domain.EConflict)
		s3, err := f.svc.CancelTrainingSession(f.ctx, board, s.ID, s2.Version)
		if err != nil || !s3.Cancelled {
			t.Fatalf("cancel = %+v, %v", s3, err)
		}
		var got []string
		rows, err := f.svc.RoundAudit(f.ctx, board, "HN.HBT", 0, false, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rows {
			got = append(got, e.Summary.EN)
		}
		want := []string{`Training session "Tập huấn cấp ủy cơ sở" (14:00 05/03/2020) cancelled`,
			`Training session "Tập huấn cấp ủy cơ sở" (14:00 05/03/2020) updated: 42 attended`,
			`Training session "Tập huấn cấp ủy cơ sở" planned for 14:00 05/03/2020, 1 unit invited`}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("audit = %q, want %q", got, want)
		}
	})
}

func TestTwoOverlappingCongressesOfOneAttendeeAreAConflict(t *testing.T) {
	f, g1, _ := groupFixture(t)
	f.planAt("HN.HBT.BM.C1", "2020-04-20", "09:00", "")
	f.planAt("HN.HBT.QL", "2020-04-20", "10:30", "")
	f.planAt("HN.HBT.VT", "2020-04-20", "10:00", "")
	leader := f.as("totruong1")
	for _, code := range []string{"HN.HBT.BM.C1", "HN.HBT.QL"} {
		if _, err := f.svc.NameAttendee(f.ctx, leader, code, "thanhvien1"); err != nil {
			t.Fatalf("name the attendee of %s: %v", code, err)
		}
	}
	member := f.as("thanhvien1")
	cal, err := f.svc.GroupCalendar(f.ctx, member, g1.ID, core.CalendarInput{From: "2020-04-01", To: "2020-04-30"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the group's calendar holds only the units it follows", func(t *testing.T) {
		if len(cal.Events) != 2 || cal.Events[0].UnitCode != "HN.HBT.BM.C1" || cal.Events[1].UnitCode != "HN.HBT.QL" {
			t.Errorf("events = %+v, want BM.C1 and QL", cal.Events)
		}
	})
	t.Run("the attendee's two congresses overlap", func(t *testing.T) {
		var found bool
		for _, c := range cal.Conflicts {
			if c.Username == "thanhvien1" && c.AName == "Chi bộ Tổ dân phố số 1, Đảng bộ phường Bạch Mai" && c.BName == "Đảng bộ phường Quỳnh Lôi, Đảng bộ quận Hai Bà Trưng" {
				found = true
			}
		}
		if !found {
			t.Errorf("conflicts = %+v, want thanhvien1 at BM.C1 and QL", cal.Conflicts)
		}
	})
	t.Run("the district's calendar filtered by the group", func(t *testing.T) {
		cal, err := f.svc.Calendar(f.ctx, f.as("bantochuc"), "HN.HBT", core.CalendarInput{From: "2020-04-01", To: "2020-04-30",
			Group: strconv.FormatInt(g1.ID, 10)})
		if err != nil || len(cal.Events) != 2 {
			t.Errorf("events = %+v, %v; want the group's two", cal.Events, err)
		}
	})
	t.Run("a member of another group does not see this group's calendar", func(t *testing.T) {
		_, err := f.svc.GroupCalendar(f.ctx, f.as("thanhvien2"), g1.ID, core.CalendarInput{})
		wantCode(t, err, domain.ENotFound)
	})
}

func TestTheWeeklyReportHoldsTheSessionsOfItsWeek(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	for _, day := range []string{"2020-04-08", "2020-04-14"} { // weeks 2020-W15 and W16
		if _, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: "Tập huấn " + day, Day: day,
			Invited: []string{"HN.HBT.BM"}, Attended: intp(40)}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := f.svc.MakeWeeklyReport(f.ctx, domain.SystemPrincipal(), "HN.HBT", "2020-W15", false)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Report.Sessions
	if len(s) != 1 || s[0].Title != "Tập huấn 2020-04-08" || *s[0].Attended != 40 || len(s[0].Invited) != 1 {
		t.Errorf("sessions = %+v, want the one of 08/04/2020", s)
	}
}

// A calendar lists at most CalendarMax events. A range with more lists the
// first CalendarPerDay of each day and counts every day's; a day's own
// calendar lists its first CalendarMax; a file refuses either cut.
func TestACalendarWithTooManyEventsListsTheFirstOfEachDayAndCountsThemAll(t *testing.T) {
	f := fixtureWithOptions(t, testdb.New(t), domain.FixedClock(fixtureNow), core.Options{CalendarMax: 4, CalendarPerDay: 2})
	f.addTree()
	f.createRound2020()
	// 20/04: Bạch Mai's congress and its three cells' (its secretary bithu
	// is expected at all four), and Vĩnh Tuy's cell last; 21/04: Vĩnh Tuy.
	f.planAt("HN.HBT.BM", "2020-04-20", "08:00", "")
	f.planAt("HN.HBT.BM.C1", "2020-04-20", "09:00", "")
	f.planAt("HN.HBT.BM.C2", "2020-04-20", "14:00", "")
	f.planAt("HN.HBT.BM.C3", "2020-04-20", "19:00", "")
	f.planAt("HN.HBT.VT.C1", "2020-04-20", "20:00", "")
	f.planAt("HN.HBT.VT", "2020-04-21", "08:00", "")
	board := f.as("bantochuc")
	tests := []struct {
		name, unit, from, to string
		events               []string
		total, perDay        int
		dayTotals            map[string]int
		truncated            bool
		conflicts            int
	}{
		{"two days with more events than a calendar lists: the first two of each day", "HN.HBT", "2020-04-20", "2020-04-21",
			[]string{"HN.HBT.BM", "HN.HBT.BM.C1", "HN.HBT.VT"}, 6, 2, map[string]int{"2020-04-20": 5, "2020-04-21": 1}, false, 1},
		{"a month, its days too many for two each within the bound: the first of each day", "HN.HBT", "2020-04-01", "2020-04-30",
			[]string{"HN.HBT.BM", "HN.HBT.VT"}, 6, 1, map[string]int{"2020-04-20": 5, "2020-04-21": 1}, false, 0},
		{"a day with more events than a calendar lists: its first four", "HN.HBT", "2020-04-20", "2020-04-20",
			[]string{"HN.HBT.BM", "HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.BM.C3"}, 5, 0, map[string]int{"2020-04-20": 5}, true, 3},
		{"a month within the bound: all of it", "HN.HBT.BM", "2020-04-01", "2020-04-30",
			[]string{"HN.HBT.BM", "HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.BM.C3"}, 4, 0, map[string]int{"2020-04-20": 4}, false, 3},
		{"a month without events", "HN.HBT", "2020-06-01", "2020-06-30", nil, 0, 0, map[string]int{}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := core.CalendarInput{From: tt.from, To: tt.to}
			cal, err := f.svc.Calendar(f.ctx, board, tt.unit, in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range cal.Events {
				got = append(got, e.UnitCode)
			}
			if strings.Join(got, " ") != strings.Join(tt.events, " ") {
				t.Errorf("events %v, want %v", got, tt.events)
			}
			if cal.Total != tt.total || cal.PerDay != tt.perDay || cal.Truncated != tt.truncated || !maps.Equal(cal.DayTotals, tt.dayTotals) {
				t.Errorf("total %d, per day %d, truncated %v, day totals %v; want %d, %d, %v, %v",
					cal.Total, cal.PerDay, cal.Truncated, cal.DayTotals, tt.total, tt.perDay, tt.truncated, tt.dayTotals)
			}
			if len(cal.Conflicts) != tt.conflicts {
				t.Errorf("%d conflicts, want %d (among the events listed)", len(cal.Conflicts), tt.conflicts)
			}
			_, err = f.svc.CalendarFile(f.ctx, board, tt.unit, in)
			if tt.perDay > 0 || tt.truncated {
				wantField(t, err, "to")
			} else {
				wantCode(t, err, "")
			}
		})
	}
}

// Who attended a training session is recorded once it has taken place:
// on its day or after, not before (today is 15/04/2020).
func TestASessionsAttendanceIsRecordedOnceItTookPlace(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	for _, tc := range []struct {
		day      string
		attended *int
		want     domain.ErrorCode
	}{
		{"22/04/2020", intp(30), domain.EInvalid},
		{"22/04/2020", nil, ""},
		{"15/04/2020", intp(30), ""},
		{"05/03/2020", intp(30), ""},
	} {
		_, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: "Tập huấn", Day: tc.day, Attended: tc.attended})
		if wantCode(t, err, tc.want); tc.want != "" {
			wantField(t, err, "attended")
		}
	}
}

// A session a unit is invited to is the unit's too, as its calendar shows
// it: listed among its sessions and readable by id, though held above it;
// of the units invited, its readers see those they read and a count of
// the others; they may not change it. A unit not invited sees nothing.
func TestASessionIsSeenByTheUnitsInvited(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	board := f.as("bantochuc")
	s, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: "Tập huấn nghiệp vụ", Day: "22/04/2020",
		Invited: []string{"HN.HBT.BM", "HN.HBT.VT"}})
	if err != nil {
		t.Fatal(err)
	}
	f.user("xem.ql")
	if err := f.svc.Grant(f.ctx, domain.SystemPrincipal(), "xem.ql", "viewer", "HN.HBT.QL"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, unit string
		seen             bool
		invited          string
		others           int
		mayChange        bool
	}{
		{"the board that holds it", "bantochuc", "HN.HBT", true, "HN.HBT.BM HN.HBT.VT", 0, true},
		{"the secretary of a ward invited", "bithu", "HN.HBT.BM", true, "HN.HBT.BM", 1, false},
		{"a reader of a ward not invited", "xem.ql", "HN.HBT.QL", false, "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := f.as(tc.user)
			list, err := f.svc.TrainingSessions(f.ctx, p, tc.unit)
			wantCode(t, err, "")
			got, err := f.svc.TrainingSession(f.ctx, p, s.ID)
			if !tc.seen {
				wantCode(t, err, domain.ENotFound)
				if len(list) != 0 {
					t.Errorf("listed %+v", list)
				}
				return
			}
			wantCode(t, err, "")
			if len(list) != 1 || list[0].ID != s.ID {
				t.Fatalf("listed %+v", list)
			}
			for _, x := range []domain.TrainingSession{list[0], got} {
				var codes []string
				for _, u := range x.Invited {
					codes = append(codes, u.Code)
				}
				if strings.Join(codes, " ") != tc.invited || x.InvitedOthers != tc.others || x.InvitedCount() != 2 || x.MayChange != tc.mayChange {
					t.Errorf("invited %v and %d others (of %d), may change %v; want %s, %d, %v", codes, x.InvitedOthers, x.InvitedCount(), x.MayChange, tc.invited, tc.others, tc.mayChange)
				}
			}
		})
	}
}

// A session form sent twice, or by two clients at once, makes one session;
// the second is told it is there already.
func TestATrainingSessionSentTwiceIsMadeOnce(t *testing.T) {
	f := calendarFixture(t)
	f.db.SetMaxOpenConns(3)
	board := f.as("bantochuc")
	in := domain.SessionInput{Title: "Tập huấn nghiệp vụ đại hội", Day: "2020-04-24", StartTime: "08:00", Invited: []string{"HN.HBT.BM"}}
	before := f.count("training_sessions")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", in)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	made, told := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			made++
		case domain.ErrorCodeOf(err) == domain.EConflict && strings.Contains(err.Error(), "is there already"):
			told++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if made != 1 || told != 7 || f.count("training_sessions") != before+1 {
		t.Errorf("made %d, told %d, sessions %d (were %d); want one made, seven told", made, told, f.count("training_sessions"), before)
	}
	// The same form sent again with its invited units in another order is
	// the same session; another place, other units, another day or another
	// title is another session.
	again := in
	again.Invited = []string{"HN.HBT.BM", "HN.HBT.BM.C1"}
	if _, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", again); err != nil {
		t.Fatalf("other units invited: %v", err)
	}
	again.Invited = []string{"hn.hbt.bm.c1", "HN.HBT.BM"}
	if _, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", again); domain.ErrorCodeOf(err) != domain.EConflict {
		t.Errorf("the same units in another order: %v, want a conflict", err)
	}
	for name, other := range map[string]func(*domain.SessionInput){
		"another place": func(s *domain.SessionInput) { s.Place = "Hội trường phường Bạch Mai" },
		"another day":   func(s *domain.SessionInput) { s.Day = "2020-04-25" },
		"another title": func(s *domain.SessionInput) { s.Title = "Tập huấn công tác nhân sự" },
	} {
		s := in
		other(&s)
		if _, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", s); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
