package core_test

import (
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// cachedProgressFixture is the progress fixture with the figures and the
// units of progress reads kept for ttl.
func cachedProgressFixture(t *testing.T, ttl time.Duration) *progressFixture {
	t.Helper()
	clock := &movableClock{}
	clock.setDay("2020-03-01")
	f := &progressFixture{fixture: fixtureWithOptions(t, testdb.New(t), clock, core.Options{ProgressTTL: ttl}), clock: clock}
	f.buildProgressTree()
	return f
}

// viewerOf is a caller who may read the subtree of the unit with code, as
// it stands now.
func (f *progressFixture) viewerOf(id int64, code string) domain.Principal {
	u := f.unit(code)
	return domain.Principal{User: domain.User{ID: id, Username: "xem", Active: true},
		Grants: []domain.Grant{{Role: domain.RoleViewer, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path}}}
}

// readsOf reports whether p may read the progress and the children of the
// unit with code: nil, or the error of the first read refused.
func (f *progressFixture) readsOf(p domain.Principal, code string) error {
	if _, err := f.svc.Progress(f.ctx, p, code, 0, ""); err != nil {
		return err
	}
	_, err := f.svc.ProgressChildren(f.ctx, p, code, 0, "")
	return err
}

func TestTheScopeIsCheckedOnAProgressReadServedFromMemory(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
	for _, code := range []string{"HN.HBT.VT", "HN.DD"} { // both in memory
		if err := f.readsOf(domain.SystemPrincipal(), code); err != nil {
			t.Fatal(err)
		}
	}
	viewer := f.viewerOf(900, "HN.HBT")
	for _, c := range []struct {
		name, code string
		want       domain.ErrorCode // "" for a read allowed
	}{
		{"a unit in the caller's subtree is read", "HN.HBT.VT", ""},
		{"a unit outside it is not found", "HN.DD", domain.ENotFound},
		{"the unit above it is not found", "HN", domain.ENotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := f.readsOf(viewer, c.code)
			if c.want == "" {
				if err != nil {
					t.Fatalf("read refused: %v", err)
				}
				return
			}
			wantCode(t, err, c.want)
		})
	}
}

func TestAUnitMovedThroughThisProcessIsReadUnderItsNewParentAtOnce(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
	hbt, dd := f.viewerOf(901, "HN.HBT"), f.viewerOf(902, "HN.DD")
	if err := f.readsOf(hbt, "HN.HBT.VT"); err != nil {
		t.Fatalf("before the move: %v", err)
	}
	wantCode(t, f.readsOf(dd, "HN.HBT.VT"), domain.ENotFound)
	if _, err := f.svc.MoveUnit(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT", "HN.DD", "sáp nhập địa giới"); err != nil {
		t.Fatal(err)
	}
	t.Run("the old parent's viewer no longer reads it", func(t *testing.T) {
		wantCode(t, f.readsOf(hbt, "HN.HBT.VT"), domain.ENotFound)
	})
	t.Run("the new parent's viewer reads it", func(t *testing.T) {
		if err := f.readsOf(dd, "HN.HBT.VT"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAUnitMovedByAnotherProcessIsReadUnderItsNewParentWithinTheTTL(t *testing.T) {
	const ttl = 300 * time.Millisecond
	f := cachedProgressFixture(t, ttl)
	other, err := core.New(f.ctx, store.New(f.db), f.clock, core.Options{ProgressTTL: ttl}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hbt := f.viewerOf(903, "HN.HBT")
	if err := f.readsOf(hbt, "HN.HBT.VT"); err != nil {
		t.Fatalf("before the move: %v", err)
	}
	if _, err := other.MoveUnit(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT", "HN.DD", "sáp nhập địa giới"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl + 50*time.Millisecond)
	wantCode(t, f.readsOf(hbt, "HN.HBT.VT"), domain.ENotFound)
}

func TestAProgressReadServedFromMemoryAsksTheDatabaseNothing(t *testing.T) {
	f := cachedProgressFixture(t, time.Hour)
	viewer := f.viewerOf(904, "HN.HBT")
	if err := f.readsOf(viewer, "HN.HBT.VT"); err != nil {
		t.Fatal(err)
	}
	if err := f.readsOf(domain.SystemPrincipal(), "HN.DD"); err != nil {
		t.Fatal(err)
	}
	before := f.progress("HN.HBT.VT", "")
	if err := f.db.Close(); err != nil { // any question to the database now fails
		t.Fatal(err)
	}
	if err := f.readsOf(viewer, "HN.HBT.VT"); err != nil {
		t.Fatalf("read from memory: %v", err)
	}
	if got := f.progress("HN.HBT.VT", ""); got.Cells != before.Cells {
		t.Errorf("cells %+v, want %+v", got.Cells, before.Cells)
	}
	wantCode(t, f.readsOf(viewer, "HN.DD"), domain.ENotFound)
}
