package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// compositionCols and compositionFrom count the members of the committees
// elected (committee_member) of the people e, with the rules of the
// migration: under 40 at the congress is elected_youth.
const compositionCols = `SELECT count(DISTINCT e.unit_id) AS committees, count(*) AS members,
	count(*) FILTER (WHERE e.is_woman) AS women,
	count(*) FILTER (WHERE elected_youth(e.birth_year, c.held_date)) AS youth,
	count(*) FILTER (WHERE e.ethnic_minority) AS ethnic_minority,
	count(*) FILTER (WHERE e.re_elected) AS re_elected,
	count(*) FILTER (WHERE e.birth_year IS NULL) AS birth_year_unknown `

const compositionFrom = `FROM elected_people e
JOIN congresses c ON c.round_id = e.round_id AND c.unit_id = e.unit_id AND c.held_date IS NOT NULL
JOIN units u ON u.id = e.unit_id AND u.active
`

// compositionWhere keeps the committee members of round $1 in the subtree
// at $2 elected at congresses held by $3.
const compositionWhere = `WHERE e.round_id = $1 AND u.path <@ $2::ltree AND committee_member(e.position) AND c.held_date <= $3::date `

// CompositionByKind returns the composition of the committees elected in
// round by asOf in the subtree at path (its root included), one per unit
// kind that has any.
func (s *Store) CompositionByKind(ctx context.Context, roundID int64, path string, asOf domain.Day) ([]domain.KindComposition, error) {
	out := []domain.KindComposition{}
	if err := s.db.SelectContext(ctx, &out, compositionCols+`, u.kind `+compositionFrom+compositionWhere+`
		GROUP BY u.kind ORDER BY u.kind`, roundID, path, asOf); err != nil {
		return nil, fmt.Errorf("store: composition: %w", err)
	}
	return out, nil
}

const targetCols = `SELECT t.id, t.round_id, coalesce(u.code, '') AS scope_code, coalesce(u.name, '') AS scope_name,
	coalesce(u.path::text, '') AS scope_path, t.kind, t.measure, t.comparison, t.percent::float8 AS percent, t.version
FROM composition_targets t LEFT JOIN units u ON u.id = t.scope_unit_id `

// targetsAt reads TargetsAt's targets of round $1 for the subtree at path
// $2. It is prepared: the targets of a round are few, read by round
// whatever the unit, one plan for every unit.
var targetsAt = prepare(`SELECT DISTINCT ON (x.kind, x.measure) x.* FROM (` + targetCols + `
	WHERE t.round_id = $1 AND (u.path IS NULL OR u.path @> $2::ltree)) x
	ORDER BY x.kind, x.measure, nlevel(nullif(x.scope_path, '')::ltree) DESC NULLS LAST`)

// TargetsAt returns the composition targets of round in force for the
// committees of the subtree at path: per kind and measure, the target of the
// deepest scope that holds path (or the whole tree).
func (s *Store) TargetsAt(ctx context.Context, roundID int64, path string) ([]domain.CompositionTarget, error) {
	out := []domain.CompositionTarget{}
	if err := s.selectRows(ctx, &out, targetsAt, roundID, path); err != nil {
		return nil, fmt.Errorf("store: composition targets: %w", err)
	}
	return out, nil
}

// CompositionTargets lists every composition target of round.
func (s *Store) CompositionTargets(ctx context.Context, roundID int64) ([]domain.CompositionTarget, error) {
	out := []domain.CompositionTarget{}
	if err := s.db.SelectContext(ctx, &out, targetCols+`WHERE t.round_id = $1 ORDER BY t.kind, t.measure, u.path NULLS FIRST`, roundID); err != nil {
		return nil, fmt.Errorf("store: composition targets: %w", err)
	}
	return out, nil
}

