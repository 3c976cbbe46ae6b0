package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// SetDeadlineRule creates or changes the deadline rule of round (0: current)
// for in.Kind (and in.Category) within the subtree of in.ScopeCode, with a
// reason; the old deadline stays in the history and the deadlines in force
// of the subtree follow at once. A rule scoped at unit S needs ActManage on
// S (its board or above), and on the unit above S when S is of the rule's
// kind (the rule would move S's own deadline); a rule for the whole tree
// needs the system or an admin of every root.
func (s *Service) SetDeadlineRule(ctx context.Context, p domain.Principal, roundID int64, in domain.DeadlineRuleInput) (domain.DeadlineRule, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return domain.DeadlineRule{}, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return domain.DeadlineRule{}, err
	}
	in.Normalize()
	var v domain.Validation
	if err := s.mayScope(ctx, p, in.ScopeCode, in.Kind, in.Category, &v); err != nil {
		return domain.DeadlineRule{}, err
	}
	day := in.Validate(s.rules, true, "", &v)
	if v.OK() {
		span, err := s.store.RoundSpan(ctx, id)
		if err != nil {
			return domain.DeadlineRule{}, err
		}
		span.CheckDay(&v, "deadline", day)
	}
	if err := v.Err(); err != nil {
		return domain.DeadlineRule{}, err
	}
	rule, err := s.store.SetDeadlineRule(ctx, p, id, domain.DeadlineRule{ScopeCode: in.ScopeCode, Kind: in.Kind, Category: in.Category, Deadline: day}, in.Reason)
	if err == nil {
		scope := store.FlagScope{Subtree: true}
		if in.ScopeCode != "" {
			u, uerr := s.store.UnitByCode(ctx, in.ScopeCode)
			if uerr != nil {
				return rule, nil // written; the next run of the late flags follows
			}
			scope.Path = u.Path
		}
		s.refreshFlagsOf(ctx, id, scope)
	}
	return rule, err
}

// MaxDeadlineHistory bounds the changes DeadlineHistory returns.
const MaxDeadlineHistory = 1000

// DeadlineHistory lists the deadline changes of round (0: current), newest
// first: those of the whole tree and those of units p may read.
func (s *Service) DeadlineHistory(ctx context.Context, p domain.Principal, roundID int64) ([]domain.AuditEntry, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return nil, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	out, err := s.store.DeadlineHistory(ctx, id, p.ScopeRoots(domain.ActRead), p.System, MaxDeadlineHistory)
	for i := range out {
		out[i].Summary = out[i].Describe(domain.AuditNames{Kinds: s.rules})
	}
	return out, err
}
