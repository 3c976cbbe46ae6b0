package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// attendeeSelect reads attendees ("a") with their congress, unit, group and user.
const attendeeSelect = `SELECT u.code AS "unit.code", u.name AS "unit.name", u.kind AS "unit.kind", u.path::text AS unit_path,
	coalesce(pu.name, '') AS parent_name,
	a.group_id, g.name AS group_name, us.username, us.full_name, a.attended, a.note, a.recorded_at,
	c.status, c.planned_date, c.held_date
FROM congress_attendees a
JOIN congresses c ON c.round_id = a.round_id AND c.unit_id = a.unit_id
JOIN units u ON u.id = a.unit_id
LEFT JOIN units pu ON pu.id = u.parent_id
JOIN work_groups g ON g.id = a.group_id
JOIN users us ON us.id = a.user_id `

// Attendee returns who from a working group attends the congress of the
// unit with unitID in round, or not found.
func (s *Store) Attendee(ctx context.Context, roundID, unitID int64) (domain.CongressAttendee, error) {
	s = s.reading(ctx)
	var a domain.CongressAttendee
	err := s.db.GetContext(ctx, &a, attendeeSelect+`WHERE a.round_id = $1 AND a.unit_id = $2`, roundID, unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.NotFound(domain.AttendeeText, strconv.FormatInt(unitID, 10))
	}
	if err != nil {
		return a, fmt.Errorf("store: attendee: %w", err)
	}
	return a, nil
}

// UserAttendances lists the congresses of round the user with userID is
// named to attend: those not held first, by planned date, then the held
// ones, latest first.
func (s *Store) UserAttendances(ctx context.Context, roundID, userID int64) ([]domain.CongressAttendee, error) {
	s = s.reading(ctx)
	out := []domain.CongressAttendee{}
	if err := s.db.SelectContext(ctx, &out, attendeeSelect+`WHERE a.round_id = $1 AND a.user_id = $2 AND u.active
		ORDER BY c.held_date IS NOT NULL, c.planned_date NULLS LAST, c.held_date DESC, u.code`, roundID, userID); err != nil {
		return nil, fmt.Errorf("store: attendances: %w", err)
	}
	return out, nil
}

