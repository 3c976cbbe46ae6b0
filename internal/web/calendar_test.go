package web

import (
	"bytes"
	"context"
	"html"
	"maps"
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
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
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

// planOn plans the congresses of codes on day (YYYY-MM-DD), as the system.
func (f *fixture) planOn(day string, codes ...string) {
	f.t.Helper()
	for _, code := range codes {
		c, err := f.svc.Congress(context.Background(), system, code, 0)
		if err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.svc.UpdateCongress(context.Background(), system, code, 0, domain.CongressPatch{PlannedDate: &day, Version: c.Version}); err != nil {
			f.t.Fatal(err)
		}
	}
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
		// Held a day earlier than planned (today is 15/04/2020), with who attended.
		up := `{"title":"Tập huấn cấp ủy","day":"14/04/2020","invited":["HN.HBT.A"],"attended":37,"version":` + strconv.Itoa(s.Version) + `}`
		if res := f.do("PUT", "/api/v1/sessions/"+strconv.FormatInt(s.ID, 10), f.tokens["board"], up); res.Code != http.StatusOK {
			t.Errorf("update: %d %s", res.Code, res.Body)
		}
		if res := f.do("PUT", "/api/v1/sessions/"+strconv.FormatInt(s.ID, 10), f.tokens["board"], up); res.Code != http.StatusConflict {
			t.Errorf("stale update: %d %s", res.Code, res.Body)
		}
		if res := f.do("GET", "/api/v1/units/HN.HBT/sessions", f.tokens["viewer"], ""); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"attended":37`) {
			t.Errorf("list: %d %s", res.Code, res.Body)
		}
		// The page of the sessions counts those who attended, in both languages.
		for _, tc := range []struct{ lang, want string }{{"en", "37 people attended"}, {"vi", "37 người dự"}} { // Vietnamese last: the viewer's own
			lang, want := tc.lang, tc.want
			b := f.browser("")
			b.login("viewer", testPassword)
			b.send("POST", "/lang/"+lang, url.Values{"csrf_token": {b.csrf()}, "back": {"/"}})
			if res := b.send("GET", "/units/HN.HBT/sessions", nil); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), want) {
				t.Errorf("the sessions page in %s: %d, lacks %q", lang, res.Code, want)
			}
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
		// Every content line ends with CRLF (RFC 5545, 3.1), folded ones too.
		if body := feed.Body.String(); strings.Count(body, "\n") != strings.Count(body, "\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
			t.Errorf("the feed has lines ending in a bare LF: %q", body[:min(len(body), 200)])
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
	t.Run("a reminders value no checkbox sends is refused and changes nothing; a box without a value turns them on", func(t *testing.T) {
		page := b.send("GET", "/profile", nil).Body.String()
		tok := csrfField.FindStringSubmatch(page)[1]
		if res := b.send("POST", "/profile/reminders", url.Values{"csrf_token": {tok}, "on": {"yes"}}); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("on=yes: %d", res.Code)
		}
		if n, err := f.svc.Notices(context.Background(), f.principal("secretary")); err != nil || n.Reminders {
			t.Errorf("on=yes turned reminders on: %+v %v", n, err)
		}
		b.send("POST", "/profile/reminders", url.Values{"csrf_token": {tok}, "on": {"on"}})
		if n, err := f.svc.Notices(context.Background(), f.principal("secretary")); err != nil || !n.Reminders {
			t.Errorf("on=on left reminders off: %+v %v", n, err)
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

// A busy day of a month shows its first events and links to the whole day,
// in the grid and in the agenda; a calendar of one day shows them all.
func TestABusyDayShowsItsFirstEventsAndLinksToTheWholeDay(t *testing.T) {
	april := func(d int) domain.Day { return domain.DayOf(time.Date(2020, 4, d, 0, 0, 0, 0, domain.Location)) }
	var events []domain.CalendarEvent
	for i := range 40 {
		events = append(events, domain.CalendarEvent{Kind: domain.EventCongress, UnitCode: "HN.C" + strconv.Itoa(i), Day: april(16)})
	}
	events = append(events, domain.CalendarEvent{Kind: domain.EventCongress, UnitCode: "HN.X", Day: april(20)},
		domain.CalendarEvent{Kind: domain.EventCongress, UnitCode: "HN.Y", Day: april(20)})
	cellOf := func(weeks [][]calendarDay, d domain.Day) calendarDay {
		for _, w := range weeks {
			for _, c := range w {
				if c.Day.String() == d.String() {
					return c
				}
			}
		}
		t.Fatalf("no cell of %s", d)
		return calendarDay{}
	}
	tests := []struct {
		name                     string
		from, to                 domain.Day
		day                      domain.Day
		grid, gridMore           int
		agenda, agendaMore, days int
	}{
		{"a month, its busy day", april(1), april(30), april(16), gridPerDay, 40 - gridPerDay, agendaPerDay, 40 - agendaPerDay, 2},
		{"a month, a quiet day", april(1), april(30), april(20), 2, 0, 2, 0, 2},
		{"the busy day alone", april(16), april(16), april(16), 40, 0, 40, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in []domain.CalendarEvent
			for _, e := range events {
				if !e.Day.Before(tt.from) && !e.Day.After(tt.to) {
					in = append(in, e)
				}
			}
			weeks, agenda := calendarView(core.Calendar{From: tt.from, To: tt.to, Events: in}, april(15), func(d domain.Day) string { return "/day/" + d.String() })
			c := cellOf(weeks, tt.day)
			if len(c.Events) != tt.grid || c.More != tt.gridMore {
				t.Errorf("grid: %d shown, %d more; want %d and %d", len(c.Events), c.More, tt.grid, tt.gridMore)
			}
			if want := map[bool]string{true: "/day/" + tt.day.String()}[c.More > 0]; c.MoreURL != want {
				t.Errorf("the day's link %q, want %q", c.MoreURL, want)
			}
			if len(agenda) != tt.days {
				t.Fatalf("%d days in the agenda, want %d", len(agenda), tt.days)
			}
			for _, a := range agenda {
				if a.Day.String() == tt.day.String() && (len(a.Events) != tt.agenda || a.More != tt.agendaMore) {
					t.Errorf("agenda: %d shown, %d more; want %d and %d", len(a.Events), a.More, tt.agenda, tt.agendaMore)
				}
			}
		})
	}
}

// On the page, the link under a busy day opens that day's agenda in full,
// the filters kept, with the days before and after and the way back to the
// month.
func TestTheLinkOfABusyDayOpensItsAgenda(t *testing.T) {
	f := calendarFixture(t) // HN.HBT.A and HN.HBT.A.1 planned on 20/04/2020
	f.planOn("2020-04-20", "HN.HBT.A.2", "HN.HBT.B", "HN.HBT.B.1", "HN.HBT.B.2")
	b := f.browser("")
	b.login("board", testPassword)
	month := b.send("GET", "/units/HN.HBT/calendar?month=2020-04&kind=congress&view=month", nil)
	if month.Code != http.StatusOK {
		t.Fatalf("%d", month.Code)
	}
	// The months before and after keep the filters.
	for _, want := range []string{"?kind=congress&amp;month=2020-03&amp;view=month\"", "?kind=congress&amp;month=2020-05&amp;view=month\"",
		"calendar.xlsx?from=2020-04-01&amp;kind=congress&amp;to=2020-04-30\""} {
		if !strings.Contains(month.Body.String(), want) {
			t.Errorf("the month's page lacks %q", want)
		}
	}
	link := regexp.MustCompile(`<a class="cal-more" href="([^"]+)">([^<]+)</a>`).FindStringSubmatch(month.Body.String())
	if link == nil || html.UnescapeString(link[2]) != "+1 khác" {
		t.Fatalf("no link to the rest of 20/04 (6 congresses, 5 shown): %v", link)
	}
	href := html.UnescapeString(link[1])
	if want := "/units/HN.HBT/calendar?from=2020-04-20&kind=congress&to=2020-04-20&view=agenda"; href != want {
		t.Errorf("link %q, want %q", href, want)
	}
	day := b.send("GET", href, nil)
	body := day.Body.String()
	if day.Code != http.StatusOK || strings.Count(body, `class="cal-item cal-congress`) != 6 || strings.Contains(body, "cal-more") {
		t.Errorf("the day's agenda: %d, %d congresses, a more link: %v", day.Code, strings.Count(body, `class="cal-item cal-congress`), strings.Contains(body, "cal-more"))
	}
	for _, want := range []string{"Thứ Hai 20/04/2020", "?from=2020-04-19&amp;kind=congress&amp;to=2020-04-19&amp;view=agenda\"",
		"?from=2020-04-21&amp;kind=congress&amp;to=2020-04-21&amp;view=agenda\"", "?kind=congress&amp;month=2020-04\"",
		`name="from" value="2020-04-20"`, `name="to" value="2020-04-20"`, "calendar.xlsx?from=2020-04-20&amp;kind=congress&amp;to=2020-04-20\""} {
		if !strings.Contains(body, want) {
			t.Errorf("the day's page lacks %q", want)
		}
	}
	res := b.send("GET", "/units/HN.HBT/calendar.xlsx?from=2020-04-20&to=2020-04-20&kind=congress", nil)
	x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatalf("%d: %v", res.Code, err)
	}
	if rows, err := x.GetRows(x.GetSheetList()[0]); err != nil || len(rows) != 7 {
		t.Errorf("the day's XLSX: %d rows (%v), want a header and 6 congresses", len(rows), err)
	}
}

