package report

import (
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// Summary is a stored report in a unit's archive: its week and headline
// figures, without the rest of its content.
type Summary struct {
	Week       string     `json:"week"`
	From       domain.Day `json:"from"`
	MadeAt     time.Time  `json:"made_at"`
	MadeBy     string     `json:"made_by"`
	NothingNew bool       `json:"nothing_new"`
	HeldInWeek int        `json:"held_in_week"`
	Headline   []Figure   `json:"headline"`
}

// SummaryView is a row of a unit's archive written out in one language.
type SummaryView struct {
	Week, From, To, Cells, Change, MadeAt, MadeBy string
	// WeekLabel is the week as pages show it ("15/2020").
	WeekLabel  string
	Held       int
	NothingNew bool
}

// NewSummaryView writes s out in lang: its week, its cells held and their
// change over the week.
func NewSummaryView(s Summary, lang string) SummaryView {
	v := SummaryView{Week: s.Week, WeekLabel: domain.WeekLabel(s.Week), From: s.From.VI(), To: s.From.AddDays(6).VI(), Held: s.HeldInWeek,
		NothingNew: s.NothingNew, MadeAt: s.MadeAt.In(domain.Location).Format("02/01/2006 15:04"), MadeBy: domain.ActorName(s.MadeBy, lang)}
	for _, f := range s.Headline {
		if f.Key == FigureCells {
			v.Cells = ofTotal(f.Value, f.Total, lang)
			v.Change = signed(f.Change(), lang)
		}
	}
	return v
}
