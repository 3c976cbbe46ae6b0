package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// searchResponse is one page of a unit search; NextOffset is absent on the last page.
type searchResponse struct {
	Query      string           `json:"query"`
	Units      []domain.UnitHit `json:"units"`
	NextOffset *int             `json:"next_offset,omitempty"`
}

// handleSearchUnits finds the units the caller may read by name or code:
// GET /api/v1/units?q=&limit=&offset=.
func (s *Server) handleSearchUnits(c echo.Context) error {
	limit, offset, err := searchPage(c)
	if err != nil {
		return err
	}
	hits, err := s.svc.SearchUnits(c.Request().Context(), principal(c), c.QueryParam("q"), limit, offset)
	if err != nil {
		return err
	}
	out := searchResponse{Query: hits.Query, Units: hits.Units}
	if hits.More {
		next := offset + len(hits.Units)
		out.NextOffset = &next
	}
	return c.JSON(http.StatusOK, out)
}

// searchPage reads ?limit (core.DefaultSearchPage when absent) and
// ?offset (0); what is not an integer is a 422, the bounds are core's.
func searchPage(c echo.Context) (limit, offset int, err error) {
	var v domain.Validation
	limit = intQuery(c, "limit", core.DefaultSearchPage, &v)
	offset = intQuery(c, "offset", 0, &v)
	return limit, offset, v.Err()
}

// intQuery reads the query parameter name as an integer, def when absent.
func intQuery(c echo.Context, name string, def int, v *domain.Validation) int {
	raw := strings.TrimSpace(c.QueryParam(name))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		v.Add(name, name+" phải là một số nguyên", name+" must be an integer")
	}
	return n
}
