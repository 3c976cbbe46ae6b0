package report

import (
	"github.com/daihoi/daihoi/internal/domain"
)

// Comparison puts the reports of two weeks of a unit side by side: the
// headline figures, the units below, the congresses held in each week,
// the units at risk and the forecasts; A is the earlier week.
type Comparison struct {
	Unit     domain.UnitRef `json:"unit"`
	A        Side           `json:"a"`
	B        Side           `json:"b"`
	Headline []FigureChange `json:"headline"`
	// Units are the units below in B's order, then those only in A.
	Units []UnitChange `json:"units"`
}

// Side is one of the two weeks compared.
type Side struct {
	Week       string      `json:"week"`
	From       domain.Day  `json:"from"`
	To         domain.Day  `json:"to"`
	HeldInWeek int         `json:"held_in_week"`
	AtRisk     int         `json:"at_risk"`
	Verdict    domain.Text `json:"verdict"`
}

// Count is a figure at the end of one week: Value of Total (Total is 0
// for late units, which are not a share).
type Count struct {
	Value int `json:"value"`
	Total int `json:"total"`
}

// Share is Value of Total.
func (c Count) Share() domain.Share { return domain.NewShare(c.Value, c.Total) }

// FigureChange is a headline figure in both weeks.
type FigureChange struct {
	Key  string      `json:"key"`
	Name domain.Text `json:"name"`
	A    Count       `json:"a"`
	B    Count       `json:"b"`
	// Change is B's value less A's.
	Change int `json:"change"`
}

// HasTotal is false for counts that are not shares (late units).
func (f FigureChange) HasTotal() bool { return Figure{Key: f.Key}.HasTotal() }

// UnitChange is a unit below in both weeks: its cells held of all. A unit
// in one report only (moved, merged, created) has the other side nil and
// OnlyIn naming the week it is in.
type UnitChange struct {
	domain.UnitRef
	A *Count `json:"a"`
	B *Count `json:"b"`
	// Change is B's cells held less A's (0 when the unit is in one week only).
	Change int    `json:"change"`
	OnlyIn string `json:"only_in,omitempty"`
}

// Compare puts reports a and b of the same unit side by side, the earlier
// week as A whatever the order given.
func Compare(a, b Weekly) Comparison {
	if b.From.Before(a.From) {
		a, b = b, a
	}
	side := func(r Weekly) Side {
		return Side{Week: r.Week, From: r.From, To: r.To, HeldInWeek: r.HeldInWeekCount, AtRisk: r.AtRiskCount, Verdict: r.Forecast.Verdict()}
	}
	c := Comparison{Unit: b.Unit, A: side(a), B: side(b), Headline: []FigureChange{}, Units: []UnitChange{}}
	for _, fb := range b.Headline {
		fa := a.Figure(fb.Key)
		c.Headline = append(c.Headline, FigureChange{Key: fb.Key, Name: fb.Name,
			A: Count{fa.Value, fa.Total}, B: Count{fb.Value, fb.Total}, Change: fb.Value - fa.Value})
	}
	inA := map[string]Unit{}
	for _, u := range a.Units {
		inA[u.Code] = u
	}
	inB := map[string]bool{}
	for _, ub := range b.Units {
		inB[ub.Code] = true
		uc := UnitChange{UnitRef: ub.UnitRef, B: &Count{ub.Held, ub.Total}}
		if ua, ok := inA[ub.Code]; ok {
			uc.A, uc.Change = &Count{ua.Held, ua.Total}, ub.Held-ua.Held
		} else {
			uc.OnlyIn = b.Week
		}
		c.Units = append(c.Units, uc)
	}
	for _, ua := range a.Units {
		if !inB[ua.Code] {
			c.Units = append(c.Units, UnitChange{UnitRef: ua.UnitRef, A: &Count{ua.Held, ua.Total}, OnlyIn: a.Week})
		}
	}
	return c
}

// CompareView is a comparison written out in one language: what the page
// of two weeks draws.
type CompareView struct {
	A, B                   string
	AFrom, ATo, BFrom, BTo string
	AVerdict, BVerdict     string
	Headline               []compareFigureView
	Units                  []compareUnitView
	AHeld, BHeld           int
	AAt, BAt               int
}

type compareFigureView struct{ Name, A, B, Diff string }

type compareUnitView struct {
	Code, Name, A, B, Diff string
	OnlyIn                 string
}

// NewCompareView writes c out in lang.
func NewCompareView(c Comparison, lang string) CompareView {
	v := CompareView{A: c.A.Week, B: c.B.Week, AFrom: c.A.From.VI(), ATo: c.A.To.VI(), BFrom: c.B.From.VI(), BTo: c.B.To.VI(),
		AVerdict: c.A.Verdict.In(lang), BVerdict: c.B.Verdict.In(lang),
		AHeld: c.A.HeldInWeek, BHeld: c.B.HeldInWeek, AAt: c.A.AtRisk, BAt: c.B.AtRisk}
	for _, f := range c.Headline {
		fv := compareFigureView{Name: f.Name.In(lang), A: domain.Number(f.A.Value, lang), B: domain.Number(f.B.Value, lang), Diff: signed(f.Change, lang)}
		if f.HasTotal() {
			fv.A, fv.B = countText(f.A, lang), countText(f.B, lang)
		}
		v.Headline = append(v.Headline, fv)
	}
	for _, u := range c.Units {
		uv := compareUnitView{Code: u.Code, Name: u.Name, OnlyIn: u.OnlyIn}
		if u.A != nil {
			uv.A = countText(*u.A, lang)
		}
		if u.B != nil {
			uv.B = countText(*u.B, lang)
		}
		if u.A != nil && u.B != nil {
			uv.Diff = signed(u.Change, lang)
		}
		v.Units = append(v.Units, uv)
	}
	return v
}

// countText writes a count with its share: "2 / 4 (50,00%)".
func countText(c Count, lang string) string {
	return ofTotal(c.Value, c.Total, lang)
}
