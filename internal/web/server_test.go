package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestProbes(t *testing.T) {
	f := newFixture(t, Options{})
	for _, path := range []string{"/healthz", "/readyz"} {
		t.Run(path+" is ok on a migrated database", func(t *testing.T) {
			res := f.do("GET", path, "", "")
			if res.Code != http.StatusOK || strings.TrimSpace(res.Body.String()) != `{"status":"ok"}` {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("readyz is 503 when the database is closed, healthz still 200", func(t *testing.T) {
		db := testdb.New(t)
		svc, err := core.New(context.Background(), store.New(db), domain.SystemClock{}, core.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(svc, Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"reason":`) {
			t.Fatalf("readyz = %d %s", rec.Code, rec.Body)
		}
		rec = httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("healthz = %d %s", rec.Code, rec.Body)
		}
	})
}

func TestSecurityHeadersAndRequestIDs(t *testing.T) {
	f := newFixture(t, Options{})
	for _, c := range []struct{ name, method, path, token string }{
		{"home page", "GET", "/", ""},
		{"api", "GET", "/api/v1/me", f.tokens["viewer"]},
		{"unauthorized", "GET", "/api/v1/me", ""},
		{"unknown route", "GET", "/nowhere", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := f.do(c.method, c.path, c.token, "")
			h := res.Header()
			for name, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"X-Frame-Options":        "DENY",
				"Referrer-Policy":        "strict-origin-when-cross-origin",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if h.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if res.Code >= 400 && strings.HasPrefix(c.path, "/api/") {
				if e := res.apiError(t); e.RequestID != h.Get("X-Request-Id") {
					t.Errorf("error request_id %q, header %q", e.RequestID, h.Get("X-Request-Id"))
				}
			}
		})
	}
	t.Run("an incoming request id is kept", func(t *testing.T) {
		res := f.do("GET", "/healthz", "", "", "X-Request-Id: abc-123")
		if got := res.Header().Get("X-Request-Id"); got != "abc-123" {
			t.Errorf("X-Request-Id = %q", got)
		}
	})
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	f := newFixture(t, Options{BodyLimit: "1K"})
	units, audits := f.counts()
	big := `{"code":"HN.HBT.A.BIG","name":"` + strings.Repeat("x", 2048) + `","kind":"cell","parent_code":"HN.HBT.A"}`
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(big))
		req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
		if chunked {
			req.ContentLength = -1 // no Content-Length: the limit applies while reading
		}
		res := f.serve(req)
		if res.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked %v: status %d: %s", chunked, res.Code, res.Body)
		}
		if e := res.apiError(t); e.Code != "too_large" {
			t.Errorf("code %q", e.Code)
		}
	}
	if u, a := f.counts(); u != units || a != audits {
		t.Errorf("wrote: units %d→%d, audit rows %d→%d", units, u, audits, a)
	}
	if res := f.do("POST", "/api/v1/login", "", `{"username":"admin","password":"`+testPassword+`"}`); res.Code != http.StatusOK {
		t.Errorf("a small body is refused: %d", res.Code)
	}
}

func TestPanicBecomesA500WithoutDetails(t *testing.T) {
	f := newFixture(t, Options{})
	f.errorsExpected = true
	f.srv.echo.GET("/api/test/panic", func(c echo.Context) error { panic("secret boom") })
	res := f.do("GET", "/api/test/panic", "", "", "Accept-Language: en")
	if res.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", res.Code)
	}
	e := res.apiError(t)
	if e.Code != "internal" || strings.Contains(res.Body.String(), "boom") || strings.Contains(res.Body.String(), "goroutine") {
		t.Errorf("body %s", res.Body)
	}
	if !strings.HasPrefix(e.Message, "Internal server error") {
		t.Errorf("message %q, want the English one", e.Message)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "secret boom") || !strings.Contains(logs, e.RequestID) {
		t.Errorf("panic not logged with the request id: %s", logs)
	}
	t.Run("an unexpected error is a generic 500 too", func(t *testing.T) {
		f.srv.echo.GET("/api/test/error", func(c echo.Context) error { return errors.New("pq: password for db at 10.0.0.1") })
		res := f.do("GET", "/api/test/error", "", "")
		if res.Code != http.StatusInternalServerError || strings.Contains(res.Body.String(), "10.0.0.1") {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
}

func TestLoginMeLogout(t *testing.T) {
	f := newFixture(t, Options{})
	for _, body := range []string{
		`{"username":"admin","password":"wrong-password"}`,
		`{"username":"nobody","password":"` + testPassword + `"}`,
		`{"username":"","password":""}`,
	} {
		res := f.do("POST", "/api/v1/login", "", body)
		if res.Code != http.StatusUnauthorized {
			t.Errorf("login %s = %d", body, res.Code)
		}
	}
	token := f.login("  Board ")
	res := f.do("GET", "/api/v1/me", token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("me = %d %s", res.Code, res.Body)
	}
	var me struct {
		User   domain.User `json:"user"`
		Grants []struct {
			Role, UnitCode string
		} `json:"grants"`
	}
	res.decode(t, &me)
	if me.User.Username != "board" || len(me.Grants) != 1 || me.Grants[0].Role != "board" {
		t.Errorf("me = %s", res.Body)
	}
	if strings.Contains(res.Body.String(), "password") || strings.Contains(res.Body.String(), "unit_path") {
		t.Errorf("me leaks: %s", res.Body)
	}
	if res := f.do("POST", "/api/v1/logout", token, ""); res.Code != http.StatusNoContent {
		t.Fatalf("logout = %d %s", res.Code, res.Body)
	}
	if res := f.do("GET", "/api/v1/me", token, ""); res.Code != http.StatusUnauthorized {
		t.Errorf("me after logout = %d", res.Code)
	}
	if res := f.do("GET", "/api/v1/me", f.tokens["board"], ""); res.Code != http.StatusOK {
		t.Errorf("another token of the same user = %d", res.Code)
	}
}

func TestWebSessionAuthenticatesTheAPI(t *testing.T) {
	f := newFixture(t, Options{})
	ctx, err := f.srv.sessions.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	f.srv.sessions.Put(ctx, sessionUserKey, f.users["board"])
	token, _, err := f.srv.sessions.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "Cookie: " + SessionCookie + "=" + token
	if res := f.do("GET", "/api/v1/me", "", "", cookie); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"username":"board"`) {
		t.Fatalf("me with session = %d %s", res.Code, res.Body)
	}
	v := f.unit("HN.HBT.A").Version
	patch := `{"members":401,"version":` + strconv.Itoa(v) + `}`
	if res := f.do("PATCH", "/api/v1/units/HN.HBT.A", "", patch, cookie); res.Code != http.StatusForbidden {
		t.Errorf("session write without X-Requested-With = %d %s", res.Code, res.Body)
	}
	if res := f.do("PATCH", "/api/v1/units/HN.HBT.A", "", patch, cookie, "X-Requested-With: XMLHttpRequest"); res.Code != http.StatusOK {
		t.Errorf("session write with X-Requested-With = %d %s", res.Code, res.Body)
	}
	if res := f.do("GET", "/api/v1/me", "", "", "Cookie: "+SessionCookie+"=forged"); res.Code != http.StatusUnauthorized {
		t.Errorf("forged session = %d", res.Code)
	}
	if res := f.do("GET", "/api/v1/me", "Bad", "", cookie); res.Code != http.StatusUnauthorized {
		t.Errorf("a bad bearer token with a good session = %d", res.Code)
	}
	res := f.do("POST", "/api/v1/logout", "", "", cookie, "HX-Request: true")
	if res.Code != http.StatusNoContent || !strings.Contains(res.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout with session = %d %q", res.Code, res.Header().Get("Set-Cookie"))
	}
	if res := f.do("GET", "/api/v1/me", "", "", cookie); res.Code != http.StatusUnauthorized {
		t.Errorf("me after session logout = %d", res.Code)
	}
}

func TestStartAndShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	f := newFixture(t, Options{Addr: addr})
	done := make(chan error, 1)
	go func() { done <- f.srv.Start() }()
	var res *http.Response
	for i := 0; i < 100; i++ {
		if res, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server did not answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d", res.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Start after Shutdown = %v, want nil", err)
	}
}
