package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
)

// The papers of a congress through the API: listed, attached (multipart:
// kind, paper_id, file), downloaded, deleted with a reason; the congresses
// below a unit still missing papers; the papers a round requires.

// paperLimit is the largest body of a paper's upload.
func (s *Server) paperLimit() int64 { return s.svc.PaperMaxSize() + uploadOverhead }

// paperUploadAPI reads an upload of a paper within the paper's limit; a
// file too large is answered 413 naming the limit.
func (s *Server) paperUploadAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return s.upload(s.paperLimit, paperUploadMemory, func(c echo.Context, _ *domain.Principal, _ int64) error {
		return &echo.HTTPError{Code: http.StatusRequestEntityTooLarge, Message: core.TooLargeError(s.svc.PaperMaxSize()).(*domain.Error).Fields[0].Message}
	})(next)
}

// paperIDParam reads :id; anything but a positive number is not found.
func paperIDParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound(domain.PaperText, domain.ShowText(c.Param("id"), 20))
	}
	return id, nil
}

// paperPath reads the :code and :id of a paper's path.
func paperPath(c echo.Context) (string, int64, error) {
	code, err := codeParam(c)
	if err != nil {
		return "", 0, err
	}
	id, err := paperIDParam(c)
	return code, id, err
}

// versionQuery reads ?version= (absent: 0, the newest).
func versionQuery(c echo.Context) (int, error) {
	raw := c.QueryParam("version")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return 0, domain.Invalid("version", "version phải là số thứ tự của phiên bản", "version must be the number of a version")
	}
	return n, nil
}

// attachFromForm attaches the file of a multipart form (fields kind,
// paper_id, file) to the congress of code as p.
func (s *Server) attachFromForm(c echo.Context, p domain.Principal, code string, round int64) (domain.Paper, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return domain.Paper{}, domain.Invalid("file", "Chưa chọn tệp", "no file was sent (field file)")
	}
	in := domain.PaperUpload{Kind: c.FormValue("kind"), FileName: fh.Filename}
	if raw := strings.TrimSpace(c.FormValue("paper_id")); raw != "" {
		if in.PaperID, err = strconv.ParseInt(raw, 10, 64); err != nil || in.PaperID <= 0 {
			return domain.Paper{}, domain.Invalid("paper_id", "Mã văn bản không hợp lệ", "invalid paper id")
		}
	}
	f, err := fh.Open()
	if err != nil {
		return domain.Paper{}, err
	}
	defer f.Close()
	return s.svc.AttachPaper(c.Request().Context(), p, code, round, in, f, fh.Size)
}

// sendPaper streams a version of a paper as a download, named as stored,
// with its type, size and SHA-256 (ETag).
func (s *Server) sendPaper(c echo.Context, d core.PaperDownload) error {
	s.allowWrite(c, d.Version.Size)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, d.Version.ContentType)
	h.Set(echo.HeaderContentLength, strconv.FormatInt(d.Version.Size, 10))
	h.Set(echo.HeaderContentDisposition, download.Attachment(d.Version.FileName))
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	h.Set("ETag", `"`+d.Version.SHA256+`"`)
	h.Set("Digest", "sha-256="+d.Version.SHA256)
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	if err := d.Write(c.Response()); err != nil {
		// The status is sent: the client sees a short body (Content-Length);
		// the log says the download was cut.
		s.log.Warn("web: paper download cut off", "err", err, "size", d.Version.Size, "request_id", requestID(c))
	}
	return nil
}

// handlePapers lists the papers of a unit's congress.
func (s *Server) handlePapers(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	ps, err := s.svc.Papers(c.Request().Context(), principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ps)
}

// handleAttachPaper attaches a file to a unit's congress.
func (s *Server) handleAttachPaper(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	if mt := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(mt, echo.MIMEMultipartForm) {
		return &echo.HTTPError{Code: http.StatusUnsupportedMediaType, Message: domain.Text{
			VI: "Tệp gửi lên dạng multipart/form-data (các trường kind, paper_id, file)",
			EN: "a paper is sent as multipart/form-data (fields kind, paper_id, file)"}}
	}
	p, err := s.attachFromForm(c, principal(c), code, round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

// handlePaperFile downloads a version of a paper (?version=, the newest by default).
func (s *Server) handlePaperFile(c echo.Context) error {
	code, id, err := paperPath(c)
	if err != nil {
		return err
	}
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	n, err := versionQuery(c)
	if err != nil {
		return err
	}
	d, err := s.svc.PaperFile(c.Request().Context(), principal(c), code, round, id, n)
	if err != nil {
		return err
	}
	return s.sendPaper(c, d)
}

type deletePaperRequest struct {
	Reason string `json:"reason" input:"required"`
}

// handleDeletePaper deletes a paper with a reason.
func (s *Server) handleDeletePaper(c echo.Context) error {
	code, id, err := paperPath(c)
	if err != nil {
		return err
	}
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	var in deletePaperRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.svc.DeletePaper(c.Request().Context(), principal(c), code, round, id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// handleMissingPapers lists the held congresses below a unit missing papers.
func (s *Server) handleMissingPapers(c echo.Context) error {
	code, round, err := codeAndRound(c)
	if err != nil {
		return err
	}
	m, total, err := s.svc.MissingPapers(c.Request().Context(), principal(c), code, round, 0)
	if err != nil {
		return err
	}
	// The list holds at most core.MaxMissingPapers; the header says how
	// many there are.
	c.Response().Header().Set("X-Total-Count", strconv.Itoa(total))
	return c.JSON(http.StatusOK, m)
}

// handleRequiredPapers lists the papers each unit kind must send in a round.
func (s *Server) handleRequiredPapers(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	r, err := s.svc.RequiredPapers(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// handleSetRequiredPapers sets the papers a unit kind must send in a round.
func (s *Server) handleSetRequiredPapers(c echo.Context) error {
	id, err := roundPathID(c)
	if err != nil {
		return err
	}
	var in domain.RequiredPapersInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.svc.SetRequiredPapers(c.Request().Context(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
