package core_test

import (
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// TestProgressCacheReadsAfterTheCallersLogPosition: figures in memory serve
// a caller whose known writes (a log position, from the web session or
// X-Daihoi-LSN) they include, and are computed afresh for one whose writes
// reach further: a write through another process is read at once by its
// writer, and within the TTL by the others.
func TestProgressCacheReadsAfterTheCallersLogPosition(t *testing.T) {
	clock := &movableClock{}
	clock.setDay("2020-03-01")
	f := &progressFixture{fixture: fixtureWithOptions(t, testdb.New(t), clock, core.Options{ProgressTTL: time.Hour}), clock: clock}
	f.buildProgressTree()
	sys := domain.SystemPrincipal()
	held := func(ctxOf func() (p domain.Progress, err error)) int {
		t.Helper()
		p, err := ctxOf()
		if err != nil {
			t.Fatal(err)
		}
		return p.Cells.Held
	}
	if got := f.progress("HN.HBT.VT", "").Cells.Held; got != 0 {
		t.Fatalf("before: %d held", got)
	}
	f.hold("HN.HBT.VT.C1", "2020-02-20") // the services called directly: not noted as a write of a request
	at, err := store.New(f.db).LogPosition(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		since lsn.LSN
		want  int
	}{
		{"a caller with no writes known is served the figures in memory", 0, 0},
		{"a caller whose writes reach past them reads afresh", at, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, _ := lsn.Track(f.ctx, c.since)
			if got := held(func() (domain.Progress, error) { return f.svc.Progress(ctx, sys, "HN.HBT.VT", 0, "") }); got != c.want {
				t.Errorf("%d cells held, want %d", got, c.want)
			}
		})
	}
	t.Run("a write noted for a caller makes its next read fresh", func(t *testing.T) {
		f.hold("HN.HBT.VT.C2", "2020-02-21")
		if got := f.progress("HN.HBT.VT", "").Cells.Held; got != 1 {
			t.Errorf("before the note: %d held, want the 1 in memory", got)
		}
		f.svc.NoteWrite(sys)
		if got := f.progress("HN.HBT.VT", "").Cells.Held; got != 2 {
			t.Errorf("after the note: %d held, want 2", got)
		}
	})
}
