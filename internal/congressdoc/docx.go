package congressdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/packager"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
)

// The .docx is set in Times New Roman, as the Party's documents are: the
// user's Word has it (the PDF embeds a free font with the same metrics).
const (
	docxFont = "Times New Roman"
	// Sizes in points: the body, the header's lines, the title.
	bodySize   = 14
	headerSize = 13
	titleSize  = 15
	tableSize  = 13
	// A4 in twentieths of a point, with the margins of the format: 20 mm
	// top and bottom, 30 mm left, 15 mm right.
	a4W, a4H                       = 11906, 16838
	marginTop, marginBottom        = 1134, 1134
	marginLeft, marginRight        = 1701, 851
	textWidth                      = a4W - marginLeft - marginRight
	firstLineIndent         uint64 = 567 // 1 cm
)

// DOCX writes doc as a Word document to w.
func DOCX(w io.Writer, doc Doc) error {
	rd, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("congressdoc: docx: %w", err)
	}
	page(rd)
	header(rd, doc)
	title := rd.AddEmptyParagraph()
	title.Justification(stypes.JustificationCenter)
	title.Spacing(240, 0)
	run(title, doc.Title, true, false, titleSize)
	if doc.Subtitle != "" {
		sub := rd.AddEmptyParagraph()
		sub.Justification(stypes.JustificationCenter)
		sub.Spacing(0, 240)
		run(sub, doc.Subtitle, true, false, bodySize)
	}
	for _, b := range doc.Blocks {
		if b.Rows != nil {
			grid(rd, b)
			continue
		}
		p := rd.AddEmptyParagraph()
		p.Spacing(60, 60)
		switch b.Align {
		case Center:
			p.Justification(stypes.JustificationCenter)
		case Left:
			p.Justification(stypes.JustificationLeft)
		default:
			p.Justification(stypes.JustificationBoth)
			first := firstLineIndent
			p.Indent(&ctypes.Indent{FirstLine: &first})
		}
		for _, r := range b.Runs {
			run(p, r.Text, r.Bold, r.Italic, bodySize)
		}
	}
	signature(rd, doc.Sign)
	if err := rd.Write(w); err != nil {
		return fmt.Errorf("congressdoc: docx: %w", err)
	}
	return nil
}

// page sets A4 with the format's margins, and Times New Roman as the
// document's default font.
func page(rd *docx.RootDoc) {
	body := rd.Document.Body
	if body.SectPr == nil {
		body.SectPr = ctypes.NewSectionProper()
	}
	w, h := uint64(a4W), uint64(a4H)
	body.SectPr.PageSize = &ctypes.PageSize{Width: &w, Height: &h}
	top, bottom, left, right, hf, gutter := marginTop, marginBottom, marginLeft, marginRight, 709, 0
	body.SectPr.PageMargin = &ctypes.PageMargin{Top: &top, Bottom: &bottom, Left: &left, Right: &right, Header: &hf, Footer: &hf, Gutter: &gutter}
	if rd.DocStyles != nil && rd.DocStyles.DocDefaults != nil && rd.DocStyles.DocDefaults.RunProp != nil && rd.DocStyles.DocDefaults.RunProp.RunProp != nil {
		rd.DocStyles.DocDefaults.RunProp.RunProp.Fonts = &ctypes.RunFonts{Ascii: docxFont, HAnsi: docxFont, CS: docxFont, EastAsia: docxFont}
	}
}

// run adds text to p in Times New Roman at size, bold and italic as asked.
func run(p *docx.Paragraph, text string, bold, italic bool, size uint64) {
	r := p.AddText(text).Font(docxFont).Size(size)
	if bold {
		r.Bold(true)
	}
	if italic {
		r.Italic(true)
	}
}

// cellPara adds a paragraph to c with one run, aligned as asked.
func cellPara(c *docx.Cell, text string, bold, italic bool, size uint64, j stypes.Justification) *docx.Paragraph {
	p := c.AddEmptyPara()
	p.Justification(j)
	p.Spacing(0, 0)
	run(p, text, bold, italic, size)
	return p
}

