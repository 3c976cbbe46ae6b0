package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// passwordForm is what the password page shows besides the form.
type passwordForm struct{ Errors []string }

// handlePasswordPage shows the form to change one's password.
func (s *Server) handlePasswordPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.page(c, http.StatusOK, "password.html", &p.User, passwordForm{})
}

// handlePasswordSubmit changes the signed-in user's password after checking
// the current one (through the sign-in throttle, so that the form cannot be
// used to guess it). The user's other sessions end and their API tokens are
// revoked; this session stays signed in.
func (s *Server) handlePasswordSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	u := &p.User
	refuse := func(status int, msgs ...string) error {
		return s.page(c, status, "password.html", u, passwordForm{Errors: msgs})
	}
	if c.FormValue("new") != c.FormValue("confirm") {
		return refuse(http.StatusUnprocessableEntity, s.text(c, u, "password_mismatch", nil))
	}
	ctx := c.Request().Context()
	epoch, err := s.svc.ChangeOwnPassword(ctx, *p, clientAddr(c), c.FormValue("current"), c.FormValue("new"))
	switch {
	case domain.IsCode(err, domain.ETooManyRequests):
		return refuse(http.StatusTooManyRequests, domain.AsError(err).Message.In(pageLang(c, u)))
	case domain.IsCode(err, domain.EUnauthorized):
		return refuse(http.StatusUnprocessableEntity, s.text(c, u, "password_wrong", nil))
	case domain.IsCode(err, domain.EInvalid):
		var msgs []string
		for _, f := range domain.AsError(err).Fields {
			msgs = append(msgs, f.Message.In(pageLang(c, u)))
		}
		return refuse(http.StatusUnprocessableEntity, msgs...)
	case err != nil:
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionEpochKey, epoch)
	s.flash(c, s.text(c, u, "password_changed", nil))
	return c.Redirect(http.StatusSeeOther, "/")
}
