package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	if err := f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "xem", false); err != nil {
		t.Fatal(err)
	}
	_, wrongErr := f.svc.Login(f.ctx, "bithu", "sai-mat-khau")

	t.Run("the right password gives the user with their grants", func(t *testing.T) {
		p, err := f.svc.Login(f.ctx, "bithu", fixturePassword)
		wantCode(t, err, "")
		if got, want := p.User.Username, "bithu"; got != want {
			t.Errorf("user = %q, want %q", got, want)
		}
		if len(p.Grants) != 1 || p.Grants[0].Role != domain.RoleSecretary || p.Grants[0].UnitCode != "HN.HBT.BM" {
			t.Fatalf("grants = %+v, want secretary of HN.HBT.BM", p.Grants)
		}
		if got, want := p.Grants[0].UnitPath, f.unit("HN.HBT.BM").Path; got != want {
			t.Errorf("grant path = %q, want %q", got, want)
		}
		if p.System {
			t.Error("a user logged in as the system")
		}
	})
	t.Run("the username is trimmed and case-insensitive", func(t *testing.T) {
		_, err := f.svc.Login(f.ctx, "  BiThu ", fixturePassword)
		wantCode(t, err, "")
	})
	tests := []struct {
		name, username, password string
	}{
		{"a wrong password is refused", "bithu", "sai-mat-khau"},
		{"an empty password is refused", "bithu", ""},
		{"the password is case-sensitive", "bithu", "MATKHAU-2020"},
		{"an unknown user is refused with the same error", "khongco", fixturePassword},
		{"an inactive user is refused with the same error", "xem", fixturePassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.svc.Login(f.ctx, tt.username, tt.password)
			wantCode(t, err, domain.EUnauthorized)
			if got, want := err.Error(), wrongErr.Error(); got != want {
				t.Errorf("error = %q, want the wrong-password error %q", got, want)
			}
			if p.User.ID != 0 || len(p.Grants) != 0 {
				t.Errorf("principal = %+v, want none", p)
			}
		})
	}
}

func TestPrincipal(t *testing.T) {
	f := newFixture(t)
	p := f.as("totacong")
	t.Run("a session's user is loaded with their grants", func(t *testing.T) {
		got, err := f.svc.Principal(f.ctx, p.User.ID, p.User.SessionEpoch)
		wantCode(t, err, "")
		if got.User.Username != "totacong" || len(got.Grants) != 1 || got.Grants[0].Role != domain.RoleSupervisor {
			t.Errorf("principal = %+v", got)
		}
	})
	t.Run("an unknown user is unauthorized", func(t *testing.T) {
		_, err := f.svc.Principal(f.ctx, 999999, 0)
		wantCode(t, err, domain.EUnauthorized)
	})
	t.Run("a deactivated user is unauthorized", func(t *testing.T) {
		if err := f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "totacong", false); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Principal(f.ctx, p.User.ID, p.User.SessionEpoch)
		wantCode(t, err, domain.EUnauthorized)
	})
}

