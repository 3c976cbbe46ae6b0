package web

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// openAPI is the hand-written OpenAPI 3.0 description of every route.
//
//go:embed openapi.yaml
var openAPI []byte

// readyTimeout bounds the readiness check.
const readyTimeout = 5 * time.Second

// statusResponse is the body of the probes.
type statusResponse struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// handleHealthz reports that the process is up; it checks nothing else.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// handleReadyz reports whether the server can serve: the database answers
// and every migration is applied. Otherwise 503 with the reason.
func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.svc.Ready(ctx); err != nil {
		s.log.Warn("web: not ready", "err", err, "request_id", requestID(c))
		return c.JSON(http.StatusServiceUnavailable, statusResponse{Status: "unavailable", Reason: err.Error()})
	}
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// handleOpenAPI serves the OpenAPI document.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", openAPI)
}
