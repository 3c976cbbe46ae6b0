package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
)

// timelineDays bounds how far back a timeline goes.
const timelineDays = 180

// CellsTimeline is how many cells below a unit had held their congress on
// each day of the current round, up to today, and by when all must have.
type CellsTimeline struct {
	Days     []domain.DayCount
	Total    int
	Deadline *domain.Day
}

// CellsTimeline returns the timeline of the cells below the unit with code
// (kinds that are cells and not grassroots organizations, as the headline),
// to today, from a week before the first cell held (domain.ChartStart)
// within the round, at most timelineDays back.
func (s *Service) CellsTimeline(ctx context.Context, p domain.Principal, code string) (CellsTimeline, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, 0)
	if err != nil {
		return CellsTimeline{}, err
	}
	start, err := s.store.RoundStart(ctx, id)
	if err != nil {
		return CellsTimeline{}, err
	}
	today := domain.TodayDay(s.clock)
	if back := today.AddDays(-timelineDays); start.Before(back) {
		start = back
	}
	var kinds []string
	for _, k := range s.rules.Kinds {
		if k.IsCell && !k.IsGrassroots {
			kinds = append(kinds, k.Code)
		}
	}
	days, total, deadline, err := s.store.HeldByDay(ctx, id, u, kinds, start, today)
	if err != nil {
		return CellsTimeline{}, err
	}
	from := domain.ChartStart(days)
	for len(days) > 1 && days[0].Day.Before(from) {
		days = days[1:]
	}
	return CellsTimeline{Days: days, Total: total, Deadline: deadline}, nil
}

// PlannedSoon lists the congresses at or below the unit with code not held
// yet and planned within the next days days (today included), soonest first.
func (s *Service) PlannedSoon(ctx context.Context, p domain.Principal, code string, days int) ([]domain.Congress, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, 0)
	if err != nil {
		return nil, err
	}
	today := domain.TodayDay(s.clock)
	return s.store.PlannedBetween(ctx, id, u.Path, today, today.AddDays(days), 50)
}
