package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// The rollups hold, for a unit, a round and a kind, the active units of that
// kind strictly below the unit that have a congress in the round (total),
// how many of them have held it (held), and how many were late on late_day
// (late: counted by the late-flags job, valid while late_total and
// late_held still equal total and held). Every change that adds, removes,
// moves or holds a unit keeps them current in its own transaction, so that
// reads of progress never wait for a job; the consistency check recomputes
// them from scratch.
//
// Those changes add to rollup_deltas, not to the rows: one delta row per
// rollup row and shard, the shard being drawn by each statement (one of 32),
// so that concurrent holds below one district do not queue on the rows of
// the nation, the province and the district. Readers read rollups_live (a
// row plus its deltas). The jobs that rewrite rows (the consistency check,
// the late counts) and housekeeping fold the deltas into the rows first,
// under lockRollups.

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

// addDeltasSQL is the statement adding dTotal units of kind, dHeld of them
// held, to the rollups of every unit above the unit at path in round: each
// argument is SQL (a parameter, or a constant). The late counts follow: a
// unit late on a row's late_day (deadline before it, not held) that is held
// or removed leaves the count. Rows are locked root first, the order in
// which every writer locks them.
func addDeltasSQL(round, path, kind, dTotal, dHeld string) string {
	return `INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, shard, total, held, late)
		SELECT ` + round + `, a.id, ` + kind + `, ` + deltaShard + `, ` + dTotal + `::int, ` + dHeld + `::int,
			CASE WHEN (SELECT c.deadline FROM congresses c WHERE c.round_id = ` + round + `
				AND c.unit_id = ltree2text(subpath(` + path + `::ltree, -1))::bigint) < r.late_day
			THEN ` + dTotal + `::int - ` + dHeld + `::int ELSE 0 END
		FROM unnest(` + ancestorsOf(path) + `) WITH ORDINALITY AS a(id, n)
		LEFT JOIN rollups r ON r.round_id = ` + round + ` AND r.unit_id = a.id AND r.kind = ` + kind + `
		WHERE ` + dTotal + `::int <> 0 OR ` + dHeld + `::int <> 0
		ORDER BY a.n` + addDeltas
}

// addDeltas is SQL ending an INSERT INTO rollup_deltas AS d: same key, add.
const addDeltas = ` ON CONFLICT (round_id, unit_id, kind, shard) DO UPDATE
	SET total = d.total + EXCLUDED.total, held = d.held + EXCLUDED.held, late = d.late + EXCLUDED.late`

// nearComplete is SQL for how many units below a unit may still be to hold
// (as a transaction sees them) for a hold to possibly complete it: the
// server's max_connections, more than the holds that can be in flight at
// once, each in a transaction of its own connection (see congressAfter).
const nearComplete = `current_setting('max_connections')::int`

// nearCompleteSQL is SQL (a subquery) taking, root first, the completion
// locks (key: the parameter key) of the units above the unit at path in
// round with at most nearComplete units below them not held, before or
// after dHeld more of them hold, and returning their ids; nothing when the
// boolean check is false.
//
// It walks up from the parent and stops at the first unit that is not near
// completion: a unit has at least as many units below it not held as any
// unit below it, so none above can be. The rollups of the nation and the
// provinces, which every hold writes, are read only near the very end.
func nearCompleteSQL(round, path, dHeld, key, check string) string {
	open := func(unit string) string {
		return `(SELECT coalesce(sum(total - held), 0) FROM rollups_live WHERE round_id = ` + round + ` AND unit_id = ` + unit + `)`
	}
	near := `least(up.open, up.open - ` + dHeld + `) <= ` + nearComplete
	return `WITH RECURSIVE anc AS (
			SELECT a.id, a.n FROM unnest(` + ancestorsOf(path) + `) WITH ORDINALITY AS a(id, n)
		), up AS (
			SELECT anc.n, anc.id, ` + open("anc.id") + ` AS open FROM anc
			WHERE ` + check + ` AND anc.n = (SELECT max(n) FROM anc)
			UNION ALL
			SELECT anc.n, anc.id, ` + open("anc.id") + ` FROM up JOIN anc ON anc.n = up.n - 1 WHERE ` + near + `
		), near AS MATERIALIZED (
			SELECT up.id, up.n FROM up WHERE ` + near + ` ORDER BY up.n
		)
		SELECT id FROM near WHERE pg_advisory_xact_lock(` + key + `, id::int) IS NOT NULL ORDER BY n`
}

