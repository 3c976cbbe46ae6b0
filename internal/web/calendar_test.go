package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// calendarFixture is the fixture on 15/04/2020 with Bạch Mai (HN.HBT.A)
// planned on 20/04/2020 at 08:00 and its cell A.1 at 09:00 the same day (its
// secretary expected at both).
func calendarFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixtureAt(t, Options{BaseURL: "https://daihoi.example.vn"}, domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)))
	f.withRound2020()
	for code, at := range map[string]string{"HN.HBT.A": "08:00", "HN.HBT.A.1": "09:00"} {
		c, err := f.svc.Congress(context.Background(), system, code, 0)
		if err != nil {
			t.Fatal(err)
		}
		day, place := "2020-04-20", "Hội trường"
		if _, err := f.svc.UpdateCongress(context.Background(), system, code, 0, domain.CongressPatch{
			PlannedDate: &day, PlannedTime: &at, Place: &place, Version: c.Version}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestCalendarAPI(t *testing.T) {
	f := calendarFixture(t)
	t.Run("the calendar of a subtree with its conflict", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT/calendar?from=2020-04-01&to=2020-04-30", f.tokens["viewer"], "")
		if res.Code != http.StatusOK {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		var cal core.Calendar
		res.decode(t, &cal)
		if len(cal.Events) != 2 || len(cal.Conflicts) != 1 || cal.Conflicts[0].Username != "secretary" {
			t.Errorf("calendar = %+v", cal)
		}
	})
	t.Run("out of scope, bad range, bad kind", func(t *testing.T) {
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/api/v1/units/HN.DD/calendar", http.StatusNotFound},
			{"/api/v1/units/HN.HBT/calendar?from=2020-05-01&to=2020-04-01", http.StatusUnprocessableEntity},
			{"/api/v1/units/HN.HBT/calendar?kind=party", http.StatusUnprocessableEntity},
			{"/api/v1/units/HN.HBT/calendar?group=abc", http.StatusUnprocessableEntity},
		} {
			if res := f.do("GET", tc.path, f.tokens["viewer"], ""); res.Code != tc.want {
				t.Errorf("%s: %d, want %d: %s", tc.path, res.Code, tc.want, res.Body)
			}
		}
	})
	t.Run("sessions: the board adds one, a viewer may not, bad input refused by field", func(t *testing.T) {
		body := `{"title":"Tập huấn cấp ủy","day":"22/04/2020","start_time":"08:00","place":"Quận ủy","invited":["HN.HBT.A","HN.HBT.B"]}`
		if res := f.do("POST", "/api/v1/units/HN.HBT/sessions", f.tokens["viewer"], body); res.Code != http.StatusForbidden {
			t.Errorf("viewer: %d", res.Code)
		}
		res := f.do("POST", "/api/v1/units/HN.HBT/sessions", f.tokens["board"], body)
		if res.Code != http.StatusCreated {
			t.Fatalf("board: %d %s", res.Code, res.Body)
		}
		var s domain.TrainingSession
		res.decode(t, &s)
		res = f.do("POST", "/api/v1/units/HN.HBT/sessions", f.tokens["board"], `{"title":"","day":"x"}`)
		if e := res.apiError(t); res.Code != http.StatusUnprocessableEntity || len(e.Fields) != 2 {
			t.Errorf("bad session: %d %s", res.Code, res.Body)
		}
		up := `{"title":"Tập huấn cấp ủy","day":"22/04/2020","invited":["HN.HBT.A"],"attended":37,"version":` + strconv.Itoa(s.Version) + `}`
		if res := f.do("PUT", "/api/v1/sessions/"+strconv.FormatInt(s.ID, 10), f.tokens["board"], up); res.Code != http.StatusOK {
			t.Errorf("update: %d %s", res.Code, res.Body)
		}
		if res := f.do("PUT", "/api/v1/sessions/"+strconv.FormatInt(s.ID, 10), f.tokens["board"], up); res.Code != http.StatusConflict {
			t.Errorf("stale update: %d %s", res.Code, res.Body)
		}
		if res := f.do("GET", "/api/v1/units/HN.HBT/sessions", f.tokens["viewer"], ""); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"attended":37`) {
			t.Errorf("list: %d %s", res.Code, res.Body)
		}
		if res := f.do("POST", "/api/v1/sessions/"+strconv.FormatInt(s.ID, 10)+"/cancel", f.tokens["board"], `{"version":`+strconv.Itoa(s.Version+1)+`}`); res.Code != http.StatusOK {
			t.Errorf("cancel: %d %s", res.Code, res.Body)
		}
	})
}

func TestCalendarPagesFeedAndDownload(t *testing.T) {
	f := calendarFixture(t)
	b := f.browser("")
	b.login("secretary", testPassword)
	t.Run("the month and the agenda, with the conflict", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT.A/calendar?month=2020-04", nil)
		body := res.Body.String()
		for _, want := range []string{"Lịch đại hội – Đảng bộ phường Bạch Mai", "Tháng 04/2020", "Trùng lịch (1)", "cal-grid", "Thứ Hai 20/04/2020", "08:00", "Hội trường"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if res.Code != http.StatusOK {
			t.Fatalf("%d", res.Code)
		}
	})
	t.Run("the XLSX download holds the events", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT.A/calendar.xlsx?month=2020-04", nil)
		if res.Code != http.StatusOK {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil || len(rows) != 3 || rows[1][0] != "20/04/2020" || rows[1][1] != "08:00" || rows[1][9] != "Trùng lịch" {
			t.Errorf("rows = %q, %v", rows, err)
		}
	})
	var feedURL string
	t.Run("a feed made on the profile works without a session", func(t *testing.T) {
		page := b.send("GET", "/profile", nil).Body.String()
		tok := csrfField.FindStringSubmatch(page)[1]
		res := b.send("POST", "/profile/feed", url.Values{"csrf_token": {tok}, "action": {"create"}})
		m := regexp.MustCompile(`value="https://daihoi.example.vn(/calendar/[^"]+\.ics)"`).FindStringSubmatch(res.Body.String())
		if res.Code != http.StatusOK || m == nil {
			t.Fatalf("%d, no feed address in the page", res.Code)
		}
		feedURL = m[1]
		feed := f.do("GET", feedURL, "", "")
		if feed.Code != http.StatusOK || !strings.HasPrefix(feed.Header().Get("Content-Type"), "text/calendar") ||
			!strings.Contains(feed.Body.String(), "BEGIN:VEVENT") || !strings.Contains(feed.Body.String(), "TZID=Asia/Ho_Chi_Minh") {
			t.Errorf("feed: %d %s", feed.Code, feed.Body)
		}
	})
	t.Run("a revoked feed URL is 404", func(t *testing.T) {
		page := b.send("GET", "/profile", nil).Body.String()
		tok := csrfField.FindStringSubmatch(page)[1]
		if res := b.send("POST", "/profile/feed", url.Values{"csrf_token": {tok}, "action": {"revoke"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.Code)
		}
		if res := f.do("GET", feedURL, "", ""); res.Code != http.StatusNotFound {
			t.Errorf("revoked feed: %d", res.Code)
		}
		if res := f.do("GET", "/calendar/not-a-token.ics", "", ""); res.Code != http.StatusNotFound {
			t.Errorf("unknown feed: %d", res.Code)
		}
	})
	t.Run("reminders turned off on the profile", func(t *testing.T) {
		page := b.send("GET", "/profile", nil).Body.String()
		tok := csrfField.FindStringSubmatch(page)[1]
		b.send("POST", "/profile/reminders", url.Values{"csrf_token": {tok}, "on": {"0"}})
		n, err := f.svc.Notices(context.Background(), f.principal("secretary"))
		if err != nil || n.Reminders {
			t.Errorf("reminders still on: %+v %v", n, err)
		}
	})
}

