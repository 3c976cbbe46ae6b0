package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// The rollups hold, for a unit, a round and a kind, the active units of that
// kind strictly below the unit that have a congress in the round (total)
// and how many of them have held it (held): what a status update needs to
// know of the units below (is everything below held?). rollup_days hold the
// figures of any day: the events of congress_figure_events summed per unit,
// kind and day (see migrations/00018_figures.sql for the math), from which
// figures_below reads held by, late on and at risk on any day. Every change
// that adds, removes, moves, holds or re-plans a unit, or moves a deadline,
// keeps both current in its own transaction, so that reads of progress never
// wait for a job; the consistency check recomputes them from scratch.
//
// Those changes add to rollup_deltas, not to the rows: one delta row per
// unit, kind, day and shard, the shard being drawn by each statement (one
// of 32), so that concurrent holds below one district do not queue on the
// rows of the nation, the province and the district. Readers read a row
// plus its deltas (rollups_live, figures_below). The consistency check and
// housekeeping fold the deltas into both tables (summed over the days into
// rollups, by day into rollup_days), under lockRollups.

// deltaShard is SQL for the shard of rollup_deltas a statement writes: one
// of 32, drawn once per statement.
const deltaShard = `(SELECT floor(random() * 32)::smallint)`

// ancestorsOf is SQL for the ids of the units strictly above the unit whose
// ltree path is the parameter path (e.g. "$2"): the labels of the path but
// the last one, as an array computed from the parameter alone, so that a
// condition "unit_id = ANY(ancestorsOf(...))" reaches tables by key.
func ancestorsOf(path string) string {
	return `string_to_array(ltree2text(subpath(` + path + `::ltree, 0, nlevel(` + path + `::ltree) - 1)), '.')::bigint[]`
}

// figureColumns are the counts of rollup_deltas and rollup_days, in the
// order congress_figure_events returns them.
const figureColumns = `total, held, late, risk_after, risk_nodate, due`

// changeDeltasSQL is the statement adding to the rollups of every unit
// above the units of changes, in round, for their kinds, what the changes
// of their congresses change in their figure events
// (congress_figure_change), summed per unit, kind and day: nothing when
// nothing that counts changed. changes is a table with the columns path,
// kind, was_deadline, was_held, was_planned, deadline, held_date and
// planned_date; round is SQL (a parameter). Rows are locked root first,
// then by unit, kind and day: the order in which every writer locks them.
func changeDeltasSQL(round, changes string) string {
	sums := make([]string, 0, 6)
	nonzero := make([]string, 0, 6)
	for _, c := range strings.Split(figureColumns, ", ") {
		sums = append(sums, `sum(ch.`+c+`)::int`)
		nonzero = append(nonzero, `sum(ch.`+c+`) <> 0`)
	}
	return `INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, ` + figureColumns + `)
		SELECT ` + round + `, a.id, x.kind, ch.day, ` + deltaShard + `, ` + strings.Join(sums, ", ") + `
		FROM ` + changes + ` AS x CROSS JOIN LATERAL unnest(` + ancestorsOf("x.path") + `) WITH ORDINALITY AS a(id, n)
		CROSS JOIN LATERAL congress_figure_change(x.was_deadline, x.was_held, x.was_planned, x.deadline, x.held_date, x.planned_date) AS ch
		GROUP BY a.n, a.id, x.kind, ch.day
		HAVING ` + strings.Join(nonzero, " OR ") + `
		ORDER BY a.n, a.id, x.kind, ch.day` + addDeltas
}

// addDeltas is SQL ending an INSERT INTO rollup_deltas AS d: same key, add.
const addDeltas = ` ON CONFLICT (round_id, unit_id, kind, day, shard) DO UPDATE
	SET total = d.total + EXCLUDED.total, held = d.held + EXCLUDED.held, late = d.late + EXCLUDED.late,
		risk_after = d.risk_after + EXCLUDED.risk_after, risk_nodate = d.risk_nodate + EXCLUDED.risk_nodate,
		due = d.due + EXCLUDED.due`

