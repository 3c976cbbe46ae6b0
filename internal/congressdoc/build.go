package congressdoc

import (
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// Doc is a document as both formats draw it: the header of the Party's
// format, a title, blocks of text and tables, and the signature.
type Doc struct {
	// Superior and Issuer are the two lines of the issuing unit (capitals),
	// Number the number line, DateLine the place and date.
	Superior, Issuer, Number, DateLine string
	Title, Subtitle                    string
	Blocks                             []Block
	// Sign is the signature block: "T/M BAN CHẤP HÀNH", "BÍ THƯ", a name.
	Sign []string
}

// Align is how a paragraph is aligned.
type Align int

// Alignments.
const (
	Justify Align = iota
	Center
	Left
)

// Run is a piece of a paragraph with its emphasis.
type Run struct {
	Text         string
	Bold, Italic bool
}

// Block is a paragraph (Runs) or a table (Rows, the first its header, with
// relative column Widths).
type Block struct {
	Runs   []Run
	Align  Align
	Rows   [][]string
	Widths []float64
}

func para(runs ...Run) Block                    { return Block{Runs: runs} }
func text(s string) Block                       { return para(Run{Text: s}) }
func bold(s string) Run                         { return Run{Text: s, Bold: true} }
func plain(s string) Run                        { return Run{Text: s} }
func heading(s string) Block                    { return para(bold(s)) }
func centered(runs ...Run) Block                { b := para(runs...); b.Align = Center; return b }
func table(w []float64, rows ...[]string) Block { return Block{Rows: rows, Widths: w} }

// Build builds document kind from d.
func Build(kind Kind, d Data) Doc {
	sym := committeeSymbol(d.UnitKind)
	doc := Doc{Superior: upper(d.SuperiorName), Issuer: upper(d.UnitName),
		Number:   fmt.Sprintf("Số:      -%s/%s", kind.info().Symbol, sym),
		DateLine: dateLine(d.Place, d.Today), Title: upper(kind.Name().VI)}
	congress := "Đại hội " + d.UnitName
	if d.Term != "" {
		congress += " lần thứ ...., nhiệm kỳ " + d.Term
	}
	switch kind {
	case Invitation:
		doc.Blocks = invitation(d, congress)
		doc.Sign = []string{onBehalf(d), "BÍ THƯ", "", "", ""}
	case Agenda:
		doc.Subtitle = congress
		doc.Blocks = agenda(d)
		doc.Sign = []string{"T/M ĐOÀN CHỦ TỊCH", "", "", ""}
	case VoteMinutes:
		doc.Superior, doc.Issuer = upper(d.UnitName), "BAN KIỂM PHIẾU"
		doc.Number = ""
		if d.HeldDate != nil {
			doc.DateLine = dateLine(d.Place, *d.HeldDate)
		}
		doc.Subtitle = "Bầu " + committee(d) + " " + d.UnitName + termOf(d)
		doc.Blocks = voteMinutes(d, congress)
		doc.Sign = []string{"TRƯỞNG BAN KIỂM PHIẾU", "", "", ""}
	case ResultsReport:
		doc.Subtitle = "Kết quả " + congress
		doc.Blocks = resultsReport(d, congress)
		doc.Sign = []string{onBehalf(d), "BÍ THƯ", "", ""}
		if d.Results != nil && d.Results.SecretaryName != "" {
			doc.Sign = append(doc.Sign, d.Results.SecretaryName)
		}
	}
	return doc
}

func termOf(d Data) string {
	if d.Term == "" {
		return ""
	}
	return " nhiệm kỳ " + d.Term
}

func invitation(d Data, congress string) []Block {
	inviter := "Ban Chấp hành " + d.UnitName
	if isCell(d.UnitKind) {
		inviter = d.UnitName
	}
	return []Block{
		text(inviter + " trân trọng kính mời:"),
		centered(bold("Đồng chí: ...................................................................")),
		text("Chức vụ, đơn vị: ......................................................................................"),
		para(plain("Tới dự "), bold(congress+".")),
		text("Thời gian: " + timeText(d.PlannedTime) + ", " + dayText(d.PlannedDate) + "."),
		text("Địa điểm: " + venueText(d) + "."),
		text(calledText(d) + "."),
		para(Run{Text: "Sự có mặt của đồng chí góp phần vào thành công của Đại hội.", Italic: true}),
	}
}

func agenda(d Data) []Block {
	items := []string{
		"Chào cờ; tuyên bố lý do, giới thiệu đại biểu.",
		"Bầu Đoàn Chủ tịch, Đoàn Thư ký, Ban Thẩm tra tư cách đại biểu.",
		"Thông qua chương trình và quy chế làm việc của Đại hội.",
		"Báo cáo chính trị của " + committee(d) + " trình Đại hội.",
		"Báo cáo kiểm điểm của " + committee(d) + " nhiệm kỳ qua.",
		"Phát biểu chỉ đạo của đồng chí lãnh đạo cấp trên.",
		"Đại hội thảo luận các văn kiện.",
		"Báo cáo thẩm tra tư cách đại biểu.",
		"Bầu cử " + committee(d) + " nhiệm kỳ mới; bầu đại biểu dự Đại hội cấp trên.",
		"Thông qua Nghị quyết Đại hội.",
		"Bế mạc Đại hội.",
	}
	rows := [][]string{{"TT", "Thời gian", "Nội dung", "Người thực hiện"}}
	for i, it := range items {
		rows = append(rows, []string{fmt.Sprint(i + 1), "", it, ""})
	}
	return []Block{
		text("Thời gian: " + timeText(d.PlannedTime) + ", " + dayText(d.PlannedDate) + ". Địa điểm: " + venueText(d) + "."),
		text(calledText(d) + "."),
		table([]float64{0.07, 0.16, 0.52, 0.25}, rows...),
	}
}

func voteMinutes(d Data, congress string) []Block {
	out := []Block{
		text("Hôm nay, " + dayText(d.HeldDate) + ", tại " + congress + ", Ban Kiểm phiếu đã tiến hành kiểm phiếu bầu " + committee(d) + " " +
			d.UnitName + termOf(d) + "."),
		heading("1. Số phiếu"),
		text(fmt.Sprintf("Số đại biểu được triệu tập: %s; số đại biểu có mặt: %s.", count(d.DelegatesExpected), count(d.DelegatesPresent))),
		text("Số phiếu phát ra: ........; số phiếu thu vào: ........; số phiếu hợp lệ: ........; số phiếu không hợp lệ: ........"),
		heading("2. Kết quả kiểm phiếu"),
	}
	rows := [][]string{{"TT", "Họ và tên", "Đồng ý / hợp lệ / có mặt", "Ghi chú"}}
	if d.Results != nil {
		for i, p := range d.Results.Elected {
			if p.Position == "delegate" {
				continue
			}
			rows = append(rows, []string{fmt.Sprint(i + 1), p.FullName, p.Votes(), p.PositionName})
		}
	}
	if len(rows) == 1 {
		rows = append(rows, []string{"1", "", "", ""}, []string{"2", "", "", ""}, []string{"3", "", "", ""})
	}
	out = append(out, table([]float64{0.07, 0.40, 0.30, 0.23}, rows...),
		text("Tỷ lệ phần trăm tính trên số đại biểu có mặt. Biên bản lập xong lúc ...... giờ ......, đã đọc lại trước Đại hội."))
	return out
}

func resultsReport(d Data, congress string) []Block {
	superior := "Ban Thường vụ cấp ủy cấp trên"
	if d.SuperiorName != "" {
		superior = "Ban Thường vụ " + d.SuperiorName
	}
	out := []Block{
		centered(plain("Kính gửi: "), bold(superior)),
		heading("1. Thời gian, địa điểm, đại biểu"),
		text(congress + " đã họp " + dayText(d.HeldDate) + "."),
		text(attendance(d)),
		heading("2. Kết quả bầu cử"),
	}
	r := d.Results
	if r == nil {
		return append(out, text("Kết quả bầu cử chưa được nhập."))
	}
	out = append(out, text(fmt.Sprintf("Đại hội đã bầu %s gồm %d đồng chí, trong đó %d đồng chí nữ; bầu %d đại biểu dự Đại hội cấp trên.",
		committee(d), r.CommitteeSize, r.CommitteeWomen, r.DelegatesElected)))
	rows := [][]string{{"TT", "Họ và tên", "Chức danh", "Đồng ý / hợp lệ / có mặt"}}
	var delegates [][]string
	for _, p := range r.Elected {
		if p.Position == "delegate" {
			delegates = append(delegates, []string{fmt.Sprint(len(delegates) + 1), p.FullName, p.PositionName, p.Votes()})
			continue
		}
		rows = append(rows, []string{fmt.Sprint(len(rows)), p.FullName, p.PositionName, p.Votes()})
	}
	w := []float64{0.07, 0.36, 0.27, 0.30}
	out = append(out, table(w, rows...))
	for _, pos := range []struct{ code, label string }{{"secretary", "Bí thư"}, {"deputy_secretary", "Phó Bí thư"}} {
		var names []string
		for _, p := range r.Elected {
			if p.Position == pos.code {
				names = append(names, p.FullName+" ("+p.Votes()+")")
			}
		}
		if len(names) > 0 {
			out = append(out, text(pos.label+": "+strings.Join(names, "; ")+"."))
		}
	}
	if len(delegates) > 0 {
		out = append(out, heading("Đại biểu dự Đại hội cấp trên"),
			table(w, append([][]string{{"TT", "Họ và tên", "Chức danh", "Đồng ý / hợp lệ / có mặt"}}, delegates...)...))
	}
	out = append(out, heading("3. Cơ cấu "+committee(d)), text(compositionText(r.Composition)))
	return out
}

// attendance says the delegates called and present, with the share.
func attendance(d Data) string {
	s := fmt.Sprintf("Số đại biểu được triệu tập: %s; số đại biểu có mặt: %s", count(d.DelegatesExpected), count(d.DelegatesPresent))
	if d.DelegatesExpected != nil && d.DelegatesPresent != nil {
		if p, ok := domain.PercentOf(*d.DelegatesPresent, *d.DelegatesExpected, "delegates_expected"); ok {
			s += " (" + p.VI + ")"
		}
	}
	return s + "."
}

// compositionText says the composition of the committee in one sentence.
func compositionText(c domain.Composition) string {
	if c.Members == 0 {
		return "Chưa có danh sách cấp ủy viên."
	}
	share := func(m domain.Measure) string {
		p, ok := c.Shares[m]
		if !ok {
			return fmt.Sprint(c.Count(m))
		}
		return fmt.Sprintf("%d đồng chí (%s)", c.Count(m), p.VI)
	}
	return fmt.Sprintf("Trong %d cấp ủy viên: nữ %s; dưới 40 tuổi %s; dân tộc thiểu số %s; tái cử %s.", c.Members,
		share(domain.MeasureWomen), share(domain.MeasureYouth), share(domain.MeasureEthnicMinority), share(domain.MeasureReelected))
}
