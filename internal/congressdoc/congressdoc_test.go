package congressdoc

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// hospital is the demo's Lung Hospital after its congress: its secretary
// elected 35/35/39 = 89,74%.
func hospital() Data {
	held := domain.DayOf(time.Date(2020, 3, 26, 0, 0, 0, 0, time.UTC))
	planned := held
	expected, present := 40, 39
	c := domain.Composition{Committees: 1, Members: 3, Women: 2, Youth: 1, EthnicMinority: 0, Reelected: 2}
	c.Fill()
	return Data{UnitName: "Đảng bộ Bệnh viện Phổi Hà Nội", SuperiorName: "Đảng bộ quận Hai Bà Trưng", UnitKind: "grassroots_committee",
		Place: "Hà Nội", Today: domain.DayOf(time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC)), Term: "2020–2025",
		PlannedDate: &planned, HeldDate: &held, DelegatesExpected: &expected, DelegatesPresent: &present,
		Results: &Results{CommitteeSize: 3, CommitteeWomen: 2, DelegatesElected: 1, SecretaryName: "Đỗ Quang Vinh", Composition: c,
			Elected: []Person{
				{Position: "secretary", PositionName: "Bí thư", FullName: "Đỗ Quang Vinh", VotesFor: 35, ValidBallots: 35, DelegatesPresent: 39},
				{Position: "deputy_secretary", PositionName: "Phó Bí thư", FullName: "Hoàng Thị Lan", VotesFor: 34, ValidBallots: 35, DelegatesPresent: 39},
				{Position: "committee", PositionName: "Ủy viên Ban Chấp hành", FullName: "Vũ Thị Hương", VotesFor: 33, ValidBallots: 35, DelegatesPresent: 39},
				{Position: "delegate", PositionName: "Đại biểu dự đại hội cấp trên", FullName: "Trần Văn Đức", VotesFor: 30, ValidBallots: 35, DelegatesPresent: 39},
			}}}
}

// pdfText is the text pdftotext reads from a PDF.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (Debian package poppler-utils): %v", err)
	}
	return string(out)
}

// squash folds runs of spaces (pdftotext's layout) into one.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestEveryDocumentReadsBackWithItsNamesAndFigures(t *testing.T) {
	common := []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG BỘ BỆNH VIỆN PHỔI HÀ NỘI"}
	issued := []string{"ĐẢNG BỘ QUẬN HAI BÀ TRƯNG", "Hà Nội, ngày 15 tháng 4 năm 2020"}
	for _, tc := range []struct {
		kind Kind
		want []string
	}{
		{Invitation, []string{"GIẤY MỜI", "Số: -GM/ĐU", "Đại hội Đảng bộ Bệnh viện Phổi Hà Nội",
			"nhiệm kỳ 2020–2025", "ngày 26/3/2020", "Số đại biểu được triệu tập: 40"}},
		{Agenda, []string{"CHƯƠNG TRÌNH ĐẠI HỘI", "Số: -CTr/ĐU", "Bầu cử Ban Chấp hành nhiệm kỳ mới", "Bế mạc Đại hội"}},
		{VoteMinutes, []string{"BIÊN BẢN KIỂM PHIẾU", "BAN KIỂM PHIẾU", "Hà Nội, ngày 26 tháng 3 năm 2020", "Đỗ Quang Vinh", "35/35/39 = 89,74%",
			"Hoàng Thị Lan", "34/35/39 = 87,18%", "số đại biểu có mặt: 39"}},
		{ResultsReport, []string{"BÁO CÁO KẾT QUẢ ĐẠI HỘI", "Kính gửi: Ban Thường vụ Đảng bộ quận Hai Bà Trưng", "Đỗ Quang Vinh",
			"35/35/39 = 89,74%", "Bí thư: Đỗ Quang Vinh (35/35/39 = 89,74%)", "số đại biểu có mặt: 39 (97,50%)",
			"Trần Văn Đức", "nữ 2 đồng chí (66,67%)", "tái cử 2 đồng chí (66,67%)"}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			doc := Build(tc.kind, hospital())
			var dx bytes.Buffer
			if err := DOCX(&dx, doc); err != nil {
				t.Fatal(err)
			}
			docxText, err := Text(dx.Bytes())
			if err != nil {
				t.Fatalf("the .docx does not open: %v", err)
			}
			if !bytes.Contains(dx.Bytes(), []byte("word/document.xml")) {
				t.Error("not a Word document")
			}
			var pf bytes.Buffer
			if err := PDF(&pf, doc); err != nil {
				t.Fatal(err)
			}
			pdf := squash(pdfText(t, pf.Bytes()))
			want := append(common, tc.want...)
			if tc.kind != VoteMinutes {
				want = append(want, issued...)
			}
			for _, w := range want {
				if !strings.Contains(squash(docxText), w) {
					t.Errorf("the .docx lacks %q:\n%s", w, docxText)
				}
				if !strings.Contains(pdf, w) {
					t.Errorf("the PDF lacks %q:\n%s", w, pdf)
				}
			}
		})
	}
}

