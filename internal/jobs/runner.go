package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// Func is the body of a job, given what its run is about. It must be
// idempotent: running it twice for the same day leaves the same state.
type Func func(ctx context.Context, p Params) error

// Definition is a job the Runner knows by name.
type Definition struct {
	Name        string
	Description domain.Text
	// Setting names the setting of Schedule (e.g. "jobs.late_flags").
	Setting string
	// Schedule is the job's cron schedule (see Job).
	Schedule string
	// AtStart: the job also runs once when the scheduler starts.
	AtStart bool
	// DefaultAsOf is the day a run works for when none is given; nil means today.
	DefaultAsOf func(today domain.Day) domain.Day
	Run         Func
}

// Runner runs registered jobs by name, each run recorded in job_runs with
// its start, end, outcome, counts and error, and serialised across every
// daihoi process on the database by the job's advisory lock: a scheduled
// tick runs once in all of them, a run asked for from the command line or
// the API waits for a running one to end.
type Runner struct {
	store *store.Store
	clock domain.Clock
	log   *slog.Logger
	host  string
	defs  map[string]Definition
	// order lists the jobs in the order they were registered.
	order []string
	// observe, when set, hears of every recorded run (see Observe).
	observe func(run domain.JobRun, took time.Duration)
}

// NewRunner returns a runner without jobs recording runs in st, dating them
// by clock, from this host (host name and process id).
func NewRunner(st *store.Store, clock domain.Clock, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	name, err := os.Hostname()
	if err != nil {
		name = "unknown"
	}
	return &Runner{store: st, clock: clock, log: log, host: fmt.Sprintf("%s:%d", name, os.Getpid()), defs: map[string]Definition{}}
}

// Register adds a job; a name used twice panics (a programming error).
func (r *Runner) Register(d Definition) {
	if _, dup := r.defs[d.Name]; dup {
		panic("jobs: " + d.Name + " registered twice")
	}
	r.defs[d.Name] = d
	r.order = append(r.order, d.Name)
}

// Definitions lists the registered jobs, in the order registered.
func (r *Runner) Definitions() []Definition {
	out := make([]Definition, 0, len(r.order))
	for _, name := range r.order {
		out = append(out, r.defs[name])
	}
	return out
}

// Schedule puts every registered job on s with its schedule, each tick run
// once across every daihoi process on the database (Scheduled).
func (r *Runner) Schedule(s *Scheduler) error {
	for _, d := range r.Definitions() {
		if err := s.Add(Job{Name: d.Name, Schedule: d.Schedule, Run: r.Scheduled(d.Name)}); err != nil {
			return fmt.Errorf("%w (setting %s)", err, d.Setting)
		}
	}
	return nil
}

// RunAtStart runs once now, in the background on s, each job to run when
// the scheduler starts.
func (r *Runner) RunAtStart(s *Scheduler) {
	for _, d := range r.Definitions() {
		if !d.AtStart {
			continue
		}
		s.Go(Job{Name: d.Name + " (start-up)", Run: func(ctx context.Context, _ time.Time) error {
			_, err := r.Run(ctx, d.Name, Params{})
			return err
		}})
	}
}

// Observe has fn called after each run of this runner is recorded, with
// the run and how long its work took (the metrics count them). Call it
// before the first run: it is not safe to call while jobs run.
func (r *Runner) Observe(fn func(run domain.JobRun, took time.Duration)) { r.observe = fn }

// Host is how the runs of this process are recorded.
func (r *Runner) Host() string { return r.host }

