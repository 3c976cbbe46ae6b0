package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// loginForm is what the sign-in page shows besides the form.
type loginForm struct {
	Username string
	Error    string
}

// handleLoginPage shows the sign-in form.
func (s *Server) handleLoginPage(c echo.Context) error {
	// The form's CSRF token lives in the session, saved to the database as
	// the page goes out, too late to say it failed: with the database down
	// the form would load and its sending be refused as expired. The
	// session is saved first, so that the page says the service is
	// unavailable (503) instead.
	s.csrfToken(c)
	if _, _, err := s.sessions.Commit(c.Request().Context()); err != nil {
		return fmt.Errorf("web: save the sign-in session: %w", err)
	}
	return s.page(c, http.StatusOK, "login.html", nil, loginForm{})
}

// handleLoginSubmit signs in with the form's username and password. Failed
// attempts for a username or from an address slow down, then lock for a
// while (core.Service.LoginFrom); the message never says which of the two
// was wrong.
func (s *Server) handleLoginSubmit(c echo.Context) error {
	username := domain.NormalizeUsername(c.FormValue("username"))
	ctx := c.Request().Context()
	p, err := s.svc.LoginFrom(ctx, clientAddr(c), username, c.FormValue("password"))
	if domain.IsCode(err, domain.ETooManyRequests) {
		return s.page(c, http.StatusTooManyRequests, "login.html", nil, loginForm{Username: username,
			Error: domain.AsError(err).Message.In(pageLang(c, nil))})
	}
	if domain.IsCode(err, domain.EUnauthorized) {
		return s.page(c, http.StatusUnauthorized, "login.html", nil, loginForm{Username: username,
			Error: s.text(c, nil, "login_failed", nil)})
	}
	if err != nil {
		return err
	}
	// A new session id at sign-in (no fixation), and a new CSRF token.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessionCSRFKey)
	s.sessions.Put(ctx, sessionUserKey, p.User.ID)
	s.sessions.Put(ctx, sessionEpochKey, p.User.SessionEpoch)
	c.Set(ctxPrincipal, p) // for the access log
	return c.Redirect(http.StatusSeeOther, landing(p))
}

// landing is the first page after signing in: "My units" for a secretary,
// who updates them (unless they also hold a board's or an admin's role,
// who read the dashboard first), the home page for everyone else.
func landing(p domain.Principal) string {
	secretary := false
	for _, g := range p.Grants {
		switch g.Role {
		case domain.RoleBoard, domain.RoleAdmin:
			return "/"
		case domain.RoleSecretary:
			secretary = true
		}
	}
	if secretary {
		return "/my"
	}
	return "/"
}

// handleLogoutSubmit ends the session and says so on the sign-in page.
func (s *Server) handleLogoutSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	p, _ := s.sessionUser(c)
	var u *domain.User
	if p != nil {
		u = &p.User
	}
	msg := s.text(c, u, "logged_out", nil)
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	s.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/login")
}
