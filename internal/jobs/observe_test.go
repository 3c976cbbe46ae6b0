package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestTheObserverHearsEveryRecordedRun(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	a, b := newTestRunner(t, st, "a:1"), newTestRunner(t, st, "b:2")
	var heard []domain.JobRun
	a.Observe(func(run domain.JobRun, took time.Duration) {
		if took < 0 || took > time.Minute {
			t.Errorf("run %d took %v", run.ID, took)
		}
		heard = append(heard, run)
	})
	for _, r := range []*Runner{a, b} {
		r.Register(Definition{Name: "ok", Run: func(ctx context.Context, p Params) error { return nil }})
		r.Register(Definition{Name: "fails", Run: func(ctx context.Context, p Params) error { return errors.New("disk on fire") }})
		r.Register(Definition{Name: "idle", Run: func(ctx context.Context, p Params) error { return ErrNothingToDo }})
	}
	var want []domain.JobRun
	for _, name := range []string{"ok", "fails", "idle"} {
		run, _ := a.Run(ctx, name, Params{})
		want = append(want, run)
	}
	tick := testNow.Truncate(time.Hour)
	if _, ran, err := b.RunTick(ctx, "ok", tick); !ran || err != nil {
		t.Fatalf("the other process's tick: ran %v, %v", ran, err)
	}
	if _, ran, err := a.RunTick(ctx, "ok", tick); ran || err != nil {
		t.Fatalf("a tick run twice: ran %v, %v", ran, err)
	}
	if len(heard) != len(want) {
		t.Fatalf("heard %d runs, want %d (this runner's, not the tick another process ran): %+v", len(heard), len(want), heard)
	}
	for i, w := range want {
		if h := heard[i]; h.ID != w.ID || h.Outcome != w.Outcome || h.FinishedAt == nil {
			t.Errorf("heard %+v, want the recorded %+v", h, w)
		}
	}
}
