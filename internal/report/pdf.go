package report

import (
	"bytes"
	_ "embed" // the fonts
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/pdfutf8"
)

// The fonts of the PDF: DejaVu Sans, which has every letter of Vietnamese
// (licence in fonts/LICENSE). fpdf embeds only the glyphs used.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Page geometry of the PDF, in millimetres (A4 portrait).
const (
	fontFamily   = "dejavu"
	pageWidth    = 210.0
	pageHeight   = 297.0
	margin       = 12.0
	bottomMargin = 16.0
	usableWidth  = pageWidth - 2*margin
	pageBottom   = pageHeight - bottomMargin
)

// PDF writes report r as an A4 portrait PDF in lang. Its first page is
// what a standing committee reads: the title, the headline figures with
// their change over the week, the forecast against the deadline and the
// late units by place (as many as the page holds, the others counted).
// The next pages hold the bar chart of the progress by week, the units
// projected late, the units below, the congresses held during the week,
// those planned for the next, the units late or at risk, the papers and
// the people elected. A heading is kept on the page of what it heads;
// tables fit their columns to their widest word, wrap their cells between
// words and repeat their header on each new page; late units are in red;
// the footer numbers the pages. The text is in DejaVu Sans, embedded, and
// reads back as Unicode text (see pdfutf8.Fix).
func PDF(w io.Writer, r Weekly, lang string) error {
	out, _, err := renderPDF(r, lang)
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// renderPDF draws the PDF of r in lang, and returns with it every text it
// wrote, each whole as it was before being wrapped (the page footers with
// the alias of the page count, "{nb}").
func renderPDF(r Weekly, lang string) ([]byte, []string, error) {
	lang = domain.Lang(lang)
	d := &doc{lang: lang}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, bottomMargin)
	p.SetCellMargin(cellPad)
	p.AliasNbPages("") // before the fonts: fpdf keeps room for the page count
	p.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	p.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	p.SetTitle(r.Title(lang), true)
	p.SetCreator("daihoi", true)
	p.SetLang(lang)
	if !r.MadeAt.IsZero() {
		p.SetCreationDate(r.MadeAt)
		p.SetModificationDate(r.MadeAt)
	}
	footer := pdfutf8.Text(r.Unit.Name + " · " + r.Week + " · ")
	p.SetFooterFunc(func() {
		p.SetY(-11)
		p.SetFont(fontFamily, "", 7)
		p.SetTextColor(100, 100, 100)
		s := footer + fmt.Sprintf(labels.Page.In(lang), p.PageNo(), "{nb}")
		d.written = append(d.written, s)
		p.CellFormat(0, 4, s, "", 0, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()

	d.p = p
	d.firstPage(r)
	p.AddPage()
	d.chartSection(r.Weeks)
	d.tableSection(labels.ProjectedLate, projectedLateTable(r, lang))
	d.tableSection(labels.SheetUnits, unitsTable(r, lang))
	d.tableSection(labels.SheetHeld, heldTable(r, lang))
	d.tableSection(labels.SheetPlanned, plannedTable(r, lang))
	d.tableSection(labels.SheetLate, lateTable(r, lang))
	d.tableSection(paperLabels.SheetMissing, missingPapersTable(r, lang))
	d.tableSection(paperLabels.SheetComposition, compositionTable(r, lang))
	if len(r.Sessions) > 0 {
		d.tableSection(sessionLabels.Sheet, sessionsTable(r))
	}

	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, nil, fmt.Errorf("report: pdf: %w", err)
	}
	out, err := pdfutf8.Fix(buf.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("report: pdf: %w", err)
	}
	return out, d.written, nil
}

// doc draws the parts of one PDF.
type doc struct {
	p    *fpdf.Fpdf
	lang string
	// written are the texts drawn, each whole before it was wrapped: what
	// the tests read the PDF's words against.
	written []string
}

// font sets the font (style "" or "B", size in points) for what follows.
func (d *doc) font(style string, size float64) { d.p.SetFont(fontFamily, style, size) }

// needs starts a new page unless h millimetres are left on this one.
func (d *doc) needs(h float64) {
	if d.p.GetY()+h > pageBottom {
		d.p.AddPage()
	}
}

// title writes the report's title and particulars.
func (d *doc) title(r Weekly) {
	d.text(r.Title(d.lang), "B", 13, 6, false)
	d.p.Ln(1)
	line := fmt.Sprintf("%s: %s · %s: %s", labels.Round.In(d.lang), r.RoundName, labels.Kind.In(d.lang), r.KindName.In(d.lang))
	if !r.MadeAt.IsZero() {
		t := r.MadeAt.In(domain.Location)
		line += fmt.Sprintf(" · %s: %s %s", labels.MadeAt.In(d.lang), dayText(domain.DayOf(t), d.lang), t.Format("15:04"))
	}
	d.text(line, "", 8.5, 4, false)
}

// headingHeight is the height a heading takes, its space above included.
const headingHeight = 4 + 6 + 1.5

// heading starts a section, on a new page unless the heading and the
// first need millimetres of what follows it fit on this one: a heading is
// never left alone at the foot of a page.
func (d *doc) heading(t domain.Text, need float64) {
	d.needs(headingHeight + need)
	d.p.Ln(4)
	d.font("B", 10.5)
	s := pdfutf8.Text(t.In(d.lang))
	d.written = append(d.written, s)
	d.p.CellFormat(0, 6, s, "B", 1, "L", false, 0, "")
	d.p.Ln(1.5)
}

// tableSection is a heading and its table, kept together.
func (d *doc) tableSection(name domain.Text, t table) {
	need := 6.0
	if len(t.rows) > 0 {
		need = d.layout(t).firstHeight(d)
	}
	d.heading(name, need)
	d.table(t)
}

// text writes a paragraph wrapped between words, in size points, red
// when bad.
func (d *doc) text(s string, style string, size, lh float64, bad bool) {
	s = pdfutf8.Text(s)
	d.written = append(d.written, s)
	d.font(style, size)
	if bad {
		d.p.SetTextColor(red[0], red[1], red[2])
	}
	for _, l := range wrapWords(s, usableWidth, d.p.GetStringWidth) {
		d.p.CellFormat(0, lh, l, "", 1, "L", false, 0, "")
	}
	d.p.SetTextColor(0, 0, 0)
}

// note writes a line of small grey text: an empty list, a cut list.
func (d *doc) note(s string) {
	d.p.SetTextColor(90, 90, 90)
	s = pdfutf8.Text(s)
	d.written = append(d.written, s)
	d.font("", 8)
	for _, l := range wrapWords(s, usableWidth, d.p.GetStringWidth) {
		d.p.CellFormat(0, 4.5, l, "", 1, "L", false, 0, "")
	}
	d.p.SetTextColor(0, 0, 0)
}
