package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// XLSX writes report r as a workbook in lang, one sheet per part: the
// summary (particulars, headline figures, forecast, units projected late),
// the units below, the progress by week with a native line chart, the
// congresses held during the week, those planned for the next, and the
// units late or at risk. Headers are bold and frozen. Numbers are numbers:
// shares are fractions formatted "0.00%", changes "+0;-0;0", and days are
// date cells formatted dd/mm/yyyy (vi) or yyyy-mm-dd (en).
func XLSX(w io.Writer, r Weekly, lang string) error {
	lang = domain.Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f, lang: lang}
	b.makeStyles()
	b.summary(r)
	b.tableSheet(unitsTable(r, lang))
	b.weeksSheet(r)
	b.tableSheet(heldTable(r, lang))
	b.tableSheet(plannedTable(r, lang))
	b.tableSheet(lateTable(r, lang))
	b.tableSheet(missingPapersTable(r, lang))
	b.tableSheet(compositionTable(r, lang))
	if len(r.Sessions) > 0 {
		b.tableSheet(sessionsTable(r))
	}
	b.check(tablefile.SetDimensions(f))
	b.check(f.SetDocProps(&excelize.DocProperties{Title: r.Title(lang), Creator: "daihoi", Language: lang}))
	if b.err != nil {
		return fmt.Errorf("report: xlsx: %w", b.err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	return nil
}

// book writes the sheets of one workbook; the first error stops the
// writing and is kept in err, so that the sheets read as a list of cells.
type book struct {
	f    *excelize.File
	lang string
	err  error
	// named: the default sheet has been renamed.
	named bool
	// Styles by use.
	title, head, bold, date, dateTime, share, delta, rate int
	// late maps each style of a cell (0: none) to the same in red on a
	// light red fill: a late unit's row.
	late map[int]int
}

// check keeps the first error.
func (b *book) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

// makeStyles registers the styles of the workbook.
func (b *book) makeStyles() {
	dateFmt, dateTimeFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	if b.lang == "en" {
		dateFmt, dateTimeFmt = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	}
	b.late = map[int]int{}
	lateFont := func(st excelize.Style) excelize.Style {
		st.Font = &excelize.Font{Color: "A4161A"}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDECEC"}}
		return st
	}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&b.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&b.head, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		}},
		{&b.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&b.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&b.dateTime, excelize.Style{CustomNumFmt: &dateTimeFmt}},
		{&b.share, excelize.Style{NumFmt: 10}}, // 0.00%
		{&b.delta, excelize.Style{CustomNumFmt: ptr("+0;-0;0")}},
		{&b.rate, excelize.Style{CustomNumFmt: ptr("0.0")}},
	} {
		id, err := b.f.NewStyle(&s.style)
		b.check(err)
		*s.id = id
		red := lateFont(s.style)
		lid, err := b.f.NewStyle(&red)
		b.check(err)
		b.late[id] = lid
	}
	red := lateFont(excelize.Style{})
	id, err := b.f.NewStyle(&red)
	b.check(err)
	b.late[0] = id
}

func ptr(s string) *string { return &s }

// cell writes one cell of a table (see table) at column col, row row (from 1).
func (b *book) cell(sheet string, col, row int, v any) { b.tableCell(sheet, col, row, v, false) }

// tableCell writes one cell of a table, in red on a light red fill when
// late (an empty one too, so that the row is red across).
func (b *book) tableCell(sheet string, col, row int, v any, late bool) {
	if b.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		b.check(err)
		return
	}
	style := 0
	defer func() {
		if late {
			style = b.late[style]
		}
		if style != 0 {
			b.check(b.f.SetCellStyle(sheet, ref, ref, style))
		}
	}()
	switch v := v.(type) {
	case nil:
		return
	case string:
		b.check(b.f.SetCellStr(sheet, ref, v))
	case int:
		b.check(b.f.SetCellInt(sheet, ref, int64(v)))
	case delta:
		b.check(b.f.SetCellInt(sheet, ref, int64(v)))
		style = b.delta
	case rate:
		b.check(b.f.SetCellFloat(sheet, ref, float64(v), -1, 64))
		style = b.rate
	case domain.Share:
		if v.Total == 0 {
			return
		}
		// Percent has two decimals: the fraction has four.
		b.check(b.f.SetCellFloat(sheet, ref, math.Round(v.Percent*100)/10000, -1, 64))
		style = b.share
	case *domain.Day:
		if v == nil {
			return
		}
		b.check(b.f.SetCellValue(sheet, ref, v.Time))
		style = b.date
	case time.Time:
		// Excel has no time zones: the wall clock of Hanoi.
		t := v.In(domain.Location)
		b.check(b.f.SetCellValue(sheet, ref, time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)))
		style = b.dateTime
	default:
		b.check(fmt.Errorf("cell %s!%s: unexpected %T", sheet, ref, v))
	}
}

// styled writes text in a style.
func (b *book) styled(sheet string, col, row int, s string, style int) {
	b.cell(sheet, col, row, s)
	ref, err := excelize.CoordinatesToCellName(col, row)
	b.check(err)
	b.check(b.f.SetCellStyle(sheet, ref, ref, style))
}

