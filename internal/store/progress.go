package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Reads of progress. The figures of any day, today's or a past one's, come
// from rollup_days through figures_below (a few hundred rows per unit,
// whatever the size of its subtree, exact whether a job has run or not):
// never a count over a subtree. A unit's own congress is read by key with
// the rules of migrations/00018_figures.sql, and the lists (the most
// overdue units, the pilots) walk indexes and stop at their limit.

// ProgressFigures are the raw figures of a unit's progress on a day, which
// core turns into a domain.Progress with the unit kinds.
type ProgressFigures struct {
	Own domain.OwnCongress
	// Kinds counts the active units below, per kind.
	Kinds                   []domain.KindCount
	PilotsHeld, PilotsTotal int
	// LateUnits are the most overdue units below, at most the limit asked.
	LateUnits []domain.LateUnit
}

// milestoneDays is SQL (a LATERAL subquery named ms, on the congress c) for
// the counts of c's milestones done, overdue and moot on day $3, and the
// days its congress plan was approved and its results reported.
const milestoneDays = `LEFT JOIN LATERAL (
	SELECT count(*) FILTER (WHERE congress_held_by(m.done_on, $3::date)) AS done, count(*) AS total,
		count(*) FILTER (WHERE milestone_overdue_on(milestone_due(t.due_date, t.due_offset_days, c.planned_date),
			m.done_on, t.after_congress, c.held_date, $3::date)) AS overdue,
		count(*) FILTER (WHERE milestone_moot_on(m.done_on, t.after_congress, c.held_date, $3::date)) AS moot,
		max(m.done_on) FILTER (WHERE t.code = 'congress_plan') AS plan_approved,
		max(m.done_on) FILTER (WHERE t.auto = 'results_reported') AS reported
	FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
	WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id
) ms ON true `

// ownColumns is SQL for the columns of a domain.OwnCongress, each named
// prefix + its field, from the congress c (and milestoneDays ms) on day $3
// with at-risk days $4.
func ownColumns(prefix string) string {
	col := func(expr, name string) string { return expr + ` AS "` + prefix + name + `"` }
	return col(`coalesce(congress_status_on(c.status, c.held_date, ms.plan_approved, ms.reported, $3::date), 'not_started')`, "status") + `, ` +
		col(`congress_held_by(c.held_date, $3::date)`, "held") + `, ` +
		col(`CASE WHEN congress_held_by(c.held_date, $3::date) THEN c.held_date END`, "held_date") + `, ` +
		col(`c.planned_date`, "planned_date") + `, ` +
		col(`c.deadline`, "deadline") + `, ` +
		col(`coalesce(c.is_pilot, false)`, "is_pilot") + `, ` +
		col(`congress_late_on(c.deadline, c.held_date, $3::date)`, "late") + `, ` +
		col(`CASE WHEN congress_late_on(c.deadline, c.held_date, $3::date) THEN $3::date - c.deadline ELSE 0 END`, "days_overdue") + `, ` +
		col(`congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $3::date, $4::int)`, "at_risk") + `, ` +
		col(`coalesce(ms.done, 0)`, "milestones.done") + `, ` +
		col(`coalesce(ms.total, 0)`, "milestones.total") + `, ` +
		col(`coalesce(ms.overdue, 0)`, "milestones.overdue") + `, ` +
		col(`coalesce(ms.moot, 0)`, "milestones.moot") + `, ` +
		col(`coalesce(c.status, 'not_started')`, "current.status") + `, ` +
		col(`c.held_date`, "current.held_date")
}

// ownSelect reads a unit's own congress as of day $3 (round $1, unit $2,
// at-risk days $4).
var ownSelect = prepare(`SELECT ` + ownColumns("") + ` FROM congresses c ` + milestoneDays + `WHERE c.round_id = $1 AND c.unit_id = $2`)

// figuresOf reads the figures of the units $2::bigint[] in round $1 on
// day $3 with at-risk days $4, per kind (figures_below).
var figuresOf = prepare(`SELECT unit_id, kind, total, held, late, at_risk FROM figures_below($1, $2::bigint[], $3::date, $4::int)`)

// figureRow is a row of figuresOf.
type figureRow struct {
	UnitID int64 `db:"unit_id"`
	domain.KindCount
}

// Progress reads the progress figures of unit in round on asOf (today or
// before), with at-risk days atRiskDays and at most lateLimit late units
// listed.
func (s *Store) Progress(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, atRiskDays, lateLimit int) (ProgressFigures, error) {
	s = s.reading(ctx)
	figs, err := s.progressOn(ctx, roundID, unit, []domain.Day{asOf}, atRiskDays)
	if err != nil {
		return ProgressFigures{}, err
	}
	f := figs[0]
	if f.LateUnits, err = s.lateUnits(ctx, roundID, unit, asOf, lateLimit); err != nil {
		return f, err
	}
	return f, nil
}

