package store

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// WriteSnapshot replaces the snapshot of round on day, in one transaction:
// for every unit with active units below it and every kind of them, how
// many there are, how many had held their congress by day, and how many
// were late on day. It is computed bottom-up like the rollups (not copied
// from them), so a snapshot of any past day can be written. It returns the
// number of rows written.
func (s *Store) WriteSnapshot(ctx context.Context, roundID int64, day domain.Day) (int, error) {
	var n int64
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, aggregateWorkMem); err != nil {
			return err
		}
		if err := aggregateBelow(ctx, tx, roundID, belowOn, day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM progress_snapshots WHERE round_id = $1 AND day = $2`, roundID, day); err != nil {
			return fmt.Errorf("store: snapshot: clear %s: %w", day, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO progress_snapshots (round_id, day, unit_id, kind, total, held, late)
			SELECT $1, $2, unit_id, kind, sum(total), sum(held), sum(late) FROM rollup_agg
			GROUP BY unit_id, kind ORDER BY unit_id, kind`, roundID, day)
		if err != nil {
			return fmt.Errorf("store: snapshot %s: %w", day, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
