package report

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// pdftotext reads the text of the PDF b as poppler's pdftotext -layout
// lays it out, the pages split at form feeds; first and last (from 1)
// narrow it to those pages when not 0.
func pdftotext(t *testing.T, b []byte, first, last int) []string {
	t.Helper()
	args := []string{"-layout", "-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	cmd := exec.Command("pdftotext", append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f")
}

// crowded is the fixture with long names in every list, many late units
// under several places, and units projected late: what wraps the most.
func crowded() Weekly {
	r := manyUnits(30)
	long := []string{"Đảng bộ Công ty Trách nhiệm hữu hạn Một thành viên Dệt 8-3 Hai Bà Trưng",
		"Đảng bộ Bệnh viện Phổi Hà Nội", "Chi bộ Trường Trung học phổ thông Đoàn Kết – Hai Bà Trưng"}
	for i := range r.Units {
		r.Units[i].Name = long[i%len(long)] + " " + strconv.Itoa(i)
		r.Units[i].Late = i%4 == 0
		r.Units[i].ProjectedLate = i%3 == 0
		r.Units[i].Flags = FlagTexts(i%4 == 0, 12, i%5 == 0, i%3)
	}
	r.Late = nil
	for i := range 40 {
		ward := domain.UnitRef{Code: "HN.HBT.W" + strconv.Itoa(i%6), Name: "Đảng bộ phường Nguyễn Trung Trực " + strconv.Itoa(i%6)}
		l := domain.ReportLate{UnitRef: domain.UnitRef{Code: fmt.Sprintf("HN.HBT.W%d.TDP%02d", i%6, i), Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d", i)},
			KindName: kindCell, Parent: ward.Name, Place: domain.Place{ward}, Flag: domain.FlagLate,
			FlagName: domain.Text{VI: "Trễ hạn đại hội", EN: "Congress late"}, Deadline: fixDay("2020-03-31"), DaysOverdue: 5 + i%7,
			Detail: domain.Text{VI: "Quá thời hạn 31/03/2020", EN: "Past the deadline of 2020-03-31"}}
		r.Late = append(r.Late, l)
	}
	r.LateCount, r.AtRiskCount = 40, 0
	r.Headline[3].Value = 40
	return r
}

// wordsOf are the words of texts, split at white space.
func wordsOf(texts []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range texts {
		for _, w := range strings.Fields(s) {
			out[w] = true
		}
	}
	return out
}

func TestPDFNeverSplitsAWordAcrossLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Weekly
	}{
		{"the fixture", fixture()},
		{"many units", manyUnits(120)},
		{"long names and many late units", crowded()},
	} {
		for _, lang := range []string{"vi", "en"} {
			t.Run(tc.name+" "+lang, func(t *testing.T) {
				b, written, err := renderPDF(tc.r, lang)
				if err != nil {
					t.Fatal(err)
				}
				pages := pdftotext(t, b, 0, 0)
				for i := range written {
					written[i] = strings.ReplaceAll(written[i], "{nb}", strconv.Itoa(len(pages)))
				}
				known := wordsOf(written)
				for i, page := range pages {
					for _, line := range strings.Split(page, "\n") {
						for _, w := range strings.Fields(line) {
							if !known[w] {
								t.Errorf("page %d: %q is not a word of the report (a word cut across lines?) in %q", i+1, w, strings.TrimSpace(line))
							}
						}
					}
				}
			})
		}
	}
}

