package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Weekly reports: the facts a report is drawn from as of the week's last
// day (figures from the maintained aggregates, lists set-based over the
// unit's subtree); the stored reports, their subscribers and the outbox of
// their e-mails.

// ReportLists are the lists of a weekly report, each cut at the limit asked
// with its full count.
type ReportLists struct {
	Held         []domain.ReportCongress
	HeldCount    int
	Planned      []domain.ReportCongress
	PlannedCount int
	// Late holds the late units first, then those at risk.
	Late                   []domain.ReportLate
	LateCount, AtRiskCount int
}

// atRiskDetail is SQL for why the congress c is at risk (domain.AtRisk...):
// planned after its deadline (a congress held without a planned date counts
// as planned on its held date, as congress_at_risk_on says), else no
// planned date although the deadline is near.
const atRiskDetail = `CASE WHEN coalesce(c.planned_date, c.held_date) > c.deadline THEN '` + domain.AtRiskPlannedAfterDeadline + `'
	ELSE '` + domain.AtRiskNoPlannedDate + `' END`

// Lists of reportListsSQL.
const (
	listHeld = iota + 1
	listPlanned
	listLate
)

// reportListsSQL reads the three lists of a report in one statement, over
// one walk of the subtree's congresses (s): those at or below the unit $7
// at path $2 in round $1 held from $3 to $4 (held), those not held by $4
// and planned from $5 to $6 (planned), and the units strictly below late or
// at risk on $4 with at-risk days $8 (flagged: congress_late_on,
// congress_at_risk_on). Each list is cut at $9 in its order (i) and
// counted in full (n_...); the names, parents and places
// (unit_place_of) of the units are read for the rows kept only. A national
// report matches some 67,000 congresses and keeps 900.
var reportListsSQL = `WITH s AS MATERIALIZED (
	SELECT c.unit_id, u.path, c.held_date, c.planned_date, c.deadline, c.is_pilot,
		c.held_date BETWEEN $3::date AND $4::date AS held,
		NOT congress_held_by(c.held_date, $4::date) AND c.planned_date BETWEEN $5::date AND $6::date AS planned,
		u.id <> $7 AND congress_late_on(c.deadline, c.held_date, $4::date) AS late,
		u.id <> $7 AND (congress_late_on(c.deadline, c.held_date, $4::date)
			OR congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $4::date, $8::int)) AS flagged
	FROM congresses c JOIN units u ON u.id = c.unit_id
	WHERE c.round_id = $1 AND u.active AND u.path <@ $2::ltree AND (c.held_date BETWEEN $3::date AND $4::date
		OR (NOT congress_held_by(c.held_date, $4::date) AND c.planned_date BETWEEN $5::date AND $6::date)
		OR (u.id <> $7 AND (congress_late_on(c.deadline, c.held_date, $4::date)
			OR congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $4::date, $8::int))))
), t AS (
	(SELECT ` + fmt.Sprint(listHeld) + ` AS list, row_number() OVER (ORDER BY held_date, path) AS i, unit_id, held_date AS date,
		deadline, is_pilot, planned_date, held_date, false AS late
	FROM s WHERE held ORDER BY held_date, path LIMIT $9)
	UNION ALL
	(SELECT ` + fmt.Sprint(listPlanned) + `, row_number() OVER (ORDER BY planned_date, path), unit_id, planned_date,
		deadline, is_pilot, planned_date, held_date, false
	FROM s WHERE planned ORDER BY planned_date, path LIMIT $9)
	UNION ALL
	(SELECT ` + fmt.Sprint(listLate) + `, row_number() OVER (ORDER BY late DESC, deadline, path), unit_id, NULL,
		deadline, is_pilot, planned_date, held_date, late
	FROM s WHERE flagged ORDER BY late DESC, deadline, path LIMIT $9)
), n AS (
	SELECT count(*) FILTER (WHERE held) AS n_held, count(*) FILTER (WHERE planned) AS n_planned,
		count(*) FILTER (WHERE late) AS n_late, count(*) FILTER (WHERE flagged) AS n_flagged
	FROM s
)
SELECT c.list, u.code, u.name, u.kind, coalesce(p.name, '') AS parent, pl.place, c.date, c.deadline, c.is_pilot, c.planned_date,
	CASE WHEN c.late THEN 'late' ELSE 'at_risk' END AS flag,
	CASE WHEN c.late THEN '' ELSE ` + atRiskDetail + ` END AS detail,
	n.n_held, n.n_planned, n.n_late, n.n_flagged
FROM t c JOIN units u ON u.id = c.unit_id LEFT JOIN units p ON p.id = u.parent_id CROSS JOIN n
CROSS JOIN LATERAL unit_place_of(u.path, nlevel($2::ltree)) pl
ORDER BY c.list, c.i`