func TestTokens(t *testing.T) {
	f := newFixture(t)
	p := f.as("bantochuc")

	t.Run("an issued token authenticates its user", func(t *testing.T) {
		tok, expires, err := f.svc.IssueToken(f.ctx, p)
		wantCode(t, err, "")
		if got, want := expires, fixtureNow.Add(30*24*time.Hour).UTC().Format(time.RFC3339); got != want {
			t.Errorf("expires = %s, want %s", got, want)
		}
		got, err := f.svc.Authenticate(f.ctx, " "+tok+" ")
		wantCode(t, err, "")
		if got.User.Username != "bantochuc" || len(got.Grants) != 1 || got.Grants[0].Role != domain.RoleBoard {
			t.Errorf("principal = %+v, want bantochuc, board", got)
		}
		var n int
		if err := f.db.Get(&n, `SELECT count(*) FROM api_tokens WHERE token_hash = convert_to($1, 'UTF8')`, tok); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Error("the token itself is stored")
		}
	})
	t.Run("a request does not wait for another writing the token's last use", func(t *testing.T) {
		tok, _, err := f.svc.IssueToken(f.ctx, p)
		wantCode(t, err, "")
		// Another request's transaction holds the token's row, writing its
		// last use.
		tx, err := f.db.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`SELECT 1 FROM api_tokens WHERE last_used_at IS NULL FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(f.ctx, 3*time.Second)
		defer cancel()
		_, err = f.svc.Authenticate(ctx, tok)
		wantCode(t, err, "")
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, "")
		var used *time.Time
		if err := f.db.Get(&used, `SELECT max(last_used_at) FROM api_tokens`); err != nil {
			t.Fatal(err)
		}
		if used == nil || !used.Equal(fixtureNow) {
			t.Errorf("last use %v, want %v once the row is free", used, fixtureNow)
		}
	})
	t.Run("an unknown or empty token is unauthorized", func(t *testing.T) {
		for _, tok := range []string{"", "  ", "dh_khongco"} {
			_, err := f.svc.Authenticate(f.ctx, tok)
			wantCode(t, err, domain.EUnauthorized)
		}
	})
	t.Run("a token is valid until it expires", func(t *testing.T) {
		tok, _, err := f.svc.IssueToken(f.ctx, p)
		wantCode(t, err, "")
		before := fixtureOn(t, f.db, domain.FixedClock(fixtureNow.Add(30*24*time.Hour-time.Second)))
		_, err = before.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, "")
		after := fixtureOn(t, f.db, domain.FixedClock(fixtureNow.Add(30*24*time.Hour)))
		_, err = after.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, domain.EUnauthorized)
	})
	t.Run("a revoked token is unauthorized", func(t *testing.T) {
		tok, _, err := f.svc.IssueToken(f.ctx, p)
		wantCode(t, err, "")
		wantCode(t, f.svc.RevokeToken(f.ctx, tok), "")
		_, err = f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, domain.EUnauthorized)
	})
	t.Run("a password change revokes the user's tokens", func(t *testing.T) {
		tok, _, err := f.svc.IssueToken(f.ctx, p)
		wantCode(t, err, "")
		other, _, err := f.svc.IssueToken(f.ctx, f.as("xem"))
		wantCode(t, err, "")
		wantCode(t, f.svc.SetPassword(f.ctx, p, "bantochuc", "mat-khau-moi-2020"), "")
		_, err = f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, domain.EUnauthorized)
		_, err = f.svc.Authenticate(f.ctx, other)
		wantCode(t, err, "")
		_, err = f.svc.Login(f.ctx, "bantochuc", fixturePassword)
		wantCode(t, err, domain.EUnauthorized)
		_, err = f.svc.Login(f.ctx, "bantochuc", "mat-khau-moi-2020")
		wantCode(t, err, "")
	})
	t.Run("deactivating a user revokes their tokens", func(t *testing.T) {
		tok, _, err := f.svc.IssueToken(f.ctx, f.as("xem"))
		wantCode(t, err, "")
		wantCode(t, f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "xem", false), "")
		_, err = f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, domain.EUnauthorized)
		wantCode(t, f.svc.SetUserActive(f.ctx, domain.SystemPrincipal(), "xem", true), "")
		_, err = f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, domain.EUnauthorized)
	})
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	admin := f.as("quantri") // of HN.HBT
	good := func() core.UserInput {
		return core.UserInput{Username: " NguyenVanA ", FullName: " Nguyễn Văn A ", Email: "a@example.vn", Password: "mat-khau-2020", Lang: "en-US",
			Role: " Secretary ", Unit: "hn.hbt.ql"}
	}

	t.Run("an admin creates an account with its first role, that can log in", func(t *testing.T) {
		u, err := f.svc.CreateUser(f.ctx, admin, good())
		wantCode(t, err, "")
		if u.Username != "nguyenvana" || u.FullName != "Nguyễn Văn A" || u.Lang != "en" || !u.Active || u.ID == 0 {
			t.Errorf("user = %+v", u)
		}
		p, err := f.svc.Login(f.ctx, "nguyenvana", "mat-khau-2020")
		wantCode(t, err, "")
		if len(p.Grants) != 1 || p.Grants[0].Role != domain.RoleSecretary || p.Grants[0].UnitCode != "HN.HBT.QL" {
			t.Errorf("a new account has grants %+v, want secretary of HN.HBT.QL", p.Grants)
		}
		var actions []string
		if err := f.db.Select(&actions, `SELECT action FROM audit_log WHERE username = 'quantri' ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if strings.Join(actions, " ") != "user.create role.grant" {
			t.Errorf("audit = %v, want the account and its role", actions)
		}
	})
	t.Run("an admin of a root unit creates an account without a role", func(t *testing.T) {
		in := good()
		in.Username, in.Role, in.Unit = "nguyenvanc", "", ""
		_, err := f.svc.CreateUser(f.ctx, f.rootAdmin(), in)
		wantCode(t, err, "")
	})
	tests := []struct {
		name   string
		p      domain.Principal
		change func(in *core.UserInput)
		code   domain.ErrorCode
		field  string
	}{
		{"a taken username is a conflict", admin, func(*core.UserInput) {}, domain.EConflict, ""},
		{"an admin of a subtree may not create an account without a role", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Unit = "" }, domain.EInvalid, "unit"},
		{"a role above the admin's unit is not found", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Unit = "HN" }, domain.ENotFound, ""},
		{"a role beside the admin's unit is not found", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Unit = "HN.DD" }, domain.ENotFound, ""},
		{"an unknown unit beside a bad e-mail is told with it", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Unit = "HN.NOPE"; in.Email = "not-an-address" }, domain.EInvalid, "unit"},
		{"a bad e-mail beside an unknown unit is told with it", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Unit = "HN.NOPE"; in.Email = "not-an-address" }, domain.EInvalid, "email"},
		{"an unknown first role is invalid", admin, func(in *core.UserInput) { in.Username = "nguyenvanb"; in.Role = "chairman" }, domain.EInvalid, "role"},
		{"a short password is invalid", admin, func(in *core.UserInput) { in.Username = "b"; in.Password = "demo" }, domain.EInvalid, "password"},
		{"a one-letter username is invalid", admin, func(in *core.UserInput) { in.Username = "b" }, domain.EInvalid, "username"},
		{"a username with diacritics is invalid", admin, func(in *core.UserInput) { in.Username = "nguyễn" }, domain.EInvalid, "username"},
		{"a board member may not create accounts", f.as("bantochuc"), func(in *core.UserInput) { in.Username = "nguyenvanb" }, domain.EForbidden, ""},
		{"a viewer may not create accounts", f.as("xem"), func(in *core.UserInput) { in.Username = "nguyenvanb" }, domain.EForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			in := good()
			tt.change(&in)
			users, audit := f.count("users"), f.count("audit_log")
			_, err := f.svc.CreateUser(f.ctx, tt.p, in)
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.code)
			}
			if f.count("users") != users || f.count("audit_log") != audit {
				t.Error("a refused account was written")
			}
		})
	}
}