func TestPDFFirstPageHoldsTheHeadlineTheForecastAndTheLateUnitsByPlace(t *testing.T) {
	for _, tc := range []struct {
		lang      string
		want, not []string
	}{
		{"vi", []string{"Số liệu chính", "Chi bộ đã đại hội", "9/13", "69,23%", "+3 trong tuần", "Tuần trước: 6/13 (46,15%)",
			"Dự báo so với thời hạn", "Với nhịp độ 2,3 chi bộ/tuần, dự kiến hoàn thành ngày 18/04/2020, trước thời hạn đại hội của đơn vị (30/04/2020).",
			"1 đơn vị trực thuộc dự báo trễ hạn", "Đơn vị trễ hạn theo nơi (1)", "Phường Đồng Nhân", "1 đơn vị có nguy cơ trễ hạn"},
			[]string{"Đơn vị trực thuộc\n", "Tỷ lệ chi bộ đã đại hội theo tuần"}},
		{"en", []string{"Headline figures", "Cells held", "9/13", "69.23%", "+3 this week", "A week before: 6/13 (46.15%)",
			"Forecast against the deadline", "At 2.3 cells a week, all will have held by 18/04/2020, before the unit's own deadline of 30/04/2020.",
			"1 units below projected late", "Late units by place (1)", "Phường Đồng Nhân", "1 units at risk"},
			[]string{"Units\n", "Share of cells held, by week"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b, _, err := renderPDF(fixture(), tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			page := pdftotext(t, b, 1, 1)[0]
			flat := strings.Join(strings.Fields(page), " ")
			for _, w := range tc.want {
				if !strings.Contains(flat, w) {
					t.Errorf("page 1 lacks %q:\n%s", w, page)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(page, w) {
					t.Errorf("page 1 holds %q, a part of the pages after", w)
				}
			}
		})
	}
}

func TestPDFFirstPageCountsTheLateUnitsItHasNoRoomFor(t *testing.T) {
	r := crowded()
	for i := range r.Late {
		r.Late[i].Place = domain.Place{{Code: fmt.Sprintf("P%d", i), Name: fmt.Sprintf("Đảng bộ phường số %d", i)}}
	}
	b, _, err := renderPDF(r, "vi")
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Join(strings.Fields(pdftotext(t, b, 1, 1)[0]), " ")
	shown := strings.Count(page, "Đảng bộ phường số ")
	if shown == 0 || shown == 40 {
		t.Fatalf("%d of 40 places on page 1, want some, not all", shown)
	}
	if want := fmt.Sprintf("… và %d đơn vị trễ hạn khác: xem bảng «Trễ hạn và có nguy cơ».", 40-shown); !strings.Contains(page, want) {
		t.Errorf("page 1 lacks %q:\n%s", want, page)
	}
}

func TestPDFKeepsEveryHeadingWithWhatItHeads(t *testing.T) {
	headings := []string{"Tiến độ theo tuần", "Đơn vị dự báo trễ hạn", "Đơn vị trực thuộc", "Đã đại hội trong tuần",
		"Dự kiến tuần tới", "Trễ hạn và có nguy cơ", "Số liệu chính", "Dự báo so với thời hạn"}
	for n := 0; n < 60; n += 3 {
		b, _, err := renderPDF(manyUnits(n), "vi")
		if err != nil {
			t.Fatal(err)
		}
		for i, page := range pdftotext(t, b, 0, 0) {
			var lines []string
			for _, l := range strings.Split(page, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			if len(lines) < 2 {
				continue
			}
			last := lines[len(lines)-2] // the footer is the last
			for _, h := range headings {
				if last == h {
					t.Errorf("%d units: page %d ends with the heading %q", n, i+1, h)
				}
			}
		}
	}
}

func TestWrapWordsBreaksOnlyBetweenWords(t *testing.T) {
	width := func(s string) float64 { return float64(len([]rune(s))) }
	for _, tc := range []struct {
		s     string
		width float64
		want  []string
	}{
		{"Tăng trong tuần", 6, []string{"Tăng", "trong", "tuần"}},
		{"Tăng trong tuần", 10, []string{"Tăng trong", "tuần"}},
		{"Tăng trong tuần", 20, []string{"Tăng trong tuần"}},
		{"a\nb c", 9, []string{"a", "b c"}},
		{"", 5, []string{""}},
		// only a word wider than the column on its own is cut
		{"HN.HBT.DETKIMDONGXUAN x", 10, []string{"HN.HBT.DET", "KIMDONGXUA", "N x"}},
	} {
		if got := wrapWords(tc.s, tc.width, width); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrapWords(%q, %v) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
	}
}

func TestFitColumnsGivesEveryColumnItsWidestWord(t *testing.T) {
	for _, tc := range []struct {
		name           string
		weights, least []float64
		total          float64
		want           []float64
		fits           bool
	}{
		{"shares by weight when every word fits", []float64{1, 1, 2}, []float64{5, 5, 5}, 40, []float64{10, 10, 20}, true},
		{"a narrow column takes room from the others", []float64{1, 1, 2}, []float64{15, 5, 5}, 40, []float64{15, 25.0 / 3, 50.0 / 3}, true},
		{"too many words for the width", []float64{1, 1}, []float64{30, 30}, 40, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fitColumns(tc.weights, tc.least, tc.total)
			if ok != tc.fits || fmt.Sprintf("%.3f", got) != fmt.Sprintf("%.3f", tc.want) {
				t.Errorf("fitColumns = %v, %v; want %v, %v", got, ok, tc.want, tc.fits)
			}
		})
	}
}