func TestTheDocxIsSetInTimesNewRomanOnA4(t *testing.T) {
	var b bytes.Buffer
	if err := DOCX(&b, Build(ResultsReport, hospital())); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`w:ascii="Times New Roman"`, `w:w="11906"`, `w:h="16838"`} {
		if !bytes.Contains(unzipPart(t, b.Bytes(), "word/document.xml"), []byte(w)) {
			t.Errorf("document.xml lacks %s", w)
		}
	}
}

func TestTheVoteMinutesWithoutResultsLeaveRowsToFillIn(t *testing.T) {
	d := hospital()
	d.Results, d.HeldDate = nil, nil
	var b bytes.Buffer
	if err := DOCX(&b, Build(VoteMinutes, d)); err != nil {
		t.Fatal(err)
	}
	s, err := Text(b.Bytes())
	if err != nil || !strings.Contains(s, "ngày ....../....../..........") {
		t.Errorf("%v\n%s", err, s)
	}
}

func TestPlaceAndTermComeFromTheTreeAndTheRound(t *testing.T) {
	if got := PlaceOf("Đảng bộ Thành phố Hà Nội"); got != "Hà Nội" {
		t.Errorf("PlaceOf = %q", got)
	}
	if got := TermOf("Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025"); got != "2020–2025" {
		t.Errorf("TermOf = %q", got)
	}
	if got := TermOf("Đợt thử"); got != "" {
		t.Errorf("TermOf = %q", got)
	}
}

func unzipPart(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The papers fill in what is recorded of the congress (its opening time and
// place), and speak of a chi bộ as one: its congress calls its members, its
// committee is its chi ủy, and it signs on behalf of the chi bộ.
func TestThePapersOfAChiBoFillInItsTimePlaceAndMembers(t *testing.T) {
	day := domain.DayOf(time.Date(2020, 4, 21, 0, 0, 0, 0, time.UTC))
	at := domain.ClockTime{Minutes: 8 * 60}
	cell := Data{UnitName: "Chi bộ Cơ quan phường", SuperiorName: "Đảng bộ phường Ngô Thì Nhậm", UnitKind: "cell", Place: "Hà Nội",
		Today: day, Term: "2020–2025", PlannedDate: &day, PlannedTime: &at, Venue: "Hội trường UBND phường", Members: 25}
	for _, tc := range []struct {
		kind     Kind
		want     []string
		wantNone []string
	}{
		{Invitation, []string{"Chi bộ Cơ quan phường trân trọng kính mời:", "Thời gian: 8 giờ 00, ngày 21/4/2020.",
			"Địa điểm: Hội trường UBND phường.", "Số đảng viên được triệu tập: 25.", "T/M CHI BỘ", "Số: -GM/CB"},
			[]string{"Ban Chấp hành", "BAN CHẤP HÀNH", "...... giờ", "Địa điểm: ...", "triệu tập: ..."}},
		{Agenda, []string{"Báo cáo chính trị của Chi ủy trình Đại hội.", "Bầu cử Chi ủy nhiệm kỳ mới",
			"Thời gian: 8 giờ 00, ngày 21/4/2020. Địa điểm: Hội trường UBND phường."}, []string{"Ban Chấp hành"}},
		{VoteMinutes, []string{"Bầu Chi ủy Chi bộ Cơ quan phường"}, []string{"Ban Chấp hành"}},
	} {
		text := squash(textOf(t, Build(tc.kind, cell)))
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tc.kind, w, text)
			}
		}
		for _, w := range tc.wantNone {
			if strings.Contains(text, w) {
				t.Errorf("%s holds %q:\n%s", tc.kind, w, text)
			}
		}
	}
	// A đảng bộ without a time or place recorded leaves them to fill in.
	h := hospital()
	if text := squash(textOf(t, Build(Invitation, h))); !strings.Contains(text, "Ban Chấp hành Đảng bộ Bệnh viện Phổi Hà Nội trân trọng kính mời:") ||
		!strings.Contains(text, "Thời gian: ...... giờ ......, ngày 26/3/2020.") || !strings.Contains(text, "T/M BAN CHẤP HÀNH") {
		t.Errorf("the hospital's invitation:\n%s", text)
	}
}

// textOf is the text of the .docx of doc.
func textOf(t *testing.T, doc Doc) string {
	t.Helper()
	var dx bytes.Buffer
	if err := DOCX(&dx, doc); err != nil {
		t.Fatal(err)
	}
	s, err := Text(dx.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return s + " " + strings.Join(doc.Sign, " ") + " " + doc.Number + " " + doc.Subtitle
}
