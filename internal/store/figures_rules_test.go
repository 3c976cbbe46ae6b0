package store

import (
	"math/rand/v2"
	"testing"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/oracle"
	"github.com/daihoi/daihoi/internal/testdb"
)

// congressState is a congress drawn at random: its dates, its status now,
// its plan approval and results, and a day and at-risk days to ask about.
type congressState struct {
	deadline, held, planned, approved, reported *domain.Day
	status                                      domain.CongressStatus
	due                                         *domain.Day
	done                                        *domain.Day
	afterCongress                               bool
	day                                         domain.Day
	days                                        int
}

// drawStates draws n states around March–May 2020, each date missing one
// time in four, held congresses with the status of a held one.
func drawStates(n int, seed uint64) []congressState {
	r := rand.New(rand.NewPCG(seed, 7))
	base := dayOf("2020-03-01")
	maybe := func() *domain.Day {
		if r.IntN(4) == 0 {
			return nil
		}
		d := base.AddDays(r.IntN(60))
		return &d
	}
	statuses := []domain.CongressStatus{domain.StatusNotStarted, domain.StatusPreparing, domain.StatusPlanApproved}
	out := make([]congressState, n)
	for i := range out {
		s := congressState{deadline: maybe(), held: maybe(), planned: maybe(), approved: maybe(), reported: maybe(),
			due: maybe(), done: maybe(), afterCongress: r.IntN(3) == 0, day: base.AddDays(r.IntN(60)), days: r.IntN(20)}
		s.status = statuses[r.IntN(len(statuses))]
		if s.held != nil {
			s.status = domain.StatusHeld
		} else {
			s.reported = nil
		}
		out[i] = s
	}
	return out
}

