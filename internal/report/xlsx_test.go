package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeXLSX renders r and opens the workbook again.
func writeXLSX(t *testing.T, r Weekly, lang string) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// rowWhere returns the row of sheet whose first cell is first, with its row
// number (from 1).
func rowWhere(t *testing.T, f *excelize.File, sheet, first string) ([]string, int) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == first {
			return append(r, make([]string, 20)...), i + 1
		}
	}
	t.Fatalf("sheet %q has no row starting %q: %q", sheet, first, rows)
	return nil, 0
}

func TestXLSXNamesItsSheetsInTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"vi", []string{"Tổng hợp", "Đơn vị trực thuộc", "Tiến độ theo tuần", "Đã đại hội trong tuần", "Dự kiến tuần tới", "Trễ hạn và có nguy cơ",
			"Chưa gửi đủ văn bản", "Cơ cấu cấp ủy"}},
		{"en", []string{"Summary", "Units", "Progress by week", "Held during the week", "Planned next week", "Late and at risk",
			"Papers missing", "Committee composition"}},
		{"", []string{"Tổng hợp", "Đơn vị trực thuộc", "Tiến độ theo tuần", "Đã đại hội trong tuần", "Dự kiến tuần tới", "Trễ hạn và có nguy cơ",
			"Chưa gửi đủ văn bản", "Cơ cấu cấp ủy"}},
	} {
		t.Run("lang "+tc.lang, func(t *testing.T) {
			f, _ := writeXLSX(t, fixture(), tc.lang)
			if got := f.GetSheetList(); !slices.Equal(got, tc.want) {
				t.Errorf("sheets %q, want %q", got, tc.want)
			}
			for _, s := range tc.want {
				if _, err := f.GetRows(s); err != nil {
					t.Errorf("sheet %q does not read back: %v", s, err)
				}
			}
		})
	}
}

func TestXLSXSummaryHasHeadlineForecastAndProjectedLate(t *testing.T) {
	for _, tc := range []struct {
		lang, sheet, title, cells, late, madeAt, verdict, projected string
	}{
		{"vi", "Tổng hợp", "Báo cáo tiến độ đại hội tuần 14/2020 (30/03/2020 – 05/04/2020) — Quận Hai Bà Trưng",
			"Chi bộ đã đại hội", "Đơn vị trễ hạn", "06/04/2020 08:00",
			"Với nhịp độ 2,3 chi bộ/tuần, dự kiến hoàn thành ngày 18/04/2020, trước thời hạn đại hội của đơn vị (30/04/2020).", "Đơn vị dự báo trễ hạn"},
		{"en", "Summary", "Congress progress report, week 14/2020 (30/03/2020 – 05/04/2020) — Quận Hai Bà Trưng",
			"Cells held", "Late units", "2020-04-06 08:00",
			"At 2.3 cells a week, all will have held by 18/04/2020, before the unit's own deadline of 30/04/2020.", "Units projected late"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f, _ := writeXLSX(t, fixture(), tc.lang)
			if got, _ := f.GetCellValue(tc.sheet, "A1"); got != tc.title {
				t.Errorf("A1 = %q, want %q", got, tc.title)
			}
			cells, n := rowWhere(t, f, tc.sheet, tc.cells)
			if got, want := cells[1:7], []string{"9", "13", "69.23%", "6", "46.15%", "+3"}; !slices.Equal(got, want) {
				t.Errorf("cells held row %q, want %q", got, want)
			}
			if typ, _ := f.GetCellType(tc.sheet, "B"+strconv.Itoa(n)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("headline value is text, want a number")
			}
			late, _ := rowWhere(t, f, tc.sheet, tc.late)
			if got, want := late[1:7], []string{"1", "", "", "0", "", "+1"}; !slices.Equal(got, want) {
				t.Errorf("late units row %q, want %q (no total, no share)", got, want)
			}
			made, _ := rowWhere(t, f, tc.sheet, map[string]string{"vi": "Lập lúc", "en": "Made at"}[tc.lang])
			if made[1] != tc.madeAt {
				t.Errorf("made at %q, want %q (Hà Nội time)", made[1], tc.madeAt)
			}
			rowWhere(t, f, tc.sheet, tc.verdict)
			_, p := rowWhere(t, f, tc.sheet, tc.projected)
			if got, _ := f.GetCellValue(tc.sheet, "B"+strconv.Itoa(p+2)); got != "Phường Đồng Nhân" {
				t.Errorf("first unit projected late %q, want Phường Đồng Nhân", got)
			}
		})
	}
}

