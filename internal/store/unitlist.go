package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// The lists of units behind a dashboard's counts. Each list's condition is
// a rule of migrations/00018_figures.sql, the same the counts sum
// (figures_below), so that a list holds exactly the units its count
// counts; each unit's place is unit_place's (00022). A page is one query,
// its total another.

// unitListWhich is SQL for the condition of each list, on the congress c
// of the unit u, on day $3 with at-risk days $4 and planned days $10.
var unitListWhich = map[domain.UnitListKind]string{
	domain.ListLate:    `congress_late_on(c.deadline, c.held_date, $3::date)`,
	domain.ListAtRisk:  `congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $3::date, $4::int)`,
	domain.ListPlanned: `NOT congress_held_by(c.held_date, $3::date) AND c.planned_date BETWEEN $3::date AND $3::date + $10::int`,
	domain.ListPilots:  `c.is_pilot`,
	domain.ListHeld:    `congress_held_by(c.held_date, $3::date)`,
	domain.ListNotHeld: `NOT congress_held_by(c.held_date, $3::date)`,
}

// unitListOrder is SQL for each order of a list, on the rows of
// unitListFrom; every order ends with the name and the code.
var unitListOrder = map[domain.UnitListSort]string{
	domain.SortOverdue:  `days_overdue DESC, deadline NULLS LAST`,
	domain.SortDeadline: `deadline NULLS LAST`,
	domain.SortPlanned:  `planned_date NULLS LAST`,
	domain.SortName:     `name COLLATE vietnamese`,
	domain.SortPlace: `(SELECT string_agg(e->>'name', ' / ' ORDER BY o DESC) FROM jsonb_array_elements(unit_place(path, $11::int)) WITH ORDINALITY AS p(e, o))
		COLLATE vietnamese NULLS FIRST`,
}

// unitListFrom is SQL for the units of a list (a sub-select named x), on
// round $1 below the unit $5 at path $2 (itself included when $12), of the
// kinds $6 (NULL: all), category $7 (”: all), within the place at path $8
// (”: all), at least $9 days overdue, with the condition which.
func unitListFrom(which string) string {
	return `(SELECT u.id, u.code, u.name, u.kind, coalesce(u.category, '') AS category, u.path,
			c.round_id, c.unit_id, c.status, c.deadline, c.planned_date, c.held_date, c.is_pilot,
			CASE WHEN congress_late_on(c.deadline, c.held_date, $3::date) THEN $3::date - c.deadline ELSE 0 END AS days_overdue
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.path <@ $2::ltree AND ($12 OR u.id <> $5)
			AND ($6::text[] IS NULL OR u.kind = ANY($6::text[]))
			AND ($7 = '' OR u.category = $7)
			AND ($8 = '' OR u.path <@ $8::ltree)
			AND ($9::int = 0 OR (congress_late_on(c.deadline, c.held_date, $3::date) AND $3::date - c.deadline >= $9::int))
			AND ` + which + `
			-- the types of the parameters a list's condition may leave unused
			AND $4::int IS NOT NULL AND $10::int IS NOT NULL AND $11::int IS NOT NULL) x`
}

// UnitListParams is a list asked of the store: the unit and the place it
// is narrowed to (nil: none), the day and the at-risk days.
type UnitListParams struct {
	Unit       domain.Unit
	Place      *domain.Unit
	Query      domain.UnitListQuery
	Day        domain.Day
	AtRiskDays int
	// NoTotal skips counting the whole list (the caller knows it, from the
	// figures): the total returned is then -1.
	NoTotal bool
}

// UnitList reads one page of a list of units of round and how many units
// the whole list holds.
func (s *Store) UnitList(ctx context.Context, roundID int64, p UnitListParams) ([]domain.UnitListRow, int, error) {
	s = s.reading(ctx)
	q := p.Query
	which, ok := unitListWhich[q.Which]
	order, ok2 := unitListOrder[q.Sort]
	if !ok || !ok2 {
		return nil, 0, fmt.Errorf("store: unit list %q sorted by %q: no such list", q.Which, q.Sort)
	}
	var kinds any // NULL: every kind
	if q.Kinds != nil {
		kinds = pq.Array(q.Kinds)
	}
	place := ""
	if p.Place != nil {
		place = p.Place.Path
	}
	args := []any{roundID, p.Unit.Path, p.Day, p.AtRiskDays, p.Unit.ID, kinds, q.Category, place, q.MinDays, q.Days,
		depthOf(p.Unit.Path), q.Which.IncludesSelf()}
	total := -1
	rows := []domain.UnitListRow{}
	if !p.NoTotal {
		if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM `+unitListFrom(which), args...); err != nil {
			return nil, 0, fmt.Errorf("store: %s below %s: %w", q.Which, p.Unit.Code, err)
		}
		if total == 0 || (q.Page-1)*q.PerPage >= total {
			return rows, total, nil
		}
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT c.code, c.name, c.kind, c.category, unit_place(c.path, $11::int) AS place,
			coalesce(congress_status_on(c.status, c.held_date, ms.plan_approved, ms.reported, $3::date), 'not_started') AS status,
			c.deadline, c.planned_date, CASE WHEN congress_held_by(c.held_date, $3::date) THEN c.held_date END AS held_date,
			c.days_overdue, congress_late_on(c.deadline, c.held_date, $3::date) AS late,
			congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $3::date, $4::int) AS at_risk, coalesce(c.is_pilot, false) AS is_pilot
		FROM (SELECT * FROM `+unitListFrom(which)+`
			ORDER BY `+order+`, name COLLATE vietnamese, code LIMIT $13 OFFSET $14) c
		`+milestoneDays+`
		ORDER BY `+order+`, c.name COLLATE vietnamese, c.code`,
		append(args, q.PerPage, (q.Page-1)*q.PerPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %s below %s: %w", q.Which, p.Unit.Code, err)
	}
	return rows, total, nil
}

// depthOf is the depth of the unit at path (1 for a root).
func depthOf(path string) int {
	n := 1
	for _, r := range path {
		if r == '.' {
			n++
		}
	}
	return n
}
