package core_test

import (
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
