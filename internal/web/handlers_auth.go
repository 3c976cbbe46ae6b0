package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Username string `json:"username" input:"required"`
	Password string `json:"password" input:"required,secret"`
}

// tokenResponse is the answer to a successful login.
type tokenResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

// handleLogin checks a username and password and issues an API token.
func (s *Server) handleLogin(c echo.Context) error {
	var in loginRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.svc.LoginFrom(ctx, clientAddr(c), in.Username, in.Password)
	if err != nil {
		return err
	}
	c.Set(ctxPrincipal, p) // for the access log
	token, expires, err := s.svc.IssueToken(ctx, p)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, tokenResponse{Token: token, ExpiresAt: expires})
}

// handleLogout revokes the bearer token of the request, or ends the web
// session when the caller came with one.
func (s *Server) handleLogout(c echo.Context) error {
	ctx := c.Request().Context()
	if token, ok := bearer(c.Request().Header.Get(echo.HeaderAuthorization)); ok {
		if err := s.svc.RevokeToken(ctx, token); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		HttpOnly: true, Secure: s.opts.CookieSecure, SameSite: http.SameSiteLaxMode})
	return c.NoContent(http.StatusNoContent)
}

// meResponse describes the caller.
type meResponse struct {
	User   domain.User    `json:"user"`
	Grants []domain.Grant `json:"grants"`
}

// handleMe returns the caller and their grants.
func (s *Server) handleMe(c echo.Context) error {
	p := principal(c)
	grants := p.Grants
	if grants == nil {
		grants = []domain.Grant{}
	}
	return c.JSON(http.StatusOK, meResponse{User: p.User, Grants: grants})
}
