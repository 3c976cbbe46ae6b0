package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Changes of the tree keep every round consistent in their own
// transaction: a new unit gets its congress and milestones in each round, a
// moved subtree takes its counts from its old ancestors' rollups to the new
// ones' (and its deadlines follow the rules of its new place), a merged unit
// leaves the rollups, and the ancestors' 'children_held' milestones follow.

// roundIDs lists the ids of every round.
func roundIDs(ctx context.Context, tx *txn) ([]int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM rounds ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: rounds: %w", err)
	}
	return ids, nil
}

// parentOf returns the path of the parent of the unit at path, "" for a root.
func parentOf(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// syncAbove re-derives the 'children_held' milestones of the units above
// each of paths in every round.
func syncAbove(ctx context.Context, tx *txn, rounds []int64, paths ...string) error {
	for _, r := range rounds {
		for _, p := range paths {
			if err := syncChildrenHeld(ctx, tx, r, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// unitCreated gives the new unit at path its congress and milestones in
// every round and adds it to the rollups above it: a few cheap statements.
func unitCreated(ctx context.Context, tx *txn, path string) error {
	rounds, err := roundIDs(ctx, tx)
	if err != nil || len(rounds) == 0 {
		return err
	}
	for _, r := range rounds {
		if err := ensureRoundRows(ctx, tx, r, path); err != nil {
			return err
		}
	}
	if err := shiftRollups(ctx, tx, path, parentOf(path), 1); err != nil {
		return err
	}
	return syncAbove(ctx, tx, rounds, path)
}

// moveWithRounds re-parents unit under parent (to the root when parent is
// nil), its subtree following, and keeps the rounds consistent: the
// subtree's counts leave the rollups of its old ancestors before the move
// (with the deadlines it had there) and join those of the new ones after
// its deadlines are recomputed for its new place.
func moveWithRounds(ctx context.Context, tx *txn, unit domain.Unit, parent *domain.Unit) error {
	if err := shiftRollups(ctx, tx, unit.Path, parentOf(unit.Path), -1); err != nil {
		return err
	}
	newPath := fmt.Sprint(unit.ID)
	if parent != nil {
		if err := moveSubtree(ctx, tx, unit, *parent); err != nil {
			return err
		}
		newPath = parent.Path + "." + newPath
	} else if err := moveToRoot(ctx, tx, unit); err != nil {
		return err
	}
	rounds, err := roundIDs(ctx, tx)
	if err != nil || len(rounds) == 0 {
		return err
	}
	for _, r := range rounds {
		if err := refreshDeadlines(ctx, tx, r, newPath, false); err != nil {
			return err
		}
	}
	if err := shiftRollups(ctx, tx, newPath, parentOf(newPath), 1); err != nil {
		return err
	}
	return syncAbove(ctx, tx, rounds, unit.Path, newPath)
}

// unitLeaving takes the unit at path, which is about to become inactive
// (merged; its active children have moved away), out of the rollups above it.
func unitLeaving(ctx context.Context, tx *txn, path string) error {
	return shiftRollups(ctx, tx, path, parentOf(path), -1)
}

// unitLeft re-derives the milestones above a unit that became inactive.
func unitLeft(ctx context.Context, tx *txn, path string) error {
	rounds, err := roundIDs(ctx, tx)
	if err != nil {
		return err
	}
	return syncAbove(ctx, tx, rounds, path)
}

// unitsImported gives the units an import created (ids) their congresses
// and milestones in every round, in one pass over the smallest subtree
// holding them all, and adds each of them to the rollups above it in one
// statement. (The units the import moved went through moveWithRounds.)
func unitsImported(ctx context.Context, tx *txn, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rounds, err := roundIDs(ctx, tx)
	if err != nil || len(rounds) == 0 {
		return err
	}
	var scope string
	if err := tx.GetContext(ctx, &scope, `SELECT coalesce(lca(array_agg(path))::text, '') FROM units WHERE id = ANY($1::bigint[])`,
		pq.Array(ids)); err != nil {
		return fmt.Errorf("store: import: scope of the new units: %w", err)
	}
	for _, r := range rounds {
		if err := ensureRoundRows(ctx, tx, r, scope); err != nil {
			return err
		}
	}
	if err := addUnitsToRollups(ctx, tx, ids); err != nil {
		return err
	}
	// One unit per parent is enough: its ancestors are its siblings'.
	var paths []string
	if err := tx.SelectContext(ctx, &paths, `SELECT DISTINCT ON (parent_id) path::text FROM units
		WHERE id = ANY($1::bigint[]) AND parent_id IS NOT NULL ORDER BY parent_id, id`, pq.Array(ids)); err != nil {
		return fmt.Errorf("store: import: parents of the new units: %w", err)
	}
	return syncAbove(ctx, tx, rounds, paths...)
}
