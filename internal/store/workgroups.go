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

// Working groups: their members, the units they follow in their round
// (at most one group per unit and round), and who from a group attends
// each congress in those units. The read that membership gives is the view
// user_grants (migrations/00023_working_groups.sql), through which every
// caller's grants are loaded.

const groupSelect = `SELECT g.id, g.round_id, g.name, u.code AS "unit.code", u.name AS "unit.name", u.kind AS "unit.kind",
	u.path::text AS unit_path
FROM work_groups g JOIN units u ON u.id = g.unit_id `

// groupNotFound is the refusal of a group id that names no group.
func groupNotFound(id int64) error {
	return domain.NotFound(domain.WorkGroupText, strconv.FormatInt(id, 10))
}

// WorkGroup returns the group with id, its members and its units.
func (s *Store) WorkGroup(ctx context.Context, id int64) (domain.WorkGroup, error) {
	gs, err := s.workGroups(ctx, `WHERE g.id = $1`, id)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	if len(gs) == 0 {
		return domain.WorkGroup{}, groupNotFound(id)
	}
	return gs[0], nil
}

// WorkGroups lists the groups of round run by the unit with unitID, by
// name, with their members and units.
func (s *Store) WorkGroups(ctx context.Context, roundID, unitID int64) ([]domain.WorkGroup, error) {
	return s.workGroups(ctx, `WHERE g.round_id = $1 AND g.unit_id = $2`, roundID, unitID)
}

// UserWorkGroups lists the groups of round the user with userID is a
// member of, by name.
func (s *Store) UserWorkGroups(ctx context.Context, roundID, userID int64) ([]domain.WorkGroup, error) {
	return s.workGroups(ctx, `WHERE g.round_id = $1 AND EXISTS (SELECT 1 FROM work_group_members m WHERE m.group_id = g.id AND m.user_id = $2)`,
		roundID, userID)
}

