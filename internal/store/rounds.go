package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// ensureRoundRows gives every active unit of the subtree at subtreePath
// ("" for the whole tree) its congress in round, with the deadline in force
// from the rules (marked missing papers as papersMissing says), and the
// milestones of its kind, when it does not have them yet. It is set-based
// (two INSERT ... SELECT), leaves existing rows alone (call
// refreshDeadlines after a move) and leaves the rollups alone: the caller
// adjusts or recomputes them.
func ensureRoundRows(ctx context.Context, tx *txn, roundID int64, subtreePath string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO congresses (round_id, unit_id, deadline, papers_missing)
		SELECT $1, u.id, `+bestRuleDeadline+`, `+papersMissing("$1", "u.id", "u.kind")+` FROM units u
		WHERE u.active AND ($2 = '' OR u.path <@ $2::ltree)
		ON CONFLICT (round_id, unit_id) DO NOTHING`, roundID, subtreePath)
	if err != nil {
		return fmt.Errorf("store: congresses of round %d: %w", roundID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO milestones (round_id, unit_id, template_id)
		SELECT $1, u.id, t.id FROM units u JOIN milestone_templates t ON t.kind = u.kind
		WHERE u.active AND ($2 = '' OR u.path <@ $2::ltree)
		ON CONFLICT (round_id, unit_id, template_id) DO NOTHING`, roundID, subtreePath)
	if err != nil {
		return fmt.Errorf("store: milestones of round %d: %w", roundID, err)
	}
	return nil
}

// bestRuleDeadline is SQL for the deadline of the best rule of round $1 for
// the unit u: same kind; category NULL or the unit's; scope NULL or an
// ancestor-or-self of the unit; the deepest scope first, then a category
// rule over a general one. NULL when none matches. The one definition of the
// rule: domain.BestDeadlineRule is its test oracle, checked against it on
// the demo and on generated trees.
const bestRuleDeadline = `(SELECT dr.deadline FROM deadline_rules dr LEFT JOIN units s ON s.id = dr.scope_unit_id
	WHERE dr.round_id = $1 AND dr.kind = u.kind AND (dr.category IS NULL OR dr.category = u.category)
		AND (dr.scope_unit_id IS NULL OR s.path @> u.path)
	ORDER BY coalesce(nlevel(s.path), 0) DESC, (dr.category IS NOT NULL) DESC LIMIT 1)`

// refreshDeadlines recomputes, in one statement, the deadline in force of
// every congress of round in the subtree at subtreePath ("" for the whole
// tree): the unit's override, else the best matching rule (same kind;
// category NULL or the unit's; scope NULL or an ancestor-or-self of the
// unit), the deepest scope first, then a category rule over a general one
// (bestRuleDeadline; domain.BestDeadlineRule is its test oracle). Only rows
// whose deadline changes are written. With deltas, what the new deadlines
// change in the figure events goes to the rollups above each unit, in the
// same statement (set-based: every changed congress, ancestor and day at
// once); without, the caller shifts the rollups itself (a move).
func refreshDeadlines(ctx context.Context, tx *txn, roundID int64, subtreePath string, deltas bool) error {
	_, err := tx.ExecContext(ctx, `WITH x AS (
			SELECT c.unit_id, c.deadline AS old, coalesce(c.deadline_override, `+bestRuleDeadline+`) AS deadline
			FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND ($2 = '' OR u.path <@ $2::ltree)
		), upd AS (
			UPDATE congresses c SET deadline = x.deadline
			FROM x WHERE c.round_id = $1 AND c.unit_id = x.unit_id AND c.deadline IS DISTINCT FROM x.deadline
			RETURNING c.unit_id, x.old, c.deadline, c.held_date, c.planned_date, c.papers_missing
		), ch AS (
			SELECT a.id::bigint AS unit_id, min(a.n) AS n, u.kind, e.day, `+eventSums("1")+`
			FROM upd JOIN units u ON u.id = upd.unit_id AND u.active
			CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) WITH ORDINALITY AS a(id, n)
			CROSS JOIN LATERAL congress_figure_change(upd.old, upd.held_date, upd.planned_date, upd.papers_missing,
				upd.deadline, upd.held_date, upd.planned_date, upd.papers_missing) AS e
			WHERE $3 AND nlevel(u.path) > 1
			GROUP BY a.id, u.kind, e.day
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, `+figureColumns+`)
		SELECT $1, ch.unit_id, ch.kind, ch.day, `+deltaShard+`, `+list("ch.", figureCols, asIs)+`
		FROM ch ORDER BY ch.n, ch.unit_id, ch.kind, ch.day`+addDeltas,
		roundID, subtreePath, deltas)
	if err != nil {
		return fmt.Errorf("store: refresh deadlines of round %d: %w", roundID, err)
	}
	return nil
}

