package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The import page: a unit file (CSV or XLSX) is imported all or nothing,
// and a refused one is reported row by row on the page. The file is held
// to the body limit, Options.Import's rows and unpacked size: a larger one
// is refused on the page, saying the limit, before anything is written.

// importUpload reads the upload of the import page within the body limit
// (upload): a file too large is refused on the import page naming the
// limit.
func (s *Server) importUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return s.upload(func() int64 { return s.bodyLimit }, uploadMemory, func(c echo.Context, p *domain.Principal, limit int64) error {
		u := &p.User
		// The body limit in megabytes as set ("4M" is 4,000,000 bytes): "4 MB", "2,5 MB".
		text := strconv.FormatFloat(float64(limit)/1e6, 'g', 3, 64) + " MB"
		if pageLang(c, u) == "vi" {
			text = strings.Replace(text, ".", ",", 1)
		}
		return s.page(c, http.StatusRequestEntityTooLarge, "admin_import.html", u, importView{Errors: []importLine{{Field: "file",
			Message: s.text(c, u, "import_too_large", map[string]any{"Limit": text})}}})
	})(next)
}

type importLine struct {
	Row            int
	Field, Message string
}

type importView struct {
	Done   string
	Errors []importLine
}

// handleImportPage shows the import form.
func (s *Server) handleImportPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	if !p.CanAnywhere(domain.ActManage) {
		return domain.Forbidden()
	}
	return s.page(c, http.StatusOK, "admin_import.html", &p.User, importView{})
}

// handleImportSubmit imports the uploaded file.
func (s *Server) handleImportSubmit(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	u := &p.User
	lang := pageLang(c, u)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.page(c, http.StatusUnprocessableEntity, "admin_import.html", u, importView{Errors: []importLine{{Field: "file",
			Message: s.text(c, u, "import_file", nil)}}})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.svc.ImportUnitsFile(c.Request().Context(), *p, fh.Filename, f, s.opts.Import)
	if de := domain.AsError(err); de != nil && de.Code == domain.EInvalid {
		v := importView{}
		if len(de.Fields) == 0 {
			v.Errors = append(v.Errors, importLine{Message: de.Message.In(lang)})
		}
		for _, fe := range de.Fields {
			v.Errors = append(v.Errors, importLine{Row: fe.Row, Field: fe.Field, Message: fe.Message.In(lang)})
		}
		return s.page(c, http.StatusUnprocessableEntity, "admin_import.html", u, v)
	}
	if err != nil {
		return err
	}
	return s.page(c, http.StatusOK, "admin_import.html", u, importView{Done: s.text(c, u, "import_done", map[string]any{
		"Created": res.Created, "Updated": res.Updated, "Moved": res.Moved, "Unchanged": res.Unchanged})})
}
