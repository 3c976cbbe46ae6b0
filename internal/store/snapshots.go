package store

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// WriteSnapshot replaces the snapshot of round on day, in one transaction:
// for every unit with active units below it and every kind of them, how
// many there are, how many had held their congress by day, and how many
// were late on day, as figures_below reads them (what is recorded when the
// snapshot is written). No figure is read from the snapshots: they keep
// what was known on a day. It returns the number of rows written.
func (s *Store) WriteSnapshot(ctx context.Context, roundID int64, day domain.Day) (int, error) {
	var n int64
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, aggregateSettings); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM progress_snapshots WHERE round_id = $1 AND day = $2`, roundID, day); err != nil {
			return fmt.Errorf("store: snapshot: clear %s: %w", day, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO progress_snapshots (round_id, day, unit_id, kind, total, held, late)
			SELECT $1, $2, f.unit_id, f.kind, f.total, f.held, f.late
			FROM figures_below($1, ARRAY(SELECT unit_id FROM rollups WHERE round_id = $1
				UNION SELECT unit_id FROM rollup_deltas WHERE round_id = $1), $2, 0) f
			WHERE f.total > 0 ORDER BY f.unit_id, f.kind`, roundID, day)
		if err != nil {
			return fmt.Errorf("store: snapshot %s: %w", day, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
