package core_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

func TestCreateUnit(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()

	t.Run("a cell is created under its ward with the ward's path", func(t *testing.T) {
		ward := f.unit("HN.HBT.BM")
		u, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{
			Code: " hn.hbt.bm.c4 ", Name: " Chi bộ  Tổ dân phố số 4 ", Kind: "cell", ParentCode: "hn.hbt.bm", Category: "residential", Members: 41,
		})
		wantCode(t, err, "")
		if got, want := u.Code, "HN.HBT.BM.C4"; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
		if got, want := u.Name, "Chi bộ Tổ dân phố số 4"; got != want {
			t.Errorf("name = %q, want %q", got, want)
		}
		if got, want := u.ParentCode, "HN.HBT.BM"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := u.Path, ward.Path+"."+itoa(u.ID); got != want {
			t.Errorf("path = %q, want %q", got, want)
		}
		if got, want := u.Depth, ward.Depth+1; got != want {
			t.Errorf("depth = %d, want %d", got, want)
		}
		if u.Version != 1 || !u.Active || u.Members != 41 || u.Category != "residential" {
			t.Errorf("unit = %+v, want version 1, active, 41 members, residential", u)
		}
		if got, want := f.unit("HN.HBT.BM").Children, ward.Children+1; got != want {
			t.Errorf("ward children = %d, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, sys, u.Code)
		wantCode(t, err, "")
		if len(h) != 1 || h[0].Action != "unit.create" || h[0].Before != nil || len(h[0].After) == 0 {
			t.Errorf("history = %+v, want one unit.create with only an after", h)
		}
	})

	tests := []struct {
		name  string
		in    domain.UnitInput
		code  domain.ErrorCode
		field string
	}{
		{"a duplicate code is a conflict",
			domain.UnitInput{Code: "HN.HBT.BM.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EConflict, ""},
		{"a duplicate code differing in case is a conflict",
			domain.UnitInput{Code: "hn.hbt.bm.c1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EConflict, ""},
		{"an unknown parent is invalid",
			domain.UnitInput{Code: "HN.HBT.ZZ.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.ZZ"}, domain.EInvalid, "parent_code"},
		{"a cell directly under a district is invalid",
			domain.UnitInput{Code: "HN.HBT.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT"}, domain.EInvalid, "kind"},
		{"a cell under a grassroots cell is invalid",
			domain.UnitInput{Code: "HN.HBT.DK.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.DK"}, domain.EInvalid, "kind"},
		{"a ward under a ward is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.W", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "kind"},
		{"a district under a district is invalid",
			domain.UnitInput{Code: "HN.HBT.D", Name: "Đảng bộ", Kind: "district", ParentCode: "HN.HBT"}, domain.EInvalid, "kind"},
		{"a ward without a parent is invalid",
			domain.UnitInput{Code: "W", Name: "Đảng bộ", Kind: "grassroots_committee"}, domain.EInvalid, "parent_code"},
		{"an unknown kind is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.X", Name: "Chi bộ", Kind: "ward", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "kind"},
		{"a category on a ward is invalid",
			domain.UnitInput{Code: "HN.HBT.W", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT", Category: "residential"}, domain.EInvalid, "category"},
		{"a missing name is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "  ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "name"},
		{"a code with diacritics is invalid",
			domain.UnitInput{Code: "HN.HBT.BẠCHMAI", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT"}, domain.EInvalid, "code"},
		{"negative members are invalid",
			domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM", Members: -3}, domain.EInvalid, "members"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.CreateUnit(f.ctx, sys, tt.in)
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.code)
			}
			if got, want := f.rows(), before; got != want {
				t.Errorf("rows after = %+v, want %+v", got, want)
			}
		})
	}

	t.Run("a unit under an inactive parent is invalid", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.QL", []string{"HN.HBT.QM"}, "sáp nhập")
		wantCode(t, err, "")
		before := f.rows()
		_, err = f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: "HN.HBT.QM.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.QM"})
		wantField(t, err, "parent_code")
		if got, want := f.rows(), before; got != want {
			t.Errorf("rows after = %+v, want %+v", got, want)
		}
	})
}

// snap decodes a recorded before or after of a unit.
func TestUpdateUnit(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	name := func(s string) *string { return &s }
	num := func(n int) *int { return &n }

	t.Run("an update with the current version is written and recorded", func(t *testing.T) {
		cell := f.unit("HN.HBT.BM.C1")
		u, err := f.svc.UpdateUnit(f.ctx, board, cell.Code, domain.UnitPatch{Name: name("Chi bộ Tổ dân phố số 1 mới"), Members: num(33), Version: cell.Version})
		wantCode(t, err, "")
		if u.Name != "Chi bộ Tổ dân phố số 1 mới" || u.Members != 33 || u.Category != "residential" {
			t.Errorf("unit = %+v, want new name, 33 members, residential kept", u)
		}
		if got, want := u.Version, cell.Version+1; got != want {
			t.Errorf("version = %d, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, board, cell.Code)
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.update" || h[0].Username != "bantochuc" {
			t.Fatalf("latest change = %+v, want unit.update by bantochuc", h)
		}
		var before, after struct {
			Name    string `json:"name"`
			Members int    `json:"members"`
		}
		if err := json.Unmarshal(h[0].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(h[0].After, &after); err != nil {
			t.Fatal(err)
		}
		if before.Name != cell.Name || before.Members != 30 || after.Name != u.Name || after.Members != 33 {
			t.Errorf("before = %+v, after = %+v", before, after)
		}
	})

	t.Run("an update changing nothing writes nothing", func(t *testing.T) {
		cell := f.unit("HN.HBT.BM.C2")
		before := f.rows()
		u, err := f.svc.UpdateUnit(f.ctx, board, cell.Code, domain.UnitPatch{Members: num(cell.Members), Version: cell.Version})
		wantCode(t, err, "")
		if u.Version != cell.Version {
			t.Errorf("version = %d, want %d", u.Version, cell.Version)
		}
		if got := f.rows(); got != before {
			t.Errorf("rows after = %+v, want %+v", got, before)
		}
	})

	tests := []struct {
		name  string
		code  string
		patch func(u domain.Unit) domain.UnitPatch
		want  domain.ErrorCode
		field string
	}{
		{"a stale version is a conflict", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Name: name("Tên khác"), Version: u.Version - 1}
			}, domain.EConflict, ""},
		{"a version from the future is a conflict", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1), Version: u.Version + 1} }, domain.EConflict, ""},
		{"a missing version is invalid", "HN.HBT.BM.C1",
			func(domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1)} }, domain.EInvalid, "version"},
		{"an empty name is invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Name: name(" "), Version: u.Version} }, domain.EInvalid, "name"},
		{"negative members are invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(-1), Version: u.Version} }, domain.EInvalid, "members"},
		{"a category on a ward is invalid", "HN.HBT.BM",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Category: name("school"), Version: u.Version}
			}, domain.EInvalid, "category"},
		{"an unknown category is invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Category: name("church"), Version: u.Version}
			}, domain.EInvalid, "category"},
		{"an unknown unit is not found", "HN.HBT.ZZ",
			func(domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1), Version: 1} }, domain.ENotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			var u domain.Unit
			if tt.want != domain.ENotFound {
				u = f.unit(tt.code)
			}
			before := f.rows()
			_, err := f.svc.UpdateUnit(f.ctx, board, tt.code, tt.patch(u))
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.want)
			}
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
			if tt.want != domain.ENotFound {
				if after := f.unit(tt.code); !sameUnit(after, u) {
					t.Errorf("unit changed:\n got %+v\nwant %+v", after, u)
				}
			}
		})
	}
}

