package web

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/congressdoc"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
)

// The standard documents of a congress (invitation, agenda, vote-count
// minutes, results report), filled in from the unit's data, downloaded as
// .docx to edit (?format=docx, the default) or as PDF (?format=pdf), on a
// page and through the API alike.

// The content types of the documents.
const (
	docxType = domain.TypeDOCX
	pdfType  = domain.TypePDF
)

// sendDocument makes document :doc of the unit :code as p and sends it.
func (s *Server) sendDocument(c echo.Context, p domain.Principal) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "docx"
	}
	if format != "docx" && format != "pdf" {
		return domain.Invalid("format", "format là docx hoặc pdf", "format is docx or pdf")
	}
	kind := congressdoc.Kind(c.Param("doc"))
	doc, u, err := s.svc.CongressDocument(c.Request().Context(), p, code, round, kind)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ct := docxType
	if format == "pdf" {
		ct = pdfType
		err = congressdoc.PDF(&buf, doc)
	} else {
		err = congressdoc.DOCX(&buf, doc)
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, download.Attachment(kind.Name().VI+" - "+u.Name+"."+format))
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	return c.Blob(http.StatusOK, ct, buf.Bytes())
}

// handleDocument sends a standard document through the API.
func (s *Server) handleDocument(c echo.Context) error { return s.sendDocument(c, principal(c)) }

// handleDocumentPage sends a standard document from the unit page.
func (s *Server) handleDocumentPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	return s.sendDocument(c, *p)
}

// docLink is a standard document offered on the unit page.
type docLink struct{ Name, DOCX, PDF string }

// documentLinks are the standard documents of the unit with code.
func documentLinks(code, lang string) []docLink {
	out := make([]docLink, 0, len(congressdoc.Kinds))
	for _, k := range congressdoc.Kinds {
		href := "/units/" + code + "/documents/" + string(k.Kind)
		out = append(out, docLink{Name: k.Name.In(lang), DOCX: href + "?format=docx", PDF: href + "?format=pdf"})
	}
	return out
}
