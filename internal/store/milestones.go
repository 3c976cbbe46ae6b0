package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// milestoneSelect reads milestones with their due date, and whether they
// are overdue or moot on day $3 (milestone_due, milestone_overdue_on,
// milestone_moot_on).
const milestoneSelect = `SELECT t.id AS template_id, t.seq, t.code, t.name_vi, t.name_en,
	milestone_due(t.due_date, t.due_offset_days, c.planned_date) AS due_date,
	t.due_offset_days, t.requires_approval, t.auto, m.done_on, coalesce(us.username, '') AS done_by, m.done_at, m.note,
	milestone_overdue_on(milestone_due(t.due_date, t.due_offset_days, c.planned_date), m.done_on, t.after_congress, c.held_date, $3::date) AS overdue,
	milestone_moot_on(m.done_on, t.after_congress, c.held_date, $3::date) AS moot
FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
JOIN congresses c ON c.round_id = m.round_id AND c.unit_id = m.unit_id
LEFT JOIN users us ON us.id = m.done_by `

// Milestones lists the milestones of the unit with unitID in round, in
// their order, with due dates from the planned date and overdue at today.
func (s *Store) Milestones(ctx context.Context, roundID, unitID int64, today domain.Day) ([]domain.Milestone, error) {
	out := []domain.Milestone{}
	if err := s.db.SelectContext(ctx, &out, milestoneSelect+`WHERE m.round_id = $1 AND m.unit_id = $2
		ORDER BY t.seq, t.code`, roundID, unitID, today); err != nil {
		return nil, fmt.Errorf("store: milestones: %w", err)
	}
	return out, nil
}

// MilestoneCheck lets the caller refuse a tick on the locked, current
// milestone and congress. It runs inside the transaction: it must not use
// the store (see txn).
type MilestoneCheck func(m domain.Milestone, c domain.Congress) error

