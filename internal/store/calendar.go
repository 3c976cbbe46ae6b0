package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// calendarSQL lists the events of round $1 within the subtrees at $2
// (ltree[]) from $3 to $4, of kind $5 (” for both), within the subtrees of
// the units working group $8 follows (0: any unit): the congresses planned
// or held on those days (cancelled: a closed unit's planned congress, and a
// plan whose day was cleared, on that day), and the training sessions held
// by a unit of the subtrees or inviting one (held once their day is by $7
// and their attendance recorded). Each row counts the events of the range
// (total) and of its day (day_total). It lists the first $6 of them, or,
// when there are more and $9 > 0, the first $9 of each day.
const calendarSQL = `SELECT * FROM (
	SELECT e.*, row_number() OVER (PARTITION BY day ORDER BY start_time NULLS FIRST, kind, unit_path, key) AS nth,
		count(*) OVER (PARTITION BY day) AS day_total, count(*) OVER () AS total
	FROM (

	SELECT 'congress-' || c.round_id || '-' || c.unit_id AS key, 'congress' AS kind,
		u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind, u.path::text AS unit_path,
		coalesce(pu.name, '') AS parent_name, u.name AS title,
		coalesce(c.held_date, c.planned_date, c.withdrawn_date) AS day,
		CASE WHEN c.held_date IS NULL THEN c.planned_time END AS start_time, c.place,
		CASE WHEN c.held_date IS NOT NULL THEN 'held' WHEN NOT u.active OR c.planned_date IS NULL THEN 'cancelled'
			ELSE 'planned' END AS status,
		c.is_pilot AS pilot, 0 AS invited, NULL::integer AS attended, c.version AS sequence, c.updated_at
	FROM congresses c JOIN units u ON u.id = c.unit_id LEFT JOIN units pu ON pu.id = u.parent_id
	WHERE c.round_id = $1 AND u.path <@ $2::ltree[] AND $5 IN ('', 'congress')
		AND coalesce(c.held_date, c.planned_date, c.withdrawn_date) BETWEEN $3::date AND $4::date
		AND ($8::bigint = 0 OR EXISTS (SELECT 1 FROM work_group_units a JOIN units au ON au.id = a.unit_id
			WHERE a.group_id = $8 AND a.round_id = c.round_id AND u.path <@ au.path))
	UNION ALL
	SELECT 'session-' || s.id, 'session', u.code, u.name, u.kind, u.path::text, '', s.title, s.day, s.start_time, s.place,
		CASE WHEN s.cancelled THEN 'cancelled' WHEN s.day <= $7::date AND s.attended IS NOT NULL THEN 'held' ELSE 'planned' END,
		false, (SELECT count(*) FROM training_session_units tu WHERE tu.session_id = s.id)::integer, s.attended, s.version, s.updated_at
	FROM training_sessions s JOIN units u ON u.id = s.unit_id
	WHERE s.round_id = $1 AND $5 IN ('', 'session') AND s.day BETWEEN $3::date AND $4::date
		AND (u.path <@ $2::ltree[] OR EXISTS (SELECT 1 FROM training_session_units tu JOIN units iu ON iu.id = tu.unit_id
			WHERE tu.session_id = s.id AND iu.path <@ $2::ltree[]))
		AND ($8::bigint = 0 OR EXISTS (SELECT 1 FROM training_session_units tu JOIN units iu ON iu.id = tu.unit_id
			JOIN work_group_units a ON a.group_id = $8 AND a.round_id = s.round_id JOIN units au ON au.id = a.unit_id
			WHERE tu.session_id = s.id AND iu.path <@ au.path))
) e
) r WHERE $9::integer = 0 OR r.total <= $6 OR r.nth <= $9
ORDER BY day, start_time NULLS FIRST, kind, unit_path, key LIMIT $6`

// CalendarSlice is what CalendarEvents lists of a range, and how many
// events the range and each of its days have.
type CalendarSlice struct {
	Events []domain.CalendarEvent
	// Total counts the events of the range, listed or not.
	Total int
	// DayTotals counts the events, listed or not, of each day with an event
	// listed, by day (YYYY-MM-DD).
	DayTotals map[string]int
	// PerDay is not 0 when the events were too many to list: each day
	// lists its first PerDay.
	PerDay int
}

// CalendarEvents lists the events of round within the subtrees at roots
// (their paths) for q, day by day (see calendarSQL); sessions are held when
// their day is by today and their attendance recorded. It lists at most
// limit; when the range holds more and perDay > 0, it lists the first
// perDay of each day instead (in one query; a day's order is the order of
// the list).
func (s *Store) CalendarEvents(ctx context.Context, roundID int64, roots []string, q domain.CalendarQuery, today domain.Day, limit, perDay int) (CalendarSlice, error) {
	var rows []struct {
		domain.CalendarEvent
		Nth      int `db:"nth"`
		DayTotal int `db:"day_total"`
		Total    int `db:"total"`
	}
	if err := s.db.SelectContext(ctx, &rows, calendarSQL, roundID, pq.Array(roots), q.From, q.To, string(q.Kind), limit, today, q.Group, max(perDay, 0)); err != nil {
		return CalendarSlice{}, fmt.Errorf("store: calendar: %w", err)
	}
	out := CalendarSlice{Events: make([]domain.CalendarEvent, len(rows)), DayTotals: map[string]int{}}
	for i, r := range rows {
		out.Events[i] = r.CalendarEvent
		out.Total = r.Total
		out.DayTotals[r.Day.String()] = r.DayTotal
	}
	if perDay > 0 && out.Total > limit {
		out.PerDay = perDay
	}
	return out, nil
}

// presenceSQL lists who is expected at the congresses of round $1 of the
// units with codes $2: the secretaries of each unit at its own congress and
// at those of the units directly below it (a ward's secretary guides her
// cells' congresses), and the members of working groups named to attend.
const presenceSQL = `SELECT DISTINCT usr.id AS user_id, usr.username, usr.full_name,
		'congress-' || $1::bigint || '-' || x.id AS event_key,
		CASE WHEN ra.unit_id = x.id THEN 'own' ELSE 'below' END AS why
	FROM units x JOIN role_assignments ra ON ra.role = 'secretary' AND (ra.unit_id = x.id OR ra.unit_id = x.parent_id)
	JOIN users usr ON usr.id = ra.user_id AND usr.active
	WHERE x.code = ANY($2)
	UNION
	SELECT usr.id, usr.username, usr.full_name, 'congress-' || $1::bigint || '-' || x.id, 'attend'
	FROM units x JOIN congress_attendees ca ON ca.round_id = $1 AND ca.unit_id = x.id
	JOIN users usr ON usr.id = ca.user_id AND usr.active
	WHERE x.code = ANY($2)`

// Presences lists who is expected at the congresses of round of the units
// with codes (see presenceSQL), in one query.
func (s *Store) Presences(ctx context.Context, roundID int64, codes []string) ([]domain.Presence, error) {
	out := []domain.Presence{}
	if len(codes) == 0 {
		return out, nil
	}
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM (`+presenceSQL+`) p ORDER BY username, event_key`, roundID, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("store: presences: %w", err)
	}
	return out, nil
}
