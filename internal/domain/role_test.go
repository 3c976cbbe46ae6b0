package domain

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// principal returns an active user holding one role on the unit at path.
func principal(role Role, path string) Principal {
	return Principal{
		User:   User{ID: 1, Username: "u", Active: true},
		Grants: []Grant{{Role: role, UnitCode: "U" + path, UnitPath: path}},
	}
}

func TestPrincipalCan(t *testing.T) {
	const root = "1.2" // the granted unit, e.g. a district
	// want lists the actions each role allows on its subtree.
	want := map[Role][]Action{
		RoleAdmin:      {ActRead, ActUpdate, ActManage, ActAdmin},
		RoleBoard:      {ActRead, ActUpdate, ActManage},
		RoleSecretary:  {ActRead, ActUpdate},
		RoleSupervisor: {ActRead},
		RoleViewer:     {ActRead},
	}
	actions := []Action{ActRead, ActUpdate, ActManage, ActAdmin}
	places := []struct {
		name   string
		path   string
		inside bool
	}{
		{"on the granted unit", "1.2", true},
		{"on a unit below", "1.2.3", true},
		{"on a cell two levels below", "1.2.3.4", true},
		{"on the unit above", "1", false},
		{"on a sibling", "1.5", false},
		{"on a sibling whose id starts alike", "1.22", false},
		{"below a sibling", "1.5.6", false},
	}
	for _, role := range Roles {
		for _, a := range actions {
			allowed := false
			for _, w := range want[role] {
				allowed = allowed || w == a
			}
			for _, pl := range places {
				t.Run(fmt.Sprintf("%s %s %s", role, actionName(a), pl.name), func(t *testing.T) {
					p := principal(role, root)
					if got, want := p.Can(a, pl.path), allowed && pl.inside; got != want {
						t.Errorf("Can = %v, want %v", got, want)
					}
				})
			}
		}
	}
}

func actionName(a Action) string {
	return [...]string{"read", "update", "manage", "admin"}[a]
}

func TestPrincipalCanEdgeCases(t *testing.T) {
	t.Run("the anonymous principal may do nothing", func(t *testing.T) {
		var p Principal
		if p.Can(ActRead, "1") || p.CanAnywhere(ActRead) {
			t.Error("anonymous principal can read")
		}
	})
	t.Run("the system principal may do everything everywhere", func(t *testing.T) {
		p := SystemPrincipal()
		for _, a := range []Action{ActRead, ActUpdate, ActManage, ActAdmin} {
			if !p.Can(a, "9.9.9") || !p.CanAnywhere(a) {
				t.Errorf("system cannot %s", actionName(a))
			}
		}
	})
	t.Run("an inactive user may do nothing", func(t *testing.T) {
		p := principal(RoleAdmin, "1")
		p.User.Active = false
		if p.Can(ActRead, "1.2") {
			t.Error("inactive admin can read")
		}
		if p.CanAnywhere(ActRead) {
			t.Error("inactive admin can read anywhere")
		}
		if got := p.ScopeRoots(ActRead); len(got) != 0 {
			t.Errorf("ScopeRoots = %v, want none", got)
		}
	})
	t.Run("an unknown role grants nothing", func(t *testing.T) {
		p := principal(Role("owner"), "1")
		if p.Can(ActRead, "1") {
			t.Error("unknown role can read")
		}
	})
	t.Run("grants add up", func(t *testing.T) {
		p := principal(RoleViewer, "1.2")
		p.Grants = append(p.Grants, Grant{Role: RoleSecretary, UnitPath: "1.2.3"})
		if !p.Can(ActUpdate, "1.2.3.4") {
			t.Error("secretary grant does not allow update below its unit")
		}
		if p.Can(ActUpdate, "1.2.5") {
			t.Error("viewer grant allows update")
		}
		if !p.Can(ActRead, "1.2.5") {
			t.Error("viewer grant does not allow read")
		}
	})
}