// eventSums is SQL summing the events e of congress_figure_events, times
// the SQL sign, into the columns figureColumns.
func eventSums(sign string) string {
	var b strings.Builder
	for i, c := range strings.Split(figureColumns, ", ") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sign + ` * sum(e.` + c + `)::int AS ` + c)
	}
	return b.String()
}

// nearComplete is SQL for how many units below a unit may still be to hold
// (as a transaction sees them) for a hold to possibly complete it: the
// server's max_connections, more than the holds that can be in flight at
// once, each in a transaction of its own connection (see writeCongress).
const nearComplete = `current_setting('max_connections')::int`

// nearCompleteSQL is SQL (a subquery) taking, root first, the completion
// locks (key: the parameter key) of the units in round above the units of
// changes with at most nearComplete units below them not held, before or
// after the changes below them hold theirs, and returning their ids.
// changes is a table with the columns unit_id, path, d (how many more units
// the change holds: 1, -1 or 0) and completes (whether it may change the
// completion of the units above: false leaves them out).
//
// It walks up from each unit's parent and stops at the first unit that is
// not near completion: a unit has at least as many units below it not held
// as any unit below it, so none above can be. The rollups of the nation and
// the provinces, which every hold writes, are read only near the very end.
func nearCompleteSQL(round, changes, key string) string {
	open := func(unit string) string {
		return `(SELECT coalesce(sum(total - held), 0) FROM rollups_live WHERE round_id = ` + round + ` AND unit_id = ` + unit + `)`
	}
	near := `least(up.open, up.open - up.d) <= ` + nearComplete
	return `WITH RECURSIVE chain AS (
			SELECT a.id, a.n, lag(a.id) OVER (PARTITION BY x.unit_id ORDER BY a.n) AS parent, x.d,
				a.n = nlevel(x.path::ltree) - 1 AS bottom
			FROM ` + changes + ` AS x CROSS JOIN LATERAL unnest(` + ancestorsOf("x.path") + `) WITH ORDINALITY AS a(id, n)
			WHERE x.completes
		), anc AS (
			SELECT id, n, parent, sum(d)::int AS d, bool_or(bottom) AS bottom FROM chain GROUP BY id, n, parent
		), up AS (
			SELECT anc.id, anc.n, anc.parent, anc.d, ` + open("anc.id") + ` AS open FROM anc WHERE anc.bottom
			UNION
			SELECT anc.id, anc.n, anc.parent, anc.d, ` + open("anc.id") + ` FROM up JOIN anc ON anc.id = up.parent WHERE ` + near + `
		), near AS MATERIALIZED (
			SELECT DISTINCT up.id, up.n FROM up WHERE ` + near + ` ORDER BY up.n, up.id
		)
		SELECT id FROM near WHERE pg_advisory_xact_lock(` + key + `, id::int) IS NOT NULL ORDER BY n, id`
}

