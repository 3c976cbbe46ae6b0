package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The composition of the committees elected, on the unit page and the
// dashboard: per unit kind of the subtree, the members and the shares of
// women, under 40, ethnic minority and re-elected against the round's
// targets, and the units' plans against their committees. Aggregated
// figures: every reader sees them.

type targetRow struct {
	Text, Actual string
	Met, Known   bool
}

type compositionKindRow struct {
	Name                              string
	Committees, Members               int
	Women, Youth, Minority, Reelected string
	Targets                           []targetRow
}

type planRow struct {
	Code, Name, Measure, Planned, Actual string
	Met, Known                           bool
}

type compositionView struct {
	Code, CSRF string
	Kinds      []compositionKindRow
	Plans      []planRow
	// MayPlan: the caller may set the unit's planned composition.
	MayPlan  bool
	Measures []choice
}

// shareText is "4 (57,14%)", or "0" when there is no member.
func shareText(n int, p domain.Percent, ok bool, lang string) string {
	if !ok {
		return domain.Number(n, lang)
	}
	return domain.Number(n, lang) + " (" + percentIn(p, lang) + ")"
}

// compositionViewOf is the composition section of the page of the unit
// with code, from its report r; mayPlan offers the form of its plan. Nil
// when there is nothing to show nor to plan.
func (s *Server) compositionViewOf(c echo.Context, r domain.CompositionReport, code string, mayPlan bool, lang string) *compositionView {
	v := &compositionView{Code: code, CSRF: s.csrfToken(c), MayPlan: mayPlan}
	for _, m := range domain.Measures {
		v.Measures = append(v.Measures, choice{Code: string(m.Code), Name: m.Name.In(lang)})
	}
	for _, k := range r.Kinds {
		share := func(m domain.Measure) string {
			pc, ok := k.Shares[m]
			return shareText(k.Count(m), pc, ok, lang)
		}
		row := compositionKindRow{Name: k.KindName.In(lang), Committees: k.Committees, Members: k.Members,
			Women: share(domain.MeasureWomen), Youth: share(domain.MeasureYouth), Minority: share(domain.MeasureEthnicMinority),
			Reelected: share(domain.MeasureReelected)}
		for _, t := range k.Targets {
			tr := targetRow{Text: t.Text.In(lang)}
			if t.Actual != nil {
				tr.Actual, tr.Met, tr.Known = percentIn(*t.Actual, lang), *t.Met, true
			}
			row.Targets = append(row.Targets, tr)
		}
		v.Kinds = append(v.Kinds, row)
	}
	for _, pl := range r.Plans {
		row := planRow{Code: pl.UnitCode, Name: pl.UnitName, Measure: pl.Measure.Name().In(lang), Planned: domain.PercentText(pl.Percent, lang)}
		if pl.Actual != nil {
			row.Actual, row.Met, row.Known = percentIn(*pl.Actual, lang), *pl.Met, true
		}
		v.Plans = append(v.Plans, row)
	}
	if len(v.Kinds) == 0 && len(v.Plans) == 0 && !v.MayPlan {
		return nil
	}
	return v
}

// personText says who a person elected is, for those who may see it:
// "nữ · sinh năm 1985 · dân tộc thiểu số · tái cử".
func (s *Server) personText(c echo.Context, u *domain.User, e domain.Elected, personal bool) string {
	if !personal {
		return ""
	}
	var parts []string
	if e.IsWoman {
		parts = append(parts, s.text(c, u, "person_woman", nil))
	}
	if e.BirthYear != nil {
		parts = append(parts, s.text(c, u, "person_born", map[string]any{"Year": *e.BirthYear}))
	}
	if e.EthnicMinority {
		parts = append(parts, s.text(c, u, "person_minority", nil))
	}
	if e.Reelected {
		parts = append(parts, s.text(c, u, "person_re_elected", nil))
	}
	return strings.Join(parts, " · ")
}

// compositionText sums up a committee's composition in one line.
func (s *Server) compositionText(c echo.Context, u *domain.User, k domain.Composition) string {
	if k.Members == 0 {
		return ""
	}
	lang := pageLang(c, u)
	share := func(m domain.Measure) string {
		pc, ok := k.Shares[m]
		return shareText(k.Count(m), pc, ok, lang)
	}
	return s.text(c, u, "composition_line", map[string]any{"Count": k.Members, "Members": k.Members, "Women": share(domain.MeasureWomen),
		"Youth": share(domain.MeasureYouth), "Minority": share(domain.MeasureEthnicMinority), "Reelected": share(domain.MeasureReelected)})
}

// formPercent reads the form's percent, "52,5" or "52.5"; what is not a
// number becomes -1, which the rules refuse with their message.
func formPercent(c echo.Context) float64 {
	pc, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(c.FormValue("percent")), ",", ".", 1), 64)
	if err != nil {
		return -1
	}
	return pc
}

// handleCompositionPlanPage sets the unit's planned share of a measure
// from the form, and goes back to the unit page.
func (s *Server) handleCompositionPlanPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	_, err = s.svc.SetCompositionPlan(c.Request().Context(), *p, code, 0, domain.CompositionPlanInput{Measure: c.FormValue("measure"),
		Percent: formPercent(c), Reason: c.FormValue("reason")})
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "composition_plan_saved", nil), "/units/"+code+"#composition")
}
