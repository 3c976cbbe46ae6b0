package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// roundUnit resolves the round (0: the current one) and loads the unit with
// code, checking that p may do a on it.
func (s *Service) roundUnit(ctx context.Context, p domain.Principal, a domain.Action, code string, roundID int64) (int64, domain.Unit, error) {
	u, err := s.unitFor(ctx, p, a, code)
	if err != nil {
		return 0, u, err
	}
	id, err := s.roundID(ctx, roundID)
	return id, u, err
}

// Congress returns the congress of the unit with code in round (0: the
// current round): status, dates, delegates, pilot, the deadline in force
// and its source, and its milestones done, in all and overdue today.
func (s *Service) Congress(ctx context.Context, p domain.Principal, code string, roundID int64) (domain.Congress, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.Congress{}, err
	}
	return s.store.Congress(ctx, id, u.Code, domain.TodayDay(s.clock))
}

// UpdateCongress applies a patch to the congress of the unit with code in
// round (0: current) if patch.Version is still its version. p needs
// ActUpdate on the unit (its secretary, or a secretary or board user above
// it); a step back, and holding the congress before every unit below has
// held its own (cascade_override_reason), need a board user of an ancestor.
// The rules are domain.ApplyCongressPatch's; the rollups and the auto
// milestones follow in the same transaction, and the change is audited.
func (s *Service) UpdateCongress(ctx context.Context, p domain.Principal, code string, roundID int64, patch domain.CongressPatch) (domain.Congress, error) {
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return domain.Congress{}, err
	}
	code, ok := domain.ParseCode(code)
	if !ok {
		return domain.Congress{}, domain.NotFound(domain.UnitText, domain.ShowText(code, 64))
	}
	c, err := s.store.UpdateCongress(ctx, p, id, code, s.patchChange(p, patch))
	if err == nil && !c.Status.Held() {
		// A congress not held keeps flags its plan, its step back or its
		// deadline may have opened or ended (a held one's are moot at once).
		s.refreshFlagsOf(ctx, id, store.FlagScope{Path: c.UnitPath})
	}
	if domain.IsCode(err, domain.ENotFound) {
		// No congress for code in the round: an unknown unit, or one the
		// caller may not see, is reported as such.
		if _, uerr := s.unitFor(ctx, p, domain.ActUpdate, code); uerr != nil {
			return c, uerr
		}
	}
	return c, err
}

// patchChange is the store's change of a congress by p with patch: the
// unit is authorized on the congress's own read, in the transaction (one
// statement less on the busiest write), then domain.ApplyCongressPatch's
// rules decide, with the facts read in the transaction.
func (s *Service) patchChange(p domain.Principal, patch domain.CongressPatch) store.CongressChange {
	patch.Normalize()
	today := domain.TodayDay(s.clock)
	var mayCorrect bool
	return store.CongressChange{
		Version: patch.Version, Action: "congress.update", Entity: "congress", Today: today,
		Authorize: func(cur domain.Congress) error {
			u := unitOfCongress(cur)
			if err := authorize(p, domain.ActUpdate, u); err != nil {
				return err
			}
			var v domain.Validation
			if v.CheckVersion(patch.Version); !v.OK() {
				return v.Err()
			}
			mayCorrect = mayManageAbove(p, u)
			return nil
		},
		Apply: func(cur domain.Congress, f domain.CongressFacts) (domain.Congress, string, error) {
			f.Today, f.MayCorrect, f.IsCell = today, mayCorrect, s.rules.IsCell(cur.UnitKind)
			next, err := domain.ApplyCongressPatch(cur, patch, f)
			reason := patch.Reason
			if next.CascadeOverrideReason != "" && next.CascadeOverrideReason != cur.CascadeOverrideReason {
				reason = strings.TrimSpace(reason + "\n" + "cascade override: " + next.CascadeOverrideReason)
			}
			return next, reason, err
		},
	}
}

