package jobs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

var testNow = time.Date(2020, 4, 1, 9, 0, 0, 0, domain.Location)

func newTestRunner(t *testing.T, st *store.Store, host string) *Runner {
	t.Helper()
	r := NewRunner(st, domain.FixedClock(testNow), testLogger(t))
	r.host = host
	return r
}

func TestRunnerRecordsEveryRun(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	r := newTestRunner(t, st, "a:1")
	var seen Params
	r.Register(Definition{Name: "ok", Run: func(ctx context.Context, p Params) error {
		seen = p
		p.Count("rows", 3)
		p.Count("rows", 2)
		return nil
	}})
	r.Register(Definition{Name: "fails", Run: func(ctx context.Context, p Params) error { p.Count("rows", 1); return errors.New("disk on fire") }})
	r.Register(Definition{Name: "panics", Run: func(ctx context.Context, p Params) error { panic("boom") }})
	r.Register(Definition{Name: "idle", Run: func(ctx context.Context, p Params) error { return ErrNothingToDo }})
	r.Register(Definition{Name: "yesterday", DefaultAsOf: func(d domain.Day) domain.Day { return d.AddDays(-1) },
		Run: func(ctx context.Context, p Params) error { return nil }})

	cases := []struct {
		job, asOf, outcome, errText, wantAsOf string
		wantErr                               bool
		rows                                  int64
	}{
		{"ok", "", domain.JobOK, "", "2020-04-01", false, 5},
		{"ok", "2020-03-15", domain.JobOK, "", "2020-03-15", false, 5},
		{"fails", "", domain.JobFailed, "disk on fire", "2020-04-01", true, 1},
		{"panics", "", domain.JobFailed, "panic: boom", "2020-04-01", true, 0},
		{"idle", "", domain.JobSkipped, "", "2020-04-01", false, 0},
		{"yesterday", "", domain.JobOK, "", "2020-03-31", false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.job+" "+tc.asOf, func(t *testing.T) {
			var p Params
			if tc.asOf != "" {
				d, _ := domain.ParseDate(tc.asOf)
				p.AsOf = domain.DayOf(d)
			}
			run, err := r.Run(ctx, tc.job, p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if run.Outcome != tc.outcome || run.Error != tc.errText || run.Counts["rows"] != tc.rows || run.Host != "a:1" ||
				run.AsOf == nil || run.AsOf.String() != tc.wantAsOf || run.Tick != nil || run.FinishedAt == nil || run.FinishedAt.Before(run.StartedAt) {
				t.Errorf("run = %+v", run)
			}
		})
	}
	if seen.AsOf.String() != "2020-03-15" || !seen.Now.Equal(testNow) || seen.Tick != nil {
		t.Errorf("params seen by the job = %+v", seen)
	}
	runs, err := st.JobRuns(ctx, "", 100)
	if err != nil || len(runs) != len(cases) {
		t.Fatalf("runs = %d (%v), want %d", len(runs), err, len(cases))
	}
	if _, err := r.Run(ctx, "nope", Params{}); !domain.IsCode(err, domain.ENotFound) {
		t.Errorf("unknown job: %v", err)
	}
}

func TestATickRunsOnceAcrossProcesses(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	var running, runs atomic.Int32
	release := make(chan struct{})
	job := Definition{Name: "slow", Run: func(ctx context.Context, p Params) error {
		if running.Add(1) > 1 {
			t.Error("two runs at once")
		}
		runs.Add(1)
		<-release
		running.Add(-1)
		return nil
	}}
	// Two "processes": runners with their own hosts on one database.
	a, b := newTestRunner(t, st, "a:1"), newTestRunner(t, st, "b:2")
	a.Register(job)
	b.Register(job)
	tick := time.Date(2020, 4, 1, 10, 0, 0, 0, domain.Location)

	var wg sync.WaitGroup
	ran := make([]bool, 2)
	for i, r := range []*Runner{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := r.RunTick(ctx, "slow", tick.Add(time.Duration(i)*300*time.Millisecond)) // same second
			if err != nil {
				t.Error(err)
			}
			ran[i] = ok
		}()
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	wg.Wait()
	if ran[0] == ran[1] || runs.Load() != 1 {
		t.Errorf("ran = %v, job ran %d times, want exactly one of the two", ran, runs.Load())
	}
	t.Run("a process that comes late for a tick run already skips it", func(t *testing.T) {
		if _, ok, err := b.RunTick(ctx, "slow", tick); ok || err != nil {
			t.Errorf("ran again: %v %v", ok, err)
		}
		if runs.Load() != 1 {
			t.Errorf("job ran %d times", runs.Load())
		}
	})
	t.Run("the next tick runs", func(t *testing.T) {
		if _, ok, err := b.RunTick(ctx, "slow", tick.Add(time.Hour)); !ok || err != nil {
			t.Errorf("next tick: %v %v", ok, err)
		}
	})
	t.Run("runs by hand always run, one after the other", func(t *testing.T) {
		var wg sync.WaitGroup
		for _, r := range []*Runner{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if run, err := r.Run(ctx, "slow", Params{}); err != nil || run.Outcome != domain.JobOK {
					t.Errorf("run by hand: %+v %v", run, err)
				}
			}()
		}
		wg.Wait()
		if runs.Load() != 4 {
			t.Errorf("job ran %d times in all, want 4", runs.Load())
		}
	})
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM job_runs WHERE tick IS NOT NULL`); err != nil || n != 2 {
		t.Errorf("%d ticked runs recorded (%v), want 2", n, err)
	}
}

func TestLastActivationIsTheScheduledTime(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, domain.Location)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		spec, now, want string
	}{
		{"@hourly", "2020-04-01 10:00:00.004", "2020-04-01 10:00:00.000"},
		{"@hourly", "2020-04-01 10:00:40.000", "2020-04-01 10:00:00.000"},
		{"5 0 * * *", "2020-04-02 00:05:00.120", "2020-04-02 00:05:00.000"},
		{"* * * * * *", "2020-04-01 10:00:07.350", "2020-04-01 10:00:07.000"},
		{"*/10 * * * * *", "2020-04-01 10:00:21.500", "2020-04-01 10:00:20.000"},
	}
	for _, tc := range cases {
		t.Run(tc.spec+" at "+tc.now, func(t *testing.T) {
			sched, err := parser.Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := lastActivation(sched, at(tc.now)); !got.Equal(at(tc.want)) {
				t.Errorf("tick = %v, want %v", got, at(tc.want))
			}
		})
	}
}

func TestSchedulesWithSecondsCarryTheirTick(t *testing.T) {
	s := NewScheduler(domain.Location, testLogger(t))
	ticks := make(chan time.Time, 5)
	if err := s.Add(Job{Name: "every second", Schedule: "* * * * * *", Run: func(ctx context.Context, tick time.Time) error {
		ticks <- tick
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background()) //nolint:errcheck
	select {
	case tick := <-ticks:
		if tick.Nanosecond() != 0 || time.Since(tick) > 2*time.Second || time.Since(tick) < 0 {
			t.Errorf("tick %v, want a whole second just past", tick)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no run within 3s")
	}
}

func TestAJobsWorkDoesNotWaitForItsOwnLease(t *testing.T) {
	// One connection for the work: the job's lease must not take it.
	st, err := store.Open(context.Background(), testdb.URL(t), store.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := newTestRunner(t, st, "a:1")
	r.Register(Definition{Name: "reads", Run: func(ctx context.Context, p Params) error {
		n, err := st.CountUnits(ctx)
		p.Count("units", n)
		return err
	}})
	// The deadline only turns a hang into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := r.Run(ctx, "reads", Params{})
	if err != nil || run.Outcome != domain.JobOK {
		t.Fatalf("run = %+v, %v", run, err)
	}
}

func TestTheRunnerSchedulesEveryJobAndRunsTheStartUpOnesOnce(t *testing.T) {
	st := store.New(testdb.New(t))
	r := newTestRunner(t, st, "a:1")
	var seen Params
	r.Register(Definition{Name: "weekly", Setting: "jobs.weekly", Schedule: "0 7 * * 1", Run: func(ctx context.Context, p Params) error { return nil }})
	r.Register(Definition{Name: "flags", Setting: "jobs.flags", Schedule: "@hourly", AtStart: true, Run: func(ctx context.Context, p Params) error {
		seen = p
		return nil
	}})
	s := NewScheduler(domain.Location, testLogger(t))
	if err := r.Schedule(s); err != nil {
		t.Fatal(err)
	}
	s.Start()
	r.RunAtStart(s)
	var runs []domain.JobRun
	for deadline := time.Now().Add(10 * time.Second); len(runs) == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		var err error
		if runs, err = st.JobRuns(context.Background(), "", 10); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"weekly", "flags"} {
		if s.Next(name).IsZero() {
			t.Errorf("%s is not scheduled", name)
		}
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Job != "flags" || runs[0].Tick != nil || !seen.Now.Equal(testNow) {
		t.Errorf("runs = %+v, want the start-up run of flags only, by hand now", runs)
	}

	bad := newTestRunner(t, st, "b:2")
	bad.Register(Definition{Name: "typo", Setting: "jobs.typo", Schedule: "every monday", Run: func(ctx context.Context, p Params) error { return nil }})
	if err := bad.Schedule(NewScheduler(domain.Location, testLogger(t))); err == nil || !strings.Contains(err.Error(), "jobs.typo") {
		t.Errorf("a bad schedule: %v, want an error naming its setting", err)
	}
}

// A tick whose run cannot start (here: job_runs unreachable, as when the
// database is down at the tick) is tried again for the same tick until it
// runs, once; each failed start reaches the observer as a failed run.
func TestATickThatCannotStartIsTriedAgainUntilItRuns(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	r := newTestRunner(t, st, "a:1")
	var ran atomic.Int32
	r.Register(Definition{Name: "weekly", Run: func(ctx context.Context, p Params) error { ran.Add(1); return nil }})
	var mu sync.Mutex
	var outcomes []string
	r.Observe(func(run domain.JobRun, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, run.Outcome)
	})
	saved := StartRetries
	t.Cleanup(func() { StartRetries = saved })
	StartRetries = make([]time.Duration, 500) // 10 s at most
	for i := range StartRetries {
		StartRetries[i] = 20 * time.Millisecond
	}
	failed := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(outcomes)
	}

	db.MustExec(`ALTER TABLE job_runs RENAME TO job_runs_away`)
	done := make(chan error, 1)
	go func() { done <- r.Scheduled("weekly")(context.Background(), testNow) }()
	for failed() < 2 { // the first try and one more fail
		time.Sleep(5 * time.Millisecond)
	}
	db.MustExec(`ALTER TABLE job_runs_away RENAME TO job_runs`)
	if err := <-done; err != nil {
		t.Fatalf("the tick did not run once the database was back: %v", err)
	}
	var rows int
	if err := db.Get(&rows, `SELECT count(*) FROM job_runs WHERE job = 'weekly' AND tick IS NOT NULL`); err != nil || rows != 1 || ran.Load() != 1 {
		t.Errorf("%d runs recorded (%v), %d run; want 1 and 1", rows, err, ran.Load())
	}
	mu.Lock()
	if len(outcomes) < 2 || outcomes[len(outcomes)-1] != domain.JobOK || outcomes[0] != domain.JobFailed {
		t.Errorf("observed %v, want failed starts then ok", outcomes)
	}
	mu.Unlock()

	// When it never comes back within the retries, the tick is given up.
	StartRetries = StartRetries[:3]
	db.MustExec(`ALTER TABLE job_runs RENAME TO job_runs_away`)
	defer db.MustExec(`ALTER TABLE job_runs_away RENAME TO job_runs`)
	if err := r.Scheduled("weekly")(context.Background(), testNow.Add(time.Hour)); err == nil {
		t.Error("a tick that never started reported no error")
	}
}
