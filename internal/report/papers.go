package report

import (
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// The report's sections on the papers and the people elected: the held
// congresses below still missing papers (as the papers stand when the
// report is made, held by the week's Sunday, with the days since), and the
// composition of the committees elected by then against the round's
// targets and the units' plans.

var paperLabels = struct {
	SheetMissing, SheetComposition                               domain.Text
	Missing, DaysSince, Members, Women, Youth, Minority, Reelect domain.Text
	Targets, Plan, Planned, Reached                              domain.Text
}{
	SheetMissing:     domain.Text{VI: "Chưa gửi đủ văn bản", EN: "Papers missing"},
	SheetComposition: domain.Text{VI: "Cơ cấu cấp ủy", EN: "Committee composition"},
	Missing:          domain.Text{VI: "Còn thiếu", EN: "Missing"},
	DaysSince:        domain.Text{VI: "Số ngày từ đại hội", EN: "Days since"},
	Members:          domain.Text{VI: "Cấp ủy viên", EN: "Members"},
	Women:            domain.Text{VI: "Nữ", EN: "Women"},
	Youth:            domain.Text{VI: "Dưới 40 tuổi", EN: "Under 40"},
	Minority:         domain.Text{VI: "Dân tộc thiểu số", EN: "Ethnic minority"},
	Reelect:          domain.Text{VI: "Tái cử", EN: "Re-elected"},
	Targets:          domain.Text{VI: "Chỉ tiêu", EN: "Targets"},
	Plan:             domain.Text{VI: "Cơ cấu dự kiến", EN: "Planned"},
	Planned:          domain.Text{VI: "Dự kiến", EN: "Planned"},
	Reached:          domain.Text{VI: "Đạt", EN: "Reached"},
}

// missingPapersTable lists the held congresses missing papers.
func missingPapersTable(r Weekly, lang string) table {
	t := table{name: paperLabels.SheetMissing, count: r.MissingPapersCount, cols: []column{
		{labels.Code, 16, 0},
		{labels.Unit, 34, 60},
		{labels.Kind, 22, 0},
		{labels.HeldOn, 13, 22},
		{paperLabels.DaysSince, 13, 20},
		{paperLabels.Missing, 40, 60},
	}}
	for _, m := range r.MissingPapers {
		kind := m.UnitKind // a report stored before kinds were named there
		if m.KindName != nil {
			kind = m.KindName.In(lang)
		}
		t.rows = append(t.rows, []any{m.UnitCode, m.UnitName, kind, day(m.HeldDate), m.DaysSince, domain.MissingPapersText(m.Missing).In(lang)})
	}
	return t
}

// shareCell writes a count of members with its share: "4 (57,14%)".
func shareCell(k domain.KindComposition, m domain.Measure, lang string) string {
	p, ok := k.Shares[m]
	if !ok {
		return fmt.Sprint(k.Count(m))
	}
	return fmt.Sprintf("%d (%s)", k.Count(m), p.In(lang))
}

// compositionTable lists the composition by unit kind, each with its
// targets met or not, then the units' plans.
func compositionTable(r Weekly, lang string) table {
	t := table{name: paperLabels.SheetComposition, cols: []column{
		{labels.Kind, 22, 26},
		{paperLabels.Members, 12, 16},
		{paperLabels.Women, 16, 22},
		{paperLabels.Youth, 16, 22},
		{paperLabels.Minority, 16, 22},
		{paperLabels.Reelect, 16, 22},
		{paperLabels.Targets, 44, 56},
	}}
	if r.Composition == nil {
		return t
	}
	for _, k := range r.Composition.Kinds {
		var targets string
		for i, tc := range k.Targets {
			if i > 0 {
				targets += "; "
			}
			targets += tc.Text.In(lang)
			if tc.Met != nil {
				mark := "✘"
				if *tc.Met {
					mark = "✔"
				}
				targets += ": " + tc.Actual.In(lang) + " " + mark
			}
		}
		t.rows = append(t.rows, []any{k.KindName.In(lang), k.Members, shareCell(k, domain.MeasureWomen, lang), shareCell(k, domain.MeasureYouth, lang),
			shareCell(k, domain.MeasureEthnicMinority, lang), shareCell(k, domain.MeasureReelected, lang), targets})
	}
	for _, p := range r.Composition.Plans {
		reached := "–"
		if p.Actual != nil {
			reached = p.Actual.In(lang)
		}
		t.rows = append(t.rows, []any{paperLabels.Plan.In(lang) + ": " + p.UnitName, p.Members, "", "", "", "",
			p.Measure.Name().In(lang) + " " + paperLabels.Planned.In(lang) + " " + domain.PercentText(p.Percent, lang) + " · " +
				paperLabels.Reached.In(lang) + " " + reached})
	}
	return t
}

// paperRows are the rows of the two tables as the HTML shows them.
type paperRows struct {
	// ID is the section's anchor, for the report's contents.
	ID    string
	Name  string
	Heads []string
	Rows  [][]string
	More  int
}

// tableRows writes a table as text rows for the HTML.
func tableRows(t table, lang string) paperRows {
	out := paperRows{Name: t.name.In(lang), More: max(0, t.count-len(t.rows))}
	for _, c := range t.cols {
		out.Heads = append(out.Heads, c.head.In(lang))
	}
	for _, r := range t.rows {
		row := make([]string, len(r))
		for i, v := range r {
			row[i] = cellText(v, lang)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}
