package store

import (
	"context"
	"fmt"
	"math/rand/v2"
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
// of 32), or the lane's for the batches of status updates (congressBatcher),
// so that concurrent holds below one district do not queue on the rows of
// the nation, the province and the district. Readers read a row
// plus its deltas (rollups_live, figures_below). The consistency check and
// housekeeping fold the deltas into both tables (summed over the days into
// rollups, by day into rollup_days), under lockRollups.

// deltaShard is SQL for the shard of rollup_deltas a statement writes: one
// of 32, drawn once per statement. The status updates' batches write the
// shard of their lane instead (congressBatcher).
const deltaShard = `(SELECT floor(random() * 32)::smallint)`

// ancestorsOf is SQL for the ids of the units strictly above the unit whose
// ltree path is the parameter path (e.g. "$2"): the labels of the path but
// the last one, as an array computed from the parameter alone, so that a
// condition "unit_id = ANY(ancestorsOf(...))" reaches tables by key.
func ancestorsOf(path string) string {
	return `string_to_array(ltree2text(subpath(` + path + `::ltree, 0, nlevel(` + path + `::ltree) - 1)), '.')::bigint[]`
}

// figureColumns are the counts of rollup_deltas and rollup_days, in the
// order congress_figure_events returns them; figureCols, one by one.
const figureColumns = `total, held, late, risk_after, risk_nodate, due, unsent`

var figureCols = strings.Split(figureColumns, ", ")

// figureList is the columns figureCols, each passed through f and joined
// with sep.
func figureList(sep string, f func(c string) string) string {
	out := make([]string, len(figureCols))
	for i, c := range figureCols {
		out[i] = f(c)
	}
	return strings.Join(out, sep)
}

// congressEvents is SQL: the figure events (congress_figure_events) of the
// congress of the alias c, as the alias e.
const congressEvents = `congress_figure_events(c.deadline, c.held_date, c.planned_date, c.papers_missing) AS e`

// changeDeltasSQL is the statement adding to the rollups of every unit
// above the units of changes, in round, for their kinds, what the changes
// of their congresses change in their figure events
// (congress_figure_change), summed per unit, kind and day: nothing when
// nothing that counts changed. changes is a table with the columns path,
// kind, was_deadline, was_held, was_planned, was_missing, deadline,
// held_date, planned_date and papers_missing; round and shard (the shard
// the rows go to) are SQL. Rows are locked root first, then by unit, kind
// and day: the order in which every writer locks them.
func changeDeltasSQL(round, changes, shard string) string {
	return `INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, ` + figureColumns + `)
		SELECT ` + round + `, a.id, x.kind, ch.day, ` + shard + `, ` + figureList(", ", func(c string) string { return `sum(ch.` + c + `)::int` }) + `
		FROM ` + changes + ` AS x CROSS JOIN LATERAL unnest(` + ancestorsOf("x.path") + `) WITH ORDINALITY AS a(id, n)
		CROSS JOIN LATERAL congress_figure_change(x.was_deadline, x.was_held, x.was_planned, x.was_missing,
			x.deadline, x.held_date, x.planned_date, x.papers_missing) AS ch
		GROUP BY a.n, a.id, x.kind, ch.day
		HAVING ` + figureList(" OR ", func(c string) string { return `sum(ch.` + c + `) <> 0` }) + `
		ORDER BY a.n, a.id, x.kind, ch.day` + addDeltas
}

// addDeltas is SQL ending an INSERT INTO rollup_deltas AS d: same key, add.
var addDeltas = ` ON CONFLICT (round_id, unit_id, kind, day, shard) DO UPDATE
	SET ` + figureList(", ", func(c string) string { return c + ` = d.` + c + ` + EXCLUDED.` + c })

// eventSums is SQL summing the events e of congress_figure_events, times
// the SQL sign, into the columns figureColumns.
func eventSums(sign string) string {
	var b strings.Builder
	for i, c := range figureCols {
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
			CROSS JOIN LATERAL `+congressEvents+`
			WHERE u.path <@ $1::ltree GROUP BY c.round_id, u.kind, e.day
		), a AS (
			SELECT x::bigint AS unit_id, n FROM unnest(string_to_array($2, '.')) WITH ORDINALITY AS y(x, n)
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, `+figureColumns+`)
		SELECT s.round_id, a.unit_id, s.kind, s.day, `+deltaShard+`, `+list("s.", figureCols, asIs)+`
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
			CROSS JOIN LATERAL `+congressEvents+`
			WHERE u.id = ANY($1::bigint[]) AND u.active
			GROUP BY c.round_id, a, u.kind, e.day
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, day, shard, `+figureColumns+`)
		SELECT s.round_id, s.unit_id, s.kind, s.day, `+deltaShard+`, `+list("s.", figureCols, asIs)+`
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
		SELECT round_id, unit_id, kind, day, `+figureList(", ", func(c string) string { return `sum(` + c + `)` })+`
		FROM d GROUP BY round_id, unit_id, kind, day
		ON CONFLICT (round_id, unit_id, kind, day) DO UPDATE
		SET `+figureList(", ", func(c string) string { return c + ` = r.` + c + ` + EXCLUDED.` + c })+``)
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

// aggregateSettings are the settings of the transactions that aggregate a
// whole round: the hash of the ~355,000 units of a national tree fits in
// work_mem; no JIT compilation, which costs more than it saves here (a
// recompute's estimate crossed jit_above_cost, and compiling its
// expressions took some 600 ms on the national tree); and no Memoize node,
// which the planner put in front of the figure events of each congress
// with a cache that missed and evicted at every one of the 355,000 rows
// (the figures by day of the consistency check: 12.4 s, 2.2 s without it).
const aggregateSettings = `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL enable_memoize = off`

// aggregate is how a recompute counts one table of rollups from scratch:
// level0 is a query returning (unit_id, keys..., sums...), the rows of
// each unit counted into its parent (unit_id is the parent), one row per
// parent and keys; sums are integer columns, added up over the units
// below; having, when not "", keeps only the groups above level 0 for
// which it holds (SQL over sum(a.col)). table (rollups, rollup_days) has
// the columns round_id, unit_id, keys... and sums.
type aggregate struct {
	table, level0, having string
	keys, sums            []string
}

// rollupsAggregate counts rollups: how many active units of each kind are
// strictly below every unit of round $1, and how many have held their
// congress.
var rollupsAggregate = aggregate{table: "rollups",
	level0: `SELECT u.parent_id AS unit_id, u.kind, count(*)::int AS total, count(c.held_date)::int AS held
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.parent_id IS NOT NULL
		GROUP BY u.parent_id, u.kind`,
	keys: []string{"kind"}, sums: []string{"total", "held"}}

// daysAggregate counts rollup_days: the figure events of the congresses of
// the active units strictly below every unit of round $1, per kind and
// day.
var daysAggregate = aggregate{table: "rollup_days",
	level0: `SELECT u.parent_id AS unit_id, u.kind, e.day, ` + eventSums("1") + `
		FROM congresses c JOIN units u ON u.id = c.unit_id
		CROSS JOIN LATERAL ` + congressEvents + `
		WHERE c.round_id = $1 AND u.active AND u.parent_id IS NOT NULL
		GROUP BY u.parent_id, u.kind, e.day
		HAVING ` + nonZeroSums,
	keys: []string{"kind", "day"}, sums: figureCols,
	having: strings.ReplaceAll(nonZeroSums, "(e.", "(a.")}

// list is the columns cols, each prefixed and passed through f.
func list(prefix string, cols []string, f func(c string) string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = f(prefix + c)
	}
	return strings.Join(out, ", ")
}

// asIs is a column as it is.
func asIs(c string) string { return c }

// summed is SQL: the sum of the column c (a.total), named as the column
// (total).
func summed(c string) string {
	return `sum(` + c + `)::int AS ` + c[strings.IndexByte(c, '.')+1:]
}

// upperSQL is SQL: the CTEs anc and ug, which sum the rows of l1 (unit_id,
// keys..., sums...: level 1, the rows of level 0 summed into their
// parents, a few thousand) into each of their units and every unit above
// it. The units above a unit are the labels of its path: one join, not one
// statement per level.
func (a aggregate) upperSQL() string {
	having := ""
	if a.having != "" {
		having = ` HAVING ` + a.having
	}
	return `anc AS (
			SELECT x.unit_id AS id, p.id AS anc FROM (SELECT DISTINCT unit_id FROM l1 WHERE unit_id IS NOT NULL) x
			CROSS JOIN LATERAL (SELECT path FROM units WHERE id = x.unit_id OFFSET 0) u
			CROSS JOIN LATERAL unnest(string_to_array(ltree2text(u.path), '.')::bigint[]) AS p(id)
		), ug AS (
			SELECT anc.anc AS unit_id, ` + list("a.", a.keys, asIs) + `, ` + list("a.", a.sums, summed) + `
			FROM l1 a JOIN anc ON anc.id = a.unit_id
			GROUP BY anc.anc, ` + list("a.", a.keys, asIs) + having + `
		)`
}

// parentsSQL is SQL: the parents of the units, from the index
// units_parents, which holds the parent of every unit but the cells (they
// have none below them) and is read whole into a hash.
const parentsSQL = `(SELECT id, parent_id FROM units WHERE ` + parentsIndexed + `)`

// belowSQL is SQL: CTEs, for a WITH, ending in below (unit_id, keys...,
// sums...), which holds, for every unit and keys, the sums of the rows of
// every unit strictly below it.
//
// Level 0 is the one pass over the units and their congresses (like the
// floor of `make bench`), each of its rows looked up at once in
// units_parents; a unit the index does not hold is looked up in units,
// apart from the others (with one expression choosing between the two,
// the planner evaluated it around the hash join, some 200 ms on the
// national tree). Summed into their parents, they are level 1 (l1), and
// upperSQL adds the levels above. below adds, for each unit and keys, its
// level-0 row and the sums from above: level-0 rows are unique per unit
// and keys, so only the few thousand rows above are grouped.
func (a aggregate) belowSQL() string {
	having := ""
	if a.having != "" {
		having = ` HAVING ` + a.having
	}
	var on, both strings.Builder
	for _, k := range a.keys {
		on.WriteString(` AND ug.` + k + ` = l0.` + k)
		both.WriteString(`coalesce(l0.` + k + `, ug.` + k + `) AS ` + k + `, `)
	}
	for i, c := range a.sums {
		if i > 0 {
			both.WriteString(`, `)
		}
		both.WriteString(`coalesce(l0.` + c + `, 0) + coalesce(ug.` + c + `, 0) AS ` + c)
	}
	return `l0 AS MATERIALIZED (
			SELECT g.*, m.id AS indexed, m.parent_id AS up_id FROM (` + a.level0 + `) g
			LEFT JOIN ` + parentsSQL + ` m ON m.id = g.unit_id
		), l1 AS MATERIALIZED (
			SELECT a.up_id AS unit_id, ` + list("a.", a.keys, asIs) + `, ` + list("a.", a.sums, summed) + ` FROM l0 a
			WHERE a.indexed IS NOT NULL AND a.up_id IS NOT NULL
			GROUP BY a.up_id, ` + list("a.", a.keys, asIs) + having + `
			UNION ALL
			SELECT u.parent_id, ` + list("a.", a.keys, asIs) + `, ` + list("a.", a.sums, summed) + ` FROM l0 a JOIN units u ON u.id = a.unit_id
			WHERE a.indexed IS NULL AND u.parent_id IS NOT NULL
			GROUP BY u.parent_id, ` + list("a.", a.keys, asIs) + having + `
		), ` + a.upperSQL() + `, below AS (
			SELECT coalesce(l0.unit_id, ug.unit_id) AS unit_id, ` + both.String() + `
			FROM l0 FULL JOIN ug ON ug.unit_id = l0.unit_id` + on.String() + `
		)`
}

// keyHashes are SQL hashing a value of each key column (%s) with a seed
// (%%s), for fingerprints.
var keyHashes = map[string]string{
	"kind": `hashtextextended(%s, %s)`,
	"day":  `hashtextextended(%s::text, %s)`,
}

// fingerprintSQL is SQL: the fingerprint of the row alias of a (unit_id,
// keys..., sums...) under the seed $2. It is linear in the sums: each sum
// times a coefficient of 28 bits drawn from the unit, the keys, the column
// and the seed by hashing, so that the fingerprint of a table is the sum of
// its rows' and the fingerprint of rows summed per unit and keys is the sum
// of the fingerprints of the rows summed. Rows of zeros count for nothing.
// A row's fingerprint fits a bigint whatever its counts (at most 15
// columns of int, each term below 2^59); sums of them are numeric.
func (a aggregate) fingerprintSQL(alias string) string {
	terms := make([]string, len(a.sums))
	for i, c := range a.sums {
		h := fmt.Sprintf(`($2::bigint + %d)`, i)
		for _, k := range a.keys {
			h = fmt.Sprintf(keyHashes[k], alias+`.`+k, h)
		}
		terms[i] = alias + `.` + c + `::bigint * (hashint8extended(` + alias + `.unit_id, ` + h + `) & 268435455)`
	}
	return `(` + strings.Join(terms, ` + `) + `)`
}

// sameSQL is the statement telling, without writing, whether the table
// already holds what belowSQL counts: the fingerprints (fingerprintSQL) of
// what is counted and of what is stored, the rows of the table that hold
// only zeros (belowSQL would delete them), and the rows of level 0 whose
// unit units_parents does not hold (only belowSQL looks them up). Level 0
// is read once, as it streams into level 1, with its fingerprint summed
// per row of level 1, and no table is joined with another to compare them:
// on the national tree (in psql, the floor some 290 ms), some 40 ms less
// than belowSQL with the comparison of rollupsFixSQL.
func (a aggregate) sameSQL() string {
	zeros := list("t.", a.sums, func(c string) string { return c + ` = 0` })
	return `WITH l1 AS MATERIALIZED (
			SELECT m.parent_id AS unit_id, ` + list("g.", a.keys, asIs) + `, ` + list("g.", a.sums, summed) + `,
				sum(` + a.fingerprintSQL("g") + `) AS fp, count(*) FILTER (WHERE m.id IS NULL) AS unindexed
			FROM (` + a.level0 + `) g LEFT JOIN ` + parentsSQL + ` m ON m.id = g.unit_id
			GROUP BY m.parent_id, ` + list("g.", a.keys, asIs) + `
		), ` + a.upperSQL() + `
		SELECT coalesce((SELECT sum(fp) FROM l1), 0) + coalesce((SELECT sum(` + a.fingerprintSQL("ug") + `) FROM ug), 0) AS counted,
			coalesce(sum(` + a.fingerprintSQL("t") + `), 0) AS stored,
			count(*) FILTER (WHERE ` + strings.ReplaceAll(zeros, ", ", " AND ") + `) AS zeros,
			coalesce((SELECT sum(unindexed) FROM l1), 0) AS unindexed
		FROM ` + a.table + ` t WHERE t.round_id = $1`
}

// parentsIndexed is SQL: the condition of the partial index units_parents
// (migrations/00027_units_parents.sql) on units, which a query states to
// read the index.
const parentsIndexed = `kind <> 'cell'`

// nonZeroSums is SQL: a group of events e counts for something.
var nonZeroSums = figureList(" OR ", func(c string) string { return `sum(e.` + c + `) <> 0` })

// alreadyRight tells whether table a of round already holds every row the
// recompute counts (and no row of zeros): the fingerprints of both agree,
// and nothing needs writing. The fingerprint's seed is drawn at random each
// time, so that a drift it misses in one run (a chance of about one in
// 268 million) is found by the next.
func alreadyRight(ctx context.Context, tx *txn, a aggregate, roundID int64) (bool, error) {
	var r struct {
		Counted   string `db:"counted"`
		Stored    string `db:"stored"`
		Zeros     int64  `db:"zeros"`
		Unindexed int64  `db:"unindexed"`
	}
	if err := tx.GetContext(ctx, &r, a.sameSQL(), roundID, rand.Int32()); err != nil {
		return false, fmt.Errorf("store: recompute %s: %w", a.table, err)
	}
	return r.Counted == r.Stored && r.Zeros == 0 && r.Unindexed == 0, nil
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
// (and, first, the congresses' marks of missing papers, which they count)
// only when days.
func syncRollups(ctx context.Context, tx *txn, roundID int64, days bool) (domain.RollupDrift, error) {
	var d domain.RollupDrift
	if _, err := tx.ExecContext(ctx, aggregateSettings); err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	var suspects []int64
	if days {
		var err error
		if suspects, err = papersMarkSuspects(ctx, tx, roundID); err != nil {
			return d, err
		}
	}
	if err := lockRollups(ctx, tx); err != nil {
		return d, err
	}
	d, err := syncTable(ctx, tx, rollupsAggregate, rollupsFixSQL, roundID)
	if err != nil || !days {
		return d, err
	}
	marks, err := fixPapersMarks(ctx, tx, roundID, suspects)
	if err != nil {
		return d, err
	}
	dd, err := syncTable(ctx, tx, daysAggregate, daysFixSQL, roundID)
	dd.Marks = marks
	return d.Add(dd), err
}

// papersMissing is SQL: the congress in round of the unit unit, of kind
// kind (SQL each), lacks a required paper as its papers stand (the rule of
// congress_papers_missing): what its mark papers_missing must say.
func papersMissing(round, unit, kind string) string {
	return `EXISTS (SELECT 1 FROM congress_papers_missing(` + round + `, ` + unit + `, ` + kind + `))`
}

// papersMissingOf is papersMissing for the congress of the alias c, of a
// unit of the alias u.
var papersMissingOf = papersMissing("c.round_id", "c.unit_id", "u.kind")

// papersMarkSuspects returns the units of round whose congress's mark of
// missing papers differs from what its papers say, read before the
// writers of the rollups are made to wait (on the national tree, some
// 1.3 s over 355,000 congresses; usually none differs). A paper being
// written meanwhile may make a mark look wrong: fixPapersMarks reads each
// again under lockRollups.
func papersMarkSuspects(ctx context.Context, tx *txn, roundID int64) ([]int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT c.unit_id FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND c.papers_missing <> `+papersMissingOf, roundID); err != nil {
		return nil, fmt.Errorf("store: marks of missing papers: %w", err)
	}
	return ids, nil
}

