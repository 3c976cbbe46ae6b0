package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
)

// Flags lists a page of the flags of round (0: the current one) on the
// unit with code, or on its whole subtree (q.Subtree), open or resolved,
// with the days overdue counted at today. Anyone who may read the unit may
// read its flags.
func (s *Service) Flags(ctx context.Context, p domain.Principal, code string, roundID int64, q domain.FlagQuery) (domain.FlagList, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.FlagList{}, err
	}
	if q.State == "" {
		q.State = domain.FlagOpen
	}
	if q.Limit <= 0 || q.Limit > domain.MaxFlagPage {
		q.Limit = domain.DefaultFlagPage
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	return s.store.Flags(ctx, id, u, q, domain.TodayDay(s.clock))
}
