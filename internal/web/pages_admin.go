package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The admin's users page: the accounts the admin manages, creating one,
// giving and revoking roles on units, resetting a password, and deactivating
// or activating an account. The page offers only the actions the services
// would allow (domain.ViewAccount, from the rule that enforces them); every
// action goes through the services (which check it again and audit it),
// then back to the page with what happened.

// adminRoles are the roles the page offers, the most common first.
var adminRoles = []domain.Role{domain.RoleSecretary, domain.RoleBoard, domain.RoleSupervisor, domain.RoleViewer, domain.RoleAdmin}

// handleAdminUsers lists the accounts an admin may manage.
func (s *Server) handleAdminUsers(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.adminUsersPage(c, *p, http.StatusOK, nil)
}

// adminNewFields are the fields of the form creating an account.
var adminNewFields = []string{"username", "full_name", "email", "password", "lang", "role", "unit"}

// adminUsersPage renders the accounts; typed, when set, is the refused
// form creating one, as typed but for its password.
func (s *Server) adminUsersPage(c echo.Context, p domain.Principal, status int, typed *formState) error {
	users, err := s.svc.Users(c.Request().Context(), p)
	if err != nil {
		return err
	}
	// Whether an account may be created without a role: the rule of creation.
	roleless := domain.CheckAccount(p, domain.AccountCreate, domain.Account{}, domain.Grant{}, domain.AccountFacts{}) == nil
	return s.page(c, status, "admin_users.html", &p.User, struct {
		Users    []domain.AccountView
		Roles    []domain.Role
		Roleless bool
		New      *formState
	}{users, adminRoles, roleless, typed})
}

// handleAdminAction runs one admin action (:action) on the account
// :username, or creates an account (no :username).
func (s *Server) handleAdminAction(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	var username string
	if c.Param("action") != "" {
		if username, err = usernameParam(c); err != nil {
			return s.afterAction(c, &p.User, err, "", "/admin/users", domain.ENotFound)
		}
	}
	switch c.Param("action") {
	case "":
		_, err = s.svc.CreateUser(ctx, *p, core.UserInput{Username: c.FormValue("username"), FullName: c.FormValue("full_name"),
			Email: c.FormValue("email"), Password: c.FormValue("password"), Lang: c.FormValue("lang"),
			Role: c.FormValue("role"), Unit: c.FormValue("unit")})
		if de := domain.AsError(err); de != nil && (de.Code == domain.EInvalid || de.Code == domain.EConflict || de.Code == domain.ENotFound) {
			// The form comes back as typed, each refusal beside its field;
			// the password is typed again.
			typed := typedForm(c)
			typed.Values.Del("password")
			typed.refuse(err, pageLang(c, &p.User), adminNewFields, nil)
			return s.adminUsersPage(c, *p, http.StatusUnprocessableEntity, typed)
		}
	case "grant":
		err = s.svc.Grant(ctx, *p, username, c.FormValue("role"), c.FormValue("unit"))
	case "revoke":
		err = s.svc.Revoke(ctx, *p, username, c.FormValue("role"), c.FormValue("unit"))
	case "password":
		err = s.svc.SetPassword(ctx, *p, username, c.FormValue("password"))
	case "active":
		var active bool
		if active, err = formBool(c, "active"); err == nil {
			err = s.svc.SetUserActive(ctx, *p, username, active)
		}
	default:
		return echo.ErrNotFound
	}
	// An unknown username or unit (or one outside the scope) is said on the
	// page like a refusal.
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "admin_done", nil), "/admin/users", domain.ENotFound)
}
