package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

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
	p, err := s.svc.Progress(c.Request().Context(), principal(c), code, round, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	p.Localize(lang(c))
	return jsonETag(c, p)
}

// handleProgressChildren returns the per-child breakdown of a unit's progress.
func (s *Server) handleProgressChildren(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	p, err := s.svc.ProgressChildren(c.Request().Context(), principal(c), code, round, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	p.Localize(lang(c))
	return jsonETag(c, p)
}

// jsonETag sends v as JSON with an ETag of its bytes; a request whose
// If-None-Match holds it is answered 304 without a body. Clients are told
// to check again on every use (Cache-Control: private, no-cache): the
// figures change with any write below the unit.
func jsonETag(c echo.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	h.Set("ETag", tag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), tag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSONBlob(http.StatusOK, b)
}

// etagMatches reports whether an If-None-Match header names tag (or is *),
// comparing weakly as RFC 9110 asks.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
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