// ReportLists reads the congresses at or below unit held from from to to,
// those not held by to and planned from nextFrom to nextTo, and the units
// strictly below late or at risk on to (congress_late_on,
// congress_at_risk_on with atRiskDays), at most limit of each, in one
// statement (reportListsSQL).
func (s *Store) ReportLists(ctx context.Context, roundID int64, unit domain.Unit, from, to, nextFrom, nextTo domain.Day, atRiskDays, limit int) (ReportLists, error) {
	var rows []struct {
		List int `db:"list"`
		domain.UnitRef
		Parent      string          `db:"parent"`
		Place       domain.Place    `db:"place"`
		Date        *domain.Day     `db:"date"`
		Deadline    *domain.Day     `db:"deadline"`
		IsPilot     bool            `db:"is_pilot"`
		PlannedDate *domain.Day     `db:"planned_date"`
		Flag        domain.FlagKind `db:"flag"`
		Detail      string          `db:"detail"`
		NHeld       int             `db:"n_held"`
		NPlanned    int             `db:"n_planned"`
		NLate       int             `db:"n_late"`
		NFlagged    int             `db:"n_flagged"`
	}
	out := ReportLists{Held: []domain.ReportCongress{}, Planned: []domain.ReportCongress{}, Late: []domain.ReportLate{}}
	if err := s.db.SelectContext(ctx, &rows, reportListsSQL,
		roundID, unit.Path, from, to, nextFrom, nextTo, unit.ID, atRiskDays, limit); err != nil {
		return out, fmt.Errorf("store: lists of the report of %s: %w", unit.Code, err)
	}
	for _, r := range rows {
		out.HeldCount, out.PlannedCount, out.LateCount, out.AtRiskCount = r.NHeld, r.NPlanned, r.NLate, r.NFlagged-r.NLate
		switch r.List {
		case listHeld, listPlanned:
			c := domain.ReportCongress{UnitRef: r.UnitRef, Parent: r.Parent, Place: r.Place, Date: *r.Date, Deadline: r.Deadline, IsPilot: r.IsPilot}
			if r.List == listHeld {
				out.Held = append(out.Held, c)
			} else {
				out.Planned = append(out.Planned, c)
			}
		case listLate:
			out.Late = append(out.Late, domain.ReportLate{UnitRef: r.UnitRef, Parent: r.Parent, Place: r.Place, Flag: r.Flag,
				Deadline: *r.Deadline, PlannedDate: r.PlannedDate, DetailCode: r.Detail})
		}
	}
	return out, nil
}

// CellSeries is how many cells below one unit (itself included when it is
// one) had held their congress on each of a list of days, and how many
// there are.
type CellSeries struct {
	Held  []int
	Total int
}