// shiftRollups adds (sign 1) or removes (sign -1) the active units of the
// subtree at subtreePath, the unit at its top included, in every round
// where they have a congress, to or from the rollups of the units whose ids
// are the labels of ancestorsPath (all of them: "1.7" is units 1 and 7; ""
// is none). A move removes a subtree from its old ancestors before it moves
// and adds it to the new ones after; a merge removes the merged unit; a
// create adds the new unit. One statement for every round and kind.
func shiftRollups(ctx context.Context, tx *txn, subtreePath, ancestorsPath string, sign int) error {
	if ancestorsPath == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH s AS (
			SELECT c.round_id, u.kind, c.deadline, count(*)::int AS t, (count(*) FILTER (WHERE c.held_date IS NOT NULL))::int AS h
			FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
			WHERE u.path <@ $1::ltree GROUP BY c.round_id, u.kind, c.deadline
		), k AS (
			SELECT round_id, kind, sum(t)::int AS t, sum(h)::int AS h FROM s GROUP BY round_id, kind
		), a AS (
			SELECT x::bigint AS unit_id, n FROM unnest(string_to_array($2, '.')) WITH ORDINALITY AS y(x, n)
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, shard, total, held, late)
		SELECT k.round_id, a.unit_id, k.kind, `+deltaShard+`, $3 * k.t, $3 * k.h,
			$3 * (SELECT coalesce(sum(s.t - s.h), 0) FROM s WHERE s.round_id = k.round_id AND s.kind = k.kind AND s.deadline < r.late_day)
		FROM k CROSS JOIN a LEFT JOIN rollups r ON r.round_id = k.round_id AND r.unit_id = a.unit_id AND r.kind = k.kind
		ORDER BY a.n, k.round_id, k.kind`+addDeltas,
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
			SELECT c.round_id, a::bigint AS unit_id, n, u.kind, c.deadline,
				count(*)::int AS t, (count(*) FILTER (WHERE c.held_date IS NOT NULL))::int AS h
			FROM units u JOIN congresses c ON c.unit_id = u.id
			CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) WITH ORDINALITY AS x(a, n)
			WHERE u.id = ANY($1::bigint[]) AND u.active
			GROUP BY c.round_id, a, n, u.kind, c.deadline
		), k AS (
			SELECT s.round_id, s.unit_id, min(s.n) AS n, s.kind, sum(s.t)::int AS t, sum(s.h)::int AS h,
				sum(s.t - s.h) FILTER (WHERE s.deadline < r.late_day)::int AS late
			FROM s LEFT JOIN rollups r ON r.round_id = s.round_id AND r.unit_id = s.unit_id AND r.kind = s.kind
			GROUP BY s.round_id, s.unit_id, s.kind
		)
		INSERT INTO rollup_deltas AS d (round_id, unit_id, kind, shard, total, held, late)
		SELECT k.round_id, k.unit_id, k.kind, `+deltaShard+`, k.t, k.h, coalesce(k.late, 0)
		FROM k ORDER BY k.n, k.unit_id, k.round_id, k.kind`+addDeltas,
		pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: add units to rollups: %w", err)
	}
	return nil
}

