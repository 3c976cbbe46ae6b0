package jobs

import (
	"errors"
	"sync"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// Params are what one run of a job is about, given to its Func by the
// Runner.
type Params struct {
	// AsOf is the day the job works for: today by the runner's clock
	// unless a run from the command line or the API names another day
	// (the snapshot's default is yesterday, the day that just ended).
	AsOf domain.Day
	// RoundID is the round to work on; 0 means the current round.
	RoundID int64
	// Now is the instant the run started, by the runner's clock.
	Now time.Time
	// Tick is the scheduled time of a scheduled run; nil for a run from
	// the command line or the API.
	Tick *time.Time
	// counts gathers the figures the run reports (Count).
	counts *counts
}

// Count adds n to the figure name of the run (recorded in its job_runs
// row); on Params that are not a run's it does nothing.
func (p Params) Count(name string, n int) {
	if p.counts == nil {
		return
	}
	p.counts.mu.Lock()
	p.counts.m[name] += int64(n)
	p.counts.mu.Unlock()
}

// counts gathers the figures a run reports.
type counts struct {
	mu sync.Mutex
	m  domain.JobCounts
}

// figures returns the figures counted so far.
func (c *counts) figures() domain.JobCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m
}

// ErrNothingToDo is what a job returns when it had nothing to work on (no
// current round): the run is recorded as skipped, not failed.
var ErrNothingToDo = errors.New("jobs: nothing to do")