// cellsHeldOnDays counts the units of kinds $3 held on the days $4 below
// each unit directly under the unit $2 in round $1 (CellsHeldOnDays). It is
// prepared: its plan reads the children by parent and their maintained
// figures by key whatever their number, one plan for every unit. The
// arguments of held_below_on are columns of a subquery (k) that the planner
// keeps apart (OFFSET 0): held_below_on is inlined into the statement (a
// function called with a subquery among its arguments plans its own
// statement at every call), and a plan made for one unit's values is no
// cheaper than the generic one, which the plan cache then keeps.
var cellsHeldOnDays = prepare(`WITH d AS (
		SELECT day, i FROM unnest($4::date[]) WITH ORDINALITY AS d(day, i)
	), k AS (
		SELECT ARRAY(SELECT id FROM units WHERE parent_id = $2 AND active) AS ids, $3::text[] AS kinds, $4::date[] AS days
		OFFSET 0
	), x AS (
		SELECT h.unit_id, h.day, h.held, h.total
		FROM k CROSS JOIN LATERAL held_below_on($1, k.ids, k.kinds, k.days) h
		UNION ALL
		SELECT u.id, d.day, congress_held_by(c.held_date, d.day)::int, 1
		FROM units u JOIN congresses c ON c.round_id = $1 AND c.unit_id = u.id CROSS JOIN d
		WHERE u.parent_id = $2 AND u.active AND u.kind = ANY($3)
	)
	SELECT x.unit_id, d.i, sum(x.held)::int AS held, sum(x.total)::int AS total
	FROM x JOIN d ON d.day = x.day
	GROUP BY x.unit_id, d.i`)

// CellsHeldOnDays counts, for every unit directly below unit, the active
// units of kinds below it (itself included) held by each of days, from the
// maintained figures (held_below_on) and the unit's own congress.
func (s *Store) CellsHeldOnDays(ctx context.Context, roundID int64, unit domain.Unit, kinds []string, days []domain.Day) (map[int64]CellSeries, error) {
	var rows []struct {
		UnitID int64 `db:"unit_id"`
		I      int   `db:"i"`
		Held   int   `db:"held"`
		Total  int   `db:"total"`
	}
	list := make([]string, len(days))
	for i, d := range days {
		list[i] = d.String()
	}
	if err := s.selectRows(ctx, &rows, cellsHeldOnDays, roundID, unit.ID, pq.Array(kinds), pq.Array(list)); err != nil {
		return nil, fmt.Errorf("store: cells held below the units under %s: %w", unit.Code, err)
	}
	out := map[int64]CellSeries{}
	for _, r := range rows {
		c, ok := out[r.UnitID]
		if !ok {
			c.Held = make([]int, len(days))
		}
		c.Held[r.I-1], c.Total = r.Held, r.Total
		out[r.UnitID] = c
	}
	return out, nil
}

// StoredReport is a weekly report as stored.
type StoredReport struct {
	ID         int64           `db:"id"`
	UnitID     int64           `db:"unit_id"`
	RoundID    int64           `db:"round_id"`
	Week       string          `db:"week"`
	WeekStart  domain.Day      `db:"week_start"`
	MadeAt     time.Time       `db:"made_at"`
	MadeBy     string          `db:"made_by"`
	NothingNew bool            `db:"nothing_new"`
	Content    json.RawMessage `db:"content"`
}

// SaveResult says what SaveWeeklyReport did.
type SaveResult struct {
	ID int64
	// Written: the report was stored (new, or replaced when forced).
	Written bool
	// Replaced: an earlier report of the unit and week was replaced.
	Replaced bool
	// Mails counts the e-mails queued for its subscribers.
	Mails int
}

// The statements of SaveWeeklyReport that the weekly job runs for each of
// its reports are prepared: each reads by key (the report of a unit and
// week), one plan for every unit. The replace and the insert say whether
// the unit has subscribers: the e-mails are queued only then.
var (
	reportLock    = prepare(`SELECT id FROM weekly_reports WHERE unit_id = $1 AND week = $2 FOR UPDATE`)
	reportReplace = prepare(`UPDATE weekly_reports SET round_id = $2, made_at = $3, made_by = $4, nothing_new = $5, content = $6
		WHERE id = $1
		RETURNING id, EXISTS (SELECT 1 FROM report_subscriptions s WHERE s.unit_id = weekly_reports.unit_id) AS subscribed`)
	reportInsert = prepare(`INSERT INTO weekly_reports (unit_id, round_id, week, week_start, made_at, made_by, nothing_new, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id, EXISTS (SELECT 1 FROM report_subscriptions s WHERE s.unit_id = $1) AS subscribed`)
)

