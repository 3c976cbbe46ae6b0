package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The composition of the committees elected in a subtree, the round's
// targets and each unit's plan, through the API.

// handleComposition returns the composition of the committees elected so
// far in a unit's subtree against the targets and plans.
func (s *Server) handleComposition(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Composition(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleSetCompositionPlan sets a unit's planned share of a measure.
func (s *Server) handleSetCompositionPlan(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	var in domain.CompositionPlanInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	pl, err := s.svc.SetCompositionPlan(c.Request().Context(), principal(c), code, round, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pl)
}

// handleCompositionTargets lists a round's composition targets.
func (s *Server) handleCompositionTargets(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	ts, err := s.svc.CompositionTargets(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ts)
}

// handleSetCompositionTarget creates or changes a composition target of a round.
func (s *Server) handleSetCompositionTarget(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	var in domain.CompositionTargetInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.svc.SetCompositionTarget(c.Request().Context(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}
