package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// congressCols and congressFrom read a congress with its unit, whether it
// is late at $3 (congress_late_on) and the counts of its milestones done,
// in all, overdue and moot at $3.
const congressCols = `SELECT c.round_id, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind,
	coalesce(u.category, '') AS category, u.path::text AS unit_path, u.members AS unit_members,
	c.status, c.planned_date, c.planned_time, c.place, c.held_date, c.delegates_expected, c.delegates_present, c.is_pilot, c.lessons_learned,
	c.deadline, c.deadline_override, c.deadline_override_reason, c.cascade_override_reason, c.version, c.updated_at,
	congress_late_on(c.deadline, c.held_date, $3::date) AS late,
	CASE WHEN congress_late_on(c.deadline, c.held_date, $3::date) THEN $3::date - c.deadline ELSE 0 END AS days_overdue,
	ms.done AS "milestones.done", ms.total AS "milestones.total", ms.overdue AS "milestones.overdue", ms.moot AS "milestones.moot"`

const congressFrom = `
FROM congresses c JOIN units u ON u.id = c.unit_id
CROSS JOIN LATERAL (
	SELECT count(*) FILTER (WHERE m.done_on IS NOT NULL) AS done, count(*) AS total,
		count(*) FILTER (WHERE milestone_overdue_on(milestone_due(t.due_date, t.due_offset_days, c.planned_date),
			m.done_on, t.after_congress, c.held_date, $3::date)) AS overdue,
		count(*) FILTER (WHERE milestone_moot_on(m.done_on, t.after_congress, c.held_date, $3::date)) AS moot
	FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
	WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id
) AS ms `

const congressSelect = congressCols + congressFrom

// congressByCode is congressSelect for the unit with code $2 in round $1.
var congressByCode = prepare(congressSelect + `WHERE c.round_id = $1 AND u.code = $2`)

// congressWithFacts is congressByCode, for the units with the codes $2,
// with what the rules of a congress
// update need (domain.CongressFacts): the round's start and last deadline, whether the
// congress plan is approved, the results recorded and the required papers
// attached, and how many units
// below have held their congress (from the rollups). The papers only count
// for the step from held to results reported: they are looked up for a
// held congress only, since papers_missing is planned anew at each
// statement that calls it, which cost as much as the rest of the read.
var congressWithFacts = prepare(congressCols + `, r.start_date AS f_round_start,
	(SELECT max(dr.deadline) FROM deadline_rules dr WHERE dr.round_id = $1) AS f_last_deadline,
	EXISTS (SELECT 1 FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
		WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id AND t.code = 'congress_plan' AND m.done_on IS NOT NULL) AS f_plan_approved,
	(SELECT pc.held_date FROM congresses pc WHERE pc.round_id = $1 AND pc.unit_id = u.parent_id
		AND pc.cascade_override_reason = '') AS f_parent_held,
	EXISTS (SELECT 1 FROM congress_results cr WHERE cr.round_id = c.round_id AND cr.unit_id = c.unit_id) AS f_results_recorded,
	CASE WHEN c.status = 'held' THEN papers_missing(c.round_id, c.unit_id) END AS f_papers_missing,
	below.total AS f_below_total, below.held AS f_below_held` +
	congressFrom + `JOIN rounds r ON r.id = c.round_id
	CROSS JOIN LATERAL (SELECT coalesce(sum(total), 0) AS total, coalesce(sum(held), 0) AS held
		FROM rollups_live WHERE round_id = $1 AND unit_id = c.unit_id) AS below
	WHERE c.round_id = $1 AND u.code = ANY($2::text[])`)

// congressAndFacts is a row of congressWithFacts.
type congressAndFacts struct {
	domain.Congress
	RoundStart      domain.Day     `db:"f_round_start"`
	LastDeadline    *domain.Day    `db:"f_last_deadline"`
	PlanApproved    bool           `db:"f_plan_approved"`
	ParentHeld      *domain.Day    `db:"f_parent_held"`
	ResultsRecorded bool           `db:"f_results_recorded"`
	PapersMissing   pq.StringArray `db:"f_papers_missing"`
	BelowTotal      int            `db:"f_below_total"`
	BelowHeld       int            `db:"f_below_held"`
}

var lockCongressSQL = prepare(`SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id
	WHERE c.round_id = $1 AND u.code = $2 FOR UPDATE OF c`)

// lockCongress locks the congress of the unit with code in round until the
// transaction ends: every change of a congress, its milestones or its
// results takes it first, and reads what it rests on afterwards.
func lockCongress(ctx context.Context, tx *txn, roundID int64, code string) error {
	if _, err := tx.execPrepared(ctx, lockCongressSQL, roundID, code); err != nil {
		return fmt.Errorf("store: lock congress %s: %w", code, err)
	}
	return nil
}

// lockedCongress locks the congress of the unit with code in round
// (lockCongress) and reads it, with overdue milestones counted at today.
func lockedCongress(ctx context.Context, tx *txn, roundID int64, code string, today domain.Day) (domain.Congress, error) {
	if err := lockCongress(ctx, tx, roundID, code); err != nil {
		return domain.Congress{}, err
	}
	return congressOf(ctx, tx.getPrepared, roundID, code, today)
}

// noCongress is the error when a unit has no congress in a round (it was
// created or reactivated after the round and not given one).
func noCongress(code string, roundID int64) error {
	return &domain.Error{Code: domain.ENotFound, Message: domain.Text{
		VI: fmt.Sprintf("Đơn vị %s không có đại hội trong đợt %d", code, roundID),
		EN: fmt.Sprintf("unit %s has no congress in round %d", code, roundID),
	}}
}

// getter runs a query returning one row into dest: Store.get or txn.getPrepared.
type getter func(ctx context.Context, dest any, q *query, args ...any) error

func congressOf(ctx context.Context, get getter, roundID int64, code string, today domain.Day) (domain.Congress, error) {
	var c domain.Congress
	err := get(ctx, &c, congressByCode, roundID, code, today)
	if errors.Is(err, sql.ErrNoRows) {
		return c, noCongress(code, roundID)
	}
	if err != nil {
		return c, fmt.Errorf("store: congress of %s: %w", code, err)
	}
	c.Fill()
	return c, nil
}

// Congress returns the congress of the unit with code in round; overdue
// milestones are counted at today.
func (s *Store) Congress(ctx context.Context, roundID int64, code string, today domain.Day) (domain.Congress, error) {
	return congressOf(ctx, s.get, roundID, code, today)
}

// CongressesAround returns the congresses in round of the active units
// with the given codes and of the active units directly below them, in one
// query, by code (a unit before those below it), with overdue milestones
// counted at today.
func (s *Store) CongressesAround(ctx context.Context, roundID int64, codes []string, today domain.Day) ([]domain.Congress, error) {
	out := []domain.Congress{}
	if err := s.db.SelectContext(ctx, &out, congressCols+`, coalesce((SELECT p.name FROM units p WHERE p.id = u.parent_id), '') AS parent_name`+
		congressFrom+`WHERE c.round_id = $1 AND u.active AND (u.code = ANY($2::text[])
			OR u.parent_id IN (SELECT p.id FROM units p WHERE p.code = ANY($2::text[])))
		ORDER BY u.code`, roundID, pq.Array(codes), today); err != nil {
		return nil, fmt.Errorf("store: congresses around units %v: %w", codes, err)
	}
	for i := range out {
		out[i].Fill()
	}
	return out, nil
}