// SaveWeeklyReport stores report r of unit (its RoundID, Week, WeekStart,
// MadeAt, NothingNew and Content) unless one is stored for the unit and
// week already (then it is left as it was, unless force replaces it), and,
// when mail is set, for a report stored with something new, queues one
// e-mail to each subscriber of the unit with a board or supervisor role
// covering it and an e-mail address, due at now, in the same transaction.
func (s *Store) SaveWeeklyReport(ctx context.Context, actor domain.Principal, unit domain.Unit, r StoredReport, force, mail bool, now time.Time) (SaveResult, error) {
	var res SaveResult
	err := s.inTx(ctx, func(tx *txn) error {
		res = SaveResult{}
		// The row lock below takes nothing while the week's report does not
		// exist yet: two writers would both insert it.
		if err := lockUnit(ctx, tx, reportLockKey, unit.ID); err != nil {
			return err
		}
		var old sql.NullInt64
		if err := tx.getPrepared(ctx, &old, reportLock, unit.ID, r.Week); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: report %s %s: %w", unit.Code, r.Week, err)
		}
		var saved struct {
			ID         int64 `db:"id"`
			Subscribed bool  `db:"subscribed"`
		}
		switch {
		case old.Valid && !force:
			res.ID = old.Int64
			return nil
		case old.Valid:
			res.Replaced = true
			if err := tx.getPrepared(ctx, &saved, reportReplace, old.Int64, r.RoundID, r.MadeAt, actor.User.Username, r.NothingNew, r.Content); err != nil {
				return fmt.Errorf("store: report %s %s: %w", unit.Code, r.Week, err)
			}
		default:
			if err := tx.getPrepared(ctx, &saved, reportInsert,
				unit.ID, r.RoundID, r.Week, r.WeekStart, r.MadeAt, actor.User.Username, r.NothingNew, r.Content); err != nil {
				return fmt.Errorf("store: report %s %s: %w", unit.Code, r.Week, err)
			}
		}
		res.ID, res.Written = saved.ID, true
		if mail && !r.NothingNew && saved.Subscribed {
			q, err := tx.ExecContext(ctx, `INSERT INTO report_mails (report_id, user_id, email, lang, next_attempt_at)
				SELECT $1, u.id, u.email, u.lang, $3 FROM report_subscriptions s JOIN users u ON u.id = s.user_id
				WHERE s.unit_id = $2 AND u.active AND u.email <> '' AND EXISTS (
					SELECT 1 FROM user_grants ra JOIN units g ON g.id = ra.unit_id
					WHERE ra.user_id = u.id AND ra.role IN ('board', 'supervisor') AND $4::ltree <@ g.path)
				ON CONFLICT (report_id, user_id) DO NOTHING`, res.ID, unit.ID, now, unit.Path)
			if err != nil {
				return fmt.Errorf("store: report %s %s: queue e-mails: %w", unit.Code, r.Week, err)
			}
			res.Mails = affected(q)
		}
		after := map[string]any{"week": r.Week, "nothing_new": r.NothingNew, "mails": res.Mails, "replaced": res.Replaced}
		return auditRound(ctx, tx, actor, r.RoundID, "report.weekly", "weekly_report", &unit.ID, nil, after, "")
	})
	return res, err
}