// principal loads a fixture user's principal.
func (f *fixture) principal(username string) domain.Principal {
	f.t.Helper()
	p, err := f.svc.Authenticate(context.Background(), f.tokens[username])
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func TestCalendarFeedAndRemindersThroughTheAPI(t *testing.T) {
	f := calendarFixture(t)
	tok := f.tokens["secretary"]
	res := f.do("POST", "/api/v1/me/calendar-feed", tok, "")
	var n struct {
		Feed      bool   `json:"feed"`
		Reminders bool   `json:"reminders"`
		FeedURL   string `json:"feed_url"`
	}
	res.decode(t, &n)
	path, ok := strings.CutPrefix(n.FeedURL, "https://daihoi.example.vn")
	if res.Code != http.StatusCreated || !n.Feed || !ok {
		t.Fatalf("make a feed: %d %s", res.Code, res.Body)
	}
	if got := f.do("GET", path, "", ""); got.Code != http.StatusOK || !strings.Contains(got.Body.String(), "Đảng bộ phường Bạch Mai") {
		t.Errorf("the feed: %d", got.Code)
	}
	if got := f.do("DELETE", "/api/v1/me/calendar-feed", tok, ""); got.Code != http.StatusNoContent {
		t.Errorf("revoke: %d %s", got.Code, got.Body)
	}
	if got := f.do("GET", path, "", ""); got.Code != http.StatusNotFound {
		t.Errorf("the revoked feed: %d", got.Code)
	}
	if got := f.do("PUT", "/api/v1/me/reminders", tok, `{"on":false}`); got.Code != http.StatusOK || !strings.Contains(got.Body.String(), `"reminders":false`) {
		t.Errorf("reminders off: %d %s", got.Code, got.Body)
	}
	for _, body := range []string{`{}`, `{"on":null}`, `{"on":"yes"}`} {
		if got := f.do("PUT", "/api/v1/me/reminders", tok, body); got.Code != http.StatusUnprocessableEntity && got.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", body, got.Code, got.Body)
		}
	}
}
