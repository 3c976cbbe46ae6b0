// Package jobs runs daihoi's scheduled jobs on robfig/cron: each job is a
// func(ctx) error with a schedule from the configuration, run in the
// configured time zone, recovered from panics, never overlapping itself,
// and stopped cleanly with the server.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Func is the body of a job. It must be idempotent: running it twice for the
// same moment leaves the same state.
type Func func(ctx context.Context) error

// Job is a named job and its cron schedule ("0 * * * *", "@hourly", ...).
type Job struct {
	Name     string
	Schedule string
	Run      Func
}

// Scheduler runs jobs on their schedules until stopped.
type Scheduler struct {
	cron   *cron.Cron
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	names  map[string]cron.EntryID
}

// NewScheduler returns a stopped scheduler working in loc.
func NewScheduler(loc *time.Location, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	cl := cronLogger{log: log}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		cron: cron.New(
			cron.WithLocation(loc),
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
func (s *Scheduler) Add(j Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.names[j.Name]; dup {
		return fmt.Errorf("jobs: %s scheduled twice", j.Name)
	}
	id, err := s.cron.AddFunc(j.Schedule, func() {
		start := time.Now()
		err := j.Run(s.ctx)
		if err != nil {
			s.log.Error("job failed", "job", j.Name, "err", err, "duration", time.Since(start))
			return
		}
		s.log.Info("job done", "job", j.Name, "duration", time.Since(start))
	})
	if err != nil {
		return fmt.Errorf("jobs: schedule of %s %q: %w", j.Name, j.Schedule, err)
	}
	s.names[j.Name] = id
	return nil
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
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs: stop: %w", ctx.Err())
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
