package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// browser is a client of the pages that keeps its cookies.
type browser struct {
	f       *fixture
	cookies map[string]*http.Cookie
	lang    string
}

func (f *fixture) browser(lang string) *browser {
	return &browser{f: f, cookies: map[string]*http.Cookie{}, lang: lang}
}

func (b *browser) send(method, path string, form url.Values) response {
	b.f.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	res := b.f.serve(req)
	for _, c := range res.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return res
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf opens the sign-in page and returns the form's CSRF token.
func (b *browser) csrf() string {
	b.f.t.Helper()
	res := b.send("GET", "/login", nil)
	m := csrfField.FindStringSubmatch(res.Body.String())
	if res.Code != http.StatusOK || m == nil {
		b.f.t.Fatalf("sign-in page: %d, no CSRF token in %s", res.Code, res.Body)
	}
	return m[1]
}

func (b *browser) login(username, password string) response {
	b.f.t.Helper()
	return b.send("POST", "/login", url.Values{"csrf_token": {b.csrf()}, "username": {username}, "password": {password}})
}

func TestSignInPageSpeaksVietnameseFirstAndEnglishOnRequest(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct{ accept, wantLang, wantTitle, notWant string }{
		{"", "vi", "Đăng nhập", "Sign in"},
		{"en-US,en;q=0.8", "en", "Sign in", "Đăng nhập"},
		{"fr", "vi", "Đăng nhập", "Sign in"},
	}
	for _, tt := range tests {
		res := f.browser(tt.accept).send("GET", "/login", nil)
		body := res.Body.String()
		if res.Code != http.StatusOK || !strings.Contains(body, `<html lang="`+tt.wantLang+`">`) ||
			!strings.Contains(body, "<h1>"+tt.wantTitle+"</h1>") || strings.Contains(body, tt.notWant+"</h1>") {
			t.Errorf("Accept-Language %q: %d, want %s page: %s", tt.accept, res.Code, tt.wantLang, body)
		}
		for _, label := range []string{`<label for="username">`, `<label for="password">`} {
			if !strings.Contains(body, label) {
				t.Errorf("Accept-Language %q: no %s", tt.accept, label)
			}
		}
	}
	t.Run("the language chosen on the page wins over the browser's", func(t *testing.T) {
		b := f.browser("vi")
		if res := b.send("GET", "/lang/en", nil); res.Code != http.StatusSeeOther {
			t.Fatalf("/lang/en: %d", res.Code)
		}
		if body := b.send("GET", "/login", nil).Body.String(); !strings.Contains(body, "<h1>Sign in</h1>") {
			t.Errorf("after choosing English: %s", body)
		}
	})
}

func TestSignInAndOut(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	res := b.login("secretary", testPassword)
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/my" {
		t.Fatalf("sign-in: %d %q %s", res.Code, res.Header().Get("Location"), res.Body)
	}
	home := b.send("GET", "/", nil)
	if home.Code != http.StatusOK || !strings.Contains(home.Body.String(), "Tiến độ đại hội: Đảng bộ phường Bạch Mai") || !strings.Contains(home.Body.String(), "Đăng xuất") {
		t.Fatalf("home after sign-in: %d %s", home.Code, home.Body)
	}
	token := csrfField.FindStringSubmatch(home.Body.String())[1]
	if res := b.send("POST", "/logout", url.Values{"csrf_token": {token}}); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/login" {
		t.Fatalf("sign-out: %d %q", res.Code, res.Header().Get("Location"))
	}
	if res := b.send("GET", "/login", nil); !strings.Contains(res.Body.String(), "Đồng chí đã đăng xuất.") {
		t.Errorf("no flash after sign-out: %s", res.Body)
	}
	if res := b.send("GET", "/", nil); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/login" {
		t.Errorf("home after sign-out: %d %q, want a redirect to /login", res.Code, res.Header().Get("Location"))
	}
}

func TestFormsWithoutTheSessionsCSRFTokenAreRefused(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct{ name, token, lang, want string }{
		{"no token", "", "", "Biểu mẫu đã hết hạn"},
		{"another session's token", f.browser("").csrf(), "", "Biểu mẫu đã hết hạn"},
		{"no token, in English", "", "en", "The form has expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(tt.lang)
			b.csrf() // a session with its own token
			res := b.send("POST", "/login", url.Values{"csrf_token": {tt.token}, "username": {"secretary"}, "password": {testPassword}})
			if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), tt.want) {
				t.Errorf("%d %s", res.Code, res.Body)
			}
			if _, ok := b.cookies[SessionCookie]; ok && b.send("GET", "/", nil).Code == http.StatusOK {
				t.Error("signed in without a valid token")
			}
		})
	}
}

