package web

import (
	"bytes"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/report"
)

// withReportWeek is the fixture with a round in which HN.HBT.A.2 held its
// congress on 10/03/2020 and HN.HBT.A.1 on 17/03: 2020-W12 (16–22/03)
// moved the district from 1 to 2 cells of 4.
func (f *fixture) withReportWeek() {
	f.t.Helper()
	f.withRound()
	f.holdAPI("HN.HBT.A.2", "2020-03-10")
	f.holdAPI("HN.HBT.A.1", "2020-03-17")
}

func TestReportAPIMakesStoresAndServesEveryFormat(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	board := f.tokens["board"]

	res := f.do("POST", "/api/v1/units/HN.HBT/reports", board, `{"week":"2020-W12"}`)
	if res.Code != http.StatusCreated {
		t.Fatalf("make: %d %s", res.Code, res.Body)
	}
	var r report.Weekly
	res.decode(t, &r)
	if cells := r.Figure(report.FigureCells); r.Week != "2020-W12" || cells.Value != 2 || cells.Total != 4 || cells.Prev != 1 {
		t.Fatalf("report = %s cells %+v, want 2020-W12 with 2/4, 1 the week before", r.Week, cells)
	}
	if again := f.do("POST", "/api/v1/units/HN.HBT/reports", board, `{"week":"2020-W12"}`); again.Code != http.StatusOK {
		t.Errorf("made again: %d, want 200 (the stored one)", again.Code)
	}
	if forced := f.do("POST", "/api/v1/units/HN.HBT/reports", board, `{"week":"2020-W12","force":true}`); forced.Code != http.StatusCreated {
		t.Errorf("forced: %d, want 201", forced.Code)
	}

	var archive struct {
		Reports []struct {
			Week     string          `json:"week"`
			Headline []report.Figure `json:"headline"`
		} `json:"reports"`
	}
	f.do("GET", "/api/v1/units/HN.HBT/reports", f.tokens["viewer"], "").decode(t, &archive)
	if len(archive.Reports) != 1 || archive.Reports[0].Week != "2020-W12" || archive.Reports[0].Headline[0].Value != 2 {
		t.Errorf("archive = %+v", archive)
	}

	for _, tc := range []struct {
		format, ctype, starts, contains string
	}{
		{"html", "text/html", "<!doctype html>", "Đảng bộ phường Bạch Mai"},
		{"xlsx", "spreadsheetml", "PK", ""},
		{"csv", "text/csv", "\ufeff", "Đảng bộ phường Bách Khoa"},
		{"pdf", "application/pdf", "%PDF", ""},
	} {
		t.Run(tc.format, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units/HN.HBT/reports/2020-W12?format="+tc.format, f.tokens["viewer"], "")
			body := res.Body.String()
			if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Type"), tc.ctype) ||
				!strings.HasPrefix(body, tc.starts) || !strings.Contains(body, tc.contains) {
				t.Fatalf("%d %s: %.200q", res.Code, res.Header().Get("Content-Type"), body)
			}
			if cd := res.Header().Get("Content-Disposition"); !strings.Contains(cd, "HN.HBT-2020-W12."+tc.format) {
				t.Errorf("disposition %q", cd)
			}
			if tc.format == "html" && !strings.Contains(res.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("the standalone report runs under %q", res.Header().Get("Content-Security-Policy"))
			}
		})
	}
	en := f.do("GET", "/api/v1/units/HN.HBT/reports/2020-W12?format=html&lang=en", f.tokens["viewer"], "").Body.String()
	if !strings.Contains(en, "Headline figures") || strings.Contains(en, "Số liệu chính") {
		t.Error("the English report is not in English")
	}
}

