package domain

import (
	"fmt"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do on a unit and its whole subtree.
type Role string

// The roles of daihoi.
const (
	RoleAdmin      Role = "admin"      // everything, users included
	RoleBoard      Role = "board"      // manages the subtree: structure, round, approvals
	RoleSupervisor Role = "supervisor" // reads the subtree (working groups)
	RoleSecretary  Role = "secretary"  // updates the congress of their unit and the units under it
	RoleViewer     Role = "viewer"     // reads
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleBoard, RoleSupervisor, RoleSecretary, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// Action is something a caller wants to do on a unit.
type Action int

// The actions checked against a caller's roles.
const (
	ActRead   Action = iota // see the unit and its data
	ActUpdate               // update the congress record of the unit
	ActManage               // change the tree, the round, approvals
	ActAdmin                // manage users and roles
)

// allows says which actions each role grants on its subtree.
func (r Role) allows(a Action) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleBoard:
		return a == ActRead || a == ActUpdate || a == ActManage
	case RoleSecretary:
		return a == ActRead || a == ActUpdate
	case RoleSupervisor, RoleViewer:
		return a == ActRead
	}
	return false
}

// Grant is one role of a user on one unit.
type Grant struct {
	Role      Role      `json:"role" db:"role"`
	UnitCode  string    `json:"unit_code" db:"unit_code"`
	UnitName  string    `json:"unit_name" db:"unit_name"`
	UnitPath  string    `json:"-" db:"unit_path"`
	GrantedAt time.Time `json:"granted_at" db:"granted_at"`
	// Group names the working group whose membership gives the grant (a
	// supervisor's read of a unit it follows); "" for a role of the user's own.
	Group string `json:"group,omitempty" db:"-"`
}

// User is an account.
type User struct {
	ID        int64     `json:"id" db:"id"`
	Username  string    `json:"username" db:"username"`
	FullName  string    `json:"full_name" db:"full_name"`
	Email     string    `json:"email" db:"email"`
	Lang      string    `json:"lang" db:"lang"`
	Active    bool      `json:"active" db:"active"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	// SessionEpoch is the epoch of the user's web sessions: a session signed
	// in at an older one is over (the password changed since, or the account
	// was deactivated).
	SessionEpoch int64 `json:"-" db:"session_epoch"`
}

// Principal is the caller of a request: a user and their grants. The zero
// Principal is anonymous and may do nothing.
type Principal struct {
	User   User
	Grants []Grant
	// System marks the command line and the scheduler: they act with every right.
	System bool
}

// SystemUsername names the system (the CLI and the scheduler) where a
// write records who made it.
const SystemUsername = "system"

// SystemPrincipal is the caller used by the CLI and the scheduler.
func SystemPrincipal() Principal {
	return Principal{System: true, User: User{Username: SystemUsername}}
}

// ActorName is who made a write, as pages show it: the username, or the
// system in lang's words.
func ActorName(username, lang string) string {
	if username == SystemUsername {
		return Text{VI: "hệ thống", EN: "the system"}.In(lang)
	}
	return username
}

// Can reports whether p may do a on the unit at path.
func (p Principal) Can(a Action, path string) bool {
	if p.System {
		return true
	}
	if !p.User.Active {
		return false
	}
	for _, g := range p.Grants {
		if g.Role.allows(a) && IsWithin(path, g.UnitPath) {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether p may do a on at least one unit.
func (p Principal) CanAnywhere(a Action) bool {
	if p.System {
		return true
	}
	for _, g := range p.Grants {
		if p.User.Active && g.Role.allows(a) {
			return true
		}
	}
	return false
}

// ScopeRoots returns the paths of the subtrees where p may do a, without
// roots nested in others. An empty list means nowhere (unless p is System).
func (p Principal) ScopeRoots(a Action) []string {
	var roots []string
	for _, g := range p.Grants {
		if !p.User.Active || !g.Role.allows(a) {
			continue
		}
		roots = append(roots, g.UnitPath)
	}
	out := make([]string, 0, len(roots))
	for i, r := range roots {
		nested := false
		for j, o := range roots {
			if i != j && IsWithin(r, o) && (r != o || j < i) {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, r)
		}
	}
	return out
}

// MinPasswordLength is the shortest password a user may choose.
const MinPasswordLength = 8

// ValidatePassword refuses passwords that are too short or too long.
func ValidatePassword(field, pw string) error {
	if n := len([]rune(pw)); n < MinPasswordLength || len(pw) > 72 {
		return Invalid(field, "Mật khẩu phải có từ 8 ký tự (tối đa 72 byte)", "password must have at least 8 characters (at most 72 bytes)")
	}
	return nil
}

// NormalizeEmail trims an e-mail address and checks it is a bare address
// (name@domain, no display name); "" is allowed (no address).
func NormalizeEmail(field, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", nil
	}
	a, err := netmail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return "", Invalid(field, fmt.Sprintf("Địa chỉ thư điện tử %q không hợp lệ (dạng ten@donvi.vn)", email),
			fmt.Sprintf("%q is not an e-mail address (name@example.vn)", email))
	}
	return email, nil
}

// NormalizeUsername trims and lower-cases a username.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// ValidUsername reports whether u (normalised) is an acceptable username.
func ValidUsername(u string) bool { return usernameRE.MatchString(u) }

// Lang returns "en" for English and "vi" for anything else.
func Lang(s string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "en") {
		return "en"
	}
	return "vi"
}

// HasRoleOver reports whether p holds one of roles on the unit at path or
// on a unit above it.
func (p Principal) HasRoleOver(path string, roles ...Role) bool {
	if !p.User.Active {
		return false
	}
	for _, g := range p.Grants {
		for _, r := range roles {
			if g.Role == r && IsWithin(path, g.UnitPath) {
				return true
			}
		}
	}
	return false
}

// approverRoles are the roles of a superior unit's committee: the roles that
// give the approvals of the units below it.
var approverRoles = []Role{RoleAdmin, RoleBoard, RoleSecretary}

// MayApprove reports whether p may give the approvals of the unit at path
// (its personnel plan and its congress plan). They come from the committee
// of a unit above: p holds a secretary's, board's or admin's role on a
// strict ancestor of the unit. A ward's secretary approves her cells; the
// district's board approves the ward; nobody approves their own unit. The
// system (command line, demo) approves anything.
func (p Principal) MayApprove(path string) bool {
	if p.System {
		return true
	}
	if !p.User.Active {
		return false
	}
	for _, g := range p.Grants {
		if g.UnitPath != path && IsWithin(path, g.UnitPath) && slices.Contains(approverRoles, g.Role) {
			return true
		}
	}
	return false
}

// MayTick reports whether p may tick (or untick) milestone m of the unit at
// path by hand: an approval by the committee above (MayApprove), another
// step by whoever updates the unit; a milestone the system ticks, nobody.
func (p Principal) MayTick(m Milestone, path string) bool {
	switch {
	case m.Auto != "":
		return false
	case m.RequiresApproval:
		return p.MayApprove(path)
	}
	return p.Can(ActUpdate, path)
}

// ApproverRoles are the roles of the committee of the unit directly above
// that gives a unit's approvals, as the page names who must give them.
func ApproverRoles() []Role { return []Role{RoleSecretary, RoleBoard} }
