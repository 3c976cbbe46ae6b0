package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/domain"
)

// unitListFixture is the fixture on 15/04/2020 with the cells' deadline
// (31/03/2020) passed: HN.HBT.A.2 held on time, the district's three other
// cells late, two of them named "Chi bộ tổ dân phố 1" in two wards.
func unitListFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixtureAt(t, Options{}, domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)))
	f.withRound()
	f.holdAPI("HN.HBT.A.2", "2020-03-20")
	return f
}

func TestTheLateListHoldsWhatTheLateCountCountsEachUnitWithItsWard(t *testing.T) {
	f := unitListFixture(t)
	var pr domain.Progress
	f.do("GET", "/api/v1/units/HN.HBT/progress", f.tokens["board"], "").decode(t, &pr)
	var l domain.UnitList
	res := f.do("GET", "/api/v1/units/HN.HBT/list?which=late", f.tokens["board"], "")
	if res.Code != http.StatusOK {
		t.Fatalf("list: %d %s", res.Code, res.Body)
	}
	res.decode(t, &l)
	if l.Total != pr.Late.Count || len(l.Units) != pr.Late.Count || l.Total != 3 {
		t.Fatalf("late list holds %d (%d rows), the late count is %d, want 3", l.Total, len(l.Units), pr.Late.Count)
	}
	wards := map[string]string{}
	for _, u := range l.Units {
		if len(u.Place) != 1 {
			t.Errorf("%s: place %+v, want its ward alone", u.Code, u.Place)
			continue
		}
		wards[u.Code] = u.Place[0].Code + " " + u.Place[0].Name
		if !u.Late || u.DaysOverdue != 15 {
			t.Errorf("%s: late %v by %d days, want late by 15", u.Code, u.Late, u.DaysOverdue)
		}
	}
	if got, want := wards["HN.HBT.A.1"], "HN.HBT.A Đảng bộ phường Bạch Mai"; got != want {
		t.Errorf("place of HN.HBT.A.1 = %q, want %q", got, want)
	}
	if got, want := wards["HN.HBT.B.1"], "HN.HBT.B Đảng bộ phường Bách Khoa"; got != want {
		t.Errorf("place of HN.HBT.B.1 = %q, want %q", got, want)
	}
}