func TestReportAPIComparesTwoWeeksAsThePageDoes(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	for _, week := range []string{"2020-W11", "2020-W12"} {
		if res := f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"`+week+`"}`); res.Code != http.StatusCreated {
			t.Fatalf("make %s: %d %s", week, res.Code, res.Body)
		}
	}
	var cmp report.Comparison
	res := f.do("GET", "/api/v1/units/HN.HBT/reports/compare?a=2020-W12&b=2020-W11", f.tokens["viewer"], "")
	if res.Code != http.StatusOK {
		t.Fatalf("compare: %d %s", res.Code, res.Body)
	}
	res.decode(t, &cmp)
	if cmp.Unit.Code != "HN.HBT" || cmp.A.Week != "2020-W11" || cmp.B.Week != "2020-W12" {
		t.Fatalf("compared %s: %s and %s, want HN.HBT: 2020-W11 (the earlier) and 2020-W12", cmp.Unit.Code, cmp.A.Week, cmp.B.Week)
	}
	if len(cmp.Headline) == 0 {
		t.Fatal("no headline figures")
	}
	if cells := cmp.Headline[0]; cells.Key != report.FigureCells || cells.A != (report.Count{Value: 1, Total: 4}) ||
		cells.B != (report.Count{Value: 2, Total: 4}) || cells.Change != 1 {
		t.Errorf("cells = %+v, want 1/4 then 2/4, +1", cells)
	}
	if cmp.B.HeldInWeek != 1 || cmp.B.Verdict.EN == "" {
		t.Errorf("week b = %+v, want one congress held and a verdict", cmp.B)
	}
	b := f.browser("")
	b.login("board", testPassword)
	page := html.UnescapeString(b.send("GET", "/units/HN.HBT/reports/compare?a=2020-W11&b=2020-W12", nil).Body.String())
	if !strings.Contains(page, "1 / 4 (25,00%)") || !strings.Contains(page, "2 / 4 (50,00%)") {
		t.Errorf("the page does not show the comparison the API gives:\n%s", page)
	}
}

func TestReportAPIRefusals(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
		field                           string
	}{
		{"a viewer cannot make a report", "POST", "/api/v1/units/HN.HBT/reports", "viewer", `{"week":"2020-W12"}`, 403, ""},
		{"a week that does not exist", "POST", "/api/v1/units/HN.HBT/reports", "board", `{"week":"2020-W60"}`, 422, "week"},
		{"a week in a bad shape", "POST", "/api/v1/units/HN.HBT/reports", "board", `{"week":"W12"}`, 422, "week"},
		{"an unknown field", "POST", "/api/v1/units/HN.HBT/reports", "board", `{"wek":"2020-W12"}`, 422, ""},
		{"a unit out of scope", "GET", "/api/v1/units/HN.DD/reports", "secretary", "", 404, ""},
		{"a report not made", "GET", "/api/v1/units/HN.HBT/reports/2020-W11", "viewer", "", 404, ""},
		{"a format that does not exist", "GET", "/api/v1/units/HN.HBT/reports/2020-W12?format=docx", "viewer", "", 422, "format"},
		{"a secretary cannot subscribe", "PUT", "/api/v1/units/HN.HBT.A/reports/subscription", "secretary", `{"subscribed":true}`, 422, "subscribe"},
		{"a subscription needs its value", "PUT", "/api/v1/units/HN.HBT/reports/subscription", "board", `{}`, 422, "subscribed"},
		{"a viewer does not see the e-mails", "GET", "/api/v1/units/HN.HBT/reports/2020-W12/mails", "viewer", "", 403, ""},
		{"a comparison with a week not made", "GET", "/api/v1/units/HN.HBT/reports/compare?a=2020-W11&b=2020-W12", "viewer", "", 404, ""},
		{"a comparison without its weeks", "GET", "/api/v1/units/HN.HBT/reports/compare", "viewer", "", 422, "week"},
		{"a comparison out of scope", "GET", "/api/v1/units/HN.DD/reports/compare?a=2020-W11&b=2020-W12", "secretary", "", 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, audits := f.counts()
			res := f.do(tc.method, tc.path, f.tokens[tc.token], tc.body)
			if res.Code != tc.status {
				t.Fatalf("%d %s, want %d", res.Code, res.Body, tc.status)
			}
			e := res.apiError(t)
			if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
				t.Errorf("fields = %+v, want %s", e.Fields, tc.field)
			}
			if _, after := f.counts(); after != audits {
				t.Errorf("a refused request wrote %d audit rows", after-audits)
			}
		})
	}
	// The secretary's own subscription is refused, but the board's is taken.
	res := f.do("PUT", "/api/v1/units/HN.HBT/reports/subscription", f.tokens["board"], `{"subscribed":true}`)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"subscribed":true`) {
		t.Errorf("board subscribes: %d %s", res.Code, res.Body)
	}
}

var reportLink = regexp.MustCompile(`href="(/units/HN\.HBT/reports/2020-W1[12]/report\.(html|xlsx|csv|pdf))"`)

