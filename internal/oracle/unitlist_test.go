package oracle_test

import (
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/gen"
)

// compareLists checks, at the unit with code and every unit directly below
// it, on each day, that every list of units holds as many units as the
// count of the progress it stands behind, and that its pages put together
// are the whole list.
func (w *world) compareLists(code string, days []domain.Day) {
	w.t.Helper()
	sys := domain.SystemPrincipal()
	ch, err := w.svc.ProgressChildren(w.ctx, sys, code, 0, "")
	if err != nil {
		w.t.Fatal(err)
	}
	codes := []string{code}
	for _, c := range ch.Children {
		codes = append(codes, c.Code)
	}
	for _, day := range days {
		for _, u := range codes {
			pr, err := w.svc.Progress(w.ctx, sys, u, 0, day.String())
			if err != nil {
				w.t.Fatal(err)
			}
			for _, tc := range []struct {
				in   domain.UnitListInput
				want int
			}{
				{domain.UnitListInput{Which: "late"}, pr.Late.Count},
				{domain.UnitListInput{Which: "at_risk"}, pr.AtRisk},
				{domain.UnitListInput{Which: "pilots"}, pr.Pilots.Total},
				{domain.UnitListInput{Which: "held", Level: "cells"}, pr.Cells.Held},
				{domain.UnitListInput{Which: "not_held", Level: "cells"}, pr.Cells.Total - pr.Cells.Held},
				{domain.UnitListInput{Which: "held", Level: "grassroots"}, pr.Grassroots.Held},
			} {
				l, err := w.svc.UnitList(w.ctx, sys, u, tc.in, day.String(), true)
				if err != nil {
					w.t.Fatal(err)
				}
				name := fmt.Sprintf("%s %s on %s", tc.in.Which+" "+tc.in.Level, u, day)
				if l.Total != tc.want || len(l.Units) != tc.want {
					w.t.Errorf("%s: the list holds %d units (%d rows), its count %d", name, l.Total, len(l.Units), tc.want)
				}
				w.comparePages(name, u, tc.in, day, l)
				if day.String() == w.today().String() && tc.in.Level == "" {
					first, err := w.svc.FirstUnits(w.ctx, sys, u, domain.UnitListKind(tc.in.Which), 7)
					if err != nil {
						w.t.Fatal(err)
					}
					for i, r := range first.Units {
						if r.Code != l.Units[i].Code {
							w.t.Errorf("%s: the first units %d is %s, of the list %s", name, i, r.Code, l.Units[i].Code)
						}
					}
					if len(first.Units) != min(7, len(l.Units)) || first.Total != -1 {
						w.t.Errorf("%s: the first units are %d (total %d), want %d uncounted", name, len(first.Units), first.Total, min(7, len(l.Units)))
					}
				}
			}
		}
	}
}

// today is the day of the service's clock.
func (w *world) today() domain.Day { return domain.TodayDay(w.svc.Clock()) }

// comparePages reads list in by pages of 7 and checks they make all.
func (w *world) comparePages(name, code string, in domain.UnitListInput, day domain.Day, all domain.UnitList) {
	w.t.Helper()
	var got []string
	for page := 1; page <= (all.Total+6)/7; page++ {
		in.Page, in.PerPage = strconv.Itoa(page), "7"
		l, err := w.svc.UnitList(w.ctx, domain.SystemPrincipal(), code, in, day.String(), false)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, r := range l.Units {
			got = append(got, r.Code)
		}
	}
	if len(got) != len(all.Units) {
		w.t.Errorf("%s: pages hold %d units, the list %d", name, len(got), len(all.Units))
		return
	}
	for i, r := range all.Units {
		if got[i] != r.Code {
			w.t.Errorf("%s: unit %d of the pages is %s, of the list %s", name, i, got[i], r.Code)
			return
		}
	}
}

func TestEveryListOfTheDemoHoldsWhatItsCountCounts(t *testing.T) {
	w := newWorld(t, demo.Date)
	if err := demo.Seed(w.ctx, w.svc); err != nil {
		t.Fatal(err)
	}
	w.compareLists(demo.DistrictCode, days("2020-03-17", "2020-04-01", "2020-04-15"))
}

func TestEveryListOfAGeneratedTreeHoldsWhatItsCountCounts(t *testing.T) {
	w := newWorld(t, gen.DefaultAsOf)
	o := gen.Options{Provinces: 2, Districts: 4, Grassroots: 40, Cells: 200, Seed: 5}
	if _, err := gen.Run(w.ctx, w.svc, o, gen.DefaultAsOf, io.Discard); err != nil {
		t.Fatal(err)
	}
	w.compareLists(gen.RootCode, days("2020-03-16", "2020-04-15"))
}
