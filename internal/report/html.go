package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"sync"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/templates"
)

// The weekly report as HTML: templates/report/weekly.html holds its body
// ("report_body", also drawn inside the web page) and a standalone document
// around it ("report_document", with its stylesheet inline) for the
// command line, the API's html format and the download. Both print on A4.
// The template gets a View: every figure already written in the
// report's language.

// View is a weekly report written out in one language: what the
// template report_body draws.
type View struct {
	Lang, Title, Unit, UnitCode, Kind, Round string
	Week, From, To, MadeAt                   string
	Headline                                 []figureView
	Units                                    []unitRowView
	Held, Planned                            []congressView
	HeldCount, PlannedCount                  int
	HeldMore, PlannedMore                    int
	Late                                     []lateView
	LateCount, AtRiskCount, LateMore         int
	Verdict                                  string
	OnTime                                   bool
	// Projected are the units below projected late; LateByPlace the late
	// units by place, the places with the most first.
	Projected   []projectedView
	LateByPlace []placeGroupView
	Chart       chartView
	// MissingPapers and Composition are the tables of the papers and the
	// people elected.
	MissingPapers, Composition paperRows
	// Sessions are the training sessions of the week.
	Sessions paperRows
}

type figureView struct {
	Name, Value, Prev, Change string
	// Up: the figure grew (good for held, bad for late). Bad: late units there are.
	Up, Down, Late, Bad bool
}

// UnitLink names a unit of the report, with the address of its page (none in the
// standalone file, which is read away from the site).
type UnitLink struct{ Code, Name, Href string }

type unitRowView struct {
	UnitLink
	Kind, Held, Share, Change, Status string
	Planned, HeldOn, Deadline, Done   string
	Flags                             []string
	Pilot, Warn, ProjectedLate, Late  bool
	// Left: some of its cells have not held.
	Left bool
}

type congressView struct {
	UnitLink
	Kind, Date string
	// Place is where the unit sits below the report's unit, nearest first
	// (Parent alone, unlinked, in a report stored before places were kept).
	Place []UnitLink
	Pilot bool
}

type lateView struct {
	UnitLink
	Kind, Flag, Deadline, Planned, Detail string
	Place                                 []UnitLink
	Days                                  int
	Late                                  bool
}

type projectedView struct {
	UnitLink
	Kind, Held, Done, Deadline string
	// DaysAfter: by how many days the projected day misses the deadline
	// (0 with Never: no cell held in the last weeks).
	DaysAfter int
	Never     bool
}

type placeGroupView struct {
	Place []UnitLink
	Units []UnitLink
	Most  int
}

// chartView is the share of cells held by week as SVG bars (no script:
// it prints, and shows in the standalone file), its latest values for
// its accessible text, and its data as a table.
type chartView struct {
	Width, Height int
	Bars          []chartBar
	// Ticks are the 0, 50 and 100% lines.
	Ticks []chartTick
	// From and To name the first and last weeks; Last is the last week's
	// share ("72,65%", Held of Total), Prev the week before's.
	From, To, Last, Prev string
	Held, Total          int
	Rows                 []chartRow
}

type chartRow struct{ Week, End, Held, Share string }

type chartBar struct {
	X, Y, W, H, LabelX float64
	Title              string
	Label              string
}

type chartTick struct {
	Y     float64
	Label string
}

// signed writes a change with its sign for a reader of lang: "+3", "0",
// "−12.345".
func signed(n int, lang string) string {
	switch {
	case n > 0:
		return "+" + domain.Number(n, lang)
	case n < 0:
		return "−" + domain.Number(-n, lang)
	}
	return "0"
}

// ofTotal writes "held / total (share)" for a reader of lang.
func ofTotal(held, total int, lang string) string {
	return fmt.Sprintf("%s / %s (%s)", domain.Number(held, lang), domain.Number(total, lang), domain.NewShare(held, total).In(lang))
}

// NewView writes r out in lang, for the site's page: units link to theirs.
func NewView(r Weekly, lang string) View { return newView(r, lang, true) }

