package oracle_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/gen"
	"github.com/daihoi/daihoi/internal/oracle"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestMain(m *testing.M) {
	auth.Cost = bcrypt.MinCost
	testdb.Main(m, store.Migrate)
}

// atRiskDays is the service's (and the late flags') at-risk days.
const atRiskDays = 14

// world is a round loaded into a database, with the service reading it.
type world struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlx.DB
	svc   *core.Service
	round int64
}

func newWorld(t *testing.T, at time.Time) *world {
	t.Helper()
	db := testdb.New(t)
	clock := domain.FixedClock(time.Date(at.Year(), at.Month(), at.Day(), 9, 0, 0, 0, domain.Location))
	svc, err := core.New(context.Background(), store.New(db), clock, core.Options{AtRiskDays: atRiskDays}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, ctx: context.Background(), db: db, svc: svc}
}

// unit is a unit of the plain data.
type unit struct {
	ID       int64
	Code     string
	Path     string
	Kind     string
	ParentID *int64
	Active   bool
}

// load reads the plain data: every unit, every congress of the current
// round with its plan approval and results days, and the round's rules.
func (w *world) load() ([]unit, oracle.Round, []domain.DeadlineRule) {
	w.t.Helper()
	var err error
	if w.round, err = w.svc.CurrentRoundID(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	var units []unit
	if err := w.db.Select(&units, `SELECT id AS "id", code AS "code", path::text AS "path", kind AS "kind",
		parent_id AS "parentid", active AS "active" FROM units ORDER BY path`); err != nil {
		w.t.Fatal(err)
	}
	var rows []struct {
		UnitID       int64       `db:"unit_id"`
		Path         string      `db:"path"`
		Kind         string      `db:"kind"`
		Category     string      `db:"category"`
		Active       bool        `db:"active"`
		Status       string      `db:"status"`
		Override     *domain.Day `db:"deadline_override"`
		Deadline     *domain.Day `db:"deadline"`
		Held         *domain.Day `db:"held_date"`
		Planned      *domain.Day `db:"planned_date"`
		PlanApproved *domain.Day `db:"plan_approved"`
		Reported     *domain.Day `db:"reported"`
	}
	if err := w.db.Select(&rows, `SELECT c.unit_id, u.path::text AS path, u.kind, coalesce(u.category, '') AS category, u.active,
			c.status, c.deadline_override, c.deadline, c.held_date, c.planned_date,
			(SELECT m.done_on FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
				WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id AND t.code = 'congress_plan') AS plan_approved,
			(SELECT m.done_on FROM milestones m JOIN milestone_templates t ON t.id = m.template_id
				WHERE m.round_id = c.round_id AND m.unit_id = c.unit_id AND t.code = 'results_reported') AS reported
		FROM congresses c JOIN units u ON u.id = c.unit_id WHERE c.round_id = $1`, w.round); err != nil {
		w.t.Fatal(err)
	}
	r := make(oracle.Round, 0, len(rows))
	for _, x := range rows {
		r = append(r, oracle.Congress{UnitID: x.UnitID, Path: x.Path, Kind: x.Kind, Category: x.Category, Active: x.Active,
			Status: domain.CongressStatus(x.Status), Override: x.Override, Deadline: x.Deadline, Held: x.Held, Planned: x.Planned,
			PlanApproved: x.PlanApproved, Reported: x.Reported})
	}
	rd, err := w.svc.Round(w.ctx, domain.SystemPrincipal(), w.round)
	if err != nil {
		w.t.Fatal(err)
	}
	return units, r, rd.Deadlines
}

// cellKinds are the kinds of the headline: cells that are not grassroots organizations.
func (w *world) cellKinds() []string {
	var kinds []string
	if err := w.db.Select(&kinds, `SELECT code FROM unit_kinds WHERE is_cell AND NOT is_grassroots ORDER BY code`); err != nil {
		w.t.Fatal(err)
	}
	return kinds
}

// sum adds the oracle's per-kind counts, of cell kinds only when cells is set.
func sum(k map[string]domain.KindCount, cells []string) domain.KindCount {
	var out domain.KindCount
	for kind, c := range k {
		if cells != nil && !slices.Contains(cells, kind) {
			continue
		}
		out.Total, out.Held, out.Late, out.AtRisk = out.Total+c.Total, out.Held+c.Held, out.Late+c.Late, out.AtRisk+c.AtRisk
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareEverything reads every figure of the round through the service
// (the SQL definitions) on each of days and compares it with the oracle's.
func (w *world) compareEverything(days []domain.Day) {
	t := w.t
	units, r, rules := w.load()
	cells := w.cellKinds()
	congressOf := map[int64]oracle.Congress{}
	for _, c := range r {
		congressOf[c.UnitID] = c
	}
	sys := domain.SystemPrincipal()
	// The deadline in force of every congress, from its override and the rules.
	for _, c := range r {
		if !c.Active {
			continue
		}
		want, _ := oracle.EffectiveDeadline(c.Override, rules, c.Kind, c.Category, c.Path)
		if !domain.SameDay(want, c.Deadline) {
			t.Errorf("unit %d: deadline in force %v, the oracle says %v", c.UnitID, c.Deadline, want)
		}
	}
	parents := map[int64]bool{}
	for _, u := range units {
		if u.Active && u.ParentID != nil {
			parents[*u.ParentID] = true
		}
	}
	compared := 0
	for _, day := range days {
		for _, u := range units {
			if !u.Active || !parents[u.ID] {
				continue
			}
			p, err := w.svc.Progress(w.ctx, sys, u.Code, 0, day.String())
			if err != nil {
				t.Fatal(err)
			}
			below := r.Below(u.ID, day, atRiskDays)
			if len(p.Kinds) != len(below) {
				t.Errorf("%s on %s: kinds %+v, the oracle %+v", u.Code, day, p.Kinds, below)
			}
			for _, k := range p.Kinds {
				if o := below[k.Kind]; k.Total != o.Total || k.Held != o.Held || k.Late != o.Late || k.AtRisk != o.AtRisk {
					t.Errorf("%s on %s, %s: %d/%d held, %d late, %d at risk; the oracle %d/%d, %d, %d", u.Code, day, k.Kind,
						k.Held, k.Total, k.Late, k.AtRisk, o.Held, o.Total, o.Late, o.AtRisk)
				}
			}
			all, c := sum(below, nil), sum(below, cells)
			if p.Cells != domain.NewShare(c.Held, c.Total) || p.Late.Count != all.Late || p.AtRisk != all.AtRisk {
				t.Errorf("%s on %s: cells %+v, %d late, %d at risk; the oracle %d/%d, %d, %d", u.Code, day, p.Cells,
					p.Late.Count, p.AtRisk, c.Held, c.Total, all.Late, all.AtRisk)
			}
			if want := min(all.Late, core.LateListed); len(p.Late.Units) != want {
				t.Errorf("%s on %s: %d late units listed, want %d", u.Code, day, len(p.Late.Units), want)
			}
			for _, l := range p.Late.Units {
				var lu oracle.Congress
				for _, x := range units {
					if x.Code == l.Code {
						lu = congressOf[x.ID]
					}
				}
				if late, days := oracle.LateOn(lu.Deadline, lu.Held, day); !late || days != l.DaysOverdue {
					t.Errorf("%s on %s lists %s late by %d days; the oracle says %v, %d", u.Code, day, l.Code, l.DaysOverdue, late, days)
				}
			}
			w.compareOwn(u.Code, p.Own, congressOf[u.ID], day)

			ch, err := w.svc.ProgressChildren(w.ctx, sys, u.Code, 0, day.String())
			if err != nil {
				t.Fatal(err)
			}
			for _, child := range ch.Children {
				var id int64
				for _, x := range units {
					if x.Code == child.Code {
						id = x.ID
					}
				}
				own := congressOf[id]
				w.compareOwn(child.Code, child.Own, own, day)
				b := r.Below(id, day, atRiskDays)
				all, c := sum(b, nil), sum(b, cells)
				late, _ := oracle.LateOn(own.Deadline, own.Held, day)
				risk := oracle.AtRiskOn(own.Deadline, own.Held, own.Planned, day, atRiskDays)
				if child.Cells != domain.NewShare(c.Held, c.Total) || child.Late != all.Late+boolInt(late) || child.AtRisk != all.AtRisk+boolInt(risk) {
					t.Errorf("%s on %s: cells %+v, %d late, %d at risk; the oracle %d/%d, %d, %d", child.Code, day, child.Cells,
						child.Late, child.AtRisk, c.Held, c.Total, all.Late+boolInt(late), all.AtRisk+boolInt(risk))
				}
				compared++
			}
		}
	}
	if compared == 0 {
		t.Fatal("nothing compared")
	}
	t.Logf("%d units compared on %d days", compared, len(days))
}

// compareOwn compares a unit's own congress on day with the oracle's.
func (w *world) compareOwn(code string, got domain.OwnCongress, c oracle.Congress, day domain.Day) {
	late, days := oracle.LateOn(c.Deadline, c.Held, day)
	held := oracle.HeldBy(c.Held, day)
	want := fmt.Sprint(oracle.StatusOn(c.Status, c.Held, c.PlanApproved, c.Reported, day), held, late, days,
		oracle.AtRiskOn(c.Deadline, c.Held, c.Planned, day, atRiskDays), held && domain.SameDay(got.HeldDate, c.Held) || !held && got.HeldDate == nil)
	if s := fmt.Sprint(got.Status, got.Held, got.Late, got.DaysOverdue, got.AtRisk, true); s != want {
		w.t.Errorf("%s on %s: own status, held, late, days, at risk, held date = %s; the oracle %s", code, day, s, want)
	}
}

// compareTimeline compares the chart's cells held by day at the unit with
// code with the oracle's.
func (w *world) compareTimeline(code string) {
	units, r, _ := w.load()
	tl, err := w.svc.CellsTimeline(w.ctx, domain.SystemPrincipal(), code)
	if err != nil {
		w.t.Fatal(err)
	}
	var id int64
	for _, u := range units {
		if u.Code == code {
			id = u.ID
		}
	}
	days := make([]domain.Day, len(tl.Days))
	for i, d := range tl.Days {
		days[i] = d.Day
	}
	held, total, latest := r.HeldSeries(id, w.cellKinds(), days)
	for i, d := range tl.Days {
		if d.Held != held[i] {
			w.t.Errorf("%s: %d cells held by %s, the oracle %d", code, d.Held, d.Day, held[i])
		}
	}
	if tl.Total != total || !domain.SameDay(tl.Deadline, latest) || len(days) == 0 {
		w.t.Errorf("%s: %d cells, latest deadline %v over %d days; the oracle %d, %v", code, tl.Total, tl.Deadline, len(days), total, latest)
	}
}

// compareFlags compares the open late and at-risk flags with the oracle's
// units late and at risk on day (the day of the last late-flags run).
func (w *world) compareFlags(day domain.Day) {
	_, r, _ := w.load()
	var open []struct {
		UnitID int64  `db:"unit_id"`
		Kind   string `db:"kind"`
	}
	if err := w.db.Select(&open, `SELECT unit_id, kind FROM flags WHERE round_id = $1 AND resolved_at IS NULL
		AND kind IN ('late', 'at_risk')`, w.round); err != nil {
		w.t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range open {
		got[fmt.Sprint(f.UnitID, f.Kind)] = true
	}
	want := map[string]bool{}
	for _, c := range r {
		if !c.Active {
			continue
		}
		if late, _ := oracle.LateOn(c.Deadline, c.Held, day); late {
			want[fmt.Sprint(c.UnitID, "late")] = true
		}
		if oracle.AtRiskOn(c.Deadline, c.Held, c.Planned, day, atRiskDays) {
			want[fmt.Sprint(c.UnitID, "at_risk")] = true
		}
		if got[fmt.Sprint(c.UnitID, "late")] && got[fmt.Sprint(c.UnitID, "at_risk")] {
			w.t.Errorf("unit %d has a late flag and an at-risk flag open", c.UnitID)
		}
	}
	if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Errorf("open flags on %s:\n%v\nthe oracle:\n%v", day, got, want)
	}
}

func days(list ...string) []domain.Day {
	out := make([]domain.Day, len(list))
	for i, s := range list {
		t, err := domain.ParseDate(s)
		if err != nil {
			panic(err)
		}
		out[i] = domain.DayOf(t)
	}
	return out
}

func TestEveryFigureOfTheDemoAgreesWithTheOracle(t *testing.T) {
	w := newWorld(t, demo.Date)
	if err := demo.Seed(w.ctx, w.svc); err != nil {
		t.Fatal(err)
	}
	w.compareEverything(days("2020-02-15", "2020-03-17", "2020-03-31", "2020-04-01", "2020-04-15"))
	w.compareTimeline(demo.DistrictCode)
	w.compareFlags(domain.DayOf(demo.Date))
}

func TestEveryFigureOfAGeneratedTreeAgreesWithTheOracle(t *testing.T) {
	w := newWorld(t, gen.DefaultAsOf)
	o := gen.Options{Provinces: 2, Districts: 4, Grassroots: 40, Cells: 200, Seed: 5}
	if _, err := gen.Run(w.ctx, w.svc, o, gen.DefaultAsOf, io.Discard); err != nil {
		t.Fatal(err)
	}
	w.compareEverything(days("2020-01-20", "2020-03-16", "2020-04-01", "2020-04-15"))
	w.compareTimeline(gen.RootCode)
	w.compareFlags(domain.DayOf(gen.DefaultAsOf))
}
