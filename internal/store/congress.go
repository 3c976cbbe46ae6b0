package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// congressCols and congressFrom read a congress with its unit and the
// counts of its milestones done, in all and overdue at $3.
const congressCols = `SELECT c.round_id, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind,
	coalesce(u.category, '') AS category, u.path::text AS unit_path,
	c.status, c.planned_date, c.held_date, c.delegates_expected, c.delegates_present, c.is_pilot, c.lessons_learned,
	c.deadline, c.deadline_override, c.deadline_override_reason, c.cascade_override_reason, c.version, c.updated_at,
	ms.done AS "milestones.done", ms.total AS "milestones.total", ms.overdue AS "milestones.overdue"`

const congressFrom = `
FROM congresses c JOIN units u ON u.id = c.unit_id
CROSS JOIN LATERAL (
	SELECT count(*) FILTER (WHERE m.done_on IS NOT NULL) AS done, count(*) AS total,
		count(*) FILTER (WHERE m.done_on IS NULL AND coalesce(t.due_date, c.planned_date + t.due_offset_days) < $3::date) AS overdue
	FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
	WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id
) AS ms `

const congressSelect = congressCols + congressFrom

// congressByCode is congressSelect for the unit with code $2 in round $1.
const congressByCode = congressSelect + `WHERE c.round_id = $1 AND u.code = $2`

// congressWithFacts is congressByCode with what the rules of a congress
// update need (domain.CongressFacts): the round's start, whether the
// congress plan is approved and the results recorded, and how many units
// below have held their congress (from the rollups).
const congressWithFacts = congressCols + `, r.start_date AS f_round_start,
	EXISTS (SELECT 1 FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
		WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id AND t.code = 'congress_plan' AND m.done_on IS NOT NULL) AS f_plan_approved,
	EXISTS (SELECT 1 FROM congress_results cr WHERE cr.round_id = c.round_id AND cr.unit_id = c.unit_id) AS f_results_recorded,
	coalesce((SELECT sum(total) FROM rollups_live WHERE round_id = $1 AND unit_id = c.unit_id), 0) AS f_below_total,
	coalesce((SELECT sum(held) FROM rollups_live WHERE round_id = $1 AND unit_id = c.unit_id), 0) AS f_below_held` +
	congressFrom + `JOIN rounds r ON r.id = c.round_id WHERE c.round_id = $1 AND u.code = $2`

// congressAndFacts is a row of congressWithFacts.
type congressAndFacts struct {
	domain.Congress
	RoundStart      domain.Day `db:"f_round_start"`
	PlanApproved    bool       `db:"f_plan_approved"`
	ResultsRecorded bool       `db:"f_results_recorded"`
	BelowTotal      int        `db:"f_below_total"`
	BelowHeld       int        `db:"f_below_held"`
}