// header draws the format's header: a table without borders, the issuing
// unit under its superior and the number on the left, the Party's name and
// the place and date line on the right.
func header(rd *docx.RootDoc, doc Doc) {
	left := uint64(textWidth * 45 / 100)
	t := rd.AddTable()
	t.Width(textWidth, stypes.TableWidthDxa)
	t.Grid(left, uint64(textWidth)-left)
	r := t.AddRow()
	l := r.AddCell()
	l.Width(int(left), stypes.TableWidthDxa)
	center := stypes.JustificationCenter
	if doc.Superior != "" {
		cellPara(l, doc.Superior, false, false, headerSize, center)
	}
	cellPara(l, doc.Issuer, true, false, headerSize, center)
	cellPara(l, "*", false, false, headerSize, center)
	if doc.Number != "" {
		cellPara(l, doc.Number, false, false, headerSize, center)
	}
	right := r.AddCell()
	right.Width(textWidth-int(left), stypes.TableWidthDxa)
	underline(cellPara(right, "ĐẢNG CỘNG SẢN VIỆT NAM", true, false, 15, center))
	cellPara(right, "", false, false, headerSize, center)
	cellPara(right, doc.DateLine, false, true, 14, center)
}

// underline underlines the runs of p (the Party's name in the header).
func underline(p *docx.Paragraph) {
	for _, ch := range p.GetCT().Children {
		if ch.Run != nil && ch.Run.Property != nil {
			ch.Run.Property.Underline = ctypes.NewGenSingleStrVal(stypes.UnderlineSingle)
		}
	}
}

// grid draws a table with borders, its first row bold.
func grid(rd *docx.RootDoc, b Block) {
	t := rd.AddTable()
	t.Style("TableGrid")
	t.Width(textWidth, stypes.TableWidthDxa)
	widths := make([]uint64, len(b.Widths))
	for i, w := range b.Widths {
		widths[i] = uint64(w * textWidth)
	}
	t.Grid(widths...)
	for i, row := range b.Rows {
		r := t.AddRow()
		for j, cell := range row {
			c := r.AddCell()
			if j < len(widths) {
				c.Width(int(widths[j]), stypes.TableWidthDxa)
			}
			j := stypes.JustificationLeft
			if i == 0 {
				j = stypes.JustificationCenter
			}
			cellPara(c, cell, i == 0, false, tableSize, j)
		}
	}
	rd.AddEmptyParagraph()
}

// signature draws the signature block on the right half.
func signature(rd *docx.RootDoc, lines []string) {
	if len(lines) == 0 {
		return
	}
	half := uint64(textWidth / 2)
	t := rd.AddTable()
	t.Width(textWidth, stypes.TableWidthDxa)
	t.Grid(half, uint64(textWidth)-half)
	r := t.AddRow()
	r.AddCell().AddEmptyPara()
	c := r.AddCell()
	for _, l := range lines {
		cellPara(c, l, true, false, bodySize, stypes.JustificationCenter)
	}
}

// Text reads the text of a .docx: its paragraphs and table cells in order,
// one per line (a table row's cells separated by " | ").
func Text(b []byte) (string, error) {
	rd, err := packager.Unpack(&b)
	if err != nil {
		return "", fmt.Errorf("congressdoc: read docx: %w", err)
	}
	var out []string
	for _, ch := range rd.Document.Body.Children {
		switch {
		case ch.Para != nil:
			out = append(out, paraText(ch.Para.GetCT()))
		case ch.Table != nil:
			for _, rc := range ch.Table.GetCT().RowContents {
				if rc.Row == nil {
					continue
				}
				var cells []string
				for _, cc := range rc.Row.Contents {
					if cc.Cell == nil {
						continue
					}
					var lines []string
					for _, bc := range cc.Cell.Contents {
						if bc.Paragraph != nil {
							lines = append(lines, paraText(bc.Paragraph))
						}
					}
					cells = append(cells, strings.Join(lines, "\n"))
				}
				out = append(out, strings.Join(cells, " | "))
			}
		}
	}
	return strings.Join(out, "\n"), nil
}

func paraText(p *ctypes.Paragraph) string {
	var b bytes.Buffer
	for _, ch := range p.Children {
		if ch.Run == nil {
			continue
		}
		for _, rc := range ch.Run.Children {
			if rc.Text != nil {
				b.WriteString(rc.Text.Text)
			}
		}
	}
	return b.String()
}
