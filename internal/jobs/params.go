package jobs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// Params are what one run of a job is about. The Runner puts them in the
// context of the job's Func, which reads them with ParamsFrom.
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
}

type paramsKey struct{}

// WithParams returns ctx carrying p for a job's Func.
func WithParams(ctx context.Context, p Params) context.Context {
	return context.WithValue(ctx, paramsKey{}, p)
}

// ParamsFrom returns the params of the run in ctx (zero when none).
func ParamsFrom(ctx context.Context) Params {
	p, _ := ctx.Value(paramsKey{}).(Params)
	return p
}

// counts gathers the figures a run reports.
type counts struct {
	mu sync.Mutex
	m  domain.JobCounts
}

type countsKey struct{}

// Count adds n to the figure name of the run in ctx (recorded in its
// job_runs row); outside a run it does nothing.
func Count(ctx context.Context, name string, n int) {
	c, _ := ctx.Value(countsKey{}).(*counts)
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m[name] += int64(n)
	c.mu.Unlock()
}

// ErrNothingToDo is what a job returns when it had nothing to work on (no
// current round): the run is recorded as skipped, not failed.
var ErrNothingToDo = errors.New("jobs: nothing to do")

type tickKey struct{}

// withTick returns ctx carrying the scheduled time of a run.
func withTick(ctx context.Context, tick time.Time) context.Context {
	return context.WithValue(ctx, tickKey{}, tick)
}

// TickFrom returns the scheduled time the Scheduler put in ctx.
func TickFrom(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(tickKey{}).(time.Time)
	return t, ok
}