func TestMoveUnitRefusesCycles(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	tests := []struct {
		name, code, parent string
	}{
		{"a ward under itself", "HN.HBT.VT", "HN.HBT.VT"},
		{"a ward under its own cell", "HN.HBT.VT", "HN.HBT.VT.C1"},
		{"a ward under its own sub-committee", "HN.HBT.VT", "HN.HBT.VT.S"},
		{"a ward under its sub-committee's cell", "HN.HBT.VT", "HN.HBT.VT.S.C1"},
		{"a district under its own ward", "HN.HBT", "HN.HBT.BM"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			u := f.unit(tt.code)
			before := f.rows()
			_, err := f.svc.MoveUnit(f.ctx, board, tt.code, tt.parent, "")
			wantField(t, err, "parent_code")
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
			if after := f.unit(tt.code); !sameUnit(after, u) {
				t.Errorf("unit changed:\n got %+v\nwant %+v", after, u)
			}
		})
	}
}

func TestMoveUnit(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	board := f.as("bantochuc")

	t.Run("a ward moves to another district with its whole subtree", func(t *testing.T) {
		dd := f.unit("HN.DD")
		vt := f.unit("HN.HBT.VT")
		sub := f.unit("HN.HBT.VT.S")
		grandchild := f.unit("HN.HBT.VT.S.C1")
		u, err := f.svc.MoveUnit(f.ctx, sys, "hn.hbt.vt", "hn.dd", "chuyển địa giới")
		wantCode(t, err, "")
		if got, want := u.ParentCode, "HN.DD"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := u.Path, dd.Path+"."+itoa(vt.ID); got != want {
			t.Errorf("path = %q, want %q", got, want)
		}
		if got, want := u.Version, vt.Version+1; got != want {
			t.Errorf("version = %d, want %d", got, want)
		}
		gc := f.unit(grandchild.Code)
		if got, want := gc.Path, u.Path+"."+itoa(sub.ID)+"."+itoa(gc.ID); got != want {
			t.Errorf("grandchild path = %q, want %q", got, want)
		}
		if !strings.HasPrefix(gc.Path, dd.Path+".") {
			t.Errorf("grandchild path %q is not under HN.DD %q", gc.Path, dd.Path)
		}
		if got, want := gc.ParentCode, "HN.HBT.VT.S"; got != want {
			t.Errorf("grandchild parent = %q, want %q", got, want)
		}
		if gc.Version != grandchild.Version {
			t.Errorf("grandchild version = %d, want %d (only the moved unit changes)", gc.Version, grandchild.Version)
		}
		anc, err := f.svc.Ancestors(f.ctx, sys, gc.Code)
		wantCode(t, err, "")
		if got, want := codes(anc), "HN HN.DD HN.HBT.VT HN.HBT.VT.S"; got != want {
			t.Errorf("grandchild ancestors = %s, want %s", got, want)
		}
		if got, want := f.unit("HN.HBT").Children, 4; got != want {
			t.Errorf("HN.HBT children = %d, want %d", got, want)
		}
		page, err := f.svc.Subtree(f.ctx, sys, "HN.DD", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 7; got != want {
			t.Errorf("HN.DD subtree = %d units, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, sys, "HN.HBT.VT")
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.move" || h[0].Reason != "chuyển địa giới" {
			t.Fatalf("latest change = %+v, want the move with its reason", h)
		}
		if snap(t, h[0].Before)["parent_code"] != "HN.HBT" || snap(t, h[0].After)["parent_code"] != "HN.DD" {
			t.Errorf("move recorded before %s after %s", h[0].Before, h[0].After)
		}
	})

	t.Run("a cell moves between wards within the board's district", func(t *testing.T) {
		bm := f.unit("HN.HBT.BM")
		u, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C3", "HN.HBT.QL", "")
		wantCode(t, err, "")
		if got, want := u.ParentCode, "HN.HBT.QL"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := f.unit("HN.HBT.BM").Children, bm.Children-1; got != want {
			t.Errorf("Bạch Mai children = %d, want %d", got, want)
		}
	})

	t.Run("a move to the current parent writes nothing", func(t *testing.T) {
		before := f.rows()
		u0 := f.unit("HN.HBT.BM.C1")
		u, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.HBT.BM", "")
		wantCode(t, err, "")
		if !sameUnit(u, u0) {
			t.Errorf("unit = %+v, want %+v", u, u0)
		}
		if got := f.rows(); got != before {
			t.Errorf("rows after = %+v, want %+v", got, before)
		}
	})

	refused := []struct {
		name, code, parent string
		field              string
		want               domain.ErrorCode
	}{
		{"a cell may not move under a district", "HN.HBT.BM.C1", "HN.HBT", "kind", domain.EInvalid},
		{"a ward may not move under a ward", "HN.HBT.BM", "HN.HBT.QL", "kind", domain.EInvalid},
		{"a unit may not move under an unknown parent", "HN.HBT.BM.C1", "HN.HBT.ZZ", "parent_code", domain.EInvalid},
		{"a unit may not move without a parent", "HN.HBT.BM.C1", " ", "parent_code", domain.EInvalid},
		{"an unknown unit is not found", "HN.HBT.ZZ", "HN.HBT.BM", "", domain.ENotFound},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.MoveUnit(f.ctx, board, tt.code, tt.parent, "")
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.want)
			}
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
		})
	}

	t.Run("an inactive unit may not move", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM.C1", []string{"HN.HBT.BM.C2"}, "")
		wantCode(t, err, "")
		_, err = f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C2", "HN.HBT.QL", "")
		wantField(t, err, "code")
	})

	t.Run("nothing moves under an inactive unit", func(t *testing.T) {
		_, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.HBT.BM.C2", "")
		wantCode(t, err, domain.EInvalid)
	})
}

