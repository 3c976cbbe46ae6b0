package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

func TestSchedulerRunsJobsAndStopsCleanly(t *testing.T) {
	s := NewScheduler(domain.Location, nil)
	var runs atomic.Int32
	var cancelled atomic.Bool
	started := make(chan struct{}, 10)
	if err := s.Add(Job{Name: "tick", Schedule: "@every 1s", Run: func(ctx context.Context, _ time.Time) error {
		runs.Add(1)
		started <- struct{}{}
		<-ctx.Done() // a long job: only Stop ends it
		cancelled.Store(true)
		return ctx.Err()
	}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("job did not run within 5s")
	}
	time.Sleep(1500 * time.Millisecond) // a second tick is skipped: the first run still runs
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if !cancelled.Load() {
		t.Error("Stop returned before the running job saw its context cancelled")
	}
	if got := runs.Load(); got != 1 {
		t.Errorf("runs = %d, want 1 (SkipIfStillRunning)", got)
	}
}

func TestSchedulerRecoversFromPanicsAndFailures(t *testing.T) {
	s := NewScheduler(domain.Location, nil)
	var after atomic.Int32
	_ = s.Add(Job{Name: "panics", Schedule: "@every 1s", Run: func(context.Context, time.Time) error { panic("boom") }})
	_ = s.Add(Job{Name: "fails", Schedule: "@every 1s", Run: func(context.Context, time.Time) error { after.Add(1); return errors.New("nope") }})
	s.Start()
	deadline := time.Now().Add(5 * time.Second)
	for after.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after.Load() < 2 {
		t.Errorf("the failing job ran %d times, want it to keep running after failures and panics", after.Load())
	}
}

func TestSchedulerRefusesBadSchedulesAndDuplicates(t *testing.T) {
	s := NewScheduler(domain.Location, nil)
	noop := func(context.Context, time.Time) error { return nil }
	if err := s.Add(Job{Name: "bad", Schedule: "every tuesday", Run: noop}); err == nil {
		t.Error("a bad schedule was accepted")
	}
	if err := s.Add(Job{Name: "a", Schedule: "0 7 * * 1", Run: noop}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Job{Name: "a", Schedule: "0 8 * * 1", Run: noop}); err == nil {
		t.Error("a job name used twice was accepted")
	}
}

func TestSchedulesAreInTheConfiguredZone(t *testing.T) {
	s := NewScheduler(domain.Location, nil)
	if err := s.Add(Job{Name: "monday", Schedule: "0 7 * * 1", Run: func(context.Context, time.Time) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background()) //nolint:errcheck
	var next time.Time
	for deadline := time.Now().Add(5 * time.Second); next.IsZero() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		next = s.Next("monday")
	}
	next = next.In(domain.Location)
	if next.Hour() != 7 || next.Weekday() != time.Monday {
		t.Errorf("next run %v, want a Monday 07:00 in Asia/Ho_Chi_Minh", next)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