// refreshDeadlineOf is refreshDeadlines for the congress of one unit,
// without deltas: the status update that calls it adds its whole change.
func refreshDeadlineOf(ctx context.Context, tx *txn, roundID, unitID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE congresses c SET deadline = x.deadline
		FROM (SELECT coalesce(c.deadline_override, `+bestRuleDeadline+`) AS deadline
			FROM congresses c JOIN units u ON u.id = c.unit_id WHERE c.round_id = $1 AND c.unit_id = $2) AS x
		WHERE c.round_id = $1 AND c.unit_id = $2 AND c.deadline IS DISTINCT FROM x.deadline`, roundID, unitID)
	if err != nil {
		return fmt.Errorf("store: refresh the deadline of unit %d in round %d: %w", unitID, roundID, err)
	}
	return nil
}

// syncChildrenHeld ticks or unticks the auto milestone 'children_held' of
// every unit strictly above the unit at path in round, from the rollups: it
// is done, on the held date of the last unit below, when every active unit
// below has held its congress (and there is at least one), and not done
// otherwise. Tree changes call it when a unit below appears, disappears or
// moves (a status update does the same in its own statements: see
// writeCongress). It takes the units' completion locks, root first, then
// reads the rollups afresh.
func syncChildrenHeld(ctx context.Context, tx *txn, roundID int64, path string) error {
	var above []int64
	for _, label := range strings.Split(parentOf(path), ".") {
		if id, err := strconv.ParseInt(label, 10, 64); err == nil {
			above = append(above, id)
		}
	}
	if len(above) == 0 {
		return nil
	}
	if _, err := tx.execPrepared(ctx, lockCompletionSQL, completionLockKey, pq.Array(above)); err != nil {
		return fmt.Errorf("store: lock units above %s: %w", path, err)
	}
	var want []childrenHeldWant
	if err := tx.selectPrepared(ctx, &want, childrenHeldSQL, roundID, pq.Array(above), 0); err != nil {
		return fmt.Errorf("store: children held: %w", err)
	}
	return setChildrenHeld(ctx, tx, roundID, want)
}

// lockCompletionSQL takes the completion locks ($1) of the units with ids
// in $2, in their order.
var lockCompletionSQL = prepare(`SELECT count(pg_advisory_xact_lock($1, x::int))
	FROM unnest($2::bigint[]) WITH ORDINALITY AS y(x, n)`)

// childrenHeldSQL is childrenHeldCTEs as a statement.
var childrenHeldSQL = prepare(`WITH ` + childrenHeldCTEs("$1", `SELECT x.id, $3::int AS d FROM unnest($2::bigint[]) AS x(id)`) +
	` SELECT id, done_on FROM wrong`)

// completionLockKey is the first key of the advisory locks that serialise,
// per unit (the second key), the writers of its 'children_held' milestone.
const completionLockKey = 7_100_003

// childrenHeldCTEs is SQL (a WITH list without its WITH) whose last table,
// wrong, holds the units of below in round whose 'children_held' milestone
// is not what it should be, with the day it should be done on (NULL: not
// done), counting d more units below each held than the rollups say. below
// is a query of rows (id, d). Each unit's rollup is read by its key (a
// lateral read): these statements are prepared once and run on a generic
// plan, which must not read every delta of the round however many have
// been added since housekeeping last folded them. The last held date below
// a complete unit is looked up unit by unit (primary key): a subtree is
// small, and a join could scan the round.
func childrenHeldCTEs(round, below string) string {
	return `b AS (` + below + `), st AS (
		SELECT u.id, u.path, coalesce(ro.total, 0) AS total, coalesce(ro.held, 0) + b.d AS held
		FROM b JOIN units u ON u.id = b.id LEFT JOIN LATERAL (
			SELECT sum(total) AS total, sum(held) AS held FROM rollups_live
			WHERE round_id = ` + round + ` AND unit_id = u.id
		) ro ON true
	), w AS MATERIALIZED (
		SELECT st.id, CASE WHEN st.total > 0 AND st.total = st.held THEN (
			SELECT max((SELECT c.held_date FROM congresses c WHERE c.round_id = ` + round + ` AND c.unit_id = bu.id))
			FROM units bu WHERE bu.active AND bu.path <@ st.path AND bu.id <> st.id) END AS done_on
		FROM st
	), wrong AS (
		SELECT w.id, w.done_on FROM w JOIN milestones m ON m.round_id = ` + round + ` AND m.unit_id = w.id
		JOIN milestone_templates t ON t.id = m.template_id AND t.auto = 'children_held'
		WHERE m.done_on IS DISTINCT FROM w.done_on
	)`
}

// childrenHeldWant is a row of childrenHeldCTEs.
type childrenHeldWant struct {
	ID     int64       `db:"id"`
	DoneOn *domain.Day `db:"done_on"`
}

// setChildrenHeldSQL writes the 'children_held' milestones of the units $2
// in round $1 as done on $3 (NULL: not done).
var setChildrenHeldSQL = prepare(`UPDATE milestones m SET done_on = w.done_on,
		done_at = CASE WHEN w.done_on IS NULL THEN NULL ELSE $4::timestamptz END, done_by = NULL
	FROM unnest($2::bigint[], $3::date[]) AS w(id, done_on), milestone_templates t
	WHERE m.round_id = $1 AND m.unit_id = w.id AND m.template_id = t.id AND t.auto = 'children_held'
		AND m.done_on IS DISTINCT FROM w.done_on`)

// setChildrenHeld writes the 'children_held' milestones that childrenHeldCTEs
// found wrong, by primary key: a status update must not scan the round's
// milestones. Usually there are none.
func setChildrenHeld(ctx context.Context, tx *txn, roundID int64, want []childrenHeldWant) error {
	if len(want) == 0 {
		return nil
	}
	ids := make([]int64, len(want))
	days := make([]sql.NullString, len(want))
	for i, w := range want {
		ids[i] = w.ID
		if w.DoneOn != nil {
			days[i] = sql.NullString{String: w.DoneOn.String(), Valid: true}
		}
	}
	if _, err := tx.execPrepared(ctx, setChildrenHeldSQL, roundID, pq.Array(ids), pq.Array(days), tx.at); err != nil {
		return fmt.Errorf("store: children held milestones: %w", err)
	}
	return nil
}

// NewRound is a round to create: validated, with each rule's scope given by
// the code of its unit ("" for the whole tree).
type NewRound struct {
	Name      string
	Documents []string
	StartDate domain.Day
	Current   bool
	Rules     []domain.DeadlineRule
}

// CreateRound creates a round with its deadline rules, gives every active
// unit its congress and milestones in it (set-based), computes the
// deadlines in force and the rollups, and makes it current when asked.
func (s *Store) CreateRound(ctx context.Context, actor domain.Principal, in NewRound) (domain.RoundDetail, error) {
	var id int64
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO rounds (name, documents, start_date) VALUES ($1, $2, $3) RETURNING id`,
			in.Name, pq.Array(in.Documents), in.StartDate); err != nil {
			return fmt.Errorf("store: create round: %w", err)
		}
		for i, r := range in.Rules {
			res, err := tx.ExecContext(ctx, `INSERT INTO deadline_rules (round_id, scope_unit_id, kind, category, deadline)
				SELECT $1, u.id, $3, $4, $5 FROM (SELECT 1) AS one LEFT JOIN units u ON u.code = $2
				WHERE $2 = '' OR u.id IS NOT NULL`, id, r.ScopeCode, r.Kind, nullIfEmpty(r.Category), r.Deadline)
			if pqCode(err) == pqUniqueViolation {
				return domain.Invalid(fmt.Sprintf("deadlines[%d].kind", i), "Trùng với một quy định khác", "same rule as another one")
			}
			if err != nil {
				return fmt.Errorf("store: deadline rule: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return domain.Invalid(fmt.Sprintf("deadlines[%d].scope_code", i), fmt.Sprintf("Không tìm thấy đơn vị %s", r.ScopeCode),
					fmt.Sprintf("unit %s not found", r.ScopeCode))
			}
		}
		if err := ensureRoundRows(ctx, tx, id, ""); err != nil {
			return err
		}
		if err := recomputeRollups(ctx, tx, id); err != nil {
			return err
		}
		if in.Current {
			if err := setCurrentRound(ctx, tx, id); err != nil {
				return err
			}
		}
		after := map[string]any{"name": in.Name, "documents": in.Documents, "start_date": in.StartDate, "current": in.Current, "deadlines": in.Rules}
		return auditRound(ctx, tx, actor, id, "round.create", "round", nil, nil, after, "")
	})
	if err != nil {
		return domain.RoundDetail{}, err
	}
	return s.Round(ctx, id)
}

