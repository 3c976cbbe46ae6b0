package core

import (
	"context"
	"sort"

	"github.com/daihoi/daihoi/internal/domain"
)

// MyCongress is one congress on a secretary's list, with whether it is
// late today (Late, DaysOverdue).
type MyCongress struct {
	domain.Congress
}

// MyUnits lists, in the current round, the congresses p may update among
// the units they hold a role on and the units directly below those: the
// late ones first (most overdue first), then those not held by the soonest
// deadline, then the held ones.
func (s *Service) MyUnits(ctx context.Context, p domain.Principal) ([]MyCongress, error) {
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil {
		return nil, err
	}
	today := domain.TodayDay(s.clock)
	seen := map[int64]bool{}
	var out []MyCongress
	for _, g := range p.Grants {
		u, err := s.store.UnitByCode(ctx, g.UnitCode)
		if err != nil {
			return nil, err
		}
		if !p.Can(domain.ActUpdate, u.Path) {
			continue
		}
		cs, err := s.store.CongressesAround(ctx, roundID, u.ID, today)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if seen[c.UnitID] || !p.Can(domain.ActUpdate, c.UnitPath) {
				continue
			}
			seen[c.UnitID] = true
			out = append(out, MyCongress{Congress: c})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Late != b.Late {
			return a.Late
		}
		if a.Late {
			return a.DaysOverdue > b.DaysOverdue
		}
		if ah, bh := a.Status.Held(), b.Status.Held(); ah != bh {
			return bh
		}
		switch {
		case a.Deadline == nil:
			return false
		case b.Deadline == nil:
			return true
		}
		return a.Deadline.Before(*b.Deadline)
	})
	return out, nil
}