// shiftRollups adds (sign 1) or removes (sign -1) the active units of the
// subtree at subtreePath, the unit at its top included, in every round
// where they have a congress, to or from the rollups of the units whose ids
// are the labels of ancestorsPath (all of them: "1.7" is units 1 and 7; ""
// is none), with the figure events of their congresses as they stand. A
// move removes a subtree from its old ancestors before it moves and adds it
// to the new ones after; a merge removes the merged unit; a create adds the
// new unit. One statement for every round, kind and day.
func shiftRollups(ctx context.Context, tx *txn, subtreePath, ancestorsPath string, sign int) error {
	if ancestorsPath == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH s AS (
			SELECT c.round_id, u.kind, e.day, `+eventSums("$3")+`
			FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
			CROSS JOIN LATERAL congress_figure_events(c.deadline, c.held_date, c.planned_date) AS e
			WHERE u.path <@ $1::ltree GROUP BY c.round_id, u.kind, e.day
		), a AS (
			SELECT x::bigint AS unit_id, n FROM unnest(string_to_array($2, '.')) WITH ORDINALITY AS y(x, n)
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, `+figureColumns+`)
		SELECT s.round_id, a.unit_id, s.kind, s.day, `+deltaShard+`, s.total, s.held, s.late, s.risk_after, s.risk_nodate, s.due
		FROM s CROSS JOIN a
		ORDER BY a.n, s.round_id, s.kind, s.day`+addDeltas,
		subtreePath, ancestorsPath, sign)
	if err != nil {
		return fmt.Errorf("store: shift rollups: %w", err)
	}
	return nil
}

// addUnitsToRollups adds each of the units with ids (by itself, not its
// subtree) to the rollups of the units above it, in every round where it has
// a congress: the units an import created. One statement.
func addUnitsToRollups(ctx context.Context, tx *txn, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH s AS (
			SELECT c.round_id, a::bigint AS unit_id, min(n) AS n, u.kind, e.day, `+eventSums("1")+`
			FROM units u JOIN congresses c ON c.unit_id = u.id
			CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) WITH ORDINALITY AS x(a, n)
			CROSS JOIN LATERAL congress_figure_events(c.deadline, c.held_date, c.planned_date) AS e
			WHERE u.id = ANY($1::bigint[]) AND u.active
			GROUP BY c.round_id, a, u.kind, e.day
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, `+figureColumns+`)
		SELECT s.round_id, s.unit_id, s.kind, s.day, `+deltaShard+`, s.total, s.held, s.late, s.risk_after, s.risk_nodate, s.due
		FROM s ORDER BY s.n, s.unit_id, s.round_id, s.kind, s.day`+addDeltas,
		pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: add units to rollups: %w", err)
	}
	return nil
}