func TestReportPagesArchiveMakeDownloadAndCompare(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	b := f.browser("")
	b.login("board", testPassword)
	if body := b.send("GET", "/units/HN.HBT", nil).Body.String(); !strings.Contains(body, `href="/units/HN.HBT/reports"`) {
		t.Error("the unit page does not link to its weekly reports")
	}
	page := b.send("GET", "/units/HN.HBT/reports", nil)
	token := csrfField.FindStringSubmatch(page.Body.String())
	if page.Code != http.StatusOK || token == nil || !strings.Contains(page.Body.String(), "Chưa có báo cáo tuần nào") {
		t.Fatalf("archive page: %d", page.Code)
	}
	for _, week := range []string{"2020-W11", "2020-W12"} {
		res := b.send("POST", "/units/HN.HBT/reports", url.Values{"csrf_token": {token[1]}, "week": {week}})
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/units/HN.HBT/reports/"+week {
			t.Fatalf("make %s: %d to %q", week, res.Code, res.Header().Get("Location"))
		}
	}
	refused := b.send("POST", "/units/HN.HBT/reports", url.Values{"csrf_token": {token[1]}, "week": {"2099-W01"}})
	if refused.Code != http.StatusSeeOther || refused.Header().Get("Location") != "/units/HN.HBT/reports" {
		t.Errorf("a week not ended: %d to %q", refused.Code, refused.Header().Get("Location"))
	}
	if body := b.send("GET", "/units/HN.HBT/reports", nil).Body.String(); !strings.Contains(body, "chưa kết thúc") ||
		!strings.Contains(body, `href="/units/HN.HBT/reports/2020-W12">12/2020</a>`) || !strings.Contains(body, "2 / 4 (50,00%)") {
		t.Errorf("the archive lacks the refusal, the week or its figure:\n%s", body)
	}

	report := b.send("GET", "/units/HN.HBT/reports/2020-W12", nil).Body.String()
	for _, want := range []string{"Số liệu chính", "Đảng bộ phường Bạch Mai", "2 / 4 (50,00%)", "1 đại hội trong tuần", "Dự báo", "Tuần 12/2020 ("} {
		if !strings.Contains(report, want) {
			t.Errorf("the report page lacks %q", want)
		}
	}
	links := reportLink.FindAllStringSubmatch(report, -1)
	if len(links) != 4 {
		t.Fatalf("%d download links, want 4", len(links))
	}
	for _, l := range links {
		res := b.send("GET", l[1], nil)
		if res.Code != http.StatusOK || res.Body.Len() < 100 {
			t.Errorf("download %s: %d, %d bytes", l[2], res.Code, res.Body.Len())
		}
		switch l[2] {
		case "xlsx":
			x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
			if err != nil || len(x.GetSheetList()) < 3 {
				t.Errorf("xlsx: %v", err)
			}
		case "csv":
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\ufeff"))).ReadAll()
			if err != nil || len(recs) != 3 {
				t.Errorf("csv: %d rows, %v", len(recs), err)
			}
		}
	}

	cmp := b.send("GET", "/units/HN.HBT/reports/compare?a=2020-W12&b=2020-W11", nil)
	body := html.UnescapeString(cmp.Body.String())
	if cmp.Code != http.StatusOK || !strings.Contains(body, "So sánh tuần 2020-W11 và 2020-W12") ||
		!strings.Contains(body, "1 / 4 (25,00%)") || !strings.Contains(body, "2 / 4 (50,00%)") || !strings.Contains(body, "+1") {
		t.Errorf("compare: %d\n%s", cmp.Code, body)
	}

	sub := b.send("POST", "/units/HN.HBT/reports/subscription", url.Values{"csrf_token": {token[1]}, "subscribed": {"1"}})
	if sub.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", sub.Code)
	}
	body = b.send("GET", "/units/HN.HBT/reports", nil).Body.String()
	if !strings.Contains(body, "Thôi nhận báo cáo qua thư") || !strings.Contains(body, "tài khoản chưa có địa chỉ thư điện tử") {
		t.Error("the archive does not show the subscription, and that the account has no address")
	}
	if res := b.send("POST", "/units/HN.HBT/reports/email", url.Values{"csrf_token": {token[1]}, "email": {"bantochuc@hbt.vn"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("set the address: %d", res.Code)
	}
	if body := b.send("GET", "/units/HN.HBT/reports", nil).Body.String(); !strings.Contains(body, "qua thư điện tử (bantochuc@hbt.vn)") {
		t.Error("the address was not saved")
	}
}

func TestReportPagesStayWithinScope(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	if res := f.do("POST", "/api/v1/units/HN.DD/reports", f.tokens["admin"], `{"week":"2020-W12"}`); res.Code != http.StatusCreated {
		t.Fatalf("admin makes HN.DD's report: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("secretary", testPassword)
	for _, path := range []string{"/units/HN.DD/reports", "/units/HN.DD/reports/2020-W12", "/units/HN.DD/reports/2020-W12/report.pdf",
		"/units/HN.DD/reports/compare?a=2020-W12&b=2020-W12"} {
		if res := b.send("GET", path, nil); res.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.Code)
		}
	}
	token := csrfField.FindStringSubmatch(b.send("GET", "/units/HN.HBT.A/reports", nil).Body.String())
	if token == nil {
		t.Fatal("no form on the secretary's archive")
	}
	if res := b.send("POST", "/units/HN.DD/reports", url.Values{"csrf_token": {token[1]}, "week": {"2020-W12"}}); res.Code != http.StatusNotFound {
		t.Errorf("make out of scope: %d, want 404", res.Code)
	}
	if body := b.send("GET", "/units/HN.HBT.A/reports", nil).Body.String(); strings.Contains(body, `action="/units/HN.HBT.A/reports"`) {
		t.Error("a secretary is offered the form to make a report")
	}
}

// A board user without an e-mail address who subscribes is told that no
// mail comes until they type one, and where: not to ask an administrator.
func TestSubscribingWithoutAnAddressSaysToTypeOne(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	b := f.browser("")
	b.login("board", testPassword)
	res := b.send("POST", "/units/HN.HBT/reports/subscription", url.Values{"csrf_token": {b.csrf()}, "subscribed": {"1"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", res.Code)
	}
	page := b.send("GET", "/units/HN.HBT/reports", nil).Body.String()
	for _, want := range []string{"thư sẽ đến khi đồng chí nhập địa chỉ thư điện tử ở dưới", "hãy nhập địa chỉ của đồng chí ở ô dưới đây", `<input id="email" name="email"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "quản trị viên") {
		t.Error("the page sends the user to an administrator for what they can do themselves")
	}
}
