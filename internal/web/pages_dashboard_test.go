package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

func TestDashboardShowsTheShareOfCellsHeldWithinTheUsersScope(t *testing.T) {
	// Today is within the round, so that a congress can be planned soon.
	now := time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)
	f := newFixtureAt(t, Options{}, domain.FixedClock(now))
	t.Run("without a current round it says so", func(t *testing.T) {
		b := f.browser("")
		b.login("board", testPassword)
		if body := b.send("GET", "/", nil).Body.String(); !strings.Contains(body, "Chưa có đợt đại hội hiện hành.") {
			t.Errorf("%s", body)
		}
	})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	soon := now.AddDate(0, 0, 3).Format("2006-01-02")
	if res := f.do("POST", "/api/v1/units/HN.HBT.B.1/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
		t.Fatalf("approve: %d", res.Code)
	}
	f.patchStep("board", "HN.HBT.B.1", `"status":"preparing",`, http.StatusOK)
	f.patchStep("board", "HN.HBT.B.1", `"status":"plan_approved","planned_date":"`+soon+`",`, http.StatusOK)
	soonVI := soon[8:10] + "/" + soon[5:7] + "/" + soon[0:4]
	if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/pilot", f.tokens["board"], `{"pilot":true}`); res.Code != http.StatusOK {
		t.Fatalf("pilot: %d %s", res.Code, res.Body)
	}
	f.patchStep("board", "HN.HBT.A.1", `"lessons_learned":"Chuẩn bị văn kiện sớm",`, http.StatusOK)
	f.englishUser("lan", "board", "HN.HBT")
	tests := []struct {
		name, user  string
		want, never []string
	}{
		{"the district board, in Vietnamese", "board",
			[]string{"Tiến độ đại hội: Đảng bộ quận Hai Bà Trưng", `<span class="headline"><span class="tile-figure">25,00%</span> chi bộ đã tổ chức đại hội (1/4)</span>`,
				`href="/units/HN.HBT/list?level=cells&amp;which=held"`, `href="/units/HN.HBT/list?which=late"`,
				"Đảng bộ phường Bạch Mai", "Đảng bộ phường Bách Khoa", "50,00% (1/2)", "trễ hạn",
				`id="cells-chart"`, `"series":"Đã đại hội (%)"`, `25]`, `src="/static/dashboard.js"`,
				"Đại hội dự kiến trong 14 ngày tới",
				`<a href="/units/HN.HBT.B.1">Chi bộ tổ dân phố 1</a> <span class="muted">` + soonVI + `</span><span class="place"><a href="/units/HN.HBT.B">Đảng bộ phường Bách Khoa</a></span>`,
				"Đại hội điểm", `<h3><a href="/units/HN.HBT.A.1">Chi bộ tổ dân phố 1</a></h3>`, "Đại hội ngày 20/03/2020", "Chuẩn bị văn kiện sớm"},
			[]string{"Đống Đa", "Khâm Thiên"}},
		{"an English-speaking board user", "lan",
			[]string{`<html lang="en">`, "Congress progress: Đảng bộ quận Hai Bà Trưng", `<span class="tile-figure">25.00%</span> of cells have held their congress (1/4)`,
				"50.00% (1/2)", "late"},
			[]string{"chi bộ đã tổ chức"}},
		{"a ward's secretary sees their ward only", "secretary",
			[]string{"Tiến độ đại hội: Đảng bộ phường Bạch Mai", "chi bộ đã tổ chức đại hội (1/2)", "Đã đại hội",
				"Không có đại hội nào dự kiến trong 14 ngày tới.", `50]`},
			[]string{"Bách Khoa", "Hai Bà Trưng</h1>", "Đống Đa", "HN.HBT.B.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser("")
			if res := b.login(tt.user, testPassword); res.Code != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", res.Code)
			}
			res := b.send("GET", "/", nil)
			body := res.Body.String()
			if res.Code != http.StatusOK {
				t.Fatalf("%d %s", res.Code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(body, n) {
					t.Errorf("shows %q", n)
				}
			}
		})
	}
}

// englishUser adds a user who reads English, with role on unit.
func (f *fixture) englishUser(username, role, unit string) {
	f.t.Helper()
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: username, FullName: "Lan Nguyen",
		Password: testPassword, Lang: "en"}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.Grant(context.Background(), system, username, role, unit); err != nil {
		f.t.Fatal(err)
	}
}

