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

// PDF writes report r as an A4 portrait PDF in lang: the title, the
// headline figures with their change, the forecast and the units projected
// late, a bar chart of the progress by week, then the units below, the
// congresses held during the week, those planned for the next and the
// units late or at risk. Tables wrap their cells and repeat their header on
// each new page; the footer numbers the pages. The text is in DejaVu Sans,
// embedded, and reads back as Unicode text (see pdfutf8.Fix).
func PDF(w io.Writer, r Weekly, lang string) error {
	lang = domain.Lang(lang)
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
		p.CellFormat(0, 4, footer+fmt.Sprintf(labels.Page.In(lang), p.PageNo(), "{nb}"), "", 0, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()

	d := &doc{p: p, lang: lang}
	d.title(r)
	d.heading(labels.Headline)
	d.table(headlineTable(r, lang))
	d.forecast(r)
	d.heading(labels.SheetWeeks)
	d.chart(r.Weeks)
	d.heading(labels.SheetUnits)
	d.table(unitsTable(r, lang))
	d.heading(labels.SheetHeld)
	d.table(heldTable(r, lang))
	d.heading(labels.SheetPlanned)
	d.table(plannedTable(r, lang))
	d.heading(labels.SheetLate)
	d.table(lateTable(r, lang))
	d.heading(paperLabels.SheetMissing)
	d.table(missingPapersTable(r, lang))
	d.heading(paperLabels.SheetComposition)
	d.table(compositionTable(r, lang))

	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	out, err := pdfutf8.Fix(buf.Bytes())
	if err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// doc draws the parts of one PDF.
type doc struct {
	p    *fpdf.Fpdf
	lang string
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
	d.font("B", 13)
	d.p.MultiCell(0, 6, pdfutf8.Text(r.Title(d.lang)), "", "L", false)
	d.p.Ln(1)
	d.font("", 8.5)
	line := fmt.Sprintf("%s: %s · %s: %s", labels.Round.In(d.lang), r.RoundName, labels.Kind.In(d.lang), r.KindName.In(d.lang))
	if !r.MadeAt.IsZero() {
		t := r.MadeAt.In(domain.Location)
		line += fmt.Sprintf(" · %s: %s %s", labels.MadeAt.In(d.lang), dayText(domain.DayOf(t), d.lang), t.Format("15:04"))
	}
	d.p.MultiCell(0, 4, pdfutf8.Text(line), "", "L", false)
}

// heading starts a section, on a new page when little room is left.
func (d *doc) heading(t domain.Text) {
	d.needs(28)
	d.p.Ln(4)
	d.font("B", 10.5)
	d.p.CellFormat(0, 6, pdfutf8.Text(t.In(d.lang)), "B", 1, "L", false, 0, "")
	d.p.Ln(1.5)
}

// subheading names a part of a section.
func (d *doc) subheading(t domain.Text) {
	d.needs(16)
	d.p.Ln(1.5)
	d.font("B", 9)
	d.p.CellFormat(0, 5, pdfutf8.Text(t.In(d.lang)), "", 1, "L", false, 0, "")
}

// note writes a line of small grey text: an empty list, a cut list.
func (d *doc) note(s string) {
	d.font("", 8)
	d.p.SetTextColor(90, 90, 90)
	d.p.MultiCell(0, 4.5, pdfutf8.Text(s), "", "L", false)
	d.p.SetTextColor(0, 0, 0)
}

// forecast writes the forecast's verdict and the units projected late.
func (d *doc) forecast(r Weekly) {
	d.heading(labels.Forecast)
	d.font("", 9)
	d.p.MultiCell(0, 4.8, pdfutf8.Text(r.Forecast.Verdict().In(d.lang)), "", "L", false)
	d.subheading(labels.ProjectedLate)
	d.table(projectedLateTable(r, d.lang))
}
