package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// mayManageWholeTree reports whether p may act on the whole tree at once
// (create a round, set a deadline rule without scope): the system, or an
// admin of every root unit.
func (s *Service) mayManageWholeTree(ctx context.Context, p domain.Principal) (bool, error) {
	if p.System {
		return true, nil
	}
	roots, err := s.store.RootPaths(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range roots {
		if !p.Can(domain.ActAdmin, r) {
			return false, nil
		}
	}
	return len(roots) > 0, nil
}

// CreateRound creates a congress round with its first deadline rules: every
// active unit gets its congress and milestones in it, with the deadline in
// force, and the rollups are computed. in.Current makes it the current
// round. Only the system (command line, demo, generator) or an admin of
// every root may create a round.
func (s *Service) CreateRound(ctx context.Context, p domain.Principal, in domain.RoundInput) (domain.RoundDetail, error) {
	defer s.current.forget()
	defer s.principals.forget() // the working groups' grants are the current round's
	ok, err := s.mayManageWholeTree(ctx, p)
	if err != nil {
		return domain.RoundDetail{}, err
	}
	if !ok {
		return domain.RoundDetail{}, domain.Forbidden()
	}
	in.Normalize()
	var v domain.Validation
	start, days := in.Validate(s.rules, &v)
	if err := v.Err(); err != nil {
		return domain.RoundDetail{}, err
	}
	nr := store.NewRound{Name: in.Name, Documents: in.Documents, StartDate: start, Current: in.Current}
	for i, r := range in.Deadlines {
		nr.Rules = append(nr.Rules, domain.DeadlineRule{ScopeCode: r.ScopeCode, Kind: r.Kind, Category: r.Category, Deadline: days[i]})
	}
	if nr.Documents == nil {
		nr.Documents = []string{}
	}
	return s.store.CreateRound(ctx, p, nr)
}

// SetCurrentRound makes the round with id the current one: the round every
// request without ?round= reads and writes. Same rights as CreateRound.
func (s *Service) SetCurrentRound(ctx context.Context, p domain.Principal, id int64) error {
	defer s.current.forget()
	defer s.principals.forget() // the working groups' grants are the current round's
	ok, err := s.mayManageWholeTree(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Forbidden()
	}
	return s.store.SetCurrentRound(ctx, p, id)
}

// Rounds lists every round, newest first; any signed-in user may read them.
func (s *Service) Rounds(ctx context.Context, p domain.Principal) ([]domain.RoundDetail, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return nil, domain.Forbidden()
	}
	return s.store.Rounds(ctx)
}

// Round returns a round with its deadline rules: the rules of the whole
// tree and those scoped to a unit p may read. id 0 is the current round.
func (s *Service) Round(ctx context.Context, p domain.Principal, id int64) (domain.RoundDetail, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return domain.RoundDetail{}, domain.Forbidden()
	}
	id, err := s.roundID(ctx, id)
	if err != nil {
		return domain.RoundDetail{}, err
	}
	r, err := s.store.Round(ctx, id)
	if err != nil {
		return r, err
	}
	rules := r.Deadlines[:0]
	for _, d := range r.Deadlines {
		if d.ScopePath == "" || p.Can(domain.ActRead, d.ScopePath) {
			rules = append(rules, d)
		}
	}
	r.Deadlines = rules
	return r, nil
}

// roundID returns id, or the current round's id when id is 0; an unknown
// round is not found.
func (s *Service) roundID(ctx context.Context, id int64) (int64, error) {
	if id == 0 {
		return s.CurrentRoundID(ctx)
	}
	if id < 0 {
		return 0, domain.NotFound(domain.RoundText, strconv.FormatInt(id, 10))
	}
	if _, err := s.store.RoundStart(ctx, id); err != nil {
		return 0, err
	}
	return id, nil
}

// CurrentRoundID returns the id of the current round (not found when none is current).
func (s *Service) CurrentRoundID(ctx context.Context) (int64, error) {
	if id, ok := s.current.get(); ok {
		return id, nil
	}
	id, err := s.store.CurrentRoundID(ctx)
	if err != nil {
		return 0, err
	}
	s.current.put(id)
	return id, nil
}

// parentPath returns the path of the parent of the unit at path, "" for a root.
func parentPath(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '.' {
			return path[:i]
		}
	}
	return ""
}

// mayManageAbove reports whether p is a board user (or admin) of an
// ancestor of u: p manages u's parent. Only the system acts above a root.
func mayManageAbove(p domain.Principal, u domain.Unit) bool {
	if p.System {
		return true
	}
	pp := parentPath(u.Path)
	return pp != "" && p.Can(domain.ActManage, pp)
}

// requireManageAbove returns nil when p manages u's parent, not found when
// p cannot read u, and forbidden otherwise.
func requireManageAbove(p domain.Principal, u domain.Unit) error {
	if mayManageAbove(p, u) {
		return nil
	}
	if p.Can(domain.ActRead, u.Path) {
		return domain.Forbidden()
	}
	return domain.NotFound(domain.UnitText, u.Code)
}

// errRoundParam is the error of a ?round= that is not a round id.
func errRoundParam(raw string) error {
	return domain.Invalid("round", fmt.Sprintf("round phải là mã số đợt đại hội, không phải %q", raw),
		fmt.Sprintf("round must be the id of a round, not %q", raw))
}

// ParseRoundParam reads ?round=: "" is 0 (the current round); anything but
// a positive integer is invalid.
func ParseRoundParam(raw string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		if len(raw) > 40 {
			raw = strings.ToValidUTF8(raw[:40], "") + "…"
		}
		return 0, errRoundParam(raw)
	}
	return id, nil
}
