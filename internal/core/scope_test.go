package core_test

import (
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

func TestScopeOfRoles(t *testing.T) {
	const (
		ok        = domain.ErrorCode("")
		notFound  = domain.ENotFound
		forbidden = domain.EForbidden
		invalid   = domain.EInvalid
	)
	type call struct {
		name string
		do   func(f *fixture, p domain.Principal) error
		// want per role
		want map[domain.Role]domain.ErrorCode
	}
	all := func(c domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: c, domain.RoleBoard: c, domain.RoleSupervisor: c, domain.RoleSecretary: c, domain.RoleViewer: c,
		}
	}
	managers := func(yes, no domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: yes, domain.RoleBoard: yes, domain.RoleSupervisor: no, domain.RoleSecretary: no, domain.RoleViewer: no,
		}
	}
	admins := func(yes, no domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: yes, domain.RoleBoard: no, domain.RoleSupervisor: no, domain.RoleSecretary: no, domain.RoleViewer: no,
		}
	}
	version := func(f *fixture, code string) int { return f.unit(code).Version }
	members := 12
	calls := []call{
		// Inside: HN.HBT.BM and its cells are in every role's subtree.
		{"read a unit inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"list children inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Children(f.ctx, p, "HN.HBT.BM")
			return err
		}, all(ok)},
		{"list a subtree inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Subtree(f.ctx, p, "HN.HBT.BM", "", 10)
			return err
		}, all(ok)},
		{"read ancestors inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Ancestors(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"read history inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UnitHistory(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"create a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ 9", Kind: "cell", ParentCode: "HN.HBT.BM"})
			return err
		}, managers(ok, forbidden)},
		{"create a root", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HCM", Name: "Đảng bộ TP Hồ Chí Minh", Kind: "city"})
			return err
		}, all(forbidden)},
		{"update a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UpdateUnit(f.ctx, p, "HN.HBT.BM.C1", domain.UnitPatch{Members: &members, Version: version(f, "HN.HBT.BM.C1")})
			return err
		}, managers(ok, forbidden)},
		{"move a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C2", "HN.HBT.VT", "")
			return err
		}, managers(ok, forbidden)},
		{"merge cells inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.HBT.BM.C1", []string{"HN.HBT.BM.C3"}, "")
			return err
		}, managers(ok, forbidden)},
		{"grant a role inside", func(f *fixture, p domain.Principal) error {
			return f.svc.Grant(f.ctx, p, "xem", "viewer", "HN.HBT.BM")
		}, admins(ok, forbidden)},
		{"revoke a role inside", func(f *fixture, p domain.Principal) error {
			return f.svc.Revoke(f.ctx, p, "xem", "viewer", "HN.HBT.BM")
		}, admins(ok, forbidden)},

		// Outside: HN.DD is in nobody's subtree; it must not even be seen.
		{"read a unit outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"read the unit above", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN")
			return err
		}, all(notFound)},
		{"list children outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Children(f.ctx, p, "HN.DD.X")
			return err
		}, all(notFound)},
		{"list a subtree outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Subtree(f.ctx, p, "HN", "", 10)
			return err
		}, all(notFound)},
		{"read ancestors outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Ancestors(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"read history outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UnitHistory(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"create a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HN.DD.X.C9", Name: "Chi bộ 9", Kind: "cell", ParentCode: "HN.DD.X"})
			return err
		}, all(invalid)},
		{"update a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UpdateUnit(f.ctx, p, "HN.DD.X.C1", domain.UnitPatch{Members: &members, Version: 1})
			return err
		}, all(notFound)},
		{"move a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.DD.X.C1", "HN.HBT.BM", "")
			return err
		}, all(notFound)},
		{"move a cell inside to a parent outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C1", "HN.DD.X", "")
			return err
		}, managers(invalid, forbidden)},
		{"merge into a unit outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.DD.X", []string{"HN.HBT.QM"}, "")
			return err
		}, all(notFound)},
		{"merge a unit outside into one inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.HBT.BM.C1", []string{"HN.DD.X.C1"}, "")
			return err
		}, managers(invalid, forbidden)},
		{"grant a role outside", func(f *fixture, p domain.Principal) error {
			return f.svc.Grant(f.ctx, p, "xem", "viewer", "HN.DD")
		}, all(notFound)},
		{"revoke a role outside", func(f *fixture, p domain.Principal) error {
			return f.svc.Revoke(f.ctx, p, "xem", "viewer", "HN.DD")
		}, all(notFound)},
	}
	for _, role := range domain.Roles {
		t.Run(string(role), func(t *testing.T) {
			f := newFixture(t)
			p := f.as(fixtureUsers[role])
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					want := c.want[role]
					before := f.rows()
					err := c.do(f, p)
					wantCode(t, err, want)
					if want != ok && f.rows() != before {
						t.Errorf("a refused call wrote: rows %+v, want %+v", f.rows(), before)
					}
				})
			}
		})
	}
}

