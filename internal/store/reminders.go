package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// reminderItemsSQL lists, for round $1 on day $2, the lines of every daily
// reminder at once (domain.ReminderItem), for the active users with an
// e-mail address who did not turn reminders off:
//   - to each secretary, of the active units of her subtree: the milestones
//     not done due from $2 to $2 + $3 days (not moot), the units late
//     (congress_late_on), the congresses being prepared without a planned
//     date; of the units directly below her unit, the approvals waiting for
//     her committee; and the approvals given to her own unit (by the
//     committee above) since $4;
//   - to each member of a working group named to attend a congress, the
//     congresses not held planned from $2 to $2 + $3 days.
const reminderItemsSQL = `WITH rcpt AS (
	SELECT id, username, email, lang FROM users WHERE active AND reminders AND email <> ''
), sec AS (
	SELECT DISTINCT r.id AS user_id, u.id AS unit_id, u.path
	FROM rcpt r JOIN role_assignments ra ON ra.user_id = r.id AND ra.role = 'secretary'
	JOIN units u ON u.id = ra.unit_id AND u.active
), mine AS (
	SELECT DISTINCT sec.user_id, x.id AS unit_id, x.code, x.name, x.path, c.status, c.deadline, c.planned_date, c.held_date
	FROM sec JOIN units x ON x.path <@ sec.path AND x.active
	JOIN congresses c ON c.round_id = $1 AND c.unit_id = x.id
), items AS (
	SELECT m.user_id, 'due' AS section, m.code, m.name, m.path, t.seq, t.name_vi, t.name_en,
		milestone_due(t.due_date, t.due_offset_days, m.planned_date) AS day, NULL::time AS start_time, '' AS place
	FROM mine m JOIN milestones ms ON ms.round_id = $1 AND ms.unit_id = m.unit_id
	JOIN milestone_templates t ON t.id = ms.template_id
	WHERE ms.done_on IS NULL AND NOT milestone_moot_on(ms.done_on, t.after_congress, m.held_date, $2::date)
		AND milestone_due(t.due_date, t.due_offset_days, m.planned_date) BETWEEN $2::date AND $2::date + $3::int
	UNION ALL
	SELECT m.user_id, 'late', m.code, m.name, m.path, 0, '', '', m.deadline, NULL, ''
	FROM mine m WHERE congress_late_on(m.deadline, m.held_date, $2::date)
	UNION ALL
	SELECT m.user_id, 'no_date', m.code, m.name, m.path, 0, '', '', NULL, NULL, ''
	FROM mine m WHERE m.status IN ('preparing', 'plan_approved') AND m.planned_date IS NULL
	UNION ALL
	SELECT sec.user_id, 'approve', x.code, x.name, x.path, t.seq, t.name_vi, t.name_en,
		milestone_due(t.due_date, t.due_offset_days, c.planned_date), NULL, ''
	FROM sec JOIN units x ON x.parent_id = sec.unit_id AND x.active
	JOIN congresses c ON c.round_id = $1 AND c.unit_id = x.id AND c.status IN ('preparing', 'plan_approved')
	JOIN milestones ms ON ms.round_id = $1 AND ms.unit_id = x.id AND ms.done_on IS NULL
	JOIN milestone_templates t ON t.id = ms.template_id AND t.requires_approval
	UNION ALL
	SELECT sec.user_id, 'approved', x.code, x.name, x.path, t.seq, t.name_vi, t.name_en, ms.done_on, NULL, ''
	FROM sec JOIN units x ON x.id = sec.unit_id
	JOIN milestones ms ON ms.round_id = $1 AND ms.unit_id = sec.unit_id AND ms.done_at >= $4
	JOIN milestone_templates t ON t.id = ms.template_id AND t.requires_approval
	UNION ALL
	SELECT r.id, 'attend', x.code, x.name, x.path, 0, '', '', c.planned_date, c.planned_time, c.place
	FROM rcpt r JOIN congress_attendees ca ON ca.user_id = r.id AND ca.round_id = $1
	JOIN congresses c ON c.round_id = ca.round_id AND c.unit_id = ca.unit_id AND c.held_date IS NULL
	JOIN units x ON x.id = ca.unit_id AND x.active
	WHERE c.planned_date BETWEEN $2::date AND $2::date + $3::int
)
SELECT DISTINCT i.user_id, r.username, r.email, r.lang, i.section, i.code AS unit_code, i.name AS unit_name,
	i.name_vi AS "what.vi", i.name_en AS "what.en", i.day, i.start_time, i.place, i.path, i.seq
FROM items i JOIN rcpt r ON r.id = i.user_id
ORDER BY i.user_id, i.section, i.day NULLS LAST, i.path, i.seq`

