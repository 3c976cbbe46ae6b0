package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// A status update is the write daihoi does most, from many secretaries at
// once near a deadline. Updates that arrive together run in one
// transaction (congressBatcher), and that transaction changes all of their
// congresses in four statements whatever their number, each one round
// trip (changeCongresses):
//
//  1. lock the congresses, in the order of their codes (and run the
//     transaction's prepared statements on their generic plans);
//  2. read them with the facts their rules need; the rules run in Go, each
//     change on its own (a refused change does not stop the others);
//  3. write them with their own auto milestones ('held',
//     'results_reported'), and take the completion locks of the ancestors
//     that the changes may complete or un-complete;
//  4. add the changes to the ancestors' rollups (what they change in the
//     figure events of every day: their delta rows stay locked only from
//     here to the commit), write the audit rows, find the ancestors'
//     'children_held' milestones that are now wrong, and read the
//     congresses as written;
//
// then commit. A deadline override adds two statements for its congress
// (the deadline in force, and the congress read again with it), and a
// 'children_held' milestone to fix one for them all.

// lockForChange is step 1: lock_congresses (migration 00030) locks the
// congresses in the order of their codes and has the transaction's
// prepared statements run on their generic plans. They are statements by
// key, whose generic plans are those the planner would make for their
// arguments, and planning them again at each run would cost more than
// running them.
var lockForChange = prepare(`SELECT lock_congresses($1, $2::text[])`)

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
// the audit log. A change that changes nothing writes nothing. Changes of
// other congresses made at the same moment may share its transaction
// (congressBatcher); each is decided, refused and audited on its own.
func (s *Store) UpdateCongress(ctx context.Context, actor domain.Principal, roundID int64, code string, ch CongressChange) (domain.Congress, error) {
	return s.batcher.do(ctx, &congressJob{actor: actor, round: roundID, code: code, ch: ch})
}

// congressJob is one change of a congress in changeCongresses: by whom, of
// the unit with code in round, and its outcome (out, or the refusal err).
type congressJob struct {
	actor domain.Principal
	round int64
	code  string
	ch    CongressChange
	out   domain.Congress
	err   error

	// Set by changeCongresses for a change that writes.
	cur, next domain.Congress
	reason    string
	d         int
	check     bool

	// The request's context, and closed once out and err are final
	// (congressBatcher).
	ctx  context.Context
	done chan struct{}
}

// reset forgets what a rolled back transaction made of the job.
func (j *congressJob) reset() {
	j.out, j.err, j.cur, j.next, j.reason, j.d, j.check = domain.Congress{}, nil, domain.Congress{}, domain.Congress{}, "", 0, false
}

// changeCongresses applies the changes of jobs, all in round and with the
// same Today, in the transaction tx (steps 1 to 4 above). Each job gets its
// outcome: the congress as written, or as it was when the change is
// refused (its err, a domain error) or changes nothing. The error returned
// is the transaction's: nothing of it may be committed. A code may appear
// in several jobs: they are applied one after the other, in their order.
// shard is the shard of rollup_deltas the changes add to: their lane's
// (congressBatcher), or nil for one drawn by the statement.
func changeCongresses(ctx context.Context, tx *txn, roundID int64, jobs []*congressJob, shard *int16) error {
	for len(jobs) > 0 {
		seen := make(map[string]bool, len(jobs))
		var now, later []*congressJob
		for _, j := range jobs {
			if seen[j.code] {
				later = append(later, j)
				continue
			}
			seen[j.code] = true
			now = append(now, j)
		}
		if err := changeDistinct(ctx, tx, roundID, now, shard); err != nil {
			return err
		}
		jobs = later
	}
	return nil
}