// writeTable writes t with its header at row and returns the row after it.
// An empty list is one line saying so; a cut list ends with a note.
func (b *book) writeTable(sheet string, row int, t table) int {
	for i, c := range t.cols {
		b.styled(sheet, i+1, row, c.head.In(b.lang), b.head)
	}
	row++
	for j, r := range t.rows {
		for i, v := range r {
			b.tableCell(sheet, i+1, row, v, t.isLate(j))
		}
		row++
	}
	if len(t.rows) == 0 {
		b.cell(sheet, 1, row, labels.None.In(b.lang))
		row++
	}
	if note := t.cut(b.lang); note != "" {
		b.cell(sheet, 1, row, note)
		row++
	}
	return row
}

// newSheet adds a sheet named name (the first one renames the default sheet).
func (b *book) newSheet(name string) {
	if b.err != nil {
		return
	}
	if !b.named {
		b.named = true
		b.check(b.f.SetSheetName("Sheet1", name))
		return
	}
	_, err := b.f.NewSheet(name)
	b.check(err)
}

// widths sets the widths of the columns of t on sheet.
func (b *book) widths(sheet string, t table) {
	for i, c := range t.cols {
		name, err := excelize.ColumnNumberToName(i + 1)
		b.check(err)
		b.check(b.f.SetColWidth(sheet, name, name, c.width))
	}
}

// freeze keeps the rows up to row in view.
func (b *book) freeze(sheet string, row int) {
	top, err := excelize.CoordinatesToCellName(1, row+1)
	b.check(err)
	b.check(b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: row, TopLeftCell: top, ActivePane: "bottomLeft"}))
}

// tableSheet writes t as a sheet of its own: bold frozen header, filters.
func (b *book) tableSheet(t table) string {
	sheet := t.name.In(b.lang)
	b.newSheet(sheet)
	b.widths(sheet, t)
	b.writeTable(sheet, 1, t)
	b.freeze(sheet, 1)
	if len(t.rows) > 0 {
		last, err := excelize.CoordinatesToCellName(len(t.cols), len(t.rows)+1)
		b.check(err)
		b.check(b.f.AutoFilter(sheet, "A1:"+last, nil))
	}
	return sheet
}

// summary writes the first sheet: particulars, headline figures, forecast,
// the units projected late and the late units by place, one block under
// the other.
func (b *book) summary(r Weekly) {
	sheet := labels.SheetSummary.In(b.lang)
	b.newSheet(sheet)
	for col, w := range []float64{36, 30, 14, 14, 14, 16, 12} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		b.check(b.f.SetColWidth(sheet, name, name, w))
	}
	b.styled(sheet, 1, 1, r.Title(b.lang), b.title)
	b.freeze(sheet, 1)
	row := 3
	pairs := particulars(r, b.lang)
	if !r.MadeAt.IsZero() {
		pairs = append(pairs, pair{labels.MadeAt, r.MadeAt})
	}
	for _, p := range pairs {
		b.styled(sheet, 1, row, p.label.In(b.lang), b.bold)
		b.cell(sheet, 2, row, p.value)
		row++
	}

	row++
	b.styled(sheet, 1, row, labels.Headline.In(b.lang), b.title)
	row = b.writeTable(sheet, row+1, headlineTable(r, b.lang))

	row++
	b.styled(sheet, 1, row, labels.Forecast.In(b.lang), b.title)
	b.cell(sheet, 1, row+1, r.Forecast.Verdict().In(b.lang))
	row += 2
	for _, p := range forecastPairs(r.Forecast, b.lang) {
		b.styled(sheet, 1, row, p.label.In(b.lang), b.bold)
		b.cell(sheet, 2, row, p.value)
		row++
	}

	row++
	b.styled(sheet, 1, row, labels.ProjectedLate.In(b.lang), b.title)
	row = b.writeTable(sheet, row+1, projectedLateTable(r, b.lang))

	row++
	places := lateByPlaceTable(r, b.lang)
	b.styled(sheet, 1, row, places.name.In(b.lang), b.title)
	b.writeTable(sheet, row+1, places)
}

// weeksSheet writes the progress by week and its line chart: the share
// column (E) by week (A), from row 2 to the last week.
func (b *book) weeksSheet(r Weekly) {
	t := weeksTable(r)
	sheet := b.tableSheet(t)
	n := len(t.rows)
	if n == 0 || b.err != nil {
		return
	}
	ref := quoteSheet(sheet)
	zero, one := 0.0, 1.0
	b.check(b.f.AddChart(sheet, "G2", &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$E$1", ref),
			Categories: fmt.Sprintf("%s!$A$2:$A$%d", ref, n+1),
			Values:     fmt.Sprintf("%s!$E$2:$E$%d", ref, n+1),
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5},
		}},
		Title:        excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: labels.ChartTitle.In(b.lang)}}},
		Legend:       excelize.ChartLegend{Position: "none"},
		XAxis:        excelize.ChartAxis{Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: labels.Week.In(b.lang)}}}},
		YAxis:        excelize.ChartAxis{Minimum: &zero, Maximum: &one, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		Dimension:    excelize.ChartDimension{Width: 640, Height: 320},
		ShowBlanksAs: "gap",
	}))
}

// quoteSheet quotes a sheet name for a formula: 'Tiến độ theo tuần'.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}
