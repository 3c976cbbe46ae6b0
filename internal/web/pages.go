package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
)

// The web pages: server-rendered from templates/ (layout/base.html around
// each of pages/*.html), every string from the message catalogs through the
// template function t, a CSRF token in every form, and a flash message
// carried in the session to the next page.

// Session keys of the pages.
const (
	sessionCSRFKey       = "csrf"
	sessionFlashKey      = "flash"
	sessionFlashErrorKey = "flash_error"
	// langCookie keeps the language chosen before signing in.
	langCookie = "daihoi_lang"
	// ctxSession marks a request whose web session is loaded.
	ctxSession = "daihoi.session"
)

// pageData is what every page template gets.
type pageData struct {
	Lang string
	User *domain.User
	// Admin: the user administers some unit (the admin pages are linked).
	Admin bool
	CSRF  string
	// Flash says what the last form did; FlashError why it was refused.
	Flash, FlashError string
	// Clock is the time by a shifted clock (Options.ShiftedClock), shown in
	// a banner; empty on the real clock.
	Clock string
	Data  any
}

// parsePages parses each page with the layout; the function t is bound to
// the request's language when the page is rendered.
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := make(map[string]*template.Template, len(names))
	for _, n := range names {
		t, err := template.New(path.Base(n)).Funcs(langFuncs(nil, "", nil)).Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }, "domid": domID, "field": fieldOf,
			"list": func(xs ...string) []string { return xs }, "clocktime": domain.ShowClockTime,
			"weekday": weekdayOf, "sessionForm": sessionFormOf, "feedSince": feedSince}).
			ParseFS(fsys, "layout/*.html", "report/*.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		out[path.Base(n)] = t
	}
	return out, nil
}

// pageLang is the language of a page: the signed-in user's, else the one
// chosen with /lang/{code}, else the browser's, else Vietnamese.
func pageLang(c echo.Context, u *domain.User) string {
	if u != nil && u.Lang != "" {
		return i18n.Pick(u.Lang, "")
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		return i18n.Pick(ck.Value, c.Request().Header.Get("Accept-Language"))
	}
	return i18n.Pick("", c.Request().Header.Get("Accept-Language"))
}

// page renders the page template name with data, for the caller of the
// session (nil when signed out).
func (s *Server) page(c echo.Context, status int, name string, u *domain.User, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %s", name)
	}
	ctx := c.Request().Context()
	lang := pageLang(c, u)
	var terr error
	t, err := t.Clone()
	if err != nil {
		return err
	}
	t.Funcs(langFuncs(s.catalog, lang, &terr))
	d := pageData{Lang: lang, User: u, Data: data}
	if s.opts.ShiftedClock {
		d.Clock = s.svc.Clock().Now().In(domain.Location).Format("02/01/2006 15:04")
	}
	if p := principal(c); u != nil && p.User.ID == u.ID {
		d.Admin = p.CanAnywhere(domain.ActAdmin)
	}
	if c.Get(ctxSession) != nil { // pages in the web session; not an error of a static file
		d.CSRF, d.Flash = s.csrfToken(c), s.sessions.PopString(ctx, sessionFlashKey)
		d.FlashError = s.sessions.PopString(ctx, sessionFlashErrorKey)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", d); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	if terr != nil {
		return fmt.Errorf("web: render %s: %w", name, terr)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// text returns message id in the page language of c.
func (s *Server) text(c echo.Context, u *domain.User, id string, kv map[string]any) string {
	out, err := s.catalog.T(pageLang(c, u), id, kv)
	if err != nil {
		return id
	}
	return out
}

// csrfToken returns the session's CSRF token, making one when there is none.
func (s *Server) csrfToken(c echo.Context) string {
	ctx := c.Request().Context()
	if tok := s.sessions.GetString(ctx, sessionCSRFKey); tok != "" {
		return tok
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.sessions.Put(ctx, sessionCSRFKey, tok)
	return tok
}

// csrf refuses a page request that changes something unless it carries the
// session's CSRF token, in the form's body (csrf_token; never in the URL,
// which logs and Referer headers keep) or, from htmx, in the X-CSRF-Token
// header. Every page POST passes here, so this is where its
// form is read (readForm): a body that does not parse is refused before
// anything reads it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !unsafeMethod(c.Request().Method) {
			return next(c)
		}
		if err := readForm(c); err != nil {
			return err
		}
		want := s.sessions.GetString(c.Request().Context(), sessionCSRFKey)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.Request().PostForm.Get("csrf_token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return s.pageError(c, nil, http.StatusForbidden, "csrf_refused")
		}
		return next(c)
	}
}

