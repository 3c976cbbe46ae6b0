package core_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/daihoi/daihoi/internal/domain"
)

// pythonICalendar parses feed with Debian's python3-icalendar, a parser
// independent of the one that wrote it, and returns its events as
// UID → "SUMMARY|DTSTART|TZID|SEQUENCE|STATUS".
const pythonICalendar = `
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = {}
for ev in cal.walk('VEVENT'):
    start = ev.get('DTSTART')
    tz = start.params.get('TZID', '') if start is not None else ''
    out[str(ev.get('UID'))] = '|'.join([str(ev.get('SUMMARY')), start.dt.isoformat(), tz, str(ev.get('SEQUENCE')), str(ev.get('STATUS'))])
print(json.dumps({'tz': [str(t.get('TZID')) for t in cal.walk('VTIMEZONE')], 'events': out}))
`

func parseWithPython(t *testing.T, feed []byte) (tz []string, events map[string]string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", "-c", pythonICalendar)
	cmd.Stdin = bytes.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3-icalendar (Debian package python3-icalendar) could not parse the feed: %v\n%s", err, stderr.String())
	}
	var got struct {
		TZ     []string          `json:"tz"`
		Events map[string]string `json:"events"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	return got.TZ, got.Events
}

func TestCalendarFeed(t *testing.T) {
	f := calendarFixture(t)
	board := f.as("bantochuc")
	s, err := f.svc.CreateTrainingSession(f.ctx, board, "HN.HBT", domain.SessionInput{Title: "Tập huấn cấp ủy", Day: "2020-04-22", Invited: []string{"HN.HBT.BM"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CancelTrainingSession(f.ctx, board, s.ID, s.Version); err != nil {
		t.Fatal(err)
	}
	tok, err := f.svc.CreateCalendarFeed(f.ctx, f.as("bithu"))
	if err != nil {
		t.Fatal(err)
	}
	feed, err := f.svc.CalendarFeed(f.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	bm := f.congressNow("HN.HBT.BM")
	bmUID := "congress-" + itoa(bm.RoundID) + "-" + itoa(bm.UnitID) + "@daihoi"
	t.Run("golang-ical reads back the secretary's events", func(t *testing.T) {
		cal, err := ics.ParseCalendar(bytes.NewReader(feed))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			got[e.Id()] = e
		}
		// Bạch Mai and its cells C1, C2, and the district's session inviting it; not Đống Đa.
		if len(got) != 4 {
			t.Fatalf("events = %v, want 4", keysOf(got))
		}
		e := got[bmUID]
		if e == nil {
			t.Fatalf("no event %s in %v", bmUID, keysOf(got))
		}
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(mustTime(t, "2020-04-20T08:00:00+07:00")) {
			t.Errorf("start = %v, %v; want 08:00 in Hà Nội", start, err)
		}
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["TZID"][0] != "Asia/Ho_Chi_Minh" {
			t.Errorf("DTSTART %+v, want TZID Asia/Ho_Chi_Minh", p)
		}
		if p := e.GetProperty(ics.ComponentPropertyLocation); p == nil || p.Value != "Hội trường phường" {
			t.Errorf("LOCATION = %+v", p)
		}
		if n := len(cal.Timezones()); n != 1 {
			t.Errorf("VTIMEZONE = %d, want 1", n)
		}
	})
	t.Run("python3-icalendar reads it the same, the cancelled session cancelled", func(t *testing.T) {
		tz, events := parseWithPython(t, feed)
		if len(tz) != 1 || tz[0] != "Asia/Ho_Chi_Minh" {
			t.Errorf("timezones = %v", tz)
		}
		if got, want := events[bmUID], "Đại hội: Đảng bộ phường Bạch Mai, Đảng bộ quận Hai Bà Trưng|2020-04-20T08:00:00+07:00|Asia/Ho_Chi_Minh|"+itoa(int64(bm.Version))+"|CONFIRMED"; got != want {
			t.Errorf("Bạch Mai = %q, want %q", got, want)
		}
		if got, want := events["session-"+itoa(s.ID)+"@daihoi"], "Tập huấn: Tập huấn cấp ủy (Đảng bộ quận Hai Bà Trưng)|2020-04-22||2|CANCELLED"; got != want {
			t.Errorf("session = %q, want %q", got, want)
		}
	})
	t.Run("a change raises the event's SEQUENCE under the same UID", func(t *testing.T) {
		f.planAt("HN.HBT.BM", "2020-04-20", "07:30", "Hội trường phường")
		feed2, err := f.svc.CalendarFeed(f.ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		_, events := parseWithPython(t, feed2)
		if got, want := events[bmUID], "Đại hội: Đảng bộ phường Bạch Mai, Đảng bộ quận Hai Bà Trưng|2020-04-20T07:30:00+07:00|Asia/Ho_Chi_Minh|"+itoa(int64(bm.Version+1))+"|CONFIRMED"; got != want {
			t.Errorf("Bạch Mai = %q, want %q", got, want)
		}
	})
	t.Run("a plan whose day is cleared is announced cancelled on that day", func(t *testing.T) {
		c2 := f.congressNow("HN.HBT.BM.C2")
		if _, err := f.patchCongress(domain.SystemPrincipal(), "HN.HBT.BM.C2", domain.CongressPatch{PlannedDate: strp("")}); err != nil {
			t.Fatal(err)
		}
		feed3, err := f.svc.CalendarFeed(f.ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		_, events := parseWithPython(t, feed3)
		uid := "congress-" + itoa(c2.RoundID) + "-" + itoa(c2.UnitID) + "@daihoi"
		if got, want := events[uid], "Đại hội: Chi bộ Tổ dân phố số 2, Đảng bộ phường Bạch Mai|2020-04-20T14:00:00+07:00|Asia/Ho_Chi_Minh|"+itoa(int64(c2.Version+1))+"|CANCELLED"; got != want {
			t.Errorf("C2 = %q, want %q", got, want)
		}
	})
	t.Run("a new password or a lock revokes the feed for good", func(t *testing.T) {
		for _, step := range []struct {
			name string
			do   func() error
		}{
			{"new password", func() error { return f.svc.SetPassword(f.ctx, domain.SystemPrincipal(), "bithu", fixturePassword) }},
			{"lock", func() error { return f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "bithu", false) }},
		} {
			tok, err := f.svc.CreateCalendarFeed(f.ctx, f.as("bithu"))
			if err != nil {
				t.Fatal(err)
			}
			if err := step.do(); err != nil {
				t.Fatal(err)
			}
			if step.name == "lock" {
				if err := f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "bithu", true); err != nil {
					t.Fatal(err)
				}
			}
			_, err = f.svc.CalendarFeed(f.ctx, tok)
			if domain.ErrorCodeOf(err) != domain.ENotFound {
				t.Errorf("after %s, the old feed: %v; want not found", step.name, err)
			}
		}
	})
	t.Run("a revoked feed is not found, and so is a made-up one", func(t *testing.T) {
		if err := f.svc.RevokeCalendarFeed(f.ctx, f.as("bithu")); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.CalendarFeed(f.ctx, tok)
		wantCode(t, err, domain.ENotFound)
		_, err = f.svc.CalendarFeed(f.ctx, "made-up")
		wantCode(t, err, domain.ENotFound)
	})
}

func keysOf[V any](m map[string]V) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	x, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}