// ReminderItems lists the lines of the daily reminders of round on today
// (see reminderItemsSQL): what is due within days, and the approvals given
// since since.
func (s *Store) ReminderItems(ctx context.Context, roundID int64, today domain.Day, days int, since time.Time) ([]domain.ReminderItem, error) {
	var rows []struct {
		domain.ReminderItem
		Path string `db:"path"`
		Seq  int    `db:"seq"`
	}
	if err := s.db.SelectContext(ctx, &rows, reminderItemsSQL, roundID, today, days, since); err != nil {
		return nil, fmt.Errorf("store: reminders: %w", err)
	}
	out := make([]domain.ReminderItem, len(rows))
	for i, r := range rows {
		out[i] = r.ReminderItem
	}
	return out, nil
}

// QueueReminders queues the reminder e-mails of day, due at now, in one
// statement: at most one per user and day, so a second run of the day (in
// any process) queues nothing more. It returns how many were queued.
func (s *Store) QueueReminders(ctx context.Context, day domain.Day, mails []domain.ReminderMail, now time.Time) (int, error) {
	if len(mails) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(mails))
	emails, langs, subjects, bodies := make([]string, len(mails)), make([]string, len(mails)), make([]string, len(mails)), make([]string, len(mails))
	for i, m := range mails {
		ids[i], emails[i], langs[i], subjects[i], bodies[i] = m.UserID, m.Email, m.Lang, m.Subject, m.Body
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO reminder_mails (user_id, day, kind, email, lang, subject, body, next_attempt_at)
		SELECT u, $1, 'digest', e, l, s, b, $7 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(u, e, l, s, b)
		ON CONFLICT (user_id, day, kind) DO NOTHING`,
		day, pq.Array(ids), pq.Array(emails), pq.Array(langs), pq.Array(subjects), pq.Array(bodies), now)
	if err != nil {
		return 0, fmt.Errorf("store: queue reminders: %w", err)
	}
	return affected(res), nil
}

// ClaimReminderMails takes up to limit pending reminder e-mails due by now
// for this sender: each is put off by hold, so that another process
// sending at the same time skips it (and takes it again after hold if this
// one stopped before recording the outcome).
func (s *Store) ClaimReminderMails(ctx context.Context, now time.Time, hold time.Duration, limit int) ([]domain.QueuedMail, error) {
	out := []domain.QueuedMail{}
	if err := s.db.SelectContext(ctx, &out, `UPDATE reminder_mails m SET next_attempt_at = $2
		FROM (SELECT id FROM reminder_mails WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) d
		WHERE m.id = d.id
		RETURNING m.id, m.email, m.lang, m.subject, m.body, m.attempts`, now, now.Add(hold), limit); err != nil {
		return nil, fmt.Errorf("store: reminder e-mails due: %w", err)
	}
	return out, nil
}

// ReminderMailSent records a delivered reminder.
func (s *Store) ReminderMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.mailSent(ctx, "reminder_mails", id, at)
}

// ReminderMailFailed records a failed attempt: retried at next, or failed
// for good when next is nil.
func (s *Store) ReminderMailFailed(ctx context.Context, id int64, next *time.Time, reason string) error {
	return s.mailFailed(ctx, "reminder_mails", id, next, reason)
}