// Every rule of the figures, in SQL, agrees with the oracle on thousands
// of drawn states; the day sums of congress_figure_events give the same
// answers as the rules (and count a congress held by the day and missing
// papers, every third one here, as unsent); and no congress is ever both
// late and at risk.
func TestFigureRulesAgreeWithTheOracleOnDrawnStates(t *testing.T) {
	s := New(testdb.New(t))
	states := drawStates(5000, 1)
	col := func(f func(c congressState) *domain.Day) pq.StringArray {
		out := make(pq.StringArray, len(states))
		for i, c := range states {
			if d := f(c); d != nil {
				out[i] = d.String()
			} else {
				out[i] = "NULL"
			}
		}
		return out
	}
	// pq sends NULL elements of a text array as the string "NULL"; nullif
	// turns them back.
	days, risk, statuses, after := make(pq.StringArray, len(states)), make(pq.Int64Array, len(states)),
		make(pq.StringArray, len(states)), make(pq.BoolArray, len(states))
	for i, c := range states {
		days[i], risk[i], statuses[i], after[i] = c.day.String(), int64(c.days), string(c.status), c.afterCongress
	}
	var rows []struct {
		I        int    `db:"i"`
		HeldBy   bool   `db:"held_by"`
		Late     bool   `db:"late"`
		AtRisk   bool   `db:"at_risk"`
		Status   string `db:"status"`
		Overdue  bool   `db:"overdue"`
		Moot     bool   `db:"moot"`
		SumHeld  int    `db:"sum_held"`
		SumLate  int    `db:"sum_late"`
		SumRisk  int    `db:"sum_risk"`
		SumTotal int    `db:"sum_total"`
		Unsent   int    `db:"sum_unsent"`
	}
	err := s.DB().Select(&rows, `WITH x AS (
			SELECT i, nullif(dl, 'NULL')::date AS dl, nullif(h, 'NULL')::date AS h, nullif(p, 'NULL')::date AS p,
				nullif(a, 'NULL')::date AS a, nullif(r, 'NULL')::date AS r, nullif(due, 'NULL')::date AS due,
				nullif(done, 'NULL')::date AS done, d::date AS d, n::int AS n, st, aft
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::bigint[], $10::text[], $11::boolean[]) WITH ORDINALITY AS u(dl, h, p, a, r, due, done, d, n, st, aft, i)
		)
		SELECT x.i, congress_held_by(x.h, x.d) AS held_by, congress_late_on(x.dl, x.h, x.d) AS late,
			congress_at_risk_on(x.dl, x.h, x.p, x.d, x.n) AS at_risk,
			congress_status_on(x.st, x.h, x.a, x.r, x.d) AS status,
			milestone_overdue_on(x.due, x.done, x.aft, x.h, x.d) AS overdue, milestone_moot_on(x.done, x.aft, x.h, x.d) AS moot,
			coalesce(sum(e.held) FILTER (WHERE e.day <= x.d), 0) AS sum_held,
			coalesce(sum(e.late) FILTER (WHERE e.day <= x.d), 0) AS sum_late,
			coalesce(sum(e.risk_after) FILTER (WHERE e.day > x.d), 0)
				+ coalesce(sum(e.risk_nodate) FILTER (WHERE e.day BETWEEN x.d AND x.d + x.n), 0) AS sum_risk,
			sum(e.total) AS sum_total, coalesce(sum(e.unsent) FILTER (WHERE e.day <= x.d), 0) AS sum_unsent
		FROM x CROSS JOIN LATERAL congress_figure_events(x.dl, x.h, x.p, x.i % 3 = 0) e
		GROUP BY x.i, x.dl, x.h, x.p, x.a, x.r, x.due, x.done, x.d, x.n, x.st, x.aft ORDER BY x.i`,
		col(func(c congressState) *domain.Day { return c.deadline }), col(func(c congressState) *domain.Day { return c.held }),
		col(func(c congressState) *domain.Day { return c.planned }), col(func(c congressState) *domain.Day { return c.approved }),
		col(func(c congressState) *domain.Day { return c.reported }), col(func(c congressState) *domain.Day { return c.due }),
		col(func(c congressState) *domain.Day { return c.done }), days, risk, statuses, after)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(states) {
		t.Fatalf("%d rows for %d states", len(rows), len(states))
	}
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	for _, r := range rows {
		c := states[r.I-1]
		late, _ := oracle.LateOn(c.deadline, c.held, c.day)
		want := struct {
			held, late, risk bool
			status           domain.CongressStatus
			overdue, moot    bool
		}{oracle.HeldBy(c.held, c.day), late, oracle.AtRiskOn(c.deadline, c.held, c.planned, c.day, c.days),
			oracle.StatusOn(c.status, c.held, c.approved, c.reported, c.day),
			oracle.MilestoneOverdueOn(c.due, c.done, c.afterCongress, c.held, c.day), oracle.MilestoneMootOn(c.done, c.afterCongress, c.held, c.day)}
		if r.HeldBy != want.held || r.Late != want.late || r.AtRisk != want.risk || domain.CongressStatus(r.Status) != want.status ||
			r.Overdue != want.overdue || r.Moot != want.moot {
			t.Errorf("%+v: SQL held %v late %v at risk %v status %s overdue %v moot %v; oracle %+v", c, r.HeldBy, r.Late, r.AtRisk,
				r.Status, r.Overdue, r.Moot, want)
		}
		if r.SumHeld != b(r.HeldBy) || r.SumLate != b(r.Late) || r.SumRisk != b(r.AtRisk) || r.SumTotal != 1 {
			t.Errorf("%+v: the events sum to held %d late %d at risk %d total %d; the rules say %v %v %v", c,
				r.SumHeld, r.SumLate, r.SumRisk, r.SumTotal, r.HeldBy, r.Late, r.AtRisk)
		}
		if want := b(r.HeldBy && r.I%3 == 0); r.Unsent != want {
			t.Errorf("%+v (missing papers: %v): the events sum to unsent %d, want %d", c, r.I%3 == 0, r.Unsent, want)
		}
		if r.Late && r.AtRisk {
			t.Errorf("%+v: late and at risk at once", c)
		}
		if r.Overdue && r.Moot {
			t.Errorf("%+v: a milestone overdue and moot at once", c)
		}
	}
}
