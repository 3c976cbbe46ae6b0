package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// ancestorIDs is SQL for the ids of the units strictly above the unit at
// path $2: the labels of its ltree path but the last one.
// They come root first, the order in which every writer locks rollup rows.
const ancestorIDs = `SELECT a::bigint FROM unnest(string_to_array(ltree2text(subpath($2::ltree, 0, nlevel($2::ltree) - 1)), '.'))
	WITH ORDINALITY AS x(a, n) ORDER BY n`

// adjustRollups adds dTotal units of kind, dHeld of them held, to the
// rollups of every unit strictly above the unit at path, in round. Every
// change that adds, removes or holds a unit calls it in its own transaction,
// so reads of progress never wait for a job.
func adjustRollups(ctx context.Context, tx *sqlx.Tx, roundID int64, path, kind string, dTotal, dHeld int) error {
	if dTotal == 0 && dHeld == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO rollups (round_id, unit_id, kind, total, held)
		SELECT $1, a.a, $3, $4, $5 FROM (`+ancestorIDs+`) AS a(a)
		ON CONFLICT (round_id, unit_id, kind) DO UPDATE
		SET total = rollups.total + EXCLUDED.total, held = rollups.held + EXCLUDED.held`,
		roundID, path, kind, dTotal, dHeld)
	if err != nil {
		return fmt.Errorf("store: adjust rollups: %w", err)
	}
	return nil
}

// recomputeRollups rebuilds every rollup of round from the congresses of the
// active units. It is the reference the consistency check compares against.
func recomputeRollups(ctx context.Context, tx *sqlx.Tx, roundID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollups WHERE round_id = $1`, roundID); err != nil {
		return fmt.Errorf("store: clear rollups: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO rollups (round_id, unit_id, kind, total, held)
		SELECT c.round_id, a::bigint, u.kind, count(*), count(*) FILTER (WHERE c.held_date IS NOT NULL)
		FROM congresses c
		JOIN units u ON u.id = c.unit_id AND u.active
		CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) AS a
		WHERE c.round_id = $1
		GROUP BY c.round_id, a, u.kind`, roundID)
	if err != nil {
		return fmt.Errorf("store: recompute rollups: %w", err)
	}
	return nil
}