// ProgressOnDays reads the progress figures of unit in round on each of
// days (as Progress, without late units), the pilots of every day in one
// statement.
func (s *Store) ProgressOnDays(ctx context.Context, roundID int64, unit domain.Unit, days []domain.Day, atRiskDays int) ([]ProgressFigures, error) {
	return s.reading(ctx).progressOn(ctx, roundID, unit, days, atRiskDays)
}

// pilotsOn counts the pilots of round $1 at or below the unit at path $3,
// and those held, on each of the days $2 (i: its place in $2). The pilots
// of the round are few (a few per district): they are read first (partial
// index), then those in the subtree kept. Left to itself the planner scans
// the whole subtree of a large unit through the path index.
const pilotsOn = `WITH c AS MATERIALIZED (
	SELECT unit_id, held_date FROM congresses WHERE round_id = $1 AND is_pilot
), p AS MATERIALIZED (
	SELECT c.unit_id, c.held_date FROM c JOIN units u ON u.id = c.unit_id
	WHERE u.active AND u.path <@ $3::ltree
)
SELECT d.i, count(p.unit_id) FILTER (WHERE congress_held_by(p.held_date, d.day)) AS held, count(p.unit_id) AS total
FROM unnest($2::date[]) WITH ORDINALITY AS d(day, i) LEFT JOIN p ON true
GROUP BY d.i`

// progressOn is ProgressOnDays on the store s reads from.
func (s *Store) progressOn(ctx context.Context, roundID int64, unit domain.Unit, days []domain.Day, atRiskDays int) ([]ProgressFigures, error) {
	out := make([]ProgressFigures, len(days))
	list := make([]string, len(days))
	for i, day := range days {
		f := &out[i]
		list[i] = day.String()
		err := s.get(ctx, &f.Own, ownSelect, roundID, unit.ID, day, atRiskDays)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, noCongress(unit.Code, roundID)
		}
		if err != nil {
			return nil, fmt.Errorf("store: progress of %s: %w", unit.Code, err)
		}
		f.Own.Fill()
		var rows []figureRow
		if err := s.selectRows(ctx, &rows, figuresOf, roundID, pq.Array([]int64{unit.ID}), day, atRiskDays); err != nil {
			return nil, fmt.Errorf("store: figures of %s: %w", unit.Code, err)
		}
		f.Kinds = make([]domain.KindCount, 0, len(rows))
		for _, r := range rows {
			f.Kinds = append(f.Kinds, r.KindCount)
		}
	}
	var pilots []struct {
		I     int `db:"i"`
		Held  int `db:"held"`
		Total int `db:"total"`
	}
	if err := s.db.SelectContext(ctx, &pilots, pilotsOn, roundID, pq.Array(list), unit.Path); err != nil {
		return nil, fmt.Errorf("store: pilots below %s: %w", unit.Code, err)
	}
	for _, p := range pilots {
		out[p.I-1].PilotsHeld, out[p.I-1].PilotsTotal = p.Held, p.Total
	}
	return out, nil
}

// lateUnitsSQL lists at most $5 units strictly below the unit $4 at path
// $3 late on day $2 (congress_late_on), the most overdue first, with their
// status on that day. Those late on a day are either not held now (walked
// in deadline order in congresses_not_held) or held later than the day
// after their deadline (in congresses_held_late): each arm walks its index
// and stops at the limit. The conditions besides congress_late_on are
// implied by it; they let the planner use the indexes.
const lateUnitsSQL = `WITH x AS (
	(SELECT c.round_id, c.unit_id, c.status, c.deadline, c.planned_date, c.held_date
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND c.held_date IS NULL AND c.deadline < $2::date
			AND congress_late_on(c.deadline, c.held_date, $2::date) AND u.active AND u.path <@ $3::ltree AND u.id <> $4
		ORDER BY c.deadline LIMIT $5)
	UNION ALL
	(SELECT c.round_id, c.unit_id, c.status, c.deadline, c.planned_date, c.held_date
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND c.held_date > c.deadline + 1 AND c.deadline < $2::date
			AND congress_late_on(c.deadline, c.held_date, $2::date) AND u.active AND u.path <@ $3::ltree AND u.id <> $4
		ORDER BY c.deadline LIMIT $5)
)
SELECT u.code, u.name, u.kind,
	congress_status_on(x.status, x.held_date,
		(SELECT m.done_on FROM milestones m JOIN milestone_templates t ON t.id = m.template_id AND t.code = 'congress_plan'
			WHERE m.round_id = x.round_id AND m.unit_id = x.unit_id), NULL, $2::date) AS status,
	x.deadline, x.planned_date, $2::date - x.deadline AS days_overdue
FROM x JOIN units u ON u.id = x.unit_id
ORDER BY x.deadline, u.code LIMIT $5`

