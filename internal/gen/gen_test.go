package gen_test

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/gen"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestNationalTree(t *testing.T) {
	rows, err := gen.Tree(gen.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	count := gen.Counts(rows)
	t.Run("the sizes asked for", func(t *testing.T) {
		want := map[string]int{"nation": 1, "city": 63, "district": 700, "cell": 300_000}
		for kind, n := range want {
			if count[kind] != n {
				t.Errorf("%s = %d, want %d", kind, count[kind], n)
			}
		}
		if got := count["grassroots_committee"] + count["grassroots_cell"]; got != 52_000 {
			t.Errorf("grassroots = %d, want 52000", got)
		}
		if count["grassroots_cell"] < 10_000 || count["grassroots_cell"] > 20_000 {
			t.Errorf("Chi bộ cơ sở = %d, want a quarter or so of the grassroots", count["grassroots_cell"])
		}
		if count["subcommittee"] < 1000 {
			t.Errorf("sub-committees = %d, want some in the large organizations", count["subcommittee"])
		}
	})
	t.Run("unique valid codes, parents first, a category on every cell", func(t *testing.T) {
		seen := make(map[string]domain.ImportRow, len(rows))
		for i, r := range rows {
			if _, dup := seen[r.Code]; dup {
				t.Fatalf("code %s twice", r.Code)
			}
			if r.Row != i+2 {
				t.Fatalf("%s on row %d, want %d", r.Code, r.Row, i+2)
			}
			if r.ParentCode != "" {
				if _, ok := seen[r.ParentCode]; !ok {
					t.Fatalf("%s comes before its parent %s", r.Code, r.ParentCode)
				}
			}
			isCell := r.Kind == "cell" || r.Kind == "grassroots_cell"
			if isCell != (r.Category != "") || (isCell && !domain.ValidCategory(r.Category)) {
				t.Fatalf("%s (%s) has category %q", r.Code, r.Kind, r.Category)
			}
			if len(r.Code) > 64 || r.Name == "" || strings.ToUpper(r.Code) != r.Code {
				t.Fatalf("bad code or name: %q %q", r.Code, r.Name)
			}
			seen[r.Code] = r
		}
	})
	t.Run("about 5.7 million members, as in 2020", func(t *testing.T) {
		if m := rows[0].Members; m < 5_000_000 || m > 6_500_000 {
			t.Errorf("members = %d", m)
		}
	})
	t.Run("the same seed gives the same tree, another seed another", func(t *testing.T) {
		again, _ := gen.Tree(gen.DefaultOptions())
		if !reflect.DeepEqual(again, rows) {
			t.Error("two trees of seed 1 differ")
		}
		o := gen.DefaultOptions()
		o.Seed = 2
		other, _ := gen.Tree(o)
		if reflect.DeepEqual(other, rows) {
			t.Error("seeds 1 and 2 give the same tree")
		}
	})
}