// The lock's end and the slowing down are the services' (core, domain); the
// page says the lock.
func TestRepeatedFailedSignInsLock(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("en")
	for i := 1; i <= domain.DefaultSignInPolicy.LockAfter; i++ {
		res := b.login("secretary", "wrong password")
		if res.Code != http.StatusUnauthorized || !strings.Contains(res.Body.String(), "Wrong username or password.") {
			t.Fatalf("attempt %d: %d %s", i, res.Code, res.Body)
		}
	}
	t.Run("locked, even with the right password", func(t *testing.T) {
		res := b.login("secretary", testPassword)
		if res.Code != http.StatusTooManyRequests || !strings.Contains(res.Body.String(), "Try again in 15 minutes") {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("from another browser too: the username is locked", func(t *testing.T) {
		other := f.browser("vi")
		res := other.login("secretary", testPassword)
		if res.Code != http.StatusTooManyRequests || !strings.Contains(res.Body.String(), "Tạm khóa đăng nhập") {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
}

func TestErrorPagesAndStaticFiles(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		path, lang string
		status     int
		want       string
	}{
		{"/nowhere", "", http.StatusNotFound, "Không tìm thấy trang."},
		{"/nowhere", "en", http.StatusNotFound, "Page not found."},
		{"/static/vendor/htmx-2.0.11.min.js", "", http.StatusOK, "htmx"},
		{"/static/vendor/chart-4.6.1.umd.min.js", "", http.StatusOK, "Chart"},
		{"/static/daihoi.css", "", http.StatusOK, "body"},
	}
	for _, tt := range tests {
		res := f.browser(tt.lang).send("GET", tt.path, nil)
		if res.Code != tt.status || !strings.Contains(res.Body.String(), tt.want) {
			t.Errorf("%s (%s): %d, want %d with %q", tt.path, tt.lang, res.Code, tt.status, tt.want)
		}
	}
	if cc := f.browser("").send("GET", "/static/vendor/htmx-2.0.11.min.js", nil).Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("vendored script cached %q", cc)
	}
}

// The API's sign-in shares the throttle of the sign-in page.
func TestAPISignInIsThrottledLikeThePage(t *testing.T) {
	f := newFixture(t, Options{})
	f.errorsExpected = true
	for range domain.DefaultSignInPolicy.LockAfter {
		if res := f.do("POST", "/api/v1/login", "", `{"username":"viewer","password":"sai"}`); res.Code != http.StatusUnauthorized {
			t.Fatalf("failed sign-in: %d", res.Code)
		}
	}
	res := f.do("POST", "/api/v1/login", "", `{"username":"viewer","password":"`+testPassword+`"}`, "Accept-Language: en")
	if e := res.apiError(t); res.Code != http.StatusTooManyRequests || e.Code != "too_many_requests" || !strings.Contains(e.Message, "Try again in 15 minutes") {
		t.Errorf("%d %+v", res.Code, e)
	}
	if ra := res.Header().Get("Retry-After"); ra != "900" {
		t.Errorf("Retry-After %q, want the lock's 900 seconds", ra)
	}
	if body := f.browser("vi").login("viewer", testPassword).Body.String(); !strings.Contains(body, "Tạm khóa đăng nhập") {
		t.Errorf("the page does not share the lock: %s", body)
	}
}

// Fifty wrong passwords for one user at once, through the API, from fifty
// addresses: at most LockAfter (10) are checked and answered 401, the
// others are refused as locked.
func TestConcurrentWrongPasswordsThroughTheAPIAreLocked(t *testing.T) {
	f := newFixture(t, Options{})
	const n = 50
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"viewer","password":"sai-mat-khau"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = fmt.Sprintf("10.0.0.%d:4000", i)
			codes[i] = f.serve(req).Code
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] > 10 || count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != n {
		t.Errorf("answers %v, want at most 10 × 401 and the rest 429", count)
	}
}
