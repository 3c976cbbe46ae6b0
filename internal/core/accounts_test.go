package core_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// An admin of a subtree does not take away the last role of an account: the
// account would drop out of their reach, active and with its password, and
// only an admin of a root unit could then deactivate it. They are told to
// deactivate it instead (or give the new role first), the admin page offers
// no such revoke, and a refusal writes nothing. Whoever manages accounts
// without a role (an admin of a root unit, the system) may.
func TestTheLastRoleOfAnAccountStaysWithinItsAdminsReach(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	admin := f.as("quantri") // admin of HN.HBT
	view := func(p domain.Principal, username string) domain.AccountView {
		t.Helper()
		users, err := f.svc.Users(f.ctx, p)
		wantCode(t, err, "")
		for _, u := range users {
			if u.Username == username {
				return u
			}
		}
		t.Fatalf("%s not listed for %s", username, p.User.Username)
		return domain.AccountView{}
	}
	withRoles := func(username string, units ...string) {
		t.Helper()
		f.user(username)
		for _, u := range units {
			if err := f.svc.Grant(f.ctx, sys, username, "viewer", u); err != nil {
				t.Fatal(err)
			}
		}
	}

	t.Run("an admin of a subtree is refused the last role and told what to do", func(t *testing.T) {
		withRoles("dathoi", "HN.HBT.BM")
		if v := view(admin, "dathoi"); v.MayRevoke[0] || !v.MayDeactivate {
			t.Errorf("offers: revoke %v, deactivate %v; want no revoke, a deactivation", v.MayRevoke, v.MayDeactivate)
		}
		before := f.accountDigest("dathoi")
		err := f.svc.Revoke(f.ctx, admin, "dathoi", "viewer", "HN.HBT.BM")
		wantCode(t, err, domain.EConflict)
		if de := domain.AsError(err); de == nil || !strings.Contains(de.Message.VI, "vai trò cuối cùng") || !strings.Contains(de.Message.VI, "ngừng tài khoản") || !strings.Contains(de.Message.EN, "deactivate the account") {
			t.Errorf("refusal %v; want it to name the last role and the deactivation", err)
		}
		if f.accountDigest("dathoi") != before {
			t.Error("a refused revoke wrote")
		}
		wantCode(t, f.svc.SetUserActive(f.ctx, admin, "dathoi", false), "")
		if v := view(admin, "dathoi"); v.Active {
			t.Error("the account is still active")
		}
	})
	t.Run("one of two roles may go, then not the other", func(t *testing.T) {
		withRoles("chuyencongtac", "HN.HBT.BM", "HN.HBT.QM")
		if v := view(admin, "chuyencongtac"); !v.MayRevoke[0] || !v.MayRevoke[1] {
			t.Errorf("offers: revoke %v; want both", v.MayRevoke)
		}
		wantCode(t, f.svc.Revoke(f.ctx, admin, "chuyencongtac", "viewer", "HN.HBT.BM"), "")
		if v := view(admin, "chuyencongtac"); len(v.MayRevoke) != 1 || v.MayRevoke[0] {
			t.Errorf("offers: revoke %v; want the last one refused", v.MayRevoke)
		}
		wantCode(t, f.svc.Revoke(f.ctx, admin, "chuyencongtac", "viewer", "HN.HBT.QM"), domain.EConflict)
		t.Run("moved: the new role first, then the old one", func(t *testing.T) {
			wantCode(t, f.svc.Grant(f.ctx, admin, "chuyencongtac", "secretary", "HN.HBT.VT"), "")
			wantCode(t, f.svc.Revoke(f.ctx, admin, "chuyencongtac", "viewer", "HN.HBT.QM"), "")
		})
	})
	for _, by := range []struct {
		name string
		p    func() domain.Principal
	}{
		{"an admin of a root unit", f.rootAdmin},
		{"the system", func() domain.Principal { return sys }},
	} {
		t.Run(by.name+" takes the last role away", func(t *testing.T) {
			username := "mot" + strings.ReplaceAll(by.name, " ", "")[:6]
			withRoles(username, "HN.HBT.BM")
			wantCode(t, f.svc.Revoke(f.ctx, by.p(), username, "viewer", "HN.HBT.BM"), "")
			if n := f.count("role_assignments r JOIN users u ON u.id = r.user_id WHERE u.username = '" + username + "'"); n != 0 {
				t.Errorf("%d roles left; want none", n)
			}
		})
	}
}

