package core_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// accountDigest sums up everything an action on the account could write:
// the user's row, their roles and tokens, and the audit log.
func (f *fixture) accountDigest(username string) string {
	f.t.Helper()
	var d string
	err := f.db.Get(&d, `SELECT md5(concat_ws('|', u.password_hash, u.email, u.active, u.updated_at,
			(SELECT string_agg(r.role || '@' || r.unit_id, ',' ORDER BY r.unit_id, r.role) FROM role_assignments r WHERE r.user_id = u.id),
			(SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id),
			(SELECT count(*) FROM audit_log)))
		FROM users u WHERE u.username = $1`, username)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// An admin of a subtree (quantri, admin of HN.HBT) acts on accounts whose
// roles lie inside the subtree, above it, beside it, partly beside it, or
// that hold no role: only the first are theirs to manage. The others are
// not found, as if they did not exist, and nothing is written.
func TestAccountActionsNeedEveryRoleWithinTheCallersScope(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	f.rootAdmin() // so that an account above may be deactivated (by the system)
	admin := f.as("quantri")
	type role struct{ role, unit string }
	placements := []struct {
		name    string
		roles   []role
		allowed bool
	}{
		{"inside the subtree", []role{{"secretary", "HN.HBT.BM"}, {"viewer", "HN.HBT.QM"}}, true},
		{"above it", []role{{"admin", "HN"}}, false},
		{"beside it", []role{{"viewer", "HN.DD"}}, false},
		{"inside and beside it", []role{{"secretary", "HN.HBT.BM"}, {"viewer", "HN.DD"}}, false},
		{"without a role", nil, false},
	}
	actions := []struct {
		name  string
		setup func(username string)
		do    func(username string, first role) error
	}{
		{"reset the password", nil, func(u string, _ role) error { return f.svc.SetPassword(f.ctx, admin, u, "mat-khau-moi-2020") }},
		{"set the e-mail address", nil, func(u string, _ role) error { return f.svc.SetEmail(f.ctx, admin, u, "moi@hbt.vn") }},
		{"deactivate", nil, func(u string, _ role) error { return f.svc.SetUserActive(f.ctx, admin, u, false) }},
		{"activate", func(u string) {
			if err := f.svc.SetUserActive(f.ctx, sys, u, false); err != nil {
				t.Fatal(err)
			}
		}, func(u string, _ role) error { return f.svc.SetUserActive(f.ctx, admin, u, true) }},
		{"give a role in the subtree", nil, func(u string, _ role) error { return f.svc.Grant(f.ctx, admin, u, "viewer", "HN.HBT.QL") }},
		{"take a role away", nil, func(u string, first role) error { return f.svc.Revoke(f.ctx, admin, u, first.role, first.unit) }},
	}
	n := 0
	for _, a := range actions {
		for _, pl := range placements {
			n++
			username := fmt.Sprintf("taikhoan%d", n)
			t.Run(a.name+" of an account "+pl.name, func(t *testing.T) {
				f.user(username)
				first := role{"viewer", "HN.HBT.QL"} // not held: revoked when the account has no role
				for i, r := range pl.roles {
					if err := f.svc.Grant(f.ctx, sys, username, r.role, r.unit); err != nil {
						t.Fatal(err)
					}
					if i == 0 {
						first = r
					}
				}
				if a.setup != nil {
					a.setup(username)
				}
				before := f.accountDigest(username)
				err := a.do(username, first)
				if pl.allowed {
					wantCode(t, err, "")
					return
				}
				wantCode(t, err, domain.ENotFound)
				if f.accountDigest(username) != before {
					t.Error("a refused action wrote")
				}
			})
		}
	}
	t.Run("the list shows the accounts inside the subtree only", func(t *testing.T) {
		users, err := f.svc.Users(f.ctx, admin)
		wantCode(t, err, "")
		var listed []string
		for _, u := range users {
			listed = append(listed, u.Username)
		}
		for i := range n {
			want := i%len(placements) == 0
			if got := slices.Contains(listed, fmt.Sprintf("taikhoan%d", i+1)); got != want {
				t.Errorf("taikhoan%d (%s) listed: %v, want %v", i+1, placements[i%len(placements)].name, got, want)
			}
		}
	})
	t.Run("the root admin's password still signs in", func(t *testing.T) {
		_, err := f.svc.Login(f.ctx, "taikhoan2", fixturePassword)
		wantCode(t, err, "")
	})
}

// An admin of a root unit manages every account of their tree, and the
// accounts without a role.
func TestAnAdminOfARootManagesAccountsWithoutARole(t *testing.T) {
	f := newFixture(t)
	root := f.rootAdmin()
	f.user("moi")
	wantCode(t, f.svc.SetPassword(f.ctx, root, "moi", "mat-khau-moi-2020"), "")
	wantCode(t, f.svc.Grant(f.ctx, root, "moi", "viewer", "HN.DD"), "")
	wantCode(t, f.svc.SetUserActive(f.ctx, root, "quantri", false), "")
	users, err := f.svc.Users(f.ctx, root)
	wantCode(t, err, "")
	if got, want := len(users), len(fixtureUsers)+2; got != want { // quantrihn and moi besides
		t.Errorf("%d accounts listed, want %d", got, want)
	}
}

// Nobody deactivates the last active admin of a root unit or takes that role
// away from them, the system (the command line) included, and nobody locks
// themselves out; a refusal writes nothing.
func TestNobodyLocksOutTheLastAdminOfARootOrThemselves(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	root := f.rootAdmin() // quantrihn, the only admin of HN
	f.user("phoquantri")
	if err := f.svc.Grant(f.ctx, sys, "quantri", "admin", "HN.HBT.VT"); err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name string
		do   func() error
	}{
		{"the last admin of the root deactivates themselves", func() error { return f.svc.SetUserActive(f.ctx, root, "quantrihn", false) }},
		{"the last admin of the root gives up the role", func() error { return f.svc.Revoke(f.ctx, root, "quantrihn", "admin", "HN") }},
		{"the system deactivates the last admin of the root", func() error { return f.svc.SetUserActive(f.ctx, sys, "quantrihn", false) }},
		{"the system takes the role from the last admin of the root", func() error { return f.svc.Revoke(f.ctx, sys, "quantrihn", "admin", "HN") }},
		{"an admin deactivates themselves", func() error { return f.svc.SetUserActive(f.ctx, f.as("quantri"), "quantri", false) }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := f.accountDigest("quantrihn") + f.accountDigest("quantri")
			wantCode(t, tt.do(), domain.EConflict)
			if f.accountDigest("quantrihn")+f.accountDigest("quantri") != before {
				t.Error("a refused action wrote")
			}
		})
	}
	t.Run("an admin gives up one of two admin roles, not the last", func(t *testing.T) {
		wantCode(t, f.svc.Revoke(f.ctx, f.as("quantri"), "quantri", "admin", "HN.HBT.VT"), "")
		wantCode(t, f.svc.Revoke(f.ctx, f.as("quantri"), "quantri", "admin", "HN.HBT"), domain.EConflict)
	})
	t.Run("with a second admin of the root, either may go", func(t *testing.T) {
		wantCode(t, f.svc.Grant(f.ctx, root, "phoquantri", "admin", "HN"), "")
		wantCode(t, f.svc.SetUserActive(f.ctx, f.as("phoquantri"), "quantrihn", false), "")
		wantCode(t, f.svc.SetUserActive(f.ctx, sys, "quantrihn", true), "")
		wantCode(t, f.svc.Revoke(f.ctx, f.as("phoquantri"), "quantrihn", "admin", "HN"), "")
		wantCode(t, f.svc.Revoke(f.ctx, sys, "phoquantri", "admin", "HN"), domain.EConflict)
	})
}

