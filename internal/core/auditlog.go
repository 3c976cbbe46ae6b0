package core

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// MaxAudit bounds the changes RoundAudit returns.
const MaxAudit = 1000

// RoundAudit lists the recorded changes of round (0: current) on the unit
// with code, or on every unit of its subtree when subtree is set, newest
// first, each with the sentence that says it (domain.AuditEntry.Describe),
// the personal data of the people elected left out of the changes of
// results that p may not see them in (domain.Principal.MaySeePersonalData);
// limit is between 1 and MaxAudit (0: 100).
func (s *Service) RoundAudit(ctx context.Context, p domain.Principal, code string, roundID int64, subtree bool, limit int) ([]domain.AuditEntry, error) {
	if limit == 0 {
		limit = 100
	}
	if limit < 1 || limit > MaxAudit {
		return nil, domain.Invalid("limit", fmt.Sprintf("limit phải từ 1 đến %d", MaxAudit), fmt.Sprintf("limit must be between 1 and %d", MaxAudit))
	}
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return nil, err
	}
	out, err := s.store.RoundAudit(ctx, id, u.ID, u.Path, subtree, limit)
	if err != nil || len(out) == 0 {
		return out, err
	}
	names, err := s.store.MilestoneNames(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Summary = out[i].Describe(domain.AuditNames{Milestone: func(code string) domain.Text { return names[code] }, Kinds: s.rules})
		if !p.MaySeePersonalData(out[i].UnitPath) {
			out[i].HidePersonalData()
		}
	}
	return out, nil
}