// NameAttendee names the member with username of group to attend the
// congress of unit in round ("": nobody). A new attendee starts without a
// record; naming the same one again changes nothing.
func (s *Store) NameAttendee(ctx context.Context, actor domain.Principal, roundID int64, unit domain.Unit, group domain.WorkGroup, username string) error {
	return s.inTx(ctx, func(tx *txn) error {
		var before string
		err := tx.GetContext(ctx, &before, `SELECT us.username FROM congress_attendees a JOIN users us ON us.id = a.user_id
			WHERE a.round_id = $1 AND a.unit_id = $2 FOR UPDATE OF a`, roundID, unit.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: attendee of %s: %w", unit.Code, err)
		}
		if before == username {
			return nil
		}
		if username == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM congress_attendees WHERE round_id = $1 AND unit_id = $2`, roundID, unit.ID); err != nil {
				return fmt.Errorf("store: withdraw attendee of %s: %w", unit.Code, err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `INSERT INTO congress_attendees (round_id, unit_id, group_id, user_id, named_at)
				SELECT $1, $2, $3, m.user_id, $5 FROM work_group_members m JOIN users us ON us.id = m.user_id
				WHERE m.group_id = $3 AND us.username = $4
				ON CONFLICT (round_id, unit_id) DO UPDATE SET group_id = EXCLUDED.group_id, user_id = EXCLUDED.user_id,
					named_at = EXCLUDED.named_at, attended = false, note = '', recorded_at = NULL`, roundID, unit.ID, group.ID, username, tx.at)
			if err != nil {
				return fmt.Errorf("store: name attendee of %s: %w", unit.Code, err)
			}
			if affected(res) == 0 {
				return domain.Invalid("username", fmt.Sprintf("%s không phải thành viên của %s", username, group.Name),
					fmt.Sprintf("%s is not a member of %s", username, group.Name))
			}
		}
		return auditRound(ctx, tx, actor, roundID, "attendee.name", "congress_attendee", &unit.ID,
			domain.GroupChange{Username: before}, domain.GroupChange{Group: group.Name, Username: username}, "")
	})
}

// RecordAttendance records what the attendee of the congress of unit in
// round says after it: whether they attended, and their note.
func (s *Store) RecordAttendance(ctx context.Context, actor domain.Principal, roundID int64, unit domain.Unit, in domain.AttendanceInput) error {
	return s.inTx(ctx, func(tx *txn) error {
		var username string
		err := tx.GetContext(ctx, &username, `UPDATE congress_attendees a SET attended = $3, note = $4, recorded_at = $5
			FROM users us WHERE us.id = a.user_id AND a.round_id = $1 AND a.unit_id = $2 RETURNING us.username`,
			roundID, unit.ID, in.Attended, in.Note, tx.at)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(domain.AttendeeText, unit.Code)
		}
		if err != nil {
			return fmt.Errorf("store: record attendance at %s: %w", unit.Code, err)
		}
		return auditRound(ctx, tx, actor, roundID, "attendee.record", "congress_attendee", &unit.ID, nil,
			domain.GroupChange{Username: username, Attended: in.Attended, Note: in.Note}, "")
	})
}

// groupCongressSelect reads the congresses of round $1 in the subtrees the
// groups $2 follow, with the group's attendee of each.
const groupCongressSelect = `SELECT a.group_id, u.code AS "unit.code", u.name AS "unit.name", u.kind AS "unit.kind", u.path::text AS unit_path,
	coalesce(pu.name, '') AS parent_name,
	c.status, c.planned_date, c.held_date, c.deadline,
	coalesce(us.username, '') AS username, coalesce(us.full_name, '') AS full_name,
	coalesce(ca.attended, false) AS attended, coalesce(ca.note, '') AS note
FROM work_group_units a
JOIN units r ON r.id = a.unit_id
JOIN units u ON u.path <@ r.path AND u.active
LEFT JOIN units pu ON pu.id = u.parent_id
JOIN congresses c ON c.round_id = a.round_id AND c.unit_id = u.id
LEFT JOIN congress_attendees ca ON ca.round_id = c.round_id AND ca.unit_id = c.unit_id AND ca.group_id = a.group_id
LEFT JOIN users us ON us.id = ca.user_id
WHERE a.round_id = $1 AND a.group_id = ANY($2) `

// GroupCongressRow is a congress in the subtrees a group follows.
type GroupCongressRow struct {
	GroupID int64 `db:"group_id"`
	domain.GroupCongress
}

// GroupCongresses lists the congresses of round in the subtrees the group
// follows, with its attendee of each: those not held by planned date (none
// last), then the held ones, latest first.
func (s *Store) GroupCongresses(ctx context.Context, roundID, groupID int64) ([]domain.GroupCongress, error) {
	s = s.reading(ctx)
	var rows []GroupCongressRow
	if err := s.db.SelectContext(ctx, &rows, groupCongressSelect+`
		ORDER BY c.held_date IS NOT NULL, c.planned_date NULLS LAST, c.held_date DESC, u.path`, roundID, pq.Array([]int64{groupID})); err != nil {
		return nil, fmt.Errorf("store: congresses of working group %d: %w", groupID, err)
	}
	out := make([]domain.GroupCongress, len(rows))
	for i, r := range rows {
		out[i] = r.GroupCongress
	}
	return out, nil
}

// GroupCoverage counts, per group of ids, the congresses of round held in
// the subtrees it follows and those among them someone from the group
// recorded attending.
func (s *Store) GroupCoverage(ctx context.Context, roundID int64, ids []int64) (map[int64]domain.Share, error) {
	s = s.reading(ctx)
	var rows []struct {
		GroupID  int64 `db:"group_id"`
		Held     int   `db:"held"`
		Attended int   `db:"attended"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT a.group_id, count(*) AS held,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM congress_attendees ca
				WHERE ca.round_id = c.round_id AND ca.unit_id = c.unit_id AND ca.group_id = a.group_id AND ca.attended)) AS attended
		FROM work_group_units a
		JOIN units r ON r.id = a.unit_id
		JOIN units u ON u.path <@ r.path AND u.active
		JOIN congresses c ON c.round_id = a.round_id AND c.unit_id = u.id AND c.held_date IS NOT NULL
		WHERE a.round_id = $1 AND a.group_id = ANY($2)
		GROUP BY a.group_id`, roundID, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: coverage of working groups: %w", err)
	}
	out := make(map[int64]domain.Share, len(ids))
	for _, id := range ids {
		out[id] = domain.NewShare(0, 0)
	}
	for _, r := range rows {
		out[r.GroupID] = domain.NewShare(r.Attended, r.Held)
	}
	return out, nil
}

// GroupUnitFigures reads, for every unit the groups of ids follow in round,
// its own congress on asOf and its per-kind figures below (as
// ProgressChildren), keyed by group.
func (s *Store) GroupUnitFigures(ctx context.Context, roundID int64, ids []int64, asOf domain.Day, atRiskDays int) (map[int64][]ChildFigures, error) {
	s = s.reading(ctx)
	var rows []struct {
		GroupID int64 `db:"group_id"`
		ChildFigures
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT a.group_id, u.id, u.code, u.name, u.kind, coalesce(u.category, '') AS category,
			`+ownColumns("own.")+`
		FROM work_group_units a JOIN units u ON u.id = a.unit_id
		LEFT JOIN congresses c ON c.round_id = $1 AND c.unit_id = u.id
		`+milestoneDays+`
		WHERE a.round_id = $1 AND a.group_id = ANY($2)
		ORDER BY u.name COLLATE vietnamese, u.code`, roundID, pq.Array(ids), asOf, atRiskDays)
	if err != nil {
		return nil, fmt.Errorf("store: units of working groups: %w", err)
	}
	out := make(map[int64][]ChildFigures, len(ids))
	if len(rows) == 0 {
		return out, nil
	}
	unitIDs := make([]int64, len(rows))
	byUnit := make(map[int64]*ChildFigures, len(rows))
	for i := range rows {
		rows[i].Own.Fill()
		unitIDs[i] = rows[i].ID
		byUnit[rows[i].ID] = &rows[i].ChildFigures
	}
	var figs []figureRow
	if err := s.selectRows(ctx, &figs, figuresOf, roundID, pq.Array(unitIDs), asOf, atRiskDays); err != nil {
		return nil, fmt.Errorf("store: figures below the units of working groups: %w", err)
	}
	for _, f := range figs {
		if c, ok := byUnit[f.UnitID]; ok {
			c.Kinds = append(c.Kinds, f.KindCount)
		}
	}
	for _, r := range rows {
		out[r.GroupID] = append(out[r.GroupID], r.ChildFigures)
	}
	return out, nil
}
