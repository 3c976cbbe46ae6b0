package domain

import (
	"fmt"
	"slices"
	"strings"
)

// Account is a user with every role they hold and every working group they
// are a member of: what the rules about managing accounts look at.
type Account struct {
	User
	Grants []Grant
	// Groups are the account's memberships of working groups, of any
	// round: each ties it to the group's unit.
	Groups []GroupTie
}

// GroupTie is a membership of a working group, by the unit the group
// belongs to (its members read units below it).
type GroupTie struct {
	Group    string `json:"group" db:"group_name"`
	UnitCode string `json:"unit_code" db:"unit_code"`
	UnitName string `json:"unit_name" db:"unit_name"`
	UnitPath string `json:"-" db:"unit_path"`
}

// UserText names users in messages.
var UserText = Text{VI: "người dùng", EN: "user"}

// RoleText names a role held on a unit in messages.
var RoleText = Text{VI: "quyền", EN: "role"}

// IsRootPath reports whether path is the path of a root unit, a unit without
// parent: a path of one label.
func IsRootPath(path string) bool { return path != "" && !strings.Contains(path, ".") }

// AdminOfARoot reports whether p is the system or an active admin of a root
// unit.
func (p Principal) AdminOfARoot() bool {
	if p.System {
		return true
	}
	if !p.User.Active {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == RoleAdmin && IsRootPath(g.UnitPath) {
			return true
		}
	}
	return false
}

// AccountAction is something done to a user's account.
type AccountAction int

// The actions on accounts checked by CheckAccount.
const (
	AccountCreate     AccountAction = iota // create it, with the roles it starts with
	AccountList                            // see it among the accounts one manages
	AccountPassword                        // set its password
	AccountEmail                           // set its e-mail address
	AccountActivate                        // let it sign in again
	AccountDeactivate                      // stop it signing in
	AccountGrant                           // give it a role on a unit
	AccountRevoke                          // take one of its roles away
	AccountLang                            // set the language its pages speak
)

// AccountFacts is what the account rules need to know besides the caller
// and the account.
type AccountFacts struct {
	// Admins counts the active users holding the admin role on each unit,
	// by the unit's path (at least on every root unit that has one).
	Admins map[string]int
}

// MayManage reports whether p may act on the account a at all: the system
// may; an admin may when every role of a, and the unit of every working
// group a is a member of, lies within their admin scope (so a district's
// admin manages the members of its working groups, who often hold no role
// of their own); an account with neither, only an admin of a root unit.
func (p Principal) MayManage(a Account) bool {
	if p.System {
		return true
	}
	if !p.CanAnywhere(ActAdmin) {
		return false
	}
	if len(a.Grants) == 0 && len(a.Groups) == 0 {
		return p.AdminOfARoot()
	}
	for _, g := range a.Grants {
		if !p.Can(ActAdmin, g.UnitPath) {
			return false
		}
	}
	for _, t := range a.Groups {
		if !p.Can(ActAdmin, t.UnitPath) {
			return false
		}
	}
	return true
}

// MayEnlist reports whether p may make the account a a member of a
// working group of the unit at path: an account p manages, one with
// neither a role nor a group yet (a new account made for the group), or
// one that lies within that unit's subtree (every role's unit and every
// group's unit lies there). A board enlists the people of its own units
// and no one else's: a membership reads the group's units and ties the
// account to the group's unit (MayManage).
func (p Principal) MayEnlist(a Account, path string) bool {
	if p.MayManage(a) {
		return true
	}
	for _, g := range a.Grants {
		if !IsWithin(g.UnitPath, path) {
			return false
		}
	}
	for _, t := range a.Groups {
		if !IsWithin(t.UnitPath, path) {
			return false
		}
	}
	return true
}

