package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The doors of request input besides JSON bodies (decodeJSON): path
// parameters and query strings of every route (checkRequestText), the body
// of every page form (readForm, from the CSRF check that every page POST
// passes), and HEAD (headAsGet). Each text goes through domain.CleanText,
// the one rule of what a text may hold.

// maxFormMemory is what a multipart form keeps in memory; the rest of its
// files spill to temporary files (the body limit bounds the whole).
const maxFormMemory = 8 << 20

// secretFields are the form fields that hold passwords: refused when
// broken like any text, but never trimmed or normalised.
var secretFields = map[string]bool{"password": true, "current": true, "new": true, "confirm": true}

// readForm parses the body of a page form, once, before anything reads it:
// URL-encoded or multipart, or no body at all. Another content type is a
// 415, a body that does not parse a 400, and a field that is not a sound
// text (NUL, invalid UTF-8, control characters) a 422 naming it; nothing is
// written then. The values are left cleaned (NFC, trimmed) for the handler.
func readForm(c echo.Context) error {
	req := c.Request()
	ct, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	var err error
	switch {
	case ct == echo.MIMEMultipartForm:
		err = req.ParseMultipartForm(maxFormMemory)
	case ct == echo.MIMEApplicationForm, ct == "" && req.ContentLength == 0:
		err = req.ParseForm()
	default:
		return &echo.HTTPError{Code: http.StatusUnsupportedMediaType, Message: domain.Text{
			VI: "Biểu mẫu phải gửi dạng application/x-www-form-urlencoded hoặc multipart/form-data",
			EN: "a form is sent as application/x-www-form-urlencoded or multipart/form-data"}}
	}
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) { // the body limit
			return he
		}
		return badRequest("Dữ liệu biểu mẫu không đọc được", "the form data could not be read")
	}
	var v domain.Validation
	cleanValues(req.Form, &v)
	if err := v.Err(); err != nil {
		return err
	}
	cleanValues(req.PostForm, nil)
	if req.MultipartForm != nil {
		cleanValues(req.MultipartForm.Value, nil)
	}
	return nil
}

// cleanValues cleans every value of vals in place (domain.CleanText, one
// line but for reasons and notes, passwords kept as typed), adding a field
// error to v, when not nil, for each field that is not a sound text.
func cleanValues(vals url.Values, v *domain.Validation) {
	var scratch domain.Validation
	if v == nil {
		v = &scratch
	}
	for k, vs := range vals {
		if _, ok := domain.CleanText(k, domain.OneLine); !ok {
			domain.CheckText(v, 0, domain.ShowText(k, 40), k, domain.OneLine)
			continue
		}
		kind := domain.MultiLine
		if secretFields[k] {
			kind = domain.Secret
		}
		for i := range vs {
			vs[i] = domain.CheckText(v, 0, k, vs[i], kind)
		}
	}
}

// checkRequestText refuses, before any handler, a path parameter that is not
// a sound text on one line (a 404: no such thing can exist) and a query string that does
// not parse (400), holds a value that is not a sound text or gives a
// parameter twice (422 naming the parameter). The query's values are left
// cleaned (NFC, trimmed).
func checkRequestText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, p := range c.ParamValues() {
			// No line break or tab either: a path segment is one word.
			if _, ok := domain.CleanText(p, domain.OneLine); !ok || strings.ContainsAny(p, "\t\n\r") {
				return domain.NotFound(domain.Text{VI: "trang", EN: "page"}, domain.ShowText(p, 64))
			}
		}
		req := c.Request()
		if req.URL.RawQuery == "" {
			return next(c)
		}
		q, err := url.ParseQuery(req.URL.RawQuery)
		if err != nil {
			return badRequest("Tham số truy vấn không đọc được", "the query string could not be read")
		}
		var v domain.Validation
		for k, vals := range q {
			// Every handler reads one value of a parameter: a second one
			// would be dropped without a word.
			if len(vals) > 1 {
				v.Add(domain.ShowText(k, 40), fmt.Sprintf("Tham số %s có %d giá trị; chỉ được một", domain.ShowText(k, 40), len(vals)),
					fmt.Sprintf("the parameter %s is given %d times; give it once", domain.ShowText(k, 40), len(vals)))
			}
		}
		cleanValues(q, &v)
		if err := v.Err(); err != nil {
			return err
		}
		req.URL.RawQuery = q.Encode()
		return next(c)
	}
}

// ctxHead marks a HEAD request routed as a GET.
const ctxHead = "daihoi.head"

// headAsGet answers HEAD wherever GET is answered, once for every route: it
// runs before routing (Echo's Pre) and lets the router find the GET route;
// headAgain makes it a HEAD again before anything else runs, so that
// net/http sends the headers without the body.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if req := c.Request(); req.Method == http.MethodHead {
			req.Method = http.MethodGet
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

// headAgain turns a request that headAsGet routed as a GET back into the
// HEAD it came as; it is the first middleware after routing.
func headAgain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(ctxHead) != nil {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// isHead reports whether the request came as a HEAD.
func isHead(c echo.Context) bool { return c.Request().Method == http.MethodHead }

// pageMessage is the message of a page request refused for its input, in
// the page's language, with each field it names; fallback for other errors.
func (s *Server) pageMessage(c echo.Context, err error, fallback string) string {
	var msg domain.Text
	var fields []domain.FieldError
	var he *echo.HTTPError
	switch de := domain.AsError(err); {
	case de != nil && de.Code == domain.EInvalid:
		msg, fields = de.Message, de.Fields
	case errors.As(err, &he) && he.Code < 500:
		t, ok := he.Message.(domain.Text)
		if !ok {
			return fallback
		}
		msg = t
	default:
		return fallback
	}
	var u *domain.User
	if c.Get(ctxSession) != nil {
		if p, err := s.sessionUser(c); err == nil && p != nil {
			u = &p.User
		}
	}
	lang := pageLang(c, u)
	parts := []string{msg.In(lang)}
	for _, f := range fields {
		parts = append(parts, f.Field+": "+f.Message.In(lang))
	}
	return strings.Join(parts, " — ")
}

// formBool reads the yes-or-no field of a page form: "true" or "false",
// anything else (or nothing) refused naming the field, so that a mistyped
// or missing value never takes the more drastic of the two.
func formBool(c echo.Context, field string) (bool, error) {
	switch c.Request().PostForm.Get(field) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, domain.Invalid(field, "Giá trị phải là true hoặc false", "must be true or false")
}

// checkbox reads the value a checkbox named field sent: nothing when it is
// not ticked, its value ("1" on daihoi's forms; "on" from a box without a
// value; "true") when it is. Any other value is refused naming the field,
// rather than read as unticked.
func checkbox(field, value string) (bool, error) {
	switch strings.TrimSpace(value) {
	case "1", "on", "true":
		return true, nil
	case "", "0", "off", "false":
		return false, nil
	}
	return false, domain.Invalid(field, "Ô đánh dấu chỉ nhận 1 (đã đánh dấu) hoặc để trống", "a checkbox takes 1 (ticked) or nothing")
}

// formCheckbox is checkbox for the field of c's form.
func formCheckbox(c echo.Context, field string) (bool, error) {
	return checkbox(field, c.FormValue(field))
}