func TestPrincipalCanAnywhere(t *testing.T) {
	tests := []struct {
		role Role
		a    Action
		want bool
	}{
		{RoleAdmin, ActAdmin, true},
		{RoleBoard, ActAdmin, false},
		{RoleBoard, ActManage, true},
		{RoleSecretary, ActManage, false},
		{RoleSecretary, ActUpdate, true},
		{RoleSupervisor, ActUpdate, false},
		{RoleViewer, ActRead, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s", tt.role, actionName(tt.a)), func(t *testing.T) {
			if got := principal(tt.role, "1.2").CanAnywhere(tt.a); got != tt.want {
				t.Errorf("CanAnywhere = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPrincipalScopeRoots(t *testing.T) {
	grants := func(gs ...Grant) Principal {
		return Principal{User: User{Active: true}, Grants: gs}
	}
	tests := []struct {
		name string
		p    Principal
		a    Action
		want []string
	}{
		{"no grants means nowhere", grants(), ActRead, []string{}},
		{"one grant is one root", grants(Grant{Role: RoleViewer, UnitPath: "1.2"}), ActRead, []string{"1.2"}},
		{"a nested grant is dropped", grants(
			Grant{Role: RoleViewer, UnitPath: "1.2.3"},
			Grant{Role: RoleBoard, UnitPath: "1.2"},
		), ActRead, []string{"1.2"}},
		{"disjoint grants are kept in order", grants(
			Grant{Role: RoleSupervisor, UnitPath: "1.2.5"},
			Grant{Role: RoleSupervisor, UnitPath: "1.2.3"},
			Grant{Role: RoleSupervisor, UnitPath: "1.2.30"},
		), ActRead, []string{"1.2.5", "1.2.3", "1.2.30"}},
		{"the same unit twice is one root", grants(
			Grant{Role: RoleViewer, UnitPath: "1.2"},
			Grant{Role: RoleSecretary, UnitPath: "1.2"},
		), ActRead, []string{"1.2"}},
		{"grants without the action are left out", grants(
			Grant{Role: RoleViewer, UnitPath: "1"},
			Grant{Role: RoleSecretary, UnitPath: "1.2.3"},
		), ActUpdate, []string{"1.2.3"}},
		{"read-only grants give no manage roots", grants(
			Grant{Role: RoleViewer, UnitPath: "1"},
			Grant{Role: RoleSupervisor, UnitPath: "1.2"},
		), ActManage, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.ScopeRoots(tt.a); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ScopeRoots = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRoleValid(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() {
			t.Errorf("%s.Valid() = false, want true", r)
		}
	}
	for _, r := range []Role{"", "Admin", "owner"} {
		if r.Valid() {
			t.Errorf("%q.Valid() = true, want false", r)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"7 characters are too short", "1234567", false},
		{"8 characters are enough", "12345678", true},
		{"8 Vietnamese letters are enough", "đảngviên", true},
		{"72 bytes are accepted", strings.Repeat("a", 72), true},
		{"73 bytes are too long for bcrypt", strings.Repeat("a", 73), false},
		{"empty is refused", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword("password", tt.pw)
			if got := err == nil; got != tt.ok {
				t.Fatalf("ValidatePassword ok = %v, want %v (%v)", got, tt.ok, err)
			}
			if err != nil && ErrorCodeOf(err) != EInvalid {
				t.Errorf("code = %s, want %s", ErrorCodeOf(err), EInvalid)
			}
		})
	}
}

func TestUsernames(t *testing.T) {
	if got, want := NormalizeUsername("  BachMai "), "bachmai"; got != want {
		t.Errorf("NormalizeUsername = %q, want %q", got, want)
	}
	for u, want := range map[string]bool{
		"bachmai": true, "to.cong-tac_1": true, "ab": true, "a": false, "": false,
		"-admin": false, "bạchmai": false, "Admin": false, "a b": false,
		strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		if got := ValidUsername(u); got != want {
			t.Errorf("ValidUsername(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{"en": "en", "EN-us": "en", " en": "en", "vi": "vi", "": "vi", "fr": "vi"} {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"  thanh@hbt.hanoi.gov.vn ", "thanh@hbt.hanoi.gov.vn", true},
		{"", "", true},
		{"thanh", "", false},
		{"Thành <thanh@hbt.vn>", "", false},
		{"thanh@localhost", "", false},
		{"a b@hbt.vn", "", false},
	} {
		got, err := NormalizeEmail("email", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !IsCode(err, EInvalid) {
			t.Errorf("refusal of %q is %v, want invalid", tc.in, err)
		}
	}
}

func TestMayApproveIsTheCommitteeAbove(t *testing.T) {
	const ward = "1.2.3" // the granted unit: a ward under district 1.2
	approvers := map[Role]bool{RoleAdmin: true, RoleBoard: true, RoleSecretary: true}
	places := []struct {
		name  string
		path  string
		above bool // the grant is on a strict ancestor
	}{
		{"the ward's own plans", "1.2.3", false},
		{"a cell of the ward", "1.2.3.4", true},
		{"a cell of a sub-committee of the ward", "1.2.3.5.6", true},
		{"the district above", "1.2", false},
		{"a cell of another ward", "1.2.7.8", false},
		{"a cell of a ward whose id starts alike", "1.2.33.4", false},
	}
	for _, role := range Roles {
		for _, pl := range places {
			t.Run(fmt.Sprintf("%s: %s", role, pl.name), func(t *testing.T) {
				p := principal(role, ward)
				if got, want := p.MayApprove(pl.path), approvers[role] && pl.above; got != want {
					t.Errorf("MayApprove = %v, want %v", got, want)
				}
			})
		}
	}
	t.Run("an inactive secretary approves nothing", func(t *testing.T) {
		p := principal(RoleSecretary, ward)
		p.User.Active = false
		if p.MayApprove("1.2.3.4") {
			t.Error("MayApprove = true")
		}
	})
	t.Run("the system approves anything", func(t *testing.T) {
		if !SystemPrincipal().MayApprove("1") {
			t.Error("MayApprove = false")
		}
	})
}

func TestMayTick(t *testing.T) {
	approval := Milestone{Code: "congress_plan", RequiresApproval: true}
	step := Milestone{Code: "draft_report"}
	auto := Milestone{Code: "held", Auto: "held"}
	for _, c := range []struct {
		name string
		p    Principal
		m    Milestone
		path string
		want bool
	}{
		{"a secretary ticks her ward's own step", principal(RoleSecretary, "1.2.3"), step, "1.2.3", true},
		{"a secretary does not approve her ward", principal(RoleSecretary, "1.2.3"), approval, "1.2.3", false},
		{"a secretary approves her cell", principal(RoleSecretary, "1.2.3"), approval, "1.2.3.4", true},
		{"a viewer ticks nothing", principal(RoleViewer, "1.2"), step, "1.2.3", false},
		{"a supervisor approves nothing", principal(RoleSupervisor, "1.2"), approval, "1.2.3", false},
		{"nobody ticks what the system ticks", principal(RoleAdmin, "1"), auto, "1.2.3", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.MayTick(c.m, c.path); got != c.want {
				t.Errorf("MayTick = %v, want %v", got, c.want)
			}
		})
	}
}