// lockCongress locks the congress of the unit with code in round until the
// transaction ends: every change of a congress, its milestones or its
// results takes it first, and reads what it rests on afterwards.
func lockCongress(ctx context.Context, tx *txn, roundID int64, code string) error {
	if _, err := tx.execPrepared(ctx, `SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.code = $2 FOR UPDATE OF c`, roundID, code); err != nil {
		return fmt.Errorf("store: lock congress %s: %w", code, err)
	}
	return nil
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
type getter func(ctx context.Context, dest any, query string, args ...any) error

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

// congressForChange locks the congress of the unit with code in round and
// reads it with the facts its rules need.
func congressForChange(ctx context.Context, tx *txn, roundID int64, code string, today domain.Day) (domain.Congress, domain.CongressFacts, error) {
	if err := lockCongress(ctx, tx, roundID, code); err != nil {
		return domain.Congress{}, domain.CongressFacts{}, err
	}
	var row congressAndFacts
	err := tx.getPrepared(ctx, &row, congressWithFacts, roundID, code, today)
	if errors.Is(err, sql.ErrNoRows) {
		return row.Congress, domain.CongressFacts{}, noCongress(code, roundID)
	}
	if err != nil {
		return row.Congress, domain.CongressFacts{}, fmt.Errorf("store: congress of %s: %w", code, err)
	}
	row.Congress.Fill()
	return row.Congress, domain.CongressFacts{RoundStart: row.RoundStart, PlanApproved: row.PlanApproved,
		ResultsRecorded: row.ResultsRecorded, BelowTotal: row.BelowTotal, BelowHeld: row.BelowHeld}, nil
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
// change compute the new state, writes it with a new version, keeps the auto
// milestones ('held', 'results_reported', the ancestors' 'children_held'),
// the deadline in force and the rollups in step, and records the change in
// the audit log. A change that changes nothing writes nothing.
//
// The statements are prepared, and the rollups of the ancestors, which
// every hold below a district touches, are written last: their rows stay
// locked only from that statement to the commit.
func (s *Store) UpdateCongress(ctx context.Context, actor domain.Principal, roundID int64, code string, ch CongressChange) (domain.Congress, error) {
	var out domain.Congress
	err := s.inTx(ctx, func(tx *txn) error {
		if err := tx.genericPlans(ctx); err != nil {
			return err
		}
		cur, facts, err := congressForChange(ctx, tx, roundID, code, ch.Today)
		if err != nil {
			return err
		}
		if ch.Version != 0 && ch.Version != cur.Version {
			return domain.StaleVersion()
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
		if out, err = congressOf(ctx, tx.getPrepared, roundID, code, ch.Today); err != nil {
			return err
		}
		var before, after any = cur.Snapshot(), out.Snapshot()
		if ch.Audit != nil {
			before, after = ch.Audit(cur, out)
		}
		if err := auditRound(ctx, tx, actor, roundID, ch.Action, ch.Entity, &cur.UnitID, before, after, reason); err != nil {
			return err
		}
		return heldChanged(ctx, tx, cur, next)
	})
	return out, err
}

// writeCongress stores next in place of cur and keeps the unit's own
// milestones and deadline in step; heldChanged does the ancestors'.
func writeCongress(ctx context.Context, tx *txn, actor domain.Principal, cur, next domain.Congress, today domain.Day) error {
	_, err := tx.execPrepared(ctx, `UPDATE congresses SET status = $3, planned_date = $4, held_date = $5,
			delegates_expected = $6, delegates_present = $7, is_pilot = $8, lessons_learned = $9,
			deadline_override = $10, deadline_override_reason = $11, cascade_override_reason = $12,
			version = version + 1, updated_at = now()
		WHERE round_id = $1 AND unit_id = $2`,
		cur.RoundID, cur.UnitID, next.Status, next.PlannedDate, next.HeldDate, next.DelegatesExpected, next.DelegatesPresent,
		next.IsPilot, next.LessonsLearned, next.DeadlineOverride, next.DeadlineOverrideReason, next.CascadeOverrideReason)
	if err != nil {
		return fmt.Errorf("store: update congress %s: %w", cur.UnitCode, err)
	}
	if cur.Status.Held() != next.Status.Held() || !domain.SameDay(cur.HeldDate, next.HeldDate) {
		if err := setAutoMilestone(ctx, tx, actor, cur.RoundID, cur.UnitID, "held", next.HeldDate); err != nil {
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

// heldChanged keeps the ancestors in step with a change of whether (or
// when) the unit held its congress: the 'children_held' milestones of those
// whose units below may all have held, before or after, then their rollups.
//
// Those are the ancestors with at most max_connections units below not held
// as this transaction sees them (holds of other transactions not yet
// committed count as not held). Of the holds that complete a subtree, the
// last to commit sees at most as many units not held as there are other
// holds in flight, each on a connection of its own: fewer than
// max_connections. It takes the subtree's completion lock and re-reads the
// rollups (readChildrenHeld), so it sees the others. Until a subtree is
// that close to complete, its holds take no lock.
func heldChanged(ctx context.Context, tx *txn, cur, next domain.Congress) error {
	wasHeld, isHeld := cur.Status.Held(), next.Status.Held()
	d := 0
	switch {
	case !wasHeld && isHeld:
		d = 1
	case wasHeld && !isHeld:
		d = -1
	case domain.SameDay(cur.HeldDate, next.HeldDate):
		return nil
	}
	near, err := lockNearComplete(ctx, tx, cur.RoundID, cur.UnitPath, d)
	if err != nil {
		return err
	}
	if err := readChildrenHeld(ctx, tx, cur.RoundID, near, d); err != nil {
		return err
	}
	return adjustRollups(ctx, tx, cur.RoundID, cur.UnitPath, cur.UnitKind, 0, d)
}
