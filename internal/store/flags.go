package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// wantFlagsSelect is the flags that should be open, of the units of scope, in round
// $1 on day $2, at-risk days $3, by the rules of the figures
// (migrations/00018_figures.sql): a unit late (congress_late_on), a unit at
// risk (congress_at_risk_on: never a late one), a milestone overdue
// (milestone_overdue_on: not the preparation of a congress already held).
// ended_on is the day the flag's condition would end if it ended now: for
// a resolved flag, the day it did.
func wantFlagsSelect(scope string) string {
	return `SELECT c.unit_id, 'late', NULL::bigint, c.deadline, ''
	FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
	WHERE c.round_id = $1 AND congress_late_on(c.deadline, c.held_date, $2)` + scope + `
	UNION ALL
	SELECT c.unit_id, 'at_risk', NULL, c.deadline,
		CASE WHEN coalesce(c.planned_date, c.held_date) > c.deadline THEN '` + domain.AtRiskPlannedAfterDeadline + `'
			ELSE '` + domain.AtRiskNoPlannedDate + `' END
	FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
	WHERE c.round_id = $1 AND congress_at_risk_on(c.deadline, c.held_date, c.planned_date, $2, $3::int)` + scope + `
	UNION ALL
	SELECT m.unit_id, 'milestone_overdue', m.template_id, d.due, t.code
	FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
	JOIN congresses c ON c.round_id = m.round_id AND c.unit_id = m.unit_id
	JOIN units u ON u.id = m.unit_id AND u.active
	CROSS JOIN LATERAL (SELECT milestone_due(t.due_date, t.due_offset_days, c.planned_date) AS due) d
	WHERE m.round_id = $1 AND milestone_overdue_on(d.due, m.done_on, t.after_congress, c.held_date, $2)` + scope
}

// FlagScope names the units whose flags a refresh brings in line: those
// of the unit at Path, and with Subtree those below it too; every unit of
// the round when Path is "".
type FlagScope struct {
	Path    string
	Subtree bool
}

// sql is the condition on the unit u of a flag for the scope, its path
// the parameter param; "" for every unit.
func (sc FlagScope) sql(param string) string {
	switch {
	case sc.Path == "":
		return ""
	case sc.Subtree:
		return ` AND u.path <@ ` + param + `::ltree`
	}
	return ` AND u.path = ` + param + `::ltree`
}

// flagEndedOn is SQL for the day the condition of the open flag f ended,
// resolved on day $2: the day its unit's congress was held (late, at risk,
// a milestone made moot), the day its milestone was done, the day after
// the deadline of a unit at risk that became late; else $2 (the deadline
// moved, the unit left the tree).
const flagEndedOn = `(SELECT CASE
		WHEN f.kind = 'milestone_overdue' AND congress_held_by(m.done_on, $2) THEN m.done_on
		WHEN congress_held_by(c.held_date, $2) THEN c.held_date
		WHEN f.kind = 'at_risk' AND c.deadline < $2 THEN c.deadline + 1
		ELSE $2 END
	FROM congresses c LEFT JOIN milestones m ON m.round_id = c.round_id AND m.unit_id = c.unit_id AND m.template_id = f.template_id
	WHERE c.round_id = f.round_id AND c.unit_id = f.unit_id)`

// flagMoot is SQL: the condition of the flag f has ended by day $6, in a
// way its unit's own rows tell at once: the congress was held (the unit is
// no longer late or at risk, its preparation no longer overdue) or the
// milestone was done. The listings of open flags leave such flags out
// until the next run of the late flags resolves them; a moved deadline or
// a unit that left the tree waits for that run.
const flagMoot = `EXISTS (SELECT 1 FROM congresses c
		LEFT JOIN milestones m ON m.round_id = c.round_id AND m.unit_id = c.unit_id AND m.template_id = f.template_id
		LEFT JOIN milestone_templates mt ON mt.id = f.template_id
		WHERE c.round_id = f.round_id AND c.unit_id = f.unit_id AND CASE WHEN f.kind = 'milestone_overdue'
			THEN congress_held_by(m.done_on, $6) OR (NOT mt.after_congress AND congress_held_by(c.held_date, $6))
			ELSE congress_held_by(c.held_date, $6) END)`

// sameFlag is SQL: the wanted flag w and the stored flag f are the same flag.
const sameFlag = `w.unit_id = f.unit_id AND w.kind = f.kind AND coalesce(w.template_id, 0) = coalesce(f.template_id, 0)`

// RefreshFlags brings the flags of round in line with the day asOf, in one
// transaction: the flags that should be open are computed set-based, the
// missing ones opened (at now), the open ones no longer true resolved (at
// now, with the day their condition ended), and the rest left alone, so a
// run is idempotent and a flag is never open twice (the unique index
// flags_one_open guards it too). Flags are for lists and history: no figure
// depends on a run.
func (s *Store) RefreshFlags(ctx context.Context, roundID int64, asOf domain.Day, now time.Time, atRiskDays int) (domain.FlagRefresh, error) {
	return s.RefreshFlagsOf(ctx, roundID, FlagScope{}, asOf, now, atRiskDays)
}

