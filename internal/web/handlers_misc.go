package web

import (
	"context"
	_ "embed"
	"errors"
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
	if err := s.readyWithin(c.Request().Context(), readyTimeout); err != nil {
		// The details (the database's address among them) go to the log,
		// not to whoever asks on the public address.
		s.log.Warn("web: not ready", "err", err, "request_id", requestID(c))
		return c.JSON(http.StatusServiceUnavailable, statusResponse{Status: "unavailable", Reason: "the database does not answer, or is not migrated"})
	}
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// errNotAnswering is a readiness check that got no answer in time.
var errNotAnswering = errors.New("web: the readiness check got no answer in time")

// readyWithin runs the readiness check (the services' Ready) and answers
// after at most d. A database server that has stopped answering (frozen,
// not refusing) leaves the check blocked in its read, which no context
// ends; the probes that come meanwhile share that one check rather than
// each leaving another behind.
func (s *Server) readyWithin(ctx context.Context, d time.Duration) error {
	check := s.readyCheck
	if check == nil {
		check = s.svc.Ready
	}
	ch := s.readyFlight.DoChan("ready", func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		return nil, check(ctx)
	})
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.Err
	case <-t.C:
		return errNotAnswering
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handleOpenAPI serves the OpenAPI document.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", openAPI)
}