// CheckAccount returns nil when p may do act to the account a, else the
// refusal. g is the role given (AccountGrant) or taken away (AccountRevoke);
// for AccountCreate, a holds the roles the account is created with. It is
// the one rule of every action on accounts, for the pages, the API, the
// command line (the system) and what the admin page offers:
//
//   - anyone may set their own password and e-mail address;
//   - everything else needs p.MayManage(a): a caller who administers no unit
//     is forbidden, an account outside the caller's scope (a role, or a
//     working group's unit, outside it) is not found (as if it did not
//     exist), an account the caller could not manage once created is
//     refused (invalid: give it a role within the scope);
//   - a role is given only on a unit within p's admin scope;
//   - nobody deactivates the last active admin of a root unit, nor takes
//     that role away from them (conflict);
//   - nobody locks themselves out: deactivates their own account or takes
//     away their own last admin role (conflict);
//   - nobody takes away a role that leaves an account they could no
//     longer manage: the last role of an account that is a member of no
//     working group within p's scope, unless p manages accounts without
//     a role (conflict: deactivate it instead, or give the new role
//     first). Otherwise an active account with a password would drop out
//     of its admins' reach.
func CheckAccount(p Principal, act AccountAction, a Account, g Grant, facts AccountFacts) error {
	self := !p.System && p.User.ID != 0 && p.User.ID == a.ID
	if self && (act == AccountPassword || act == AccountEmail || act == AccountLang) {
		return nil
	}
	if !p.System && !p.CanAnywhere(ActAdmin) {
		return Forbidden()
	}
	if act == AccountCreate {
		if !p.MayManage(a) {
			return Invalid("unit", "Hãy cho tài khoản mới một vai trò trên một đơn vị đồng chí quản trị: chỉ quản trị viên của đơn vị gốc quản lý tài khoản chưa có vai trò",
				"give the new account a role on a unit you administer: only an admin of a root unit manages accounts without a role")
		}
		return nil
	}
	if !p.MayManage(a) {
		return NotFound(UserText, a.Username)
	}
	switch act {
	case AccountGrant:
		if !p.Can(ActAdmin, g.UnitPath) {
			return Forbidden()
		}
	case AccountRevoke:
		if !holds(a.Grants, g) {
			return NotFound(RoleText, fmt.Sprintf("%s %s %s", a.Username, g.Role, g.UnitCode))
		}
		if g.Role == RoleAdmin {
			if self && countRole(a.Grants, RoleAdmin) == 1 {
				return lockOut()
			}
			if lastRootAdmin(a, g.UnitPath, facts) {
				return lastAdmin(g.UnitCode)
			}
		}
		if !p.MayManage(Account{User: a.User, Grants: without(a.Grants, g), Groups: a.Groups}) {
			return lastRole(a.Username)
		}
	case AccountDeactivate:
		if self {
			return lockOut()
		}
		for _, h := range a.Grants {
			if h.Role == RoleAdmin && lastRootAdmin(a, h.UnitPath, facts) {
				return lastAdmin(h.UnitCode)
			}
		}
	}
	return nil
}

// lastRootAdmin reports whether a, an admin of the unit at path, is the
// last active admin of that unit and the unit is a root.
func lastRootAdmin(a Account, path string, facts AccountFacts) bool {
	return IsRootPath(path) && a.Active && facts.Admins[path] <= 1
}

// sameRole reports whether h and g are the same role on the same unit.
func sameRole(h, g Grant) bool { return h.Role == g.Role && h.UnitPath == g.UnitPath }

func holds(grants []Grant, g Grant) bool {
	return slices.ContainsFunc(grants, func(h Grant) bool { return sameRole(h, g) })
}

// without returns grants but g.
func without(grants []Grant, g Grant) []Grant {
	return slices.DeleteFunc(slices.Clone(grants), func(h Grant) bool { return sameRole(h, g) })
}

func countRole(grants []Grant, r Role) int {
	n := 0
	for _, g := range grants {
		if g.Role == r {
			n++
		}
	}
	return n
}

func lockOut() error {
	return Conflict("Đồng chí không thể tự khóa mình: không tự ngừng tài khoản của mình hay bỏ quyền quản trị cuối cùng của mình",
		"You cannot lock yourself out: neither deactivate your own account nor give up your last admin role")
}

func lastRole(username string) error {
	return Conflict(fmt.Sprintf("Đây là vai trò cuối cùng của %s trong phạm vi của đồng chí: gỡ đi thì tài khoản không còn vai trò hay tổ công tác nào trong phạm vi đó, và đồng chí không còn quản lý được nó. Nếu người này thôi công tác, hãy ngừng tài khoản; nếu chuyển công tác, hãy giao vai trò mới trước", username),
		fmt.Sprintf("This is %s's last role within your scope: without it, no role or working group of the account would remain there, and you could no longer manage it. If the person has left, deactivate the account; if they moved, give the new role first", username))
}

func lastAdmin(code string) error {
	return Conflict(fmt.Sprintf("Đây là quản trị viên cuối cùng còn hoạt động của đơn vị gốc %s: hãy giao quyền quản trị cho người khác trước", code),
		fmt.Sprintf("This is the last active admin of the root unit %s: make someone else admin first", code))
}

// AccountView is an account with what a caller may do to it, each decided
// by CheckAccount: a page offers exactly these actions.
type AccountView struct {
	Account
	MayResetPassword bool
	MayActivate      bool // the account is inactive and p may activate it
	MayDeactivate    bool // the account is active and p may deactivate it
	MayGrant         bool // p may give it a role on a unit of p's scope
	// MayRevoke says, for each role of Grants in order, whether p may take it away.
	MayRevoke []bool
}

// ViewAccount returns a with the actions p may take on it.
func ViewAccount(p Principal, a Account, facts AccountFacts) AccountView {
	may := func(act AccountAction, g Grant) bool { return CheckAccount(p, act, a, g, facts) == nil }
	v := AccountView{
		Account:          a,
		MayResetPassword: may(AccountPassword, Grant{}),
		MayActivate:      !a.Active && may(AccountActivate, Grant{}),
		MayDeactivate:    a.Active && may(AccountDeactivate, Grant{}),
		MayRevoke:        make([]bool, len(a.Grants)),
	}
	for _, root := range p.ScopeRoots(ActAdmin) {
		v.MayGrant = v.MayGrant || may(AccountGrant, Grant{Role: RoleViewer, UnitPath: root})
	}
	if p.System {
		v.MayGrant = may(AccountGrant, Grant{})
	}
	for i, g := range a.Grants {
		v.MayRevoke[i] = may(AccountRevoke, g)
	}
	return v
}