// The three steps of a refresh, over the flags wanted in src (a table or a
// CTE with the columns of flags_want), in round $1 on day $2: open the
// wanted flags not open yet, at now; bring the due day and detail of those
// open up to date; resolve, at now, the open flags (of the units scope
// chooses) that are no longer wanted.
func openFlagsSQL(src, now string) string {
	return `INSERT INTO flags (round_id, unit_id, kind, template_id, due_date, detail, opened_at)
		SELECT $1, w.unit_id, w.kind, w.template_id, w.due_date, w.detail, ` + now + ` FROM ` + src + ` w
		WHERE NOT EXISTS (SELECT 1 FROM flags f WHERE f.round_id = $1 AND f.resolved_at IS NULL AND ` + sameFlag + `)
		ORDER BY w.unit_id, w.kind, w.template_id
		ON CONFLICT (round_id, unit_id, kind, (coalesce(template_id, 0))) WHERE resolved_at IS NULL DO NOTHING`
}

func updateFlagsSQL(src string) string {
	return `UPDATE flags f SET due_date = w.due_date, detail = w.detail FROM ` + src + ` w
		WHERE f.round_id = $1 AND f.resolved_at IS NULL AND ` + sameFlag + `
			AND (f.due_date IS DISTINCT FROM w.due_date OR f.detail <> w.detail)`
}

func resolveFlagsSQL(src, now, scope string) string {
	return `UPDATE flags f SET resolved_at = ` + now + `, ended_on = coalesce(` + flagEndedOn + `, $2)
		WHERE f.round_id = $1 AND f.resolved_at IS NULL` + scope + `
			AND NOT EXISTS (SELECT 1 FROM ` + src + ` w WHERE ` + sameFlag + `)`
}

// RefreshFlagsOf is RefreshFlags for the units of scope alone: what a
// change of their deadlines, plans or status makes of their flags is
// listed at once, not at the next run. A scope is refreshed in one
// statement (a status or plan changed through a page runs it: no temporary
// table, whose catalog rows every such write would churn); the whole round
// through a temporary table its statistics are taken of, so that the
// planner sizes the joins over every unit of the tree.
func (s *Store) RefreshFlagsOf(ctx context.Context, roundID int64, scope FlagScope, asOf domain.Day, now time.Time, atRiskDays int) (domain.FlagRefresh, error) {
	if scope.Path != "" {
		return s.refreshScope(ctx, roundID, scope, asOf, now, atRiskDays)
	}
	r := domain.FlagRefresh{Open: map[domain.FlagKind]int{}}
	err := s.inBulkTx(ctx, func(tx *txn) error {
		r = domain.FlagRefresh{Open: map[domain.FlagKind]int{}}
		if _, err := tx.ExecContext(ctx, aggregateSettings); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS pg_temp.flags_want`); err != nil {
			return fmt.Errorf("store: flags: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE flags_want (unit_id bigint NOT NULL, kind text NOT NULL,
			template_id bigint, due_date date, detail text NOT NULL) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("store: flags: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO flags_want (unit_id, kind, template_id, due_date, detail) `+wantFlagsSelect(""),
			roundID, asOf, atRiskDays); err != nil {
			return fmt.Errorf("store: flags to open: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `ANALYZE flags_want`); err != nil {
			return fmt.Errorf("store: flags: %w", err)
		}
		res, err := tx.ExecContext(ctx, openFlagsSQL("flags_want", "$2"), roundID, now)
		if err != nil {
			return fmt.Errorf("store: open flags: %w", err)
		}
		r.Opened = affected(res)
		if res, err = tx.ExecContext(ctx, updateFlagsSQL("flags_want"), roundID); err != nil {
			return fmt.Errorf("store: update flags: %w", err)
		}
		r.Updated = affected(res)
		if res, err = tx.ExecContext(ctx, resolveFlagsSQL("flags_want", "$3", ""), roundID, asOf, now); err != nil {
			return fmt.Errorf("store: resolve flags: %w", err)
		}
		r.Resolved = affected(res)
		var open []struct {
			Kind domain.FlagKind `db:"kind"`
			N    int             `db:"n"`
		}
		if err := tx.SelectContext(ctx, &open, `SELECT kind, count(*) AS n FROM flags_want GROUP BY kind`); err != nil {
			return fmt.Errorf("store: flags: %w", err)
		}
		for _, o := range open {
			r.Open[o.Kind] = o.N
		}
		return nil
	})
	return r, err
}

