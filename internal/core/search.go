package core

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// Search bounds: a page holds at most MaxSearchPage units, and a search
// reads at most MaxSearchOffset units past its best ones (a longer query
// finds a unit sooner than a farther page).
const (
	DefaultSearchPage = 20
	MaxSearchPage     = 100
	MaxSearchOffset   = 1000
)

// SearchUnits finds the active units p may read whose code or name matches
// q (names without diacritics or case), best first: exact code, code
// prefix, name prefix, word prefix, then similar names. Each unit comes with
// its place below the top unit of p's scope.
func (s *Service) SearchUnits(ctx context.Context, p domain.Principal, q string, limit, offset int) (domain.UnitHits, error) {
	var v domain.Validation
	query := domain.ParseSearchQuery("q", q, &v)
	if limit < 1 || limit > MaxSearchPage {
		v.Add("limit", fmt.Sprintf("limit phải từ 1 đến %d", MaxSearchPage), fmt.Sprintf("limit must be between 1 and %d", MaxSearchPage))
	}
	if offset < 0 || offset > MaxSearchOffset {
		v.Add("offset", fmt.Sprintf("offset phải từ 0 đến %d", MaxSearchOffset), fmt.Sprintf("offset must be between 0 and %d", MaxSearchOffset))
	}
	if err := v.Err(); err != nil {
		return domain.UnitHits{}, err
	}
	return s.store.SearchUnits(ctx, store.UnitSearch{Query: query, All: p.System, Roots: p.ScopeRoots(domain.ActRead),
		Limit: limit, Offset: offset})
}