func setCurrentRound(ctx context.Context, tx *txn, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE rounds SET is_current = false WHERE is_current AND id <> $1`, id); err != nil {
		return fmt.Errorf("store: unset current round: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE rounds SET is_current = true WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: set current round: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound(domain.RoundText, strconv.FormatInt(id, 10))
	}
	return nil
}

// SetCurrentRound makes the round with id the current one.
func (s *Store) SetCurrentRound(ctx context.Context, actor domain.Principal, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		if err := setCurrentRound(ctx, tx, id); err != nil {
			return err
		}
		return auditRound(ctx, tx, actor, id, "round.current", "round", nil, nil, map[string]any{"current": true}, "")
	})
}

type roundRow struct {
	ID        int64          `db:"id"`
	Name      string         `db:"name"`
	Documents pq.StringArray `db:"documents"`
	StartDate domain.Day     `db:"start_date"`
	IsCurrent bool           `db:"is_current"`
	CreatedAt sql.NullTime   `db:"created_at"`
}

func (r roundRow) detail() domain.RoundDetail {
	docs := []string(r.Documents)
	if docs == nil {
		docs = []string{}
	}
	return domain.RoundDetail{ID: r.ID, Name: r.Name, Documents: docs, StartDate: r.StartDate,
		IsCurrent: r.IsCurrent, CreatedAt: r.CreatedAt.Time}
}

const roundSelect = `SELECT id, name, documents, start_date, is_current, created_at FROM rounds `

// Rounds lists every round, the newest first.
func (s *Store) Rounds(ctx context.Context) ([]domain.RoundDetail, error) {
	var rows []roundRow
	if err := s.db.SelectContext(ctx, &rows, roundSelect+`ORDER BY start_date DESC, id DESC`); err != nil {
		return nil, fmt.Errorf("store: rounds: %w", err)
	}
	out := make([]domain.RoundDetail, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.detail())
	}
	return out, nil
}

// Round returns the round with id and its deadline rules.
func (s *Store) Round(ctx context.Context, id int64) (domain.RoundDetail, error) {
	var r roundRow
	err := s.db.GetContext(ctx, &r, roundSelect+`WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.RoundDetail{}, domain.NotFound(domain.RoundText, strconv.FormatInt(id, 10))
	}
	if err != nil {
		return domain.RoundDetail{}, fmt.Errorf("store: round %d: %w", id, err)
	}
	d := r.detail()
	if d.Deadlines, err = s.DeadlineRules(ctx, id); err != nil {
		return d, err
	}
	return d, nil
}