// Two admins of a root deactivating each other at the same moment, many
// times over (more clients than connections): one of them stays.
func TestConcurrentDeactivationsLeaveARootAdmin(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	for _, u := range []string{"an", "binh"} {
		f.user(u)
		if err := f.svc.Grant(f.ctx, sys, u, "admin", "HN"); err != nil {
			t.Fatal(err)
		}
	}
	an, binh := f.as("an"), f.as("binh")
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_ = f.svc.SetUserActive(f.ctx, an, "binh", false)
			} else {
				_ = f.svc.SetUserActive(f.ctx, binh, "an", false)
			}
		}()
	}
	wg.Wait()
	var active int
	if err := f.db.Get(&active, `SELECT count(*) FROM users WHERE username IN ('an', 'binh') AND active`); err != nil {
		t.Fatal(err)
	}
	if active != 1 {
		t.Errorf("%d admins of HN active, want 1", active)
	}
}

// The admin page offers what CheckAccount allows, from the same rule.
func TestTheListOffersOnlyTheActionsAllowed(t *testing.T) {
	f := newFixture(t)
	root := f.rootAdmin()
	users, err := f.svc.Users(f.ctx, root)
	wantCode(t, err, "")
	for _, u := range users {
		switch u.Username {
		case "quantrihn":
			if u.MayDeactivate || !u.MayResetPassword || len(u.MayRevoke) != 1 || u.MayRevoke[0] {
				t.Errorf("own account offers %+v, want a password reset only", u)
			}
		case "bithu":
			if !u.MayDeactivate || !u.MayResetPassword || !u.MayGrant || len(u.MayRevoke) != 1 || !u.MayRevoke[0] {
				t.Errorf("bithu offers %+v, want everything", u)
			}
		}
	}
}