// refreshScope refreshes the flags of scope in one statement: the three
// steps as CTEs over the wanted flags w. $1 round, $2 the day, $3 the days
// of "at risk", $4 the scope's path, $5 now.
func (s *Store) refreshScope(ctx context.Context, roundID int64, scope FlagScope, asOf domain.Day, now time.Time, atRiskDays int) (domain.FlagRefresh, error) {
	units := ` AND f.unit_id IN (SELECT u.id FROM units u WHERE true` + scope.sql("$4") + `)`
	q := `WITH w (unit_id, kind, template_id, due_date, detail) AS MATERIALIZED (` + wantFlagsSelect(scope.sql("$4")) + `),
		ins AS (` + openFlagsSQL("w", "$5") + ` RETURNING 1),
		upd AS (` + updateFlagsSQL("w") + ` RETURNING 1),
		res AS (` + resolveFlagsSQL("w", "$5", units) + ` RETURNING 1)
		SELECT (SELECT count(*) FROM ins) AS opened, (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM res) AS resolved`
	r := domain.FlagRefresh{Open: map[domain.FlagKind]int{}}
	var n struct {
		Opened   int `db:"opened"`
		Updated  int `db:"updated"`
		Resolved int `db:"resolved"`
	}
	if err := s.db.GetContext(ctx, &n, q, roundID, asOf, atRiskDays, scope.Path, now); err != nil {
		return r, fmt.Errorf("store: flags of %s: %w", scope.Path, err)
	}
	r.Opened, r.Updated, r.Resolved = n.Opened, n.Updated, n.Resolved
	return r, nil
}

// flagArgs are the arguments of the listing of flags in state: today ($6)
// only for the open ones (flagMoot).
func flagArgs(state domain.FlagState, args ...any) []any {
	if state == domain.FlagResolved {
		return args[:len(args)-1]
	}
	return args
}

func affected(res interface{ RowsAffected() (int64, error) }) int {
	n, err := res.RowsAffected()
	if err != nil {
		return 0
	}
	return int(n)
}

// bigSubtree is the number of units below a unit from which a listing of
// the flags of its subtree walks the round's flags in their order (most of
// them are in the subtree) rather than the units of the subtree.
var bigSubtree = 20000

// Flags lists a page of the flags of round on the unit (or its whole
// subtree) in the state of q: open ones the most overdue first, resolved
// ones the most recently resolved first, in the order of an index so that
// a page never sorts them all. Days overdue are counted at today.
func (s *Store) Flags(ctx context.Context, roundID int64, unit domain.Unit, q domain.FlagQuery, today domain.Day) (domain.FlagList, error) {
	s = s.reading(ctx)
	out := domain.FlagList{RoundID: roundID, Unit: domain.UnitRef{Code: unit.Code, Name: unit.Name, Kind: unit.Kind},
		State: q.State, Subtree: q.Subtree, Limit: q.Limit, Offset: q.Offset, Flags: []domain.Flag{}}
	state, order := `f.resolved_at IS NULL AND NOT `+flagMoot, `f.due_date, f.id`
	if q.State == domain.FlagResolved {
		state, order = `f.resolved_at IS NOT NULL`, `f.resolved_at DESC, f.id DESC`
	}
	where, at := `f.unit_id = $2::bigint`, any(unit.ID)
	if q.Subtree {
		var below int
		if err := s.db.GetContext(ctx, &below, `SELECT coalesce(sum(total), 0) FROM rollups_live WHERE round_id = $1 AND unit_id = $2`,
			roundID, unit.ID); err != nil {
			return out, fmt.Errorf("store: flags of %s: %w", unit.Code, err)
		}
		where, at = `u.path <@ $2::ltree`, unit.Path
		if below >= bigSubtree {
			// The same test, in a form the path index cannot serve: the
			// flags are walked in order and their units looked up.
			where = fmt.Sprintf(`subpath(u.path, 0, %d) = $2::ltree`, strings.Count(unit.Path, ".")+1)
		}
	}
	var rows []domain.Flag
	err := s.db.SelectContext(ctx, &rows, `SELECT f.id, f.round_id, u.code AS "unit.code", u.name AS "unit.name", u.kind AS "unit.kind",
			f.kind, f.due_date, f.detail, f.opened_at, f.resolved_at, f.ended_on,
			t.code AS milestone_code, t.name_vi AS milestone_name_vi, t.name_en AS milestone_name_en
		FROM flags f JOIN units u ON u.id = f.unit_id LEFT JOIN milestone_templates t ON t.id = f.template_id
		WHERE f.round_id = $1 AND `+state+` AND `+where+` AND ($3 = '' OR f.kind = $3)
		ORDER BY `+order+` LIMIT $4 OFFSET $5`,
		flagArgs(q.State, roundID, at, string(q.Kind), q.Limit+1, q.Offset, today)...)
	if err != nil {
		return out, fmt.Errorf("store: flags of %s: %w", unit.Code, err)
	}
	if len(rows) > q.Limit {
		rows, out.More = rows[:q.Limit], true
	}
	for _, f := range rows {
		f.Fill(today)
		out.Flags = append(out.Flags, f)
	}
	return out, nil
}
