package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/daihoi/daihoi/internal/pdfutf8"
)

// Tables of the PDF, in points (fonts) and millimetres.
const (
	tableFont = 6.5
	lineH     = 2.9
	cellPad   = 1.0
)

// pdfColumn is a column of a table as drawn: which cell of the row, how wide.
type pdfColumn struct {
	index int
	width float64
}

// table draws t across the page's width, with the columns that have a pdf
// width, each cell wrapped to its column. A row that does not fit goes to
// a new page, under the header again. An empty list is one line saying so.
func (d *doc) table(t table) {
	if len(t.rows) == 0 {
		d.note(labels.None.In(d.lang))
		return
	}
	var cols []pdfColumn
	sum := 0.0
	for i, c := range t.cols {
		if c.pdf > 0 {
			cols = append(cols, pdfColumn{i, c.pdf})
			sum += c.pdf
		}
	}
	for i := range cols {
		cols[i].width *= usableWidth / sum
	}
	head := make([]any, len(t.cols))
	for i, c := range t.cols {
		head[i] = c.head.In(d.lang)
	}
	header := func() { d.row(cols, head, true) }

	d.needs(d.rowHeight(cols, head, true) + d.rowHeight(cols, t.rows[0], false))
	header()
	for _, r := range t.rows {
		if d.p.GetY()+d.rowHeight(cols, r, false) > pageBottom {
			d.p.AddPage()
			header()
		}
		d.row(cols, r, false)
	}
	if note := t.cut(d.lang); note != "" {
		d.p.Ln(1)
		d.note(note)
	}
}

// lines splits the cells of a row to the widths of their columns.
func (d *doc) lines(cols []pdfColumn, row []any, head bool) [][]string {
	if head {
		d.font("B", tableFont)
	} else {
		d.font("", tableFont)
	}
	out := make([][]string, len(cols))
	for i, c := range cols {
		out[i] = d.p.SplitText(pdfutf8.Text(cellText(row[c.index], d.lang)), c.width)
	}
	return out
}

// rowHeight is the height of a row once its cells are wrapped.
func (d *doc) rowHeight(cols []pdfColumn, row []any, head bool) float64 {
	n := 1
	for _, l := range d.lines(cols, row, head) {
		n = max(n, len(l))
	}
	return float64(n)*lineH + 2*cellPad
}

// row draws a row of a table (the header, shaded, when head) at the
// current position and moves under it. Numbers are right-aligned.
func (d *doc) row(cols []pdfColumn, row []any, head bool) {
	p := d.p
	h := d.rowHeight(cols, row, head)
	lines := d.lines(cols, row, head)
	x, y := margin, p.GetY()
	p.SetDrawColor(170, 170, 170)
	p.SetLineWidth(0.15)
	for i, c := range cols {
		style := "D"
		if head {
			p.SetFillColor(231, 230, 230)
			style = "FD"
		}
		p.Rect(x, y, c.width, h, style)
		right := !head && isNumber(row[c.index])
		for j, l := range lines[i] {
			tx := x + cellPad
			if right {
				tx = x + c.width - cellPad - p.GetStringWidth(l)
			}
			p.Text(tx, y+cellPad+float64(j)*lineH+lineH*0.75, l)
		}
		x += c.width
	}
	p.SetXY(margin, y+h)
}

// chart draws the share of cells held at the end of each week as bars,
// from 0 to 100%, the weeks under them.
func (d *doc) chart(weeks []WeekPoint) {
	if len(weeks) == 0 {
		d.note(labels.None.In(d.lang))
		return
	}
	const (
		height = 48.0
		axisW  = 10.0 // room for the percent labels
	)
	p := d.p
	d.needs(height + 16)
	d.font("B", 8)
	p.CellFormat(0, 5, pdfutf8.Text(labels.ChartTitle.In(d.lang)), "", 1, "C", false, 0, "")
	x0, y0 := margin+axisW, p.GetY()+2
	width := usableWidth - axisW
	bottom := y0 + height

	// Grid and percent labels.
	d.font("", 6.5)
	p.SetDrawColor(210, 210, 210)
	p.SetLineWidth(0.15)
	for pct := 0; pct <= 100; pct += 25 {
		y := bottom - height*float64(pct)/100
		p.Line(x0, y, x0+width, y)
		label := fmt.Sprintf("%d%%", pct)
		p.Text(x0-1.5-p.GetStringWidth(label), y+0.8, label)
	}

	// Bars, with the share above each when there is room, else above the last.
	slot := width / float64(len(weeks))
	barW := math.Min(slot*0.6, 14)
	labelW := p.GetStringWidth("W00") + 2
	every := int(math.Ceil(labelW / slot))
	p.SetFillColor(52, 101, 164)
	for i, w := range weeks {
		s := w.Share()
		bx := x0 + slot*float64(i) + (slot-barW)/2
		bh := height * s.Percent / 100
		if bh > 0 {
			p.Rect(bx, bottom-bh, barW, bh, "F")
		}
		if slot >= p.GetStringWidth("100,00%")+1 || i == len(weeks)-1 {
			v := s.In(d.lang)
			p.Text(bx+barW/2-p.GetStringWidth(v)/2, bottom-bh-1, v)
		}
		if (len(weeks)-1-i)%every == 0 { // the last week always named
			name := w.Week
			if k := strings.Index(name, "-"); k >= 0 {
				name = name[k+1:] // "W14"
			}
			p.Text(bx+barW/2-p.GetStringWidth(name)/2, bottom+3.5, name)
		}
	}
	p.SetDrawColor(120, 120, 120)
	p.Line(x0, bottom, x0+width, bottom)
	p.SetXY(margin, bottom+6)
}
