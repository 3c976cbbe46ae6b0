package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// jobLockKey is the first key of the advisory locks of jobs, the second
// being hashtext(job name); the two-key space does not meet the one-key
// space of treeLockKey.
const jobLockKey = 7_100_002

// JobLease is this process's right to run a job now. It holds the job's
// transaction-level advisory lock, and the job's run row, in a transaction
// of its own until Finish: the job's work runs in other transactions.
type JobLease struct {
	tx      *txn
	release func()
	run     domain.JobRun
}

// Run returns the run being recorded.
func (l *JobLease) Run() domain.JobRun { return l.run }

// StartJobRun takes the advisory lock of job and records a run of it on
// asOf from this host. A scheduled run (tick set: the scheduled time,
// truncated to the second) returns a nil lease, and records nothing, when
// another process holds the lock or has already run that tick: the unique
// index on (job, tick) makes each tick run once across every daihoi
// process on the database. A run from the command line or the API (tick
// nil) waits for the lock, so runs of one job never overlap.
func (s *Store) StartJobRun(ctx context.Context, job string, tick *time.Time, asOf domain.Day, host string) (*JobLease, error) {
	tx, release, err := s.beginLease(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: job %s: %w", job, err)
	}
	lease, err := startJobRun(ctx, tx, job, tick, asOf, host)
	if err != nil || lease == nil {
		_ = tx.Rollback()
		release()
		return nil, typed(ctx, err)
	}
	lease.release = release
	return lease, nil
}

func startJobRun(ctx context.Context, tx *txn, job string, tick *time.Time, asOf domain.Day, host string) (*JobLease, error) {
	if tick == nil {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, jobLockKey, job); err != nil {
			return nil, fmt.Errorf("store: lock job %s: %w", job, err)
		}
	} else {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT pg_try_advisory_xact_lock($1, hashtext($2))`, jobLockKey, job); err != nil {
			return nil, fmt.Errorf("store: lock job %s: %w", job, err)
		}
		if !ok {
			return nil, nil
		}
		t := tick.Truncate(time.Second)
		tick = &t
	}
	l := &JobLease{tx: tx}
	err := tx.GetContext(ctx, &l.run, `INSERT INTO job_runs (job, as_of, tick, host, started_at, outcome)
		VALUES ($1, $2, $3, $4, clock_timestamp(), 'running')
		ON CONFLICT (job, tick) WHERE tick IS NOT NULL DO NOTHING
		RETURNING `+jobRunColumns, job, asOf, tick, host)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // this tick has run already
	}
	if err != nil {
		return nil, fmt.Errorf("store: record run of %s: %w", job, err)
	}
	return l, nil
}

const jobRunColumns = `id, job, as_of, tick, started_at, finished_at, outcome, counts, error, host`

// Finish records the run's outcome, counts and error, and releases the
// lock. It runs even when ctx was cancelled (a shutdown), so that a run
// that started is recorded.
func (l *JobLease) Finish(ctx context.Context, outcome string, counts domain.JobCounts, errText string) (domain.JobRun, error) {
	ctx = context.WithoutCancel(ctx)
	defer l.release()
	defer l.tx.Rollback() //nolint:errcheck // a no-op after commit
	if counts == nil {
		counts = domain.JobCounts{}
	}
	var run domain.JobRun
	if err := l.tx.GetContext(ctx, &run, `UPDATE job_runs SET finished_at = clock_timestamp(), outcome = $2, counts = $3, error = $4
		WHERE id = $1 RETURNING `+jobRunColumns, l.run.ID, outcome, counts, errText); err != nil {
		return run, fmt.Errorf("store: record run of %s: %w", l.run.Job, err)
	}
	if err := l.tx.Commit(); err != nil {
		return run, fmt.Errorf("store: record run of %s: %w", l.run.Job, err)
	}
	return run, nil
}

// JobRuns lists the most recent runs, of job or of every job when job is "".
func (s *Store) JobRuns(ctx context.Context, job string, limit int) ([]domain.JobRun, error) {
	out := []domain.JobRun{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+jobRunColumns+` FROM job_runs
		WHERE $1 = '' OR job = $1 ORDER BY id DESC LIMIT $2`, job, limit)
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	return out, nil
}

// RoundIDs lists the ids of every round, oldest first.
func (s *Store) RoundIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM rounds ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: rounds: %w", err)
	}
	return ids, nil
}

// LastJobSuccesses returns when each of jobs last ended well (outcome ok),
// in any process; a job that never did is absent. Each job is one probe of
// the index on (job, id).
func (s *Store) LastJobSuccesses(ctx context.Context, jobs []string) (map[string]time.Time, error) {
	var rows []struct {
		Job        string    `db:"job"`
		FinishedAt time.Time `db:"finished_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT j.job, r.finished_at FROM unnest($1::text[]) AS j(job)
		CROSS JOIN LATERAL (SELECT finished_at FROM job_runs
			WHERE job = j.job AND outcome = 'ok' AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1) r`,
		pq.Array(jobs)); err != nil {
		return nil, fmt.Errorf("store: last successes of jobs: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Job] = r.FinishedAt
	}
	return out, nil
}
