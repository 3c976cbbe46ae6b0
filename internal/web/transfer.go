package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// A file sent or fetched (a paper of 20 MB, a unit file) over a slow mobile
// link takes longer than the server's read and write timeouts allow any
// request. Those transfers get deadlines of their own, from their size at
// slowLink bytes a second: never shorter than the server's timeouts, never
// longer than maxTransfer.
const (
	slowLink    = 32 << 10 // bytes a second
	maxTransfer = 30 * time.Minute
)

// transferTime is the time size bytes take at slowLink, within floor and
// maxTransfer.
func transferTime(size int64, floor time.Duration) time.Duration {
	d := time.Duration(size/slowLink+1) * time.Second
	return min(max(d, floor), maxTransfer)
}

// allowRead gives the request of c until its body of at most size bytes
// can have come at slowLink.
func (s *Server) allowRead(c echo.Context, size int64) {
	rc := http.NewResponseController(c.Response())
	if err := rc.SetReadDeadline(time.Now().Add(transferTime(size, s.opts.ReadTimeout))); err != nil {
		s.log.Debug("web: read deadline not extended", "err", err)
	}
}

// allowWrite gives the response of c until size bytes can have gone at
// slowLink.
func (s *Server) allowWrite(c echo.Context, size int64) {
	rc := http.NewResponseController(c.Response())
	if err := rc.SetWriteDeadline(time.Now().Add(transferTime(size, s.opts.WriteTimeout))); err != nil {
		s.log.Debug("web: write deadline not extended", "err", err)
	}
}