// changeDistinct is changeCongresses for jobs of distinct codes.
func changeDistinct(ctx context.Context, tx *txn, roundID int64, jobs []*congressJob, shard *int16) error {
	today := jobs[0].ch.Today
	codes := make([]string, len(jobs))
	for i, j := range jobs {
		codes[i] = j.code
	}
	if _, err := tx.execPrepared(ctx, lockForChange, roundID, pq.Array(codes)); err != nil {
		return fmt.Errorf("store: lock congresses %v: %w", codes, err)
	}
	var rows []congressAndFacts
	if err := tx.selectPrepared(ctx, &rows, congressWithFacts, roundID, pq.Array(codes), today); err != nil {
		return fmt.Errorf("store: congresses of %v: %w", codes, err)
	}
	found := make(map[string]*congressAndFacts, len(rows))
	for i := range rows {
		rows[i].Congress.Fill()
		found[rows[i].UnitCode] = &rows[i]
	}
	var changed []*congressJob
	for _, j := range jobs {
		row, ok := found[j.code]
		if !ok {
			j.err = noCongress(j.code, roundID)
			continue
		}
		cur := row.Congress
		j.out = cur
		if j.err = decide(j, cur, row.facts()); j.err != nil || j.next.Snapshot().Same(cur.Snapshot()) {
			continue
		}
		j.cur = cur
		j.d, j.check = heldChange(cur, j.next)
		changed = append(changed, j)
	}
	if len(changed) == 0 {
		return nil
	}
	near, err := writeCongresses(ctx, tx, roundID, changed)
	if err != nil {
		return err
	}
	for _, j := range changed {
		// The congress as written is next, but for the deadline in force
		// when its override changed: computed anew, then read.
		if domain.SameDay(j.cur.DeadlineOverride, j.next.DeadlineOverride) {
			continue
		}
		if err := refreshDeadlineOf(ctx, tx, roundID, j.cur.UnitID); err != nil {
			return err
		}
		if err := tx.getPrepared(ctx, &j.next, congressByCode, roundID, j.cur.UnitCode, today); err != nil {
			return fmt.Errorf("store: congress of %s: %w", j.cur.UnitCode, err)
		}
		j.next.Fill()
	}
	return finishCongresses(ctx, tx, roundID, today, changed, near, shard)
}

// decide runs the job's rules on the locked congress cur: authorization,
// version, then the change itself, whose outcome it keeps in j.
func decide(j *congressJob, cur domain.Congress, facts domain.CongressFacts) error {
	if j.ch.Authorize != nil {
		if err := j.ch.Authorize(cur); err != nil {
			return err
		}
	}
	if j.ch.Version != 0 && j.ch.Version != cur.Version {
		return domain.StaleVersion()
	}
	var err error
	j.next, j.reason, err = j.ch.Apply(cur, facts)
	return err
}