// HoldCongresses records the congresses of in's rows held on in.HeldDate,
// with those present at each, all or none, in one transaction: each row is
// authorized (p updates the unit), checked against its version and by the
// rules of a congress (ApplyCongressPatch, as UpdateCongress), and audited.
// The refusals of every row come together, each naming its row (from 1);
// a unit p may not update, or that does not exist, refuses the whole input.
func (s *Service) HoldCongresses(ctx context.Context, p domain.Principal, roundID int64, in domain.HoldInput) ([]domain.Congress, error) {
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	var v domain.Validation
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	rows := make([]store.CongressRow, len(in.Rows))
	for i, r := range in.Rows {
		code, ok := domain.ParseCode(r.UnitCode)
		if !ok {
			return nil, domain.NotFound(domain.UnitText, domain.ShowText(code, 64))
		}
		rows[i] = store.CongressRow{Code: code, Change: s.patchChange(p, in.Patch(r))}
	}
	out, err := s.store.UpdateCongresses(ctx, p, id, rows)
	if de := domain.AsError(err); de != nil && de.Code == domain.ENotFound {
		for _, r := range rows {
			if _, uerr := s.unitFor(ctx, p, domain.ActUpdate, r.Code); uerr != nil {
				return nil, uerr
			}
		}
	}
	return out, err
}

// unitOfCongress is the unit of a congress, as far as authorizing needs.
func unitOfCongress(c domain.Congress) domain.Unit {
	return domain.Unit{ID: c.UnitID, Code: c.UnitCode, Name: c.UnitName, Kind: c.UnitKind, Category: c.Category, Path: c.UnitPath}
}

// SetPilot marks (or unmarks) the unit with code as a pilot congress of the
// round; only a board user of an ancestor may.
func (s *Service) SetPilot(ctx context.Context, p domain.Principal, code string, roundID int64, pilot bool) (domain.Congress, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.Congress{}, err
	}
	if err := requireManageAbove(p, u); err != nil {
		return domain.Congress{}, err
	}
	return s.store.UpdateCongress(ctx, p, id, u.Code, store.CongressChange{
		Action: "congress.pilot", Entity: "pilot", Today: domain.TodayDay(s.clock),
		Apply: func(cur domain.Congress, _ domain.CongressFacts) (domain.Congress, string, error) {
			cur.IsPilot = pilot
			return cur, "", nil
		},
	})
}

// UnitDeadlineInput sets or clears (Deadline "", or null in JSON) the
// deadline of one unit.
type UnitDeadlineInput struct {
	Deadline string `json:"deadline" input:"nullable"`
	Reason   string `json:"reason" input:"required"`
	Version  int    `json:"version" input:"required"`
}

// SetUnitDeadline overrides the deadline of the unit with code in round, or
// clears the override (Deadline ""), with a reason; the old value stays in
// the history. Only a board user of an ancestor of the unit may: the board
// of the unit itself may not move its own deadline.
func (s *Service) SetUnitDeadline(ctx context.Context, p domain.Principal, code string, roundID int64, in UnitDeadlineInput) (_ domain.Congress, err error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.Congress{}, err
	}
	if err := requireManageAbove(p, u); err != nil {
		return domain.Congress{}, err
	}
	var v domain.Validation
	v.CheckVersion(in.Version)
	day, _ := domain.ReadDay(&v, "deadline", strings.TrimSpace(in.Deadline), false)
	if day != nil {
		span, err := s.store.RoundSpan(ctx, id)
		if err != nil {
			return domain.Congress{}, err
		}
		span.CheckDay(&v, "deadline", *day)
	}
	in.Reason = domain.CheckReason(&v, "reason", in.Reason, true)
	if err := v.Err(); err != nil {
		return domain.Congress{}, err
	}
	defer func() {
		if err == nil {
			s.refreshFlagsOf(ctx, id, store.FlagScope{Path: u.Path})
		}
	}()
	return s.store.UpdateCongress(ctx, p, id, u.Code, store.CongressChange{
		Version: in.Version, Action: "deadline.unit", Entity: "deadline", Today: domain.TodayDay(s.clock),
		Apply: func(cur domain.Congress, _ domain.CongressFacts) (domain.Congress, string, error) {
			cur.DeadlineOverride = day
			cur.DeadlineOverrideReason = in.Reason
			if day == nil {
				cur.DeadlineOverrideReason = ""
			}
			return cur, in.Reason, nil
		},
		Audit: func(before, after domain.Congress) (any, any) {
			return domain.DeadlineChange{UnitCode: before.UnitCode, Deadline: before.Deadline},
				domain.DeadlineChange{UnitCode: after.UnitCode, Deadline: after.Deadline}
		},
	})
}
