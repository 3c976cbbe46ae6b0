package core_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
)

// Status updates sent at the same moment share transactions, yet each is
// decided on its own: a refused one (a stale version, an unknown unit, two
// updates of one congress from the same version) fails alone and writes
// nothing, the others are written with their audit rows and rollups, and
// each sender written for is told the transaction that wrote (committed),
// for reading its write through any process. There are more senders than
// the pool has connections.
func TestStatusUpdatesSentTogetherEachGetTheirOwnOutcome(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	const wards, cells = 4, 8
	all := f.wardsOfPlannedCells("HN.HBT.X", wards, cells)
	code := func(w, c int) string { return fmt.Sprintf("HN.HBT.X%d.C%d", w, c) }
	auditBefore := f.auditCount()
	type send struct {
		code    string
		version int
		want    domain.ErrorCode // "" or the refusal
	}
	var sends []send
	for _, c := range all[1:] {
		sends = append(sends, send{c, f.congressNow(c).Version, ""})
	}
	first := all[0]
	v := f.congressNow(first).Version
	sends = append(sends,
		send{first, v, "either"}, send{first, v, "either"}, // one of the two wins, the other is stale
		send{code(1, 1) + "X", 1, domain.ENotFound},
	)
	sends[0].version-- // a stale version of all[1]
	sends[0].want = domain.EConflict
	results := make([]error, len(sends))
	callers := make([]*lsn.Caller, len(sends))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range sends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, caller := lsn.TrackOnPrimary(f.ctx)
			callers[i] = caller
			<-start
			_, results[i] = f.svc.UpdateCongress(ctx, sys, s.code, 0, domain.CongressPatch{Version: s.version,
				Status: strp("held"), HeldDate: strp("2020-03-12")})
		}()
	}
	close(start)
	wg.Wait()
	won, stale := 0, 0
	for i, s := range sends {
		err := results[i]
		switch s.want {
		case "either":
			if err == nil {
				won++
			} else if domain.IsCode(err, domain.EConflict) {
				stale++
			} else {
				t.Errorf("%s: %v", s.code, err)
			}
		case "":
			if err != nil {
				t.Errorf("%s: %v, want it held", s.code, err)
			}
		default:
			wantCode(t, err, s.want)
		}
	}
	for i, s := range sends {
		if results[i] != nil {
			continue
		}
		var status string
		xact := callers[i].Latest().Xact
		if err := f.db.Get(&status, `SELECT coalesce(pg_xact_status($1::text::xid8), 'none')`, fmt.Sprint(xact)); err != nil || status != "committed" {
			t.Errorf("%s: its sender was told transaction %d, %s (%v); want a committed one", s.code, xact, status, err)
		}
	}
	if won != 1 || stale != 1 {
		t.Errorf("two updates of %s from the same version: %d written, %d stale; want 1 and 1", first, won, stale)
	}
	if c := f.congressNow(all[1]); c.Status == domain.StatusHeld {
		t.Errorf("%s held from a stale version", all[1])
	}
	// 30 cells held: all but the stale one, the first once.
	if got, want := f.auditCount()-auditBefore, len(all)-1; got != want {
		t.Errorf("%d audit rows, want %d", got, want)
	}
	held := 0
	for w := 1; w <= wards; w++ {
		_, h := f.rollupOf(fmt.Sprintf("HN.HBT.X%d", w), "cell")
		held += h
	}
	if held != len(all)-1 {
		t.Errorf("%d cells held in the rollups, want %d", held, len(all)-1)
	}
	run, err := f.svc.RunJob(f.ctx, sys, "consistency-check", "", 0)
	if err != nil || run.Outcome != domain.JobOK || run.Counts["drift_rows"] != 0 {
		t.Errorf("consistency check: %+v, %v", run, err)
	}
}

// auditCount counts the audit log's rows.
func (f *fixture) auditCount() int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM audit_log`); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// wardsOfPlannedCells creates wards under HN.HBT (codes prefix1, prefix2,
// ...), each with cells cells (prefixW.C1, ...) whose plans are approved and
// congresses planned on 10/03/2020, and returns the cells' codes.
func (f *fixture) wardsOfPlannedCells(prefix string, wards, cells int) []string {
	f.t.Helper()
	sys := domain.SystemPrincipal()
	var all []string
	for w := 1; w <= wards; w++ {
		ward := fmt.Sprintf("%s%d", prefix, w)
		if _, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: ward,
			Name: fmt.Sprintf("Đảng bộ phường %d", w), Kind: "grassroots_committee", ParentCode: "HN.HBT"}); err != nil {
			f.t.Fatal(err)
		}
		for c := 1; c <= cells; c++ {
			code := fmt.Sprintf("%s.C%d", ward, c)
			if _, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: code, Name: fmt.Sprintf("Chi bộ số %d", c),
				Kind: "cell", ParentCode: ward, Category: "residential"}); err != nil {
				f.t.Fatal(err)
			}
			f.approvePlan(code)
			for _, pt := range []domain.CongressPatch{{Status: strp("preparing")}, {Status: strp("plan_approved"), PlannedDate: strp("2020-03-10")}} {
				if _, err := f.patchCongress(sys, code, pt); err != nil {
					f.t.Fatal(err)
				}
			}
			all = append(all, code)
		}
	}
	return all
}
