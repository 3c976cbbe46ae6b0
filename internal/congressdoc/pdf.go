package congressdoc

import (
	"bytes"
	_ "embed" // the fonts
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"

	"github.com/daihoi/daihoi/internal/pdfutf8"
)

// The PDF embeds Liberation Serif (SIL Open Font License, fonts/LICENSE),
// whose metrics are those of Times New Roman, the font of the Party's
// documents (which is not free to embed); it writes every letter of
// Vietnamese. fpdf embeds only the glyphs used.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	serifItalic []byte
)

// Page geometry in millimetres: A4 with the format's margins.
const (
	pdfFont                   = "serif"
	mmLeft, mmRight, mmTop    = 30.0, 15.0, 20.0
	mmBottom                  = 20.0
	mmWidth                   = 210.0 - mmLeft - mmRight
	lineBody, lineTable       = 6.5, 5.5
	ptBody, ptHeader, ptTitle = 14.0, 13.0, 15.0
	ptTable                   = 12.0
	indentFirst               = 10.0
)

// PDF writes doc as an A4 PDF to w, its text readable back as Unicode
// (pdfutf8.Fix).
func PDF(w io.Writer, doc Doc) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(mmLeft, mmTop, mmRight)
	p.SetAutoPageBreak(true, mmBottom)
	p.SetCellMargin(1)
	p.AddUTF8FontFromBytes(pdfFont, "", serifRegular)
	p.AddUTF8FontFromBytes(pdfFont, "B", serifBold)
	p.AddUTF8FontFromBytes(pdfFont, "I", serifItalic)
	p.SetTitle(doc.Title, true)
	p.SetCreator("daihoi", true)
	p.SetLang("vi")
	p.AddPage()
	d := pdfDoc{p: p}
	d.header(doc)
	p.Ln(6)
	d.font("B", ptTitle)
	p.MultiCell(0, 7, pdfutf8.Text(doc.Title), "", "C", false)
	if doc.Subtitle != "" {
		d.font("B", ptBody)
		p.MultiCell(0, lineBody, pdfutf8.Text(doc.Subtitle), "", "C", false)
	}
	p.Ln(3)
	for _, b := range doc.Blocks {
		if b.Rows != nil {
			d.table(b)
			continue
		}
		d.paragraph(b)
	}
	d.signature(doc.Sign)
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("congressdoc: pdf: %w", err)
	}
	out, err := pdfutf8.Fix(buf.Bytes())
	if err != nil {
		return fmt.Errorf("congressdoc: pdf: %w", err)
	}
	_, err = w.Write(out)
	return err
}

type pdfDoc struct{ p *fpdf.Fpdf }

func (d pdfDoc) font(style string, size float64) { d.p.SetFont(pdfFont, style, size) }

// header draws the issuing unit on the left and the Party's name with the
// place and date on the right, side by side.
func (d pdfDoc) header(doc Doc) {
	p := d.p
	left := mmWidth * 0.45
	y := p.GetY()
	line := func(x, w float64, style string, size float64, s string) {
		p.SetX(x)
		d.font(style, size)
		p.MultiCell(w, 5.5, pdfutf8.Text(s), "", "C", false)
	}
	if doc.Superior != "" {
		line(mmLeft, left, "", ptHeader, doc.Superior)
	}
	line(mmLeft, left, "B", ptHeader, doc.Issuer)
	line(mmLeft, left, "", ptHeader, "*")
	if doc.Number != "" {
		line(mmLeft, left, "", ptHeader, doc.Number)
	}
	bottom := p.GetY()
	p.SetY(y)
	line(mmLeft+left, mmWidth-left, "BU", 14, "ĐẢNG CỘNG SẢN VIỆT NAM")
	p.Ln(3)
	line(mmLeft+left, mmWidth-left, "I", ptBody, doc.DateLine)
	if p.GetY() < bottom {
		p.SetY(bottom)
	}
}

// paragraph draws a block of runs: a run's emphasis holds for the whole
// block when it is the only run, else the runs follow each other.
func (d pdfDoc) paragraph(b Block) {
	p := d.p
	align := "J"
	switch b.Align {
	case Center:
		align = "C"
	case Left:
		align = "L"
	}
	if len(b.Runs) == 1 || align == "C" {
		style := ""
		var s string
		for _, r := range b.Runs {
			s += r.Text
			if r.Bold && style == "" && len(b.Runs) == 1 {
				style = "B"
			}
			if r.Italic && len(b.Runs) == 1 {
				style += "I"
			}
		}
		d.font(style, ptBody)
		if align == "J" {
			p.SetX(mmLeft + indentFirst)
			p.MultiCell(mmWidth-indentFirst, lineBody, pdfutf8.Text(s), "", align, false)
		} else {
			p.MultiCell(0, lineBody, pdfutf8.Text(s), "", align, false)
		}
		return
	}
	p.SetX(mmLeft + indentFirst)
	for _, r := range b.Runs {
		style := ""
		if r.Bold {
			style += "B"
		}
		if r.Italic {
			style += "I"
		}
		d.font(style, ptBody)
		p.Write(lineBody, pdfutf8.Text(r.Text))
	}
	p.Ln(lineBody)
}

// table draws a table with borders, each cell wrapped to its column and
// the first row (the header) bold; a row that does not fit goes to the
// next page.
func (d pdfDoc) table(b Block) {
	p := d.p
	widths := make([]float64, len(b.Widths))
	for i, w := range b.Widths {
		widths[i] = w * mmWidth
	}
	for i, row := range b.Rows {
		style := ""
		if i == 0 {
			style = "B"
		}
		d.font(style, ptTable)
		lines := make([][]string, len(row))
		h := lineTable
		for j, cell := range row {
			if j >= len(widths) {
				break
			}
			lines[j] = p.SplitText(pdfutf8.Text(cell), widths[j]-2)
			if len(lines[j]) == 0 {
				lines[j] = []string{""}
			}
			h = max(h, float64(len(lines[j]))*lineTable)
		}
		_, pageH := p.GetPageSize()
		if p.GetY()+h > pageH-mmBottom {
			p.AddPage()
		}
		x, y := mmLeft, p.GetY()
		for j := range row {
			if j >= len(widths) {
				break
			}
			p.Rect(x, y, widths[j], h, "D")
			align := "L"
			if i == 0 {
				align = "C"
			}
			for k, l := range lines[j] {
				p.SetXY(x, y+float64(k)*lineTable)
				p.CellFormat(widths[j], lineTable, l, "", 0, align, false, 0, "")
			}
			x += widths[j]
		}
		p.SetXY(mmLeft, y+h)
	}
	p.Ln(3)
}

// signature draws the signature block on the right half.
func (d pdfDoc) signature(lines []string) {
	p := d.p
	p.Ln(4)
	d.font("B", ptBody)
	for _, l := range lines {
		p.SetX(mmLeft + mmWidth/2)
		p.CellFormat(mmWidth/2, lineBody, pdfutf8.Text(l), "", 1, "C", false, 0, "")
	}
}