// codes lists the codes of units, separated by spaces.
func TestMergeUnits(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	sys := domain.SystemPrincipal()

	auditBefore := f.count("audit_log")
	bm := f.unit("HN.HBT.BM")
	vt := f.unit("HN.HBT.VT")
	sub := f.unit("HN.HBT.VT.S")
	u, err := f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM", []string{"hn.hbt.vt", "HN.HBT.QL"}, "Nghị quyết sáp nhập phường")
	wantCode(t, err, "")

	t.Run("the survivor gets the merged units' children", func(t *testing.T) {
		if got, want := u.Code, "HN.HBT.BM"; got != want {
			t.Errorf("survivor = %s, want %s", got, want)
		}
		// 3 cells of its own, the cell and the sub-committee of Vĩnh Tuy; Quỳnh Lôi had none.
		if got, want := u.Children, 5; got != want {
			t.Errorf("survivor children = %d, want %d", got, want)
		}
		kids, err := f.svc.Children(f.ctx, board, "HN.HBT.BM")
		wantCode(t, err, "")
		if got, want := sortedCodes(kids), "HN.HBT.BM.C1 HN.HBT.BM.C2 HN.HBT.BM.C3 HN.HBT.VT.C1 HN.HBT.VT.S"; got != want {
			t.Errorf("survivor children = %s, want %s", got, want)
		}
		s := f.unit(sub.Code)
		if got, want := s.Path, bm.Path+"."+itoa(sub.ID); got != want {
			t.Errorf("sub-committee path = %s, want %s", got, want)
		}
		anc, err := f.svc.Ancestors(f.ctx, sys, "HN.HBT.VT.S.C1")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN HN.HBT HN.HBT.BM HN.HBT.VT.S"; got != want {
			t.Errorf("ancestors of the sub-committee's cell = %s, want %s", got, want)
		}
	})

	t.Run("the merged units are inactive and point to the survivor", func(t *testing.T) {
		for _, code := range []string{"HN.HBT.VT", "HN.HBT.QL"} {
			m := f.unit(code)
			if m.Active || m.MergedInto != "HN.HBT.BM" || m.Children != 0 {
				t.Errorf("%s = active %v, merged into %q, %d children; want inactive, HN.HBT.BM, 0",
					code, m.Active, m.MergedInto, m.Children)
			}
		}
		kids, err := f.svc.Children(f.ctx, board, "HN.HBT")
		wantCode(t, err, "")
		if got, want := sortedCodes(kids), "HN.HBT.BM HN.HBT.DK HN.HBT.QM"; got != want {
			t.Errorf("district children = %s, want %s", got, want)
		}
	})

	t.Run("the history of a merged unit stays readable", func(t *testing.T) {
		h, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.VT")
		wantCode(t, err, "")
		if len(h) < 2 || h[0].Action != "unit.merge" || h[len(h)-1].Action != "unit.create" {
			t.Fatalf("history = %+v, want the merge first and the creation last", h)
		}
		var before, after struct {
			Active     bool   `json:"active"`
			MergedInto string `json:"merged_into"`
		}
		if err := json.Unmarshal(h[0].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(h[0].After, &after); err != nil {
			t.Fatal(err)
		}
		if !before.Active || before.MergedInto != "" || after.Active || after.MergedInto != "HN.HBT.BM" {
			t.Errorf("before = %+v, after = %+v", before, after)
		}
		if got, want := h[0].Reason, "Nghị quyết sáp nhập phường"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if h[0].Username != "bantochuc" {
			t.Errorf("by %q, want bantochuc", h[0].Username)
		}
		if _, err := f.svc.Unit(f.ctx, board, "HN.HBT.VT"); err != nil {
			t.Errorf("the merged unit cannot be read: %v", err)
		}
	})

	t.Run("the moves of the children are recorded", func(t *testing.T) {
		h, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.VT.C1")
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.move" || snap(t, h[0].After)["parent_code"] != "HN.HBT.BM" {
			t.Errorf("latest change of the moved cell = %+v, want a move to HN.HBT.BM", h)
		}
		sh, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.BM")
		wantCode(t, err, "")
		if len(sh) == 0 || sh[0].Action != "unit.absorb" || !strings.Contains(string(sh[0].After), "HN.HBT.VT") {
			t.Errorf("latest change of the survivor = %+v, want unit.absorb of HN.HBT.VT", sh)
		}
		// 2 child moves, 2 merges, 1 absorb.
		if got, want := f.count("audit_log")-auditBefore, 5; got != want {
			t.Errorf("audit rows written = %d, want %d", got, want)
		}
		if vt.Version >= f.unit("HN.HBT.VT").Version {
			t.Error("the merged unit's version did not change")
		}
	})

	refused := []struct {
		name     string
		survivor string
		merged   []string
		want     domain.ErrorCode
	}{
		{"a merged unit may not merge again", "HN.HBT.QM", []string{"HN.HBT.VT"}, domain.EInvalid},
		{"nothing merges into a merged unit", "HN.HBT.VT", []string{"HN.HBT.QM"}, domain.EInvalid},
		{"units of different kinds may not merge", "HN.HBT.QM", []string{"HN.HBT.DK"}, domain.EInvalid},
		{"a unit may not merge into itself", "HN.HBT.QM", []string{"HN.HBT.QM"}, domain.EInvalid},
		{"a cell may not merge into its ward", "HN.HBT.BM", []string{"HN.HBT.BM.C1"}, domain.EInvalid},
		{"an unknown unit may not merge", "HN.HBT.QM", []string{"HN.HBT.ZZ"}, domain.EInvalid},
		{"nothing to merge is invalid", "HN.HBT.QM", nil, domain.EInvalid},
		{"an unknown survivor is not found", "HN.HBT.ZZ", []string{"HN.HBT.QM"}, domain.ENotFound},
	}
	for _, tt := range refused {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.MergeUnits(f.ctx, board, tt.survivor, tt.merged, "")
			wantCode(t, err, tt.want)
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
		})
	}
}

