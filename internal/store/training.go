package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// querier reads rows: the store's pool or a transaction.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

const sessionSelect = `SELECT s.id, s.round_id, u.code AS unit_code, u.name AS unit_name, u.path::text AS unit_path,
	s.title, s.day, s.start_time, s.place, s.attended, s.cancelled, s.version, s.updated_at
FROM training_sessions s JOIN units u ON u.id = s.unit_id `

// sessionUnits reads the units invited to the sessions, in one query (none
// when there is no session).
func sessionUnits(ctx context.Context, q querier, sessions []domain.TrainingSession) error {
	ids := make([]int64, len(sessions))
	at := make(map[int64]int, len(sessions))
	for i, s := range sessions {
		ids[i], at[s.ID] = s.ID, i
		sessions[i].Invited = []domain.UnitRef{}
	}
	if len(sessions) == 0 {
		return nil
	}
	var rows []struct {
		SessionID int64  `db:"session_id"`
		Path      string `db:"path"`
		domain.UnitRef
	}
	if err := q.SelectContext(ctx, &rows, `SELECT tu.session_id, u.code, u.name, u.kind, u.path::text AS path
		FROM training_session_units tu JOIN units u ON u.id = tu.unit_id
		WHERE tu.session_id = ANY($1) ORDER BY tu.session_id, u.path`, pq.Array(ids)); err != nil {
		return fmt.Errorf("store: units invited: %w", err)
	}
	for _, r := range rows {
		i := at[r.SessionID]
		sessions[i].Invited = append(sessions[i].Invited, r.UnitRef)
		sessions[i].InvitedPaths = append(sessions[i].InvitedPaths, r.Path)
	}
	return nil
}

// Session returns the training session id.
func (s *Store) Session(ctx context.Context, id int64) (domain.TrainingSession, error) {
	return sessionByID(ctx, s.db, id, false)
}

func sessionByID(ctx context.Context, q querier, id int64, lock bool) (domain.TrainingSession, error) {
	var out domain.TrainingSession
	sfx := ``
	if lock {
		sfx = ` FOR UPDATE OF s`
	}
	err := q.GetContext(ctx, &out, sessionSelect+`WHERE s.id = $1`+sfx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return out, domain.NotFound(domain.Text{VI: "Buổi tập huấn", EN: "Training session"}, fmt.Sprint(id))
	}
	if err != nil {
		return out, fmt.Errorf("store: session %d: %w", id, err)
	}
	list := []domain.TrainingSession{out}
	if err := sessionUnits(ctx, q, list); err != nil {
		return out, err
	}
	return list[0], nil
}

// SessionsWithin lists the training sessions of round held by the units of
// the subtree at path or inviting one of them (as the calendar shows them),
// newest first, at most limit.
func (s *Store) SessionsWithin(ctx context.Context, roundID int64, path string, limit int) ([]domain.TrainingSession, error) {
	out := []domain.TrainingSession{}
	if err := s.db.SelectContext(ctx, &out, sessionSelect+`WHERE s.round_id = $1 AND (u.path <@ $2::ltree
			OR EXISTS (SELECT 1 FROM training_session_units tu JOIN units iu ON iu.id = tu.unit_id
				WHERE tu.session_id = s.id AND iu.path <@ $2::ltree))
		ORDER BY s.day DESC, s.start_time DESC NULLS LAST, s.id DESC LIMIT $3`, roundID, path, limit); err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	return out, sessionUnits(ctx, s.db, out)
}

// SessionsHeld lists the sessions of round held by the units of the subtree
// at path from one day to another (both included), not cancelled, by day.
func (s *Store) SessionsHeld(ctx context.Context, roundID int64, path string, from, to domain.Day) ([]domain.TrainingSession, error) {
	out := []domain.TrainingSession{}
	if err := s.db.SelectContext(ctx, &out, sessionSelect+`WHERE s.round_id = $1 AND u.path <@ $2::ltree
		AND NOT s.cancelled AND s.day BETWEEN $3::date AND $4::date ORDER BY s.day, s.start_time NULLS FIRST, s.id`,
		roundID, path, from, to); err != nil {
		return nil, fmt.Errorf("store: sessions held: %w", err)
	}
	return out, sessionUnits(ctx, s.db, out)
}

// SessionChange is a write of a training session: its fields (nil to keep
// them, when cancelling) and whether it is cancelled.
type SessionChange struct {
	Fields    *domain.SessionFields
	Cancelled bool
	// Version is the version read (ignored when creating).
	Version int
}

// setInvited replaces the units invited to session id by those with codes,
// every one of which must be an active unit of the subtree at path.
func setInvited(ctx context.Context, tx *txn, id int64, path string, codes []string) error {
	var missing []string
	if err := tx.SelectContext(ctx, &missing, `SELECT c FROM unnest($1::text[]) c
		WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = c AND u.active AND u.path <@ $2::ltree)`, pq.Array(codes), path); err != nil {
		return fmt.Errorf("store: units invited: %w", err)
	}
	if len(missing) > 0 {
		var v domain.Validation
		for _, c := range missing {
			v.Add("invited", fmt.Sprintf("Không có đơn vị %s trong phạm vi của đơn vị tổ chức", c),
				fmt.Sprintf("no unit %s within the organizing unit", c))
		}
		return v.Err()
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM training_session_units WHERE session_id = $1 AND unit_id NOT IN
		(SELECT id FROM units WHERE code = ANY($2))`, id, pq.Array(codes)); err != nil {
		return fmt.Errorf("store: units invited: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO training_session_units (session_id, unit_id)
		SELECT $1, u.id FROM units u WHERE u.code = ANY($2) ON CONFLICT DO NOTHING`, id, pq.Array(codes)); err != nil {
		return fmt.Errorf("store: units invited: %w", err)
	}
	return nil
}