var currentRoundSQL = prepare(`SELECT id FROM rounds WHERE is_current`)

// CurrentRoundID returns the id of the current round, or a not-found error
// when no round is current.
func (s *Store) CurrentRoundID(ctx context.Context) (int64, error) {
	var id int64
	err := s.get(ctx, &id, currentRoundSQL)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.NoCurrentRound()
	}
	if err != nil {
		return 0, fmt.Errorf("store: current round: %w", err)
	}
	return id, nil
}

// RoundSpan returns the span of the days that make sense in the round with
// id: its start and the latest deadline of its rules (not found when there
// is no such round).
func (s *Store) RoundSpan(ctx context.Context, id int64) (domain.RoundSpan, error) {
	var row struct {
		Start domain.Day  `db:"start_date"`
		Last  *domain.Day `db:"last_deadline"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT r.start_date,
		(SELECT max(dr.deadline) FROM deadline_rules dr WHERE dr.round_id = r.id) AS last_deadline
		FROM rounds r WHERE r.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.RoundSpan{}, domain.NotFound(domain.RoundText, strconv.FormatInt(id, 10))
	}
	if err != nil {
		return domain.RoundSpan{}, fmt.Errorf("store: round %d: %w", id, err)
	}
	return domain.RoundSpan{Start: row.Start, LastDeadline: row.Last}, nil
}

// RoundStart returns the start date of the round with id (not found when there is none).
func (s *Store) RoundStart(ctx context.Context, id int64) (domain.Day, error) {
	var d domain.Day
	err := s.db.GetContext(ctx, &d, `SELECT start_date FROM rounds WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return d, domain.NotFound(domain.RoundText, strconv.FormatInt(id, 10))
	}
	if err != nil {
		return d, fmt.Errorf("store: round %d: %w", id, err)
	}
	return d, nil
}