// WeeklyReport returns the stored report of the unit for week.
func (s *Store) WeeklyReport(ctx context.Context, unitID int64, week string) (StoredReport, error) {
	s = s.reading(ctx)
	var r StoredReport
	err := s.db.GetContext(ctx, &r, `SELECT id, unit_id, round_id, week, week_start, made_at, made_by, nothing_new, content
		FROM weekly_reports WHERE unit_id = $1 AND week = $2`, unitID, week)
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound(domain.Text{VI: "báo cáo tuần", EN: "weekly report"}, week)
	}
	if err != nil {
		return r, fmt.Errorf("store: report %s: %w", week, err)
	}
	return r, nil
}

// ReportSummary is a stored report in a unit's archive: its week and
// headline figures (as stored, JSON), without the rest of its content.
type ReportSummary struct {
	Week       string          `db:"week"`
	WeekStart  domain.Day      `db:"week_start"`
	MadeAt     time.Time       `db:"made_at"`
	MadeBy     string          `db:"made_by"`
	NothingNew bool            `db:"nothing_new"`
	HeldInWeek int             `db:"held_in_week"`
	Headline   json.RawMessage `db:"headline"`
}

// WeeklyReports lists the stored reports of the unit, the latest week
// first, at most limit.
func (s *Store) WeeklyReports(ctx context.Context, unitID int64, limit int) ([]ReportSummary, error) {
	s = s.reading(ctx)
	out := []ReportSummary{}
	if err := s.db.SelectContext(ctx, &out, `SELECT week, week_start, made_at, made_by, nothing_new,
			coalesce((content->>'held_in_week_count')::int, 0) AS held_in_week, content->'headline' AS headline
		FROM weekly_reports WHERE unit_id = $1 ORDER BY week_start DESC LIMIT $2`, unitID, limit); err != nil {
		return nil, fmt.Errorf("store: reports of unit %d: %w", unitID, err)
	}
	return out, nil
}

// UnitsToReport lists the active units of kinds and those with
// subscribers, in the tree's order: the units the weekly job reports on.
func (s *Store) UnitsToReport(ctx context.Context, kinds []string) ([]domain.Unit, error) {
	out := []domain.Unit{}
	if err := s.db.SelectContext(ctx, &out, unitSelect+`WHERE u.active AND (u.kind = ANY($1)
		OR EXISTS (SELECT 1 FROM report_subscriptions rs WHERE rs.unit_id = u.id)) ORDER BY u.path`, pq.Array(kinds)); err != nil {
		return nil, fmt.Errorf("store: units to report on: %w", err)
	}
	return out, nil
}