func TestXLSXUnitsSheetHasOneTypedRowPerUnit(t *testing.T) {
	for _, tc := range []struct {
		lang, sheet string
		header      []string
		bachDang    []string
		dongNhan    []string
	}{
		{"vi", "Đơn vị trực thuộc",
			[]string{"Mã", "Đơn vị", "Loại", "Đã đại hội", "Tổng số", "Tỷ lệ", "Tăng trong tuần", "Trạng thái", "Ngày đại hội", "Ngày dự kiến", "Thời hạn", "Đại hội điểm", "Đơn vị trễ hạn", "Cảnh báo", "Dự báo hoàn thành", "Dự báo trễ hạn"},
			[]string{"HN.HBT.BD", "Phường Bạch Đằng", "Đảng bộ phường", "6", "7", "85.71%", "+2", "Đã đại hội", "02/04/2020", "", "30/04/2020", "Có", "0", "", "12/04/2020", "Không"},
			[]string{"HN.HBT.DN", "Phường Đồng Nhân", "Đảng bộ phường", "3", "6", "50.00%", "+1", "Đang chuẩn bị", "", "20/04/2020", "31/03/2020", "Không", "1", "Trễ hạn 5 ngày; 1 đơn vị trực thuộc trễ hạn", "26/04/2020", "Có"}},
		{"en", "Units",
			[]string{"Code", "Unit", "Kind", "Held", "Total", "Share", "Held this week", "Status", "Held on", "Planned for", "Deadline", "Pilot", "Late units", "Warnings", "Projected done", "Projected late"},
			[]string{"HN.HBT.BD", "Phường Bạch Đằng", "Ward party committee", "6", "7", "85.71%", "+2", "Held", "2020-04-02", "", "2020-04-30", "Yes", "0", "", "2020-04-12", "No"},
			[]string{"HN.HBT.DN", "Phường Đồng Nhân", "Ward party committee", "3", "6", "50.00%", "+1", "Preparing", "", "2020-04-20", "2020-03-31", "No", "1", "5 days late; 1 unit below late", "2020-04-26", "Yes"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f, _ := writeXLSX(t, fixture(), tc.lang)
			rows, err := f.GetRows(tc.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 {
				t.Fatalf("%d rows, want header and 2 units: %q", len(rows), rows)
			}
			pad := func(r []string) []string { return append(r, make([]string, len(tc.header)-len(r))...) }
			for i, want := range [][]string{tc.header, tc.bachDang, tc.dongNhan} {
				if got := pad(rows[i]); !slices.Equal(got, want) {
					t.Errorf("row %d\n got %q\nwant %q", i+1, got, want)
				}
			}
			for _, cell := range []string{"D2", "E2", "F2", "G2", "I2", "K2"} {
				if typ, _ := f.GetCellType(tc.sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("%s is text, want a number or a date", cell)
				}
			}
			if raw, _ := f.GetCellValue(tc.sheet, "F2", excelize.Options{RawCellValue: true}); raw != "0.8571" {
				t.Errorf("share F2 raw %q, want the fraction 0.8571", raw)
			}
			panes, err := f.GetPanes(tc.sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("header not frozen: %+v %v", panes, err)
			}
		})
	}
}

func TestXLSXLateSheetCountsDaysOverdue(t *testing.T) {
	for _, tc := range []struct{ lang, sheet string }{{"vi", "Trễ hạn và có nguy cơ"}, {"en", "Late and at risk"}} {
		t.Run(tc.lang, func(t *testing.T) {
			f, _ := writeXLSX(t, fixture(), tc.lang)
			late, n := rowWhere(t, f, tc.sheet, "HN.HBT.DN")
			if late[7] != "5" {
				t.Errorf("Phường Đồng Nhân %q days overdue, want 5", late[7])
			}
			if typ, _ := f.GetCellType(tc.sheet, "H"+strconv.Itoa(n)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Error("days overdue is text, want a number")
			}
			if atRisk, _ := rowWhere(t, f, tc.sheet, "HN.HBT.DN.KDC7"); atRisk[7] != "-5" {
				t.Errorf("at-risk cell %q days overdue, want -5 (deadline ahead)", atRisk[7])
			}
		})
	}
}

func TestXLSXListsSayNoneWhenEmptyAndNoteWhenCut(t *testing.T) {
	r := fixture()
	r.HeldInWeekCount = 412 // the list holds 2 of them
	r.AtRiskCount = 400     // the late list holds the late unit and 1 of them
	for _, tc := range []struct{ lang, planned, held, late, none, note, lateNote string }{
		{"vi", "Dự kiến tuần tới", "Đã đại hội trong tuần", "Trễ hạn và có nguy cơ", "Không có", "Chỉ liệt kê 2 trên tổng số 412.", "Chỉ liệt kê 2 trên tổng số 401."},
		{"en", "Planned next week", "Held during the week", "Late and at risk", "None", "Showing 2 of 412.", "Showing 2 of 401."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f, _ := writeXLSX(t, r, tc.lang)
			if got, _ := f.GetCellValue(tc.planned, "A2"); got != tc.none {
				t.Errorf("empty planned list A2 = %q, want %q", got, tc.none)
			}
			if got, _ := f.GetCellValue(tc.held, "A4"); got != tc.note {
				t.Errorf("cut held list A4 = %q, want %q", got, tc.note)
			}
			if got, _ := f.GetCellValue(tc.late, "A4"); got != tc.lateNote {
				t.Errorf("cut late list A4 = %q, want %q (late and at risk counted)", got, tc.lateNote)
			}
			if got, _ := f.GetCellValue(tc.held, "C2"); got != "Chi bộ Khu dân cư số 1" {
				t.Errorf("held list C2 = %q", got)
			}
		})
	}
}

