package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/domain"
)

// congressSelect reads a congress with its unit and the counts of its
// milestones done, in all and overdue at $3.
const congressSelect = `SELECT c.round_id, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind,
	coalesce(u.category, '') AS category, u.path::text AS unit_path,
	c.status, c.planned_date, c.held_date, c.delegates_expected, c.delegates_present, c.is_pilot, c.lessons_learned,
	c.deadline, c.deadline_override, c.deadline_override_reason, c.cascade_override_reason, c.version, c.updated_at,
	ms.done AS "milestones.done", ms.total AS "milestones.total", ms.overdue AS "milestones.overdue"
FROM congresses c JOIN units u ON u.id = c.unit_id
CROSS JOIN LATERAL (
	SELECT count(*) FILTER (WHERE m.done_on IS NOT NULL) AS done, count(*) AS total,
		count(*) FILTER (WHERE m.done_on IS NULL AND coalesce(t.due_date, c.planned_date + t.due_offset_days) < $3::date) AS overdue
	FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
	WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id
) AS ms `

// noCongress is the error when a unit has no congress in a round (it was
// created or reactivated after the round and not given one).
func noCongress(code string, roundID int64) error {
	return &domain.Error{Code: domain.ENotFound, Message: domain.Text{
		VI: fmt.Sprintf("Đơn vị %s không có đại hội trong đợt %d", code, roundID),
		EN: fmt.Sprintf("unit %s has no congress in round %d", code, roundID),
	}}
}

func congressOf(ctx context.Context, q sqlx.QueryerContext, roundID int64, code string, today domain.Day) (domain.Congress, error) {
	var c domain.Congress
	err := sqlx.GetContext(ctx, q, &c, congressSelect+`WHERE c.round_id = $1 AND u.code = $2`, roundID, code, today)
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
	return congressOf(ctx, s.db, roundID, code, today)
}

// congressFacts reads what the rules of a congress update need: the round's
// start, whether the congress plan is approved and the results recorded,
// and how many units below have held their congress (from the rollups).
func congressFacts(ctx context.Context, tx *sqlx.Tx, c domain.Congress) (domain.CongressFacts, error) {
	var f domain.CongressFacts
	row := tx.QueryRowxContext(ctx, `SELECT r.start_date,
		EXISTS (SELECT 1 FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
			WHERE m.round_id = $1 AND m.unit_id = $2 AND t.code = 'congress_plan' AND m.done_on IS NOT NULL),
		EXISTS (SELECT 1 FROM congress_results cr WHERE cr.round_id = $1 AND cr.unit_id = $2),
		coalesce((SELECT sum(total) FROM rollups WHERE round_id = $1 AND unit_id = $2), 0),
		coalesce((SELECT sum(held) FROM rollups WHERE round_id = $1 AND unit_id = $2), 0)
		FROM rounds r WHERE r.id = $1`, c.RoundID, c.UnitID)
	if err := row.Scan(&f.RoundStart, &f.PlanApproved, &f.ResultsRecorded, &f.BelowTotal, &f.BelowHeld); err != nil {
		return f, fmt.Errorf("store: congress facts: %w", err)
	}
	return f, nil
}

// CongressChange describes one change of a congress for UpdateCongress.
type CongressChange struct {
	// Version is the version the client read; 0 skips the check.
	Version int
	// Action and Entity name the change in the audit log.
	Action, Entity string
	// Today is the day overdue milestones are counted at.
	Today domain.Day
	// Apply returns the new state from the locked current one and the
	// facts, and the reason recorded in the audit log; an error changes nothing.
	Apply func(cur domain.Congress, facts domain.CongressFacts) (next domain.Congress, reason string, err error)
	// Audit, when set, chooses what the audit log keeps before and after;
	// the default is the congress's snapshot.
	Audit func(before, after domain.Congress) (any, any)
}

