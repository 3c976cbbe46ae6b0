package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
)

func TestTheReportListsTheCongressesMissingPapersAndTheComposition(t *testing.T) {
	r := fixture()
	r.MissingPapers = []domain.CongressMissingPapers{{UnitCode: "HN.HBT.DN.KDC7", UnitName: "Chi bộ Khu dân cư số 7", UnitKind: "cell",
		HeldDate: fixDay("2020-03-20"), DaysSince: 16, Missing: []domain.PaperKind{domain.PaperMinutes, domain.PaperResultsReport}}}
	r.MissingPapersCount = 1
	met := true
	share, _ := domain.PercentOf(4, 7, "members")
	k := domain.KindComposition{Kind: "cell", KindName: domain.Text{VI: "Chi bộ", EN: "Party cell"},
		Composition: domain.Composition{Committees: 3, Members: 7, Women: 4}}
	k.Fill()
	k.Targets = []domain.TargetCheck{{CompositionTarget: domain.CompositionTarget{Kind: "cell", Measure: domain.MeasureWomen, Comparison: domain.AtLeast, Percent: 15},
		Text: domain.Text{VI: "Nữ ít nhất 15%", EN: "Women at least 15%"}, Actual: &share, Met: &met}}
	r.Composition = &domain.CompositionReport{Kinds: []domain.KindComposition{k},
		Plans: []domain.PlanCheck{{CompositionPlan: domain.CompositionPlan{UnitCode: "HN.HBT", UnitName: "Quận Hai Bà Trưng", Measure: domain.MeasureWomen, Percent: 52}}}}
	pages, _ := pdfPages(t, r, "vi")
	text := strings.Join(pages, "\n")
	for _, want := range []string{"Chưa gửi đủ văn bản", "Chi bộ Khu dân cư số 7", "biên bản đại hội, báo cáo kết quả đại hội", "16",
		"Cơ cấu cấp ủy", "4 (57,14%)", "Nữ ít nhất 15%: 57,14% ✔", "Nữ Dự kiến 52%"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	v := NewView(r, "en")
	if len(v.MissingPapers.Rows) != 1 || v.MissingPapers.Rows[0][5] != "minutes of the congress, report of the results" || len(v.Composition.Rows) != 2 {
		t.Errorf("view %+v %+v", v.MissingPapers, v.Composition)
	}
	t.Run("on a phone, each value of its rows says what it is", func(t *testing.T) {
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := HTML(&buf, cat, r, "vi"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `<td data-label="Mã">HN.HBT.DN.KDC7</td>`) {
			t.Error("the rows of the congresses missing papers have no labels")
		}
	})
	t.Run("the kind of a unit is named, when the report knows its name", func(t *testing.T) {
		for _, tc := range []struct {
			name *domain.Text
			want string
		}{{&domain.Text{VI: "Chi bộ", EN: "Party cell"}, "Party cell"}, {nil, "cell"}} {
			r.MissingPapers[0].KindName = tc.name
			if got := NewView(r, "en").MissingPapers.Rows[0][2]; got != tc.want {
				t.Errorf("kind %q, want %q", got, tc.want)
			}
		}
	})
}
