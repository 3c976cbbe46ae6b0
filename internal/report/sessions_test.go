package report

import (
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// withSession is the fixture with one training session held in its week.
func withSession(t *testing.T) Weekly {
	t.Helper()
	r := fixture()
	start, err := domain.ParseClockTime("14:00")
	if err != nil {
		t.Fatal(err)
	}
	attended := 42
	r.Sessions = []domain.TrainingSession{{UnitCode: "HN.HBT", UnitName: "Đảng bộ quận Hai Bà Trưng",
		Title: "Tập huấn nghiệp vụ công tác đại hội", Day: fixDay("2020-03-19"), Start: &start,
		Place: "Hội trường Quận ủy", Attended: &attended,
		Invited: []domain.UnitRef{{Code: "HN.HBT.BACHMAI", Name: "Đảng bộ phường Bạch Mai"}}}}
	return r
}

func TestTheWeeksTrainingSessionsAreInThePDFAndTheXLSX(t *testing.T) {
	r := withSession(t)
	pages, _ := pdfPages(t, r, "vi")
	all := strings.Join(pages, "\n")
	for _, want := range []string{"Tập huấn trong tuần", "Tập huấn nghiệp vụ công tác đại hội", "Hội trường Quận ủy"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF does not hold %q", want)
		}
	}
	f, _ := writeXLSX(t, r, "en")
	row, _ := rowWhere(t, f, "Training sessions of the week", "19/03/2020 14:00")
	if row[1] != "Tập huấn nghiệp vụ công tác đại hội" || row[3] != "Hội trường Quận ủy" || row[4] != "Đảng bộ phường Bạch Mai" || row[5] != "42" {
		t.Errorf("session row = %q", row[:6])
	}
}

func TestAWeekWithoutTrainingSessionsHasNoSheetForThem(t *testing.T) {
	f, _ := writeXLSX(t, fixture(), "en")
	for _, name := range f.GetSheetList() {
		if name == "Training sessions of the week" {
			t.Errorf("sheets %q: want no sheet of training sessions", f.GetSheetList())
		}
	}
}