func TestDashboardTableFiltersAndSorts(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	for _, code := range []string{"HN.HBT.B.1", "HN.HBT.B.2"} { // Bách Khoa: every cell held
		if res := f.do("POST", "/api/v1/units/"+code+"/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
			t.Fatalf("approve %s: %d", code, res.Code)
		}
		f.patchStep("board", code, `"status":"preparing",`, http.StatusOK)
		f.patchStep("board", code, `"status":"plan_approved","planned_date":"2020-03-01",`, http.StatusOK)
		f.patchStep("board", code, `"status":"held","held_date":"2020-03-01",`, http.StatusOK)
	}
	b := f.browser("")
	b.login("board", testPassword)
	rows := regexp.MustCompile(`<th scope="row"><a href="/units/([A-Z.0-9]+)">`)
	table := func(query string) string {
		t.Helper()
		var codes []string
		for _, m := range rows.FindAllStringSubmatch(b.send("GET", "/"+query, nil).Body.String(), -1) {
			codes = append(codes, m[1])
		}
		return strings.Join(codes, " ")
	}
	tests := []struct{ query, want string }{
		{"", "HN.HBT.A HN.HBT.B"},            // most late first: A and a cell of it are late, only B itself
		{"?sort=name", "HN.HBT.B HN.HBT.A"},  // Bách Khoa, Bạch Mai
		{"?sort=cells", "HN.HBT.A HN.HBT.B"}, // 1/2, then 2/2
		{"?status=held", ""},
		{"?status=not_started&kind=grassroots_committee&late=1", "HN.HBT.A HN.HBT.B"},
		{"?kind=cell", ""},
	}
	for _, tt := range tests {
		if got := table(tt.query); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestDashboardTableFiltersByCategory(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.englishUser("bk", "secretary", "HN.HBT.B") // Bách Khoa: a residential cell and a school's
	b := f.browser("")
	b.login("bk", testPassword)
	rows := regexp.MustCompile(`<th scope="row"><a href="/units/([A-Z.0-9]+)">`)
	// Equally late, the cells come by name.
	for query, want := range map[string]string{"": "HN.HBT.B.2 HN.HBT.B.1", "?category=school": "HN.HBT.B.2", "?category=residential": "HN.HBT.B.1"} {
		body := b.send("GET", "/"+query, nil).Body.String()
		var codes []string
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			codes = append(codes, m[1])
		}
		if got := strings.Join(codes, " "); got != want {
			t.Errorf("%q: %q, want %q", query, got, want)
		}
		if !strings.Contains(body, `<option value="school"`) || !strings.Contains(body, ">School</option>") {
			t.Errorf("%q: no category choice in English", query)
		}
	}
}

func TestDashboardListsLateUnitsWithTheirPlacesAtOnceAndLinksToTheWholeList(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("board", testPassword)
	// No job has run: the list agrees with the count from the start.
	body := b.send("GET", "/", nil).Body.String()
	for _, want := range []string{
		`<h2><a href="/units/HN.HBT/list?which=late">Đơn vị trễ hạn: 6</a></h2>`,
		`<a href="/units/HN.HBT.A.1">Chi bộ tổ dân phố 1</a> <span class="status status-late">trễ hạn `,
		`</span><span class="place"><a href="/units/HN.HBT.A">Đảng bộ phường Bạch Mai</a></span>`,
		`<a href="/units/HN.HBT.B.1">Chi bộ tổ dân phố 1</a> <span class="status status-late">trễ hạn `,
		`</span><span class="place"><a href="/units/HN.HBT.B">Đảng bộ phường Bách Khoa</a></span>`,
		`<a id="tile-late" class="tile tile-late" href="/units/HN.HBT/list?which=late">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("lacks %s", want)
		}
	}
	if strings.Contains(body, "HN.DD.K") {
		t.Error("a late unit of another district is listed")
	}
}

// A ward whose own congress is late says so under its dashboard's title:
// its tiles count the units below it only.
func TestADashboardSaysWhenTheUnitsOwnCongressIsLate(t *testing.T) {
	f := newFixtureAt(t, Options{}, domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)))
	f.withRound()
	b := f.browser("")
	b.login("secretary", testPassword)
	if body := b.send("GET", "/", nil).Body.String(); strings.Contains(body, `id="own-late"`) {
		t.Fatal("a ward not late is said to be late")
	}
	v := f.congressOf("HN.HBT.A").Version
	if res := f.do("PUT", "/api/v1/units/HN.HBT.A/deadline", f.tokens["board"], fmt.Sprintf(`{"deadline":"2020-04-10","reason":"Kế hoạch của quận","version":%d}`, v)); res.Code != http.StatusOK {
		t.Fatalf("deadline: %d %s", res.Code, res.Body)
	}
	body := b.send("GET", "/", nil).Body.String()
	if !strings.Contains(body, `id="own-late"`) || !strings.Contains(body, "Đại hội của Đảng bộ phường Bạch Mai đã trễ hạn 5 ngày (thời hạn 10/04/2020)") {
		t.Errorf("the ward's own lateness is not said: %s", body)
	}
}

// A pilot goes first: one past its deadline turns the pilots' tile red and
// is marked late in the list of pilots.
func TestALatePilotTurnsThePilotsTileRed(t *testing.T) {
	f := newFixtureAt(t, Options{}, domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)))
	f.withRound() // cells due 31/03
	if res := f.do("PUT", "/api/v1/units/HN.HBT.A.2/pilot", f.tokens["board"], `{"pilot":true}`); res.Code != http.StatusOK {
		t.Fatalf("pilot: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("board", testPassword)
	body := b.send("GET", "/", nil).Body.String()
	if !regexp.MustCompile(`id="tile-pilots" class="tile tile-late"`).MatchString(body) || !strings.Contains(body, "1 đại hội điểm trễ hạn") {
		t.Errorf("the pilots' tile does not warn of a late pilot")
	}
	f.holdAPI("HN.HBT.A.2", "2020-04-10")
	body = b.send("GET", "/", nil).Body.String()
	if strings.Contains(body, `id="tile-pilots" class="tile tile-late"`) {
		t.Errorf("a pilot held, though late, still turns the tile red")
	}
}
