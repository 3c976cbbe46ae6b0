package web

import (
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
)

// Reading one's own writes. The figures each process keeps in memory (the
// progress cache) and, with read replicas (database.replica_urls), the
// dashboards, reports, exports and search read from a replica, show a
// caller its own writes at once, whichever process made them: every
// request's context tracks its caller (lsn.Caller), with how far the
// caller's earlier writes reached (an lsn.Position: the id of the last
// transaction that wrote and, with replicas, the log position of its
// commit), and the store records there how far the request's own writes
// reach. Between requests, the pages keep that position in the web
// session; API clients get it in the header X-Daihoi-LSN and send it back.
// An API request without the header reads from the primary, and its
// writer's figures are computed afresh only in the process it wrote
// through: a client that does not send it back still reads its own writes
// through one process. A client that has written nothing may send "0/0"
// to be served by any replica within database.replica_max_lag.

// HeaderLSN carries how far the caller's writes reached (lsn.Position):
// on API responses, after a write or when the request sent it; and on API
// requests, sent back by the client.
const HeaderLSN = "X-Daihoi-LSN"

// sessionLSNKey is the web session key holding how far the user's writes
// reached.
const sessionLSNKey = "lsn"

// trackPage tracks the caller of a page, from and to the web session.
// Run it in the session (withSession).
func (s *Server) trackPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		since, _ := lsn.ParsePosition(s.sessions.GetString(req.Context(), sessionLSNKey)) // none yet: nothing to wait for
		ctx, caller := lsn.Track(req.Context(), since)
		c.SetRequest(req.WithContext(ctx))
		c.Response().Before(func() { // before scs saves the session
			if caller.HasCommitted() {
				s.svc.NoteWrite(principal(c))
			}
			if caller.Written().Beyond(since) && s.sessions.Status(ctx) != scs.Destroyed {
				s.sessions.Put(ctx, sessionLSNKey, caller.Latest().String())
			}
		})
		return next(c)
	}
}

// trackAPI tracks the caller of an API request, from and to the header
// HeaderLSN; a request without the header reads from the primary.
func (s *Server) trackAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		sent := strings.TrimSpace(req.Header.Get(HeaderLSN))
		ctx, caller := lsn.TrackOnPrimary(req.Context())
		if sent != "" {
			since, err := lsn.ParsePosition(sent)
			if err != nil {
				return domain.Invalid(HeaderLSN, "Tiêu đề "+HeaderLSN+" phải là vị trí mà máy chủ đã trả về, dạng 16/B374D848@7421",
					"the header "+HeaderLSN+" must be a position the server returned, like 16/B374D848@7421")
			}
			ctx, caller = lsn.Track(req.Context(), since)
		}
		c.SetRequest(req.WithContext(ctx))
		c.Response().Before(func() {
			if caller.HasCommitted() {
				s.svc.NoteWrite(principal(c))
			}
			if at := caller.Latest(); !at.IsZero() || sent != "" {
				c.Response().Header().Set(HeaderLSN, at.String())
			}
		})
		return next(c)
	}
}
