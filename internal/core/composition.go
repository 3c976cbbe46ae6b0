package core

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// The composition of the committees elected: aggregated figures for anyone
// who may read a unit, the targets of the round per unit kind (set like
// the deadline rules) and each unit's plan (set by its board or above).

// MaxPlansShown bounds the plans a composition report lists.
const MaxPlansShown = 200

// Composition returns the composition of the committees elected so far in
// the subtree of the unit with code in round (0: current), per unit kind
// against the targets in force there, and the plans of the units of the
// subtree against their committees. Aggregated figures only: anyone who
// may read the unit reads them.
func (s *Service) Composition(ctx context.Context, p domain.Principal, code string, roundID int64) (domain.CompositionReport, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.CompositionReport{}, err
	}
	return s.compositionOf(ctx, id, u, domain.TodayDay(s.clock))
}

// compositionOf is the composition report of the subtree of u in round
// with the committees elected by asOf.
func (s *Service) compositionOf(ctx context.Context, id int64, u domain.Unit, asOf domain.Day) (domain.CompositionReport, error) {
	kinds, err := s.store.CompositionByKind(ctx, id, u.Path, asOf)
	if err != nil {
		return domain.CompositionReport{}, err
	}
	targets, err := s.store.TargetsAt(ctx, id, u.Path)
	if err != nil {
		return domain.CompositionReport{}, err
	}
	plans, err := s.store.PlansWithin(ctx, id, u.Path, asOf, MaxPlansShown)
	if err != nil {
		return domain.CompositionReport{}, err
	}
	// A kind the subtree may hold with a target but no committee yet is
	// listed, with nothing reached.
	have := map[string]bool{}
	for _, k := range kinds {
		have[k.Kind] = true
	}
	within := s.rules.Within(u.Kind)
	for _, t := range targets {
		if !have[t.Kind] && within[t.Kind] {
			have[t.Kind] = true
			kinds = append(kinds, domain.KindComposition{Kind: t.Kind})
		}
	}
	order := map[string]int{}
	for i, k := range s.rules.Ordered() {
		order[k.Code] = i
	}
	sort.SliceStable(kinds, func(i, j int) bool { return order[kinds[i].Kind] < order[kinds[j].Kind] })
	r := domain.CompositionReport{RoundID: id, UnitCode: u.Code, Kinds: kinds, Plans: plans}
	r.Check(targets, func(kind string) domain.Text {
		k := s.rules.Kinds[kind]
		return domain.Text{VI: k.NameVI, EN: k.NameEN}
	})
	return r, nil
}

// CompositionTargets lists the composition targets of round (0: current):
// those of the whole tree and those scoped to a unit p may read.
func (s *Service) CompositionTargets(ctx context.Context, p domain.Principal, roundID int64) ([]domain.CompositionTarget, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return nil, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.CompositionTargets(ctx, id)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if t.ScopePath == "" || p.Can(domain.ActRead, t.ScopePath) {
			out = append(out, t)
		}
	}
	return out, nil
}

// SetCompositionTarget sets a composition target of round (0: current)
// for the committees of a unit kind within the subtree of in.ScopeCode,
// with a reason kept in the audit log. Like a deadline rule: scoped at unit
// S it needs ActManage on S (its board or above); for the whole tree, the
// system or an admin of every root.
func (s *Service) SetCompositionTarget(ctx context.Context, p domain.Principal, roundID int64, in domain.CompositionTargetInput) (domain.CompositionTarget, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return domain.CompositionTarget{}, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return domain.CompositionTarget{}, err
	}
	var v domain.Validation
	in.Validate(s.rules, &v)
	if err := s.mayScope(ctx, p, in.ScopeCode, in.Kind, "", &v); err != nil {
		return domain.CompositionTarget{}, err
	}
	if err := v.Err(); err != nil {
		return domain.CompositionTarget{}, err
	}
	return s.store.SetCompositionTarget(ctx, p, id, domain.CompositionTarget{ScopeCode: in.ScopeCode, Kind: in.Kind,
		Measure: domain.Measure(in.Measure), Comparison: domain.Comparison(in.Comparison), Percent: in.Percent}, in.Reason)
}