// Revokes of an account's two roles racing from many clients (more than the
// pool's connections, on the one account) leave exactly one role: each
// revoke is decided on the roles as they are once the account is locked.
func TestRacingRevokesLeaveTheLastRole(t *testing.T) {
	f := newFixture(t)
	f.db.SetMaxOpenConns(4)
	sys := domain.SystemPrincipal()
	admin := f.as("quantri") // admin of HN.HBT
	f.user("haivaitro")
	for _, u := range []string{"HN.HBT.BM", "HN.HBT.QM"} {
		if err := f.svc.Grant(f.ctx, sys, "haivaitro", "viewer", u); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var done, refused atomic.Int32
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unit := []string{"HN.HBT.BM", "HN.HBT.QM"}[i%2]
			switch err := f.svc.Revoke(f.ctx, admin, "haivaitro", "viewer", unit); {
			case err == nil:
				done.Add(1)
			case domain.IsCode(err, domain.EConflict) || domain.IsCode(err, domain.ENotFound):
				refused.Add(1)
			default:
				t.Errorf("revoke of %s: %v", unit, err)
			}
		}()
	}
	wg.Wait()
	if n := f.count("role_assignments r JOIN users u ON u.id = r.user_id WHERE u.username = 'haivaitro'"); n != 1 || done.Load() != 1 {
		t.Errorf("%d roles left after %d revokes done and %d refused; want 1 left, 1 done", n, done.Load(), refused.Load())
	}
}

// The members of a district's working groups often hold no role of their
// own: the district's admin manages their accounts, as long as every role
// and every group of the account lies within the district. A membership
// elsewhere keeps the account out of their reach.
func TestAnAdminManagesTheMembersOfTheWorkingGroupsOfTheirSubtree(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	admin := f.as("quantri") // admin of HN.HBT
	for _, u := range []string{"tv.hbt", "tv.both", "tv.dd", "tv.role", "tv.none"} {
		f.user(u)
	}
	if err := f.svc.Grant(f.ctx, sys, "tv.role", "viewer", "HN.HBT.QL"); err != nil {
		t.Fatal(err)
	}
	hbt, err := f.svc.CreateWorkGroup(f.ctx, f.as("bantochuc"), domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1",
		Leader: "tv.hbt", Members: []string{"tv.both", "tv.role"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.DD", Name: "Tổ công tác Đống Đa", Leader: "tv.dd", Members: []string{"tv.both"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, username string
		do             func(username string) error
		want           domain.ErrorCode
	}{
		{"reset the password of a member of a group of the subtree, without a role", "tv.hbt",
			func(u string) error { return f.svc.SetPassword(f.ctx, admin, u, "mat-khau-moi-2020") }, ""},
		{"deactivate a member of a group of the subtree", "tv.hbt",
			func(u string) error { return f.svc.SetUserActive(f.ctx, admin, u, false) }, ""},
		{"take away the last role of a member of a group of the subtree", "tv.role",
			func(u string) error { return f.svc.Revoke(f.ctx, admin, u, "viewer", "HN.HBT.QL") }, ""},
		{"reset the password of a member of groups inside and beside the subtree", "tv.both",
			func(u string) error { return f.svc.SetPassword(f.ctx, admin, u, "mat-khau-moi-2020") }, domain.ENotFound},
		{"reset the password of a member of a group beside the subtree", "tv.dd",
			func(u string) error { return f.svc.SetPassword(f.ctx, admin, u, "mat-khau-moi-2020") }, domain.ENotFound},
		{"reset the password of an account with neither a role nor a group", "tv.none",
			func(u string) error { return f.svc.SetPassword(f.ctx, admin, u, "mat-khau-moi-2020") }, domain.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.accountDigest(tt.username)
			err := tt.do(tt.username)
			wantCode(t, err, tt.want)
			if tt.want != "" && f.accountDigest(tt.username) != before {
				t.Error("a refused action wrote")
			}
		})
	}
	listed := func() map[string][]domain.GroupTie {
		users, err := f.svc.Users(f.ctx, admin)
		wantCode(t, err, "")
		out := map[string][]domain.GroupTie{}
		for _, u := range users {
			if strings.HasPrefix(u.Username, "tv.") {
				out[u.Username] = u.Groups
			}
		}
		return out
	}
	t.Run("the list shows the members of the subtree's groups, with their groups", func(t *testing.T) {
		got := listed()
		if len(got) != 2 || len(got["tv.hbt"]) != 1 || got["tv.hbt"][0].Group != "Tổ công tác số 1" || got["tv.hbt"][0].UnitCode != "HN.HBT" ||
			len(got["tv.role"]) != 1 {
			t.Errorf("listed %+v, want tv.hbt and tv.role, each with Tổ công tác số 1 of HN.HBT", got)
		}
	})
	t.Run("out of the group, a member without a role is out of reach", func(t *testing.T) {
		if _, err := f.svc.RemoveWorkGroupMember(f.ctx, f.as("bantochuc"), hbt.ID, "tv.role"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.SetPassword(f.ctx, admin, "tv.role", "mat-khau-moi-2021"), domain.ENotFound)
		if _, ok := listed()["tv.role"]; ok {
			t.Error("tv.role still listed")
		}
	})
}