// lockRollups makes the writers of rollups and their deltas wait until the
// transaction ends (readers go on) and folds the deltas into the rows: into
// rollups summed over the days, into rollup_days by day. A recompute takes
// it first; the tables are locked in this order by everyone who locks them.
func lockRollups(ctx context.Context, tx *txn) error {
	if _, err := tx.ExecContext(ctx, `LOCK TABLE rollup_deltas, rollups, rollup_days IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("store: lock rollups: %w", err)
	}
	// The rows change by what their deltas add up to; a unit and kind (and
	// day) with deltas and no row gets one. A count of rollups that would go
	// out of bounds is drift, kept within them here and repaired by the
	// consistency check.
	_, err := tx.ExecContext(ctx, `WITH d AS (
			DELETE FROM rollup_deltas RETURNING round_id, unit_id, kind, day, `+figureColumns+`
		), s AS (
			SELECT round_id, unit_id, kind, sum(total)::int AS t, sum(held)::int AS h
			FROM d GROUP BY round_id, unit_id, kind
		), up AS (
			UPDATE rollups r SET total = greatest(r.total + s.t, 0),
				held = least(greatest(r.held + s.h, 0), greatest(r.total + s.t, 0))
			FROM s WHERE r.round_id = s.round_id AND r.unit_id = s.unit_id AND r.kind = s.kind
			RETURNING r.round_id, r.unit_id, r.kind
		), ins AS (
			INSERT INTO rollups (round_id, unit_id, kind, total, held)
			SELECT s.round_id, s.unit_id, s.kind, greatest(s.t, 0), least(greatest(s.h, 0), greatest(s.t, 0)) FROM s
			WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.round_id = s.round_id AND up.unit_id = s.unit_id AND up.kind = s.kind)
		)
		INSERT INTO rollup_days AS r (round_id, unit_id, kind, day, `+figureColumns+`)
		SELECT round_id, unit_id, kind, day, sum(total), sum(held), sum(late), sum(risk_after), sum(risk_nodate), sum(due)
		FROM d GROUP BY round_id, unit_id, kind, day
		ON CONFLICT (round_id, unit_id, kind, day) DO UPDATE
		SET total = r.total + EXCLUDED.total, held = r.held + EXCLUDED.held, late = r.late + EXCLUDED.late,
			risk_after = r.risk_after + EXCLUDED.risk_after, risk_nodate = r.risk_nodate + EXCLUDED.risk_nodate,
			due = r.due + EXCLUDED.due`)
	if err != nil {
		return fmt.Errorf("store: fold rollup deltas: %w", err)
	}
	return nil
}

// FoldRollupDeltas folds the deltas of the rollups into their rows, so that
// reads sum few of them; housekeeping runs it.
func (s *Store) FoldRollupDeltas(ctx context.Context) error {
	return s.inBulkTx(ctx, func(tx *txn) error { return lockRollups(ctx, tx) })
}

// aggregateWorkMem is the work_mem of the transactions that aggregate a
// whole round: the hash of ~50,000 parents of a national tree fits in it.
const aggregateWorkMem = `SET LOCAL work_mem = '64MB'`

// aggregateBelow fills the temporary table rollup_agg with, for every unit
// with active units below it in round, and each kind of them, how many
// active units of that kind there are strictly below it and how many have
// held their congress, bottom-up: the congresses of the active units are
// aggregated once into their parents (one pass, like the floor), then the
// much smaller parent aggregates are rolled up one level at a time (see
// rollUp). A unit and kind may have several rows (one per level they came
// from): sum them.
func aggregateBelow(ctx context.Context, tx *txn, roundID int64) error {
	if err := emptyTempTable(ctx, tx, "rollup_agg", `unit_id bigint NOT NULL, level int NOT NULL,
		kind text NOT NULL, total int NOT NULL, held int NOT NULL`); err != nil {
		return fmt.Errorf("store: aggregate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rollup_agg
		SELECT u.parent_id, 0, u.kind, count(*), count(c.held_date)
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.parent_id IS NOT NULL
		GROUP BY u.parent_id, u.kind`, roundID); err != nil {
		return fmt.Errorf("store: aggregate into parents: %w", err)
	}
	return rollUp(ctx, tx, "rollup_agg", "kind", "total, held", "")
}