// chartSpace is what the tests read of xl/charts/chartN.xml.
type chartSpace struct {
	LineCharts []struct {
		Series []struct {
			Cat string `xml:"cat>strRef>f"`
			Val string `xml:"val>numRef>f"`
		} `xml:"ser"`
	} `xml:"chart>plotArea>lineChart"`
	BarCharts []struct{} `xml:"chart>plotArea>barChart"`
}

// zipFile returns a file of an XLSX, or false when it has none by that name.
func zipFile(t *testing.T, b []byte, name string) (string, bool) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			s, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(s), true
		}
	}
	return "", false
}

func TestXLSXChartsTheProgressByWeekAsALine(t *testing.T) {
	for _, tc := range []struct{ lang, sheet, ref string }{
		{"vi", "Tiến độ theo tuần", "'Tiến độ theo tuần'"},
		{"en", "Progress by week", "'Progress by week'"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f, b := writeXLSX(t, fixture(), tc.lang)
			rows, err := f.GetRows(tc.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 5 || rows[1][0] != "2020-W11" || rows[4][0] != "2020-W14" || rows[4][4] != "69.23%" {
				t.Errorf("weeks sheet %q", rows)
			}
			x, ok := zipFile(t, b, "xl/charts/chart1.xml")
			if !ok {
				t.Fatal("no xl/charts/chart1.xml")
			}
			var c chartSpace
			if err := xml.Unmarshal([]byte(x), &c); err != nil {
				t.Fatal(err)
			}
			if len(c.LineCharts) != 1 || len(c.BarCharts) != 0 || len(c.LineCharts[0].Series) != 1 {
				t.Fatalf("want one line chart with one series: %+v", c)
			}
			s := c.LineCharts[0].Series[0]
			if want := tc.ref + "!$E$2:$E$5"; s.Val != want {
				t.Errorf("values %q, want %q (the share of 4 weeks)", s.Val, want)
			}
			if want := tc.ref + "!$A$2:$A$5"; s.Cat != want {
				t.Errorf("categories %q, want %q (the weeks)", s.Cat, want)
			}
			// The chart hangs in the third sheet, the progress by week.
			rels, _ := zipFile(t, b, "xl/worksheets/_rels/sheet3.xml.rels")
			drawing, _ := zipFile(t, b, "xl/drawings/_rels/drawing1.xml.rels")
			if !strings.Contains(rels, "drawings/drawing1.xml") || !strings.Contains(drawing, "charts/chart1.xml") {
				t.Errorf("chart not drawn on sheet 3:\n%s\n%s", rels, drawing)
			}
		})
	}
	t.Run("no weeks, no chart", func(t *testing.T) {
		r := fixture()
		r.Weeks = nil
		f, b := writeXLSX(t, r, "vi")
		if _, ok := zipFile(t, b, "xl/charts/chart1.xml"); ok {
			t.Error("a chart of nothing")
		}
		if got, _ := f.GetCellValue("Tiến độ theo tuần", "A2"); got != "Không có" {
			t.Errorf("A2 = %q, want Không có", got)
		}
	})
}
