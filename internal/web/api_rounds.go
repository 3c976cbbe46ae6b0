package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// roundsResponse lists the rounds.
type roundsResponse struct {
	Rounds []domain.RoundDetail `json:"rounds"`
}

// auditResponse lists recorded changes, newest first.
type auditResponse struct {
	Changes []domain.AuditEntry `json:"changes"`
}

// roundQuery reads ?round=: absent is the current round (0); anything but
// a positive integer is a 422 on the field round.
func roundQuery(c echo.Context) (int64, error) {
	return core.ParseRoundParam(strings.TrimSpace(c.QueryParam("round")))
}

// roundPathID reads the :id of /rounds/:id; anything but a positive integer
// names no round (404).
func roundPathID(c echo.Context) (int64, error) {
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound(domain.RoundText, domain.ShowText(raw, 40))
	}
	return id, nil
}

// handleRounds lists every round, newest first.
func (s *Server) handleRounds(c echo.Context) error {
	rounds, err := s.svc.Rounds(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, roundsResponse{Rounds: rounds})
}

// handleRound returns a round with the deadline rules the caller may read.
func (s *Server) handleRound(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Round(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleSetDeadlineRule creates or changes a deadline rule of a round.
func (s *Server) handleSetDeadlineRule(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	var in domain.DeadlineRuleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.svc.SetDeadlineRule(c.Request().Context(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleDeadlineHistory lists the deadline changes of a round.
func (s *Server) handleDeadlineHistory(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	changes, err := s.svc.DeadlineHistory(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, auditResponse{Changes: changes})
}

// handleSetUnitDeadline overrides (or clears) one unit's deadline.
func (s *Server) handleSetUnitDeadline(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	var in core.UnitDeadlineInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cg, err := s.svc.SetUnitDeadline(c.Request().Context(), principal(c), code, round, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cg)
}

// handleRoundAudit lists the changes of a round on a unit or its subtree.
func (s *Server) handleRoundAudit(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	var subtree bool
	switch strings.ToLower(strings.TrimSpace(c.QueryParam("subtree"))) {
	case "", "false", "0":
	case "true", "1":
		subtree = true
	default:
		return domain.Invalid("subtree", "subtree phải là true hoặc false", "subtree must be true or false")
	}
	limit := 100
	if raw := strings.TrimSpace(c.QueryParam("limit")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > core.MaxAudit {
			return domain.Invalid("limit", "limit phải là số nguyên từ 1 đến "+strconv.Itoa(core.MaxAudit),
				"limit must be an integer between 1 and "+strconv.Itoa(core.MaxAudit))
		}
		limit = n
	}
	changes, err := s.svc.RoundAudit(c.Request().Context(), principal(c), code, round, subtree, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, auditResponse{Changes: changes})
}
