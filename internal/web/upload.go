package web

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// Uploads (a unit file on the import page, the papers of a congress) have
// limits of their own in place of the body limit of every other request:
// the routes of uploadRoutes skip the body limit middleware (isUpload), and
// upload reads their multipart body within their own limit before
// anything else reads it (the CSRF check included).

// uploadMemory is how much of an upload is kept in memory (the rest goes
// to a temporary file, removed when the request ends); the body limit is
// usually below it. Papers keep less (paperUploadMemory): a larger file
// goes to disk, held once.
const (
	uploadMemory      = 8 << 20
	paperUploadMemory = 1 << 20
	// uploadOverhead is what a multipart body carries beside its file: the
	// other fields, the boundaries and the parts' headers.
	uploadOverhead = 64 << 10
)

// uploadRoutes are the routes (method and path) whose body upload bounds.
var uploadRoutes = map[Route]bool{
	{http.MethodPost, "/admin/import"}:              true,
	{http.MethodPost, "/units/:code/papers"}:        true,
	{http.MethodPost, "/api/v1/units/:code/papers"}: true,
}

// isUpload tells an upload, which upload bounds in place of the body limit
// middleware.
func isUpload(c echo.Context) bool {
	return uploadRoutes[Route{c.Request().Method, c.Path()}]
}

// upload reads a multipart body within limit(), keeping memory bytes of
// its files in memory. A body too large (announced, or found reading it)
// is answered by tooLarge for the signed-in user (pages) or the caller
// (API), who is asked to sign in first when there is none; a body that does
// not parse is a bad request. Any other content type is left for the
// handler (or the CSRF check) to refuse.
func (s *Server) upload(limit func() int64, memory int64, tooLarge func(c echo.Context, p *domain.Principal, limit int64) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			max := limit()
			big := r.ContentLength > max
			// Only a multipart body is read here; any other is readForm's to
			// refuse (a body parsed once reads as an empty form after).
			if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); !big && mt == echo.MIMEMultipartForm {
				s.allowRead(c, max)
				r.Body = http.MaxBytesReader(c.Response(), r.Body, max)
				var mbe *http.MaxBytesError
				err := r.ParseMultipartForm(memory)
				big = errors.As(err, &mbe)
				var ne net.Error
				switch {
				case err != nil && errors.As(err, &ne) && ne.Timeout():
					s.log.Warn("web: upload cut off, too slow", "err", err, "request_id", requestID(c))
					min := int(transferTime(max, s.opts.ReadTimeout).Minutes() + 0.5)
					return &echo.HTTPError{Code: http.StatusRequestTimeout, Message: domain.Text{
						VI: fmt.Sprintf("Tệp gửi lên quá chậm nên bị ngắt sau khoảng %d phút; hãy gửi lại khi đường truyền tốt hơn", min),
						EN: fmt.Sprintf("the upload was too slow and was cut off after about %d minutes; send it again on a better connection", min)}}
				case err != nil && !big:
					s.log.Warn("web: upload not read", "err", err, "request_id", requestID(c))
					return badRequest("Dữ liệu biểu mẫu không đọc được", "the form data could not be read")
				}
			}
			if !big {
				return next(c)
			}
			if p := principal(c); p.User.ID != 0 || p.System {
				return tooLarge(c, &p, max)
			}
			p, err := s.sessionUser(c)
			if err != nil || p == nil {
				return s.signInFirst(c, err)
			}
			return tooLarge(c, p, max)
		}
	}
}
