package core_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// toPlanApproved walks the congress of code to plan approved, as the system.
func (f *fixture) toPlanApproved(code string) {
	f.t.Helper()
	f.approvePlan(code)
	for _, pt := range []domain.CongressPatch{{Status: strp("preparing")}, {Status: strp("plan_approved"), PlannedDate: strp("2020-03-20")}} {
		if _, err := f.patchCongress(domain.SystemPrincipal(), code, pt); err != nil {
			f.t.Fatalf("%s: %v", code, err)
		}
	}
}

// holdRows are the rows of a bulk hold of codes, with the versions they
// have now and present at each.
func (f *fixture) holdRows(codes []string, present ...int) []domain.HoldRow {
	rows := make([]domain.HoldRow, len(codes))
	for i, code := range codes {
		rows[i] = domain.HoldRow{UnitCode: code, Version: f.congressNow(code).Version}
		if i < len(present) {
			rows[i].DelegatesPresent = intp(present[i])
		}
	}
	return rows
}

func TestAWardSecretaryHoldsSeveralCellsAtOnceAllOrNothing(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	cells := []string{"HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.BM.C3"} // 30, 25 and 20 members
	for _, c := range cells {
		f.toPlanApproved(c)
	}
	bithu := f.as("bithu")
	refused := func(t *testing.T, in domain.HoldInput, code domain.ErrorCode, want map[int]string) {
		t.Helper()
		before := f.roundDigest()
		_, err := f.svc.HoldCongresses(f.ctx, bithu, 0, in)
		wantCode(t, err, code)
		if f.roundDigest() != before {
			t.Error("a refused bulk hold wrote")
		}
		if want == nil {
			return
		}
		got := map[int]string{}
		for _, fe := range domain.AsError(err).Fields {
			got[fe.Row] = fe.Field
			if fe.Message.VI == "" || fe.Message.EN == "" {
				t.Errorf("row %d: message %+v not in both languages", fe.Row, fe.Message)
			}
		}
		for row, field := range want {
			if got[row] != field {
				t.Errorf("row %d refused on %q, want %q (all: %v)", row, got[row], field, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("rows refused %v, want %v", got, want)
		}
	}

	t.Run("one row with more present than the cell's members writes nothing and names its row", func(t *testing.T) {
		refused(t, domain.HoldInput{HeldDate: "22/03/2020", Rows: f.holdRows(cells, 28, 999, 18)}, domain.EInvalid,
			map[int]string{2: "delegates_present"})
	})
	t.Run("a row read before someone changed it writes nothing", func(t *testing.T) {
		rows := f.holdRows(cells, 28, 20, 18)
		rows[2].Version--
		refused(t, domain.HoldInput{HeldDate: "22/03/2020", Rows: rows}, domain.EConflict, map[int]string{3: "version"})
	})
	t.Run("a day in the future is refused on every row", func(t *testing.T) {
		refused(t, domain.HoldInput{HeldDate: "16/04/2020", Rows: f.holdRows(cells)}, domain.EInvalid,
			map[int]string{1: "held_date", 2: "held_date", 3: "held_date"})
	})
	t.Run("a cell of another ward is not found, and nothing is written", func(t *testing.T) {
		rows := append(f.holdRows(cells[:1]), domain.HoldRow{UnitCode: "HN.HBT.VT.C1", Version: f.congressNow("HN.HBT.VT.C1").Version})
		refused(t, domain.HoldInput{HeldDate: "22/03/2020", Rows: rows}, domain.ENotFound, nil)
	})
	t.Run("a viewer may not hold", func(t *testing.T) {
		before := f.roundDigest()
		_, err := f.svc.HoldCongresses(f.ctx, f.as("xem"), 0, domain.HoldInput{HeldDate: "22/03/2020", Rows: f.holdRows(cells)})
		wantCode(t, err, domain.EForbidden)
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("no row, or a unit twice, is refused", func(t *testing.T) {
		refused(t, domain.HoldInput{HeldDate: "22/03/2020"}, domain.EInvalid, nil)
		refused(t, domain.HoldInput{HeldDate: "22/03/2020", Rows: append(f.holdRows(cells[:1]), f.holdRows(cells[:1])...)}, domain.EInvalid, nil)
	})
	t.Run("three cells are held at once, each audited, the ward's figures follow", func(t *testing.T) {
		auditsBefore := f.count("audit_log")
		out, err := f.svc.HoldCongresses(f.ctx, bithu, 0, domain.HoldInput{HeldDate: "22/03/2020", Rows: f.holdRows(cells, 28, 20, 18)})
		wantCode(t, err, "")
		if len(out) != 3 {
			t.Fatalf("%d congresses back", len(out))
		}
		for i, c := range out {
			if c.UnitCode != cells[i] || c.Status != domain.StatusHeld || c.HeldDate.String() != "2020-03-22" || c.DelegatesPresent == nil {
				t.Errorf("row %d: %+v", i+1, c)
			}
		}
		if got := f.count("audit_log") - auditsBefore; got != 3 {
			t.Errorf("%d audit rows, want one per congress", got)
		}
		if total, held := f.rollupOf("HN.HBT.BM", "cell"); total != 3 || held != 3 {
			t.Errorf("the ward's cells: %d of %d held", held, total)
		}
	})
}

// A cell's day held is corrected no later than its ward's congress, held
// after its cells; a plan's approval recorded late (after the day held)
// bounds nothing.
func TestACorrectedDayHeldIsNotAfterTheCongressAbove(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	for _, code := range []string{"HN.HBT.BM.C1", "HN.HBT.BM.C2", "HN.HBT.BM.C3"} {
		f.holdCongress(code, "2020-02-20")
	}
	f.holdCongress("HN.HBT.BM", "2020-03-15")
	sys := domain.SystemPrincipal()
	for _, tc := range []struct {
		day  string
		code domain.ErrorCode
	}{
		{"2020-03-20", domain.EInvalid}, // after the ward's congress
		{"2020-03-15", ""},
		{"2020-01-05", ""}, // before the approval as recorded (10/01)
	} {
		_, err := f.patchCongress(sys, "HN.HBT.BM.C1", domain.CongressPatch{HeldDate: strp(tc.day)})
		if (tc.code == "" && err != nil) || (tc.code != "" && domain.ErrorCodeOf(err) != tc.code) {
			t.Errorf("held on %s: %v, want %q", tc.day, err, tc.code)
		}
	}
}