func TestSecretaryScope(t *testing.T) {
	f := newFixture(t)
	p := f.as("bithu")

	t.Run("a sibling ward of the secretary's ward is not found", func(t *testing.T) {
		for _, code := range []string{"HN.HBT", "HN.HBT.VT", "HN.HBT.VT.C1"} {
			_, err := f.svc.Unit(f.ctx, p, code)
			wantCode(t, err, domain.ENotFound)
		}
	})
	t.Run("the ancestors shown stop at the secretary's ward", func(t *testing.T) {
		anc, err := f.svc.Ancestors(f.ctx, p, "HN.HBT.BM.C1")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN.HBT.BM"; got != want {
			t.Errorf("ancestors = %q, want %q", got, want)
		}
	})
	t.Run("the secretary's own ward may not be changed", func(t *testing.T) {
		name := "Đảng bộ phường Bạch Mai mới"
		_, err := f.svc.UpdateUnit(f.ctx, p, "HN.HBT.BM", domain.UnitPatch{Name: &name, Version: f.unit("HN.HBT.BM").Version})
		wantCode(t, err, domain.EForbidden)
		_, err = f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C1", "HN.HBT.BM", "")
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("an anonymous caller sees nothing", func(t *testing.T) {
		_, err := f.svc.Unit(f.ctx, domain.Principal{}, "HN.HBT.BM")
		wantCode(t, err, domain.ENotFound)
		_, err = f.svc.CreateUnit(f.ctx, domain.Principal{}, domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"})
		wantField(t, err, "parent_code")
	})
	t.Run("the admin of the district sees the whole district but not the city", func(t *testing.T) {
		admin := f.as("quantri")
		page, err := f.svc.Subtree(f.ctx, admin, "HN.HBT", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 12; got != want {
			t.Errorf("subtree = %d units, want %d", got, want)
		}
		anc, err := f.svc.Ancestors(f.ctx, admin, "HN.HBT.BM")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN.HBT"; got != want {
			t.Errorf("ancestors = %q, want %q", got, want)
		}
	})
}

// A unit the caller cannot read is refused in the words of a unit that
// does not exist: a move or a merge does not tell which codes exist
// elsewhere in the tree.
func TestAUnitOutOfReachIsToldAsOneThatDoesNotExist(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc") // board of HN.HBT
	words := func(err error, code string) string {
		t.Helper()
		de := domain.AsError(err)
		if de == nil || de.Code != domain.EInvalid || len(de.Fields) != 1 {
			t.Fatalf("error %v, want one field refused", err)
		}
		return strings.ReplaceAll(de.Fields[0].Message.VI+" | "+de.Fields[0].Message.EN, code, "X")
	}
	_, outside := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.DD.X", "")
	_, missing := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.DD.NOPE", "")
	if a, b := words(outside, "HN.DD.X"), words(missing, "HN.DD.NOPE"); a != b {
		t.Errorf("move to a parent out of reach: %q; to a missing one: %q", a, b)
	}
	_, outside = f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM.C1", []string{"HN.DD.X.C1"}, "")
	_, missing = f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM.C1", []string{"HN.DD.X.NOPE"}, "")
	if a, b := words(outside, "HN.DD.X.C1"), words(missing, "HN.DD.X.NOPE"); a != b {
		t.Errorf("merge of a unit out of reach: %q; of a missing one: %q", a, b)
	}
}