// emptyTempTable makes sure the transaction's session has the temporary
// table name with columns, and that it is empty. The table stays with the
// session and its rows go at commit (ON COMMIT DELETE ROWS): creating and
// dropping it in every recompute would write the catalog, and a
// transaction that drops a table waits at commit for its log to reach the
// disk even when it wrote nothing else. Empty it first all the same, for a
// transaction that aggregates twice.
func emptyTempTable(ctx context.Context, tx *txn, name, columns string) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+name+` (`+columns+`) ON COMMIT DELETE ROWS`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM pg_temp.`+name)
	return err
}

// rollUp adds to the temporary table (unit_id, level, keys..., sums...),
// which holds the aggregates of level 0 (each unit's into its parent), the
// same aggregates one level up at a time: each level's rows summed into
// their units' parents, until no row has a parent (a loop over the levels
// of the tree, not over units). having, when not empty, keeps only the
// groups for which it holds.
//
// The parents come from the index units_parents (the parent of every unit
// but the cells, which have none below them), or from units for a unit it
// does not hold, looked up apart from the others: with one expression
// choosing between the two, the planner evaluated it around the hash join
// (on a copy of the national tree, 200–280 ms for level 0 instead of about
// 50). Level 0 (every row of the
// table, about 43,000 on a national tree) reads the whole index into a
// hash; the levels above it,
// a few thousand rows together, are kept apart in table_up until the end,
// so that each level reads only them and looks their parents up one by
// one.
func rollUp(ctx context.Context, tx *txn, table, keys, sums, having string) error {
	up := table + "_up"
	if err := emptyTempTable(ctx, tx, up, `LIKE pg_temp.`+table); err != nil {
		return fmt.Errorf("store: aggregate %s: %w", table, err)
	}
	var sel strings.Builder
	for _, c := range strings.Split(sums, ", ") {
		sel.WriteString(`, sum(a.` + c + `)`)
	}
	aKeys := `a.` + strings.ReplaceAll(keys, ", ", ", a.")
	if having != "" {
		having = ` HAVING ` + having
	}
	query := func(from, where string) string {
		return `INSERT INTO ` + up + ` (unit_id, level, ` + keys + `, ` + sums + `)
			WITH j AS MATERIALIZED (
				SELECT a.*, m.id AS indexed, m.parent_id AS indexed_parent FROM ` + from + ` a
				LEFT JOIN (SELECT id, parent_id FROM units WHERE ` + parentsIndexed + `) m ON m.id = a.unit_id
				WHERE ` + where + `)
			SELECT a.parent_id, $1::int + 1, ` + aKeys + sel.String() + `
			FROM (SELECT j.indexed_parent AS parent_id, j.* FROM j WHERE j.indexed IS NOT NULL
				UNION ALL
				SELECT u.parent_id, j.* FROM j JOIN units u ON u.id = j.unit_id WHERE j.indexed IS NULL) a
			WHERE a.parent_id IS NOT NULL
			GROUP BY a.parent_id, ` + aKeys + having
	}
	first, above := query(table, `true`), query(up, `a.level = $1`)
	for level := 0; ; level++ {
		q := above
		if level == 0 {
			q = first
		}
		res, err := tx.ExecContext(ctx, q, level)
		if err != nil {
			return fmt.Errorf("store: aggregate %s level %d: %w", table, level+1, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` SELECT * FROM `+up); err != nil {
		return fmt.Errorf("store: aggregate %s: %w", table, err)
	}
	return nil
}

// parentsIndexed is SQL: the condition of the partial index units_parents
// (migrations/00027_units_parents.sql) on units, which a query states to
// read the index.
const parentsIndexed = `kind <> 'cell'`

// nonZeroSums is SQL: a group of events e counts for something.
const nonZeroSums = `sum(e.total) <> 0 OR sum(e.held) <> 0 OR sum(e.late) <> 0 OR sum(e.risk_after) <> 0
	OR sum(e.risk_nodate) <> 0 OR sum(e.due) <> 0`

// aggregateDaysBelow is aggregateBelow for rollup_days: it fills the
// temporary table day_agg with the figure events of the congresses of the
// active units strictly below every unit of round, per kind and day.
func aggregateDaysBelow(ctx context.Context, tx *txn, roundID int64) error {
	if err := emptyTempTable(ctx, tx, "day_agg", `unit_id bigint NOT NULL, level int NOT NULL,
		kind text NOT NULL, day date NOT NULL, total int NOT NULL, held int NOT NULL, late int NOT NULL,
		risk_after int NOT NULL, risk_nodate int NOT NULL, due int NOT NULL`); err != nil {
		return fmt.Errorf("store: aggregate days: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO day_agg
		SELECT u.parent_id, 0, u.kind, e.day, `+eventSums("1")+`
		FROM congresses c JOIN units u ON u.id = c.unit_id
		CROSS JOIN LATERAL congress_figure_events(c.deadline, c.held_date, c.planned_date) AS e
		WHERE c.round_id = $1 AND u.active AND u.parent_id IS NOT NULL
		GROUP BY u.parent_id, u.kind, e.day
		HAVING `+nonZeroSums+``, roundID); err != nil {
		return fmt.Errorf("store: aggregate days into parents: %w", err)
	}
	return rollUp(ctx, tx, "day_agg", "kind, day", figureColumns, strings.ReplaceAll(nonZeroSums, "(e.", "(a."))
}

