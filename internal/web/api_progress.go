package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// handleProgress returns the progress of a round below and at a unit on a
// day (?round=, ?as_of=YYYY-MM-DD; the current round and today by
// default), its texts in the request's language.
func (s *Server) handleProgress(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	p, stamp, err := s.svc.ProgressStamped(c.Request().Context(), principal(c), code, round, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	return s.sendFigures(c, stamp, func(lang string) any { return p.Localized(lang) })
}

// handleProgressChildren returns the per-child breakdown of a unit's progress.
func (s *Server) handleProgressChildren(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	p, stamp, err := s.svc.ProgressChildrenStamped(c.Request().Context(), principal(c), code, round, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	return s.sendFigures(c, stamp, func(lang string) any { return p.Localized(lang) })
}

// handleFlags lists a page of the flags of a unit or of its subtree
// (?state=open|resolved, ?subtree=true|false, ?kind=, ?limit=, ?offset=).
func (s *Server) handleFlags(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	q, err := domain.ParseFlagQuery(c.QueryParam("state"), c.QueryParam("subtree"), c.QueryParam("kind"),
		c.QueryParam("limit"), c.QueryParam("offset"))
	if err != nil {
		return err
	}
	l, err := s.svc.Flags(c.Request().Context(), principal(c), code, round, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}
