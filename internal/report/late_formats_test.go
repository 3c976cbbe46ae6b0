package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// sheetXMLDimensions reads the <dimension ref> of the XML of each sheet of
// the XLSX file b, by file name.
func sheetXMLDimensions(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`<dimension ref="([^"]*)"`)
	out := map[string]string{}
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := io.ReadAll(r)
		r.Close()
		if m := ref.FindSubmatch(x); m != nil {
			out[f.Name] = string(m[1])
		}
	}
	return out
}

func TestXLSXSheetsDeclareTheirRealDimension(t *testing.T) {
	f, b := writeXLSX(t, fixture(), "vi")
	dims := sheetXMLDimensions(t, b)
	for i, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		last, _ := excelize.CoordinatesToCellName(cols, len(rows))
		file := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		if got, want := dims[file], "A1:"+last; got != want {
			t.Errorf("sheet %q (%s) declares %q, want %q", sheet, file, got, want)
		}
	}
}

func TestXLSXPaintsTheRowsOfLateUnitsRed(t *testing.T) {
	f, _ := writeXLSX(t, fixture(), "vi")
	fontColor := func(sheet, cell string) string {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Font == nil {
			return ""
		}
		return strings.ToUpper(st.Font.Color)
	}
	for _, tc := range []struct {
		name, sheet, first string
		red                bool
	}{
		{"a late unit of the late list", "Trễ hạn và có nguy cơ", "HN.HBT.DN", true},
		{"a unit at risk of the late list", "Trễ hạn và có nguy cơ", "HN.HBT.DN.KDC7", false},
		{"a late unit below", "Đơn vị trực thuộc", "HN.HBT.DN", true},
		{"a unit below on time", "Đơn vị trực thuộc", "HN.HBT.BD", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, n := rowWhere(t, f, tc.sheet, tc.first)
			head, _ := rowWhere(t, f, tc.sheet, "Mã")
			for col := 1; col <= len(head)-20; col++ { // rowWhere pads with 20 cells
				cell, _ := excelize.CoordinatesToCellName(col, n)
				if got := fontColor(tc.sheet, cell) == "A4161A"; got != tc.red {
					t.Errorf("%s: red %v, want %v", cell, got, tc.red)
				}
			}
		})
	}
}

func TestCSVWithSemicolonsKeepsTheColumnsOfTheUnitsSheet(t *testing.T) {
	var buf bytes.Buffer
	if err := CSVSep(&buf, fixture(), "vi", tablefile.Semicolon); err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(buf.String(), "\ufeff")
	if strings.Count(strings.SplitN(text, "\n", 2)[0], ";") != len(unitsTable(fixture(), "vi").cols)-1 {
		t.Errorf("header line %q: not one column per semicolon", strings.SplitN(text, "\n", 2)[0])
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1][1] != "Phường Bạch Đằng" || recs[1][5] != "85,71%" || recs[2][13] != "Trễ hạn 5 ngày; 1 đơn vị trực thuộc trễ hạn" {
		t.Errorf("read back %q", recs)
	}
}

func TestCSVSeparatorRefusesAnUnknownOne(t *testing.T) {
	for _, tc := range []struct {
		sep  string
		want rune
		ok   bool
	}{{"", ',', true}, {"comma", ',', true}, {"semicolon", ';', true}, {"tab", 0, false}, {";", 0, false}} {
		got, err := CSVSeparator(tc.sep)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("CSVSeparator(%q) = %q, %v", tc.sep, got, err)
		}
	}
	if got := SemicolonName("bao-cao-tuan-HN.HBT-2020-W14.csv"); got != "bao-cao-tuan-HN.HBT-2020-W14-cham-phay.csv" {
		t.Errorf("SemicolonName = %q", got)
	}
}

// stored writes r as stored in weekly_reports, without the keys given in
// the places of the lists and in the units below: a report stored before
// they were kept.
func stored(t *testing.T, r Weekly, drop ...string) Weekly {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"units", "held_in_week", "planned_next_week", "late"} {
		rows, _ := v.(map[string]any)[list].([]any)
		for _, row := range rows {
			for _, k := range drop {
				delete(row.(map[string]any), k)
			}
		}
	}
	if b, err = json.Marshal(v); err != nil {
		t.Fatal(err)
	}
	old, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return old
}