func TestSubtreePaging(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	all, err := f.svc.Subtree(f.ctx, sys, "HN", "", core.MaxPageSize)
	wantCode(t, err, "")
	if got, want := all.Total, 16; got != want {
		t.Fatalf("total = %d, want %d", got, want)
	}
	for _, limit := range []int{1, 3, 5, 16, 17} {
		t.Run("pages of "+itoa(int64(limit))+" cover every unit once", func(t *testing.T) {
			seen := map[string]int{}
			cursor, pages := "", 0
			for {
				page, err := f.svc.Subtree(f.ctx, sys, "HN", cursor, limit)
				wantCode(t, err, "")
				if page.Total != all.Total {
					t.Errorf("page total = %d, want %d", page.Total, all.Total)
				}
				if len(page.Units) > limit {
					t.Fatalf("page of %d units, limit %d", len(page.Units), limit)
				}
				for _, u := range page.Units {
					seen[u.Code]++
					if parent := u.ParentCode; parent != "" && seen[parent] == 0 {
						t.Errorf("%s listed before its parent %s", u.Code, parent)
					}
				}
				pages++
				if page.Next == "" {
					break
				}
				cursor = page.Next
				if pages > 20 {
					t.Fatal("paging does not end")
				}
			}
			if len(seen) != all.Total {
				t.Errorf("saw %d units, want %d", len(seen), all.Total)
			}
			for code, n := range seen {
				if n != 1 {
					t.Errorf("%s listed %d times", code, n)
				}
			}
		})
	}
	t.Run("inactive units are left out", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.QL", []string{"HN.HBT.QM"}, "")
		wantCode(t, err, "")
		page, err := f.svc.Subtree(f.ctx, sys, "HN.HBT", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 11; got != want {
			t.Errorf("total = %d, want %d", got, want)
		}
		if strings.Contains(codes(page.Units), "HN.HBT.QM") {
			t.Error("the merged unit is listed")
		}
	})
	t.Run("a limit out of range is invalid", func(t *testing.T) {
		for _, limit := range []int{0, -1, core.MaxPageSize + 1} {
			_, err := f.svc.Subtree(f.ctx, sys, "HN", "", limit)
			wantField(t, err, "limit")
		}
	})
	t.Run("a cursor outside the subtree is invalid", func(t *testing.T) {
		dd := f.unit("HN.DD")
		_, err := f.svc.Subtree(f.ctx, sys, "HN.HBT", dd.Path, 10)
		wantField(t, err, "cursor")
	})
}

// TestScopeOfRoles checks every role on every unit method: inside its
// subtree, outside it, and with actions its role does not allow.
