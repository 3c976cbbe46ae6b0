package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
)

// readCSV renders r as CSV and reads it back.
func readCSV(t *testing.T, r Weekly, lang string) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := CSV(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	s, ok := strings.CutPrefix(buf.String(), "\ufeff")
	if !ok {
		t.Error("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSVWritesTheUnitsInTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang               string
		header             []string
		bachDang, dongNhan []string
	}{
		{"vi",
			[]string{"Mã", "Đơn vị", "Loại", "Đã đại hội", "Tổng số", "Tỷ lệ", "Tăng trong tuần", "Trạng thái", "Ngày đại hội", "Ngày dự kiến", "Thời hạn", "Đại hội điểm", "Đơn vị trễ hạn", "Cảnh báo", "Dự báo hoàn thành", "Dự báo trễ hạn"},
			[]string{"HN.HBT.BD", "Phường Bạch Đằng", "Đảng bộ phường", "6", "7", "85,71%", "+2", "Đã đại hội", "02/04/2020", "", "30/04/2020", "Có", "0", "", "12/04/2020", "Không"},
			[]string{"HN.HBT.DN", "Phường Đồng Nhân", "Đảng bộ phường", "3", "6", "50,00%", "+1", "Đang chuẩn bị", "", "20/04/2020", "31/03/2020", "Không", "1", "Trễ hạn 5 ngày; 1 đơn vị trực thuộc trễ hạn", "26/04/2020", "Có"}},
		{"en",
			[]string{"Code", "Unit", "Kind", "Held", "Total", "Share", "Held this week", "Status", "Held on", "Planned for", "Deadline", "Pilot", "Late units", "Warnings", "Projected done", "Projected late"},
			[]string{"HN.HBT.BD", "Phường Bạch Đằng", "Ward party committee", "6", "7", "85.71%", "+2", "Held", "2020-04-02", "", "2020-04-30", "Yes", "0", "", "2020-04-12", "No"},
			[]string{"HN.HBT.DN", "Phường Đồng Nhân", "Ward party committee", "3", "6", "50.00%", "+1", "Preparing", "", "2020-04-20", "2020-03-31", "No", "1", "5 days late; 1 unit below late", "2020-04-26", "Yes"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			recs := readCSV(t, fixture(), tc.lang)
			if len(recs) != 3 {
				t.Fatalf("%d records, want header and 2 units: %q", len(recs), recs)
			}
			for i, want := range [][]string{tc.header, tc.bachDang, tc.dongNhan} {
				if !slices.Equal(recs[i], want) {
					t.Errorf("record %d\n got %q\nwant %q", i, recs[i], want)
				}
			}
		})
	}
}

func TestCSVWithoutUnitsSaysNone(t *testing.T) {
	r := fixture()
	r.Units = nil
	for _, tc := range []struct{ lang, none string }{{"vi", "Không có"}, {"en", "None"}} {
		t.Run(tc.lang, func(t *testing.T) {
			recs := readCSV(t, r, tc.lang)
			if len(recs) != 2 || recs[1][0] != tc.none {
				t.Errorf("%q, want the header and a line %q", recs, tc.none)
			}
		})
	}
}

func TestCSVProjectsNeverAtNoPace(t *testing.T) {
	r := fixture()
	r.Units[1].Done = nil // 3 of 6 held, no pace
	r.Units[0].Done = nil // all but one held: still a day to say
	recs := readCSV(t, r, "en")
	if got := recs[2][14]; got != "Cannot tell: no cell held lately" {
		t.Errorf("Phường Đồng Nhân projected done %q", got)
	}
	r.Units[0].Held = r.Units[0].Total
	recs = readCSV(t, r, "en")
	if got := recs[1][14]; got != "" {
		t.Errorf("a unit with every cell held projects %q, want nothing", got)
	}
}

func TestFileNameIsASCIIAndSafeForAHeader(t *testing.T) {
	safe := regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	for _, tc := range []struct {
		name, code, week, format, want string
	}{
		{"district xlsx", "HN.HBT", "2020-W14", "xlsx", "bao-cao-tuan-HN.HBT-2020-W14.xlsx"},
		{"csv", "HN.HBT", "2020-W14", "csv", "bao-cao-tuan-HN.HBT-2020-W14.csv"},
		{"pdf", "HN.HBT", "2020-W14", "pdf", "bao-cao-tuan-HN.HBT-2020-W14.pdf"},
		{"Vietnamese letters lose their marks", "Đồng Nhân", "2020-W14", "pdf", "bao-cao-tuan-Dong-Nhan-2020-W14.pdf"},
		{"quotes, slashes and line breaks go", "a\"b/c\\d\r\ne;f", "2020-W14", "PDF", "bao-cao-tuan-a-b-c-d-e-f-2020-W14.pdf"},
		{"no code", "", "2020-W14", "xlsx", "bao-cao-tuan-2020-W14.xlsx"},
		{"dots at the ends go", "..HN.", "2020-W14", "csv", "bao-cao-tuan-HN-2020-W14.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Weekly{Unit: domain.UnitRef{Code: tc.code}, Week: tc.week}
			got := FileName(r, tc.format)
			if got != tc.want {
				t.Errorf("FileName = %q, want %q", got, tc.want)
			}
			if !safe.MatchString(got) {
				t.Errorf("%q is not safe ASCII", got)
			}
		})
	}
}