func TestAReportStoredBeforePlacesWereKeptRendersInEveryFormat(t *testing.T) {
	old := stored(t, fixture(), "place", "late")
	if old.Late[1].Place != nil || old.Units[1].Late {
		t.Fatal("the old report still has places or late units below")
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, cat, old, format, "vi"); err != nil {
				t.Fatal(err)
			}
			if buf.Len() < 200 {
				t.Errorf("%d bytes", buf.Len())
			}
		})
	}
	// The place of a unit is then the name of the unit above it.
	var buf bytes.Buffer
	if err := HTML(&buf, cat, old, "vi"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<small class="place">Phường Đồng Nhân</small>`) {
		t.Error("the unit at risk is not placed under its parent")
	}
	b, _, err := renderPDF(old, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if page := strings.Join(strings.Fields(pdftotext(t, b, 1, 1)[0]), " "); !strings.Contains(page, "Quận Hai Bà Trưng 1 Phường Đồng Nhân") {
		t.Errorf("page 1 does not place the late unit under its parent:\n%s", page)
	}
}

func TestTheHTMLLinksEveryUnitAndItsPlaceOnTheSiteOnly(t *testing.T) {
	v := NewView(fixture(), "vi")
	if got := v.Held[0]; got.Href != "/units/HN.HBT.BD.KDC1" || len(got.Place) != 1 || got.Place[0].Href != "/units/HN.HBT.BD" {
		t.Errorf("held congress %+v", got)
	}
	if got := v.Late[1]; got.Href != "/units/HN.HBT.DN.KDC7" || got.Place[0].Name != "Phường Đồng Nhân" {
		t.Errorf("unit at risk %+v", got)
	}
	if got := v.LateByPlace; len(got) != 1 || len(got[0].Place) != 0 || got[0].Units[0].Href != "/units/HN.HBT.DN" || got[0].Most != 5 {
		t.Errorf("late by place %+v", got)
	}
	if got := v.Projected; len(got) != 1 || got[0].Href != "/units/HN.HBT.DN" || got[0].Done != "26/04/2020" || got[0].Deadline != "31/03/2020" || got[0].DaysAfter != 26 {
		t.Errorf("projected late %+v", got)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := HTML(&buf, cat, fixture(), "vi"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `href="/units/`) {
		t.Error("the standalone file links to the site's pages")
	}
}

func TestTheChartSaysItsLatestValuesAndShowsItsData(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, alt, row string }{
		{"vi", "Tỷ lệ chi bộ đã đại hội theo tuần, từ tuần 11/2020 đến tuần 14/2020: cuối tuần 14/2020 đạt 69,23% (9/13 chi bộ). Cuối tuần trước: 46,15%.",
			`<tr><th scope="row">14/2020</th><td>05/04/2020</td><td class="num">9 / 13</td><td class="num">69,23%</td></tr>`},
		{"en", "Share of cells held by week, from week 11/2020 to week 14/2020: 69.23% at the end of week 14/2020 (9/13 cells). The week before: 46.15%.",
			`<tr><th scope="row">14/2020</th><td>2020-04-05</td><td class="num">9 / 13</td><td class="num">69.23%</td></tr>`},
	} {
		var buf bytes.Buffer
		if err := HTML(&buf, cat, fixture(), tc.lang); err != nil {
			t.Fatal(err)
		}
		html := buf.String()
		if !strings.Contains(html, `aria-labelledby="r-chart-alt"`) || !strings.Contains(html, `<figcaption id="r-chart-alt">`+tc.alt+`</figcaption>`) {
			t.Errorf("%s: the chart's text is not %q", tc.lang, tc.alt)
		}
		if !strings.Contains(html, tc.row) {
			t.Errorf("%s: the chart's data lacks %s", tc.lang, tc.row)
		}
	}
}