// workGroups reads the groups that where selects, then their members and
// units: three queries whatever the number of groups.
func (s *Store) workGroups(ctx context.Context, where string, args ...any) ([]domain.WorkGroup, error) {
	s = s.reading(ctx)
	out := []domain.WorkGroup{}
	if err := s.db.SelectContext(ctx, &out, groupSelect+where+` ORDER BY g.name COLLATE vietnamese, g.id`, args...); err != nil {
		return nil, fmt.Errorf("store: working groups: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	at := make(map[int64]int, len(out))
	for i := range out {
		ids[i], at[out[i].ID] = out[i].ID, i
		out[i].Members, out[i].Units = []domain.GroupMember{}, []domain.UnitRef{}
	}
	var members []struct {
		GroupID int64 `db:"group_id"`
		domain.GroupMember
	}
	if err := s.db.SelectContext(ctx, &members, `SELECT m.group_id, u.username, u.full_name, m.leader
		FROM work_group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id = ANY($1) ORDER BY m.group_id, m.leader DESC, u.full_name COLLATE vietnamese, u.username`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: members of working groups: %w", err)
	}
	for _, m := range members {
		g := &out[at[m.GroupID]]
		g.Members = append(g.Members, m.GroupMember)
	}
	var units []struct {
		GroupID int64 `db:"group_id"`
		domain.UnitRef
	}
	if err := s.db.SelectContext(ctx, &units, `SELECT a.group_id, u.code, u.name, u.kind
		FROM work_group_units a JOIN units u ON u.id = a.unit_id
		WHERE a.group_id = ANY($1) ORDER BY a.group_id, u.name COLLATE vietnamese, u.code`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: units of working groups: %w", err)
	}
	for _, u := range units {
		g := &out[at[u.GroupID]]
		g.Units = append(g.Units, u.UnitRef)
	}
	return out, nil
}

// enlist returns the ids of the accounts usernames, which actor may make
// members of a working group of unit (domain.Principal.MayEnlist), taking
// the accounts' lock first so that what it saw holds until the commit. An
// account actor may not enlist is refused in the same words as one that
// does not exist: a board learns nothing of the accounts beyond its units.
func enlist(ctx context.Context, tx *txn, actor domain.Principal, unitName, path, field string, usernames []string) (map[string]int64, error) {
	if err := lockAccounts(ctx, tx); err != nil {
		return nil, err
	}
	var users []domain.User
	if err := tx.SelectContext(ctx, &users, userSelect+`WHERE username = ANY($1)`, pq.Array(usernames)); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	accounts, err := accountsOf(ctx, tx, users, false)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(accounts))
	for _, a := range accounts {
		if actor.MayEnlist(a, path) {
			ids[a.Username] = a.ID
		}
	}
	var v domain.Validation
	for _, u := range usernames {
		if _, ok := ids[u]; !ok {
			v.Add(field, fmt.Sprintf("Không có tài khoản %q trong các đơn vị của %s", u, unitName),
				fmt.Sprintf("no account %q within %s", u, unitName))
		}
	}
	return ids, v.Err()
}

// groupNameFree takes the lock of the unit's group names and refuses name
// when another group of the unit in round (not except) bears it, whatever
// its case: "Tổ công tác số 1" and "tổ công tác số 1" are one name to
// those who read them.
func groupNameFree(ctx context.Context, tx *txn, roundID, unitID, except int64, name string) error {
	if err := lockUnit(ctx, tx, groupLockKey, unitID); err != nil {
		return err
	}
	var other string
	err := tx.GetContext(ctx, &other, `SELECT name FROM work_groups WHERE round_id = $1 AND unit_id = $2 AND id <> $3
		AND lower(name) = lower($4) LIMIT 1`, roundID, unitID, except, name)
	switch {
	case err == nil:
		return domain.Conflict(fmt.Sprintf("Đã có tổ công tác %q", other), fmt.Sprintf("there is a working group %q already", other))
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: working group name: %w", err)
	}
	return nil
}

// CreateWorkGroup forms a group of round run by unit, with its leader ("":
// none yet) and members, and returns its id.
func (s *Store) CreateWorkGroup(ctx context.Context, actor domain.Principal, roundID int64, unit domain.Unit, in domain.GroupInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *txn) error {
		if err := groupNameFree(ctx, tx, roundID, unit.ID, 0, in.Name); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO work_groups (round_id, unit_id, name) VALUES ($1, $2, $3) RETURNING id`,
			roundID, unit.ID, in.Name)
		if pqCode(err) == pqUniqueViolation {
			return domain.Conflict(fmt.Sprintf("Đã có tổ công tác %q", in.Name), fmt.Sprintf("there is a working group %q already", in.Name))
		}
		if err != nil {
			return fmt.Errorf("store: create working group: %w", err)
		}
		if err := auditRound(ctx, tx, actor, roundID, "group.create", "work_group", &unit.ID, nil,
			domain.GroupChange{Group: in.Name}, ""); err != nil {
			return err
		}
		names := in.Members
		if in.Leader != "" {
			names = append([]string{in.Leader}, names...)
		}
		if len(names) == 0 {
			return nil
		}
		ids, err := enlist(ctx, tx, actor, unit.Name, unit.Path, "members", names)
		if err != nil {
			return err
		}
		for _, n := range names {
			leader := n == in.Leader
			if err := addMember(ctx, tx, actor, roundID, unit.ID, id, in.Name, ids[n], n, &leader); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// RenameWorkGroup renames group g.
func (s *Store) RenameWorkGroup(ctx context.Context, actor domain.Principal, g domain.WorkGroup, unitID int64, name string) error {
	return s.inTx(ctx, func(tx *txn) error {
		if err := groupNameFree(ctx, tx, g.RoundID, unitID, g.ID, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE work_groups SET name = $2 WHERE id = $1`, g.ID, name)
		if pqCode(err) == pqUniqueViolation {
			return domain.Conflict(fmt.Sprintf("Đã có tổ công tác %q", name), fmt.Sprintf("there is a working group %q already", name))
		}
		if err != nil {
			return fmt.Errorf("store: rename working group: %w", err)
		}
		if affected(res) == 0 {
			return groupNotFound(g.ID)
		}
		return auditRound(ctx, tx, actor, g.RoundID, "group.rename", "work_group", &unitID,
			domain.GroupChange{Group: g.Name}, domain.GroupChange{Group: name}, "")
	})
}

