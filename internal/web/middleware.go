package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// ctxPrincipal is the echo context key of the authenticated caller.
const ctxPrincipal = "daihoi.principal"

// principal returns the caller put in the context by authenticate; the zero
// (anonymous) Principal may do nothing.
func principal(c echo.Context) domain.Principal {
	p, _ := c.Get(ctxPrincipal).(domain.Principal)
	return p
}

// requestID returns the id the RequestID middleware gave the request.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// accessLog writes one structured log line per request. Errors are handed to
// the error handler here, so that the line carries the final status.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		switch {
		case res.Status == http.StatusServiceUnavailable: // the cause is logged as a warning
			level = slog.LevelWarn
		case res.Status >= 500:
			level = slog.LevelError
		}
		s.log.LogAttrs(req.Context(), level, "http request",
			slog.String("method", req.Method),
			slog.String("path", loggedPath(req.URL.Path)),
			slog.Int("status", res.Status),
			slog.Duration("latency", time.Since(start)),
			slog.Int64("bytes", res.Size),
			slog.String("request_id", requestID(c)),
			slog.String("user", principal(c).User.Username),
			slog.String("client", clientAddr(c)),
		)
		return nil
	}
}

// loggedPath is the path as the access log keeps it: a calendar feed's
// secret token is left out (the path is the key to the feed).
func loggedPath(p string) string {
	if strings.HasPrefix(p, "/calendar/") {
		return "/calendar/…"
	}
	return p
}

// HeaderClock carries the time by the server's clock on every response of a
// server whose clock is shifted (Options.ShiftedClock), RFC 3339.
const HeaderClock = "X-Daihoi-Clock"

// clockHeader tells API clients (and pages) that the server's clock is not
// the real one: what it reads, in the header HeaderClock.
func (s *Server) clockHeader(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(HeaderClock, s.svc.Clock().Now().In(domain.Location).Format(time.RFC3339))
		return next(c)
	}
}

// recoverPanic turns a panic in a handler into a 500 error: the panic and its
// stack go to the log, the client gets the generic JSON error only.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r) // the server aborts the response on purpose
			}
			s.log.Error("web: panic", "request_id", requestID(c), "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			err = errPanic
		}()
		return next(c)
	}
}

// errPanic is what a recovered panic becomes; handleError logs nothing more.
var errPanic = errors.New("web: recovered from a panic")

// withSession loads the web session before the handler and saves it (and
// writes its cookie) before the response, with scs's LoadAndSave. Errors of
// the handler are rendered inside, so that the session is saved first.
func (s *Server) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		orig := res.Writer
		defer func() { res.Writer = orig }()
		call := &sessionCall{c: c}
		req := c.Request()
		s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			call.loaded = true
			c.SetRequest(r)
			c.Set(ctxSession, true)
			res.Writer = w
			if err := next(c); err != nil {
				c.Error(err)
			}
		})).ServeHTTP(orig, req.WithContext(context.WithValue(req.Context(), sessionCallKey{}, call)))
		return nil
	}
}

// sessionCall is a request in withSession, for sessionError.
type sessionCall struct {
	c      echo.Context
	loaded bool // the session was loaded and the handler called
}

type sessionCallKey struct{}

// sessionError is scs's error callback. A session that cannot be loaded is
// answered like any error (503 when the database is unavailable). One that
// cannot be saved is only logged: scs calls this as the handler's response
// starts, which then goes out as it is, without the session's change.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	call, _ := r.Context().Value(sessionCallKey{}).(*sessionCall)
	if call != nil && !call.loaded {
		s.handleError(fmt.Errorf("web: load session: %w", err), call.c)
		return
	}
	level := slog.LevelError
	if domain.IsCode(err, domain.EUnavailable) {
		level = slog.LevelWarn
	}
	s.log.Log(r.Context(), level, "web: session not saved", "err", err, "request_id", w.Header().Get(echo.HeaderXRequestID))
}

// authenticate admits API requests carrying "Authorization: Bearer TOKEN"
// or a web session holding a user id, and puts the caller in the context.
// Anything else is 401. A bearer header that is present decides alone: an
// invalid token is refused even when a session cookie is sent as well.
//
// Requests that change data with session credentials must carry the header
// X-Requested-With (or htmx's HX-Request): browsers do not send custom
// headers cross-site without a CORS preflight, which this server never
// grants, so this blocks cross-site request forgery.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			token, ok := bearer(h)
			if !ok {
				return domain.Unauthorized()
			}
			p, err := s.svc.Authenticate(ctx, token)
			if err != nil {
				return err
			}
			c.Set(ctxPrincipal, p)
			return next(c)
		}
		ck, err := c.Cookie(SessionCookie)
		if err != nil || ck.Value == "" {
			return domain.Unauthorized()
		}
		sctx, err := s.sessions.Load(ctx, ck.Value)
		if err != nil {
			return fmt.Errorf("web: load session: %w", err)
		}
		id := s.sessions.GetInt64(sctx, sessionUserKey)
		if id == 0 {
			return domain.Unauthorized()
		}
		p, err := s.svc.Principal(sctx, id, s.sessions.GetInt64(sctx, sessionEpochKey))
		if err != nil {
			return err
		}
		c.SetRequest(c.Request().WithContext(sctx))
		c.Set(ctxPrincipal, p)
		if unsafeMethod(c.Request().Method) && c.Request().Header.Get("X-Requested-With") == "" &&
			c.Request().Header.Get("HX-Request") == "" {
			return domain.Forbidden()
		}
		return next(c)
	}
}

// bearer extracts the token of an "Authorization: Bearer TOKEN" header.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func unsafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}