func TestOptionsThatCannotMakeATree(t *testing.T) {
	for _, o := range []gen.Options{
		{Provinces: 0, Districts: 1, Grassroots: 1, Cells: 1},
		{Provinces: 5, Districts: 4, Grassroots: 10, Cells: 10},
		{Provinces: 1, Districts: 10, Grassroots: 9, Cells: 10},
		{Provinces: 1, Districts: 1, Grassroots: 1, Cells: -1},
	} {
		if _, err := gen.Tree(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func newService(t *testing.T) *core.Service {
	t.Helper()
	svc, err := core.New(context.Background(), store.New(testdb.New(t)), domain.SystemClock{}, core.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestRunOnASmallTree(t *testing.T) {
	ctx := context.Background()
	o := gen.Options{Provinces: 4, Districts: 12, Grassroots: 600, Cells: 3000, Seed: 3}
	svc := newService(t)
	res, err := gen.Run(ctx, svc, o, gen.DefaultAsOf, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]domain.KindState{}
	for _, k := range res.Kinds {
		kinds[k.Kind] = k
	}
	t.Run("the whole tree has its congress in the current round", func(t *testing.T) {
		if got, want := len(res.Steps), 6; got != want {
			t.Errorf("steps = %d, want %d", got, want)
		}
		total := 0
		for _, k := range res.Kinds {
			total += k.Total
		}
		if total != res.Units || res.Units < 3600 {
			t.Errorf("congresses = %d, units = %d", total, res.Units)
		}
		id, err := svc.CurrentRoundID(ctx)
		if err != nil || id != res.RoundID {
			t.Errorf("current round %d (%v), want %d", id, err, res.RoundID)
		}
	})
	t.Run("on 15/04/2020 most cells are held, some late; few grassroots held; nothing above", func(t *testing.T) {
		c := kinds["cell"]
		if share := float64(c.Held) / float64(c.Total); share < 0.6 || share > 0.85 {
			t.Errorf("cells held = %d of %d", c.Held, c.Total)
		}
		if c.Late == 0 || c.Soon == 0 {
			t.Errorf("cells late %d, planned soon %d: want some of each", c.Late, c.Soon)
		}
		g := kinds["grassroots_committee"]
		if g.Held == 0 || g.Held > g.Total/3 || g.Pilots == 0 {
			t.Errorf("grassroots committees held %d of %d, pilots %d", g.Held, g.Total, g.Pilots)
		}
		for _, k := range []string{"nation", "city", "district"} {
			if kinds[k].Held != 0 {
				t.Errorf("%s held = %d", k, kinds[k].Held)
			}
		}
	})
	t.Run("held congresses sent their papers ten days on, reported ones all of them", func(t *testing.T) {
		sys := domain.SystemPrincipal()
		missing, _, err := svc.MissingPapers(ctx, sys, gen.RootCode, res.RoundID, core.MaxMissingPapers)
		if err != nil {
			t.Fatal(err)
		}
		held := 0
		for _, k := range res.Kinds {
			held += k.Held
		}
		if len(missing) == 0 || len(missing) >= held {
			t.Fatalf("%d congresses missing papers of %d held: want some, not all", len(missing), held)
		}
		recent := domain.DayOf(gen.DefaultAsOf).AddDays(-gen.PapersAfter)
		minutesOnly := ""
		for _, m := range missing {
			onlyReport := reflect.DeepEqual(m.Missing, []domain.PaperKind{domain.PaperResultsReport})
			if !m.HeldDate.After(recent) && !onlyReport {
				t.Errorf("%s held on %s misses %v: want every paper sent %d days on, or all but the report", m.UnitCode, m.HeldDate, m.Missing, gen.PapersAfter)
			}
			if onlyReport && minutesOnly == "" {
				minutesOnly = m.UnitCode
			}
			c, err := svc.Congress(ctx, sys, m.UnitCode, res.RoundID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status == domain.StatusResultsReported {
				t.Errorf("%s reported its results without %v", m.UnitCode, m.Missing)
			}
		}
		if minutesOnly == "" {
			t.Fatal("no congress sent its minutes only")
		}
		file, err := gen.PaperFile()
		if err != nil {
			t.Fatal(err)
		}
		papers, err := svc.Papers(ctx, sys, minutesOnly, res.RoundID)
		if err != nil {
			t.Fatal(err)
		}
		if len(papers.Papers) != 1 || papers.Papers[0].Kind != domain.PaperMinutes || len(papers.Papers[0].Versions) != 1 ||
			papers.Papers[0].Versions[0].Size != int64(len(file)) {
			t.Errorf("papers of %s: %+v, want its minutes, one version of %d bytes", minutesOnly, papers.Papers, len(file))
		}
	})
	t.Run("the rollups match a recompute", func(t *testing.T) {
		d, err := svc.CheckConsistency(ctx, domain.SystemPrincipal(), res.RoundID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Rows() != 0 {
			t.Errorf("drift = %+v", d)
		}
	})
	t.Run("a database with units is refused", func(t *testing.T) {
		_, err := gen.Run(ctx, svc, o, gen.DefaultAsOf, io.Discard)
		if !domain.IsCode(err, domain.EConflict) {
			t.Errorf("second run: %v, want a conflict", err)
		}
	})
	t.Run("the same options give the same state", func(t *testing.T) {
		again, err := gen.Run(ctx, newService(t), o, gen.DefaultAsOf, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Kinds, res.Kinds) {
			t.Errorf("second state %+v, first %+v", again.Kinds, res.Kinds)
		}
	})
}
