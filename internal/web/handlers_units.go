package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// unitRef names a unit in a breadcrumb.
type unitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// unitResponse is a unit with the breadcrumb of the units above it that the
// caller may read, root first.
type unitResponse struct {
	domain.Unit
	Ancestors []unitRef `json:"ancestors"`
}

// unitsResponse is a list of units.
type unitsResponse struct {
	Units []domain.Unit `json:"units"`
}

// pageResponse is one page of a subtree listing; Next is absent on the last page.
type pageResponse struct {
	Units []domain.Unit `json:"units"`
	Total int           `json:"total"`
	Next  string        `json:"next,omitempty"`
}

// kindsResponse lists the unit kinds.
type kindsResponse struct {
	Kinds []domain.UnitKind `json:"kinds"`
}

// historyResponse lists the changes of a unit, newest first.
type historyResponse struct {
	Changes []domain.UnitChange `json:"changes"`
}

// moveRequest is the body of POST /api/v1/units/:code/move.
type moveRequest struct {
	ParentCode string `json:"parent_code" input:"required"`
	Reason     string `json:"reason"`
}

// mergeRequest is the body of POST /api/v1/units/:code/merge.
type mergeRequest struct {
	Units  []string `json:"units" input:"required"`
	Reason string   `json:"reason"`
}

// maxMergeUnits bounds the units merged in one request.
const maxMergeUnits = 100

// handleUnitKinds lists the unit kinds in their order, each with the kinds
// allowed under it.
func (s *Server) handleUnitKinds(c echo.Context) error {
	rules := s.svc.Rules()
	kinds := make([]domain.UnitKind, 0, len(rules.Kinds))
	for _, k := range rules.Kinds {
		if k.Children == nil {
			k.Children = []string{}
		}
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if kinds[i].SortOrder != kinds[j].SortOrder {
			return kinds[i].SortOrder < kinds[j].SortOrder
		}
		return kinds[i].Code < kinds[j].Code
	})
	return c.JSON(http.StatusOK, kindsResponse{Kinds: kinds})
}

// handleUnit returns one unit and its breadcrumb.
func (s *Server) handleUnit(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	ctx, p := c.Request().Context(), principal(c)
	u, err := s.svc.Unit(ctx, p, code)
	if err != nil {
		return err
	}
	above, err := s.svc.Ancestors(ctx, p, code)
	if err != nil {
		return err
	}
	refs := make([]unitRef, 0, len(above))
	for _, a := range above {
		refs = append(refs, unitRef{Code: a.Code, Name: a.Name, Kind: a.Kind})
	}
	return c.JSON(http.StatusOK, unitResponse{Unit: u, Ancestors: refs})
}

// handleChildren lists the active units directly under a unit.
func (s *Server) handleChildren(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	units, err := s.svc.Children(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	if units == nil {
		units = []domain.Unit{}
	}
	return c.JSON(http.StatusOK, unitsResponse{Units: units})
}

// handleSubtree lists a page of the active units of a subtree, in tree order.
func (s *Server) handleSubtree(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	cursor, err := decodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	page, err := s.svc.Subtree(c.Request().Context(), principal(c), code, cursor, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageResponse{Units: page.Units, Total: page.Total, Next: encodeCursor(page.Next)})
}

// handleHistory lists the recorded changes of a unit.
func (s *Server) handleHistory(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	changes, err := s.svc.UnitHistory(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []domain.UnitChange{}
	}
	return c.JSON(http.StatusOK, historyResponse{Changes: changes})
}

// handleCreateUnit adds a unit under its parent.
func (s *Server) handleCreateUnit(c echo.Context) error {
	var in domain.UnitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.svc.CreateUnit(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, s.unitURL(u.Code))
	return c.JSON(http.StatusCreated, u)
}

// unitURL is where the unit with code can be read.
func (s *Server) unitURL(code string) string {
	return strings.TrimRight(s.opts.BaseURL, "/") + "/api/v1/units/" + url.PathEscape(code)
}

// handleUpdateUnit changes the name, category or members of a unit.
func (s *Server) handleUpdateUnit(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var patch domain.UnitPatch
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	u, err := s.svc.UpdateUnit(c.Request().Context(), principal(c), code, patch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// handleMoveUnit puts a unit, with its subtree, under a new parent.
func (s *Server) handleMoveUnit(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in moveRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.svc.MoveUnit(c.Request().Context(), principal(c), code, in.ParentCode, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// handleMergeUnits merges the listed units into the unit of the path, which survives.
func (s *Server) handleMergeUnits(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in mergeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if len(in.Units) > maxMergeUnits {
		return domain.Invalid("units", fmt.Sprintf("Mỗi lần sáp nhập tối đa %d đơn vị", maxMergeUnits),
			fmt.Sprintf("at most %d units can be merged at once", maxMergeUnits))
	}
	u, err := s.svc.MergeUnits(c.Request().Context(), principal(c), code, in.Units, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}