// facts are the facts of the congress read with it.
func (row congressAndFacts) facts() domain.CongressFacts {
	return domain.CongressFacts{RoundStart: row.RoundStart, LastDeadline: row.LastDeadline, PlanApproved: row.PlanApproved,
		ResultsRecorded: row.ResultsRecorded, PapersMissing: paperKinds(row.PapersMissing), BelowTotal: row.BelowTotal, BelowHeld: row.BelowHeld,
		ParentHeld: row.ParentHeld}
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
// (bulkLockKey). Every row is tried: the invalid and stale ones are
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
		if len(rows) == 0 {
			return nil
		}
		jobs := make([]*congressJob, len(rows))
		for i, r := range rows {
			jobs[i] = &congressJob{actor: actor, round: roundID, code: r.Code, ch: r.Change}
		}
		if err := changeCongresses(ctx, tx, roundID, jobs, nil); err != nil {
			return err
		}
		var v domain.Validation
		invalid := false
		for i, j := range jobs {
			switch de := domain.AsError(j.err); {
			case j.err == nil:
				out[i] = j.out
			case de != nil && de.Code == domain.EInvalid:
				invalid = true
				for _, f := range de.Fields {
					v.Fields = append(v.Fields, domain.FieldError{Field: f.Field, Row: i + 1, Message: f.Message})
				}
			case de != nil && de.Code == domain.EConflict:
				v.Fields = append(v.Fields, domain.FieldError{Field: "version", Row: i + 1, Message: de.Message})
			default:
				return j.err
			}
		}
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

// changeRowsSQL reads the changes of writeCongressesSQL ($2) as the table
// r: each congress's new state, its auto milestones 'held' (when held: done
// on held_date, by held_by) and 'results_reported' (when reported: done on
// reported_on, by reported_by), its unit's path, how many more units it
// holds (d) and whether the ancestors' completion may change (completes).
const changeRowsSQL = `r AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(unit_id bigint, path text,
		status text, planned_date date, held_date date, delegates_expected int, delegates_present int, is_pilot boolean,
		lessons_learned text, deadline_override date, deadline_override_reason text, cascade_override_reason text,
		planned_time time, place text, held boolean, held_by bigint, reported boolean, reported_on date, reported_by bigint,
		d int, completes boolean))`

// writeCongressesSQL is step 3: the congresses of the changes $2 in round
// $1 (the planned day cleared before it is held kept as withdrawn), each
// with a new version, and their auto milestones; and the ids of the
// ancestors near completion, their locks ($3) taken; and the
// transaction's id.
var writeCongressesSQL = prepare(`WITH ` + changeRowsSQL + `, c AS (
		UPDATE congresses c SET status = r.status, planned_date = r.planned_date, held_date = r.held_date,
			delegates_expected = r.delegates_expected, delegates_present = r.delegates_present, is_pilot = r.is_pilot,
			lessons_learned = r.lessons_learned, deadline_override = r.deadline_override,
			deadline_override_reason = r.deadline_override_reason, cascade_override_reason = r.cascade_override_reason,
			planned_time = r.planned_time, place = r.place, version = c.version + 1, updated_at = $4,
			withdrawn_date = CASE WHEN r.planned_date IS NULL AND r.held_date IS NULL THEN coalesce(c.planned_date, c.withdrawn_date) END
		FROM r WHERE c.round_id = $1 AND c.unit_id = r.unit_id
		RETURNING c.unit_id
	), auto AS (
		UPDATE milestones m SET done_on = w.done_on, done_by = w.done_by,
			done_at = CASE WHEN w.done_on IS NULL THEN NULL ELSE $4::timestamptz END
		FROM r CROSS JOIN LATERAL (VALUES ('held', r.held, r.held_date, r.held_by),
			('results_reported', r.reported, r.reported_on, r.reported_by)) AS w(auto, apply, done_on, done_by),
			milestone_templates t
		WHERE w.apply AND m.round_id = $1 AND m.unit_id = r.unit_id AND m.unit_id IN (SELECT unit_id FROM c)
			AND t.id = m.template_id AND t.auto = w.auto
	)
	SELECT ARRAY(` + nearCompleteSQL("$1", "r", "$3") + `) AS near, pg_current_xact_id()::text::bigint AS xact`)

// changeRow is a row of changeRowsSQL.
type changeRow struct {
	UnitID                 int64                 `json:"unit_id"`
	Path                   string                `json:"path"`
	Status                 domain.CongressStatus `json:"status"`
	PlannedDate            *domain.Day           `json:"planned_date"`
	HeldDate               *domain.Day           `json:"held_date"`
	DelegatesExpected      *int                  `json:"delegates_expected"`
	DelegatesPresent       *int                  `json:"delegates_present"`
	IsPilot                bool                  `json:"is_pilot"`
	LessonsLearned         string                `json:"lessons_learned"`
	DeadlineOverride       *domain.Day           `json:"deadline_override"`
	DeadlineOverrideReason string                `json:"deadline_override_reason"`
	CascadeOverrideReason  string                `json:"cascade_override_reason"`
	PlannedTime            *domain.ClockTime     `json:"planned_time"`
	Place                  string                `json:"place"`
	Held                   bool                  `json:"held"`
	HeldBy                 *int64                `json:"held_by"`
	Reported               bool                  `json:"reported"`
	ReportedOn             *domain.Day           `json:"reported_on"`
	ReportedBy             *int64                `json:"reported_by"`
	D                      int                   `json:"d"`
	Completes              bool                  `json:"completes"`
}

// writeCongresses stores each job's next in place of its cur with the
// unit's own auto milestones (step 3). It takes the completion locks of
// the ancestors that the changes (j.d more units held; j.check: any change
// of held state or date) may complete or un-complete, and returns their ids.
//
// Those are the ancestors with at most max_connections units below not held
// as this transaction sees them (holds of other transactions not yet
// committed count as not held). Of the holds that complete a subtree, the
// last to commit sees at most as many units not held as there are other
// holds in flight, each on a connection of its own: fewer than
// max_connections. It waits for the subtree's completion lock and re-reads
// the rollups in the next statement, so it sees the others. Until a subtree
// is that close to complete, its holds take no lock.
func writeCongresses(ctx context.Context, tx *txn, roundID int64, jobs []*congressJob) ([]int64, error) {
	rows := make([]changeRow, len(jobs))
	for i, j := range jobs {
		cur, next := j.cur, j.next
		doneBy := func(day *domain.Day) *int64 {
			if j.actor.User.ID == 0 || day == nil {
				return nil
			}
			id := j.actor.User.ID
			return &id
		}
		var reportedOn *domain.Day
		if next.Status == domain.StatusResultsReported {
			today := j.ch.Today
			reportedOn = &today
		}
		rows[i] = changeRow{UnitID: cur.UnitID, Path: cur.UnitPath, Status: next.Status, PlannedDate: next.PlannedDate,
			HeldDate: next.HeldDate, DelegatesExpected: next.DelegatesExpected, DelegatesPresent: next.DelegatesPresent,
			IsPilot: next.IsPilot, LessonsLearned: next.LessonsLearned, DeadlineOverride: next.DeadlineOverride,
			DeadlineOverrideReason: next.DeadlineOverrideReason, CascadeOverrideReason: next.CascadeOverrideReason,
			PlannedTime: next.PlannedTime, Place: next.Place,
			Held:       cur.Status.Held() != next.Status.Held() || !domain.SameDay(cur.HeldDate, next.HeldDate),
			HeldBy:     doneBy(next.HeldDate),
			Reported:   (cur.Status == domain.StatusResultsReported) != (next.Status == domain.StatusResultsReported),
			ReportedOn: reportedOn, ReportedBy: doneBy(reportedOn), D: j.d, Completes: j.check}
	}
	in, err := json.Marshal(rows)
	if err != nil {
		return nil, err
	}
	var out struct {
		Near pq.Int64Array `db:"near"`
		Xact int64         `db:"xact"`
	}
	if err := tx.getPrepared(ctx, &out, writeCongressesSQL, roundID, string(in), completionLockKey, tx.at); err != nil {
		return nil, fmt.Errorf("store: update congresses: %w", err)
	}
	tx.xact = uint64(out.Xact)
	return out.Near, nil
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

// changeFiguresSQL reads the changes of finishCongressesSQL ($2) as the table
// r: each unit's id, path and kind, its congress's (deadline, held,
// planned) dates before and after, and how many more units it holds (d);
// with whether the congress misses papers (read from its row, which this
// transaction holds locked: a status update does not change it).
const changeFiguresSQL = `r AS MATERIALIZED (SELECT j.*, c.papers_missing AS was_missing, c.papers_missing
		FROM jsonb_to_recordset($2::jsonb) AS j(unit_id bigint, path text, kind text,
			was_deadline date, was_held date, was_planned date, deadline date, held_date date, planned_date date, d int)
		JOIN congresses c ON c.round_id = $1 AND c.unit_id = j.unit_id)`

// finishCongressesSQL is step 4: the deltas of the rollups above the units
// of the changes $2 (changeDeltasSQL, in the shard $6, or one drawn when
// it is NULL), the audit rows $4, the wrong
// 'children_held' milestones of the ancestors $5 (counting the changes'
// holds below each), and the congresses as written (late and their
// milestones at $3): one row per congress, or one per congress and wrong
// milestone.
var finishCongressesSQL = prepare(`WITH ` + changeFiguresSQL + `,
	adj AS (` + changeDeltasSQL("$1", "r", `coalesce($6::smallint, `+deltaShard+`)`) + `),
	aud AS (INSERT INTO audit_log (user_id, username, action, entity, unit_id, before, after, reason, round_id, at)
		SELECT user_id, username, action, entity, unit_id, before, after, reason, round_id, at
		FROM jsonb_to_recordset($4::jsonb) AS a(user_id bigint, username text, action text, entity text, unit_id bigint,
			before jsonb, after jsonb, reason text, round_id bigint, at timestamptz)),
	` + childrenHeldCTEs("$1", `SELECT x.id, coalesce((SELECT sum(r.d) FROM r WHERE x.id = ANY(`+ancestorsOf("r.path")+`)), 0)::int AS d
		FROM unnest($5::bigint[]) AS x(id)`) + `
	` + congressCols + `, wrong.id AS wrong_id, wrong.done_on AS wrong_done_on` + congressFrom +
	`LEFT JOIN wrong ON true WHERE c.round_id = $1 AND c.unit_id = ANY(ARRAY(SELECT unit_id FROM r))`)

// changeFigures is a row of changeFiguresSQL.
type changeFigures struct {
	UnitID      int64       `json:"unit_id"`
	Path        string      `json:"path"`
	Kind        string      `json:"kind"`
	WasDeadline *domain.Day `json:"was_deadline"`
	WasHeld     *domain.Day `json:"was_held"`
	WasPlanned  *domain.Day `json:"was_planned"`
	Deadline    *domain.Day `json:"deadline"`
	HeldDate    *domain.Day `json:"held_date"`
	PlannedDate *domain.Day `json:"planned_date"`
	D           int         `json:"d"`
}

// finishCongresses adds each job's change from cur to next to the rollups
// above it (in the delta shard shard, or one drawn when nil), records its audit row, fixes the 'children_held' milestones of
// the ancestors near (whose locks writeCongresses took), read with the
// changes counted, and gives each job the congress as written, late and
// its milestones counted at today.
func finishCongresses(ctx context.Context, tx *txn, roundID int64, today domain.Day, jobs []*congressJob, near []int64, shard *int16) error {
	changes := make([]changeFigures, len(jobs))
	audits := make([]auditRow, len(jobs))
	for i, j := range jobs {
		cur, next := j.cur, j.next
		changes[i] = changeFigures{UnitID: cur.UnitID, Path: cur.UnitPath, Kind: cur.UnitKind,
			WasDeadline: cur.Deadline, WasHeld: cur.HeldDate, WasPlanned: cur.PlannedDate,
			Deadline: next.Deadline, HeldDate: next.HeldDate, PlannedDate: next.PlannedDate, D: j.d}
		var before, after any = cur.Snapshot(), next.Snapshot()
		if j.ch.Audit != nil {
			before, after = j.ch.Audit(cur, next)
		}
		round, unit := roundID, cur.UnitID
		a, err := auditRowOf(j.actor, tx.at, &round, j.ch.Action, j.ch.Entity, &unit, before, after, j.reason)
		if err != nil {
			return err
		}
		audits[i] = a
	}
	in, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	aud, err := json.Marshal(audits)
	if err != nil {
		return err
	}
	var rows []struct {
		domain.Congress
		WrongID     *int64      `db:"wrong_id"`
		WrongDoneOn *domain.Day `db:"wrong_done_on"`
	}
	if err := tx.selectPrepared(ctx, &rows, finishCongressesSQL, roundID, string(in), today, string(aud), pq.Array(near), shard); err != nil {
		return fmt.Errorf("store: record the changes: %w", err)
	}
	written := make(map[int64]domain.Congress, len(rows))
	var want []childrenHeldWant
	wanted := map[int64]bool{}
	for _, r := range rows {
		written[r.UnitID] = r.Congress
		if r.WrongID != nil && !wanted[*r.WrongID] {
			wanted[*r.WrongID] = true
			want = append(want, childrenHeldWant{ID: *r.WrongID, DoneOn: r.WrongDoneOn})
		}
	}
	for _, j := range jobs {
		c, ok := written[j.cur.UnitID]
		if !ok {
			return fmt.Errorf("store: record the change of %s: the congress is gone", j.cur.UnitCode)
		}
		c.Fill()
		j.out = c
	}
	sort.Slice(want, func(a, b int) bool { return want[a].ID < want[b].ID })
	return setChildrenHeld(ctx, tx, roundID, want)
}