// newView writes r out in lang, its units linked to their pages when links.
func newView(r Weekly, lang string, links bool) View {
	link := func(u domain.UnitRef) UnitLink {
		l := UnitLink{Code: u.Code, Name: u.Name}
		if links {
			l.Href = "/units/" + url.PathEscape(u.Code)
		}
		return l
	}
	place := func(p domain.Place, parent string) []UnitLink {
		if p == nil { // stored before places were kept
			return []UnitLink{{Name: parent}}
		}
		out := make([]UnitLink, len(p))
		for i, u := range p {
			out[i] = link(u)
		}
		return out
	}
	v := View{Lang: lang, Title: r.Title(lang), Unit: r.Unit.Name, UnitCode: r.Unit.Code, Kind: r.KindName.In(lang),
		Round: r.RoundName, Week: domain.WeekLabel(r.Week), From: r.From.VI(), To: r.To.VI(),
		MadeAt:    r.MadeAt.In(domain.Location).Format("02/01/2006 15:04"),
		HeldCount: r.HeldInWeekCount, PlannedCount: r.PlannedNextWeekCount,
		HeldMore: r.HeldInWeekCount - len(r.HeldInWeek), PlannedMore: r.PlannedNextWeekCount - len(r.PlannedNextWeek),
		LateCount: r.LateCount, AtRiskCount: r.AtRiskCount, LateMore: r.LateCount + r.AtRiskCount - len(r.Late), Verdict: r.Forecast.Verdict().In(lang), OnTime: (r.Forecast.OnTime && r.Forecast.LateBelow == 0) || r.Forecast.Left == 0,
		MissingPapers: tableRows(missingPapersTable(r, lang), lang), Composition: tableRows(compositionTable(r, lang), lang),
		Sessions: tableRows(sessionsTable(r), lang)}
	v.MissingPapers.ID, v.Composition.ID, v.Sessions.ID = "r-papers", "r-composition", "r-sessions"
	for _, f := range r.Headline {
		fv := figureView{Name: f.Name.In(lang), Value: domain.Number(f.Value, lang), Prev: domain.Number(f.Prev, lang), Change: signed(f.Change(), lang),
			Up: f.Change() > 0, Down: f.Change() < 0, Late: !f.HasTotal(), Bad: !f.HasTotal() && f.Value > 0}
		if f.HasTotal() {
			fv.Value = ofTotal(f.Value, f.Total, lang)
			fv.Prev = ofTotal(f.Prev, f.PrevTotal, lang)
		}
		v.Headline = append(v.Headline, fv)
	}
	for _, u := range r.Units {
		row := unitRowView{UnitLink: link(u.UnitRef), Kind: u.KindName.In(lang), Held: domain.Number(u.Held, lang) + " / " + domain.Number(u.Total, lang),
			Share: u.Share().In(lang), Change: signed(u.Change(), lang), Status: u.StatusName.In(lang),
			Planned: domain.ShowDay(u.PlannedDate), HeldOn: domain.ShowDay(u.HeldDate), Deadline: domain.ShowDay(u.Deadline), Done: domain.ShowDay(u.Done),
			Pilot: u.IsPilot, Warn: len(u.Flags) > 0, ProjectedLate: u.ProjectedLate, Late: u.Late, Left: u.Held < u.Total}
		for _, f := range u.Flags {
			row.Flags = append(row.Flags, f.In(lang))
		}
		v.Units = append(v.Units, row)
		if u.ProjectedLate {
			pv := projectedView{UnitLink: row.UnitLink, Kind: row.Kind, Held: row.Held, Done: row.Done, Deadline: row.Deadline, Never: u.Done == nil}
			if u.Done != nil && u.Deadline != nil {
				pv.DaysAfter = domain.DaysBetween(u.Deadline.Time, u.Done.Time)
			}
			v.Projected = append(v.Projected, pv)
		}
	}
	congresses := func(list []domain.ReportCongress) []congressView {
		out := make([]congressView, 0, len(list))
		for _, c := range list {
			out = append(out, congressView{UnitLink: link(c.UnitRef), Kind: c.KindName.In(lang), Place: place(c.Place, c.Parent), Date: c.Date.VI(), Pilot: c.IsPilot})
		}
		return out
	}
	v.Held, v.Planned = congresses(r.HeldInWeek), congresses(r.PlannedNextWeek)
	for _, l := range r.Late {
		lv := lateView{UnitLink: link(l.UnitRef), Kind: l.KindName.In(lang), Place: place(l.Place, l.Parent), Flag: l.FlagName.In(lang),
			Deadline: l.Deadline.VI(), Planned: domain.ShowDay(l.PlannedDate), Detail: l.Detail.In(lang), Days: l.DaysOverdue, Late: l.Flag == domain.FlagLate}
		if !lv.Late {
			lv.Days = -lv.Days // days left
		}
		v.Late = append(v.Late, lv)
	}
	for _, g := range latePlaces(r) {
		gv := placeGroupView{Place: place(g.place, g.parent)}
		for _, l := range g.units {
			gv.Units = append(gv.Units, link(l.UnitRef))
			gv.Most = max(gv.Most, l.DaysOverdue)
		}
		v.LateByPlace = append(v.LateByPlace, gv)
	}
	v.Chart = newChart(r.Weeks, lang)
	return v
}

