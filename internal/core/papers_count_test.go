package core_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// TestTheCongressesMissingPapersAreCountedAsTheRuleSays checks the list and
// the count of the held congresses missing papers against the rule
// evaluated congress by congress (papers_missing), as papers come and go
// and the round's rule changes, and that the consistency check then finds
// every mark of missing papers and every figure as it should be.
func TestTheCongressesMissingPapersAreCountedAsTheRuleSays(t *testing.T) {
	f := newFixture(t)
	roundID := f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	f.holdCongress("HN.HBT.BM.C2", "2020-03-05")
	f.holdCongress("HN.HBT.VT.C1", "2020-04-01")
	f.holdAsSystem("HN.DD.X.C1", "2020-02-01")
	sys := domain.SystemPrincipal()
	st := store.New(f.db)

	check := func(t *testing.T) {
		t.Helper()
		for _, code := range []string{"HN", "HN.HBT", "HN.HBT.BM", "HN.HBT.BM.C1"} {
			var path string
			if err := f.db.Get(&path, `SELECT path::text FROM units WHERE code = $1`, code); err != nil {
				t.Fatal(err)
			}
			for _, day := range []string{"2020-02-01", "2020-03-01", "2020-04-15"} {
				asOf, _ := domain.ParseDay(day)
				var want []string
				if err := f.db.Select(&want, `SELECT u.code FROM congresses c JOIN units u ON u.id = c.unit_id
					WHERE c.round_id = $1 AND u.path <@ $2::ltree AND u.path <> $2::ltree AND u.active AND c.held_date <= $3::date
						AND cardinality(papers_missing(c.round_id, c.unit_id)) > 0
					ORDER BY c.held_date, u.code`, roundID, path, day); err != nil {
					t.Fatal(err)
				}
				got, n, err := st.MissingPapers(f.ctx, roundID, path, asOf, 100)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, m := range got {
					codes = append(codes, m.UnitCode)
				}
				if n != len(want) || len(codes) != len(want) {
					t.Errorf("below %s on %s: %v counted %d, want %v", code, day, codes, n, want)
					continue
				}
				for i := range want {
					if codes[i] != want[i] {
						t.Errorf("below %s on %s: %v, want %v", code, day, codes, want)
						break
					}
				}
			}
		}
	}
	noDrift := func(t *testing.T) {
		t.Helper()
		if d, err := st.RecomputeRollups(f.ctx, roundID); err != nil || d.Marks != 0 || d.Rows() != 0 {
			t.Errorf("the check found %+v (%v), want nothing", d, err)
		}
	}
	checked := func(t *testing.T) { check(t); noDrift(t) }
	t.Run("no papers: every held congress", checked)
	for _, k := range []string{"minutes", "results_report"} {
		if _, err := f.attach(sys, "HN.HBT.BM.C2", k, "x.pdf", pdfOf(k, 100)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.attach(sys, "HN.HBT.VT.C1", "minutes", "x.pdf", pdfOf("m", 100)); err != nil {
		t.Fatal(err)
	}
	t.Run("a congress with all its papers is not counted, one with some is", checked)
	p, err := f.attach(sys, "HN.HBT.BM.C1", "minutes", "x.pdf", pdfOf("m", 100))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"results_report"} {
		if _, err := f.attach(sys, "HN.HBT.BM.C1", k, "x.pdf", pdfOf(k, 100)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.DeletePaper(f.ctx, sys, "HN.HBT.BM.C1", 0, p.ID, "nhầm tệp"); err != nil {
		t.Fatal(err)
	}
	t.Run("a deleted paper is missing again", checked)
	if _, err := f.svc.SetRequiredPapers(f.ctx, f.rootAdmin(), 0, domain.RequiredPapersInput{Kind: "cell",
		Papers: []string{"minutes", "results_report", "vote_minutes"}, Reason: "Hướng dẫn của Thành ủy"}); err != nil {
		t.Fatal(err)
	}
	t.Run("a round that requires more makes complete congresses miss a paper", checked)
	if _, err := f.svc.SetRequiredPapers(f.ctx, f.rootAdmin(), 0, domain.RequiredPapersInput{Kind: "cell",
		Papers: []string{}, Reason: "Hướng dẫn của Thành ủy"}); err != nil {
		t.Fatal(err)
	}
	t.Run("a kind that requires nothing misses nothing", checked)
}

// Papers attached and deleted on the same congresses from many clients at
// once, more than the pool has connections, while the round's rule for
// cells changes and the consistency check runs, all succeed, and leave
// every mark of missing papers and every figure as the papers say: a last
// check finds nothing to fix.
func TestPapersWrittenDuringChecksAndRuleChangesLeaveNoDrift(t *testing.T) {
	setup := newFixture(t)
	roundID := setup.createRound2020()
	cells := []string{"HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.VT.C1", "HN.HBT.VT.S.C1"}
	for i, code := range cells {
		setup.holdCongress(code, fmt.Sprintf("2020-03-%02d", i+1))
	}
	// The service and store below have a pool of 4 connections for 14
	// clients.
	setup.db.SetMaxOpenConns(4)
	f := fixtureOn(t, setup.db, domain.FixedClock(fixtureNow))
	st := store.New(f.db)
	sys := domain.SystemPrincipal()
	admin := f.rootAdmin()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	// Three writers per cell, more than the cells, so that several write
	// the papers of one congress at once.
	for w := range 3 * len(cells) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := cells[w%len(cells)]
			for i := range 4 {
				kind := []string{"minutes", "results_report"}[(w+i)%2]
				p, err := f.svc.AttachPaper(f.ctx, sys, code, 0, domain.PaperUpload{Kind: kind, FileName: "x.pdf"},
					bytes.NewReader(pdfOf(kind, 100)), 100)
				if err != nil {
					errs <- fmt.Errorf("attach %s to %s: %w", kind, code, err)
					return
				}
				if i%2 == 1 {
					// Another writer of the same kind may have deleted it
					// (a new file of a kind is a new version of its paper).
					if _, err := f.svc.DeletePaper(f.ctx, sys, code, 0, p.ID, "nhầm tệp"); err != nil &&
						domain.ErrorCodeOf(err) != domain.EConflict && domain.ErrorCodeOf(err) != domain.ENotFound {
						errs <- fmt.Errorf("delete %d of %s: %w", p.ID, code, err)
						return
					}
				}
			}
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 4 {
			if _, err := st.RecomputeRollups(f.ctx, roundID); err != nil {
				errs <- fmt.Errorf("check: %w", err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for _, papers := range [][]string{{"minutes"}, {"minutes", "results_report", "vote_minutes"}, {"minutes", "results_report"}} {
			if _, err := f.svc.SetRequiredPapers(f.ctx, admin, 0, domain.RequiredPapersInput{Kind: "cell", Papers: papers,
				Reason: "Hướng dẫn của Thành ủy"}); err != nil {
				errs <- fmt.Errorf("rule %v: %w", papers, err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if d, err := st.RecomputeRollups(f.ctx, roundID); err != nil || d.Marks != 0 || d.Rows() != 0 {
		t.Errorf("the last check found %+v (%v), want nothing", d, err)
	}
}
