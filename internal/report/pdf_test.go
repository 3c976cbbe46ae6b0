package report

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// pdfPages renders r as PDF and reads the text of each page back with
// ledongthuc/pdf.
func pdfPages(t *testing.T, r Weekly, lang string) ([]string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := PDF(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for i := 1; i <= rd.NumPage(); i++ {
		var s strings.Builder
		for _, tx := range rd.Page(i).Content().Text {
			s.WriteString(tx.S)
		}
		pages = append(pages, s.String())
	}
	return pages, b
}

func TestPDFReadsBackWithVietnameseIntact(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"vi", []string{
			"Báo cáo tiến độ đại hội tuần 14/2020", "Quận Hai Bà Trưng", "Phường Bạch Đằng", "Phường Đồng Nhân",
			"Chi bộ Khu dân cư số 1", "Chi bộ đã đại hội", "69,23%", "+3", "Trễ hạn 5 ngày",
			"Với nhịp độ 2,3 chi bộ/tuần", "Dự kiến tuần tới", "Không có", "Trang 1/",
		}},
		{"en", []string{
			"Congress progress report, week 14/2020", "Quận Hai Bà Trưng", "Phường Bạch Đằng", "Phường Đồng Nhân",
			"Chi bộ Khu dân cư số 1", "Cells held", "69.23%", "+3", "5 days late",
			"At 2.3 cells a week", "Planned next week", "None", "Page 1 of ",
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			pages, b := pdfPages(t, fixture(), tc.lang)
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/FontFile2")) {
				t.Error("not a PDF with an embedded TrueType font")
			}
			text := strings.Join(pages, "\n")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestPDFRepeatsTheUnitsHeaderOnEveryPage(t *testing.T) {
	pages, _ := pdfPages(t, manyUnits(120), "vi")
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the units over several", len(pages))
	}
	unitPages := 0
	for i, p := range pages {
		if !strings.Contains(p, "Phường số") {
			continue
		}
		unitPages++
		if !strings.Contains(p, "Trạng thái") || !strings.Contains(p, "Cảnh báo") {
			t.Errorf("page %d lists units without the header", i+1)
		}
		if want := "Trang " + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	if unitPages < 2 {
		t.Errorf("units on %d pages, want at least 2", unitPages)
	}
	for _, name := range []string{"Phường số 000", "Phường số 119"} {
		if !strings.Contains(strings.Join(pages, ""), name) {
			t.Errorf("%s missing", name)
		}
	}
}

func TestPDFToUnicodeIsRewrittenAndTheCrossReferencesHold(t *testing.T) {
	_, b := pdfPages(t, fixture(), "vi")
	if bytes.Contains(b, []byte("<0000> <FFFF> <0000>")) {
		t.Error("fpdf's one-range ToUnicode CMap is still there")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[at:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", at)
	}
	entry := regexp.MustCompile(`(?m)^(\d{10}) 00000 n $`)
	objs := 0
	for i, e := range entry.FindAllSubmatch(b[at:], -1) {
		off, _ := strconv.Atoi(string(e[1]))
		if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", i+1, b[off:min(off+12, len(b))], want)
		}
		objs++
	}
	if objs < 10 {
		t.Errorf("%d objects in the xref table", objs)
	}
}

func TestPDFWritesTextBeyondTheFontsPlaneSafely(t *testing.T) {
	r := fixture()
	r.Units[0].Name = "Phường Bạch Đằng 🏛"
	pages, _ := pdfPages(t, r, "vi")
	if !strings.Contains(strings.Join(pages, ""), "Phường Bạch Đằng \uFFFD") {
		t.Error("the emoji is not replaced")
	}
}
