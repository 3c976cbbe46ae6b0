package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Reads of progress. Today's figures come from the rollups (a few rows per
// unit, whatever the size of its subtree); a past day's from that day's
// snapshot, or, without one, from the held dates in one set-based query
// over the unit's subtree. All of them are set-based over the ltree paths:
// never a query per unit.

// ProgressFigures are the raw figures of a unit's progress on a day, which
// core turns into a domain.Progress with the unit kinds.
type ProgressFigures struct {
	Source string
	Own    domain.OwnCongress
	// Kinds counts the active units below, per kind.
	Kinds []domain.KindCount
	// LateSource is "rollups" when Kinds' late counts come from the
	// rollups, "snapshot" from a snapshot, "live" when counted for this read.
	LateSource              string
	PilotsHeld, PilotsTotal int
	// LateUnits are the most overdue units below, at most the limit asked.
	LateUnits []domain.LateUnit
}

// Late count sources.
const (
	LateFromRollups = "rollups"
	LateCountedLive = "live"
)

// ownSelect reads a unit's own congress as of day $3 (round $1, unit $2).
const ownSelect = `SELECT c.status, coalesce(c.held_date <= $3::date, false) AS held, c.held_date, c.planned_date,
	c.deadline, c.is_pilot,
	(SELECT count(*) FILTER (WHERE m.done_on <= $3::date) FROM milestones m WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id) AS "milestones.done",
	(SELECT count(*) FROM milestones m WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id) AS "milestones.total"
FROM congresses c WHERE c.round_id = $1 AND c.unit_id = $2`

// heldBy is SQL: the congress c was held by day $2.
const heldBy = `c.held_date <= $2`

// rollupRow is a rollup as stored.
type rollupRow struct {
	UnitID    int64       `db:"unit_id"`
	Kind      string      `db:"kind"`
	Total     int         `db:"total"`
	Held      int         `db:"held"`
	Late      int         `db:"late"`
	LateDay   *domain.Day `db:"late_day"`
	LateTotal *int        `db:"late_total"`
	LateHeld  *int        `db:"late_held"`
}

// lateValidOn reports whether the row's late count is that of day: counted
// for it, and total and held unchanged since but by writers that kept it.
func (r rollupRow) lateValidOn(day domain.Day) bool {
	return r.LateDay != nil && r.LateDay.Time.Equal(day.Time) &&
		r.LateTotal != nil && *r.LateTotal == r.Total && r.LateHeld != nil && *r.LateHeld == r.Held
}

func (r rollupRow) count() domain.KindCount {
	return domain.KindCount{Kind: r.Kind, Total: r.Total, Held: r.Held, Late: r.Late}
}

