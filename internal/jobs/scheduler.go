// Package jobs runs daihoi's scheduled jobs on robfig/cron: each job is a
// func(ctx, Params) error with a schedule from the configuration, run in
// the configured time zone, recovered from panics, never overlapping
// itself, and stopped cleanly with the server. The Runner runs the jobs by
// name, records every run in job_runs and makes each scheduled tick run
// once across every daihoi process on the database. The jobs themselves
// are registered in one place, by package core (core/jobs.go), whose
// services they use.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Task is what the Scheduler runs: given the scheduled time of its tick
// (the zero time for a run started by Go).
type Task func(ctx context.Context, tick time.Time) error

// Job is a named task and its cron schedule: five fields (minute hour
// day-of-month month day-of-week: "0 * * * *"), six with seconds first
// ("*/10 * * * * *"), or a descriptor ("@hourly", "@every 1h").
type Job struct {
	Name     string
	Schedule string
	Run      Task
}

// Scheduler runs jobs on their schedules until stopped.
type Scheduler struct {
	cron   *cron.Cron
	loc    *time.Location
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	names  map[string]cron.EntryID
	once   sync.WaitGroup // jobs started by Go
}

// parser reads schedules with an optional seconds field.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// NewScheduler returns a stopped scheduler working in loc.
func NewScheduler(loc *time.Location, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	cl := cronLogger{log: log}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		loc: loc,
		cron: cron.New(
			cron.WithLocation(loc),
			cron.WithParser(parser),
			cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
		),
		log:    log,
		ctx:    ctx,
		cancel: cancel,
		names:  map[string]cron.EntryID{},
	}
}

// Add schedules a job; a bad schedule or a name used twice is an error.
// Each run is given the scheduled time of its tick.
func (s *Scheduler) Add(j Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.names[j.Name]; dup {
		return fmt.Errorf("jobs: %s scheduled twice", j.Name)
	}
	sched, err := parser.Parse(j.Schedule)
	if err != nil {
		return fmt.Errorf("jobs: schedule of %s %q: %w", j.Name, j.Schedule, err)
	}
	s.names[j.Name] = s.cron.Schedule(sched, cron.FuncJob(func() {
		tick := lastActivation(sched, time.Now().In(s.loc))
		s.runJob(s.ctx, tick, j)
	}))
	return nil
}

// Go runs a job once now, in the background, with the scheduler's context:
// Stop cancels it and waits for it like for the scheduled ones.
func (s *Scheduler) Go(j Job) {
	s.once.Add(1)
	go func() {
		defer s.once.Done()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("job panicked", "job", j.Name, "panic", fmt.Sprint(p))
			}
		}()
		s.runJob(s.ctx, time.Time{}, j)
	}()
}

func (s *Scheduler) runJob(ctx context.Context, tick time.Time, j Job) {
	start := time.Now()
	if err := j.Run(ctx, tick); err != nil {
		s.log.Error("job failed", "job", j.Name, "err", err, "duration", time.Since(start))
		return
	}
	s.log.Info("job done", "job", j.Name, "duration", time.Since(start))
}

// lastActivation returns the latest time at or before now when sched
// fires, looking back a minute (a job starts a few milliseconds after its
// time; under heavy load, later). Every process computes the same tick for
// the same activation, whatever its own delay, which is what makes "once
// per tick" work across processes.
func lastActivation(sched cron.Schedule, now time.Time) time.Time {
	t := sched.Next(now.Add(-time.Minute))
	if t.IsZero() || t.After(now) {
		return now.Truncate(time.Second)
	}
	for {
		n := sched.Next(t)
		if n.IsZero() || n.After(now) {
			return t
		}
		t = n
	}
}

// Next returns when the named job runs next (zero before Start).
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cron.Entry(s.names[name]).Next
}

// Start runs the scheduler in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling, cancels the context of running jobs and waits for
// them to return, or for ctx to end.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.cancel()
	once := make(chan struct{})
	go func() { s.once.Wait(); close(once) }()
	for _, c := range []<-chan struct{}{done.Done(), once} {
		select {
		case <-c:
		case <-ctx.Done():
			return fmt.Errorf("jobs: stop: %w", ctx.Err())
		}
	}
	return nil
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