// recomputeRollups recomputes every rollup of round (rollups and
// rollup_days) from the congresses of the active units and writes the rows
// that differ. The writers of rollups wait meanwhile, so that no change is
// lost between the count and the write.
func recomputeRollups(ctx context.Context, tx *txn, roundID int64) error {
	_, err := syncRollups(ctx, tx, roundID, true)
	return err
}

// syncRollups is recomputeRollups, returning the drift it fixed; rollup_days
// only when days.
func syncRollups(ctx context.Context, tx *txn, roundID int64, days bool) (domain.RollupDrift, error) {
	var d domain.RollupDrift
	if err := lockRollups(ctx, tx); err != nil {
		return d, err
	}
	if _, err := tx.ExecContext(ctx, aggregateWorkMem); err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	if err := aggregateBelow(ctx, tx, roundID); err != nil {
		return d, err
	}
	// The rows that differ, found with one full join (usually none), and
	// written in the same statement.
	err := tx.GetContext(ctx, &d, `WITH x AS (
			SELECT coalesce(f.unit_id, r.unit_id) AS unit_id, coalesce(f.kind, r.kind) AS kind,
				f.total, f.held, r.total AS old_total, r.held AS old_held
			FROM (SELECT unit_id, kind, sum(total)::int AS total, sum(held)::int AS held FROM rollup_agg GROUP BY unit_id, kind) f
			FULL JOIN (SELECT unit_id, kind, total, held FROM rollups WHERE round_id = $1) r
				ON r.unit_id = f.unit_id AND r.kind = f.kind
			WHERE f.total IS DISTINCT FROM r.total OR f.held IS DISTINCT FROM r.held
		), upd AS (
			UPDATE rollups r SET total = x.total, held = x.held FROM x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND x.total IS NOT NULL AND x.old_total IS NOT NULL
			RETURNING 1
		), ins AS (
			INSERT INTO rollups (round_id, unit_id, kind, total, held)
			SELECT $1, x.unit_id, x.kind, x.total, x.held FROM x WHERE x.old_total IS NULL
			RETURNING 1
		), del AS (
			DELETE FROM rollups r USING x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND x.total IS NULL
			RETURNING r.total <> 0 OR r.held <> 0 AS drift
		)
		SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted,
			(SELECT count(*) FILTER (WHERE drift) FROM del) AS deleted`, roundID)
	if err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	if !days {
		return d, nil
	}
	dd, err := syncRollupDays(ctx, tx, roundID)
	return d.Add(dd), err
}

