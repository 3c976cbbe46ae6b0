// Package congressdoc writes the standard documents of a unit's congress,
// filled in from its data, in the Party's document format (the header
// "ĐẢNG CỘNG SẢN VIỆT NAM" and the issuing unit under its superior, the
// number and symbol, the place and date line, Times New Roman): the
// invitation (giấy mời), the congress agenda (chương trình đại hội), the
// vote-count minutes prefilled with the candidates (biên bản kiểm phiếu) and
// the report of the results to the superior (báo cáo kết quả đại hội).
//
// Each document is built once as a list of blocks (Build) and drawn as a
// .docx to edit (DOCX, with github.com/gomutex/godocx; the font named
// "Times New Roman", which the user's Word has) and as a PDF (PDF, with
// go-pdf/fpdf, embedding Liberation Serif, a free font metric-compatible
// with Times New Roman under the SIL Open Font License: fonts/LICENSE).
// Text reads the text of a .docx back.
package congressdoc

import (
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// Kind is one of the standard documents.
type Kind string

// The standard documents.
const (
	Invitation    Kind = "invitation"
	Agenda        Kind = "agenda"
	VoteMinutes   Kind = "vote_minutes"
	ResultsReport Kind = "results_report"
)

// KindInfo is a document with its names and the symbol of its type in the
// number line ("Số 01-GM/ĐU": GM for giấy mời).
type KindInfo struct {
	Kind   Kind
	Name   domain.Text
	Symbol string
}

// Kinds lists the documents.
var Kinds = []KindInfo{
	{Invitation, domain.Text{VI: "Giấy mời", EN: "Invitation"}, "GM"},
	{Agenda, domain.Text{VI: "Chương trình đại hội", EN: "Congress agenda"}, "CTr"},
	{VoteMinutes, domain.Text{VI: "Biên bản kiểm phiếu", EN: "Vote-count minutes"}, "BB"},
	{ResultsReport, domain.Text{VI: "Báo cáo kết quả đại hội", EN: "Report of the results"}, "BC"},
}

// Valid reports whether k is one of the documents.
func (k Kind) Valid() bool { return k.info().Symbol != "" }

// Name returns the document's names.
func (k Kind) Name() domain.Text { return k.info().Name }

// info is k's entry of Kinds; zero for an unknown kind.
func (k Kind) info() KindInfo {
	for _, x := range Kinds {
		if x.Kind == k {
			return x
		}
	}
	return KindInfo{}
}

// Person is one person elected, as the documents list them.
type Person struct {
	Position         string
	PositionName     string
	FullName         string
	VotesFor         int
	ValidBallots     int
	DelegatesPresent int
}

// Votes writes the votes as quoted: "35/35/39 = 89,74%".
func (p Person) Votes() string {
	s := fmt.Sprintf("%d/%d/%d", p.VotesFor, p.ValidBallots, p.DelegatesPresent)
	if pc, ok := domain.PercentOf(p.VotesFor, p.DelegatesPresent, domain.BaseDelegatesPresent); ok {
		s += " = " + pc.VI
	}
	return s
}

// Data is what the documents are filled in from: the unit, its superior
// and the round, its congress, its results and their composition.
type Data struct {
	// UnitName is the unit's name ("Đảng bộ Bệnh viện Phổi Hà Nội"),
	// SuperiorName its parent's ("" for a root).
	UnitName, SuperiorName string
	// UnitKind is the unit's kind (the symbol of its committee: ĐU, CB, QU...).
	UnitKind string
	// Place is the place of the date line ("Hà Nội").
	Place string
	// Today is the day the documents are made.
	Today domain.Day
	// Term is the term the congress opens ("2020–2025"), from the round.
	Term                                string
	PlannedDate, HeldDate               *domain.Day
	DelegatesExpected, DelegatesPresent *int
	// PlannedTime and Venue are the opening time and the place of the
	// congress as planned ("" and nil when not recorded); Members counts
	// the unit's party members (a cell's congress calls them all).
	PlannedTime *domain.ClockTime
	Venue       string
	Members     int
	// Results, when recorded.
	Results *Results
}

// Results are the results the documents report.
type Results struct {
	CommitteeSize, CommitteeWomen, DelegatesElected int
	SecretaryName                                   string
	Elected                                         []Person
	Composition                                     domain.Composition
}

// committeeSymbol is the symbol of the committee of a unit of kind in the
// number line ("ĐU" for a đảng ủy).
func committeeSymbol(kind string) string {
	switch {
	case kind == "city":
		return "TU"
	case kind == "district":
		return "QU"
	case isCell(kind):
		return "CB"
	}
	return "ĐU"
}

// isCell: a unit of kind is a chi bộ (a cell, or a Chi bộ cơ sở), whose
// congress is of all its members, whose committee is its chi ủy, and whose
// papers are signed on behalf of the chi bộ.
func isCell(kind string) bool { return kind == "cell" || kind == "grassroots_cell" }

// committee names the unit's elected committee: "Chi ủy" of a chi bộ,
// "Ban Chấp hành" of a đảng bộ.
func committee(d Data) string {
	if isCell(d.UnitKind) {
		return "Chi ủy"
	}
	return "Ban Chấp hành"
}

// onBehalf is the first line of the signature of the unit's papers.
func onBehalf(d Data) string {
	if isCell(d.UnitKind) {
		return "T/M CHI BỘ"
	}
	return "T/M BAN CHẤP HÀNH"
}

// timeText writes the opening time in a sentence ("8 giờ 00"), or dots.
func timeText(t *domain.ClockTime) string {
	if t == nil {
		return "...... giờ ......"
	}
	return fmt.Sprintf("%d giờ %02d", t.Minutes/60, t.Minutes%60)
}

// venueText is the congress's place, or dots to fill in.
func venueText(d Data) string {
	if strings.TrimSpace(d.Venue) != "" {
		return d.Venue
	}
	return "..........................................................................................."
}

// calledText says who is called: the delegates called when recorded, else
// for a chi bộ its members, else dots.
func calledText(d Data) string {
	switch {
	case d.DelegatesExpected != nil && isCell(d.UnitKind):
		return fmt.Sprintf("Số đảng viên được triệu tập: %d", *d.DelegatesExpected)
	case d.DelegatesExpected != nil:
		return fmt.Sprintf("Số đại biểu được triệu tập: %d", *d.DelegatesExpected)
	case isCell(d.UnitKind) && d.Members > 0:
		return fmt.Sprintf("Số đảng viên được triệu tập: %d", d.Members)
	case isCell(d.UnitKind):
		return "Số đảng viên được triệu tập: ......"
	}
	return "Số đại biểu được triệu tập: ......"
}

// upper writes a unit's name as the header does, in capitals.
func upper(s string) string { return strings.ToUpper(s) }

// dateLine is the place and date line: "Hà Nội, ngày 20 tháng 3 năm 2020".
func dateLine(place string, d domain.Day) string {
	s := fmt.Sprintf("ngày %d tháng %d năm %d", d.Time.Day(), int(d.Time.Month()), d.Time.Year())
	if place != "" {
		return place + ", " + s
	}
	return s
}

// dayText writes a day in a sentence ("ngày 19/3/2020"), or dots to fill in.
func dayText(d *domain.Day) string {
	if d == nil {
		return "ngày ....../....../.........."
	}
	return fmt.Sprintf("ngày %d/%d/%d", d.Time.Day(), int(d.Time.Month()), d.Time.Year())
}

// count writes a count, or dots to fill in.
func count(n *int) string {
	if n == nil {
		return "......"
	}
	return fmt.Sprint(*n)
}

// PlaceOf is the place of a unit's date line: the name of the top of its
// tree ("Đảng bộ Thành phố Hà Nội") without the words that say what it is.
func PlaceOf(root string) string {
	s := root
	for _, prefix := range []string{"Đảng bộ ", "Thành phố ", "thành phố ", "Tỉnh ", "tỉnh ", "TP ", "TP. "} {
		s = strings.TrimPrefix(s, prefix)
	}
	return strings.TrimSpace(s)
}

// TermOf reads the term from the name of a round ("... nhiệm kỳ 2020–2025"):
// its last word with a dash between two years, or "".
func TermOf(round string) string {
	f := strings.Fields(round)
	for i := len(f) - 1; i >= 0; i-- {
		w := strings.NewReplacer("–", "-", "—", "-").Replace(f[i])
		if a, b, ok := strings.Cut(w, "-"); ok && len(a) == 4 && len(b) == 4 {
			return a + "–" + b
		}
	}
	return ""
}