// CreateSession records a training session of round held by unit, with
// its invited units (of unit's subtree), and audits it. The same session
// again (the unit's, not cancelled, with the same title, day, start, place
// and units invited: a form sent twice) is a conflict naming it; the unit's
// creations wait for each other, so that two sent at once make one. The
// same course held at the same hour in another hall, or for other units,
// is another session.
func (s *Store) CreateSession(ctx context.Context, actor domain.Principal, roundID int64, unit domain.Unit, f domain.SessionFields) (domain.TrainingSession, error) {
	var out domain.TrainingSession
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockUnit(ctx, tx, sessionLockKey, unit.ID); err != nil {
			return err
		}
		var same struct {
			ID    int64  `db:"id"`
			Title string `db:"title"`
		}
		err := tx.GetContext(ctx, &same, `SELECT id, title FROM training_sessions WHERE round_id = $1 AND unit_id = $2 AND NOT cancelled
			AND lower(title) = lower($3) AND day = $4 AND start_time IS NOT DISTINCT FROM $5::time AND lower(place) = lower($6)
			AND ARRAY(SELECT u.code FROM training_session_units i JOIN units u ON u.id = i.unit_id
				WHERE i.session_id = training_sessions.id ORDER BY u.code) = ARRAY(SELECT DISTINCT c FROM unnest($7::text[]) AS c ORDER BY c)
			LIMIT 1`, roundID, unit.ID, f.Title, f.Day, f.Start, f.Place, pq.Array(f.Invited))
		switch {
		case err == nil:
			return domain.Conflict(fmt.Sprintf("Đã có buổi tập huấn «%s» ngày %s (số %d): không tạo lại", same.Title, f.Day.VI(), same.ID),
				fmt.Sprintf("the training session “%s” on %s is there already (no. %d): not made again", same.Title, f.Day.String(), same.ID))
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: create session: %w", err)
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO training_sessions (round_id, unit_id, title, day, start_time, place, attended, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			roundID, unit.ID, f.Title, f.Day, f.Start, f.Place, f.Attended, tx.at); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		if err := setInvited(ctx, tx, id, unit.Path, f.Invited); err != nil {
			return err
		}
		if out, err = sessionByID(ctx, tx, id, false); err != nil {
			return err
		}
		return auditRound(ctx, tx, actor, roundID, "session.create", "session", &unit.ID, nil, out.Snapshot(), "")
	})
	return out, err
}

// UpdateSession changes session id if ch.Version is still its version,
// after authorize accepts the session as it is; the same state again
// writes nothing. The change is audited.
func (s *Store) UpdateSession(ctx context.Context, actor domain.Principal, id int64, ch SessionChange, authorize func(domain.TrainingSession) error) (domain.TrainingSession, error) {
	var out domain.TrainingSession
	err := s.inTx(ctx, func(tx *txn) error {
		cur, err := sessionByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authorize(cur); err != nil {
			return err
		}
		if ch.Version != cur.Version {
			return domain.StaleVersion()
		}
		f := ch.Fields
		if f == nil {
			f = &domain.SessionFields{Title: cur.Title, Day: cur.Day, Start: cur.Start, Place: cur.Place, Attended: cur.Attended}
			for _, u := range cur.Invited {
				f.Invited = append(f.Invited, u.Code)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE training_sessions SET title = $2, day = $3, start_time = $4, place = $5,
			attended = $6, cancelled = $7, version = version + 1, updated_at = $8 WHERE id = $1`,
			id, f.Title, f.Day, f.Start, f.Place, f.Attended, ch.Cancelled, tx.at); err != nil {
			return fmt.Errorf("store: update session %d: %w", id, err)
		}
		if err := setInvited(ctx, tx, id, cur.UnitPath, f.Invited); err != nil {
			return err
		}
		if out, err = sessionByID(ctx, tx, id, false); err != nil {
			return err
		}
		if sameSession(cur.Snapshot(), out.Snapshot()) {
			out = cur
			return errNoChange
		}
		action := "session.update"
		if ch.Cancelled && !cur.Cancelled {
			action = "session.cancel"
		}
		var unitID int64
		if err := tx.GetContext(ctx, &unitID, `SELECT unit_id FROM training_sessions WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: session %d: %w", id, err)
		}
		return auditRound(ctx, tx, actor, cur.RoundID, action, "session", &unitID, cur.Snapshot(), out.Snapshot(), "")
	})
	if errors.Is(err, errNoChange) {
		return out, nil
	}
	return out, err
}

// errNoChange rolls back a write that changed nothing.
var errNoChange = errors.New("store: no change")

// sameSession reports whether two snapshots record the same session.
func sameSession(a, b domain.SessionSnapshot) bool {
	eqInt := func(x, y *int) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	if len(a.Invited) != len(b.Invited) {
		return false
	}
	for i := range a.Invited {
		if a.Invited[i] != b.Invited[i] {
			return false
		}
	}
	return a.Title == b.Title && a.Day.Time.Equal(b.Day.Time) && domain.SameClockTime(a.Start, b.Start) &&
		a.Place == b.Place && eqInt(a.Attended, b.Attended) && a.Cancelled == b.Cancelled
}
