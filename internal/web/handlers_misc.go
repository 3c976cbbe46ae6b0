package web

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
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
	if err := s.svc.Store().Ready(ctx); err != nil {
		s.log.Warn("web: not ready", "err", err, "request_id", requestID(c))
		return c.JSON(http.StatusServiceUnavailable, statusResponse{Status: "unavailable", Reason: err.Error()})
	}
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// handleOpenAPI serves the OpenAPI document.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", openAPI)
}

// parsePages parses each template of pages/ into its own set, by file name.
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := make(map[string]*template.Template, len(names))
	for _, n := range names {
		t, err := template.ParseFS(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		out[path.Base(n)] = t
	}
	return out, nil
}

// render executes the page template name into the response.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %s", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// handleHome serves the placeholder home page.
func (s *Server) handleHome(c echo.Context) error {
	return s.render(c, http.StatusOK, "home.html", struct{ OpenAPI string }{OpenAPI: "/api/v1/openapi.yaml"})
}