// A membership decides who manages an account, so memberships and account
// changes are serialised: while another district's board enlists a member
// of this district's group, this district's admin resets the member's
// password, 24 clients on a pool of 4. Every reset that went through came
// before the enlistment (its audit row first); every later one was
// refused, and the membership was written once.
func TestRacingEnlistmentsAndResetsKeepTheAdminsReachExact(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	f.user("tv.hbt")
	if _, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1", Leader: "tv.hbt"}); err != nil {
		t.Fatal(err)
	}
	dd, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.DD", Name: "Tổ Đống Đa"})
	if err != nil {
		t.Fatal(err)
	}
	admin := f.as("quantri") // admin of HN.HBT
	f.db.SetMaxOpenConns(4)
	var wg sync.WaitGroup
	var resets, refused atomic.Int32
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				if _, err := f.svc.AddWorkGroupMember(f.ctx, sys, dd.ID, "tv.hbt", nil); err != nil {
					t.Errorf("enlist: %v", err)
				}
				return
			}
			switch err := f.svc.SetPassword(f.ctx, admin, "tv.hbt", fmt.Sprintf("mat-khau-moi-%02d", i)); {
			case err == nil:
				resets.Add(1)
			case domain.IsCode(err, domain.ENotFound):
				refused.Add(1)
			default:
				t.Errorf("reset: %v", err)
			}
		}()
	}
	wg.Wait()
	var enlisted []int64
	if err := f.db.Select(&enlisted, `SELECT id FROM audit_log WHERE action = 'group.member' AND after->>'group' = 'Tổ Đống Đa'`); err != nil || len(enlisted) != 1 {
		t.Fatalf("the enlistment audited %d times (%v), want once", len(enlisted), err)
	}
	var late int
	if err := f.db.Get(&late, `SELECT count(*) FROM audit_log WHERE action = 'user.password' AND id > $1`, enlisted[0]); err != nil || late != 0 {
		t.Errorf("%d resets after the enlistment (%v), want none", late, err)
	}
	if resets.Load()+refused.Load() != 12 {
		t.Errorf("%d resets and %d refused, want 12 in all", resets.Load(), refused.Load())
	}
}

// A membership write waits for the accounts' lock, held here by another
// session, as an account change does: what a check of an account saw
// holds until its change commits.
func TestAMembershipWaitsForTheAccountsLock(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	f.user("tv.moi")
	g, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1"})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := f.db.Connx(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(f.ctx, `SELECT pg_advisory_lock(7100003)`); err != nil { // store's accountsLockKey
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.AddWorkGroupMember(f.ctx, sys, g.ID, "tv.moi", nil)
		done <- err
	}()
	// The write is seen waiting on an advisory lock before it may go on.
	for waiting := 0; waiting == 0; {
		if err := f.db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'
			AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("the membership was written while the lock was held (%v)", err)
		default:
		}
	}
	if _, err := holder.ExecContext(f.ctx, `SELECT pg_advisory_unlock(7100003)`); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := f.count("work_group_members"); n != 1 {
		t.Errorf("%d members, want 1", n)
	}
}
