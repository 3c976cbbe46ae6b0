package web

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// signInFrom posts a sign-in to the API from the connection's peer remote,
// with X-Forwarded-For xff when not empty, and returns the status.
func (f *fixture) signInFrom(remote, xff, username, password string) int {
	f.t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remote
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return f.serve(req).Code
}

func cidrs(t *testing.T, ss ...string) []*net.IPNet {
	t.Helper()
	var out []*net.IPNet
	for _, s := range ss {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// The sign-in throttle counts failures per client address. Ten failures
// (for ten different usernames, so that only the address is counted) from
// one client lock that address; whether the next sign-in is refused tells
// which address the server took for each request.
func TestSignInThrottleTakesTheClientAddressFromTrustedProxiesOnly(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		// the failures: from peer, each with X-Forwarded-For xff + its number when xff is not empty
		peer, xff string
		// then a good sign-in from this peer and X-Forwarded-For, and its expected status
		nextPeer, nextXFF string
		want              int
	}{
		{"without trusted proxies a forged X-Forwarded-For does not dodge the throttle", nil,
			"203.0.113.7:4000", "198.51.100.", "203.0.113.7:4001", "192.0.2.200", http.StatusTooManyRequests},
		{"without trusted proxies X-Forwarded-For from a proxy is ignored: the proxy is the client", nil,
			"10.0.0.1:4000", "198.51.100.", "10.0.0.1:4001", "192.0.2.200", http.StatusTooManyRequests},
		{"even a loopback or private peer is not trusted unless listed", []string{"10.1.0.0/16"},
			"127.0.0.1:4000", "198.51.100.", "127.0.0.1:4001", "192.0.2.200", http.StatusTooManyRequests},
		{"behind a trusted proxy the locked client is refused", []string{"10.0.0.0/8"},
			"10.0.0.1:4000", "", "10.0.0.1:4001", "", http.StatusTooManyRequests},
		{"behind a trusted proxy another client signs in", []string{"10.0.0.0/8"},
			"10.0.0.1:4000", "198.51.100.9", "10.0.0.1:4001", "192.0.2.200", http.StatusOK},
		{"behind a trusted proxy the locked client stays locked", []string{"10.0.0.0/8"},
			"10.0.0.1:4000", "198.51.100.9", "10.0.0.2:4001", "198.51.100.9", http.StatusTooManyRequests},
		{"an address forged in front of the proxy's does not dodge the throttle", []string{"10.0.0.0/8"},
			"10.0.0.1:4000", "198.51.100.9", "10.0.0.1:4001", "192.0.2.200, 198.51.100.9", http.StatusTooManyRequests},
		{"a direct client behind no proxy cannot pose as a proxy", []string{"10.0.0.0/8"},
			"203.0.113.7:4000", "198.51.100.", "203.0.113.7:4001", "192.0.2.200", http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{TrustedProxies: cidrs(t, tt.trusted...)})
			f.errorsExpected = true
			for i := range domain.DefaultSignInPolicy.LockAfter {
				xff := tt.xff
				if strings.HasSuffix(xff, ".") {
					xff += fmt.Sprint(i + 1)
				}
				if code := f.signInFrom(tt.peer, xff, fmt.Sprintf("nobody%d", i), "sai-mat-khau"); code != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d, want 401", i+1, code)
				}
			}
			if got := f.signInFrom(tt.nextPeer, tt.nextXFF, "viewer", testPassword); got != tt.want {
				t.Errorf("sign-in from %s (X-Forwarded-For %q): %d, want %d", tt.nextPeer, tt.nextXFF, got, tt.want)
			}
		})
	}
}
