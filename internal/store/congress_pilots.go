package store

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// Pilots lists the pilot congresses of the active units of round in the
// subtree at path (those the figures count), and compares them, kind by
// kind, with the other active units of the subtree.
func (s *Store) Pilots(ctx context.Context, roundID int64, path string, today domain.Day) (pilots []domain.PilotCongress, cmp []domain.PilotComparison, err error) {
	s = s.reading(ctx)
	pilots = []domain.PilotCongress{}
	if err := s.db.SelectContext(ctx, &pilots, `SELECT u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind,
			c.status, c.planned_date, c.held_date, c.deadline, c.lessons_learned, congress_late_on(c.deadline, c.held_date, $3) AS late
		FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
		WHERE c.round_id = $1 AND c.is_pilot AND u.path <@ $2::ltree
		ORDER BY c.held_date NULLS LAST, c.planned_date NULLS LAST, u.path`, roundID, path, today); err != nil {
		return nil, nil, fmt.Errorf("store: pilots: %w", err)
	}
	cmp = []domain.PilotComparison{}
	if len(pilots) == 0 {
		return pilots, cmp, nil
	}
	err = s.db.SelectContext(ctx, &cmp, `WITH k AS (
			SELECT DISTINCT u.kind FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
			WHERE c.round_id = $1 AND c.is_pilot AND u.path <@ $2::ltree
		)
		SELECT u.kind,
			count(*) FILTER (WHERE c.is_pilot) AS pilots,
			count(c.held_date) FILTER (WHERE c.is_pilot) AS pilots_held,
			min(c.held_date) FILTER (WHERE c.is_pilot) AS pilots_first_held,
			percentile_disc(0.5) WITHIN GROUP (ORDER BY c.held_date) FILTER (WHERE c.is_pilot) AS pilots_median_held,
			count(*) FILTER (WHERE NOT c.is_pilot) AS others,
			count(c.held_date) FILTER (WHERE NOT c.is_pilot) AS others_held,
			min(c.held_date) FILTER (WHERE NOT c.is_pilot) AS others_first_held,
			percentile_disc(0.5) WITHIN GROUP (ORDER BY c.held_date) FILTER (WHERE NOT c.is_pilot) AS others_median_held
		FROM congresses c JOIN units u ON u.id = c.unit_id JOIN k ON k.kind = u.kind
		JOIN unit_kinds uk ON uk.code = u.kind
		WHERE c.round_id = $1 AND u.active AND u.path <@ $2::ltree
		GROUP BY u.kind, uk.sort_order ORDER BY uk.sort_order`, roundID, path)
	if err != nil {
		return nil, nil, fmt.Errorf("store: pilot comparison: %w", err)
	}
	return pilots, cmp, nil
}