// Jobs lists the registered jobs by name.
func (r *Runner) Jobs() []domain.JobInfo {
	out := make([]domain.JobInfo, 0, len(r.defs))
	for _, d := range r.defs {
		out = append(out, domain.JobInfo{Name: d.Name, Description: d.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Known reports whether a job is registered under name.
func (r *Runner) Known(name string) bool { _, ok := r.defs[name]; return ok }

// Run runs the job name once now, for p.AsOf (its default when zero) and
// p.RoundID, waiting for a run of the same job in any process to end
// first. It returns the recorded run; a job that fails is recorded as
// failed and its error returned too.
func (r *Runner) Run(ctx context.Context, name string, p Params) (domain.JobRun, error) {
	p.Tick = nil
	run, _, err := r.run(ctx, name, p)
	return run, err
}

// RunTick runs the job name for its scheduled time tick, unless another
// process runs or has run that tick (ran false, nothing recorded).
func (r *Runner) RunTick(ctx context.Context, name string, tick time.Time) (run domain.JobRun, ran bool, err error) {
	return r.run(ctx, name, Params{Tick: &tick})
}

// StartRetries are the waits before each new try of a tick whose run could
// not start (the database unreachable at the tick, say): about an hour and
// a half in all, after which the tick is given up and the next one runs.
var StartRetries = []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute,
	5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}

// Scheduled returns the Task to schedule for the job name: it runs the job
// once per tick across every process (the tick comes from the Scheduler;
// the zero time stands for now by the runner's clock). A tick whose run
// cannot start (nothing recorded: the database is down) is tried again
// after each wait of StartRetries, for the same tick, so that a restart of
// the database at 07:00 on Monday does not lose the week's reports; each
// failed start is counted as a failed run by the observer.
func (r *Runner) Scheduled(name string) Task {
	return func(ctx context.Context, tick time.Time) error {
		if tick.IsZero() {
			tick = r.clock.Now()
		}
		run, ran, err := r.RunTick(ctx, name, tick)
		for i := 0; !ran && err != nil && i < len(StartRetries); i++ {
			r.notStarted(name, err)
			r.log.Warn("job tick could not start; trying again", "job", name, "tick", tick.Truncate(time.Second),
				"in", StartRetries[i], "err", err)
			select {
			case <-ctx.Done():
				return err
			case <-time.After(StartRetries[i]):
			}
			run, ran, err = r.RunTick(ctx, name, tick)
		}
		if !ran && err != nil {
			r.notStarted(name, err)
		}
		if !ran && err == nil {
			r.log.Info("job tick taken by another process", "job", name, "tick", tick.Truncate(time.Second), "host", r.host)
			return nil
		}
		if err == nil {
			r.log.Info("job tick run", "job", name, "tick", tick.Truncate(time.Second), "host", r.host,
				"outcome", run.Outcome, "counts", map[string]int64(run.Counts))
		}
		return err
	}
}

// notStarted tells the observer of a run of name that could not start.
func (r *Runner) notStarted(name string, err error) {
	if r.observe != nil {
		r.observe(domain.JobRun{Job: name, Outcome: domain.JobFailed, Error: err.Error()}, 0)
	}
}

func (r *Runner) run(ctx context.Context, name string, p Params) (domain.JobRun, bool, error) {
	d, ok := r.defs[name]
	if !ok {
		return domain.JobRun{}, false, domain.NotFound(domain.JobText, name)
	}
	p.Now = r.clock.Now()
	if p.AsOf.Time.IsZero() {
		p.AsOf = domain.DayOf(domain.DateOf(p.Now))
		if d.DefaultAsOf != nil {
			p.AsOf = d.DefaultAsOf(p.AsOf)
		}
	}
	lease, err := r.store.StartJobRun(ctx, name, p.Tick, p.AsOf, r.host)
	if err != nil || lease == nil {
		return domain.JobRun{}, false, err
	}
	p.counts = &counts{m: domain.JobCounts{}}
	began := time.Now()
	runErr := safeRun(ctx, d.Run, p)
	took := time.Since(began)
	outcome, msg := domain.JobOK, ""
	switch {
	case errors.Is(runErr, ErrNothingToDo):
		outcome, runErr = domain.JobSkipped, nil
	case runErr != nil:
		outcome, msg = domain.JobFailed, runErr.Error()
	}
	run, err := lease.Finish(ctx, outcome, p.counts.figures(), msg)
	if err != nil {
		return run, true, errors.Join(runErr, err)
	}
	if r.observe != nil {
		r.observe(run, took)
	}
	if runErr != nil {
		return run, true, fmt.Errorf("jobs: %s: %w", name, runErr)
	}
	return run, true, nil
}

// safeRun runs fn, turning a panic into an error so that the run is recorded.
func safeRun(ctx context.Context, fn Func, p Params) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("panic: %v", x)
		}
	}()
	return fn(ctx, p)
}