// SetCompositionTarget creates or changes the target of round for t's
// scope (ScopeCode, "" for the whole tree), kind and measure, and records
// the change with reason in the audit log; the same target again writes
// nothing.
func (s *Store) SetCompositionTarget(ctx context.Context, actor domain.Principal, roundID int64, t domain.CompositionTarget, reason string) (domain.CompositionTarget, error) {
	var out domain.CompositionTarget
	err := s.inTx(ctx, func(tx *txn) error {
		var scopeID *int64
		if t.ScopeCode != "" {
			u, err := unitByCode(ctx, tx.getPrepared, t.ScopeCode)
			if err != nil {
				return err
			}
			scopeID = &u.ID
		}
		var before *domain.CompositionTarget
		var old domain.CompositionTarget
		err := tx.GetContext(ctx, &old, targetCols+`WHERE t.round_id = $1 AND t.scope_unit_id IS NOT DISTINCT FROM $2
			AND t.kind = $3 AND t.measure = $4 FOR UPDATE OF t`, roundID, scopeID, t.Kind, t.Measure)
		switch {
		case err == nil:
			before = &old
			if old.Comparison == t.Comparison && old.Percent == t.Percent {
				out = old
				return nil
			}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: composition target: %w", err)
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO composition_targets (round_id, scope_unit_id, kind, measure, comparison, percent)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (round_id, scope_unit_id, kind, measure) DO UPDATE
			SET comparison = EXCLUDED.comparison, percent = EXCLUDED.percent, version = composition_targets.version + 1
			RETURNING id`, roundID, scopeID, t.Kind, t.Measure, t.Comparison, t.Percent); err != nil {
			return fmt.Errorf("store: set composition target: %w", err)
		}
		if err := tx.GetContext(ctx, &out, targetCols+`WHERE t.id = $1`, id); err != nil {
			return fmt.Errorf("store: composition target: %w", err)
		}
		var b any
		if before != nil {
			b = before
		}
		return auditRound(ctx, tx, actor, roundID, "composition.target", "composition", scopeID, b, out, reason)
	})
	return out, err
}

// planChecks reads the plans of round of the units in the subtree at $2,
// each with its committee's members and the count of its measure.
const planChecks = `SELECT u.code AS unit_code, u.name AS unit_name, p.measure, p.percent::float8 AS percent, p.version,
	coalesce(m.members, 0) AS members, coalesce(CASE p.measure WHEN 'women' THEN m.women WHEN 'youth' THEN m.youth
		WHEN 'ethnic_minority' THEN m.ethnic_minority ELSE m.re_elected END, 0) AS count
FROM composition_plans p JOIN units u ON u.id = p.unit_id
LEFT JOIN LATERAL (` + compositionCols + compositionFrom + `WHERE e.round_id = p.round_id AND e.unit_id = p.unit_id
	AND committee_member(e.position) AND c.held_date <= $4::date) m ON true
WHERE p.round_id = $1 AND u.path <@ $2::ltree AND u.active `

// PlansWithin lists the composition plans of round of the units in the
// subtree at path (its root first), with their committees once elected (by
// asOf); at most limit.
func (s *Store) PlansWithin(ctx context.Context, roundID int64, path string, asOf domain.Day, limit int) ([]domain.PlanCheck, error) {
	out := []domain.PlanCheck{}
	if err := s.db.SelectContext(ctx, &out, planChecks+`ORDER BY nlevel(u.path), u.code, p.measure LIMIT $3`, roundID, path, limit, asOf); err != nil {
		return nil, fmt.Errorf("store: composition plans: %w", err)
	}
	return out, nil
}

// SetCompositionPlan sets the planned share of measure in the committee of
// the unit with code in round, and records it with reason in the audit log;
// the same plan again writes nothing.
func (s *Store) SetCompositionPlan(ctx context.Context, actor domain.Principal, roundID int64, code string, measure domain.Measure, percent float64, reason string) (domain.CompositionPlan, error) {
	var out domain.CompositionPlan
	err := s.inTx(ctx, func(tx *txn) error {
		u, err := unitByCode(ctx, tx.getPrepared, code)
		if err != nil {
			return err
		}
		var has bool
		if err := tx.GetContext(ctx, &has, `SELECT EXISTS (SELECT 1 FROM congresses WHERE round_id = $1 AND unit_id = $2)`, roundID, u.ID); err != nil {
			return fmt.Errorf("store: composition plan: %w", err)
		}
		if !has {
			return noCongress(code, roundID)
		}
		var old domain.CompositionPlan
		err = tx.GetContext(ctx, &old, `SELECT $3::text AS unit_code, '' AS unit_name, measure, percent::float8 AS percent, version
			FROM composition_plans WHERE round_id = $1 AND unit_id = $2 AND measure = $4 FOR UPDATE`, roundID, u.ID, u.Code, measure)
		var before any
		switch {
		case err == nil:
			if old.Percent == percent {
				old.UnitName = u.Name
				out = old
				return nil
			}
			before = old
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: composition plan: %w", err)
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO composition_plans (round_id, unit_id, measure, percent) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, unit_id, measure) DO UPDATE SET percent = EXCLUDED.percent, version = composition_plans.version + 1
			RETURNING $5::text AS unit_code, $6::text AS unit_name, measure, percent::float8 AS percent, version`,
			roundID, u.ID, measure, percent, u.Code, u.Name); err != nil {
			return fmt.Errorf("store: set composition plan: %w", err)
		}
		return auditRound(ctx, tx, actor, roundID, "composition.plan", "composition", &u.ID, before, out, reason)
	})
	return out, err
}