// lockRollups makes the writers of rollups and their deltas wait until the
// transaction ends (readers go on) and folds the deltas into the rows. A
// recompute or a refresh of late counts takes it first; both tables are
// locked in this order by everyone who locks them both.
func lockRollups(ctx context.Context, tx *txn) error {
	if _, err := tx.ExecContext(ctx, `LOCK TABLE rollup_deltas, rollups IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("store: lock rollups: %w", err)
	}
	// The rows change by what their deltas add up to; a unit and kind with
	// deltas and no row gets one. A count that would go out of bounds is
	// drift, kept within them here and repaired by the consistency check.
	_, err := tx.ExecContext(ctx, `WITH d AS (
			DELETE FROM rollup_deltas RETURNING round_id, unit_id, kind, total, held, late
		), s AS (
			SELECT round_id, unit_id, kind, sum(total)::int AS t, sum(held)::int AS h, sum(late)::int AS l
			FROM d GROUP BY round_id, unit_id, kind
		), up AS (
			UPDATE rollups r SET total = greatest(r.total + s.t, 0),
				held = least(greatest(r.held + s.h, 0), greatest(r.total + s.t, 0)),
				late = greatest(r.late + s.l, 0), late_total = r.late_total + s.t, late_held = r.late_held + s.h
			FROM s WHERE r.round_id = s.round_id AND r.unit_id = s.unit_id AND r.kind = s.kind
			RETURNING r.round_id, r.unit_id, r.kind
		)
		INSERT INTO rollups (round_id, unit_id, kind, total, held)
		SELECT s.round_id, s.unit_id, s.kind, greatest(s.t, 0), least(greatest(s.h, 0), greatest(s.t, 0)) FROM s
		WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.round_id = s.round_id AND up.unit_id = s.unit_id AND up.kind = s.kind)`)
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

// belowSpec says what aggregateBelow counts: held and late are SQL
// conditions on the congress c ($2 is the day when they need one); only
// congresses matching where are counted ("true" for all).
type belowSpec struct {
	held, late, where string
}

var (
	// belowNow counts the held congresses as they stand (today's rollups).
	belowNow = belowSpec{held: "c.held_date IS NOT NULL", late: "false", where: "true"}
	// belowOn counts, on day $2, the congresses held by then and the late ones.
	belowOn = belowSpec{held: "c.held_date <= $2", late: lateOn, where: "true"}
	// lateBelowOn counts only the congresses late on day $2.
	lateBelowOn = belowSpec{held: "false", late: "true", where: lateOn}
)

// lateOn is SQL: the congress c was late on day $2 (deadline passed, not held by then).
const lateOn = `c.deadline < $2 AND (c.held_date IS NULL OR c.held_date > $2)`

// aggregateBelow fills the temporary table rollup_agg (dropped at commit)
// with, for every unit with active units below it in round, and each kind
// of them, the counts of spec over the active units of that kind strictly
// below it, bottom-up: the congresses of the active units are aggregated
// once into their parents (one pass, like the floor), then the much smaller
// parent aggregates are rolled up one level at a time, each level's rows
// into their parents' (a loop over the levels of the tree, not over units;
// each parent is found by its primary key). A unit and kind may have
// several rows (one per level they came from): sum them.
func aggregateBelow(ctx context.Context, tx *txn, roundID int64, spec belowSpec, args ...any) error {
	if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS pg_temp.rollup_agg`); err != nil {
		return fmt.Errorf("store: aggregate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE rollup_agg (unit_id bigint NOT NULL, level int NOT NULL,
		kind text NOT NULL, total bigint NOT NULL, held bigint NOT NULL, late bigint NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("store: aggregate: %w", err)
	}
	params := append([]any{roundID}, args...)
	if _, err := tx.ExecContext(ctx, `INSERT INTO rollup_agg
		SELECT u.parent_id, 0, u.kind, count(*), count(*) FILTER (WHERE `+spec.held+`), count(*) FILTER (WHERE `+spec.late+`)
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.parent_id IS NOT NULL AND `+spec.where+`
		GROUP BY u.parent_id, u.kind`, params...); err != nil {
		return fmt.Errorf("store: aggregate into parents: %w", err)
	}
	for level := 0; ; level++ {
		res, err := tx.ExecContext(ctx, `INSERT INTO rollup_agg
			SELECT p.parent_id, $1::int + 1, a.kind, sum(a.total), sum(a.held), sum(a.late)
			FROM rollup_agg a CROSS JOIN LATERAL (SELECT parent_id FROM units WHERE id = a.unit_id) p
			WHERE a.level = $1 AND p.parent_id IS NOT NULL
			GROUP BY p.parent_id, a.kind`, level)
		if err != nil {
			return fmt.Errorf("store: aggregate level %d: %w", level+1, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
	}
}

// RollupDrift counts the rollup rows a recompute found wrong and fixed:
// updated (other counts), inserted (missing) and deleted (for units or
// kinds with nothing below any more). Rows of zeros are not drift.
type RollupDrift struct {
	Updated  int `json:"updated" db:"updated"`
	Inserted int `json:"inserted" db:"inserted"`
	Deleted  int `json:"deleted" db:"deleted"`
}

// Rows is the number of rollup rows that were wrong.
func (d RollupDrift) Rows() int { return d.Updated + d.Inserted + d.Deleted }

// recomputeRollups recomputes every rollup of round from the congresses of
// the active units and writes the rows that differ. The writers of rollups
// wait meanwhile, so that no change is lost between the count and the write.
func recomputeRollups(ctx context.Context, tx *txn, roundID int64) error {
	_, err := syncRollups(ctx, tx, roundID)
	return err
}

// syncRollups is recomputeRollups, returning the drift it fixed. Rows it
// changes lose their late count (late_day NULL) until the next late-flags run.
func syncRollups(ctx context.Context, tx *txn, roundID int64) (RollupDrift, error) {
	var d RollupDrift
	if err := lockRollups(ctx, tx); err != nil {
		return d, err
	}
	if _, err := tx.ExecContext(ctx, aggregateWorkMem); err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	if err := aggregateBelow(ctx, tx, roundID, belowNow); err != nil {
		return d, err
	}
	// The rows that differ, found with one full join; usually none.
	if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS pg_temp.rollup_diff`); err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE rollup_diff ON COMMIT DROP AS
		SELECT coalesce(f.unit_id, r.unit_id) AS unit_id, coalesce(f.kind, r.kind) AS kind,
			f.total, f.held, r.total AS old_total, r.held AS old_held
		FROM (SELECT unit_id, kind, sum(total)::int AS total, sum(held)::int AS held FROM rollup_agg GROUP BY unit_id, kind) f
		FULL JOIN (SELECT unit_id, kind, total, held FROM rollups WHERE round_id = $1) r
			ON r.unit_id = f.unit_id AND r.kind = f.kind
		WHERE f.total IS DISTINCT FROM r.total OR f.held IS DISTINCT FROM r.held`, roundID); err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	err := tx.GetContext(ctx, &d, `WITH upd AS (
			UPDATE rollups r SET total = x.total, held = x.held, late_day = NULL FROM rollup_diff x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND x.total IS NOT NULL AND x.old_total IS NOT NULL
			RETURNING 1
		), ins AS (
			INSERT INTO rollups (round_id, unit_id, kind, total, held)
			SELECT $1, x.unit_id, x.kind, x.total, x.held FROM rollup_diff x WHERE x.old_total IS NULL
			RETURNING 1
		), del AS (
			DELETE FROM rollups r USING rollup_diff x
			WHERE r.round_id = $1 AND r.unit_id = x.unit_id AND r.kind = x.kind AND x.total IS NULL
			RETURNING r.total <> 0 OR r.held <> 0 AS drift
		)
		SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted,
			(SELECT count(*) FILTER (WHERE drift) FROM del) AS deleted`, roundID)
	if err != nil {
		return d, fmt.Errorf("store: recompute rollups: %w", err)
	}
	return d, nil
}

// RecomputeRollups recomputes every rollup of round from scratch in one
// transaction and fixes the rows that differ (the consistency check, and
// the full recompute that `make bench` times); it returns the drift found.
func (s *Store) RecomputeRollups(ctx context.Context, roundID int64) (RollupDrift, error) {
	var d RollupDrift
	err := s.inBulkTx(ctx, func(tx *txn) error {
		var err error
		d, err = syncRollups(ctx, tx, roundID)
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

// refreshLateCounts counts, for every rollup row of round, the units of its
// kind below its unit that were late on day (deadline before it, not held
// by then), and stamps the row with day and the total and held the count
// goes with. Only rows that change are written.
func refreshLateCounts(ctx context.Context, tx *txn, roundID int64, day domain.Day) error {
	if err := lockRollups(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, aggregateWorkMem); err != nil {
		return fmt.Errorf("store: late counts: %w", err)
	}
	if err := aggregateBelow(ctx, tx, roundID, lateBelowOn, day); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `WITH x AS (
			SELECT unit_id, kind, sum(late)::int AS late FROM rollup_agg GROUP BY unit_id, kind
		), want AS (
			SELECT r.unit_id, r.kind, coalesce(x.late, 0) AS late
			FROM rollups r LEFT JOIN x ON x.unit_id = r.unit_id AND x.kind = r.kind
			WHERE r.round_id = $1
		)
		UPDATE rollups r SET late = want.late, late_day = $2, late_total = r.total, late_held = r.held FROM want
		WHERE r.round_id = $1 AND r.unit_id = want.unit_id AND r.kind = want.kind
			AND (r.late <> want.late OR r.late_day IS DISTINCT FROM $2::date
				OR r.late_total IS DISTINCT FROM r.total OR r.late_held IS DISTINCT FROM r.held)`, roundID, day)
	if err != nil {
		return fmt.Errorf("store: late counts: %w", err)
	}
	return nil
}