// lateUnits lists at most limit units below unit late on asOf, the most
// overdue first.
func (s *Store) lateUnits(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, limit int) ([]domain.LateUnit, error) {
	out := []domain.LateUnit{}
	if limit <= 0 {
		return out, nil
	}
	if err := s.db.SelectContext(ctx, &out, lateUnitsSQL, roundID, asOf, unit.Path, unit.ID, limit); err != nil {
		return nil, fmt.Errorf("store: late units below %s: %w", unit.Code, err)
	}
	return out, nil
}

// ChildFigures are the raw figures of one unit directly below in a
// progress breakdown.
type ChildFigures struct {
	ID int64 `db:"id"`
	domain.UnitRef
	Category string             `db:"category"`
	Own      domain.OwnCongress `db:"own"`
	// Kinds counts the active units below the child, per kind.
	Kinds []domain.KindCount `db:"-"`
}

// ProgressChildren reads, for every active unit directly below unit, its
// own congress on asOf and its per-kind figures below, in two set-based
// queries whatever the number of children.
func (s *Store) ProgressChildren(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, atRiskDays int) ([]ChildFigures, error) {
	out, err := s.reading(ctx).unitRows(ctx, roundID, childRows, unit.ID, asOf, atRiskDays)
	if err != nil {
		return nil, fmt.Errorf("store: children of %s: %w", unit.Code, err)
	}
	return out, nil
}

// ProgressOfUnits reads the rows ProgressChildren reads for the active
// units with the given codes, wherever they are in the tree (the units a
// working group follows), in the same two queries.
func (s *Store) ProgressOfUnits(ctx context.Context, roundID int64, codes []string, asOf domain.Day, atRiskDays int) ([]ChildFigures, error) {
	out, err := s.reading(ctx).unitRows(ctx, roundID, unitsByCode, pq.Array(codes), asOf, atRiskDays)
	if err != nil {
		return nil, fmt.Errorf("store: progress of units %v: %w", codes, err)
	}
	return out, nil
}

// unitRowsQuery reads the rows of unitRows for the active units matching
// where (SQL on units u, whose argument is $2), in round $1 on day $3 with
// at-risk days $4.
func unitRowsQuery(where string) string {
	return `SELECT u.id, u.code, u.name, u.kind, coalesce(u.category, '') AS category,
			` + ownColumns("own.") + `
		FROM units u JOIN unit_kinds k ON k.code = u.kind
		LEFT JOIN congresses c ON c.round_id = $1 AND c.unit_id = u.id
		` + milestoneDays + `
		WHERE ` + where + ` AND u.active
		ORDER BY k.sort_order, u.name COLLATE vietnamese, u.code`
}

// childRows and unitsByCode are the rows of unitRows for the units
// directly below the unit $2 and for the units with the codes $2. They are
// prepared: each plan reads the units by key (parent, code) whatever their
// number (the nation's 63 provinces as a district's hundred wards), so that
// a plan made once serves every unit.
var (
	childRows   = prepare(unitRowsQuery(`u.parent_id = $2`))
	unitsByCode = prepare(unitRowsQuery(`u.code = ANY($2::text[])`))
)

// unitRows is ProgressChildren and ProgressOfUnits for the active units
// read by q (childRows, unitsByCode).
func (s *Store) unitRows(ctx context.Context, roundID int64, q *query, arg any, asOf domain.Day, atRiskDays int) ([]ChildFigures, error) {
	children := []ChildFigures{}
	if err := s.selectRows(ctx, &children, q, roundID, arg, asOf, atRiskDays); err != nil {
		return nil, err
	}
	if len(children) == 0 {
		return children, nil
	}
	ids := make([]int64, len(children))
	at := make(map[int64]int, len(children))
	for i := range children {
		children[i].Own.Fill()
		ids[i], at[children[i].ID] = children[i].ID, i
	}
	var rows []figureRow
	if err := s.selectRows(ctx, &rows, figuresOf, roundID, pq.Array(ids), asOf, atRiskDays); err != nil {
		return nil, fmt.Errorf("figures below: %w", err)
	}
	for _, r := range rows {
		if i, ok := at[r.UnitID]; ok {
			children[i].Kinds = append(children[i].Kinds, r.KindCount)
		}
	}
	return children, nil
}