// addMember makes the user a member of the group: its leader when leader
// is true (the former leader stays a member), a member only when false,
// and, when nil, a member whose place is kept (a leader stays the leader);
// and audits it. Call it after enlist, which took the accounts' lock.
func addMember(ctx context.Context, tx *txn, actor domain.Principal, roundID, unitID, groupID int64, group string, userID int64, username string, leader *bool) error {
	if leader != nil && *leader {
		if _, err := tx.ExecContext(ctx, `UPDATE work_group_members SET leader = false WHERE group_id = $1 AND leader AND user_id <> $2`,
			groupID, userID); err != nil {
			return fmt.Errorf("store: leader of working group: %w", err)
		}
	}
	var now bool
	err := tx.GetContext(ctx, &now, `INSERT INTO work_group_members (group_id, user_id, leader) VALUES ($1, $2, coalesce($3::boolean, false))
		ON CONFLICT (group_id, user_id) DO UPDATE SET leader = EXCLUDED.leader
		WHERE $3::boolean IS NOT NULL AND work_group_members.leader IS DISTINCT FROM EXCLUDED.leader
		RETURNING leader`, groupID, userID, leader)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // a member already, as asked
	}
	if err != nil {
		return fmt.Errorf("store: member of working group: %w", err)
	}
	return auditRound(ctx, tx, actor, roundID, "group.member", "work_group", &unitID, nil,
		domain.GroupChange{Group: group, Username: username, Leader: now}, "")
}

// AddWorkGroupMember makes the user with username a member of g (its
// leader, or not, or keeping their place: see addMember); the group's unit
// has unitID.
func (s *Store) AddWorkGroupMember(ctx context.Context, actor domain.Principal, g domain.WorkGroup, unitID int64, username string, leader *bool) error {
	return s.inTx(ctx, func(tx *txn) error {
		ids, err := enlist(ctx, tx, actor, g.Unit.Name, g.UnitPath, "username", []string{username})
		if err != nil {
			return err
		}
		return addMember(ctx, tx, actor, g.RoundID, unitID, g.ID, g.Name, ids[username], username, leader)
	})
}

// RemoveWorkGroupMember takes the user with username out of g; the
// congresses not held yet that they were named to attend for g have no
// attendee any more (those held keep their record).
func (s *Store) RemoveWorkGroupMember(ctx context.Context, actor domain.Principal, g domain.WorkGroup, unitID int64, username string) error {
	return s.inTx(ctx, func(tx *txn) error {
		if err := lockAccounts(ctx, tx); err != nil { // a membership decides who manages the account
			return err
		}
		var userID int64
		err := tx.GetContext(ctx, &userID, `DELETE FROM work_group_members m USING users u
			WHERE u.id = m.user_id AND m.group_id = $1 AND u.username = $2 RETURNING u.id`, g.ID, username)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(domain.Text{VI: "thành viên", EN: "member"}, username)
		}
		if err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM congress_attendees a USING congresses c
			WHERE c.round_id = a.round_id AND c.unit_id = a.unit_id AND c.held_date IS NULL
				AND a.group_id = $1 AND a.user_id = $2`, g.ID, userID); err != nil {
			return fmt.Errorf("store: attendees of a member: %w", err)
		}
		return auditRound(ctx, tx, actor, g.RoundID, "group.member.remove", "work_group", &unitID,
			domain.GroupChange{Group: g.Name, Username: username}, nil, "")
	})
}

// assignLockKey serialises the assignments of units to groups, so that two
// nested units cannot be assigned at the same moment.
const assignLockKey = 7_100_023

// AssignWorkGroupUnit makes g follow unit: a unit another group of the
// round follows moves to g (one change, recorded with both groups). A unit
// within or above a unit some group follows is refused: each unit of the
// tree is followed through one assignment at most. The congresses not
// held yet in the subtree of a moved unit lose the attendees the former
// group named.
func (s *Store) AssignWorkGroupUnit(ctx context.Context, actor domain.Principal, g domain.WorkGroup, unit domain.Unit) error {
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, assignLockKey); err != nil {
			return fmt.Errorf("store: lock assignments: %w", err)
		}
		var nested []struct {
			Code  string `db:"code"`
			Group string `db:"name"`
		}
		if err := tx.SelectContext(ctx, &nested, `SELECT u.code, g.name FROM work_group_units a
			JOIN units u ON u.id = a.unit_id JOIN work_groups g ON g.id = a.group_id
			WHERE a.round_id = $1 AND a.unit_id <> $2 AND (u.path <@ $3::ltree OR u.path @> $3::ltree)
			ORDER BY u.code LIMIT 1`, g.RoundID, unit.ID, unit.Path); err != nil {
			return fmt.Errorf("store: nested assignments: %w", err)
		}
		if len(nested) > 0 {
			return domain.Conflict(fmt.Sprintf("%s nằm trong hoặc chứa %s, đơn vị do %s theo dõi", unit.Code, nested[0].Code, nested[0].Group),
				fmt.Sprintf("%s is within or above %s, which %s follows", unit.Code, nested[0].Code, nested[0].Group))
		}
		var from struct {
			ID   int64  `db:"id"`
			Name string `db:"name"`
		}
		err := tx.GetContext(ctx, &from, `SELECT g.id, g.name FROM work_group_units a JOIN work_groups g ON g.id = a.group_id
			WHERE a.round_id = $1 AND a.unit_id = $2 FOR UPDATE OF a`, g.RoundID, unit.ID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("store: assignment of %s: %w", unit.Code, err)
		case from.ID == g.ID:
			return nil // followed by g already
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_group_units (round_id, unit_id, group_id, assigned_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, unit_id) DO UPDATE SET group_id = EXCLUDED.group_id, assigned_at = EXCLUDED.assigned_at`,
			g.RoundID, unit.ID, g.ID, tx.at); err != nil {
			return fmt.Errorf("store: assign %s: %w", unit.Code, err)
		}
		if from.ID != 0 {
			if err := dropNamedAttendees(ctx, tx, g.RoundID, from.ID, unit.Path); err != nil {
				return err
			}
		}
		return auditRound(ctx, tx, actor, g.RoundID, "group.assign", "work_group", &unit.ID,
			domain.GroupChange{Group: from.Name}, domain.GroupChange{Group: g.Name, Unit: unit.Code}, "")
	})
}

