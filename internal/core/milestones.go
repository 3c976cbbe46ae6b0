package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// Milestones lists the milestones of the unit with code in round (0:
// current), each with its due date and whether it is overdue today.
func (s *Service) Milestones(ctx context.Context, p domain.Principal, code string, roundID int64) ([]domain.Milestone, error) {
	c, err := s.Congress(ctx, p, code, roundID)
	if err != nil {
		return nil, err
	}
	return s.store.Milestones(ctx, c.RoundID, c.UnitID, domain.TodayDay(s.clock))
}

// TickMilestone records the milestone of the unit with code as done (on
// in.DoneOn, today when empty). p needs ActUpdate on the unit; an approval
// (personnel plan, congress plan) needs the committee of a unit above
// (domain.Principal.MayApprove): the unit's own secretary or board may not
// approve their own plan. Milestones the system ticks (held, results
// reported, all units below held) are refused.
func (s *Service) TickMilestone(ctx context.Context, p domain.Principal, code string, roundID int64, milestone string, in domain.MilestoneInput) (domain.Milestone, error) {
	today := domain.TodayDay(s.clock)
	var v domain.Validation
	day := in.Validate(today, &v)
	note, _ := domain.CleanText(in.Note, domain.MultiLine)
	return s.setMilestone(ctx, p, code, roundID, milestone, &day, note, v.Err())
}

// UntickMilestone records the milestone of the unit with code as not done,
// with the same rights as TickMilestone.
func (s *Service) UntickMilestone(ctx context.Context, p domain.Principal, code string, roundID int64, milestone string) (domain.Milestone, error) {
	return s.setMilestone(ctx, p, code, roundID, milestone, nil, "", nil)
}

func (s *Service) setMilestone(ctx context.Context, p domain.Principal, code string, roundID int64, milestone string, day *domain.Day, note string, invalid error) (domain.Milestone, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActUpdate, code, roundID)
	if err != nil {
		return domain.Milestone{}, err
	}
	milestone = strings.ToLower(strings.TrimSpace(milestone))
	if !domain.ValidMilestoneCode(milestone) {
		return domain.Milestone{}, domain.NotFound(domain.MilestoneText, domain.ShowText(milestone, 64))
	}
	if day != nil && invalid == nil {
		span, err := s.store.RoundSpan(ctx, id)
		if err != nil {
			return domain.Milestone{}, err
		}
		var v domain.Validation
		span.CheckDay(&v, "done_on", *day)
		invalid = v.Err()
	}
	m, err := s.store.SetMilestone(ctx, p, id, u.Code, milestone, day, note, domain.TodayDay(s.clock),
		func(m domain.Milestone, c domain.Congress) error {
			if m.RequiresApproval && !p.MayApprove(u.Path) {
				return domain.Forbidden()
			}
			if invalid != nil {
				return invalid
			}
			if err := domain.CheckTickDay(m, c, day); err != nil {
				return err
			}
			return domain.CheckTick(m, c, day != nil)
		})
	if err == nil && day == nil {
		// A step unticked may be overdue again: its flag is listed at once
		// (a step ticked needs nothing: its open flag is moot at once).
		s.refreshFlagsOf(ctx, id, store.FlagScope{Path: u.Path})
	}
	return m, err
}
