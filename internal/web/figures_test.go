package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/report"
)

// chartHeld reads the dashboard's chart data: the share of cells held by
// day label ("02/01").
func chartHeld(t *testing.T, page string) map[string]float64 {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="cells-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no chart in the page")
	}
	var data struct {
		Labels []string   `json:"labels"`
		Held   []*float64 `json:"held"`
	}
	raw := html.UnescapeString(m[1])
	if err := json.Unmarshal([]byte(raw), &data); err != nil {
		// html/template writes JSON in a script as a JSON string.
		var s string
		if err2 := json.Unmarshal([]byte(raw), &s); err2 != nil || json.Unmarshal([]byte(s), &data) != nil {
			t.Fatalf("chart data %q: %v", raw, err)
		}
	}
	out := map[string]float64{}
	for i, l := range data.Labels {
		if i < len(data.Held) && data.Held[i] != nil {
			out[l] = *data.Held[i]
		}
	}
	return out
}

// A congress entered today as held on a day of last week changes the
// figures of that day and after for its unit and every unit above it,
// through the API, the dashboard's chart and a weekly report made after;
// a report made before stays as made.
func TestABackDatedHoldChangesThePastEverywhere(t *testing.T) {
	// Today is within the round, so that last week's days are days of it.
	clock := domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location))
	f := newFixtureAt(t, Options{}, clock)
	f.withRound()
	week := domain.LastFullWeek(clock)
	held, sunday := week.Monday(), week.Sunday()
	before := held.AddDays(-1)

	cellsOn := func(code string, day domain.Day) (int, int) {
		t.Helper()
		var p struct {
			Source string `json:"source"`
			Cells  struct {
				Held  int `json:"held"`
				Total int `json:"total"`
			} `json:"cells"`
			Own struct {
				Held bool `json:"held"`
			} `json:"own"`
		}
		res := f.do("GET", "/api/v1/units/"+code+"/progress?as_of="+day.String(), f.tokens["admin"], "")
		if res.Code != http.StatusOK {
			t.Fatalf("progress %s: %d %s", code, res.Code, res.Body)
		}
		res.decode(t, &p)
		if p.Source != domain.SourceComputed {
			t.Errorf("%s on %s: source %q", code, day, p.Source)
		}
		return p.Cells.Held, p.Cells.Total
	}
	// The nightly snapshots of those days were written before the hold.
	for _, d := range []domain.Day{before, held, sunday} {
		if _, err := f.svc.RunJob(context.Background(), system, "progress-snapshot", d.String(), 0); err != nil {
			t.Fatal(err)
		}
	}
	made := f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"`+week.String()+`"}`)
	if made.Code != http.StatusCreated {
		t.Fatalf("report before the hold: %d %s", made.Code, made.Body)
	}
	b := f.browser("")
	b.login("board", testPassword)
	chartBefore := chartHeld(t, b.send("GET", "/", nil).Body.String())

	f.holdAPI("HN.HBT.A.1", held.String())

	for _, tc := range []struct {
		code  string
		total int
	}{{"HN.HBT.A", 2}, {"HN.HBT", 4}, {"HN", 5}} {
		if h, n := cellsOn(tc.code, sunday); h != 1 || n != tc.total {
			t.Errorf("%s on %s: %d/%d cells held, want 1/%d", tc.code, sunday, h, n, tc.total)
		}
		if h, _ := cellsOn(tc.code, before); h != 0 {
			t.Errorf("%s on %s, the day before the hold: %d held, want 0", tc.code, before, h)
		}
	}

	chart := chartHeld(t, b.send("GET", "/", nil).Body.String())
	label := func(d domain.Day) string { return d.Time.Format("02/01") }
	if chartBefore[label(held)] != 0 || chart[label(held)] != 25 || chart[label(before)] != 0 || chart[label(sunday)] != 25 {
		t.Errorf("chart at %s: %v before the hold, %v after (the day before: %v); want 0 then 25",
			label(held), chartBefore[label(held)], chart[label(held)], chart[label(before)])
	}

	var stored, remade report.Weekly
	f.do("GET", "/api/v1/units/HN.HBT/reports/"+week.String(), f.tokens["board"], "").decode(t, &stored)
	if v := stored.Figure(report.FigureCells).Value; v != 0 {
		t.Errorf("the report made before the hold now counts %d cells held, want the 0 it was made with", v)
	}
	res := f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"`+week.String()+`","force":true}`)
	if res.Code != http.StatusCreated {
		t.Fatalf("remake: %d %s", res.Code, res.Body)
	}
	res.decode(t, &remade)
	last := remade.Weeks[len(remade.Weeks)-1]
	if c := remade.Figure(report.FigureCells); c.Value != 1 || c.Total != 4 || remade.HeldInWeekCount != 1 ||
		last.Week != week.String() || last.Held != 1 || last.Total != 4 {
		t.Errorf("remade report: cells %d/%d, held in the week %d, its chart's last point %+v; want 1/4 with the hold in the week",
			c.Value, c.Total, remade.HeldInWeekCount, last)
	}
}
