package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// A status update is the write daihoi does most, from many secretaries at
// once near a deadline. It runs in one transaction of five prepared
// statements, each one round trip:
//
//  1. lock the congress (and run the transaction's prepared statements on
//     their generic plans);
//  2. read it with the facts its rules need; the rules run in Go;
//  3. write it with its own auto milestones ('held', 'results_reported'),
//     and take the completion locks of the ancestors that this change may
//     complete or un-complete;
//  4. add the change to the ancestors' rollups (what it changes in the
//     figure events of every day: their delta rows stay locked only from
//     here to the commit), write the audit row, find the ancestors'
//     'children_held' milestones that are now wrong, and read the congress
//     as written;
//  5. commit.
//
// A deadline override and a 'children_held' milestone to fix add one
// statement each (and the override one more: the congress is read again
// with the deadline in force before step 4).

// lockForChange is step 1. set_config(..., true) lasts until the end of the
// transaction: the planner would otherwise plan each statement anew for its
// arguments whenever it estimates a custom plan cheaper, and replanning cost
// more than the statements of an update themselves. They are statements by
// key, whose generic plans are those the custom ones would be.
var lockForChange = prepare(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)
	FROM congresses c JOIN units u ON u.id = c.unit_id
	WHERE c.round_id = $1 AND u.code = $2 FOR UPDATE OF c`)

// congressForChange locks the congress of the unit with code in round and
// reads it with the facts its rules need (steps 1 and 2).
func congressForChange(ctx context.Context, tx *txn, roundID int64, code string, today domain.Day) (domain.Congress, domain.CongressFacts, error) {
	if _, err := tx.execPrepared(ctx, lockForChange, roundID, code); err != nil {
		return domain.Congress{}, domain.CongressFacts{}, fmt.Errorf("store: lock congress %s: %w", code, err)
	}
	var row congressAndFacts
	err := tx.getPrepared(ctx, &row, congressWithFacts, roundID, code, today)
	if errors.Is(err, sql.ErrNoRows) {
		return row.Congress, domain.CongressFacts{}, noCongress(code, roundID)
	}
	if err != nil {
		return row.Congress, domain.CongressFacts{}, fmt.Errorf("store: congress of %s: %w", code, err)
	}
	row.Congress.Fill()
	return row.Congress, domain.CongressFacts{RoundStart: row.RoundStart, LastDeadline: row.LastDeadline, PlanApproved: row.PlanApproved,
		ResultsRecorded: row.ResultsRecorded, PapersMissing: paperKinds(row.PapersMissing), BelowTotal: row.BelowTotal, BelowHeld: row.BelowHeld}, nil
}

// CongressChange describes one change of a congress for UpdateCongress.
// Its functions run inside the transaction: they must not use the store
// (see txn).
type CongressChange struct {
	// Version is the version the client read; 0 skips the check.
	Version int
	// Action and Entity name the change in the audit log.
	Action, Entity string
	// Today is the day overdue milestones are counted at.
	Today domain.Day
	// Authorize, when set, refuses the change from the locked congress
	// (before its version is checked); an error changes nothing.
	Authorize func(cur domain.Congress) error
	// Apply returns the new state from the locked current one and the
	// facts, and the reason recorded in the audit log; an error changes nothing.
	Apply func(cur domain.Congress, facts domain.CongressFacts) (next domain.Congress, reason string, err error)
	// Audit, when set, chooses what the audit log keeps before and after;
	// the default is the congress's snapshot.
	Audit func(before, after domain.Congress) (any, any)
}

// UpdateCongress applies a change to the congress of the unit with code in
// round, in one transaction: it locks the row, checks the version, lets the
// change compute the new state, writes it with a new version, keeps the auto
// milestones ('held', 'results_reported', the ancestors' 'children_held'),
// the deadline in force and the rollups in step, and records the change in
// the audit log. A change that changes nothing writes nothing.
func (s *Store) UpdateCongress(ctx context.Context, actor domain.Principal, roundID int64, code string, ch CongressChange) (domain.Congress, error) {
	var out domain.Congress
	err := s.inTx(ctx, func(tx *txn) (err error) {
		out, err = changeCongress(ctx, tx, actor, roundID, code, ch)
		return err
	})
	return out, err
}

// changeCongress is the work of UpdateCongress in the transaction tx.
func changeCongress(ctx context.Context, tx *txn, actor domain.Principal, roundID int64, code string, ch CongressChange) (domain.Congress, error) {
	cur, facts, err := congressForChange(ctx, tx, roundID, code, ch.Today)
	if err != nil {
		return cur, err
	}
	if ch.Authorize != nil {
		if err := ch.Authorize(cur); err != nil {
			return cur, err
		}
	}
	if ch.Version != 0 && ch.Version != cur.Version {
		return cur, domain.StaleVersion()
	}
	next, reason, err := ch.Apply(cur, facts)
	if err != nil {
		return cur, err
	}
	if next.Snapshot().Same(cur.Snapshot()) {
		return cur, nil
	}
	d, check := heldChange(cur, next)
	near, err := writeCongress(ctx, tx, actor, cur, next, ch.Today, d, check)
	if err != nil {
		return cur, err
	}
	// The congress as written is next, but for the deadline in force when
	// its override changed (writeCongress computed it anew).
	written := next
	if !domain.SameDay(cur.DeadlineOverride, next.DeadlineOverride) {
		if err := tx.getPrepared(ctx, &written, congressByCode, roundID, cur.UnitCode, ch.Today); err != nil {
			return cur, fmt.Errorf("store: congress of %s: %w", cur.UnitCode, err)
		}
		written.Fill()
	}
	var before, after any = cur.Snapshot(), written.Snapshot()
	if ch.Audit != nil {
		before, after = ch.Audit(cur, written)
	}
	audit, err := auditValues(actor, tx.at, &roundID, ch.Action, ch.Entity, &cur.UnitID, before, after, reason)
	if err != nil {
		return cur, err
	}
	out, err := finishCongress(ctx, tx, cur, written, ch.Today, d, near, audit)
	if err != nil {
		return cur, err
	}
	return out, nil
}

// CongressRow is one change of UpdateCongresses: the unit's code and the change.
type CongressRow struct {
	Code   string
	Change CongressChange
}

// bulkLockKey is the advisory lock that serialises the changes of several
// congresses at once (UpdateCongresses) with one another.
const bulkLockKey = 7_100_002

// UpdateCongresses applies the changes of rows in one transaction, all or
// none, each as UpdateCongress does (its version checked, its audit row,
// its rollups and milestones). The congresses are locked first, all of
// them, in the order of their codes, and two such transactions take turns
// (bulkLockKey), so that they cannot deadlock on the same units, nor with
// single updates. Every row is tried: the invalid and stale ones are
// returned together, each naming its row (FieldError.Row, from 1 in the
// order of rows; a stale row's field is "version"), as an invalid error, or
// a conflict when every refused row is stale; nothing is then written. A
// row that is not found or forbidden refuses the whole change at once.
func (s *Store) UpdateCongresses(ctx context.Context, actor domain.Principal, roundID int64, rows []CongressRow) ([]domain.Congress, error) {
	out := make([]domain.Congress, len(rows))
	err := s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, bulkLockKey); err != nil {
			return fmt.Errorf("store: bulk lock: %w", err)
		}
		order := make([]int, len(rows))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return rows[order[a]].Code < rows[order[b]].Code })
		for _, i := range order {
			if err := lockCongress(ctx, tx, roundID, rows[i].Code); err != nil {
				return err
			}
		}
		var v domain.Validation
		invalid := false
		for _, i := range order {
			c, err := changeCongress(ctx, tx, actor, roundID, rows[i].Code, rows[i].Change)
			switch de := domain.AsError(err); {
			case err == nil:
				out[i] = c
			case de != nil && de.Code == domain.EInvalid:
				invalid = true
				for _, f := range de.Fields {
					v.Fields = append(v.Fields, domain.FieldError{Field: f.Field, Row: i + 1, Message: f.Message})
				}
			case de != nil && de.Code == domain.EConflict:
				v.Fields = append(v.Fields, domain.FieldError{Field: "version", Row: i + 1, Message: de.Message})
			default:
				return err
			}
		}
		sort.SliceStable(v.Fields, func(a, b int) bool { return v.Fields[a].Row < v.Fields[b].Row })
		if err := v.Err(); err != nil && !invalid { // only stale rows: a conflict
			stale := domain.StaleVersion()
			stale.Fields = v.Fields
			return stale
		}
		return v.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeCongressSQL is step 3: the congress ($3-$12, $18-$19; the planned day
// cleared before it is held kept as withdrawn) with a new version, and
// its auto milestones 'held' (when $13: done on the held date $5, by $14)
// and 'results_reported' (when $15: done on $16, by $17); and the ids of
// the ancestors near completion ($20: the unit's path, $21: units held
// more, $22: the completion lock key, $23: whether to look), their locks
// taken.
var writeCongressSQL = prepare(`WITH c AS (
		UPDATE congresses SET status = $3, planned_date = $4, held_date = $5,
			delegates_expected = $6, delegates_present = $7, is_pilot = $8, lessons_learned = $9,
			deadline_override = $10, deadline_override_reason = $11, cascade_override_reason = $12,
			planned_time = $18, place = $19, version = version + 1, updated_at = now(),
			withdrawn_date = CASE WHEN $4::date IS NULL AND $5::date IS NULL THEN coalesce(planned_date, withdrawn_date) END
		WHERE round_id = $1 AND unit_id = $2
		RETURNING unit_id
	), auto AS (
		UPDATE milestones m SET done_on = w.done_on, done_by = w.done_by,
			done_at = CASE WHEN w.done_on IS NULL THEN NULL ELSE now() END
		FROM (VALUES ('held', $13::boolean, $5::date, $14::bigint),
			('results_reported', $15::boolean, $16::date, $17::bigint)) AS w(auto, apply, done_on, done_by),
			milestone_templates t
		WHERE w.apply AND m.round_id = $1 AND m.unit_id = (SELECT unit_id FROM c)
			AND t.id = m.template_id AND t.auto = w.auto
	)
	SELECT ARRAY(` + nearCompleteSQL("$1", "$20", "$21", "$22", "$23") + `) AS near`)

// writeCongress stores next in place of cur with the unit's own auto
// milestones (step 3), and the deadline in force when its override changed.
// It takes the completion locks of the ancestors that the change (d more
// units held; check: any change of held state or date) may complete or
// un-complete, and returns their ids.
//
// Those are the ancestors with at most max_connections units below not held
// as this transaction sees them (holds of other transactions not yet
// committed count as not held). Of the holds that complete a subtree, the
// last to commit sees at most as many units not held as there are other
// holds in flight, each on a connection of its own: fewer than
// max_connections. It waits for the subtree's completion lock and re-reads
// the rollups in the next statement, so it sees the others. Until a subtree
// is that close to complete, its holds take no lock.
func writeCongress(ctx context.Context, tx *txn, actor domain.Principal, cur, next domain.Congress, today domain.Day, d int, check bool) ([]int64, error) {
	doneBy := func(day *domain.Day) *int64 {
		if actor.User.ID == 0 || day == nil {
			return nil
		}
		return &actor.User.ID
	}
	held := cur.Status.Held() != next.Status.Held() || !domain.SameDay(cur.HeldDate, next.HeldDate)
	var reportedOn *domain.Day
	if next.Status == domain.StatusResultsReported {
		reportedOn = &today
	}
	reported := (cur.Status == domain.StatusResultsReported) != (next.Status == domain.StatusResultsReported)
	var near pq.Int64Array
	err := tx.getPrepared(ctx, &near, writeCongressSQL,
		cur.RoundID, cur.UnitID, next.Status, next.PlannedDate, next.HeldDate, next.DelegatesExpected, next.DelegatesPresent,
		next.IsPilot, next.LessonsLearned, next.DeadlineOverride, next.DeadlineOverrideReason, next.CascadeOverrideReason,
		held, doneBy(next.HeldDate), reported, reportedOn, doneBy(reportedOn), next.PlannedTime, next.Place,
		cur.UnitPath, d, completionLockKey, check)
	if err != nil {
		return nil, fmt.Errorf("store: update congress %s: %w", cur.UnitCode, err)
	}
	if !domain.SameDay(cur.DeadlineOverride, next.DeadlineOverride) {
		return near, refreshDeadlineOf(ctx, tx, cur.RoundID, cur.UnitID)
	}
	return near, nil
}

// heldChange returns how many more units the change holds (1, -1 or 0) and
// whether the ancestors' 'children_held' milestones may change: when the
// unit is held or un-held, or its held date moves.
func heldChange(cur, next domain.Congress) (d int, check bool) {
	switch was, is := cur.Status.Held(), next.Status.Held(); {
	case !was && is:
		return 1, true
	case was && !is:
		return -1, true
	}
	return 0, !domain.SameDay(cur.HeldDate, next.HeldDate)
}

// finishCongressSQL is step 4: the deltas of the rollups above the unit
// ($4: path, $5: kind) for its change from deadline, held and planned dates
// $16-$18 to $19-$21, the audit row ($6-$15), the ancestors' wrong
// 'children_held' milestones among $2 ($22 more units held), and the
// congress as written (of the unit $10, late and its milestones at $3): one
// row, or one per wrong milestone.
var finishCongressSQL = prepare(`WITH adj AS (` + changeDeltasSQL("$1", "$4", "$5", [3]string{"$16", "$17", "$18"}, [3]string{"$19", "$20", "$21"}) + `),
	aud AS (INSERT INTO audit_log (user_id, username, action, entity, unit_id, before, after, reason, round_id, at)
		VALUES ($6, $7, $8, $9, $10, $11, $12, $13, $14, $15)),
	` + childrenHeldCTEs("$1", "$2", "$22") + `
	` + congressCols + `, wrong.id AS wrong_id, wrong.done_on AS wrong_done_on` + congressFrom +
	`LEFT JOIN wrong ON true WHERE c.round_id = $1 AND c.unit_id = $10`)

// finishCongress adds the change from cur to next (d more units held) to
// the rollups above it, records the audit row (auditValues), fixes the
// 'children_held' milestones of the ancestors near (whose locks
// writeCongress took), read with the change counted, and returns the
// congress as written, late and its milestones counted at today.
func finishCongress(ctx context.Context, tx *txn, cur, next domain.Congress, today domain.Day, d int, near []int64, audit []any) (domain.Congress, error) {
	var rows []struct {
		domain.Congress
		WrongID     *int64      `db:"wrong_id"`
		WrongDoneOn *domain.Day `db:"wrong_done_on"`
	}
	args := append([]any{cur.RoundID, pq.Array(near), today, cur.UnitPath, cur.UnitKind}, audit...)
	args = append(args, cur.Deadline, cur.HeldDate, cur.PlannedDate, next.Deadline, next.HeldDate, next.PlannedDate, d)
	if err := tx.selectPrepared(ctx, &rows, finishCongressSQL, args...); err != nil {
		return domain.Congress{}, fmt.Errorf("store: record the change of %s: %w", cur.UnitCode, err)
	}
	if len(rows) == 0 {
		return domain.Congress{}, fmt.Errorf("store: record the change of %s: the congress is gone", cur.UnitCode)
	}
	var want []childrenHeldWant
	for _, r := range rows {
		if r.WrongID != nil {
			want = append(want, childrenHeldWant{ID: *r.WrongID, DoneOn: r.WrongDoneOn})
		}
	}
	out := rows[0].Congress
	out.Fill()
	return out, setChildrenHeld(ctx, tx, cur.RoundID, want)
}