// pageError renders the error page with message id.
func (s *Server) pageError(c echo.Context, u *domain.User, status int, id string) error {
	return s.page(c, status, "error.html", u, struct {
		Status  int
		Message string
	}{status, s.text(c, u, id, nil)})
}

// flash keeps a message for the next page of the session.
func (s *Server) flash(c echo.Context, msg string) {
	s.sessions.Put(c.Request().Context(), sessionFlashKey, msg)
}

// flashError keeps for the next page of the session why a form was
// refused: shown as an error, never as a success.
func (s *Server) flashError(c echo.Context, msg string) {
	s.sessions.Put(c.Request().Context(), sessionFlashErrorKey, msg)
}

// sessionUser returns the signed-in user of the session, or nil.
func (s *Server) sessionUser(c echo.Context) (*domain.Principal, error) {
	ctx := c.Request().Context()
	id := s.sessions.GetInt64(ctx, sessionUserKey)
	if id == 0 {
		return nil, nil
	}
	p, err := s.svc.Principal(ctx, id, s.sessions.GetInt64(ctx, sessionEpochKey))
	if domain.IsCode(err, domain.EUnauthorized) {
		return nil, nil // deactivated or password changed meanwhile: signed out
	}
	if err != nil {
		return nil, err
	}
	c.Set(ctxPrincipal, p) // for the access log
	return &p, nil
}

// handleLang keeps the language chosen before signing in (a cookie) and
// goes back to the page it came from. Signed in, the language is saved
// with a form (handleLangSubmit), which this link does not replace.
func (s *Server) handleLang(c echo.Context) error {
	s.setLangCookie(c, i18n.Pick(c.Param("lang"), ""))
	return c.Redirect(http.StatusSeeOther, backTo(c, "/"))
}

// setLangCookie keeps lang for the pages of a visitor not signed in.
func (s *Server) setLangCookie(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.opts.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// backTo is the page a request came from: the form's back field, else the
// Referer's path, when either is a path of this site (never an open
// redirect); fallback otherwise.
func backTo(c echo.Context, fallback string) string {
	if b := c.FormValue("back"); b != "" {
		return localPath(b, fallback)
	}
	if ref, err := url.Parse(c.Request().Referer()); err == nil {
		return localPath(ref.Path, fallback)
	}
	return fallback
}

// staticHandler serves templates/static: the vendored scripts carry their
// version in their names and are cached for a year, the rest for an hour.
func staticHandler(fsys fs.FS) (echo.HandlerFunc, error) {
	sub, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		age := time.Hour
		if strings.HasPrefix(c.Request().URL.Path, "/static/vendor/") {
			age = 365 * 24 * time.Hour
		}
		c.Response().Header().Set(echo.HeaderCacheControl, fmt.Sprintf("public, max-age=%d", int(age.Seconds())))
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}, nil
}

// afterAction ends a page form that changes something and goes back to the
// page at back: done (the change was made) or the refusal of the change, in
// the user's language, shown there as a flash; refusals of kinds in also
// (besides invalid and conflict) too. Anything else (not found, forbidden,
// a failure) is returned, for its own page.
func (s *Server) afterAction(c echo.Context, u *domain.User, err error, done, back string, also ...domain.ErrorCode) error {
	de := domain.AsError(err)
	switch {
	case err == nil:
		s.flash(c, done)
	case de != nil && (de.Code == domain.EInvalid || de.Code == domain.EConflict || slices.Contains(also, de.Code)):
		lang := pageLang(c, u)
		msgs := []string{de.Message.In(lang)}
		for _, f := range de.Fields {
			msgs = append(msgs, f.Message.In(lang))
		}
		s.flashError(c, strings.Join(msgs, " — "))
	default:
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// domID turns a unit code into an element id usable in a CSS selector
// ("u-HN-HBT-A-1" for HN.HBT.A.1): htmx finds the card to swap by it.
func domID(code string) string {
	return "u-" + strings.NewReplacer(".", "-", "_", "-").Replace(code)
}
