package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/daihoi/daihoi/internal/pdfutf8"
)

// Tables of the PDF, in points (fonts) and millimetres.
const (
	tableFont = 7.0
	lineH     = 3.1
	cellPad   = 1.0
)

// red is the colour of what is late, in every format (#A4161A, as the
// stylesheet's --r-bad).
var red = [3]int{164, 22, 26}

// pdfColumn is a column of a table as drawn: which cell of the row, how wide.
type pdfColumn struct {
	index int
	width float64
}

// pdfTable is a table laid out for the page: its columns' widths and the
// font size that lets every word of it fit its column.
type pdfTable struct {
	t    table
	cols []pdfColumn
	size float64
	head []any
}

// layout fits t's columns with a pdf width to the page's width: each gets
// its share, at least its widest word (so that no word is cut); when the
// widest words alone do not fit, the font is made smaller, down to 5 pt.
func (d *doc) layout(t table) pdfTable {
	lt := pdfTable{t: t, head: make([]any, len(t.cols))}
	for i, c := range t.cols {
		lt.head[i] = c.head.In(d.lang)
	}
	var weights []float64
	for i, c := range t.cols {
		if c.pdf > 0 {
			lt.cols = append(lt.cols, pdfColumn{index: i})
			weights = append(weights, c.pdf)
		}
	}
	for lt.size = tableFont; ; lt.size -= 0.5 {
		least := make([]float64, len(lt.cols))
		for i, c := range lt.cols {
			d.font("B", lt.size)
			least[i] = widestWord(pdfutf8.Text(cellText(lt.head[c.index], d.lang)), d.p.GetStringWidth)
			d.font("", lt.size)
			for _, r := range t.rows {
				least[i] = max(least[i], widestWord(pdfutf8.Text(cellText(r[c.index], d.lang)), d.p.GetStringWidth))
			}
			least[i] += 2*cellPad + 0.2
		}
		widths, ok := fitColumns(weights, least, usableWidth)
		if ok || lt.size <= 5 {
			if !ok { // the words are cut: the least harm left
				widths, _ = fitColumns(weights, make([]float64, len(weights)), usableWidth)
			}
			for i := range lt.cols {
				lt.cols[i].width = widths[i]
			}
			return lt
		}
	}
}

// table draws t across the page's width, with the columns that have a pdf
// width, each cell wrapped to its column between words. A row that does
// not fit goes to a new page, under the header again; late rows are red.
// An empty list is one line saying so.
func (d *doc) table(t table) {
	d.tableUpTo(t, 0)
}

// tableUpTo draws t as table does; with a bottom (> 0), on this page only,
// the rows that fit above bottom. It returns how many rows it drew.
func (d *doc) tableUpTo(t table, bottom float64) int {
	if len(t.rows) == 0 {
		d.note(labels.None.In(d.lang))
		return 0
	}
	lt := d.layout(t)
	header := func() { d.row(lt, lt.head, true, false) }
	d.needs(lt.firstHeight(d))
	header()
	shown := 0
	for i, r := range t.rows {
		h := d.rowHeight(lt, r, false)
		if bottom > 0 && d.p.GetY()+h > bottom {
			return shown
		}
		if d.p.GetY()+h > pageBottom {
			d.p.AddPage()
			header()
		}
		d.row(lt, r, false, t.isLate(i))
		shown++
	}
	if note := t.cut(d.lang); note != "" {
		d.p.Ln(1)
		d.note(note)
	}
	return shown
}

// firstHeight is the height of the table's header and first row: what a
// heading needs under it on the same page.
func (lt pdfTable) firstHeight(d *doc) float64 {
	if len(lt.t.rows) == 0 {
		return 6
	}
	return d.rowHeight(lt, lt.head, true) + d.rowHeight(lt, lt.t.rows[0], false)
}

