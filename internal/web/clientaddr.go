package web

import (
	"net"
	"strings"

	"github.com/labstack/echo/v4"
)

// ipExtractor is how the server finds the client address of a request: the
// peer of the connection, unless that peer is one of the trusted proxies;
// then the nearest address in X-Forwarded-For that is not a trusted proxy.
// Without trusted proxies X-Forwarded-For is ignored: anyone can write it,
// and an address taken from it would let a client dodge the per-address
// sign-in throttle. Echo's own defaults (its RealIP without an extractor,
// or its XFF extractor trusting every private range) would trust it.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// clientAddr is the address the request came from (see ipExtractor).
func clientAddr(c echo.Context) string {
	if ip := c.RealIP(); ip != "" {
		return ip
	}
	return strings.TrimSpace(c.Request().RemoteAddr)
}
