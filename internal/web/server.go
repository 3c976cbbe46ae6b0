// Package web is daihoi's HTTP layer: one Echo server that serves the HTML
// pages and the JSON API under /api/v1 over the same core services.
//
// Every route is listed in routes.go. Errors from every layer reach one
// place, the server's HTTP error handler (errors.go), which maps the typed
// domain errors to HTTP statuses and a JSON body in the caller's language.
// API callers authenticate with a bearer token (POST /api/v1/login) or with
// the web session (alexedwards/scs, kept by the store) that the web UI opens.
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/gommon/bytes"
	"golang.org/x/sync/singleflight"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/internal/unitfile"
	"github.com/daihoi/daihoi/templates"
)

// Options tunes the HTTP server. Zero values take the defaults of
// configs/daihoi.yaml.
type Options struct {
	// Addr is the address to listen on, e.g. ":8080".
	Addr string
	// BaseURL is the public URL of the server, used in Location headers.
	BaseURL string
	// BodyLimit is the largest request body accepted, in Echo size syntax ("4M").
	BodyLimit string
	// ReadTimeout and WriteTimeout bound reading a request and writing a response.
	ReadTimeout, WriteTimeout time.Duration
	// SessionLifetime is the absolute lifetime of a web session;
	// SessionIdleTimeout ends a session unused for that long.
	SessionLifetime, SessionIdleTimeout time.Duration
	// CookieSecure sends the session cookie over HTTPS only.
	CookieSecure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For tells
	// the client address (see ipExtractor); none: the connection's peer.
	TrustedProxies []*net.IPNet
	// ShiftedClock tells that the services' clock is not the real one (a
	// trial server's clock.start, the demo's date): every page shows it in
	// a banner, every response in the header X-Daihoi-Clock.
	ShiftedClock bool
	// Instrument, when set, runs around every request before any other
	// middleware (the metrics: it sees the route and the final status).
	Instrument echo.MiddlewareFunc
	// Import bounds a unit file imported on the import page (its size is
	// bounded by BodyLimit): zero fields take DefaultImportMaxRows and
	// DefaultImportMaxUnpacked.
	Import unitfile.Limits
}

// Defaults of Options, the same as in configs/daihoi.yaml.
const (
	DefaultAddr               = ":8080"
	DefaultBodyLimit          = "4M"
	DefaultReadTimeout        = 30 * time.Second
	DefaultWriteTimeout       = 60 * time.Second
	DefaultSessionLifetime    = 12 * time.Hour
	DefaultSessionIdleTimeout = 2 * time.Hour
	// DefaultImportMaxRows is a city's tree (Hanoi: some 23,000 units)
	// twice over; DefaultImportMaxUnpacked takes it as XLSX with room.
	DefaultImportMaxRows     = 50_000
	DefaultImportMaxUnpacked = 32 << 20
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "daihoi_session"

// sessionUserKey is the session key holding the signed-in user's id, and
// sessionEpochKey the user's session epoch when they signed in (see
// domain.User.SessionEpoch).
const (
	sessionUserKey  = "user_id"
	sessionEpochKey = "epoch"
)

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.BodyLimit == "" {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.SessionLifetime <= 0 {
		o.SessionLifetime = DefaultSessionLifetime
	}
	if o.Import.MaxRows <= 0 {
		o.Import.MaxRows = DefaultImportMaxRows
	}
	if o.Import.MaxUnpacked <= 0 {
		o.Import.MaxUnpacked = DefaultImportMaxUnpacked
	}
	if o.SessionIdleTimeout < 0 {
		o.SessionIdleTimeout = 0
	} else if o.SessionIdleTimeout == 0 {
		o.SessionIdleTimeout = DefaultSessionIdleTimeout
	}
	return o
}

// Server is daihoi's HTTP server: the Echo instance, the services it calls,
// the web sessions and the logger. Build it with New, serve it with Start
// (or mount Handler), stop it with Shutdown.
type Server struct {
	echo     *echo.Echo
	svc      *core.Service
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	catalog  *i18n.Catalog
	static   echo.HandlerFunc
	opts     Options
	// bodyLimit is opts.BodyLimit in bytes.
	bodyLimit int64
	log       *slog.Logger
	http      *http.Server
	// rendered keeps the JSON of cached progress figures (progressjson.go).
	rendered renderedCache
	// readyFlight shares one readiness check among the probes that come
	// while it runs; readyCheck replaces the services' Ready in tests.
	readyFlight singleflight.Group
	readyCheck  func(context.Context) error
}

// New builds the server and registers every route. The web sessions live
// in svc's store (table sessions).
func New(svc *core.Service, opts Options, log *slog.Logger) (*Server, error) {
	if svc == nil {
		return nil, errors.New("web: a service is required")
	}
	if log == nil {
		log = slog.Default()
	}
	opts = opts.withDefaults()
	bodyLimit, err := bytes.Parse(opts.BodyLimit)
	if err != nil {
		return nil, fmt.Errorf("web: body limit %q: %w", opts.BodyLimit, err)
	}
	pages, err := parsePages(templates.FS)
	if err != nil {
		return nil, err
	}
	catalog, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	static, err := staticHandler(templates.FS)
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, opts: opts, bodyLimit: bodyLimit, log: log, pages: pages, catalog: catalog, static: static}

	// Expired sessions are never served (Find filters on expiry); deleting
	// their rows is a scheduled job's work, like expired API tokens.
	s.sessions = scs.New()
	s.sessions.Store = svc.Sessions()
	s.sessions.Lifetime = opts.SessionLifetime
	s.sessions.IdleTimeout = opts.SessionIdleTimeout
	s.sessions.Cookie.Name = SessionCookie
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = opts.CookieSecure
	s.sessions.Cookie.Path = "/"
	s.sessions.ErrorFunc = s.sessionError

	s.echo = echo.New()
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.IPExtractor = ipExtractor(opts.TrustedProxies)
	s.routes()

	s.http = &http.Server{
		Addr:              opts.Addr,
		Handler:           s.echo,
		ReadTimeout:       opts.ReadTimeout,
		ReadHeaderTimeout: opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       2 * opts.ReadTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler returns the server's HTTP handler, for tests and for mounting
// behind another server.
func (s *Server) Handler() http.Handler { return s.echo }

// Start listens on Options.Addr and serves until Shutdown; it returns nil
// after a clean shutdown and the listener's error otherwise.
func (s *Server) Start() error {
	l, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	return s.Serve(l)
}

// Serve serves on l, a listener opened before (so that an address taken
// is told before the migrations and the demo run), until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.log.Info("web: listening", "addr", l.Addr().String(), "base_url", s.opts.BaseURL)
	if err := s.http.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends. The server starts no goroutine of its own, so nothing
// else is left to stop. It does not close the database, which belongs to the caller.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return nil
}