// SetMilestone marks the milestone with code of the unit with unitCode done
// on day with note (or not done when day is nil) in round, after check, and
// records it in the audit log; a tick that changes nothing (the same day
// and note, or a milestone not done left not done) writes nothing. The congress row is locked meanwhile, so that
// a status change resting on the milestone waits.
func (s *Store) SetMilestone(ctx context.Context, actor domain.Principal, roundID int64, unitCode, code string, day *domain.Day, note string, today domain.Day, check MilestoneCheck) (domain.Milestone, error) {
	var out domain.Milestone
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockCongress(ctx, tx, roundID, unitCode); err != nil {
			return err
		}
		c, err := congressOf(ctx, tx.getPrepared, roundID, unitCode, today)
		if err != nil {
			return err
		}
		m, err := milestoneOf(ctx, tx, roundID, c.UnitID, code, today)
		if err != nil {
			return err
		}
		if err := check(m, c); err != nil {
			return err
		}
		var by *int64
		if day != nil && actor.User.ID != 0 {
			by = &actor.User.ID
		}
		if day == nil {
			note = ""
		}
		if domain.SameDay(m.DoneOn, day) && (day == nil || m.Note == note) {
			out = m // a tick that changes nothing writes nothing
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE milestones SET done_on = $4, done_by = $5, note = $6,
				done_at = CASE WHEN $4::date IS NULL THEN NULL ELSE $7::timestamptz END
			WHERE round_id = $1 AND unit_id = $2 AND template_id = $3`,
			roundID, c.UnitID, m.TemplateID, day, by, note, tx.at); err != nil {
			return fmt.Errorf("store: set milestone %s: %w", code, err)
		}
		if out, err = milestoneOf(ctx, tx, roundID, c.UnitID, code, today); err != nil {
			return err
		}
		action := "milestone.done"
		if day == nil {
			action = "milestone.undone"
		}
		return auditRound(ctx, tx, actor, roundID, action, "milestone", &c.UnitID, m.Snapshot(), out.Snapshot(), note)
	})
	return out, err
}

func milestoneOf(ctx context.Context, q sqlx.QueryerContext, roundID, unitID int64, code string, today domain.Day) (domain.Milestone, error) {
	var m domain.Milestone
	err := sqlx.GetContext(ctx, q, &m, milestoneSelect+`WHERE m.round_id = $1 AND m.unit_id = $2 AND t.code = $4`, roundID, unitID, today, code)
	if errors.Is(err, sql.ErrNoRows) {
		return m, domain.NotFound(domain.MilestoneText, code)
	}
	if err != nil {
		return m, fmt.Errorf("store: milestone %s: %w", code, err)
	}
	return m, nil
}

// MilestoneNames returns the names of the milestones by code, from the
// templates of every kind (a code names the same step in each; the first
// kind's wording is kept).
func (s *Store) MilestoneNames(ctx context.Context) (map[string]domain.Text, error) {
	var rows []struct {
		Code string `db:"code"`
		VI   string `db:"name_vi"`
		EN   string `db:"name_en"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT DISTINCT ON (code) code, name_vi, name_en
		FROM milestone_templates ORDER BY code, id`); err != nil {
		return nil, fmt.Errorf("store: milestone names: %w", err)
	}
	out := make(map[string]domain.Text, len(rows))
	for _, r := range rows {
		out[r.Code] = domain.Text{VI: r.VI, EN: r.EN}
	}
	return out, nil
}

// ApprovalsPending lists the approvals not given yet (milestones that
// require one, not done) of the active units of round whose congress is
// being prepared (domain.CongressStatus.Preparing): those of the units with
// ids, and those of the units directly below the units with parents, in one
// query; each with its unit's parent and its due date at today. They come
// by unit name, then in the milestones' order.
func (s *Store) ApprovalsPending(ctx context.Context, roundID int64, ids, parents []int64, today domain.Day) ([]domain.PendingApproval, error) {
	out := []domain.PendingApproval{}
	if len(ids) == 0 && len(parents) == 0 {
		return out, nil
	}
	err := s.db.SelectContext(ctx, &out, `SELECT u.code AS "unit.code", u.name AS "unit.name", u.kind AS "unit.kind",
			u.path::text AS unit_path, c.status,
			coalesce(pu.code, '') AS "parent.code", coalesce(pu.name, '') AS "parent.name", coalesce(pu.kind, '') AS "parent.kind",
			coalesce(pu.path::text, '') AS parent_path,
			t.id AS "m.template_id", t.seq AS "m.seq", t.code AS "m.code", t.name_vi AS "m.name_vi", t.name_en AS "m.name_en",
			milestone_due(t.due_date, t.due_offset_days, c.planned_date) AS "m.due_date",
			t.due_offset_days AS "m.due_offset_days", t.requires_approval AS "m.requires_approval",
			t.auto AS "m.auto", m.done_on AS "m.done_on", '' AS "m.done_by", m.done_at AS "m.done_at", m.note AS "m.note",
			milestone_overdue_on(milestone_due(t.due_date, t.due_offset_days, c.planned_date), m.done_on, t.after_congress, c.held_date, $4::date) AS "m.overdue",
			milestone_moot_on(m.done_on, t.after_congress, c.held_date, $4::date) AS "m.moot"
		FROM milestones m
		JOIN milestone_templates t ON t.id = m.template_id AND t.requires_approval
		JOIN congresses c ON c.round_id = m.round_id AND c.unit_id = m.unit_id
		JOIN units u ON u.id = m.unit_id AND u.active
		LEFT JOIN units pu ON pu.id = u.parent_id
		WHERE m.round_id = $1 AND m.done_on IS NULL AND c.status IN ('preparing', 'plan_approved')
			AND (u.id = ANY($2::bigint[]) OR u.parent_id = ANY($3::bigint[]))
		ORDER BY u.name COLLATE vietnamese, u.code, t.seq`, roundID, pq.Array(ids), pq.Array(parents), today)
	if err != nil {
		return nil, fmt.Errorf("store: approvals pending: %w", err)
	}
	return out, nil
}
