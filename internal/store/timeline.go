package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// heldByDay reads HeldByDay's series of round $1 below the unit $2 for
// the kinds $3 from $4 to $5. It is prepared: it reads the unit's
// maintained figures by key, one plan for every unit. The days are made in
// a subquery of their own, so that held_below_on is inlined into the plan
// (a function called with a subquery among its arguments is not, and plans
// its own statement at every call).
var heldByDay = prepare(`SELECT h.day, h.held, h.total, h.latest_deadline
	FROM (SELECT ARRAY(SELECT generate_series($4::date, $5::date, interval '1 day')::date) AS days) k
	CROSS JOIN LATERAL held_below_on($1, ARRAY[$2::bigint], $3, k.days) h
	ORDER BY h.day`)

// HeldByDay returns, for each day from from to to, how many of the active
// units of kinds strictly below unit had held their congress in round by
// that day; their number; and the latest of their deadlines (nil when
// none), from the maintained figures (held_below_on): a few hundred rows
// whatever the size of the subtree.
func (s *Store) HeldByDay(ctx context.Context, roundID int64, unit domain.Unit, kinds []string, from, to domain.Day) ([]domain.DayCount, int, *domain.Day, error) {
	s = s.reading(ctx)
	var rows []struct {
		domain.DayCount
		Total    int         `db:"total"`
		Deadline *domain.Day `db:"latest_deadline"`
	}
	if err := s.selectRows(ctx, &rows, heldByDay, roundID, unit.ID, pq.Array(kinds), from, to); err != nil {
		return nil, 0, nil, fmt.Errorf("store: held by day below %s: %w", unit.Code, err)
	}
	out := make([]domain.DayCount, 0, len(rows))
	total, deadline := 0, (*domain.Day)(nil)
	for _, r := range rows {
		out = append(out, r.DayCount)
		total, deadline = r.Total, r.Deadline
	}
	if len(rows) == 0 { // nothing of kinds below: every day at zero
		for d := from; !d.After(to); d = d.AddDays(1) {
			out = append(out, domain.DayCount{Day: d})
		}
	}
	return out, total, deadline, nil
}

// PlannedBetween lists the congresses of the active units strictly below the
// unit at path (and its own) not held yet and planned from from to to, the
// soonest first.
func (s *Store) PlannedBetween(ctx context.Context, roundID int64, path string, from, to domain.Day, limit int) ([]domain.Congress, error) {
	s = s.reading(ctx)
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
