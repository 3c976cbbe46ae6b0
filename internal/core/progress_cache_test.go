package core_test

import (
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
	"github.com/daihoi/daihoi/internal/store"
)

// TestProgressCacheReadsAfterTheCallersLogPosition: figures in memory serve
// a caller whose known writes (a log position, from the web session or
// X-Daihoi-LSN) they include, and are computed afresh for one whose writes
// reach further: a write through another process is read at once by its
// writer, and within the TTL by the others.
func TestProgressCacheReadsAfterTheCallersLogPosition(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
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
	at, _, err := store.New(f.db).ReadPosition(f.ctx)
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
			ctx, _ := lsn.Track(f.ctx, lsn.Position{LSN: c.since})
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

// TestAWriteThroughOneProcessIsReadAtOnceByItsWriterThroughAnother: two
// services on one database, each with its own figures in memory, as two
// processes behind a proxy. The position of a write through one (recorded
// without replicas too) makes its writer's next read through the other
// fresh, while the other's figures in memory still serve everyone else.
func TestAWriteThroughOneProcessIsReadAtOnceByItsWriterThroughAnother(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
	other, err := core.New(f.ctx, store.New(f.db), f.clock, core.Options{ProgressTTL: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := domain.SystemPrincipal()
	heldThroughOther := func(since lsn.Position) int {
		t.Helper()
		ctx, _ := lsn.Track(f.ctx, since)
		p, err := other.Progress(ctx, sys, "HN.HBT.VT", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		return p.Cells.Held
	}
	if got := heldThroughOther(lsn.Position{}); got != 0 {
		t.Fatalf("before: %d held", got)
	}
	base := f.ctx
	ctx, writer := lsn.TrackOnPrimary(base)
	f.ctx = ctx
	f.hold("HN.HBT.VT.C1", "2020-02-20")
	f.ctx = base
	since := writer.Latest()
	if since.Xact == 0 {
		t.Fatalf("the write's transaction was not recorded: %v", since)
	}
	if got := heldThroughOther(lsn.Position{}); got != 0 {
		t.Errorf("another caller reads %d held, want the 0 in memory (within the TTL)", got)
	}
	if got := heldThroughOther(since); got != 1 {
		t.Errorf("the writer reads %d held through the other process, want 1", got)
	}
}

// TestFiguresComputedWhileTheCallersWriteRanDoNotServeIt: figures whose
// computation started while the caller's transaction was still running
// (not yet committed) do not show its write, so that caller reads afresh.
func TestFiguresComputedWhileTheCallersWriteRanDoNotServeIt(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
	// The caller's transaction, running while the figures are computed.
	running, err := f.db.BeginTxx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Rollback() //nolint:errcheck // a no-op after commit
	var xact uint64
	if err := running.Get(&xact, `SELECT pg_current_xact_id()::text::bigint`); err != nil {
		t.Fatal(err)
	}
	// A transaction begun after it ends first: the snapshot of the
	// computation lists the caller's among those still running, below
	// the first it does not know of.
	if _, err := f.db.Exec(`SELECT pg_current_xact_id()`); err != nil {
		t.Fatal(err)
	}
	if got := f.progress("HN.HBT.VT", "").Cells.Held; got != 0 {
		t.Fatalf("before: %d held", got)
	}
	if err := running.Commit(); err != nil {
		t.Fatal(err)
	}
	f.hold("HN.HBT.VT.C1", "2020-02-20") // not noted: only a fresh computation shows it
	if got := f.progress("HN.HBT.VT", "").Cells.Held; got != 0 {
		t.Errorf("another caller reads %d held, want the 0 in memory", got)
	}
	ctx, _ := lsn.Track(f.ctx, lsn.Position{Xact: xact})
	p, err := f.svc.Progress(ctx, domain.SystemPrincipal(), "HN.HBT.VT", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Cells.Held != 1 {
		t.Errorf("the caller whose transaction ran during the computation reads %d held, want 1 (afresh)", p.Cells.Held)
	}
}