// fixPapersMarks sets papers_missing of the congresses of the units in
// suspects whose papers say otherwise and returns how many it set: they
// count in the figures by day, which are recomputed after. The caller
// holds lockRollups, so no paper's write is half done (a paper's write
// changes the mark and adds the deltas in one statement, which the lock
// makes wait or waits for).
func fixPapersMarks(ctx context.Context, tx *txn, roundID int64, suspects []int64) (int, error) {
	if len(suspects) == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE congresses c SET papers_missing = NOT c.papers_missing FROM units u
		WHERE c.round_id = $1 AND c.unit_id = ANY($2::bigint[]) AND u.id = c.unit_id AND c.papers_missing <> `+papersMissingOf,
		roundID, pq.Array(suspects))
	if err != nil {
		return 0, fmt.Errorf("store: marks of missing papers: %w", err)
	}
	return affected(res), nil
}

// syncTable recomputes table a of round (the caller holds lockRollups) and
// writes the rows that differ with fix, returning them; when the table is
// already right (alreadyRight, the usual case), it writes nothing.
func syncTable(ctx context.Context, tx *txn, a aggregate, fix string, roundID int64) (domain.RollupDrift, error) {
	var d domain.RollupDrift
	if ok, err := alreadyRight(ctx, tx, a, roundID); err != nil || ok {
		return d, err
	}
	if err := tx.GetContext(ctx, &d, fix, roundID); err != nil {
		return d, fmt.Errorf("store: recompute %s: %w", a.table, err)
	}
	return d, nil
}

// rollupsFixSQL finds the rows of rollups that differ from what is counted
// with one full join, and writes them in the same statement.
var rollupsFixSQL = `WITH ` + rollupsAggregate.belowSQL() + `, x AS (
			SELECT coalesce(f.unit_id, r.unit_id) AS unit_id, coalesce(f.kind, r.kind) AS kind,
				f.total, f.held, r.total AS old_total, r.held AS old_held
			FROM below f
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
			(SELECT count(*) FILTER (WHERE drift) FROM del) AS deleted`

// daysFixSQL is rollupsFixSQL for rollup_days. Rows whose counts are all
// zero are left out: they say nothing.
var daysFixSQL = `WITH ` + daysAggregate.belowSQL() + `, x AS (
			SELECT coalesce(f.unit_id, r.unit_id) AS unit_id, coalesce(f.kind, r.kind) AS kind, coalesce(f.day, r.day) AS day,
				` + list("f.", figureCols, asIs) + `, r.total AS old_total,
				` + figureList(" OR ", func(c string) string { return `r.` + c + ` <> 0` }) + ` AS old_counts
			FROM below f
			FULL JOIN (SELECT unit_id, kind, day, ` + figureColumns + ` FROM rollup_days WHERE round_id = $1) r
				ON r.unit_id = f.unit_id AND r.kind = f.kind AND r.day = f.day
			WHERE (` + list("f.", figureCols, asIs) + `) IS DISTINCT FROM (` + list("r.", figureCols, asIs) + `)
		), upd AS (
			UPDATE rollup_days r SET ` + figureList(", ", func(c string) string { return c + ` = x.` + c }) + `
			FROM x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND r.day = x.day
				AND x.total IS NOT NULL AND x.old_total IS NOT NULL
			RETURNING 1
		), ins AS (
			INSERT INTO rollup_days (round_id, unit_id, kind, day, ` + figureColumns + `)
			SELECT $1, x.unit_id, x.kind, x.day, ` + list("x.", figureCols, asIs) + `
			FROM x WHERE x.old_total IS NULL AND (` + figureList(" OR ", func(c string) string { return `x.` + c + ` <> 0` }) + `)
			RETURNING 1
		), del AS (
			DELETE FROM rollup_days r USING x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND r.day = x.day AND x.total IS NULL
			RETURNING x.old_counts AS drift
		)
		SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted,
			(SELECT count(*) FILTER (WHERE drift) FROM del) AS deleted`

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
		if _, err := tx.ExecContext(ctx, aggregateSettings); err != nil {
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
