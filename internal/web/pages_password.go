package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
)

// The profile page: a user sets the language of their pages, their e-mail
// address and their password. A refused form comes back as typed (but the
// passwords), its refusal beside the field.

// profilePage is what the profile page shows besides its forms.
type profilePage struct {
	Grants []domain.Grant
	// Email and Password are the forms as typed when they were refused.
	Email, Password *formState
	// Notices are the calendar feed's and the reminders' settings; FeedURL
	// the address of a feed just made (shown once).
	Notices domain.Notices
	FeedURL string
}

// handleProfilePage shows the signed-in user's profile (also at /password).
func (s *Server) handleProfilePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.profilePage(c, p, http.StatusOK, "", nil)
}

func (s *Server) profilePage(c echo.Context, p *domain.Principal, status int, which string, form *formState) error {
	return s.profilePageWith(c, p, status, which, form, "")
}

// profilePageWith is profilePage with the address of a feed just made.
func (s *Server) profilePageWith(c echo.Context, p *domain.Principal, status int, which string, form *formState, feedURL string) error {
	n, err := s.svc.Notices(c.Request().Context(), *p)
	if err != nil {
		return err
	}
	d := profilePage{Grants: p.Grants, Notices: n, FeedURL: feedURL}
	switch which {
	case "email":
		d.Email = form
	case "password":
		d.Password = form
	}
	return s.page(c, status, "profile.html", &p.User, d)
}

// handleLangSubmit sets the language of the signed-in user's pages (from
// the switch at the top of every page, or the profile page) and goes back
// to the page it came from; signed out, it only keeps the choice in a
// cookie, as GET /lang/{code} does.
func (s *Server) handleLangSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil {
		return err
	}
	lang := i18n.Pick(c.Param("lang"), "")
	s.setLangCookie(c, lang)
	if p != nil {
		if err := s.svc.SetLang(c.Request().Context(), *p, p.User.Username, lang); err != nil {
			return err
		}
		p.User.Lang = lang
		s.flash(c, s.text(c, &p.User, "lang_saved", nil))
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, "/"))
}

// handleEmailSubmit sets the signed-in user's e-mail address.
func (s *Server) handleEmailSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	err = s.svc.SetEmail(c.Request().Context(), *p, p.User.Username, c.FormValue("email"))
	if domain.IsCode(err, domain.EInvalid) {
		form := typedForm(c)
		form.refuse(err, pageLang(c, &p.User), []string{"email"}, nil)
		return s.profilePage(c, p, http.StatusUnprocessableEntity, "email", form)
	}
	if err != nil {
		return err
	}
	s.flash(c, s.text(c, &p.User, "reports_email_saved", nil))
	return c.Redirect(http.StatusSeeOther, "/profile")
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
	lang := pageLang(c, u)
	refuse := func(status int, field, msg string) error {
		form := &formState{Errors: map[string]string{field: msg}}
		return s.profilePage(c, p, status, "password", form)
	}
	if c.FormValue("new") != c.FormValue("confirm") {
		return refuse(http.StatusUnprocessableEntity, "confirm", s.text(c, u, "password_mismatch", nil))
	}
	ctx := c.Request().Context()
	epoch, err := s.svc.ChangeOwnPassword(ctx, *p, clientAddr(c), c.FormValue("current"), c.FormValue("new"))
	switch {
	case domain.IsCode(err, domain.ETooManyRequests):
		return refuse(http.StatusTooManyRequests, "current", domain.AsError(err).Message.In(lang))
	case domain.IsCode(err, domain.EUnauthorized):
		return refuse(http.StatusUnprocessableEntity, "current", s.text(c, u, "password_wrong", nil))
	case domain.IsCode(err, domain.EInvalid):
		form := &formState{Errors: map[string]string{}}
		form.refuse(err, lang, nil, func(domain.FieldError) string { return "new" })
		return s.profilePage(c, p, http.StatusUnprocessableEntity, "password", form)
	case err != nil:
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionEpochKey, epoch)
	s.flash(c, s.text(c, u, "password_changed", nil))
	return c.Redirect(http.StatusSeeOther, "/profile")
}
