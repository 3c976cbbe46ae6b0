package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// pilotRequest is the body of PUT /api/v1/units/:code/pilot.
type pilotRequest struct {
	Pilot bool `json:"pilot" input:"required"`
}

// milestonesResponse lists a unit's milestones.
type milestonesResponse struct {
	Milestones []domain.Milestone `json:"milestones"`
}

// codeAndRound reads the unit code of the path and ?round=.
func codeAndRound(c echo.Context) (string, int64, error) {
	code, err := codeParam(c)
	if err != nil {
		return "", 0, err
	}
	round, err := roundQuery(c)
	return code, round, err
}

// handleCongress returns a unit's congress in a round.
func (s *Server) handleCongress(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	cg, err := s.svc.Congress(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cg)
}

// handleUpdateCongress applies a partial update to a unit's congress.
func (s *Server) handleUpdateCongress(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	var patch domain.CongressPatch
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	cg, err := s.svc.UpdateCongress(c.Request().Context(), principal(c), code, round, patch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cg)
}

// handleSetPilot marks or unmarks a unit as a pilot congress.
func (s *Server) handleSetPilot(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	var in pilotRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cg, err := s.svc.SetPilot(c.Request().Context(), principal(c), code, round, in.Pilot)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cg)
}

// handlePilots lists the pilots of a subtree, compared with the other units.
func (s *Server) handlePilots(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Pilots(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleMilestones lists a unit's milestones with due dates and overdue flags.
func (s *Server) handleMilestones(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	ms, err := s.svc.Milestones(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, milestonesResponse{Milestones: ms})
}

// handleTickMilestone records a milestone (or an approval) as done.
func (s *Server) handleTickMilestone(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	var in domain.MilestoneInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.svc.TickMilestone(c.Request().Context(), principal(c), code, round, c.Param("milestone"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// handleUntickMilestone records a milestone as not done.
func (s *Server) handleUntickMilestone(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	m, err := s.svc.UntickMilestone(c.Request().Context(), principal(c), code, round, c.Param("milestone"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// handleResults returns the results of a unit's congress.
func (s *Server) handleResults(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Results(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleSetResults records the results of a unit's congress.
func (s *Server) handleSetResults(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	var in domain.ResultsInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.svc.SetResults(c.Request().Context(), principal(c), code, round, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// heldResponse lists the congresses recorded held at once.
type heldResponse struct {
	Congresses []domain.Congress `json:"congresses"`
}

// handleHoldCongresses records several congresses held on the same day,
// all or none.
func (s *Server) handleHoldCongresses(c echo.Context) error {
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	var in domain.HoldInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.svc.HoldCongresses(c.Request().Context(), principal(c), round, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, heldResponse{Congresses: cs})
}

// handleUnitOverview returns what the unit page shows of a unit, with what
// the caller may do there (core.UnitPage).
func (s *Server) handleUnitOverview(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	u, err := s.svc.UnitPage(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// handleMyUnits returns the caller's congresses, as "My units" shows them
// (core.MyUnits).
func (s *Server) handleMyUnitsAPI(c echo.Context) error {
	list, err := s.svc.MyUnits(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}