// A month with more events than a calendar lists shows the first of each
// day (one here: 30 days within a bound of 4) with the count of the rest, says so, and offers no XLSX of it: the
// file is refused in words, and each day's page has all of its events and
// its own file.
func TestAMonthWithMoreEventsThanACalendarListsCountsEveryDay(t *testing.T) {
	f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)),
		core.Options{CalendarMax: 4, CalendarPerDay: 2})
	f.withRound2020()
	f.planOn("2020-04-20", "HN.HBT.A", "HN.HBT.A.1", "HN.HBT.A.2")
	f.planOn("2020-04-21", "HN.HBT.B")
	f.planOn("2020-04-22", "HN.HBT.B.1")
	b := f.browser("")
	b.login("board", testPassword)
	more := regexp.MustCompile(`<a class="cal-more" href="([^"]+)">([^<]+)</a>`)
	for _, view := range []string{"month", "agenda"} {
		t.Run("the "+view, func(t *testing.T) {
			res := b.send("GET", "/units/HN.HBT/calendar?month=2020-04&view="+view, nil)
			body := res.Body.String()
			if res.Code != http.StatusOK {
				t.Fatalf("%d", res.Code)
			}
			// The month's grid says "+2"; the agenda (under the grid too,
			// shown there on a phone) says which day.
			links := more.FindAllStringSubmatch(body, -1)
			want := map[string][]string{"month": {"+2 khác", "Xem thêm 2 sự kiện ngày 20/04/2020"}, "agenda": {"Xem thêm 2 sự kiện ngày 20/04/2020"}}[view]
			if len(links) != len(want) {
				t.Errorf("links to the rest of a day: %v, want %q", links, want)
			}
			for i := range min(len(links), len(want)) {
				if html.UnescapeString(links[i][2]) != want[i] ||
					html.UnescapeString(links[i][1]) != "/units/HN.HBT/calendar?from=2020-04-20&to=2020-04-20&view=agenda" {
					t.Errorf("link %d to the rest of a day: %v, want %q, to 20/04", i, links[i], want[i])
				}
			}
			if !strings.Contains(body, "Những ngày này có 5 sự kiện") || !strings.Contains(body, "mỗi ngày hiện 1 sự kiện đầu") {
				t.Error("the page does not say the days are cut")
			}
			if strings.Contains(body, "calendar.xlsx") {
				t.Error("the page offers the XLSX of a cut month")
			}
		})
	}
	t.Run("the month's XLSX is refused in words", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/calendar.xlsx?from=2020-04-01&to=2020-04-30", nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "Những ngày này có 5 sự kiện, nhiều hơn 4 sự kiện một tệp chứa được") {
			t.Errorf("%d %s", res.Code, res.Body.String())
		}
	})
	t.Run("a day's page has all of its events and its XLSX", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/calendar?from=2020-04-20&to=2020-04-20&view=agenda", nil)
		body := res.Body.String()
		if n := strings.Count(body, `class="cal-item cal-congress`); res.Code != http.StatusOK || n != 3 || strings.Contains(body, "cal-more") ||
			!strings.Contains(body, "calendar.xlsx?from=2020-04-20&amp;to=2020-04-20") {
			t.Errorf("%d: %d congresses, a more link %v, the XLSX link %v", res.Code, n, strings.Contains(body, "cal-more"), strings.Contains(body, "calendar.xlsx"))
		}
		x := b.send("GET", "/units/HN.HBT/calendar.xlsx?from=2020-04-20&to=2020-04-20", nil)
		if x.Code != http.StatusOK {
			t.Errorf("the day's XLSX: %d", x.Code)
		}
	})
	t.Run("the API lists the first of each day and counts them all", func(t *testing.T) {
		var cal core.Calendar
		res := f.do("GET", "/api/v1/units/HN.HBT/calendar?from=2020-04-01&to=2020-04-30", f.tokens["board"], "")
		res.decode(t, &cal)
		if res.Code != http.StatusOK || len(cal.Events) != 3 || cal.Total != 5 || cal.PerDay != 1 ||
			!maps.Equal(cal.DayTotals, map[string]int{"2020-04-20": 3, "2020-04-21": 1, "2020-04-22": 1}) {
			t.Errorf("%d: %d events, %+v", res.Code, len(cal.Events), cal)
		}
	})
}