func TestSetPassword(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, by, of, password string
		want                   domain.ErrorCode
	}{
		{"a user changes their own password", "xem", "xem", "mat-khau-moi-1", ""},
		{"an admin changes another's password", "quantri", "bithu", "mat-khau-moi-2", ""},
		{"a board member may not change another's password", "bantochuc", "totacong", "mat-khau-moi-3", domain.EForbidden},
		{"a short password is invalid", "totacong", "totacong", "ngan", domain.EInvalid},
		{"an unknown user is not found", "quantri", "khongco", "mat-khau-moi-4", domain.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.as(tt.by)
			err := f.svc.SetPassword(f.ctx, p, tt.of, tt.password)
			wantCode(t, err, tt.want)
			if tt.want == "" {
				_, err := f.svc.Login(f.ctx, tt.of, tt.password)
				wantCode(t, err, "")
			} else if tt.of != "khongco" {
				_, err := f.svc.Login(f.ctx, tt.of, fixturePassword)
				wantCode(t, err, "")
			}
		})
	}
}

func TestSetUserActive(t *testing.T) {
	f := newFixture(t)
	wantCode(t, f.svc.SetUserActive(f.ctx, f.as("bantochuc"), "xem", false), domain.EForbidden)
	wantCode(t, f.svc.SetUserActive(f.ctx, f.as("quantri"), "khongco", false), domain.ENotFound)
	wantCode(t, f.svc.SetUserActive(f.ctx, f.as("quantri"), "xem", false), "")
	_, err := f.svc.Login(f.ctx, "xem", fixturePassword)
	wantCode(t, err, domain.EUnauthorized)
	wantCode(t, f.svc.SetUserActive(f.ctx, f.as("quantri"), "xem", true), "")
	_, err = f.svc.Login(f.ctx, "xem", fixturePassword)
	wantCode(t, err, "")
}