// HasSnapshot reports whether the snapshot of round on day was written.
func (s *Store) HasSnapshot(ctx context.Context, roundID int64, day domain.Day) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM progress_snapshots WHERE round_id = $1 AND day = $2)`, roundID, day)
	if err != nil {
		return false, fmt.Errorf("store: snapshot of %s: %w", day, err)
	}
	return ok, nil
}

// progressSource says where the figures of day come from: today's rollups,
// the day's snapshot, or a count from the held dates.
func (s *Store) progressSource(ctx context.Context, roundID int64, asOf, today domain.Day) (string, error) {
	if !asOf.Before(today) {
		return domain.SourceLive, nil
	}
	ok, err := s.HasSnapshot(ctx, roundID, asOf)
	if err != nil || !ok {
		return domain.SourceComputed, err
	}
	return domain.SourceSnapshot, nil
}

// Progress reads the progress figures of unit in round on asOf (today or
// before), with at most lateLimit late units listed.
func (s *Store) Progress(ctx context.Context, roundID int64, unit domain.Unit, asOf, today domain.Day, lateLimit int) (ProgressFigures, error) {
	var f ProgressFigures
	err := s.db.GetContext(ctx, &f.Own, ownSelect, roundID, unit.ID, asOf)
	if errors.Is(err, sql.ErrNoRows) {
		return f, noCongress(unit.Code, roundID)
	}
	if err != nil {
		return f, fmt.Errorf("store: progress of %s: %w", unit.Code, err)
	}
	f.Own.Fill(asOf)
	if f.Source, err = s.progressSource(ctx, roundID, asOf, today); err != nil {
		return f, err
	}
	if f.Kinds, f.LateSource, err = s.kindsBelow(ctx, roundID, unit, asOf, f.Source); err != nil {
		return f, err
	}
	// The pilots of the round are few (a few per district): read them first
	// (partial index), then keep those in the subtree. Left to itself the
	// planner scans the whole subtree of a large unit through the path index.
	var pilots struct {
		Held  int `db:"held"`
		Total int `db:"total"`
	}
	if err := s.db.GetContext(ctx, &pilots, `WITH c AS MATERIALIZED (
			SELECT unit_id, held_date FROM congresses WHERE round_id = $1 AND is_pilot
		)
		SELECT count(*) FILTER (WHERE `+heldBy+`) AS held, count(*) AS total
		FROM c JOIN units u ON u.id = c.unit_id
		WHERE u.active AND u.path <@ $3::ltree`, roundID, asOf, unit.Path); err != nil {
		return f, fmt.Errorf("store: pilots below %s: %w", unit.Code, err)
	}
	f.PilotsHeld, f.PilotsTotal = pilots.Held, pilots.Total
	if f.LateUnits, err = s.lateUnits(ctx, roundID, unit, asOf, f.Source, lateLimit); err != nil {
		return f, err
	}
	return f, nil
}

// kindsBelow counts the units below unit per kind on asOf, from source.
func (s *Store) kindsBelow(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, source string) ([]domain.KindCount, string, error) {
	out := []domain.KindCount{}
	switch source {
	case domain.SourceLive:
		var rows []rollupRow
		if err := s.db.SelectContext(ctx, &rows, `SELECT unit_id, kind, total, held, late, late_day, late_total, late_held
			FROM rollups_live WHERE round_id = $1 AND unit_id = $2`, roundID, unit.ID); err != nil {
			return nil, "", fmt.Errorf("store: rollups of %s: %w", unit.Code, err)
		}
		fresh := true
		for _, r := range rows {
			out = append(out, r.count())
			fresh = fresh && r.lateValidOn(asOf)
		}
		if fresh {
			return out, LateFromRollups, nil
		}
		var late []struct {
			Kind string `db:"kind"`
			Late int    `db:"late"`
		}
		if err := s.db.SelectContext(ctx, &late, `SELECT u.kind, count(*) AS late
			FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND c.held_date IS NULL AND c.deadline < $2 AND u.active
				AND u.path <@ $3::ltree AND u.id <> $4
			GROUP BY u.kind`, roundID, asOf, unit.Path, unit.ID); err != nil {
			return nil, "", fmt.Errorf("store: late below %s: %w", unit.Code, err)
		}
		for i := range out {
			out[i].Late = 0
			for _, l := range late {
				if l.Kind == out[i].Kind {
					out[i].Late = l.Late
				}
			}
		}
		return out, LateCountedLive, nil
	case domain.SourceSnapshot:
		if err := s.db.SelectContext(ctx, &out, `SELECT kind, total, held, late FROM progress_snapshots
			WHERE round_id = $1 AND unit_id = $2 AND day = $3`, roundID, unit.ID, asOf); err != nil {
			return nil, "", fmt.Errorf("store: snapshot of %s: %w", unit.Code, err)
		}
		return out, domain.SourceSnapshot, nil
	}
	if err := s.db.SelectContext(ctx, &out, `SELECT u.kind, count(*) AS total,
			count(*) FILTER (WHERE `+heldBy+`) AS held, count(*) FILTER (WHERE `+lateOn+`) AS late
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.active AND u.path <@ $3::ltree AND u.id <> $4
		GROUP BY u.kind`, roundID, asOf, unit.Path, unit.ID); err != nil {
		return nil, "", fmt.Errorf("store: progress below %s: %w", unit.Code, err)
	}
	return out, LateCountedLive, nil
}

// lateUnits lists at most limit units below unit late on asOf, the most
// overdue first. Today's list walks the partial index of congresses not
// held in deadline order and stops at limit.
func (s *Store) lateUnits(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, source string, limit int) ([]domain.LateUnit, error) {
	out := []domain.LateUnit{}
	if limit <= 0 {
		return out, nil
	}
	notHeld := `c.held_date IS NULL AND c.deadline < $2`
	if source != domain.SourceLive {
		notHeld = lateOn
	}
	if err := s.db.SelectContext(ctx, &out, `SELECT u.code, u.name, u.kind, c.status, c.deadline, c.planned_date
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND `+notHeld+` AND u.active AND u.path <@ $3::ltree AND u.id <> $4
		ORDER BY c.deadline LIMIT $5`, roundID, asOf, unit.Path, unit.ID, limit); err != nil {
		return nil, fmt.Errorf("store: late units below %s: %w", unit.Code, err)
	}
	for i := range out {
		_, out[i].DaysOverdue = domain.LateOn(&out[i].Deadline, false, asOf)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Deadline.Time.Equal(out[j].Deadline.Time) {
			return out[i].Deadline.Before(out[j].Deadline)
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

// ChildFigures are the raw figures of one unit directly below in a
// progress breakdown.
type ChildFigures struct {
	ID int64 `db:"id"`
	domain.UnitRef
	Category string             `db:"category"`
	Own      domain.OwnCongress `db:"own"`
	// Kinds counts the active units below the child, per kind.
	Kinds []domain.KindCount `db:"-"`
}

// ProgressChildren reads, for every active unit directly below unit, its
// own congress on asOf and its per-kind counts below, in three set-based
// queries whatever the number of children. It returns the source.
func (s *Store) ProgressChildren(ctx context.Context, roundID int64, unit domain.Unit, asOf, today domain.Day) ([]ChildFigures, string, error) {
	source, err := s.progressSource(ctx, roundID, asOf, today)
	if err != nil {
		return nil, "", err
	}
	children := []ChildFigures{}
	err = s.db.SelectContext(ctx, &children, `SELECT u.id, u.code, u.name, u.kind, coalesce(u.category, '') AS category,
			coalesce(c.status, 'not_started') AS "own.status", coalesce(c.held_date <= $3::date, false) AS "own.held",
			c.held_date AS "own.held_date", c.planned_date AS "own.planned_date", c.deadline AS "own.deadline",
			coalesce(c.is_pilot, false) AS "own.is_pilot", coalesce(m.done, 0) AS "own.milestones.done",
			coalesce(m.total, 0) AS "own.milestones.total"
		FROM units u JOIN unit_kinds k ON k.code = u.kind
		LEFT JOIN congresses c ON c.round_id = $1 AND c.unit_id = u.id
		LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE mm.done_on <= $3::date) AS done, count(*) AS total
			FROM milestones mm WHERE mm.round_id = $1 AND mm.unit_id = u.id) m ON true
		WHERE u.parent_id = $2 AND u.active
		ORDER BY k.sort_order, u.name COLLATE vietnamese, u.code`, roundID, unit.ID, asOf)
	if err != nil {
		return nil, "", fmt.Errorf("store: children of %s: %w", unit.Code, err)
	}
	if len(children) == 0 {
		return children, source, nil
	}
	ids := make([]int64, len(children))
	at := make(map[int64]int, len(children))
	for i := range children {
		children[i].Own.Fill(asOf)
		ids[i], at[children[i].ID] = children[i].ID, i
	}
	var rows []rollupRow
	switch source {
	case domain.SourceLive:
		err = s.db.SelectContext(ctx, &rows, `SELECT unit_id, kind, total, held, late, late_day, late_total, late_held
			FROM rollups_live WHERE round_id = $1 AND unit_id = ANY($2::bigint[])`, roundID, pq.Array(ids))
	case domain.SourceSnapshot:
		err = s.db.SelectContext(ctx, &rows, `SELECT unit_id, kind, total, held, late, day AS late_day,
				total AS late_total, held AS late_held
			FROM progress_snapshots WHERE round_id = $1 AND day = $3 AND unit_id = ANY($2::bigint[])`, roundID, pq.Array(ids), asOf)
	default:
		err = s.db.SelectContext(ctx, &rows, `SELECT ltree2text(subpath(u.path, $4::int, 1))::bigint AS unit_id, u.kind,
				count(*) AS total, count(*) FILTER (WHERE `+heldBy+`) AS held, count(*) FILTER (WHERE `+lateOn+`) AS late,
				$2::date AS late_day, count(*) AS late_total, count(*) FILTER (WHERE `+heldBy+`) AS late_held
			FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND u.active AND u.path <@ $3::ltree AND nlevel(u.path) > $4::int + 1
			GROUP BY 1, 2`, roundID, asOf, unit.Path, strings.Count(unit.Path, ".")+1)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: progress below the children of %s: %w", unit.Code, err)
	}
	stale := false
	for _, r := range rows {
		i, ok := at[r.UnitID]
		if !ok {
			continue
		}
		children[i].Kinds = append(children[i].Kinds, r.count())
		stale = stale || !r.lateValidOn(asOf)
	}
	if stale {
		if err := s.liveLateOfChildren(ctx, roundID, unit, asOf, children, at); err != nil {
			return nil, "", err
		}
	}
	return children, source, nil
}

// liveLateOfChildren counts today's late units below each child of unit in
// one query grouped by child, for rollups whose late counts are not of today.
func (s *Store) liveLateOfChildren(ctx context.Context, roundID int64, unit domain.Unit, asOf domain.Day, children []ChildFigures, at map[int64]int) error {
	var late []struct {
		UnitID int64  `db:"unit_id"`
		Kind   string `db:"kind"`
		Late   int    `db:"late"`
	}
	if err := s.db.SelectContext(ctx, &late, `SELECT ltree2text(subpath(u.path, $4::int, 1))::bigint AS unit_id, u.kind, count(*) AS late
		FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND c.held_date IS NULL AND c.deadline < $2 AND u.active
			AND u.path <@ $3::ltree AND nlevel(u.path) > $4::int + 1
		GROUP BY 1, 2`, roundID, asOf, unit.Path, strings.Count(unit.Path, ".")+1); err != nil {
		return fmt.Errorf("store: late below the children of %s: %w", unit.Code, err)
	}
	for i := range children {
		for k := range children[i].Kinds {
			children[i].Kinds[k].Late = 0
		}
	}
	for _, l := range late {
		i, ok := at[l.UnitID]
		if !ok {
			continue
		}
		for k := range children[i].Kinds {
			if children[i].Kinds[k].Kind == l.Kind {
				children[i].Kinds[k].Late = l.Late
			}
		}
	}
	return nil
}