// A day with more events than a calendar lists shows its first, says how
// many it has, and offers no XLSX.
func TestADayWithMoreEventsThanACalendarListsSaysSo(t *testing.T) {
	f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)),
		core.Options{CalendarMax: 2})
	f.withRound2020()
	f.planOn("2020-04-20", "HN.HBT.A", "HN.HBT.A.1", "HN.HBT.A.2")
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			if err := f.svc.SetLang(context.Background(), system, "board", lang); err != nil {
				t.Fatal(err)
			}
			b := f.browser("")
			b.login("board", testPassword)
			res := b.send("GET", "/units/HN.HBT/calendar?from=2020-04-20&to=2020-04-20&view=agenda", nil)
			body := html.UnescapeString(res.Body.String())
			want := map[string]string{"vi": "Những ngày này có 3 sự kiện: chỉ hiện 2 sự kiện đầu", "en": "These days hold 3 events: only the first 2 are shown"}[lang]
			if n := strings.Count(body, `class="cal-item cal-congress`); res.Code != http.StatusOK || n != 2 || !strings.Contains(body, want) || strings.Contains(body, "calendar.xlsx") {
				t.Errorf("%d: %d congresses, says %q: %v, offers the XLSX: %v", res.Code, n, want, strings.Contains(body, want), strings.Contains(body, "calendar.xlsx"))
			}
		})
	}
}

