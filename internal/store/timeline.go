package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// DayCount is how many units had held their congress by a day.
type DayCount struct {
	Day  domain.Day `db:"day"`
	Held int        `db:"held"`
}

// HeldByDay returns, for each day from from to to, how many of the active
// units of kinds strictly below the unit at path had held their congress in
// round by that day; their number; and the latest of their deadlines (nil
// when none). Set-based: the held dates are counted per day once, then
// summed up to each day.
func (s *Store) HeldByDay(ctx context.Context, roundID int64, path string, kinds []string, from, to domain.Day) ([]DayCount, int, *domain.Day, error) {
	var meta struct {
		Total    int         `db:"total"`
		Deadline *domain.Day `db:"deadline"`
	}
	const below = `FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.path <@ $2::ltree AND u.path <> $2::ltree AND u.kind = ANY($3)`
	if err := s.db.GetContext(ctx, &meta, `SELECT count(*) AS total, max(c.deadline) AS deadline `+below,
		roundID, path, pq.Array(kinds)); err != nil {
		return nil, 0, nil, fmt.Errorf("store: units below %s: %w", path, err)
	}
	out := []DayCount{}
	// MATERIALIZED: referenced once, the CTE would be inlined into the
	// per-day subquery and the subtree counted again for every day.
	err := s.db.SelectContext(ctx, &out, `WITH h AS MATERIALIZED (
			SELECT c.held_date, count(*) AS n `+below+` AND c.held_date IS NOT NULL GROUP BY c.held_date
		)
		SELECT d.day::date AS day, coalesce((SELECT sum(n) FROM h WHERE h.held_date <= d.day), 0)::int AS held
		FROM generate_series($4::date, $5::date, interval '1 day') AS d(day) ORDER BY 1`,
		roundID, path, pq.Array(kinds), from, to)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("store: held by day below %s: %w", path, err)
	}
	return out, meta.Total, meta.Deadline, nil
}

// PlannedBetween lists the congresses of the active units strictly below the
// unit at path (and its own) not held yet and planned from from to to, the
// soonest first.
func (s *Store) PlannedBetween(ctx context.Context, roundID int64, path string, from, to domain.Day, limit int) ([]domain.Congress, error) {
	out := []domain.Congress{}
	if err := s.db.SelectContext(ctx, &out, congressSelect+`WHERE c.round_id = $1 AND u.active AND u.path <@ $2::ltree
			AND c.held_date IS NULL AND c.planned_date BETWEEN $3::date AND $4::date
		ORDER BY c.planned_date, u.code LIMIT $5`, roundID, path, from, to, limit); err != nil {
		return nil, fmt.Errorf("store: planned below %s: %w", path, err)
	}
	for i := range out {
		out[i].Fill()
	}
	return out, nil
}