// newChart draws the share of cells held at the end of each week.
func newChart(weeks []WeekPoint, lang string) chartView {
	const width, height, left, right, top, bottom = 720, 200, 36.0, 24.0, 8.0, 22.0
	c := chartView{Width: width, Height: height}
	plot := float64(height) - top - bottom
	for _, pct := range []int{0, 50, 100} {
		c.Ticks = append(c.Ticks, chartTick{Y: top + plot*(1-float64(pct)/100), Label: fmt.Sprintf("%d%%", pct)})
	}
	if len(weeks) == 0 {
		return c
	}
	last := weeks[len(weeks)-1]
	c.From, c.To, c.Last, c.Held, c.Total = domain.WeekLabel(weeks[0].Week), domain.WeekLabel(last.Week), last.Share().In(lang), last.Held, last.Total
	if len(weeks) > 1 {
		c.Prev = weeks[len(weeks)-2].Share().In(lang)
	}
	for _, w := range weeks {
		c.Rows = append(c.Rows, chartRow{Week: domain.WeekLabel(w.Week), End: dayText(w.To, lang), Held: domain.Number(w.Held, lang) + " / " + domain.Number(w.Total, lang), Share: w.Share().In(lang)})
	}
	step := (float64(width) - left - right) / float64(len(weeks))
	every := max(1, len(weeks)/8)
	for i, w := range weeks {
		s := w.Share()
		h := plot * s.Percent / 100
		b := chartBar{X: left + float64(i)*step + step*0.15, W: step * 0.7, Y: top + plot - h, H: h, LabelX: left + (float64(i)+0.5)*step,
			Title: domain.WeekLabel(w.Week) + ": " + ofTotal(w.Held, w.Total, lang)}
		if i%every == 0 || i == len(weeks)-1 {
			b.Label = domain.WeekLabel(w.Week) // "14/2020", as the caption writes it
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

var (
	reportTmplOnce sync.Once
	reportTmpl     *template.Template
	reportCSS      template.CSS
	reportTmplErr  error
)

// reportTemplate parses templates/report once, with the stylesheet the
// standalone document carries inline.
func reportTemplate() (*template.Template, template.CSS, error) {
	reportTmplOnce.Do(func() {
		reportTmpl, reportTmplErr = template.New("report").Funcs(Funcs(nil, "", nil)).
			ParseFS(templates.FS, "report/*.html")
		if reportTmplErr != nil {
			return
		}
		var css []byte
		css, reportTmplErr = fs.ReadFile(templates.FS, "static/report.css")
		reportCSS = template.CSS(css) //nolint:gosec // our own stylesheet
	})
	return reportTmpl, reportCSS, reportTmplErr
}

// HTML writes the weekly report r as a standalone HTML document in
// lang, its words from cat.
func HTML(w io.Writer, cat *i18n.Catalog, r Weekly, lang string) error {
	t, css, err := reportTemplate()
	if err != nil {
		return fmt.Errorf("report: html template: %w", err)
	}
	t, err = t.Clone()
	if err != nil {
		return err
	}
	var terr error
	t.Funcs(Funcs(cat, lang, &terr))
	var buf bytes.Buffer
	data := struct {
		View
		CSS template.CSS
	}{newView(r, lang, false), css}
	if err := t.ExecuteTemplate(&buf, "report_document", data); err != nil {
		return fmt.Errorf("report: html %s: %w", r.Week, err)
	}
	if terr != nil {
		return fmt.Errorf("report: html %s: %w", r.Week, terr)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Funcs are the template functions a report's templates use, bound to
// lang: t (a message of cat; the first failure is kept in *terr) and status
// (the name of a congress status, from the glossary of package domain).
// With a nil catalog they are the stand-ins a template is parsed with.
func Funcs(cat *i18n.Catalog, lang string, terr *error) template.FuncMap {
	if cat == nil {
		return template.FuncMap{"t": func(string, ...any) string { return "" }, "status": func(any) string { return "" },
			"num": func(int) string { return "" }}
	}
	return template.FuncMap{"t": cat.Func(lang, terr),
		"status": func(s any) string { return domain.CongressStatus(fmt.Sprint(s)).Name().In(lang) },
		"num":    func(n int) string { return domain.Number(n, lang) }}
}