// mayScope checks that p may set a rule of the round for the units of kind
// (and category, "" any) scoped at the unit with code ("" the whole tree):
// forbidden when not, a field of v when the scope is no unit p may see or
// an inactive one. A rule that would cover the scope unit itself needs p
// to manage the unit above it, as a unit's own deadline does
// (requireManageAbove): a board does not extend its own deadline, nor set
// its own committee's targets, through a rule.
func (s *Service) mayScope(ctx context.Context, p domain.Principal, code, kind, category string, v *domain.Validation) error {
	if !p.CanAnywhere(domain.ActManage) {
		return domain.Forbidden()
	}
	// A board user who manages part of the tree is told, at the field, what
	// they may write there.
	var yours []string
	for _, g := range p.Grants {
		if p.Can(domain.ActManage, g.UnitPath) && !slices.Contains(yours, g.UnitCode) {
			yours = append(yours, g.UnitCode)
		}
	}
	mine := strings.Join(yours, ", ")
	if code == "" {
		ok, err := s.mayManageWholeTree(ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return domain.ForbiddenAt("scope_code", "Để trống là cả cây đơn vị, mà đồng chí chỉ quản lý "+mine+": hãy ghi mã một đơn vị trong đó",
				"empty means the whole tree, and you manage "+mine+" only: write the code of a unit within it")
		}
		return nil
	}
	u, err := s.unitByCode(ctx, code)
	switch {
	case domain.IsCode(err, domain.ENotFound) || (err == nil && !p.Can(domain.ActRead, u.Path)):
		v.Add("scope_code", fmt.Sprintf("Không tìm thấy đơn vị %s", code), fmt.Sprintf("unit %s not found", code))
	case err != nil:
		return err
	case !p.Can(domain.ActManage, u.Path):
		return domain.ForbiddenAt("scope_code", fmt.Sprintf("Đồng chí không quản lý %s; đồng chí quản lý %s và các đơn vị trong đó", u.Code, mine),
			fmt.Sprintf("you do not manage %s; you manage %s and the units within", u.Code, mine))
	case !u.Active:
		v.Add("scope_code", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động", u.Code), fmt.Sprintf("unit %s is inactive", u.Code))
	case s.rules.Known(kind) && !s.rules.MayHold(u.Kind, kind):
		v.Add("kind", fmt.Sprintf("Trong %s không thể có đơn vị loại «%s»: quy định sẽ không áp dụng cho đơn vị nào", u.Code, s.rules.Name(kind).VI),
			fmt.Sprintf("no unit of kind “%s” can be within %s: the rule would apply to nothing", s.rules.Name(kind).EN, u.Code))
	case u.Kind == kind && (category == "" || u.Category == category) && !mayManageAbove(p, u):
		return domain.ForbiddenAt("scope_code", fmt.Sprintf("Quy định này áp dụng cả cho chính %s, mà việc đó do cấp trên của %s quyết định: hãy chọn loại đơn vị trực thuộc", u.Code, u.Code),
			fmt.Sprintf("this rule would cover %s itself, which is for the units above %s to decide: choose a kind of the units below", u.Code, u.Code))
	}
	return nil
}

// SetCompositionPlan sets the planned share of a measure in the committee
// the congress of the unit with code elects in round (0: current), with a
// reason kept in the audit log: its board or a board user above (ActManage
// on the unit).
func (s *Service) SetCompositionPlan(ctx context.Context, p domain.Principal, code string, roundID int64, in domain.CompositionPlanInput) (domain.CompositionPlan, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.CompositionPlan{}, err
	}
	if !p.Can(domain.ActManage, u.Path) {
		return domain.CompositionPlan{}, domain.Forbidden()
	}
	var v domain.Validation
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return domain.CompositionPlan{}, err
	}
	return s.store.SetCompositionPlan(ctx, p, id, u.Code, domain.Measure(in.Measure), in.Percent, in.Reason)
}