// SetReportSubscription subscribes the user to the unit's weekly report
// (on) or ends it, recorded in the audit log; doing it twice changes
// nothing more.
func (s *Store) SetReportSubscription(ctx context.Context, actor domain.Principal, userID int64, unit domain.Unit, on bool) error {
	return s.inTx(ctx, func(tx *txn) error {
		q := `DELETE FROM report_subscriptions WHERE user_id = $1 AND unit_id = $2`
		action := "report.unsubscribe"
		if on {
			q = `INSERT INTO report_subscriptions (user_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
			action = "report.subscribe"
		}
		res, err := tx.ExecContext(ctx, q, userID, unit.ID)
		if err != nil {
			return fmt.Errorf("store: subscription to %s: %w", unit.Code, err)
		}
		if affected(res) == 0 {
			return nil
		}
		return audit(ctx, tx, actor, action, "report_subscription", &unit.ID, nil, map[string]any{"user_id": userID}, "")
	})
}

// ReportSubscribed reports whether the user gets the unit's report.
func (s *Store) ReportSubscribed(ctx context.Context, userID, unitID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM report_subscriptions WHERE user_id = $1 AND unit_id = $2)`, userID, unitID)
	if err != nil {
		return false, fmt.Errorf("store: subscription: %w", err)
	}
	return ok, nil
}

const reportMailSelect = `SELECT m.id, m.report_id, r.unit_id, usr.username, m.email, m.lang, m.status, m.attempts,
	m.next_attempt_at, m.last_error, m.sent_at, r.week, un.code AS unit_code
FROM report_mails m JOIN weekly_reports r ON r.id = m.report_id JOIN users usr ON usr.id = m.user_id
JOIN units un ON un.id = r.unit_id `

// DueReportMails lists the pending e-mails due by now, the oldest first.
func (s *Store) DueReportMails(ctx context.Context, now time.Time, limit int) ([]domain.ReportMail, error) {
	out := []domain.ReportMail{}
	if err := s.db.SelectContext(ctx, &out, reportMailSelect+`WHERE m.status = 'pending' AND m.next_attempt_at <= $1
		ORDER BY m.next_attempt_at, m.id LIMIT $2`, now, limit); err != nil {
		return nil, fmt.Errorf("store: e-mails due: %w", err)
	}
	return out, nil
}

// ReportMailsOf lists the e-mails of the unit's report of week.
func (s *Store) ReportMailsOf(ctx context.Context, unitID int64, week string) ([]domain.ReportMail, error) {
	out := []domain.ReportMail{}
	if err := s.db.SelectContext(ctx, &out, reportMailSelect+`WHERE r.unit_id = $1 AND r.week = $2 ORDER BY usr.username`, unitID, week); err != nil {
		return nil, fmt.Errorf("store: e-mails of report %s: %w", week, err)
	}
	return out, nil
}

// ReportMailSent records a delivered e-mail.
func (s *Store) ReportMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.mailSent(ctx, "report_mails", id, at)
}

// ReportMailFailed records a failed attempt: retried at next, or failed
// for good when next is nil.
func (s *Store) ReportMailFailed(ctx context.Context, id int64, next *time.Time, reason string) error {
	return s.mailFailed(ctx, "report_mails", id, next, reason)
}

// mailSent records the delivery of the e-mail id of the outbox table (report_mails, reminder_mails).
func (s *Store) mailSent(ctx context.Context, table string, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE `+table+` SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = ''
		WHERE id = $1`, id, at); err != nil {
		return fmt.Errorf("store: e-mail %d sent: %w", id, err)
	}
	return nil
}

// mailFailed records a failed attempt of the e-mail id of the outbox
// table: retried at next, or failed for good when next is nil.
func (s *Store) mailFailed(ctx context.Context, table string, id int64, next *time.Time, reason string) error {
	status := "pending"
	if next == nil {
		status = "failed"
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE `+table+` SET status = $2, attempts = attempts + 1,
			next_attempt_at = coalesce($3, next_attempt_at), last_error = $4 WHERE id = $1`, id, status, next, reason); err != nil {
		return fmt.Errorf("store: e-mail %d failed: %w", id, err)
	}
	return nil
}

// MailsByState counts the e-mails waiting, sent and given up by state
// (pending, sent, failed; every state, zero included): the weekly reports'
// and the daily reminders', in one statement.
func (s *Store) MailsByState(ctx context.Context) (reports, reminders map[string]int, err error) {
	var rows []struct {
		Queue  string `db:"queue"`
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT 'reports' AS queue, st.status, count(m.id) AS n
		FROM unnest(ARRAY['pending', 'sent', 'failed']) AS st(status)
		LEFT JOIN report_mails m ON m.status = st.status GROUP BY st.status
		UNION ALL
		SELECT 'reminders', st.status, count(m.id)
		FROM unnest(ARRAY['pending', 'sent', 'failed']) AS st(status)
		LEFT JOIN reminder_mails m ON m.status = st.status GROUP BY st.status`); err != nil {
		return nil, nil, fmt.Errorf("store: e-mails by state: %w", err)
	}
	reports, reminders = map[string]int{}, map[string]int{}
	for _, r := range rows {
		if r.Queue == "reports" {
			reports[r.Status] = r.N
		} else {
			reminders[r.Status] = r.N
		}
	}
	return reports, reminders, nil
}