// dropNamedAttendees removes the attendees group named for the congresses
// not held yet in the subtree at path.
func dropNamedAttendees(ctx context.Context, tx *txn, roundID, groupID int64, path string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM congress_attendees a USING congresses c, units u
		WHERE c.round_id = a.round_id AND c.unit_id = a.unit_id AND u.id = a.unit_id AND c.held_date IS NULL
			AND a.round_id = $1 AND a.group_id = $2 AND u.path <@ $3::ltree`, roundID, groupID, path); err != nil {
		return fmt.Errorf("store: attendees below %s: %w", path, err)
	}
	return nil
}

// UnassignWorkGroupUnit stops g following unit.
func (s *Store) UnassignWorkGroupUnit(ctx context.Context, actor domain.Principal, g domain.WorkGroup, unit domain.Unit) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM work_group_units WHERE round_id = $1 AND unit_id = $2 AND group_id = $3`,
			g.RoundID, unit.ID, g.ID)
		if err != nil {
			return fmt.Errorf("store: unassign %s: %w", unit.Code, err)
		}
		if affected(res) == 0 {
			return domain.NotFound(domain.Text{VI: "đơn vị do tổ theo dõi", EN: "unit followed by the group"}, unit.Code)
		}
		if err := dropNamedAttendees(ctx, tx, g.RoundID, g.ID, unit.Path); err != nil {
			return err
		}
		return auditRound(ctx, tx, actor, g.RoundID, "group.unassign", "work_group", &unit.ID,
			domain.GroupChange{Group: g.Name, Unit: unit.Code}, nil, "")
	})
}

// FollowingGroup returns the id of the group of round that follows the
// unit at path (an assignment of the unit or of a unit above it), or 0.
func (s *Store) FollowingGroup(ctx context.Context, roundID int64, path string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT a.group_id FROM work_group_units a JOIN units u ON u.id = a.unit_id
		WHERE a.round_id = $1 AND u.path @> $2::ltree ORDER BY nlevel(u.path) DESC LIMIT 1`, roundID, path)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: group following %s: %w", path, err)
	}
	return id, nil
}
