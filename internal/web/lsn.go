package web

import (
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
)

// Reading one's own writes. With read replicas (database.replica_urls),
// the dashboards, reports, exports and search may be read from a replica,
// which the store picks only once it has replayed the caller's writes:
// every request's context tracks its caller (lsn.Caller), with how far in
// the database's log the caller's earlier writes reached, and the store
// records there how far the request's own writes reach. Between requests,
// the pages keep that position in the web session; API clients get it in
// the header X-Daihoi-LSN and send it back. An API request without the
// header reads from the primary: a client that does not send it back (any
// client written before replicas) still reads its own writes. A client
// that has written nothing may send "0/0" to be served by any replica
// within database.replica_max_lag.

// HeaderLSN carries how far in the database's log the caller's writes
// reached: on API responses, after a write or when the request sent it;
// and on API requests, sent back by the client.
const HeaderLSN = "X-Daihoi-LSN"

// sessionLSNKey is the web session key holding how far the user's writes
// reached.
const sessionLSNKey = "lsn"

// trackPage tracks the caller of a page, from and to the web session.
// Run it in the session (withSession).
func (s *Server) trackPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		since, _ := lsn.Parse(s.sessions.GetString(req.Context(), sessionLSNKey)) // none yet: nothing to wait for
		ctx, caller := lsn.Track(req.Context(), since)
		c.SetRequest(req.WithContext(ctx))
		c.Response().Before(func() { // before scs saves the session
			if caller.HasCommitted() {
				s.svc.NoteWrite(principal(c))
			}
			if w := caller.Written(); w > since && s.sessions.Status(ctx) != scs.Destroyed {
				s.sessions.Put(ctx, sessionLSNKey, w.String())
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
			since, err := lsn.Parse(sent)
			if err != nil {
				return domain.Invalid(HeaderLSN, "Tiêu đề "+HeaderLSN+" phải là vị trí nhật ký mà máy chủ đã trả về, dạng 16/B374D848",
					"the header "+HeaderLSN+" must be a log position the server returned, like 16/B374D848")
			}
			ctx, caller = lsn.Track(req.Context(), since)
		}
		c.SetRequest(req.WithContext(ctx))
		c.Response().Before(func() {
			if caller.HasCommitted() {
				s.svc.NoteWrite(principal(c))
			}
			if at := caller.Latest(); at > 0 || sent != "" {
				c.Response().Header().Set(HeaderLSN, at.String())
			}
		})
		return next(c)
	}
}
