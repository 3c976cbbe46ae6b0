package report

import (
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/pdfutf8"
)

// firstPage writes what a standing committee reads first, on one page:
// the title, the headline figures with their change over the week, the
// forecast against the deadline, and the late units by place, as many as
// the page holds, the rest counted. The tables follow on the next pages.
func (d *doc) firstPage(r Weekly) {
	d.title(r)
	d.heading(labels.Headline, 30)
	d.tiles(r)
	d.forecastBlock(r)
	d.lateByPlace(r)
}

// tiles draws the headline figures side by side: the value, its share and
// its change since the week before; the late units in red when any.
func (d *doc) tiles(r Weekly) {
	const gap, nameH = 3.0, 3.6
	p := d.p
	n := len(r.Headline)
	if n == 0 {
		return
	}
	w := (usableWidth - gap*float64(n-1)) / float64(n)
	// The names take as many lines as the longest: the values line up.
	names := 1
	d.font("B", 8)
	for _, f := range r.Headline {
		names = max(names, len(wrapWords(pdfutf8.Text(f.Name.In(d.lang)), w-4, p.GetStringWidth)))
	}
	height := 1.5 + float64(names)*nameH + 7 + 4.6 + 3.4 + 3.2 + 1
	y := p.GetY()
	for i, f := range r.Headline {
		x := margin + float64(i)*(w+gap)
		bad := !f.HasTotal() && f.Value > 0
		p.SetLineWidth(0.3)
		p.SetDrawColor(190, 190, 190)
		if bad {
			p.SetDrawColor(red[0], red[1], red[2])
			p.SetTextColor(red[0], red[1], red[2])
		}
		p.Rect(x, y, w, height, "D")
		lines := []tileLine{{f.Name.In(d.lang), "B", 8, nameH}}
		if f.HasTotal() {
			lines = append(lines,
				tileLine{domain.Number(f.Value, d.lang) + "/" + domain.Number(f.Total, d.lang), "B", 15, 7},
				tileLine{f.Share().In(d.lang), "B", 10, 4.6},
				tileLine{fmt.Sprintf(labels.TileChange.In(d.lang), cellText(delta(f.Change()), d.lang)), "", 7.5, 3.4},
				tileLine{fmt.Sprintf(labels.TilePrev.In(d.lang), fmt.Sprintf("%s/%s (%s)", domain.Number(f.Prev, d.lang), domain.Number(f.PrevTotal, d.lang), f.PrevShare().In(d.lang))), "", 7, 3.2})
		} else {
			lines = append(lines,
				tileLine{domain.Number(f.Value, d.lang), "B", 15, 7},
				tileLine{"", "", 10, 4.6},
				tileLine{fmt.Sprintf(labels.TileChange.In(d.lang), cellText(delta(f.Change()), d.lang)), "", 7.5, 3.4},
				tileLine{fmt.Sprintf(labels.TilePrev.In(d.lang), domain.Number(f.Prev, d.lang)), "", 7, 3.2})
		}
		ty := y + 1.5
		for i, l := range lines {
			if i == 1 {
				ty = y + 1.5 + float64(names)*nameH
			}
			s := pdfutf8.Text(l.s)
			d.written = append(d.written, s)
			d.font(l.style, l.size)
			for _, part := range wrapWords(s, w-4, p.GetStringWidth) {
				if ty+l.h > y+height {
					break
				}
				p.Text(x+2, ty+l.h*0.8, part)
				ty += l.h
			}
		}
		p.SetTextColor(0, 0, 0)
	}
	p.SetXY(margin, y+height+1)
}

// tileLine is a line of a tile: its text, style, size (points) and height (mm).
type tileLine struct {
	s, style string
	size, h  float64
}

// forecastBlock writes the forecast against the deadline: the verdict (in
// red when the round will not finish on time), its numbers, and how many
// units below are projected late.
func (d *doc) forecastBlock(r Weekly) {
	f := r.Forecast
	d.heading(labels.ForecastVsDeadline, 14)
	d.text(f.Verdict().In(d.lang), "B", 9.5, 4.8, f.Left > 0 && (!f.OnTime || f.LateBelow > 0))
	line := ""
	for _, p := range forecastPairs(f, d.lang) {
		v := cellText(p.value, d.lang)
		if p.label == labels.OnTime || v == "" {
			continue
		}
		if line != "" {
			line += " · "
		}
		line += p.label.In(d.lang) + ": " + v
	}
	d.text(line, "", 8.5, 4.4, false)
	if n := len(projectedLateUnits(r)); n > 0 {
		d.text(fmt.Sprintf(labels.ProjectedLateCount.In(d.lang), domain.Number(n, d.lang), labels.ProjectedLate.In(d.lang)), "", 8.5, 4.4, true)
	}
}

// lateByPlace lists the units late on the report's last day by place, as
// many as page 1 holds; the others are counted, with the units at risk.
func (d *doc) lateByPlace(r Weekly) {
	t := lateByPlaceTable(r, d.lang)
	need := 6.0
	if len(t.rows) > 0 {
		need = d.layout(t).firstHeight(d)
	}
	d.heading(t.name, need)
	shown := lateShown(t, d.tableUpTo(t, pageBottom-10))
	if more := r.LateCount - shown; more > 0 {
		d.p.Ln(1)
		d.text(fmt.Sprintf(labels.AndMore.In(d.lang), domain.Number(more, d.lang), labels.SheetLate.In(d.lang)), "B", 8.5, 4.4, true)
	}
	if r.AtRiskCount > 0 {
		d.p.Ln(0.5)
		d.note(fmt.Sprintf(labels.AtRiskCount.In(d.lang), domain.Number(r.AtRiskCount, d.lang), labels.SheetLate.In(d.lang)))
	}
}