// UpdateCongress applies a change to the congress of the unit with code in
// round, in one transaction: it locks the row, checks the version, lets the
// change compute the new state, writes it with a new version, keeps the
// rollups, the auto milestones ('held', 'results_reported', the ancestors'
// 'children_held') and the deadline in force in step, and records the
// change in the audit log. A change that changes nothing writes nothing.
func (s *Store) UpdateCongress(ctx context.Context, actor domain.Principal, roundID int64, code string, ch CongressChange) (domain.Congress, error) {
	var out domain.Congress
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND u.code = $2 FOR UPDATE OF c`, roundID, code); err != nil {
			return fmt.Errorf("store: lock congress %s: %w", code, err)
		}
		cur, err := congressOf(ctx, tx, roundID, code, ch.Today)
		if err != nil {
			return err
		}
		if ch.Version != 0 && ch.Version != cur.Version {
			return domain.StaleVersion()
		}
		facts, err := congressFacts(ctx, tx, cur)
		if err != nil {
			return err
		}
		next, reason, err := ch.Apply(cur, facts)
		if err != nil {
			return err
		}
		if next.Snapshot().Same(cur.Snapshot()) {
			out = cur
			return nil
		}
		if err := writeCongress(ctx, tx, actor, cur, next, ch.Today); err != nil {
			return err
		}
		if out, err = congressOf(ctx, tx, roundID, code, ch.Today); err != nil {
			return err
		}
		var before, after any = cur.Snapshot(), out.Snapshot()
		if ch.Audit != nil {
			before, after = ch.Audit(cur, out)
		}
		return auditRound(ctx, tx, actor, roundID, ch.Action, ch.Entity, &cur.UnitID, before, after, reason)
	})
	return out, err
}

// writeCongress stores next in place of cur and keeps everything derived in step.
func writeCongress(ctx context.Context, tx *sqlx.Tx, actor domain.Principal, cur, next domain.Congress, today domain.Day) error {
	_, err := tx.ExecContext(ctx, `UPDATE congresses SET status = $3, planned_date = $4, held_date = $5,
			delegates_expected = $6, delegates_present = $7, is_pilot = $8, lessons_learned = $9,
			deadline_override = $10, deadline_override_reason = $11, cascade_override_reason = $12,
			version = version + 1, updated_at = now()
		WHERE round_id = $1 AND unit_id = $2`,
		cur.RoundID, cur.UnitID, next.Status, next.PlannedDate, next.HeldDate, next.DelegatesExpected, next.DelegatesPresent,
		next.IsPilot, next.LessonsLearned, next.DeadlineOverride, next.DeadlineOverrideReason, next.CascadeOverrideReason)
	if err != nil {
		return fmt.Errorf("store: update congress %s: %w", cur.UnitCode, err)
	}
	wasHeld, isHeld := cur.Status.Held(), next.Status.Held()
	if wasHeld != isHeld {
		d := 1
		if wasHeld {
			d = -1
		}
		if err := adjustRollups(ctx, tx, cur.RoundID, cur.UnitPath, cur.UnitKind, 0, d); err != nil {
			return err
		}
	}
	if wasHeld != isHeld || !domain.SameDay(cur.HeldDate, next.HeldDate) {
		if err := setAutoMilestone(ctx, tx, actor, cur.RoundID, cur.UnitID, "held", next.HeldDate); err != nil {
			return err
		}
		if err := syncChildrenHeld(ctx, tx, cur.RoundID, cur.UnitPath); err != nil {
			return err
		}
	}
	wasReported, isReported := cur.Status == domain.StatusResultsReported, next.Status == domain.StatusResultsReported
	if wasReported != isReported {
		var day *domain.Day
		if isReported {
			day = &today
		}
		if err := setAutoMilestone(ctx, tx, actor, cur.RoundID, cur.UnitID, "results_reported", day); err != nil {
			return err
		}
	}
	if !domain.SameDay(cur.DeadlineOverride, next.DeadlineOverride) {
		return refreshDeadlinesWhere(ctx, tx, cur.RoundID, "", cur.UnitID)
	}
	return nil
}