// lines splits the cells of a row to the widths of their columns.
func (d *doc) lines(lt pdfTable, row []any, head bool) [][]string {
	if head {
		d.font("B", lt.size)
	} else {
		d.font("", lt.size)
	}
	out := make([][]string, len(lt.cols))
	for i, c := range lt.cols {
		s := pdfutf8.Text(cellText(row[c.index], d.lang))
		d.written = append(d.written, s)
		out[i] = wrapWords(s, c.width-2*cellPad, d.p.GetStringWidth)
	}
	return out
}

// lineHeight is the height of a line of text of size points in a table.
func lineHeight(size float64) float64 { return lineH * size / tableFont }

// rowHeight is the height of a row once its cells are wrapped.
func (d *doc) rowHeight(lt pdfTable, row []any, head bool) float64 {
	n := 1
	for _, l := range d.lines(lt, row, head) {
		n = max(n, len(l))
	}
	return float64(n)*lineHeight(lt.size) + 2*cellPad
}

// row draws a row of a table (the header, shaded, when head; in red when
// late) at the current position and moves under it. Numbers are
// right-aligned.
func (d *doc) row(lt pdfTable, row []any, head, late bool) {
	p := d.p
	h := d.rowHeight(lt, row, head)
	lines := d.lines(lt, row, head)
	lh := lineHeight(lt.size)
	x, y := margin, p.GetY()
	p.SetDrawColor(170, 170, 170)
	p.SetLineWidth(0.15)
	if late {
		p.SetTextColor(red[0], red[1], red[2])
	}
	for i, c := range lt.cols {
		style := "D"
		if head {
			p.SetFillColor(231, 230, 230)
			style = "FD"
		} else if late {
			p.SetFillColor(253, 236, 236)
			style = "FD"
		}
		p.Rect(x, y, c.width, h, style)
		right := !head && isNumber(row[c.index])
		for j, l := range lines[i] {
			tx := x + cellPad
			if right {
				tx = x + c.width - cellPad - p.GetStringWidth(l)
			}
			p.Text(tx, y+cellPad+float64(j)*lh+lh*0.75, l)
		}
		x += c.width
	}
	p.SetTextColor(0, 0, 0)
	p.SetXY(margin, y+h)
}

// chartHeight is the height of the chart of progress by week, its title
// and the names of the weeks included.
const chartHeight = 64.0

// chartSection is the heading of the progress by week and its chart, on
// one page.
func (d *doc) chartSection(weeks []WeekPoint) {
	d.heading(labels.SheetWeeks, chartHeight)
	d.chart(weeks)
}

// say writes s at x, y, as it is (a word or a number: never wrapped).
func (d *doc) say(x, y float64, s string) {
	d.written = append(d.written, s)
	d.p.Text(x, y, s)
}

// chart draws the share of cells held at the end of each week as bars,
// from 0 to 100%, the weeks under them.
func (d *doc) chart(weeks []WeekPoint) {
	if len(weeks) == 0 {
		d.note(labels.None.In(d.lang))
		return
	}
	const (
		height = chartHeight - 16
		axisW  = 10.0 // room for the percent labels
	)
	p := d.p
	d.needs(chartHeight)
	d.font("B", 8)
	d.written = append(d.written, labels.ChartTitle.In(d.lang))
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
		d.say(x0-1.5-p.GetStringWidth(label), y+0.8, label)
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
			d.say(bx+barW/2-p.GetStringWidth(v)/2, bottom-bh-1, v)
		}
		if (len(weeks)-1-i)%every == 0 { // the last week always named
			name := w.Week
			if k := strings.Index(name, "-"); k >= 0 {
				name = name[k+1:] // "W14"
			}
			d.say(bx+barW/2-p.GetStringWidth(name)/2, bottom+3.5, name)
		}
	}
	p.SetDrawColor(120, 120, 120)
	p.Line(x0, bottom, x0+width, bottom)
	p.SetXY(margin, bottom+6)
}
