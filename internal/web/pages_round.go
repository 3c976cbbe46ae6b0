package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The round page: the current round, its deadline rules by kind, category
// and scope, the form to set or change one (with a reason, board users),
// and the history of deadline changes.

type roundRule struct{ Kind, Category, Scope, Deadline string }

type roundPage struct {
	Name, Documents, Start string
	Rules                  []roundRule
	MayManage              bool
	Kinds, Categories      []choice
	History                []unitAudit
	// Required are the papers each unit kind sends before its results
	// are reported; Targets the composition targets.
	Required                []roundRequired
	Targets                 []roundTarget
	Measures, ComparisonsOf []choice
	// Form is the refused form shown again as typed.
	Form roundForm
}

// roundForm is the refused form of the round page, as typed: the deadline
// rule's (Rule) or the composition target's (Target); nil when not refused.
type roundForm struct{ Rule, Target *formState }

type roundRequired struct{ Kind, Papers string }

type roundTarget struct{ Kind, Scope, Text string }

// handleRoundPage shows the current round.
func (s *Server) handleRoundPage(c echo.Context) error {
	p, id, done, err := s.roundCaller(c)
	if done || err != nil {
		return err
	}
	return s.roundPage(c, p, id, http.StatusOK, roundForm{})
}

// roundPage renders the round page; form is a refused form shown again as
// typed with its refusals.
func (s *Server) roundPage(c echo.Context, p *domain.Principal, id int64, status int, form roundForm) error {
	ctx := c.Request().Context()
	r, err := s.svc.Round(ctx, *p, id)
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	d := roundPage{Name: r.Name, Documents: strings.Join(r.Documents, ", "), Start: r.StartDate.VI(), MayManage: p.CanAnywhere(domain.ActManage),
		Form: form}
	for _, rule := range r.Deadlines {
		cat := rule.Category
		for _, k := range domain.Categories {
			if k.Code == rule.Category {
				cat = k.Name.In(lang)
			}
		}
		d.Rules = append(d.Rules, roundRule{Kind: s.kindName(rule.Kind, lang), Category: cat, Scope: rule.ScopeName, Deadline: rule.Deadline.VI()})
	}
	for _, k := range s.svc.Rules().Ordered() {
		d.Kinds = append(d.Kinds, choice{Code: k.Code, Name: s.kindName(k.Code, lang)})
	}
	for _, k := range domain.Categories {
		d.Categories = append(d.Categories, choice{Code: k.Code, Name: k.Name.In(lang)})
	}
	req, err := s.svc.RequiredPapers(ctx, *p, id)
	if err != nil {
		return err
	}
	for _, rq := range req {
		d.Required = append(d.Required, roundRequired{Kind: s.kindName(rq.Kind, lang), Papers: domain.MissingPapersText(rq.Papers).In(lang)})
	}
	targets, err := s.svc.CompositionTargets(ctx, *p, id)
	if err != nil {
		return err
	}
	for _, t := range targets {
		d.Targets = append(d.Targets, roundTarget{Kind: s.kindName(t.Kind, lang), Scope: t.ScopeName, Text: t.Text().In(lang)})
	}
	for _, m := range domain.Measures {
		d.Measures = append(d.Measures, choice{Code: string(m.Code), Name: m.Name.In(lang)})
	}
	for _, c := range domain.Comparisons {
		d.ComparisonsOf = append(d.ComparisonsOf, choice{Code: string(c.Code), Name: c.Name.In(lang)})
	}
	history, err := s.svc.DeadlineHistory(ctx, *p, id)
	if err != nil {
		return err
	}
	d.History = auditRows(history, lang)
	return s.page(c, status, "round.html", &p.User, d)
}

// handleRoundRule sets or changes a deadline rule of the current round.
func (s *Server) handleRoundRule(c echo.Context) error {
	p, id, done, err := s.roundCaller(c)
	if done || err != nil {
		return err
	}
	_, err = s.svc.SetDeadlineRule(c.Request().Context(), *p, id, domain.DeadlineRuleInput{ScopeCode: c.FormValue("scope_code"), Kind: c.FormValue("kind"),
		Category: c.FormValue("category"), Deadline: strings.TrimSpace(c.FormValue("deadline")), Reason: c.FormValue("reason")})
	if form := s.refusedRoundForm(c, p, err, []string{"scope_code", "deadline", "reason"}); form != nil {
		return s.roundPage(c, p, id, http.StatusUnprocessableEntity, roundForm{Rule: form})
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "admin_done", nil), "/round", domain.ENotFound)
}

// refusedRoundForm is the form of the request as typed with err's
// refusals beside fields, when err refuses it and the form comes back: to
// a board user; anyone else has no form to come back to, and is told at the
// top of the page (nil).
func (s *Server) refusedRoundForm(c echo.Context, p *domain.Principal, err error, fields []string) *formState {
	de := domain.AsError(err)
	forbiddenAt := de != nil && de.Code == domain.EForbidden && len(de.Fields) > 0 // says at a field what to write
	if de == nil || !p.CanAnywhere(domain.ActManage) || (de.Code != domain.EInvalid && de.Code != domain.EConflict && de.Code != domain.ENotFound && !forbiddenAt) {
		return nil
	}
	form := typedForm(c)
	form.refuse(err, pageLang(c, &p.User), fields, nil)
	return form
}

// handleRoundTarget sets or changes a composition target of the current round.
func (s *Server) handleRoundTarget(c echo.Context) error {
	p, id, done, err := s.roundCaller(c)
	if done || err != nil {
		return err
	}
	_, err = s.svc.SetCompositionTarget(c.Request().Context(), *p, id, domain.CompositionTargetInput{ScopeCode: c.FormValue("scope_code"),
		Kind: c.FormValue("kind"), Measure: c.FormValue("measure"), Comparison: c.FormValue("comparison"), Percent: formPercent(c), Reason: c.FormValue("reason")})
	if form := s.refusedRoundForm(c, p, err, []string{"kind", "scope_code", "measure", "comparison", "percent", "reason"}); form != nil {
		return s.roundPage(c, p, id, http.StatusUnprocessableEntity, roundForm{Target: form})
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "admin_done", nil), "/round#targets", domain.ENotFound)
}

// roundCaller returns the signed-in caller and the current round; done is
// set (and err is the response's) when the request was already answered:
// a visitor sent to sign in, or no current round.
func (s *Server) roundCaller(c echo.Context) (p *domain.Principal, roundID int64, done bool, err error) {
	p, err = s.sessionUser(c)
	if err != nil || p == nil {
		return nil, 0, true, s.signInFirst(c, err)
	}
	roundID, err = s.svc.CurrentRoundID(c.Request().Context())
	if err != nil {
		return nil, 0, true, err
	}
	return p, roundID, false, nil
}