// syncRollupDays recomputes rollup_days of round (the caller holds
// lockRollups) and writes the rows that differ, returning them. Rows whose
// counts are all zero are left out: they say nothing.
func syncRollupDays(ctx context.Context, tx *txn, roundID int64) (domain.RollupDrift, error) {
	var d domain.RollupDrift
	if err := aggregateDaysBelow(ctx, tx, roundID); err != nil {
		return d, err
	}
	// The rows that differ, found with one full join (usually none), and
	// written in the same statement.
	err := tx.GetContext(ctx, &d, `WITH x AS (
			SELECT coalesce(f.unit_id, r.unit_id) AS unit_id, coalesce(f.kind, r.kind) AS kind, coalesce(f.day, r.day) AS day,
				f.total, f.held, f.late, f.risk_after, f.risk_nodate, f.due, r.total AS old_total,
				r.total <> 0 OR r.held <> 0 OR r.late <> 0 OR r.risk_after <> 0 OR r.risk_nodate <> 0 OR r.due <> 0 AS old_counts
			FROM (SELECT unit_id, kind, day, sum(total)::int AS total, sum(held)::int AS held, sum(late)::int AS late,
					sum(risk_after)::int AS risk_after, sum(risk_nodate)::int AS risk_nodate, sum(due)::int AS due
				FROM day_agg GROUP BY unit_id, kind, day) f
			FULL JOIN (SELECT unit_id, kind, day, `+figureColumns+` FROM rollup_days WHERE round_id = $1) r
				ON r.unit_id = f.unit_id AND r.kind = f.kind AND r.day = f.day
			WHERE (f.total, f.held, f.late, f.risk_after, f.risk_nodate, f.due)
				IS DISTINCT FROM (r.total, r.held, r.late, r.risk_after, r.risk_nodate, r.due)
		), upd AS (
			UPDATE rollup_days r SET total = x.total, held = x.held, late = x.late, risk_after = x.risk_after,
				risk_nodate = x.risk_nodate, due = x.due
			FROM x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND r.day = x.day
				AND x.total IS NOT NULL AND x.old_total IS NOT NULL
			RETURNING 1
		), ins AS (
			INSERT INTO rollup_days (round_id, unit_id, kind, day, `+figureColumns+`)
			SELECT $1, x.unit_id, x.kind, x.day, x.total, x.held, x.late, x.risk_after, x.risk_nodate, x.due
			FROM x WHERE x.old_total IS NULL
				AND (x.total <> 0 OR x.held <> 0 OR x.late <> 0 OR x.risk_after <> 0 OR x.risk_nodate <> 0 OR x.due <> 0)
			RETURNING 1
		), del AS (
			DELETE FROM rollup_days r USING x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND r.day = x.day AND x.total IS NULL
			RETURNING x.old_counts AS drift
		)
		SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted,
			(SELECT count(*) FILTER (WHERE drift) FROM del) AS deleted`, roundID)
	if err != nil {
		return d, fmt.Errorf("store: recompute rollup days: %w", err)
	}
	return d, nil
}

// RecomputeRollups recomputes every rollup of round from scratch in one
// transaction, rollups and rollup_days, and fixes the rows that differ (the
// consistency check); it returns the drift found.
func (s *Store) RecomputeRollups(ctx context.Context, roundID int64) (domain.RollupDrift, error) {
	return s.recompute(ctx, roundID, true)
}

// RecomputeTotals is RecomputeRollups for the rollups of totals and held
// only (not rollup_days): the full recompute `make bench` times against the
// floor.
func (s *Store) RecomputeTotals(ctx context.Context, roundID int64) (domain.RollupDrift, error) {
	return s.recompute(ctx, roundID, false)
}

func (s *Store) recompute(ctx context.Context, roundID int64, days bool) (domain.RollupDrift, error) {
	var d domain.RollupDrift
	err := s.inBulkTx(ctx, func(tx *txn) error {
		var err error
		d, err = syncRollups(ctx, tx, roundID, days)
		return err
	})
	return d, err
}

// RecomputeFloor runs the bare single-pass aggregate that no recompute can
// beat, with the same settings as RecomputeRollups: every active cell of
// round (kinds that are cells and not grassroots organizations) counted
// into its parent, held or not, in one GROUP BY. `make bench` prints the
// recompute beside it. It returns how long the query took.
func (s *Store) RecomputeFloor(ctx context.Context, roundID int64) (time.Duration, error) {
	var took time.Duration
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, aggregateWorkMem); err != nil {
			return err
		}
		var kinds []string
		if err := tx.SelectContext(ctx, &kinds, `SELECT code FROM unit_kinds WHERE is_cell AND NOT is_grassroots`); err != nil {
			return err
		}
		start := time.Now()
		var n, total, held int64
		err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(t), 0), coalesce(sum(h), 0) FROM (
				SELECT u.parent_id, count(*) AS t, count(*) FILTER (WHERE c.held_date IS NOT NULL) AS h
				FROM congresses c JOIN units u ON u.id = c.unit_id
				WHERE c.round_id = $1 AND u.active AND u.kind = ANY($2)
				GROUP BY u.parent_id) x`, roundID, pq.Array(kinds)).Scan(&n, &total, &held)
		took = time.Since(start)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: recompute floor: %w", err)
	}
	return took, nil
}