func TestContentTypeOfEachFormat(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"html", "text/html; charset=utf-8"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"csv", "text/csv; charset=utf-8"},
		{"pdf", "application/pdf"},
		{"docx", "application/octet-stream"},
	} {
		if got := ContentType(tc.format); got != tc.want {
			t.Errorf("ContentType(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}

func TestEveryLabelHasBothLanguages(t *testing.T) {
	v := reflect.ValueOf(labels)
	for i := range v.NumField() {
		l := v.Field(i).Interface().(domain.Text)
		if l.VI == "" || l.EN == "" {
			t.Errorf("label %s = %+v, want both languages", v.Type().Field(i).Name, l)
		}
	}
	for _, s := range []domain.Text{labels.SheetSummary, labels.SheetUnits, labels.SheetWeeks, labels.SheetHeld, labels.SheetPlanned, labels.SheetLate} {
		for _, name := range []string{s.VI, s.EN} {
			if len([]rune(name)) > 31 || strings.ContainsAny(name, `[]:*?/\`) {
				t.Errorf("sheet name %q is not allowed by Excel", name)
			}
		}
	}
}

func TestCSVKeepsUserTextFromRunningAsAFormula(t *testing.T) {
	r := fixture()
	r.Units[0].Name = `=HYPERLINK("http://x","Phường")`
	r.Units[1].Name = "@SUM(1)"
	recs := readCSV(t, r, "vi")
	for i, want := range []string{`'=HYPERLINK("http://x","Phường")`, "'@SUM(1)"} {
		if got := recs[i+1][1]; got != want {
			t.Errorf("name %q, want %q", got, want)
		}
	}
	if got := recs[1][6]; got != "+2" {
		t.Errorf("change %q, want +2 (a number of ours, left as it is)", got)
	}
}

func TestAnEmptyReportRendersInEveryFormat(t *testing.T) {
	var r Weekly
	for _, lang := range []string{"vi", "en"} {
		for name, render := range map[string]func(*bytes.Buffer) error{
			"xlsx": func(b *bytes.Buffer) error { return XLSX(b, r, lang) },
			"csv":  func(b *bytes.Buffer) error { return CSV(b, r, lang) },
			"pdf":  func(b *bytes.Buffer) error { return PDF(b, r, lang) },
		} {
			t.Run(name+" "+lang, func(t *testing.T) {
				var buf bytes.Buffer
				if err := render(&buf); err != nil {
					t.Fatal(err)
				}
				if buf.Len() == 0 {
					t.Error("nothing written")
				}
			})
		}
	}
}

// Large counts are read with their digits grouped in the language's way
// on the pages and the PDF; the CSV keeps bare digits for programs.
func TestLargeCountsAreGroupedForReadersAndBareForPrograms(t *testing.T) {
	r := fixture()
	r.Headline[0].Value, r.Headline[0].Total, r.Headline[0].Prev, r.Headline[0].PrevTotal = 190345, 300512, 180000, 300512
	r.Units[0].Held, r.Units[0].Total, r.Units[0].PrevHeld = 12345, 20000, 345
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang         string
		page, csvRow []string
	}{
		{"vi", []string{"190.345 / 300.512 (63,34%)", "&#43;10.345", "12.345 / 20.000"}, []string{"12345", "20000", "61,73%", "+12000"}},
		{"en", []string{"190,345 / 300,512 (63.34%)", "&#43;10,345", "12,345 / 20,000"}, []string{"12345", "20000", "61.73%", "+12000"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			var page bytes.Buffer
			if err := HTML(&page, cat, r, tc.lang); err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.page {
				if !strings.Contains(page.String(), want) {
					t.Errorf("page lacks %q", want)
				}
			}
			recs := readCSV(t, r, tc.lang)
			if got := recs[1][3:7]; !slices.Equal(got, tc.csvRow) {
				t.Errorf("CSV row %q, want %q", got, tc.csvRow)
			}
		})
	}
}

// The report's contents link every part of it, on a phone a long page.
func TestTheReportsContentsLeadToEachPart(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := HTML(&page, cat, fixture(), "vi"); err != nil {
		t.Fatal(err)
	}
	body := page.String()
	links := regexp.MustCompile(`<nav class="report-toc"[^>]*>(?s:.*?)</nav>`).FindString(body)
	anchors := regexp.MustCompile(`href="#([a-z-]+)"`).FindAllStringSubmatch(links, -1)
	if len(anchors) < 11 {
		t.Fatalf("the contents link %d parts: %s", len(anchors), links)
	}
	for _, a := range anchors {
		if !strings.Contains(body, `<h2 id="`+a[1]+`">`) {
			t.Errorf("the contents link #%s, which no heading holds", a[1])
		}
	}
}