// A month the calendar's page cannot read is refused naming it, on the page
// and for its file, rather than silently showing this month.
func TestACalendarMonthNotYearMonthIsRefused(t *testing.T) {
	f := calendarFixture(t)
	b := f.browser("")
	b.login("board", testPassword)
	for _, path := range []string{"/units/HN.HBT/calendar?month=2020-13", "/units/HN.HBT/calendar?month=04/2020",
		"/units/HN.HBT/calendar.xlsx?month=2020-4"} {
		res := b.send("GET", path, nil)
		if body := html.UnescapeString(res.Body.String()); res.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "không đúng dạng năm-tháng") {
			t.Errorf("%s: %d %.300s", path, res.Code, body)
		}
	}
	if res := b.send("GET", "/units/HN.HBT/calendar?month=2020-04", nil); res.Code != http.StatusOK {
		t.Errorf("a month written right: %d", res.Code)
	}
}

// A change the system made is shown, in a unit's history, as the system's
// in the reader's words, not by its internal name.
func TestTheHistoryNamesTheSystemInTheReadersWords(t *testing.T) {
	f := calendarFixture(t) // HN.HBT.A planned by the system
	b := f.browser("")
	b.login("board", testPassword)
	page := b.send("GET", "/units/HN.HBT.A", nil).Body.String()
	if !strings.Contains(page, "— hệ thống lúc") || strings.Contains(page, "— system lúc") {
		t.Error("the history does not name the system in Vietnamese")
	}
}

// A session form sent twice makes one session; the second is told it is
// there already, not that someone changed it.
func TestASessionFormSentTwiceMakesOneSession(t *testing.T) {
	f := calendarFixture(t)
	b := f.browser("")
	b.login("board", testPassword)
	form := func() url.Values {
		return url.Values{"csrf_token": {b.csrf()}, "title": {"Tập huấn nghiệp vụ"}, "day": {"24/04/2020"}, "start_time": {"08:00"},
			"invited": {"HN.HBT.A"}}
	}
	if res := b.send("POST", "/units/HN.HBT/sessions", form()); res.Code != http.StatusSeeOther {
		t.Fatalf("first: %d %s", res.Code, res.Body)
	}
	res := b.send("POST", "/units/HN.HBT/sessions", form())
	if body := res.Body.String(); res.Code != http.StatusConflict || !strings.Contains(body, "Đã có buổi tập huấn «Tập huấn nghiệp vụ» ngày 24/04/2020") ||
		strings.Contains(body, "vừa được người khác sửa") {
		t.Errorf("second: %d", res.Code)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM training_sessions WHERE title = 'Tập huấn nghiệp vụ'`); err != nil || n != 1 {
		t.Errorf("%d sessions (%v), want 1", n, err)
	}
}
