package store

import (
	"context"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// TestEnsureRoundRowsAndRefreshDeadlinesForASubtree checks the helpers the
// tree changes call: rows for units added after the round, and deadlines
// recomputed for a subtree only.
func TestEnsureRoundRowsAndRefreshDeadlinesForASubtree(t *testing.T) {
	ctx := context.Background()
	st := New(testdb.New(t))
	sys := domain.SystemPrincipal()
	mk := func(code, kind, category string, parent *domain.Unit) domain.Unit {
		t.Helper()
		u, err := st.CreateUnit(ctx, sys, domain.UnitInput{Code: code, Name: code, Kind: kind, Category: category}, parent)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	d := mk("D", "district", "", nil)
	w := mk("D.W", "grassroots_committee", "", &d)
	mk("D.W.1", "cell", "residential", &w)
	r, err := st.CreateRound(ctx, sys, NewRound{Name: "R", Documents: []string{}, StartDate: roundDay(t, "2019-07-08"), Rules: []domain.DeadlineRule{
		{Kind: "cell", Deadline: roundDay(t, "2020-03-31")},
		{Kind: "cell", Category: "residential", Deadline: roundDay(t, "2020-03-25")},
		{ScopeCode: "D.W", Kind: "cell", Deadline: roundDay(t, "2020-03-10")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w2 := mk("D.W2", "grassroots_committee", "", &d)
	mk("D.W2.1", "cell", "school", &w2)
	inTx := func(fn func(tx *txn) error) {
		t.Helper()
		if err := st.inTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	inTx(func(tx *txn) error { return ensureRoundRows(ctx, tx, r.ID, w2.Path) })
	inTx(func(tx *txn) error { return ensureRoundRows(ctx, tx, r.ID, w2.Path) }) // idempotent
	deadline := func(code string) string {
		t.Helper()
		c, err := st.Congress(ctx, r.ID, code, roundDay(t, "2020-04-15"))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if c.Deadline == nil {
			return ""
		}
		return c.Deadline.String()
	}
	if got := deadline("D.W2.1"); got != "2020-03-31" {
		t.Errorf("new cell deadline %q", got)
	}
	if got := deadline("D.W.1"); got != "2020-03-10" {
		t.Errorf("cell deadline %q", got)
	}
	var ms int
	if err := st.DB().Get(&ms, `SELECT count(*) FROM milestones m JOIN units u ON u.id = m.unit_id WHERE u.code LIKE 'D.W2%'`); err != nil || ms != 12 {
		t.Errorf("milestones of the new units = %d (%v), want 7 + 5", ms, err)
	}
	// A rule added behind the store's back applies only where refreshed.
	if _, err := st.DB().Exec(`INSERT INTO deadline_rules (round_id, kind, category, deadline) VALUES ($1, 'cell', 'school', '2020-03-05')`, r.ID); err != nil {
		t.Fatal(err)
	}
	inTx(func(tx *txn) error { return refreshDeadlines(ctx, tx, r.ID, w.Path, true) })
	if got := deadline("D.W2.1"); got != "2020-03-31" {
		t.Errorf("cell outside the refreshed subtree moved to %q", got)
	}
	inTx(func(tx *txn) error { return refreshDeadlines(ctx, tx, r.ID, "", true) })
	if got := deadline("D.W2.1"); got != "2020-03-05" {
		t.Errorf("school cell deadline %q after a full refresh", got)
	}
}

func roundDay(t *testing.T, s string) domain.Day {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return domain.DayOf(d)
}