func TestTheLateListFiltersSortsAndPages(t *testing.T) {
	f := unitListFixture(t)
	for _, tc := range []struct {
		name, query, want string
	}{
		{"every late unit, the most overdue first then by name", "which=late", "HN.HBT.A.1 HN.HBT.B.1 HN.HBT.B.2"},
		{"within one ward", "which=late&place=HN.HBT.B", "HN.HBT.B.1 HN.HBT.B.2"},
		{"within one ward given in lower case", "which=late&place=hn.hbt.b", "HN.HBT.B.1 HN.HBT.B.2"},
		{"one category", "which=late&category=school", "HN.HBT.B.2"},
		{"one kind", "which=late&kind=grassroots_committee", ""},
		{"the cells", "which=late&level=cells", "HN.HBT.A.1 HN.HBT.B.1 HN.HBT.B.2"},
		{"late by at least 15 days", "which=late&min_days=15", "HN.HBT.A.1 HN.HBT.B.1 HN.HBT.B.2"},
		{"late by at least 16 days", "which=late&min_days=16", ""},
		{"by name", "which=late&sort=name", "HN.HBT.A.1 HN.HBT.B.1 HN.HBT.B.2"},
		{"by place, the wards by name (Bách Khoa before Bạch Mai)", "which=late&sort=place", "HN.HBT.B.1 HN.HBT.B.2 HN.HBT.A.1"},
		{"the second page of two", "which=late&per_page=2&page=2", "HN.HBT.B.2"},
		{"a page past the end is empty", "which=late&page=9", ""},
		{"held", "which=held", "HN.HBT.A.2"},
		{"not held cells of a ward", "which=not_held&level=cells&place=HN.HBT.A", "HN.HBT.A.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units/HN.HBT/list?"+tc.query, f.tokens["board"], "")
			if res.Code != http.StatusOK {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			var l domain.UnitList
			res.decode(t, &l)
			var codes []string
			for _, u := range l.Units {
				codes = append(codes, u.Code)
			}
			if got := strings.Join(codes, " "); got != tc.want {
				t.Errorf("units %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTheUnitListRefusesBadInputAndKeepsToTheCallersScope(t *testing.T) {
	f := unitListFixture(t)
	for _, tc := range []struct {
		name, query, field string
	}{
		{"an unknown list", "which=everything", "which"},
		{"an unknown order", "sort=age", "sort"},
		{"an unknown kind", "kind=ward", "kind"},
		{"an unknown level", "level=districts", "level"},
		{"an unknown category", "category=farm", "category"},
		{"a page 0", "page=0", "page"},
		{"days overdue not a number", "min_days=ten", "min_days"},
		{"a place outside the unit", "place=HN.DD.K", "place"},
		{"a place that does not exist", "place=NOPE", "place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units/HN.HBT/list?"+tc.query, f.tokens["board"], "")
			if res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if e := res.apiError(t); len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Errorf("error %+v, want field %s", e, tc.field)
			}
		})
	}
	t.Run("a unit out of the caller's scope answers as its progress does", func(t *testing.T) {
		list := f.do("GET", "/api/v1/units/HN.HBT/list", f.tokens["secretary"], "")
		progress := f.do("GET", "/api/v1/units/HN.HBT/progress", f.tokens["secretary"], "")
		if list.Code != progress.Code || list.Code < 400 {
			t.Errorf("list %d, progress %d", list.Code, progress.Code)
		}
		b := f.browser("")
		b.login("secretary", testPassword)
		if res := b.send("GET", "/units/HN.HBT/list?which=late", nil); res.Code != progress.Code {
			t.Errorf("page %d, want %d", res.Code, progress.Code)
		}
		if res := b.send("GET", "/units/HN.HBT/list.csv?which=late", nil); res.Code != progress.Code {
			t.Errorf("download %d, want %d", res.Code, progress.Code)
		}
	})
}

func TestTheLateListPageShowsEachUnitsPlaceAndDownloadsIt(t *testing.T) {
	f := unitListFixture(t)
	b := f.browser("")
	b.login("board", testPassword)
	res := b.send("GET", "/units/HN.HBT/list?which=late", nil)
	if res.Code != http.StatusOK {
		t.Fatalf("page: %d %s", res.Code, res.Body)
	}
	body := res.Body.String()
	for _, want := range []string{"Đơn vị trễ hạn: 3",
		`<a href="/units/HN.HBT.A.1">Chi bộ tổ dân phố 1</a>`, `<span class="place"><a href="/units/HN.HBT.A">Đảng bộ phường Bạch Mai</a></span>`,
		`<a href="/units/HN.HBT.B.1">Chi bộ tổ dân phố 1</a>`, `<span class="place"><a href="/units/HN.HBT.B">Đảng bộ phường Bách Khoa</a></span>`,
		`href="/units/HN.HBT/list.csv?which=late"`, `href="/units/HN.HBT/list.csv?sep=semicolon&amp;which=late"`,
		`href="/units/HN.HBT/list.xlsx?which=late"`, "Tải CSV (dấu chấm phẩy, cho Excel tiếng Việt)", `class="num">15</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	t.Run("a past day's list keeps its day in every link and form", func(t *testing.T) {
		body := b.send("GET", "/units/HN.HBT/list?which=late&as_of=2020-04-10", nil).Body.String()
		for _, want := range []string{`class="num">10</td>`, `href="/units/HN.HBT/list?which=at_risk&amp;as_of=2020-04-10"`,
			`<input type="hidden" name="as_of" value="2020-04-10">`,
			`href="/units/HN.HBT/list.csv?as_of=2020-04-10&amp;which=late"`,
			`href="/units/HN.HBT/list.xlsx?as_of=2020-04-10&amp;which=late"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page of 10/04 lacks %s", want)
			}
		}
	})
	t.Run("the unit page links to the lists and its table's counts to theirs", func(t *testing.T) {
		body := b.send("GET", "/units/HN.HBT", nil).Body.String()
		for _, want := range []string{`<a href="/units/HN.HBT/list?which=late">Đơn vị trễ hạn</a>`,
			`<a href="/units/HN.HBT/list?which=at_risk">Đơn vị có nguy cơ trễ hạn</a>`,
			`<a class="status status-late" href="/units/HN.HBT/list?place=HN.HBT.B&amp;which=late">2 trễ hạn</a>`,
			`<a href="/units/HN.HBT/list?level=cells&amp;place=HN.HBT.A&amp;which=held">50,00% (1/2)</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("unit page lacks %s", want)
			}
		}
	})
	rows := func(t *testing.T, data []byte, sep rune) [][]string {
		t.Helper()
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Error("no byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
		r.Comma = sep
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	want := [][]string{
		{"Mã", "Đơn vị", "Trực thuộc", "Mã đơn vị trực thuộc", "Loại", "Nhóm chi bộ", "Trạng thái", "Hạn", "Ngày dự kiến", "Ngày tổ chức", "Số ngày trễ"},
		{"HN.HBT.B.1", "Chi bộ tổ dân phố 1", "Đảng bộ phường Bách Khoa", "HN.HBT.B", "Chi bộ", "Khu dân cư", "Chưa bắt đầu", "31/03/2020", "", "", "15"},
		{"HN.HBT.B.2", "Chi bộ trường học", "Đảng bộ phường Bách Khoa", "HN.HBT.B", "Chi bộ", "Trường học", "Chưa bắt đầu", "31/03/2020", "", "", "15"},
	}
	check := func(t *testing.T, got [][]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("rows %q", got)
		}
		for i := range want {
			if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("row %d = %q, want %q", i, got[i], want[i])
			}
		}
	}
	t.Run("CSV of one ward", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/list.csv?which=late&place=HN.HBT.B", nil)
		if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("%d %v", res.Code, res.Header())
		}
		check(t, rows(t, res.Body.Bytes(), ','))
	})
	t.Run("CSV with semicolons", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/list.csv?which=late&place=HN.HBT.B&sep=semicolon", nil)
		check(t, rows(t, res.Body.Bytes(), ';'))
	})
	t.Run("XLSX", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/list.xlsx?which=late&place=HN.HBT.B", nil)
		x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
		if err != nil {
			t.Fatalf("%d: %v", res.Code, err)
		}
		got, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			for len(got[i]) < len(want[0]) {
				got[i] = append(got[i], "")
			}
		}
		check(t, got)
	})
}

// The downloads say what the page says: a wrong value is refused, and the
// dashboard's table downloads with the filter the table shows.
func TestDownloadsRefuseWrongValuesAndKeepTheTablesFilter(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	b := f.browser("")
	b.login("board", testPassword)
	for _, path := range []string{"/units/HN.HBT/list.csv?which=late&sep=tab", "/units/HN.HBT/table.csv?status=bogus",
		"/units/HN.HBT/table.xlsx?sort=bogus", "/units/HN.HBT/table.csv?late=yes", "/units/HN.HBT/table.csv?category=farm", "/?sort=bogus"} {
		if res := b.send("GET", path, nil); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", path, res.Code)
		}
	}
	all := b.send("GET", "/units/HN.HBT/table.csv", nil).Body.String()
	held := b.send("GET", "/units/HN.HBT/table.csv?status=held", nil).Body.String()
	if !strings.Contains(all, "HN.HBT.B") || strings.Contains(held, "HN.HBT.B,") {
		t.Errorf("the download ignores the table's filter:\nall:\n%s\nheld:\n%s", all, held)
	}
	if page := b.send("GET", "/?status=held", nil).Body.String(); !strings.Contains(page, `href="/units/HN.HBT/table.csv?status=held"`) {
		t.Error("the dashboard's download does not carry its filter")
	}
}
