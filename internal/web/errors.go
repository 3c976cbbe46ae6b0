package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// errorBody is the JSON body of every error response:
//
//	{"error":{"code":"invalid","message":"…","message_vi":"…","message_en":"…",
//	  "request_id":"…","fields":[{"field":"name","row":0,"message":"…",…}]}}
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	MessageVI string        `json:"message_vi"`
	MessageEN string        `json:"message_en"`
	RequestID string        `json:"request_id,omitempty"`
	Fields    []fieldDetail `json:"fields,omitempty"`
}

type fieldDetail struct {
	Field     string `json:"field"`
	Row       int    `json:"row"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
	MessageEN string `json:"message_en"`
}

func (d *errorDetail) setMessage(t domain.Text, lang string) {
	d.Message, d.MessageVI, d.MessageEN = t.In(lang), t.VI, t.EN
}

// statusOf maps each domain error code to its HTTP status.
var statusOf = map[domain.ErrorCode]int{
	domain.EInvalid:         http.StatusUnprocessableEntity,
	domain.ENotFound:        http.StatusNotFound,
	domain.EConflict:        http.StatusConflict,
	domain.EUnauthorized:    http.StatusUnauthorized,
	domain.EForbidden:       http.StatusForbidden,
	domain.ETooManyRequests: http.StatusTooManyRequests,
	domain.EUnavailable:     http.StatusServiceUnavailable,
	domain.EInternal:        http.StatusInternalServerError,
}

// retryAfter is the Retry-After of a 503: the database is restarting, or
// busy with more requests than its connections; a few seconds are enough
// to try again.
const retryAfter = "5"

// httpText names the statuses Echo itself answers with, in both languages.
var httpText = map[int]struct {
	code string
	text domain.Text
}{
	http.StatusBadRequest:            {"bad_request", domain.Text{VI: "Yêu cầu không hợp lệ", EN: "Bad request"}},
	http.StatusUnauthorized:          {"unauthorized", domain.Unauthorized().Message},
	http.StatusForbidden:             {"forbidden", domain.Forbidden().Message},
	http.StatusNotFound:              {"not_found", domain.Text{VI: "Không tìm thấy", EN: "Not found"}},
	http.StatusMethodNotAllowed:      {"method_not_allowed", domain.Text{VI: "Phương thức không được hỗ trợ", EN: "Method not allowed"}},
	http.StatusRequestEntityTooLarge: {"too_large", domain.Text{VI: "Dữ liệu gửi lên quá lớn", EN: "Request body too large"}},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", domain.Text{VI: "Kiểu dữ liệu không được hỗ trợ", EN: "Unsupported media type"}},
	http.StatusTooManyRequests:       {"too_many_requests", domain.Text{VI: "Quá nhiều yêu cầu", EN: "Too many requests"}},
	http.StatusServiceUnavailable:    {"unavailable", domain.Text{VI: "Dịch vụ tạm thời không sẵn sàng", EN: "Service unavailable"}},
}

// textInternal is all a client learns about an unexpected error.
var textInternal = domain.Text{
	VI: "Đã xảy ra lỗi hệ thống; vui lòng thử lại sau",
	EN: "Internal server error; please try again later",
}

// lang is the request's language: English when Accept-Language starts with
// "en", Vietnamese otherwise.
func lang(c echo.Context) string { return domain.Lang(c.Request().Header.Get("Accept-Language")) }

// handleError is the server's HTTPErrorHandler, the one place where errors
// become HTTP responses. Domain errors take the status of their code; Echo's
// own errors (unknown route, wrong method, body too large, bad input built by
// this package) keep theirs; anything else is a 500 whose cause is logged
// with the request id and never shown to the client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		s.log.Warn("web: error after the response was sent", "err", err, "request_id", requestID(c))
		return
	}
	status, body := s.errorResponse(err, c)
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if de := domain.AsError(err); de != nil && de.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(de.RetryAfter))
	}
	var werr error
	switch {
	case isHead(c):
		werr = c.NoContent(status)
	case !strings.HasPrefix(c.Request().URL.Path, "/api/"):
		werr = s.errorPage(c, status, s.pageMessage(c, err, body.Error.Message))
	default:
		werr = c.JSON(status, body)
	}
	if werr != nil {
		s.log.Warn("web: write error response", "err", werr, "request_id", requestID(c))
	}
}

func (s *Server) errorResponse(err error, c echo.Context) (int, errorBody) {
	l := lang(c)
	d := errorDetail{RequestID: requestID(c)}
	if de := domain.AsError(err); de != nil && de.Code != domain.EInternal {
		if de.Code == domain.EUnavailable { // the cause is for the log only
			s.log.Warn("web: unavailable", "err", err, "request_id", d.RequestID,
				"method", c.Request().Method, "path", c.Request().URL.Path)
		}
		d.Code = string(de.Code)
		d.setMessage(de.Message, l)
		for _, f := range de.Fields {
			d.Fields = append(d.Fields, fieldDetail{Field: f.Field, Row: f.Row,
				Message: f.Message.In(l), MessageVI: f.Message.VI, MessageEN: f.Message.EN})
		}
		return statusOf[de.Code], errorBody{Error: d}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code < 500 {
		if inner, ok := he.Internal.(*echo.HTTPError); ok {
			he = inner
		}
		known, ok := httpText[he.Code]
		if !ok {
			known.code, known.text = "error", domain.Text{VI: http.StatusText(he.Code), EN: http.StatusText(he.Code)}
		}
		if t, ok := he.Message.(domain.Text); ok {
			known.text = t
		}
		d.Code = known.code
		d.setMessage(known.text, l)
		return he.Code, errorBody{Error: d}
	}
	switch {
	case errors.Is(err, errPanic): // already logged with its stack
	case errors.Is(err, context.Canceled):
		s.log.Info("web: request canceled", "err", err, "request_id", d.RequestID)
	default:
		s.log.Error("web: internal error", "err", err, "request_id", d.RequestID,
			"method", c.Request().Method, "path", c.Request().URL.Path)
	}
	d.Code = string(domain.EInternal)
	d.setMessage(textInternal, l)
	return http.StatusInternalServerError, errorBody{Error: d}
}

// badRequest is a 400 error with a message in both languages.
func badRequest(vi, en string) error {
	return &echo.HTTPError{Code: http.StatusBadRequest, Message: domain.Text{VI: vi, EN: en}}
}

// errorPage renders an error of a page in the page's language: forbidden,
// not found and server errors by their own words, other refusals with the
// error's message. The user is the one the request already knows, or the
// session's, but the database is not asked again when it is unavailable.
func (s *Server) errorPage(c echo.Context, status int, message string) error {
	var u *domain.User
	if p := principal(c); p.User.ID != 0 {
		u = &p.User
	} else if c.Get(ctxSession) != nil && status != http.StatusServiceUnavailable {
		if p, err := s.sessionUser(c); err == nil && p != nil {
			u = &p.User
		}
	}
	switch {
	case status == http.StatusForbidden:
		message = s.text(c, u, "error_forbidden", nil)
	case status == http.StatusNotFound:
		message = s.text(c, u, "error_not_found", nil)
	case status == http.StatusServiceUnavailable:
		message = s.text(c, u, "error_unavailable", nil)
	case status >= 500:
		message = s.text(c, u, "error_internal", nil)
	}
	return s.page(c, status, "error.html", u, struct {
		Status  int
		Message string
	}{status, message})
}