func TestGrantAndRevoke(t *testing.T) {
	f := newFixture(t)
	admin := f.as("quantri")
	f.user("tocongtac2")

	t.Run("a grant gives its role on the unit's subtree", func(t *testing.T) {
		// An account without a role is an admin of a root unit's to manage.
		wantCode(t, f.svc.Grant(f.ctx, admin, "tocongtac2", "supervisor", "HN.HBT.VT"), domain.ENotFound)
		wantCode(t, f.svc.Grant(f.ctx, f.rootAdmin(), " TOCONGTAC2 ", " Supervisor ", "hn.hbt.vt"), "")
		p := f.as("tocongtac2")
		if len(p.Grants) != 1 || p.Grants[0].Role != domain.RoleSupervisor || p.Grants[0].UnitCode != "HN.HBT.VT" {
			t.Fatalf("grants = %+v, want supervisor of HN.HBT.VT", p.Grants)
		}
		_, err := f.svc.Unit(f.ctx, p, "HN.HBT.VT.S.C1")
		wantCode(t, err, "")
		_, err = f.svc.Unit(f.ctx, p, "HN.HBT.BM")
		wantCode(t, err, domain.ENotFound)
		_, err = f.svc.UpdateUnit(f.ctx, p, "HN.HBT.VT.C1", domain.UnitPatch{Version: 1})
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("grants add up", func(t *testing.T) {
		wantCode(t, f.svc.Grant(f.ctx, admin, "tocongtac2", "supervisor", "HN.HBT.BM"), "")
		p := f.as("tocongtac2")
		if got, want := len(p.Grants), 2; got != want {
			t.Fatalf("grants = %d, want %d", got, want)
		}
		_, err := f.svc.Unit(f.ctx, p, "HN.HBT.BM.C1")
		wantCode(t, err, "")
	})
	t.Run("granting twice changes nothing", func(t *testing.T) {
		before := f.rows()
		wantCode(t, f.svc.Grant(f.ctx, admin, "tocongtac2", "supervisor", "HN.HBT.VT"), "")
		if got := f.rows(); got != before {
			t.Errorf("rows after = %+v, want %+v", got, before)
		}
	})
	t.Run("a revoke takes the role away", func(t *testing.T) {
		wantCode(t, f.svc.Revoke(f.ctx, admin, "tocongtac2", "supervisor", "HN.HBT.VT"), "")
		p := f.as("tocongtac2")
		_, err := f.svc.Unit(f.ctx, p, "HN.HBT.VT")
		wantCode(t, err, domain.ENotFound)
		_, err = f.svc.Unit(f.ctx, p, "HN.HBT.BM")
		wantCode(t, err, "")
	})
	t.Run("grants and revokes are audited", func(t *testing.T) {
		var actions []string
		if err := f.db.Select(&actions, `SELECT action FROM audit_log WHERE entity = 'role' AND username IN ('quantri', 'quantrihn') ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if got, want := len(actions), 3; got != want || actions[2] != "role.revoke" {
			t.Errorf("role audit = %v, want 2 grants and a revoke", actions)
		}
	})
	refused := []struct {
		name                     string
		revoke                   bool
		by, username, role, unit string
		want                     domain.ErrorCode
	}{
		{"revoking a role not held is not found", true, "quantri", "tocongtac2", "supervisor", "HN.HBT.VT", domain.ENotFound},
		{"revoking a role of an unknown user is not found", true, "quantri", "khongco", "viewer", "HN.HBT.VT", domain.ENotFound},
		{"a board member may not revoke", true, "bantochuc", "bithu", "secretary", "HN.HBT.BM", domain.EForbidden},
		{"an unknown role is invalid", false, "quantri", "tocongtac2", "chairman", "HN.HBT.VT", domain.EInvalid},
		{"an unknown user is not found", false, "quantri", "khongco", "viewer", "HN.HBT.VT", domain.ENotFound},
		{"an unknown unit is not found", false, "quantri", "tocongtac2", "viewer", "HN.HBT.ZZ", domain.ENotFound},
		{"an admin may not grant above their unit", false, "quantri", "tocongtac2", "viewer", "HN", domain.ENotFound},
		{"a board member may not grant", false, "bantochuc", "tocongtac2", "viewer", "HN.HBT.VT", domain.EForbidden},
		{"a secretary may not grant on their unit", false, "bithu", "tocongtac2", "viewer", "HN.HBT.BM", domain.EForbidden},
	}
	for _, tt := range refused {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			before := f.rows()
			var err error
			if tt.revoke {
				err = f.svc.Revoke(f.ctx, f.as(tt.by), tt.username, tt.role, tt.unit)
			} else {
				err = f.svc.Grant(f.ctx, f.as(tt.by), tt.username, tt.role, tt.unit)
			}
			wantCode(t, err, tt.want)
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
		})
	}
}

// A caller is reused for a few seconds (core.Options.PrincipalTTL): a change
// made through the same services is seen at once, one made by another
// process (another Service on the same database) once the time has passed.
func TestCachedCallersFollowChanges(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	token, _, err := f.svc.IssueToken(f.ctx, f.as("bithu"))
	if err != nil {
		t.Fatal(err)
	}
	grants := func() int {
		t.Helper()
		p, err := f.svc.Authenticate(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Grants)
	}
	if n := grants(); n != 1 {
		t.Fatalf("%d grants, want 1", n)
	}
	t.Run("a change through these services is seen at once", func(t *testing.T) {
		if err := f.svc.Grant(f.ctx, sys, "bithu", "viewer", "HN.DD"); err != nil {
			t.Fatal(err)
		}
		if n := grants(); n != 2 {
			t.Errorf("%d grants right after the grant, want 2", n)
		}
		if err := f.svc.SetUserActive(f.ctx, sys, "bithu", false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, token); !domain.IsCode(err, domain.EUnauthorized) {
			t.Errorf("a deactivated user's token: %v, want unauthorized", err)
		}
		if err := f.svc.SetUserActive(f.ctx, sys, "bithu", true); err != nil {
			t.Fatal(err)
		}
		// Deactivating revoked the user's tokens: a new one for what follows.
		if token, _, err = f.svc.IssueToken(f.ctx, f.as("bithu")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a change by another process is seen within the time", func(t *testing.T) {
		const ttl = 200 * time.Millisecond
		svc, err := core.New(f.ctx, store.New(f.db), f.svc.Clock(), core.Options{PrincipalTTL: ttl}, nil)
		if err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			p, err := svc.Authenticate(f.ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return len(p.Grants)
		}
		before := count()
		if err := f.svc.Revoke(f.ctx, sys, "bithu", "viewer", "HN.DD"); err != nil { // the other process
			t.Fatal(err)
		}
		if n := count(); n != before {
			t.Errorf("%d grants just after another process revoked one, want the cached %d", n, before)
		}
		time.Sleep(2 * ttl)
		if n := count(); n != before-1 {
			t.Errorf("%d grants once the time has passed, want %d", n, before-1)
		}
	})
}

func TestSetEmailOwnOrByAnAdmin(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, who, user, email string
		want                   domain.ErrorCode
	}{
		{"a user sets their own", "bithu", "bithu", " bithu@hbt.hanoi.gov.vn ", ""},
		{"a user cannot set another's", "bithu", "xem", "x@hbt.vn", domain.EForbidden},
		{"an admin sets anyone's", "quantri", "xem", "xem@hbt.vn", ""},
		{"an address with a name is refused", "bithu", "bithu", "Bí thư <bithu@hbt.vn>", domain.EInvalid},
		{"an unknown user", "quantri", "khong-co", "a@hbt.vn", domain.ENotFound},
		{"clearing it", "quantri", "xem", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			audit := f.count("audit_log")
			err := f.svc.SetEmail(f.ctx, f.as(tc.who), tc.user, tc.email)
			wantCode(t, err, tc.want)
			if err != nil && f.count("audit_log") != audit {
				t.Error("a refused change was recorded")
			}
		})
	}
	var got []string
	if err := f.db.Select(&got, `SELECT username || '=' || email FROM users WHERE username IN ('bithu', 'xem') ORDER BY username`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "bithu=bithu@hbt.hanoi.gov.vn xem=" {
		t.Errorf("addresses = %v", got)
	}
}

// Sessions carry the epoch they were signed in at: a password change (one's
// own or a reset) or a deactivation ends the others at once in this process,
// the cached caller notwithstanding; the session that changed its own
// password goes on with the new epoch.
func TestSessionsEndWhenThePasswordChangesOrTheAccountIsDeactivated(t *testing.T) {
	f := newFixture(t)
	p := f.as("xem")
	id, old := p.User.ID, p.User.SessionEpoch
	_, err := f.svc.Principal(f.ctx, id, old) // cached from here on
	wantCode(t, err, "")

	epoch, err := f.svc.ChangeOwnPassword(f.ctx, p, "10.0.0.1", fixturePassword, "mat-khau-moi-2020")
	wantCode(t, err, "")
	_, err = f.svc.Principal(f.ctx, id, old)
	wantCode(t, err, domain.EUnauthorized)
	_, err = f.svc.Principal(f.ctx, id, epoch)
	wantCode(t, err, "")

	t.Run("a wrong current password changes nothing", func(t *testing.T) {
		_, err := f.svc.ChangeOwnPassword(f.ctx, p, "10.0.0.1", fixturePassword, "mat-khau-khac-2020")
		wantCode(t, err, domain.EUnauthorized)
		_, err = f.svc.Principal(f.ctx, id, epoch)
		wantCode(t, err, "")
	})
	t.Run("a reset by an admin", func(t *testing.T) {
		wantCode(t, f.svc.SetPassword(f.ctx, f.as("quantri"), "xem", "mat-khau-moi-2021"), "")
		_, err := f.svc.Principal(f.ctx, id, epoch)
		wantCode(t, err, domain.EUnauthorized)
	})
	t.Run("deactivated, then activated again", func(t *testing.T) {
		now := f.as("bithu")
		wantCode(t, f.svc.SetUserActive(f.ctx, f.as("quantri"), "bithu", false), "")
		wantCode(t, f.svc.SetUserActive(f.ctx, f.as("quantri"), "bithu", true), "")
		_, err := f.svc.Principal(f.ctx, now.User.ID, now.User.SessionEpoch)
		wantCode(t, err, domain.EUnauthorized)
	})
}