const ruleSelect = `SELECT r.id, r.round_id, coalesce(s.code, '') AS scope_code, coalesce(s.name, '') AS scope_name,
	coalesce(s.path::text, '') AS scope_path, r.kind, coalesce(r.category, '') AS category, r.deadline, r.version
FROM deadline_rules r LEFT JOIN units s ON s.id = r.scope_unit_id `

// DeadlineRules lists the deadline rules of round, whole-tree rules first,
// then by depth of scope, kind and category.
func (s *Store) DeadlineRules(ctx context.Context, roundID int64) ([]domain.DeadlineRule, error) {
	out := []domain.DeadlineRule{}
	err := s.db.SelectContext(ctx, &out, ruleSelect+`JOIN unit_kinds k ON k.code = r.kind WHERE r.round_id = $1
		ORDER BY coalesce(nlevel(s.path), 0), s.path, k.sort_order, r.category NULLS FIRST`, roundID)
	if err != nil {
		return nil, fmt.Errorf("store: deadline rules: %w", err)
	}
	return out, nil
}

// RootPaths returns the paths of the active units at the root of the tree.
func (s *Store) RootPaths(ctx context.Context) ([]string, error) {
	var out []string
	if err := s.db.SelectContext(ctx, &out, `SELECT path::text FROM units WHERE parent_id IS NULL AND active ORDER BY path`); err != nil {
		return nil, fmt.Errorf("store: roots: %w", err)
	}
	return out, nil
}
