package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The import page: a unit file (CSV or XLSX) is imported all or nothing,
// and a refused one is reported row by row on the page.

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
	res, err := s.svc.ImportUnitsFile(c.Request().Context(), *p, fh.Filename, f)
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
